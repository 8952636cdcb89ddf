/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel serve: placeholder until the command lands. */
#include "cli/cli.h"

int cli_serve(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'serve' is not available in this build yet");
}
