/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel user: placeholder until the command lands. */
#include "cli/cli.h"

int cli_user(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'user' is not available in this build yet");
}
