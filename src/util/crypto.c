/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libsodium wrappers; see crypto.h. */
#include "util/crypto.h"
#include "util/err.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crypto_init(void) { return sodium_init() < 0 ? KEEL_EINTERNAL : 0; }

void crypto_sha256_hex(const void *p, size_t n, char *zOut) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(zOut, CRYPTO_HEX_LEN, h, sizeof h);
}

void crypto_hmac_sha256_hex(const char *zKey, const void *p, size_t n, char *zOut) {
    crypto_auth_hmacsha256_state st;
    unsigned char h[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)zKey, strlen(zKey));
    crypto_auth_hmacsha256_update(&st, p, n);
    crypto_auth_hmacsha256_final(&st, h);
    sodium_bin2hex(zOut, CRYPTO_HEX_LEN, h, sizeof h);
    sodium_memzero(&st, sizeof st);
}

void crypto_random_secret(const char *zPrefix, char *zOut, size_t nOut) {
    unsigned char r[32];
    char hex[65];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    snprintf(zOut, nOut, "%s%s", zPrefix, hex);
    sodium_memzero(r, sizeof r);
}

/* A binary configured with -DKEEL_TEST_HOOKS=ON lets tests ask for cheap
 * hashes (KEEL_FAST_PWHASH=1) so that hundreds of logins stay fast; the
 * algorithm (argon2id) is the same. Any other build ignores the variable. */
static void pw_limits(unsigned long long *ops, size_t *mem) {
    *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
#ifdef KEEL_TEST_HOOKS
    const char *z = getenv("KEEL_FAST_PWHASH");
    if (z && strcmp(z, "1") == 0) {
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
    }
#endif
}

int crypto_pw_hash(const char *zPassword, char zOut[CRYPTO_PWHASH_LEN]) {
    unsigned long long ops;
    size_t mem;
    pw_limits(&ops, &mem);
    if (crypto_pwhash_str_alg(zOut, zPassword, strlen(zPassword), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return KEEL_ENOMEM;
    return 0;
}

int crypto_pw_verify(const char *zHash, const char *zPassword) {
    return crypto_pwhash_str_verify(zHash, zPassword, strlen(zPassword)) == 0;
}

int crypto_str_eq(const char *a, const char *b) {
    size_t n = strlen(a);
    if (n != strlen(b)) return 0;
    return sodium_memcmp(a, b, n) == 0;
}
