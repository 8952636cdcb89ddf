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

# The web UI: every file under web/ plus ECharts from node_modules (installed
# by scripts/bootstrap.sh from package-lock.json) in one table with a content
# hash; see cmake/embed_web.cmake and src/http/static.c.
file(GLOB_RECURSE KEEL_WEB_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*)
set(KEEL_WEB_VENDOR
  "vendor/echarts.esm.min.js=${CMAKE_SOURCE_DIR}/node_modules/echarts/dist/echarts.esm.min.mjs")
set(KEEL_WEB_OUT ${CMAKE_BINARY_DIR}/gen/embed_web.c)
set(KEEL_WEB_DEPS ${KEEL_WEB_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake)
if(EXISTS ${CMAKE_SOURCE_DIR}/node_modules/echarts/dist/echarts.esm.min.mjs)
  list(APPEND KEEL_WEB_DEPS ${CMAKE_SOURCE_DIR}/node_modules/echarts/dist/echarts.esm.min.mjs)
else()
  # a UI without its chart component is not a build anyone wants by accident
  message(FATAL_ERROR "keel: node_modules/echarts is missing, so the web UI would have no charts.\n"
    "Run:  cd ${CMAKE_SOURCE_DIR} && npm ci   (or: make bootstrap)\n"
    "then configure again.")
endif()
add_custom_command(
  OUTPUT ${KEEL_WEB_OUT}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${CMAKE_SOURCE_DIR}/web "-DVENDOR=${KEEL_WEB_VENDOR}"
          -DOUT=${KEEL_WEB_OUT} -P ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${KEEL_WEB_DEPS}
  COMMENT "embedding the web UI")
list(APPEND KEEL_EMBED_SOURCES ${KEEL_WEB_OUT})
keel_embed(catalogue_json ${CMAKE_SOURCE_DIR}/data/catalogue.json)
# The files the demo's analyses are computed from (data/demo/, scripts/demo_data.py).
keel_embed(demo_credit_scoring_csv ${CMAKE_SOURCE_DIR}/data/demo/credit_scoring.csv)
keel_embed(demo_recommendations_ab_csv ${CMAKE_SOURCE_DIR}/data/demo/recommendations_ab.csv)
keel_embed(demo_maintenance_model_json ${CMAKE_SOURCE_DIR}/data/demo/maintenance_model.json)
keel_embed(demo_maintenance_presses_csv ${CMAKE_SOURCE_DIR}/data/demo/maintenance_presses.csv)
# The compliance rule packs and the Chinese working-day table (data/rules/).
keel_embed(rules_eu_ai_act_json ${CMAKE_SOURCE_DIR}/data/rules/eu_ai_act.json)
keel_embed(rules_iso42001_json ${CMAKE_SOURCE_DIR}/data/rules/iso42001.json)
keel_embed(rules_nist_ai_rmf_json ${CMAKE_SOURCE_DIR}/data/rules/nist_ai_rmf.json)
keel_embed(rules_china_json ${CMAKE_SOURCE_DIR}/data/rules/china.json)
keel_embed(rules_cn_workdays_json ${CMAKE_SOURCE_DIR}/data/rules/cn_workdays.json)
