# SPDX-License-Identifier: GPL-3.0-or-later
# Embed files into the binary at build time: each becomes a C array
# `const unsigned char <symbol>[]` with `const unsigned int <symbol>_len`.
# The generated sources are collected in KEEL_EMBED_SOURCES.
set(KEEL_EMBED_SOURCES "")
set(KEEL_EMBED_SCRIPT ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake)

function(keel_embed symbol file)
  set(out ${CMAKE_BINARY_DIR}/gen/embed_${symbol}.c)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYM=${symbol} -P ${KEEL_EMBED_SCRIPT}
    DEPENDS ${file} ${KEEL_EMBED_SCRIPT}
    COMMENT "embedding ${file}")
  set(KEEL_EMBED_SOURCES ${KEEL_EMBED_SOURCES} ${out} PARENT_SCOPE)
endfunction()

keel_embed(demo_enterprise_json ${CMAKE_SOURCE_DIR}/data/demo.json)
