/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hashing and randomness over libsodium: SHA-256 hex digests, random
 * tokens, argon2id password hashes, constant-time comparison. Call
 * crypto_init() once at start-up (idempotent, thread-safe after that). */
#ifndef KEEL_UTIL_CRYPTO_H
#define KEEL_UTIL_CRYPTO_H
#include <stddef.h>

#define CRYPTO_HEX_LEN 65   /* 64 hex digits of SHA-256 + NUL */
#define CRYPTO_TOKEN_LEN 44 /* "kt_" + 40 base32-ish chars + NUL; see crypto_token */
#define CRYPTO_PWHASH_LEN 128

/* Initialise libsodium; returns 0 or KEEL_EINTERNAL. */
int crypto_init(void);
/* SHA-256 of n bytes at p as lowercase hex into zOut[CRYPTO_HEX_LEN]. */
void crypto_sha256_hex(const void *p, size_t n, char *zOut);
/* HMAC-SHA256 of n bytes at p under the key zKey (its bytes, any length)
 * as lowercase hex into zOut[CRYPTO_HEX_LEN] (webhook signatures). */
void crypto_hmac_sha256_hex(const char *zKey, const void *p, size_t n, char *zOut);
/* A fresh random 256-bit secret, written as 64 hex digits (plus NUL) with
 * the given short prefix ("ks_" for sessions, "kt_" for API tokens): zOut
 * needs strlen(zPrefix) + 65 bytes. */
void crypto_random_secret(const char *zPrefix, char *zOut, size_t nOut);
/* argon2id hash of a password with libsodium's interactive limits (the
 * minimum limits when KEEL_FAST_PWHASH=1 is set, only in a binary built
 * with -DKEEL_TEST_HOOKS=ON). 0 or ENOMEM. */
int crypto_pw_hash(const char *zPassword, char zOut[CRYPTO_PWHASH_LEN]);
/* 1 when zPassword matches zHash. */
int crypto_pw_verify(const char *zHash, const char *zPassword);
/* Constant-time equality of two NUL-terminated strings of equal length. */
int crypto_str_eq(const char *a, const char *b);

#endif
