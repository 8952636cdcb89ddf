/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's minimal HTTP client; see cli_http.h. */
#include "cli/cli_http.h"
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The end of the line starting at p (the '\r' or '\n'), or NULL. */
static const char *line_end(const char *p, const char *zEnd) {
    for (; p < zEnd; p++)
        if (*p == '\n' || *p == '\r') return p;
    return NULL;
}

static const char *next_line(const char *p, const char *zEnd) {
    if (p < zEnd && *p == '\r') p++;
    if (p < zEnd && *p == '\n') p++;
    return p;
}

/* Decode a chunked body from p..zEnd into out; -1 when malformed. */
static int dechunk(const char *p, const char *zEnd, char *out, size_t *pn) {
    size_t n = 0;
    for (;;) {
        const char *e = line_end(p, zEnd);
        if (!e) return -1;
        size_t len = 0;
        int nDigit = 0;
        for (; p < e && *p != ';'; p++, nDigit++) {
            int c = *p, v = c >= '0' && c <= '9'   ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : -1;
            if (v < 0 || nDigit >= 8) return -1;
            len = len * 16 + (size_t)v;
        }
        if (nDigit == 0) return -1;
        p = next_line(e, zEnd);
        if (len == 0) break;
        if ((size_t)(zEnd - p) < len) return -1;
        memcpy(out + n, p, len);
        n += len;
        p = next_line(p + len, zEnd);
    }
    *pn = n;
    return 0;
}

