/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays a fuzz corpus through a libFuzzer harness without libFuzzer, so
 * every find is re-run as an ordinary test in `make check`. Arguments are
 * files or directories (every regular file inside is replayed). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *zPath) {
    FILE *f = fopen(zPath, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", zPath);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv) {
    int nFile = 0, nFail = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such corpus %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.') continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                nFail += replay_file(path);
                nFile++;
            }
            if (d) closedir(d);
        } else {
            nFail += replay_file(argv[i]);
            nFile++;
        }
    }
    printf("replayed %d inputs\n", nFile);
    return nFail ? 1 : (nFile ? 0 : 1);
}
