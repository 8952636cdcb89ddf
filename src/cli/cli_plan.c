/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel plan: the portfolio optimiser from planning-input files (solve, the
 * value/budget frontier, scenarios compared side by side). The optimiser
 * itself is engine/portfolio.c; this file parses options and renders. */
#include "cli/cli.h"
#include <string.h>

/* keel plan; placeholder until the engine lands. */
int cli_plan(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: keel plan solve|frontier|compare ...\n");
        return CLI_EXIT_OK;
    }
    return cli_usage_error("plan: not available yet");
}
