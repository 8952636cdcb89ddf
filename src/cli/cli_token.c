/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel token: placeholder until the command lands. */
#include "cli/cli.h"

int cli_token(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'token' is not available in this build yet");
}
