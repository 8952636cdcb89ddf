/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel profile: placeholder until the command lands. */
#include "cli/cli.h"

int cli_profile(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'profile' is not available in this build yet");
}
