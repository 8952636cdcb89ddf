/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personal-data detectors for the readiness profile: one cell's original
 * text in, the kind of personal data it holds out. Pure: no I/O, no
 * locale. Kinds, rules and thresholds are in docs/profile.md:
 *  - email: local@domain.tld (ASCII, one '@', a dotted domain, a TLD of at
 *    least two letters);
 *  - phone: a Chinese mobile number 1[3-9] + 9 digits with an optional
 *    +86 / 0086 / 86 prefix, or an international number written with +
 *    or 00 and 8 to 15 digits (E.164); spaces, '-', '.', '(' ')' allowed;
 *  - cn_resident_id: 18 characters, 17 digits and a digit or X check digit
 *    (GB 11643: weights 2^(17-i) mod 11), a province code and a real birth
 *    date (1900-2099);
 *  - bank_card: 13 to 19 digits (optionally grouped by spaces or '-'),
 *    first digit not 0, passing Luhn, not all one digit;
 *  - ip: an IPv4 dotted quad or an IPv6 address;
 *  - person_name: a column named like one (name, full_name, 姓名, ...)
 *    whose cells look like names (no digits, no '@'). */
#ifndef KEEL_ENGINE_PII_H
#define KEEL_ENGINE_PII_H
#include <stddef.h>

typedef enum PiiKind {
    PII_NONE = 0,
    PII_EMAIL,
    PII_PHONE,
    PII_CN_RESIDENT_ID,
    PII_BANK_CARD,
    PII_IP,
    PII_PERSON_NAME,
    PII_NKIND
} PiiKind;

/* A column is reported when at least this share of its non-missing cells
 * hold one kind (or, for person_name, when it is named like a name and at
 * least this share of its cells look like names). */
#define PII_MIN_SHARE 0.5

/* The kind's name in JSON ("email", ...), or NULL for PII_NONE. */
const char *pii_kind_name(PiiKind k);

/* The kind of personal data in the n bytes at z (leading and trailing
 * spaces ignored), PII_NONE if none. Never PII_PERSON_NAME. */
PiiKind pii_classify(const char *z, size_t n);

/* The GB 11643 check digit ('0'-'9' or 'X') of the 17 digits at z, or 0
 * when one of them is not a digit. */
char pii_cn_id_check(const char *z);

/* 1 if the n bytes at z are a valid Chinese resident ID number. */
int pii_cn_resident_id(const char *z, size_t n);

/* 1 if the n bytes at z are a bank card number (13-19 digits, Luhn). */
int pii_bank_card(const char *z, size_t n);

/* 1 if column name zName is a common name for a person's name. */
int pii_name_column(const char *zName);

/* 1 if the n bytes at z look like a person's name: not empty, at most 100
 * bytes, no digit, no '@'. */
int pii_name_like(const char *z, size_t n);

/* Accumulates one column's cells. Zero-initialise. */
typedef struct PiiTally {
    size_t aCount[PII_NKIND]; /* cells per kind (PII_PERSON_NAME: name-like) */
    size_t nCell;             /* non-missing cells seen */
} PiiTally;

/* Count nRep cells holding the n bytes at z; nameCol says the column is
 * named like a person name. */
void pii_tally_add(PiiTally *p, const char *z, size_t n, size_t nRep, int nameCol);

/* The column's verdict: the most frequent kind if its share reaches
 * PII_MIN_SHARE (person_name only for a name column, and only when no
 * other kind qualifies), else PII_NONE; *pShare gets the share. */
PiiKind pii_tally_kind(const PiiTally *p, double *pShare);

#endif
