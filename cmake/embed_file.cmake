# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DIN=file -DOUT=file.c -DSYM=name -P embed_file.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\nconst unsigned char ${SYM}[] = {\n${body}0x00};\nconst unsigned int ${SYM}_len = ${len};\n")
