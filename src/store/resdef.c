/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lookups in a resource definition; see resdef.h. */
#include "store/resdef.h"
#include <string.h>

const FieldDef *resource_field(const ResourceDef *r, const char *zName) {
    for (int i = 0; i < r->nField; i++)
        if (strcmp(r->aField[i].zName, zName) == 0) return &r->aField[i];
    return NULL;
}

int resource_enum_index(const char *const *az, const char *z) {
    if (!z) return -1;
    for (int i = 0; az && az[i]; i++)
        if (strcmp(az[i], z) == 0) return i;
    return -1;
}
