/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel demo: placeholder until the command lands. */
#include "cli/cli.h"

int cli_demo(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'demo' is not available in this build yet");
}
