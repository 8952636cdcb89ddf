/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outgoing e-mail over SMTP with libcurl: a message with a plain-text and
 * an HTML part (UTF-8, base64, the subject as RFC 2047 encoded words), sent
 * to one recipient. net/ is keel's outgoing I/O (SMTP, HTTP): below
 * domain/, beside store/, knowing nothing of keel's concepts. */
#ifndef KEEL_NET_MAIL_H
#define KEEL_NET_MAIL_H
#include "util/buf.h"
#include "util/err.h"

typedef struct MailConfig {
    const char *zUrl;      /* smtp://host:port or smtps://host:port */
    const char *zFrom;     /* envelope and header sender */
    const char *zUser;     /* NULL: no authentication */
    const char *zPassword; /* with zUser */
    const char *zTls;      /* "try" (STARTTLS when offered), "required", "off" */
    long timeoutS;         /* whole conversation; 0 = 30 s */
} MailConfig;

typedef struct MailMsg {
    const char *zTo;
    const char *zSubject; /* UTF-8; CR and LF become spaces */
    const char *zText;    /* UTF-8 plain text */
    const char *zHtml;    /* UTF-8 HTML, NULL for text only */
} MailMsg;

/* What the conversation ended with. */
typedef enum MailOutcome {
    MAIL_SENT = 0,    /* the server accepted the message */
    MAIL_REFUSED = 1, /* a permanent refusal (5xx): do not retry */
    MAIL_FAILED = 2,  /* temporary (4xx), unreachable, timed out: retry */
} MailOutcome;

/* Call once before any thread sends (curl_global_init). 0 or KEEL_E*. */
int mail_global_init(void);

/* Write the whole message (headers and body, CRLF line ends) into b.
 * zMessageId and zDate (RFC 5322 date) are the caller's, so the output is
 * reproducible. Pure. */
void mail_compose(Buf *b, const char *zFrom, const MailMsg *m, const char *zMessageId,
                  const char *zDate);

/* Send m. Returns the outcome; *pCode gets the server's last reply code (0
 * when none), zErr a one-line reason when not sent. When pTranscript is not
 * NULL it receives the SMTP conversation (commands and replies; the
 * credentials and the message body left out). */
MailOutcome mail_send(const MailConfig *c, const MailMsg *m, long *pCode, char *zErr, size_t nErr,
                      Buf *pTranscript);

#endif
