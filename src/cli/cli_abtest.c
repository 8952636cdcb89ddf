/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel abtest: placeholder until the command lands. */
#include "cli/cli.h"

int cli_abtest(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'abtest' is not available in this build yet");
}
