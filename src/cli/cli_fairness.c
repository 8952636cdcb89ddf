/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel fairness: placeholder until the command lands. */
#include "cli/cli.h"

int cli_fairness(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'fairness' is not available in this build yet");
}
