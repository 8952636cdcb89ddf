/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for the CLI's HTTP response parser (cli_http_parse): any
 * bytes a server (or something pretending to be one) sends to
 * `keel gate check --url`. */
#include "cli/cli_http.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int status = 0;
    char *zBody = NULL, zErr[128];
    size_t nBody = 0;
    if (cli_http_parse((const char *)data, size, &status, &zBody, &nBody, zErr, sizeof zErr) == 0) {
        if (status < 100 || status > 599 || nBody > size || zBody[nBody] != 0) abort();
        free(zBody);
    }
    return 0;
}
