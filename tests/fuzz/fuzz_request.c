/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for what keel parses of a request before storage: the path
 * (router_match), the JSON body (json_parse_object with duplicate keys
 * refused) and its validation against every resource definition
 * (resource_all). Input:
 * "METHOD PATH\n" then the body. */
#include "domain/resource.h"
#include "http/router.h"
#include "util/json.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    const char *nl = memchr(z, '\n', size);
    size_t nLine = nl ? (size_t)(nl - z) : size;
    char zLine[512];
    if (nLine >= sizeof zLine) nLine = sizeof zLine - 1;
    memcpy(zLine, z, nLine);
    zLine[nLine] = 0;
    char *sp = strchr(zLine, ' ');
    const char *zMethod = "GET", *zPath = zLine;
    if (sp) {
        *sp = 0;
        zMethod = zLine;
        zPath = sp + 1;
    }
    int64_t aParam[ROUTE_MAX_PARAM];
    int nParam, status;
    char zAllow[64];
    router_match(zMethod, zPath, aParam, &nParam, &status, zAllow, sizeof zAllow);
    if (!nl) return 0;
    json_t *j = NULL;
    char zErr[256];
    if (json_parse_object(nl + 1, size - nLine - 1, &j, zErr, sizeof zErr) == 0) {
        for (const ResourceDef *const *p = resource_all; *p; p++) {
            for (int bCreate = 0; bCreate < 2; bCreate++) {
                json_t *c = json_deep_copy(j);
                KeelError e;
                resource_validate(*p, c, bCreate, &e);
                json_decref(c);
            }
        }
        json_decref(j);
    }
    return 0;
}
