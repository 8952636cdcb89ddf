/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personal-data detectors (see pii.h; rules in docs/profile.md). Each
 * detector rejects on its first byte where it can, so a column without
 * personal data costs little more than one look per distinct value. */
#include "engine/pii.h"
#include <arpa/inet.h>
#include <string.h>

static const char *const azKind[PII_NKIND] = {
    NULL, "email", "phone", "cn_resident_id", "bank_card", "ip", "person_name",
};

const char *pii_kind_name(PiiKind k) { return k > PII_NONE && k < PII_NKIND ? azKind[k] : NULL; }

static int pii_digit(char c) { return c >= '0' && c <= '9'; }

static int pii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Leap year in the Gregorian calendar. */
static int pii_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Value of the nd decimal digits at z (all digits, checked by the caller). */
static int pii_num(const char *z, int nd) {
    int v = 0;
    for (int i = 0; i < nd; i++)
        v = v * 10 + (z[i] - '0');
    return v;
}

char pii_cn_id_check(const char *z) {
    static const int aWeight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char zCheck[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!pii_digit(z[i])) return 0;
        sum += (z[i] - '0') * aWeight[i];
    }
    return zCheck[sum % 11];
}

int pii_cn_resident_id(const char *z, size_t n) {
    /* the first digits of the province codes of GB/T 2260 */
    static const int aProv[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91};
    if (n != 18) return 0;
    char c = z[17] == 'x' ? 'X' : z[17], check = pii_cn_id_check(z);
    if (!check || c != check) return 0;
    int prov = pii_num(z, 2), ok = 0;
    for (size_t i = 0; i < sizeof aProv / sizeof aProv[0]; i++)
        ok |= aProv[i] == prov;
    if (!ok) return 0;
    int y = pii_num(z + 6, 4), m = pii_num(z + 10, 2), d = pii_num(z + 12, 2);
    static const int aDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return 0;
    return d <= aDays[m - 1] + (m == 2 && pii_leap(y));
}

/* The digits of z[0..n) into a[] (at most nMax), skipping the separator
 * bytes in zSep; -1 if another byte occurs or there are more than nMax
 * digits. */
static int pii_digits(const char *z, size_t n, const char *zSep, char *a, int nMax) {
    int nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (pii_digit(z[i])) {
            if (nd == nMax) return -1;
            a[nd++] = z[i];
        } else if (!z[i] || !strchr(zSep, z[i])) {
            return -1;
        }
    }
    return nd;
}

int pii_bank_card(const char *z, size_t n) {
    char a[19];
    int nd = pii_digits(z, n, " -", a, 19);
    if (nd < 13 || a[0] == '0') return 0;
    int same = 1, sum = 0;
    for (int i = 0; i < nd; i++) {
        int v = a[nd - 1 - i] - '0';
        if (i & 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
        same &= a[i] == a[0];
    }
    return !same && sum % 10 == 0;
}

/* A phone number: a Chinese mobile (optional +86, 0086 or 86) or an
 * international number with + or 00 and 8 to 15 digits. */
static int pii_phone(const char *z, size_t n) {
    int plus = n > 0 && z[0] == '+';
    const char *p = z + plus;
    size_t m = n - (size_t)plus;
    char a[20];
    int nd = pii_digits(p, m, " -.()", a, 20);
    if (nd < 8) return 0;
    const char *d = a;
    if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') { /* 00 = international prefix */
        plus = 1;
        d += 2;
        nd -= 2;
    }
    /* Chinese mobile */
    const char *c = d;
    int nc = nd;
    if (nc == 13 && c[0] == '8' && c[1] == '6') {
        c += 2;
        nc -= 2;
    } else if (plus) {
        nc = 0;
    }
    if (nc == 11 && c[0] == '1' && c[1] >= '3' && c[1] <= '9') return 1;
    /* international, E.164 */
    return plus && nd >= 8 && nd <= 15 && d[0] != '0';
}

/* An e-mail address: local@domain, local of [A-Za-z0-9._%+-] (1-64 bytes,
 * no leading, trailing or double dot), domain of labels [A-Za-z0-9-]
 * separated by dots, at least two labels, the last at least two letters. */
