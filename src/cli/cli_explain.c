/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel explain: placeholder until the command lands. */
#include "cli/cli.h"

int cli_explain(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'explain' is not available in this build yet");
}
