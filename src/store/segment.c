/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event log (segment.h). A segment file is "seg-<first seq, 16 hex
 * digits>.kseg": a 16-byte header ("KEELSEG1" and the first seq, little
 * endian) and frames. A frame is a 48-byte header (magic "KFR1", a check
 * of the rest of the header, compressed and raw lengths, seq, system,
 * arrival time, record count, kind, format) and one zstd frame with its
 * content checksum, so a damaged or torn payload fails to decompress.
 * Appends compress outside the lock (a small pool of zstd contexts), then
 * write under it; whoever finds no fdatasync running starts one that
 * covers every frame written so far, the others wait for it (group
 * commit). After a failed fdatasync the log refuses further appends: the
 * kernel may have dropped the dirty pages, so nothing later can be
 * promised. */
#include "store/segment.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define SEG_FILE_MAGIC "KEELSEG1"
#define SEG_FILE_HEADER 16
#define SEG_FRAME_MAGIC 0x3152464Bu /* "KFR1" little endian */
#define SEG_FRAME_HEADER 48
#define SEG_MAX_RAW (64u << 20) /* a frame's raw bytes (batches are capped at 16 MiB) */
#define SEG_CTX_POOL 16

struct SegLog {
    char *zDir;                     /* directory of the segments */
    int level;                      /* zstd level */
    pthread_mutex_t mu;             /* guards everything below */
    pthread_cond_t cv;              /* a sync finished */
    int fd;                         /* the open segment */
    int fdLock;                     /* LOCK in the directory, flock'ed: one process at a time */
    uint64_t segFirst;              /* its first seq */
    uint64_t segBytes;              /* its size */
    uint64_t seq;                   /* last seq written */
    uint64_t syncedSeq;             /* every frame <= this is on disk */
    int syncing;                    /* a thread is in fdatasync */
    int failed;                     /* an fdatasync failed: refuse appends */
    ZSTD_CCtx *apCtx[SEG_CTX_POOL]; /* idle compression contexts */
    int nCtx;
    uint64_t nSegMax; /* close a segment past this size */
    SegLogStats st;
};

/* ---- little helpers -------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* FNV-1a over header bytes 8..48: the header's own check. */
static uint32_t seg_header_check(const uint8_t *h) {
    uint32_t x = 2166136261u;
    for (int i = 8; i < SEG_FRAME_HEADER; i++)
        x = (x ^ h[i]) * 16777619u;
    return x;
}

/* Fill a frame header. */
static void seg_header_put(uint8_t *h, const SegFrameInfo *fi, uint32_t nComp, uint32_t nRaw) {
    memset(h, 0, SEG_FRAME_HEADER);
    put32(h, SEG_FRAME_MAGIC);
    put32(h + 8, nComp);
    put32(h + 12, nRaw);
    put64(h + 16, fi->seq);
    put64(h + 24, (uint64_t)fi->system);
    put64(h + 32, (uint64_t)fi->arrivalMs);
    put32(h + 40, fi->nEvents);
    h[44] = fi->kind;
    h[45] = fi->format;
    put32(h + 4, seg_header_check(h));
}

/* Read a frame header; 0 when it is sound, -1 otherwise. */
static int seg_header_get(const uint8_t *h, SegFrameInfo *fi, uint32_t *pComp, uint32_t *pRaw) {
    if (get32(h) != SEG_FRAME_MAGIC || get32(h + 4) != seg_header_check(h)) return -1;
    *pComp = get32(h + 8);
    *pRaw = get32(h + 12);
    fi->seq = get64(h + 16);
    fi->system = (int64_t)get64(h + 24);
    fi->arrivalMs = (int64_t)get64(h + 32);
    fi->nEvents = get32(h + 40);
    fi->kind = h[44];
    fi->format = h[45];
    return *pRaw > SEG_MAX_RAW || *pComp > ZSTD_compressBound(SEG_MAX_RAW) ? -1 : 0;
}

