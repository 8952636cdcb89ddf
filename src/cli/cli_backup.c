/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel backup: placeholder until the command lands. */
#include "cli/cli.h"

int cli_backup(int argc, char **argv) {
    (void)argc;
    (void)argv;
    return cli_fail("'backup' is not available in this build yet");
}
