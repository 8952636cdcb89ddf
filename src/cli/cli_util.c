/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by every CLI command: messages, exit codes, file input. */
#include "cli/cli.h"
#include "http/local.h"
#include "domain/auth.h"
#include "store/schema.h"
#include "store/store_account.h"
#include "util/crypto.h"
#include "util/buf.h"
#include "util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <sys/stat.h>
#include <unistd.h>

/* "keel: <message>" on stderr; returns code. */
static int cli_vsay(int code, const char *zFmt, va_list ap) {
    fputs("keel: ", stderr);
    vfprintf(stderr, zFmt, ap);
    fputc('\n', stderr);
    return code;
}

int cli_usage_error(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = cli_vsay(CLI_EXIT_USAGE, zFmt, ap);
    va_end(ap);
    return rc;
}

int cli_fail(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = cli_vsay(CLI_EXIT_FAIL, zFmt, ap);
    va_end(ap);
    return rc;
}

int cli_exit_for(int rc) {
    switch (rc) {
    case KEEL_OK: return CLI_EXIT_OK;
    case KEEL_EINVAL:
    case KEEL_ENOTFOUND:
    case KEEL_ECONFLICT:
    case KEEL_ERULE:
    case KEEL_ETOOBIG:
    case KEEL_EFORBIDDEN:
    case KEEL_EAUTH: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_FAIL;
    }
}

int cli_read_file(const char *zPath, char **pz, size_t *pn) {
    FILE *f = strcmp(zPath, "-") == 0 ? stdin : fopen(zPath, "rb");
    if (!f) {
        cli_fail("cannot open %s: %s", zPath, strerror(errno));
        return KEEL_EIO;
    }
    size_t n = 0, nAlloc = 65536;
    char *z = malloc(nAlloc + 1);
    int rc = 0;
    while (z) {
        if (n == nAlloc) {
            char *z2 = realloc(z, nAlloc * 2 + 1);
            if (!z2) {
                free(z);
                z = NULL;
                break;
            }
            z = z2;
            nAlloc *= 2;
        }
        size_t got = fread(z + n, 1, nAlloc - n, f);
        n += got;
        if (got == 0) break;
    }
    if (!z) {
        cli_fail("out of memory reading %s", zPath);
        rc = KEEL_ENOMEM;
    } else if (ferror(f)) {
        cli_fail("cannot read %s: %s", zPath, strerror(errno));
        free(z);
        rc = KEEL_EIO;
    } else {
        z[n] = 0;
        *pz = z;
        *pn = n;
    }
    if (f != stdin) fclose(f);
    return rc;
}

int cli_map_file(const char *zPath, const char **pz, size_t *pn, int *pMapped) {
    *pMapped = 0;
    if (strcmp(zPath, "-") != 0) {
        int fd = open(zPath, O_RDONLY);
        if (fd < 0) {
            cli_fail("cannot open %s: %s", zPath, strerror(errno));
            return KEEL_EIO;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            if (st.st_size == 0) {
                close(fd);
                char *z = calloc(1, 1);
                if (!z) return KEEL_ENOMEM;
                *pz = z;
                *pn = 0;
                return 0;
            }
            void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            close(fd);
            if (p == MAP_FAILED) {
                cli_fail("cannot map %s: %s", zPath, strerror(errno));
                return KEEL_EIO;
            }
            /* advice values are not flags: give each on its own */
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
            madvise(p, (size_t)st.st_size, MADV_WILLNEED);
            *pz = p;
            *pn = (size_t)st.st_size;
            *pMapped = 1;
            return 0;
        }
        close(fd);
    }
    char *z;
    int rc = cli_read_file(zPath, &z, pn);
    if (rc == 0) *pz = z;
    return rc;
}

void cli_unmap_file(const char *z, size_t n, int mapped) {
    if (mapped)
        munmap((void *)z, n);
    else
        free((void *)z);
}

int cli_progress_enabled(void) { return isatty(2); }

static void cli_print_help(const CliOpt *aOpt, int nOpt, const char *zUsage) {
    printf("%s\n", zUsage);
    if (nOpt) printf("\noptions:\n");
    for (int i = 0; i < nOpt; i++) {
        char z[64];
        snprintf(z, sizeof z, "--%s%s%s", aOpt[i].zName, aOpt[i].bFlag ? "" : " ",
                 aOpt[i].bFlag ? "" : aOpt[i].zArg);
        printf("  %-28s %s\n", z, aOpt[i].zHelp);
    }
    printf("  %-28s %s\n", "--help", "show this help");
}

