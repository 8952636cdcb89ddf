/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON helpers over jansson. Parsing rejects duplicate keys, trailing
 * garbage and invalid UTF-8 (jansson's own check). Reference rules follow
 * jansson: functions documented as "steals" take over the caller's
 * reference, "borrows" do not. */
#ifndef KEEL_UTIL_JSON_H
#define KEEL_UTIL_JSON_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Parse n bytes at z as one JSON object (the top level must be an object).
 * On error returns KEEL_EINVAL and writes a one-line message with the
 * line and column into zErr. The caller owns *pOut. */
int json_parse_object(const char *z, size_t n, json_t **pOut, char *zErr, size_t nErr);

/* Serialise compactly; caller frees. NULL on out-of-memory. */
char *json_dump_compact(const json_t *j);

/* A borrowed string member, or NULL if absent or not a string. */
const char *json_get_str(const json_t *obj, const char *zKey);

/* Integer member into *pv; returns 0 or KEEL_EINVAL (absent or not an
 * integer). */
int json_get_int(const json_t *obj, const char *zKey, long long *pv);

/* The integer member zKey of o as an id, or 0 when absent or not an
 * integer. */
int64_t json_get_id(const json_t *o, const char *zKey);

/* The first object of array a whose string member zKey equals zValue
 * (borrowed), or NULL. */
const json_t *json_find_str(const json_t *a, const char *zKey, const char *zValue);

/* A set as the stores keep it (",a,b,": FT_SET) as a JSON array of its
 * values (new reference; NULL or "" gives []). */
json_t *json_set_parse(const char *z);

/* Attach params (an object; steals) to the error e as the values of its
 * message (the envelope's params, docs/api.md#sentences); returns e->rc. */
struct KeelError;
int json_err_params(struct KeelError *e, json_t *params);
/* Set envelope's member params from e's (nothing when e has none). */
void json_err_put_params(json_t *envelope, const struct KeelError *e);

/* True when z is valid UTF-8 (n bytes). */
int utf8_valid(const char *z, size_t n);
/* Replace each byte of the NUL-terminated z that starts no valid UTF-8
 * character by '?', e.g. a character that snprintf's %.Ns cut in two, so
 * that the text can go into JSON. */
void utf8_repair(char *z);

#endif
