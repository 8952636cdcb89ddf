/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV reader alone, in process: parse each FILE RUNS times with one
 * thread (csv_parse on a private read-only mapping, as the CLI reads) and
 * print per file the best CPU time (user + system of this process) of a
 * parse, its MB/s and the table's shape. Built by bench/csv_bench.sh
 * against the reader of any revision, so old and new read the same files
 * side by side.  usage: csv_bench RUNS FILE... */
#include "engine/csv.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static double cpu_now(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: csv_bench RUNS FILE...\n");
        return 2;
    }
    int nRun = atoi(argv[1]);
    for (int a = 2; a < argc; a++) {
        int fd = open(argv[a], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st)) {
            perror(argv[a]);
            return 1;
        }
        size_t n = (size_t)st.st_size;
        const char *z = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (z == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        double best = 1e30;
        size_t nRow = 0, nCol = 0, nMiss = 0, nCat = 0;
        CsvOptions opt = {.nThread = 1};
        for (int r = 0; r < nRun; r++) {
            CsvTable *t;
            EngineError e;
            double t0 = cpu_now();
            int rc = csv_parse(z, n, &opt, &t, &e);
            double dt = cpu_now() - t0;
            if (rc) {
                fprintf(stderr, "%s: %s\n", argv[a], e.zMsg);
                return 1;
            }
            if (dt < best) best = dt;
            nRow = t->nRow, nCol = t->nCol, nMiss = 0, nCat = 0;
            for (size_t k = 0; k < t->nCol; k++) {
                nMiss += t->aCol[k].nMissing;
                nCat += t->aCol[k].type == CSV_CATEGORICAL;
            }
            csv_free(t);
        }
        printf("%-28s %8.3f s %8.1f MB/s  rows %zu cols %zu missing %zu categorical %zu\n", argv[a],
               best, (double)n / 1e6 / best, nRow, nCol, nMiss, nCat);
        munmap((void *)z, n);
        close(fd);
    }
    return 0;
}
