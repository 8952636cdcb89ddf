/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing e-mail; see mail.h. */
#include "net/mail.h"
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_once_t gInit = PTHREAD_ONCE_INIT;
static int gInitRc;

static void init_once(void) { gInitRc = curl_global_init(CURL_GLOBAL_DEFAULT) ? KEEL_EIO : 0; }

int mail_global_init(void) {
    pthread_once(&gInit, init_once);
    return gInitRc;
}

/* A header value on one line: CR, LF and other controls become spaces. */
static void put_clean(Buf *b, const char *z) {
    for (; *z; z++)
        buf_putc(b, (unsigned char)*z < 0x20 || *z == 0x7f ? ' ' : *z);
}

static int is_ascii_printable(const char *z) {
    for (; *z; z++)
        if ((unsigned char)*z < 0x20 || (unsigned char)*z > 0x7e) return 0;
    return 1;
}

static void put_b64(Buf *b, const unsigned char *p, size_t n) {
    char z[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(z, sizeof z, p, n, sodium_base64_VARIANT_ORIGINAL);
    buf_puts(b, z);
}

/* The subject as encoded words of at most 45 bytes of UTF-8 each (never
 * splitting a character), folded onto continuation lines. */
static void put_subject(Buf *b, const char *zSubject) {
    char zClean[1024];
    size_t n = 0;
    for (const char *z = zSubject; *z && n + 1 < sizeof zClean; z++)
        zClean[n++] = (unsigned char)*z < 0x20 || *z == 0x7f ? ' ' : *z;
    zClean[n] = 0;
    buf_puts(b, "Subject: ");
    if (is_ascii_printable(zClean) && n < 900) {
        buf_puts(b, zClean);
        buf_puts(b, "\r\n");
        return;
    }
    size_t i = 0;
    int first = 1;
    while (i < n) {
        size_t k = n - i < 45 ? n - i : 45;
        while (k > 0 && i + k < n && ((unsigned char)zClean[i + k] & 0xC0) == 0x80)
            k--;
        if (k == 0) k = n - i < 45 ? n - i : 45;
        if (!first) buf_puts(b, "\r\n ");
        buf_puts(b, "=?UTF-8?B?");
        put_b64(b, (const unsigned char *)zClean + i, k);
        buf_puts(b, "?=");
        i += k;
        first = 0;
    }
    buf_puts(b, "\r\n");
}

/* A body part in base64, 76 characters a line. */
static void put_part(Buf *b, const char *zBoundary, const char *zType, const char *z) {
    buf_printf(b,
               "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               zBoundary, zType);
    size_t n = strlen(z);
    for (size_t i = 0; i < n; i += 57) {
        put_b64(b, (const unsigned char *)z + i, n - i < 57 ? n - i : 57);
        buf_puts(b, "\r\n");
    }
}

void mail_compose(Buf *b, const char *zFrom, const MailMsg *m, const char *zMessageId,
                  const char *zDate) {
    buf_puts(b, "Date: ");
    put_clean(b, zDate);
    buf_puts(b, "\r\nFrom: ");
    put_clean(b, zFrom);
    buf_puts(b, "\r\nTo: ");
    put_clean(b, m->zTo);
    buf_puts(b, "\r\nMessage-ID: <");
    put_clean(b, zMessageId);
    buf_puts(b, ">\r\n");
    put_subject(b, m->zSubject ? m->zSubject : "");
    buf_puts(b, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
    char zBoundary[64];
    snprintf(zBoundary, sizeof zBoundary, "keel-%s", zMessageId);
    for (char *p = zBoundary; *p; p++)
        if (*p == '@' || *p == '<' || *p == '>' || *p == ' ') *p = '.';
    if (m->zHtml) {
        buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", zBoundary);
        put_part(b, zBoundary, "text/plain", m->zText ? m->zText : "");
        put_part(b, zBoundary, "text/html", m->zHtml);
        buf_printf(b, "--%s--\r\n", zBoundary);
    } else {
        buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n");
        const char *z = m->zText ? m->zText : "";
        size_t n = strlen(z);
        for (size_t i = 0; i < n; i += 57) {
            put_b64(b, (const unsigned char *)z + i, n - i < 57 ? n - i : 57);
            buf_puts(b, "\r\n");
        }
    }
}

typedef struct Upload {
    const char *z;
    size_t n, off;
} Upload;

static size_t read_cb(char *p, size_t size, size_t nmemb, void *pv) {
    Upload *u = pv;
    size_t want = size * nmemb, left = u->n - u->off;
    size_t k = want < left ? want : left;
    memcpy(p, u->z + u->off, k);
    u->off += k;
    return k;
}

/* The conversation, without the message itself or the credentials. */
static int debug_cb(CURL *h, curl_infotype t, char *p, size_t n, void *pv) {
    (void)h;
    Buf *b = pv;
    if (t != CURLINFO_HEADER_IN && t != CURLINFO_HEADER_OUT && t != CURLINFO_TEXT) return 0;
    if (t == CURLINFO_HEADER_OUT && n >= 4 && strncmp(p, "AUTH", 4) == 0) {
        buf_puts(b, "> AUTH (credentials not shown)\n");
        return 0;
    }
    if (b->n > 64 * 1024) return 0;
    const char *zPre = t == CURLINFO_HEADER_IN ? "< " : t == CURLINFO_HEADER_OUT ? "> " : "* ";
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '\n')
            j++;
        size_t e = j;
        if (e > i && p[e - 1] == '\r') e--;
        if (e > i) {
            buf_puts(b, zPre);
            for (size_t k = i; k < e; k++)
                buf_putc(b, (unsigned char)p[k] < 0x20 ? ' ' : p[k]);
            buf_putc(b, '\n');
        }
        i = j + 1;
    }
    return 0;
}

MailOutcome mail_send(const MailConfig *c, const MailMsg *m, long *pCode, char *zErr, size_t nErr,
                      Buf *pTranscript) {
    *pCode = 0;
    zErr[0] = 0;
    if (mail_global_init()) {
        snprintf(zErr, nErr, "cannot initialise libcurl");
        return MAIL_FAILED;
    }
    char zId[80], zDate[64], zRand[24];
    randombytes_buf(zRand, 8);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(zDate, sizeof zDate, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    const char *zDomain = strchr(c->zFrom ? c->zFrom : "", '@');
    snprintf(zId, sizeof zId, "%lld.%02x%02x%02x%02x%02x%02x@%s", (long long)now,
             (unsigned char)zRand[0], (unsigned char)zRand[1], (unsigned char)zRand[2],
             (unsigned char)zRand[3], (unsigned char)zRand[4], (unsigned char)zRand[5],
             zDomain ? zDomain + 1 : "keel.invalid");
    Buf msg;
    buf_init(&msg, 4 * 1024 * 1024);
    mail_compose(&msg, c->zFrom, m, zId, zDate);
    if (buf_err(&msg)) {
        buf_reset(&msg);
        snprintf(zErr, nErr, "the message is too large");
        return MAIL_REFUSED;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        buf_reset(&msg);
        snprintf(zErr, nErr, "out of memory");
        return MAIL_FAILED;
    }
    char zCurlErr[CURL_ERROR_SIZE] = "";
    Upload up = {msg.z, msg.n, 0};
    struct curl_slist *rcpt = curl_slist_append(NULL, m->zTo);
    curl_easy_setopt(h, CURLOPT_URL, c->zUrl);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, c->zFrom);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.n);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, zCurlErr);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeoutS > 0 ? c->timeoutS : 30L);
    const char *zTls = c->zTls ? c->zTls : "try";
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     strcmp(zTls, "required") == 0 ? (long)CURLUSESSL_ALL
                     : strcmp(zTls, "off") == 0    ? (long)CURLUSESSL_NONE
                                                   : (long)CURLUSESSL_TRY);
    if (c->zUser && *c->zUser) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->zUser);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->zPassword ? c->zPassword : "");
    }
    if (pTranscript) {
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
        curl_easy_setopt(h, CURLOPT_DEBUGDATA, pTranscript);
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    }
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    *pCode = code;
    MailOutcome out = MAIL_SENT;
    if (cc != CURLE_OK) {
        snprintf(zErr, nErr, "%s", zCurlErr[0] ? zCurlErr : curl_easy_strerror(cc));
        /* a 5xx reply is the server's final word (no such mailbox, relay
         * denied, message refused); anything else may pass on a retry */
        out = code >= 500 && code < 600 && cc != CURLE_LOGIN_DENIED ? MAIL_REFUSED : MAIL_FAILED;
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    buf_reset(&msg);
    return out;
}