int cli_parse(int argc, char **argv, CliOpt *aOpt, int nOpt, const char *zUsage, int *pnPos) {
    int nPos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(aOpt, nOpt, zUsage);
            return -1;
        }
        if (strncmp(a, "--", 2) != 0 || a[2] == 0) {
            argv[1 + nPos++] = a;
            continue;
        }
        char *zName = a + 2, *zEq = strchr(zName, '=');
        size_t nName = zEq ? (size_t)(zEq - zName) : strlen(zName);
        int k;
        for (k = 0; k < nOpt; k++)
            if (strlen(aOpt[k].zName) == nName && strncmp(aOpt[k].zName, zName, nName) == 0) break;
        if (k == nOpt)
            return cli_usage_error("unknown option '%s'; see `keel %s --help`", a, argv[0]);
        if (aOpt[k].bFlag) {
            if (zEq) return cli_usage_error("option --%s takes no value", aOpt[k].zName);
            aOpt[k].zValue = "1";
        } else if (zEq) {
            aOpt[k].zValue = zEq + 1;
        } else {
            if (i + 1 >= argc)
                return cli_usage_error("option --%s needs a value (%s)", aOpt[k].zName,
                                       aOpt[k].zArg);
            aOpt[k].zValue = argv[++i];
        }
    }
    *pnPos = nPos;
    return 0;
}

const char *cli_opt(const CliOpt *aOpt, int nOpt, const char *zName) {
    for (int i = 0; i < nOpt; i++)
        if (strcmp(aOpt[i].zName, zName) == 0) return aOpt[i].zValue;
    return NULL;
}

int cli_get(const CliOpt *aOpt, int nOpt, const char *zPath, json_t **ppOut) {
    return cli_call_as(cli_opt(aOpt, nOpt, "db"), cli_opt(aOpt, nOpt, "as"), "GET", zPath, ppOut);
}

int cli_json_done(const CliOpt *aOpt, int nOpt, json_t *j) {
    if (!cli_opt(aOpt, nOpt, "json")) return 0;
    cli_print_json(j);
    return 1;
}

static int read_line(FILE *f, char *z, size_t n) {
    if (!fgets(z, (int)n, f)) return -1;
    size_t k = strlen(z);
    while (k && (z[k - 1] == '\n' || z[k - 1] == '\r'))
        z[--k] = 0;
    return 0;
}