/* Write all n bytes; 0 or -1 (errno set). */
static int seg_write_all(int fd, const void *p, size_t n) {
    const char *z = p;
    while (n > 0) {
        ssize_t w = write(fd, z, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        z += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync the log's directory (a new or removed file's name is durable). */
static void seg_sync_dir(const SegLog *log) {
    int fd = open(log->zDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The path of the segment starting at seq (caller frees). */
static char *seg_path(const SegLog *log, uint64_t first) {
    size_t n = strlen(log->zDir) + 40;
    char *z = malloc(n);
    if (z) snprintf(z, n, "%s/seg-%016" PRIx64 ".kseg", log->zDir, first);
    return z;
}

static int seg_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The first seqs of the segments on disk, ascending (caller frees *pa). */
static int seg_list(const SegLog *log, uint64_t **pa, size_t *pn) {
    DIR *d = opendir(log->zDir);
    if (!d) return KEEL_EIO;
    uint64_t *a = NULL;
    size_t n = 0, nAlloc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        uint64_t first;
        char tail[8];
        if (strlen(de->d_name) != 25 ||
            sscanf(de->d_name, "seg-%16" SCNx64 "%5s", &first, tail) != 2 ||
            strcmp(tail, ".kseg") != 0)
            continue;
        if (n == nAlloc) {
            nAlloc = nAlloc ? nAlloc * 2 : 16;
            uint64_t *p = realloc(a, nAlloc * sizeof *a);
            if (!p) {
                free(a);
                closedir(d);
                return KEEL_ENOMEM;
            }
            a = p;
        }
        a[n++] = first;
    }
    closedir(d);
    if (n) qsort(a, n, sizeof *a, seg_cmp_u64);
    *pa = a;
    *pn = n;
    return 0;
}

/* Read a whole file into memory (caller frees); 0 or KEEL_EIO. */
static int seg_read_file(const char *zPath, uint8_t **pz, size_t *pn) {
    int fd = open(zPath, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return KEEL_EIO;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return KEEL_EIO;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    uint8_t *z = malloc(n ? n : 1);
    while (z && got < n) {
        ssize_t r = read(fd, z + got, n - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) continue;
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    if (!z || got != n) {
        free(z);
        return KEEL_EIO;
    }
    *pz = z;
    *pn = n;
    return 0;
}

/* Walk the frames of a segment image z[0..n): calls xFrame (when not NULL)
 * for each sound frame, decompressing into *pOut (grown as needed).
 * *pGood gets the end of the last sound frame and *pLastSeq its seq.
 * Returns 0 when the whole file is sound, 1 when it ends in a bad frame
 * (at *pGood), or what xFrame returned / KEEL_ENOMEM. */
static int seg_walk(const uint8_t *z, size_t n, uint64_t afterSeq, SegFrameFn xFrame, void *ctx,
                    char **pOut, size_t *pnOut, size_t *pGood, uint64_t *pLastSeq) {
    size_t i = SEG_FILE_HEADER;
    *pGood = i;
    if (n < SEG_FILE_HEADER || memcmp(z, SEG_FILE_MAGIC, 8) != 0) {
        *pGood = 0;
        return 1;
    }
    while (i < n) {
        SegFrameInfo fi;
        uint32_t nComp, nRaw;
        if (n - i < SEG_FRAME_HEADER || seg_header_get(z + i, &fi, &nComp, &nRaw) ||
            n - i - SEG_FRAME_HEADER < nComp)
            return 1;
        if (*pnOut < nRaw + 1) {
            char *p = realloc(*pOut, nRaw + 1);
            if (!p) return KEEL_ENOMEM;
            *pOut = p;
            *pnOut = nRaw + 1;
        }
        size_t r = ZSTD_decompress(*pOut, nRaw + 1, z + i + SEG_FRAME_HEADER, nComp);
        if (ZSTD_isError(r) || r != nRaw) return 1;
        if (xFrame && fi.seq > afterSeq) {
            int rc = xFrame(ctx, &fi, *pOut, nRaw);
            if (rc) return rc;
        }
        i += SEG_FRAME_HEADER + nComp;
        *pGood = i;
        *pLastSeq = fi.seq;
    }
    return 0;
}

/* Open a new segment starting at seq first (under the lock or at open). */
static int seg_start(SegLog *log, uint64_t first, KeelError *e) {
    char *zPath = seg_path(log, first);
    if (!zPath) return err_set(e, KEEL_ENOMEM, "", "out of memory");
    int fd = open(zPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    free(zPath);
    if (fd < 0)
        return err_set(e, KEEL_EIO, "", "cannot create a segment in %s: %s", log->zDir,
                       strerror(errno));
    uint8_t h[SEG_FILE_HEADER];
    memcpy(h, SEG_FILE_MAGIC, 8);
    put64(h + 8, first);
    if (seg_write_all(fd, h, sizeof h) || fdatasync(fd)) {
        close(fd);
        return err_set(e, KEEL_EIO, "", "cannot write a segment in %s: %s", log->zDir,
                       strerror(errno));
    }
    seg_sync_dir(log);
    log->fd = fd;
    log->segFirst = first;
    log->segBytes = SEG_FILE_HEADER;
    log->st.nSegments++;
    log->st.nBytesOnDisk += SEG_FILE_HEADER;
    return 0;
}

/* ---- open and close ------------------------------------------------- */

/* Check the last segment, cut its torn tail and open it for appends. */
static int seg_open_last(SegLog *log, uint64_t first, KeelError *e) {
    char *zPath = seg_path(log, first);
    uint8_t *z = NULL;
    size_t n = 0, nOut = 0, good;
    char *out = NULL;
    uint64_t lastSeq = first - 1;
    if (!zPath) return err_set(e, KEEL_ENOMEM, "", "out of memory");
    int rc = seg_read_file(zPath, &z, &n);
    if (!rc) rc = seg_walk(z, n, 0, NULL, NULL, &out, &nOut, &good, &lastSeq);
    free(z);
    free(out);
    if (rc < 0) {
        free(zPath);
        return err_set(e, rc, "", "cannot read the segment %016" PRIx64, first);
    }
    int fd = open(zPath, O_WRONLY | O_CLOEXEC);
    free(zPath);
    if (fd < 0) return err_set(e, KEEL_EIO, "", "cannot open a segment: %s", strerror(errno));
    if (good < SEG_FILE_HEADER) { /* not even the header: rewrite it */
        uint8_t h[SEG_FILE_HEADER];
        memcpy(h, SEG_FILE_MAGIC, 8);
        put64(h + 8, first);
        if (ftruncate(fd, 0) || pwrite(fd, h, sizeof h, 0) != (ssize_t)sizeof h) rc = KEEL_EIO;
        good = SEG_FILE_HEADER;
    } else if (good < n && ftruncate(fd, (off_t)good)) {
        rc = KEEL_EIO;
    }
    if (rc == 1 || rc == 0) rc = fdatasync(fd) ? KEEL_EIO : 0;
    if (rc || lseek(fd, (off_t)good, SEEK_SET) < 0) {
        close(fd);
        return err_set(e, KEEL_EIO, "", "cannot repair the last segment in %s", log->zDir);
    }
    log->fd = fd;
    log->segFirst = first;
    log->segBytes = good;
    log->seq = log->syncedSeq = lastSeq;
    return 0;
}

int seglog_open(SegLog **ppLog, const char *zDir, int level, KeelError *e) {
    *ppLog = NULL;
    if (mkdir(zDir, 0750) != 0 && errno != EEXIST)
        return err_set(e, KEEL_EIO, "", "cannot create the event directory %s: %s", zDir,
                       strerror(errno));
    SegLog *log = calloc(1, sizeof *log);
    if (!log || !(log->zDir = strdup(zDir))) {
        free(log);
        return err_set(e, KEEL_ENOMEM, "", "out of memory");
    }
    log->level = level;
    log->fd = -1;
    log->fdLock = -1;
    log->nSegMax = SEGLOG_SEGMENT_BYTES;
    pthread_mutex_init(&log->mu, NULL);
    pthread_cond_init(&log->cv, NULL);
    uint64_t *a = NULL;
    size_t n = 0;
    int rc = 0;
    char *zLock = malloc(strlen(zDir) + 8);
    if (zLock) {
        snprintf(zLock, strlen(zDir) + 8, "%s/LOCK", zDir);
        log->fdLock = open(zLock, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
        free(zLock);
    }
    if (log->fdLock < 0 || flock(log->fdLock, LOCK_EX | LOCK_NB) != 0)
        rc = err_set(e, KEEL_EBUSY, "",
                     "the event log %s is in use by another keel process (a running keel serve?); "
                     "send events to that server with --url instead",
                     zDir);
    if (!rc && (rc = seg_list(log, &a, &n)))
        rc = err_set(e, rc, "", "cannot list the event directory %s", zDir);
    if (!rc) rc = n == 0 ? seg_start(log, 1, e) : seg_open_last(log, a[n - 1], e);
    if (!rc) {
        log->st.nSegments = n ? n : 1;
        for (size_t i = 0; i < n; i++) {
            char *zPath = seg_path(log, a[i]);
            struct stat sb;
            if (zPath && stat(zPath, &sb) == 0) log->st.nBytesOnDisk += (uint64_t)sb.st_size;
            free(zPath);
        }
        log->st.lastSeq = log->seq;
    }
    free(a);
    if (rc) {
        seglog_close(log);
        return rc;
    }
    *ppLog = log;
    return 0;
}

void seglog_set_segment_bytes(SegLog *log, uint64_t nBytes) {
    pthread_mutex_lock(&log->mu);
    log->nSegMax = nBytes;
    pthread_mutex_unlock(&log->mu);
}

void seglog_close(SegLog *log) {
    if (!log) return;
    if (log->fd >= 0) {
        fdatasync(log->fd);
        close(log->fd);
    }
    for (int i = 0; i < log->nCtx; i++)
        ZSTD_freeCCtx(log->apCtx[i]);
    if (log->fdLock >= 0) close(log->fdLock); /* releases the flock */
    pthread_mutex_destroy(&log->mu);
    pthread_cond_destroy(&log->cv);
    free(log->zDir);
    free(log);
}

/* ---- appending ------------------------------------------------------ */

/* A compression context from the pool (or a new one); NULL when out of
 * memory. */
static ZSTD_CCtx *seg_ctx_get(SegLog *log) {
    ZSTD_CCtx *c = NULL;
    pthread_mutex_lock(&log->mu);
    if (log->nCtx > 0) c = log->apCtx[--log->nCtx];
    pthread_mutex_unlock(&log->mu);
    if (c) return c;
    c = ZSTD_createCCtx();
    /* a match table of 2^11 entries (level 1's is 2^14 or more) stays in
     * the first-level cache: events repeat within a few rows, so frames
     * come out as small and compress about a fifth faster (bench) */
    if (c && (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, log->level)) ||
              (log->level <= 3 && ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_hashLog, 11))) ||
              ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)))) {
        ZSTD_freeCCtx(c);
        c = NULL;
    }
    return c;
}

/* Give a context back to the pool. */
static void seg_ctx_put(SegLog *log, ZSTD_CCtx *c) {
    pthread_mutex_lock(&log->mu);
    if (log->nCtx < SEG_CTX_POOL) {
        log->apCtx[log->nCtx++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&log->mu);
    ZSTD_freeCCtx(c);
}

/* Close the full segment and open the next (under the lock, no sync
 * running). */
static int seg_rotate(SegLog *log, KeelError *e) {
    if (fdatasync(log->fd) != 0) {
        log->failed = 1;
        return err_set(e, KEEL_EIO, "", "cannot sync a segment: %s", strerror(errno));
    }
    log->syncedSeq = log->seq;
    close(log->fd);
    log->fd = -1;
    int rc = seg_start(log, log->seq + 1, e);
    if (rc) log->failed = 1;
    return rc;
}

int seglog_write(SegLog *log, SegFrameInfo *info, const void *raw, size_t nRaw, KeelError *e) {
    if (nRaw > SEG_MAX_RAW) return err_set(e, KEEL_ETOOBIG, "", "a frame is limited to 64 MiB");
    ZSTD_CCtx *c = seg_ctx_get(log);
    size_t nBound = SEG_FRAME_HEADER + ZSTD_compressBound(nRaw);
    uint8_t *frame = malloc(nBound);
    if (!c || !frame) {
        if (c) seg_ctx_put(log, c);
        free(frame);
        return err_set(e, KEEL_ENOMEM, "", "out of memory");
    }
    size_t nComp =
        ZSTD_compress2(c, frame + SEG_FRAME_HEADER, nBound - SEG_FRAME_HEADER, raw, nRaw);
    seg_ctx_put(log, c);
    if (ZSTD_isError(nComp)) {
        free(frame);
        return err_set(e, KEEL_EINTERNAL, "", "zstd: %s", ZSTD_getErrorName(nComp));
    }
    size_t nFrame = SEG_FRAME_HEADER + nComp;
    int rc = 0;
    pthread_mutex_lock(&log->mu);
    while (log->syncing && log->segBytes + nFrame > log->nSegMax)
        pthread_cond_wait(&log->cv, &log->mu); /* rotating waits for the running sync */
    if (log->failed) {
        rc = err_set(e, KEEL_EIO, "", "the event log failed earlier; restart the server");
    } else if (log->segBytes + nFrame > log->nSegMax && log->segBytes > SEG_FILE_HEADER) {
        rc = seg_rotate(log, e);
    }
    if (!rc) {
        info->seq = log->seq + 1;
        seg_header_put(frame, info, (uint32_t)nComp, (uint32_t)nRaw);
        if (seg_write_all(log->fd, frame, nFrame) != 0) {
            int err = errno;
            log->failed = 1; /* the caller may have counted the frame already */
            rc = err_set(e, KEEL_EIO, "", "cannot write the event log: %s", strerror(err));
        } else {
            log->seq++;
            log->segBytes += nFrame;
            log->st.nFrames++;
            log->st.nRawBytes += nRaw;
            log->st.nDiskBytes += nFrame;
            log->st.nBytesOnDisk += nFrame;
            log->st.lastSeq = log->seq;
        }
    }
    pthread_mutex_unlock(&log->mu);
    free(frame);
    return rc;
}

int seglog_sync(SegLog *log, uint64_t seq, KeelError *e) {
    int rc = 0;
    pthread_mutex_lock(&log->mu);
    if (seq > log->seq) seq = log->seq;
    while (log->syncedSeq < seq) {
        if (log->failed) {
            rc = err_set(e, KEEL_EIO, "", "the event log failed to sync; restart the server");
            break;
        }
        if (log->syncing) {
            pthread_cond_wait(&log->cv, &log->mu);
            continue;
        }
        log->syncing = 1;
        uint64_t target = log->seq;
        int fd = log->fd;
        pthread_mutex_unlock(&log->mu);
        int src = fdatasync(fd);
        pthread_mutex_lock(&log->mu);
        log->syncing = 0;
        log->st.nSyncs++;
        if (src != 0)
            log->failed = 1;
        else if (target > log->syncedSeq)
            log->syncedSeq = target;
        pthread_cond_broadcast(&log->cv);
    }
    pthread_mutex_unlock(&log->mu);
    return rc;
}

int seglog_append(SegLog *log, SegFrameInfo *info, const void *raw, size_t nRaw, KeelError *e) {
    int rc = seglog_write(log, info, raw, nRaw, e);
    return rc ? rc : seglog_sync(log, info->seq, e);
}

/* ---- replay, prune, stats -------------------------------------------- */

int seglog_replay(SegLog *log, uint64_t afterSeq, SegFrameFn xFrame, void *ctx, KeelError *e) {
    uint64_t *a = NULL;
    size_t n = 0, nOut = 0;
    char *out = NULL;
    int rc = seg_list(log, &a, &n);
    if (rc) return err_set(e, rc, "", "cannot list the event directory %s", log->zDir);
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (k + 1 < n && a[k + 1] <= afterSeq + 1) continue; /* every frame already counted */
        char *zPath = seg_path(log, a[k]);
        uint8_t *z = NULL;
        size_t nz = 0, good = 0;
        uint64_t last = 0;
        rc = zPath ? seg_read_file(zPath, &z, &nz) : KEEL_ENOMEM;
        if (!rc) rc = seg_walk(z, nz, afterSeq, xFrame, ctx, &out, &nOut, &good, &last);
        if (rc == 1) {
            if (a[k] == log->segFirst && good >= log->segBytes)
                rc = 0; /* appended since: fine */
            else
                rc = err_set(e, KEEL_EIO, "", "the event segment %s is damaged at byte %zu", zPath,
                             good);
        } else if (rc == KEEL_EIO || rc == KEEL_ENOMEM) {
            err_set(e, rc, "", "cannot read the event segment %s", zPath ? zPath : "");
        }
        free(z);
        free(zPath);
    }
    free(out);
    free(a);
    return rc;
}

int seglog_prune(SegLog *log, int64_t cutoffMs, KeelError *e) {
    uint64_t *a = NULL;
    size_t n = 0;
    int rc = seg_list(log, &a, &n), nDel = 0;
    if (rc) return err_set(e, rc, "", "cannot list the event directory %s", log->zDir);
    pthread_mutex_lock(&log->mu);
    uint64_t active = log->segFirst;
    pthread_mutex_unlock(&log->mu);
    for (size_t k = 0; k < n; k++) {
        if (a[k] >= active) continue;
        char *zPath = seg_path(log, a[k]);
        struct stat sb;
        if (zPath && stat(zPath, &sb) == 0 &&
            (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000 < cutoffMs &&
            unlink(zPath) == 0) {
            nDel++;
            pthread_mutex_lock(&log->mu);
            log->st.nSegments--;
            log->st.nBytesOnDisk -= (uint64_t)sb.st_size;
            pthread_mutex_unlock(&log->mu);
        }
        free(zPath);
    }
    free(a);
    if (nDel) seg_sync_dir(log);
    return nDel;
}

void seglog_stats(SegLog *log, SegLogStats *st) {
    pthread_mutex_lock(&log->mu);
    *st = log->st;
    pthread_mutex_unlock(&log->mu);
}
