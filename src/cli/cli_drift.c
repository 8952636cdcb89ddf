/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel drift: placeholder until the command lands. */
#include "cli/cli.h"

int cli_drift(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'drift' is not available in this build yet");
}