int cli_read_password(const char *zFile, const char *zPrompt, char *z, size_t n) {
    if (zFile) {
        FILE *f = strcmp(zFile, "-") == 0 ? stdin : fopen(zFile, "r");
        if (!f) return cli_usage_error("cannot open password file %s: %s", zFile, strerror(errno));
        int rc = read_line(f, z, n);
        if (f != stdin) fclose(f);
        if (rc) return cli_usage_error("password file %s is empty", zFile);
        return 0;
    }
    if (!isatty(0))
        return cli_usage_error("no terminal to ask for the password: give --password-file FILE "
                               "(or - for stdin)");
    struct termios old, quiet;
    char z2[1100];
    tcgetattr(0, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fprintf(stderr, "%s: ", zPrompt);
    tcsetattr(0, TCSANOW, &quiet);
    int rc = read_line(stdin, z, n);
    fprintf(stderr, "\nrepeat: ");
    if (rc == 0) rc = read_line(stdin, z2, sizeof z2);
    tcsetattr(0, TCSANOW, &old);
    fprintf(stderr, "\n");
    if (rc) return cli_usage_error("no password given");
    if (strcmp(z, z2) != 0) return cli_usage_error("the two passwords differ");
    return 0;
}

int cli_open_db(const char *zPath, int bCreate, struct Db **ppDb) {
    char zErr[512];
    if (!zPath) return cli_usage_error("--db DB is required");
    int rc = schema_open(zPath, bCreate, ppDb, zErr, sizeof zErr);
    if (rc) {
        fprintf(stderr, "keel: %s\n", zErr);
        return rc == KEEL_EVERSION ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    return 0;
}

void cli_print_num(const json_t *o, const char *zKey, const char *zFmt, const char *zMissing) {
    const json_t *v = json_object_get(o, zKey);
    if (json_is_number(v))
        printf(zFmt, json_number_value(v));
    else
        fputs(zMissing, stdout);
}

void cli_print_nums(const CliNum *a, size_t n) {
    for (size_t i = 0; i < n; i++) {
        fputs(a[i].zBefore, stdout);
        cli_print_num(a[i].o, a[i].zKey, a[i].zFmt, "-");
    }
}

void cli_print_json(json_t *j) {
    if (!j) return;
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
    fputc('\n', stdout);
    json_decref(j);
}

int cli_principal(Db *db, const char *zEmail, Principal *p) {
    AccountRow a;
    int rc;
    if (zEmail) {
        char z[256];
        snprintf(z, sizeof z, "%s", zEmail);
        for (char *c = z; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        rc = store_account_by_email(db, z, &a);
        if (rc == KEEL_ENOTFOUND)
            return cli_usage_error("no account %s (see keel user list)", zEmail);
    } else {
        rc = store_account_first_admin(db, &a);
        if (rc == KEEL_ENOTFOUND)
            return cli_usage_error("the database has no enabled admin; give --as EMAIL");
    }
    if (rc) return cli_fail("cannot read accounts: %s", db_errmsg(db));
    if (a.disabled) return cli_usage_error("account %s is disabled", a.zEmail);
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    auth_principal_via_cli(p);
    return 0;
}

/* libsodium, then the database; 0 or an exit code (reason printed). */
static int cli_open(const char *zDb, int bCreate, Db **ppDb) {
    *ppDb = NULL;
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    return cli_open_db(zDb, bCreate, ppDb);
}

int cli_open_operator(const char *zDb, int bCreate, Db **ppDb, Principal *pOp) {
    int rc = cli_open(zDb, bCreate, ppDb);
    if (!rc) cli_operator(pOp);
    return rc;
}

int cli_open_as(const char *zDb, const char *zAs, Db **ppDb, Principal *pWho) {
    int rc = cli_open(zDb, 0, ppDb);
    if (rc) return rc;
    if ((rc = cli_principal(*ppDb, zAs, pWho))) {
        db_close(*ppDb);
        *ppDb = NULL;
    }
    return rc;
}

int cli_call_as(const char *zDb, const char *zAs, const char *zMethod, const char *zUrl,
                json_t **ppOut) {
    Db *db;
    Principal who;
    int rc = cli_open_as(zDb, zAs, &db, &who);
    if (rc) return rc;
    rc = cli_call(db, &who, zMethod, zUrl, ppOut);
    db_close(db);
    return rc;
}

void cli_operator(Principal *p) {
    const char *zUser = getenv("USER");
    auth_principal_operator(p, zUser ? zUser : getlogin());
}

/* Call a route and parse its JSON answer into *ppOut; prints the error
 * envelope and returns an exit code on failure. */
int cli_call(Db *db, const Principal *who, const char *zMethod, const char *zUrl, json_t **ppOut) {
    return cli_call_body(db, who, zMethod, zUrl, NULL, ppOut);
}

int cli_call_body(Db *db, const Principal *who, const char *zMethod, const char *zUrl,
                  const json_t *body, json_t **ppOut) {
    char *zBody = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (body && !zBody) return CLI_EXIT_FAIL;
    int rc = cli_call_raw(db, who, zMethod, zUrl, zBody, zBody ? strlen(zBody) : 0, 0, ppOut);
    free(zBody);
    return rc;
}

int cli_call_raw(Db *db, const Principal *who, const char *zMethod, const char *zUrl,
                 const char *zBody, size_t nBody, int bCsv, json_t **ppOut) {
    Resp r;
    http_local(db, who, zMethod, zUrl, zBody, nBody, bCsv, 0, &r);
    json_t *j = r.nBody ? json_loadb(r.zBody, r.nBody, 0, NULL) : NULL;
    int status = r.status;
    resp_free(&r);
    if (status >= 400) {
        const char *zMsg =
            json_string_value(json_object_get(json_object_get(j, "error"), "message"));
        fprintf(stderr, "keel: %s\n", zMsg ? zMsg : "request failed");
        json_decref(j);
        return status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    *ppOut = j;
    return 0;
}

/* Write n bytes to zPath through a temporary file renamed into place, so
 * that a failure never leaves half a report. */
int cli_write_file(const char *zPath, const char *z, size_t n) {
    size_t nPath = strlen(zPath) + 16;
    char *zTmp = malloc(nPath);
    if (!zTmp) return cli_fail("out of memory");
    snprintf(zTmp, nPath, "%s.tmp%ld", zPath, (long)getpid());
    FILE *f = fopen(zTmp, "wb");
    int ok = f && fwrite(z, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    if (ok && rename(zTmp, zPath) != 0) ok = 0;
    if (!ok) {
        unlink(zTmp);
        free(zTmp);
        return cli_fail("cannot write %s: %m", zPath);
    }
    free(zTmp);
    return 0;
}

/* Percent-encode z (a query value) into b: RFC 3986 unreserved bytes as
 * they are, every other byte as %XX. */
void cli_url_escape(Buf *b, const char *z) {
    static const char azHex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)z; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            buf_putc(b, (char)*p);
        else
            buf_printf(b, "%%%c%c", azHex[*p >> 4], azHex[*p & 15]);
    }
}
