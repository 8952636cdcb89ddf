/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel audit: placeholder until the command lands. */
#include "cli/cli.h"

int cli_audit(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'audit' is not available in this build yet");
}