static int pii_email(const char *z, size_t n) {
    const char *at = memchr(z, '@', n);
    if (!at) return 0;
    size_t nl = (size_t)(at - z), nd = n - nl - 1;
    if (nl == 0 || nl > 64 || nd < 4 || nd > 253) return 0;
    if (z[0] == '.' || z[nl - 1] == '.') return 0;
    for (size_t i = 0; i < nl; i++) {
        char c = z[i];
        if (!(pii_alpha(c) || pii_digit(c) || strchr("._%+-", c))) return 0;
        if (c == '.' && z[i + 1] == '.') return 0;
    }
    const char *d = at + 1;
    size_t nLabel = 0, nDot = 0, iLast = 0;
    for (size_t i = 0; i < nd; i++) {
        char c = d[i];
        if (c == '.') {
            if (nLabel == 0 || d[i - 1] == '-') return 0;
            nDot++;
            nLabel = 0;
            iLast = i + 1;
        } else if (pii_alpha(c) || pii_digit(c) || (c == '-' && nLabel > 0)) {
            if (++nLabel > 63) return 0;
        } else {
            return 0;
        }
    }
    if (nDot == 0 || nLabel < 2) return 0;
    for (size_t i = iLast; i < nd; i++)
        if (!pii_alpha(d[i])) return 0;
    return 1;
}

/* An IPv4 or IPv6 address (inet_pton's grammar). */
static int pii_ip(const char *z, size_t n) {
    char zBuf[48];
    unsigned char aAddr[16];
    if (n < 2 || n >= sizeof zBuf) return 0;
    memcpy(zBuf, z, n);
    zBuf[n] = 0;
    if (memchr(z, ':', n)) return inet_pton(AF_INET6, zBuf, aAddr) == 1;
    return n >= 7 && n <= 15 && inet_pton(AF_INET, zBuf, aAddr) == 1;
}

PiiKind pii_classify(const char *z, size_t n) {
    while (n && (z[0] == ' ' || z[0] == '\t')) {
        z++;
        n--;
    }
    while (n && (z[n - 1] == ' ' || z[n - 1] == '\t'))
        n--;
    if (n < 2 || n > 254) return PII_NONE;
    char c = z[0];
    if (memchr(z, '@', n)) return pii_email(z, n) ? PII_EMAIL : PII_NONE;
    if (memchr(z, ':', n)) return pii_ip(z, n) ? PII_IP : PII_NONE;
    if (!pii_digit(c) && c != '+' && c != '(') return PII_NONE;
    if (pii_cn_resident_id(z, n)) return PII_CN_RESIDENT_ID;
    if (pii_phone(z, n)) return PII_PHONE;
    if (pii_bank_card(z, n)) return PII_BANK_CARD;
    if (pii_ip(z, n)) return PII_IP;
    return PII_NONE;
}

int pii_name_column(const char *zName) {
    static const char *const azName[] = {
        "name",        "fullname",       "firstname",   "lastname",     "surname",
        "givenname",   "familyname",     "middlename",  "customername", "personname",
        "patientname", "employeename",   "contactname", "clientname",   "holdername",
        "cardholder",  "cardholdername", "realname",    "姓名",         "名字",
        "真实姓名",    "客户姓名",       "联系人",      "联系人姓名",   "持卡人",
        "员工姓名",    "患者姓名",       "用户姓名",    "姓",           "名",
    };
    char z[64];
    size_t n = 0;
    for (const char *p = zName; *p; p++) {
        char c = *p;
        if (c == '_' || c == '-' || c == ' ' || c == '.') continue;
        if (n + 1 >= sizeof z) return 0;
        z[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    z[n] = 0;
    for (size_t i = 0; i < sizeof azName / sizeof azName[0]; i++)
        if (strcmp(z, azName[i]) == 0) return 1;
    return 0;
}

int pii_name_like(const char *z, size_t n) {
    if (n == 0 || n > 100) return 0;
    for (size_t i = 0; i < n; i++)
        if (pii_digit(z[i]) || z[i] == '@') return 0;
    return 1;
}

void pii_tally_add(PiiTally *p, const char *z, size_t n, size_t nRep, int nameCol) {
    PiiKind k = pii_classify(z, n);
    p->aCount[k] += nRep;
    if (nameCol && k == PII_NONE && pii_name_like(z, n)) p->aCount[PII_PERSON_NAME] += nRep;
    p->nCell += nRep;
}

PiiKind pii_tally_kind(const PiiTally *p, double *pShare) {
    PiiKind best = PII_NONE;
    for (int k = PII_EMAIL; k < PII_PERSON_NAME; k++)
        if (p->aCount[k] > p->aCount[best] || best == PII_NONE) best = (PiiKind)k;
    if (p->nCell == 0) best = PII_NONE;
    double share = best ? (double)p->aCount[best] / (double)p->nCell : 0;
    if (best && share < PII_MIN_SHARE) best = PII_NONE;
    if (!best && p->nCell) {
        double s = (double)p->aCount[PII_PERSON_NAME] / (double)p->nCell;
        if (p->aCount[PII_PERSON_NAME] && s >= PII_MIN_SHARE) {
            best = PII_PERSON_NAME;
            share = s;
        }
    }
    *pShare = best ? share : 0;
    return best;
}
