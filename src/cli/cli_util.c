/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by every CLI command: messages, exit codes, file input. */
#include "cli/cli.h"
#include "util/err.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_usage_error(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    fputs("keel: ", stderr);
    vfprintf(stderr, zFmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    fputs("keel: ", stderr);
    vfprintf(stderr, zFmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_FAIL;
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
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL | MADV_WILLNEED);
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
