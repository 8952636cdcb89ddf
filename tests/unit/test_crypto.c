/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for util/crypto.c: SHA-256 vectors, argon2id hashes, tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "util/crypto.h"

/* crypto-1: SHA-256 of "abc" and "" (FIPS 180-2 test vectors) */
static void test_sha256(void **state) {
    (void)state;
    char z[CRYPTO_HEX_LEN];
    crypto_sha256_hex("abc", 3, z);
    assert_string_equal(z, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    crypto_sha256_hex("", 0, z);
    assert_string_equal(z, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* crypto-2: argon2id: a hash verifies its password and no other; salted */
static void test_password(void **state) {
    (void)state;
    setenv("KEEL_FAST_PWHASH", "1", 1);
    char h1[CRYPTO_PWHASH_LEN], h2[CRYPTO_PWHASH_LEN];
    assert_int_equal(crypto_pw_hash("correct horse", h1), 0);
    assert_int_equal(crypto_pw_hash("correct horse", h2), 0);
    assert_true(strncmp(h1, "$argon2id$", 10) == 0);
    assert_string_not_equal(h1, h2);
    assert_true(crypto_pw_verify(h1, "correct horse"));
    assert_false(crypto_pw_verify(h1, "correct horsE"));
    assert_false(crypto_pw_verify(h1, ""));
}

/* crypto-3: secrets are 256-bit, prefixed, and differ */
static void test_secret(void **state) {
    (void)state;
    char a[80], b[80];
    crypto_random_secret("kt_", a, sizeof a);
    crypto_random_secret("kt_", b, sizeof b);
    assert_int_equal(strlen(a), 3 + 64);
    assert_string_not_equal(a, b);
    assert_true(crypto_str_eq(a, a));
    assert_false(crypto_str_eq(a, b));
}

int main(void) {
    assert_int_equal(crypto_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