int cli_http_parse(const char *z, size_t n, int *pStatus, char **pzBody, size_t *pnBody, char *zErr,
                   size_t nErr) {
    const char *zEnd = z + n, *p = z;
    *pzBody = NULL;
    *pnBody = 0;
    if (n < 12 || strncmp(z, "HTTP/1.", 7) != 0 || z[8] != ' ' || z[9] < '1' || z[9] > '5' ||
        z[10] < '0' || z[10] > '9' || z[11] < '0' || z[11] > '9') {
        snprintf(zErr, nErr, "the answer is not an HTTP/1.x response");
        return -1;
    }
    *pStatus = (z[9] - '0') * 100 + (z[10] - '0') * 10 + (z[11] - '0');
    long long nLen = -1;
    int bChunked = 0;
    for (;;) {
        const char *e = line_end(p, zEnd);
        if (!e) {
            snprintf(zErr, nErr, "the response headers do not end");
            return -1;
        }
        if (e == p) {
            p = next_line(e, zEnd);
            break;
        }
        if ((size_t)(e - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
            char *end;
            nLen = strtoll(p + 15, &end, 10);
            if (nLen < 0 || nLen > (long long)CLI_HTTP_MAX) {
                snprintf(zErr, nErr, "bad Content-Length");
                return -1;
            }
        }
        if ((size_t)(e - p) > 18 && strncasecmp(p, "Transfer-Encoding:", 18) == 0 &&
            memmem(p, (size_t)(e - p), "chunked", 7))
            bChunked = 1;
        p = next_line(e, zEnd);
    }
    size_t nRest = (size_t)(zEnd - p);
    char *out = malloc(nRest + 1);
    if (!out) {
        snprintf(zErr, nErr, "out of memory");
        return -1;
    }
    size_t nOut = nRest;
    if (bChunked) {
        if (dechunk(p, zEnd, out, &nOut)) {
            free(out);
            snprintf(zErr, nErr, "malformed chunked body");
            return -1;
        }
    } else {
        if (nLen >= 0) {
            if ((size_t)nLen > nRest) {
                free(out);
                snprintf(zErr, nErr, "the body is shorter than its Content-Length");
                return -1;
            }
            nOut = (size_t)nLen;
        }
        memcpy(out, p, nOut);
    }
    out[nOut] = 0;
    *pzBody = out;
    *pnBody = nOut;
    return 0;
}

int cli_http_get(const char *zUrl, const char *zPath, const char *zToken, int *pStatus,
                 char **pzBody, size_t *pnBody, char *zErr, size_t nErr) {
    return cli_http_request(zUrl, "GET", zPath, zToken, NULL, NULL, 0, pStatus, pzBody, pnBody,
                            zErr, nErr);
}

int cli_http_request(const char *zUrl, const char *zMethod, const char *zPath, const char *zToken,
                     const char *zType, const char *zBody, size_t nBody, int *pStatus,
                     char **pzBody, size_t *pnBody, char *zErr, size_t nErr) {
    char zHost[256], zPort[16] = "80", zPrefix[256] = "";
    if (strncmp(zUrl, "http://", 7) != 0) {
        snprintf(zErr, nErr, "--url must start with http:// (e.g. http://127.0.0.1:8080)");
        return -1;
    }
    const char *h = zUrl + 7, *slash = strchr(h, '/');
    size_t nHost = slash ? (size_t)(slash - h) : strlen(h);
    if (nHost == 0 || nHost >= sizeof zHost) {
        snprintf(zErr, nErr, "--url names no host");
        return -1;
    }
    memcpy(zHost, h, nHost);
    zHost[nHost] = 0;
    if (slash) snprintf(zPrefix, sizeof zPrefix, "%s", slash);
    size_t nPrefix = strlen(zPrefix);
    if (nPrefix && zPrefix[nPrefix - 1] == '/') zPrefix[nPrefix - 1] = 0;
    char *colon = strrchr(zHost, ':');
    if (colon && !strchr(colon, ']')) {
        snprintf(zPort, sizeof zPort, "%s", colon + 1);
        *colon = 0;
    }
    if (zHost[0] == '[') {
        memmove(zHost, zHost + 1, strlen(zHost));
        char *b = strchr(zHost, ']');
        if (b) *b = 0;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(zHost, zPort, &hints, &ai);
    if (rc) {
        snprintf(zErr, nErr, "cannot resolve %s: %s", zHost, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {30, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        snprintf(zErr, nErr, "cannot connect to %s:%s: %s", zHost, zPort, strerror(errno));
        return -1;
    }
    char *zReq = NULL;
    char zBodyHead[160] = "";
    if (zType)
        snprintf(zBodyHead, sizeof zBodyHead, "Content-Type: %s\r\nContent-Length: %zu\r\n", zType,
                 nBody);
    int nReq =
        asprintf(&zReq,
                 "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\nAccept: application/json\r\n"
                 "%s%s%s%sConnection: close\r\n\r\n",
                 zMethod, zPrefix, zPath, zHost, zPort, zToken ? "Authorization: Bearer " : "",
                 zToken ? zToken : "", zToken ? "\r\n" : "", zBodyHead);
    if (nReq >= 0 && zType && nBody) { /* headers and body in one buffer */
        char *z2 = realloc(zReq, (size_t)nReq + nBody);
        if (!z2) {
            free(zReq);
            nReq = -1;
        } else {
            memcpy(z2 + nReq, zBody, nBody);
            zReq = z2;
            nReq += (int)nBody;
        }
    }
    if (nReq < 0) {
        close(fd);
        snprintf(zErr, nErr, "out of memory");
        return -1;
    }
    for (int k = 0; k < nReq;) {
        ssize_t w = send(fd, zReq + k, (size_t)(nReq - k), MSG_NOSIGNAL);
        if (w <= 0) {
            free(zReq);
            close(fd);
            snprintf(zErr, nErr, "sending the request failed: %s", strerror(errno));
            return -1;
        }
        k += (int)w;
    }
    free(zReq);
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        if (n == cap) {
            if (cap >= CLI_HTTP_MAX) break;
            char *b2 = realloc(buf, cap * 2);
            if (!b2) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b2;
            cap *= 2;
        }
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r < 0) {
            snprintf(zErr, nErr, "reading the answer failed: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf) {
        snprintf(zErr, nErr, "out of memory");
        return -1;
    }
    rc = cli_http_parse(buf, n, pStatus, pzBody, pnBody, zErr, nErr);
    free(buf);
    return rc;
}
