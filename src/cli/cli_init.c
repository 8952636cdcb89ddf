/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel init: placeholder until the command lands. */
#include "cli/cli.h"

int cli_init(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'init' is not available in this build yet");
}
