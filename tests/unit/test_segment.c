/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for store/segment.c on real files: concurrent appends come
 * back once each and in order with their bytes (and share fsyncs); a torn
 * tail is cut on open and appends go on after it; segments rotate and
 * replay across them from any seq; old segments are pruned; and a child
 * process killed with SIGKILL while appending loses no acknowledged frame
 * (several rounds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "store/segment.h"

/* A fresh temporary directory (caller frees). */
static char *tmp_dir(void) {
    char *z = strdup("/tmp/keel-seg-XXXXXX");
    assert_non_null(mkdtemp(z));
    return z;
}

/* Remove a directory of segments. */
static void rm_dir(const char *zDir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", zDir);
    assert_int_equal(system(cmd), 0);
}

/* The payload of frame (thread t, number i): a few hundred bytes. */
static size_t payload(char *z, size_t nMax, int t, int i) {
    int n = snprintf(z, nMax, "{\"event_id\":\"t%d-%d\",\"pad\":\"", t, i);
    for (int k = 0; k < 100 + (i * 37) % 300 && (size_t)n + 3 < nMax; k++)
        z[n++] = (char)('a' + (k * 7 + i) % 26);
    n += snprintf(z + n, nMax - (size_t)n, "\"}");
    return (size_t)n;
}

typedef struct Collect {
    int nFrames;
    uint64_t lastSeq;
    int aSeen[8][200]; /* times each (thread, i) came back */
    int bad;
} Collect;

/* Replay callback: checks order and content, counts each frame. */
static int collect(void *ctx, const SegFrameInfo *fi, const char *z, size_t n) {
    Collect *c = ctx;
    int t, i;
    char want[1024];
    if (fi->seq <= c->lastSeq || sscanf(z, "{\"event_id\":\"t%d-%d\"", &t, &i) != 2 || t < 0 ||
        t >= 8 || i < 0 || i >= 200 || fi->system != t + 1 || fi->nEvents != (uint32_t)i) {
        c->bad++;
        return 0;
    }
    size_t nWant = payload(want, sizeof want, t, i);
    if (nWant != n || memcmp(want, z, n) != 0) c->bad++;
    c->lastSeq = fi->seq;
    c->aSeen[t][i]++;
    c->nFrames++;
    return 0;
}

typedef struct Writer {
    SegLog *log;
    int t, n;
} Writer;

static void *writer(void *p) {
    Writer *w = p;
    char z[1024];
    for (int i = 0; i < w->n; i++) {
        size_t n = payload(z, sizeof z, w->t, i);
        SegFrameInfo fi = {.system = w->t + 1, .arrivalMs = 1, .nEvents = (uint32_t)i, .kind = 0,
                           .format = 1};
        KeelError e;
        if (seglog_append(w->log, &fi, z, n, &e)) return (void *)1;
    }
    return NULL;
}

/* seg-1: four threads append at once; replay gives each frame once */
static void test_concurrent(void **state) {
    (void)state;
    char *zDir = tmp_dir();
    SegLog *log;
    KeelError e;
    assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
    seglog_set_segment_bytes(log, 20000); /* rotate often */
    pthread_t th[4];
    Writer w[4];
    for (int t = 0; t < 4; t++) {
        w[t] = (Writer){log, t, 200};
        pthread_create(&th[t], NULL, writer, &w[t]);
    }
    for (int t = 0; t < 4; t++) {
        void *r;
        pthread_join(th[t], &r);
        assert_null(r);
    }
    SegLogStats st;
    seglog_stats(log, &st);
    assert_true(st.nFrames == 800 && st.lastSeq == 800 && st.nSegments > 5);
    assert_true(st.nSyncs <= st.nFrames);
    static Collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(seglog_replay(log, 0, collect, &c, &e), 0);
    assert_int_equal(c.nFrames, 800);
    assert_int_equal(c.bad, 0);
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 200; i++)
            assert_int_equal(c.aSeen[t][i], 1);
    /* from a seq on: only the later frames */
    memset(&c, 0, sizeof c);
    c.lastSeq = 650;
    assert_int_equal(seglog_replay(log, 650, collect, &c, &e), 0);
    assert_int_equal(c.nFrames, 150);
    seglog_close(log);
    /* reopened, the seq goes on */
    assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
    w[0] = (Writer){log, 5, 1};
    assert_null(writer(&w[0]));
    seglog_stats(log, &st);
    assert_true(st.lastSeq == 801);
    seglog_close(log);
    rm_dir(zDir);
    free(zDir);
}

/* The newest segment file of a directory (caller frees). */
static char *last_segment(const char *zDir) {
    char cmd[512], z[512];
    snprintf(cmd, sizeof cmd, "ls '%s'/seg-*.kseg | tail -1", zDir);
    FILE *f = popen(cmd, "r");
    assert_non_null(fgets(z, sizeof z, f));
    pclose(f);
    z[strcspn(z, "\n")] = 0;
    return strdup(z);
}

/* seg-2: a torn tail (half a frame, or garbage) is cut on open */
static void test_torn_tail(void **state) {
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        char *zDir = tmp_dir();
        SegLog *log;
        KeelError e;
        assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
        Writer w = {log, 0, 3};
        assert_null(writer(&w));
        seglog_close(log);
        char *zSeg = last_segment(zDir);
        struct stat sb;
        assert_int_equal(stat(zSeg, &sb), 0);
        off_t good = sb.st_size;
        int fd = open(zSeg, O_WRONLY | O_APPEND);
        if (variant == 0) { /* half of a copied frame */
            assert_int_equal(write(fd, "KFR1\0\0\0\0\0\0\0\0", 12), 12);
        } else if (variant == 1) { /* garbage */
            assert_int_equal(write(fd, "garbage garbage garbage garbage garbage garbage garbage!", 56),
                             56);
        } else { /* a whole frame with its payload cut short: cut the file mid-frame */
            close(fd);
            assert_int_equal(truncate(zSeg, good - 20), 0);
            fd = open(zSeg, O_WRONLY | O_APPEND);
        }
        close(fd);
        assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
        assert_int_equal(stat(zSeg, &sb), 0);
        if (variant < 2) assert_true(sb.st_size == good);
        static Collect c;
        memset(&c, 0, sizeof c);
        assert_int_equal(seglog_replay(log, 0, collect, &c, &e), 0);
        assert_int_equal(c.nFrames, variant < 2 ? 3 : 2);
        w = (Writer){log, 1, 2};
        assert_null(writer(&w));
        memset(&c, 0, sizeof c);
        assert_int_equal(seglog_replay(log, 0, collect, &c, &e), 0);
        assert_int_equal(c.nFrames, variant < 2 ? 5 : 4);
        assert_int_equal(c.bad, 0);
        seglog_close(log);
        free(zSeg);
        rm_dir(zDir);
        free(zDir);
    }
}

/* seg-3: segments older than the cut-off are deleted, the open one never */
static void test_prune(void **state) {
    (void)state;
    char *zDir = tmp_dir();
    SegLog *log;
    KeelError e;
    assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
    seglog_set_segment_bytes(log, 600);
    Writer w = {log, 0, 40};
    assert_null(writer(&w));
    SegLogStats st;
    seglog_stats(log, &st);
    uint64_t nSeg = st.nSegments;
    assert_true(nSeg > 3);
    /* age every segment file by a day */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "touch -d '2 days ago' '%s'/seg-*.kseg", zDir);
    assert_int_equal(system(cmd), 0);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    int64_t now = (int64_t)tv.tv_sec * 1000;
    assert_int_equal(seglog_prune(log, now - 3 * 86400000LL, &e), 0);
    int n = seglog_prune(log, now - 86400000LL, &e);
    assert_int_equal(n, (int)nSeg - 1);
    seglog_stats(log, &st);
    assert_true(st.nSegments == 1);
    static Collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(seglog_replay(log, 0, collect, &c, &e), 0);
    assert_true(c.nFrames >= 1 && c.nFrames < 40 && c.bad == 0);
    seglog_close(log);
    rm_dir(zDir);
    free(zDir);
}

/* seg-4: SIGKILL while appending: every acknowledged frame is there once */
static void test_kill9(void **state) {
    (void)state;
    char *zDir = tmp_dir();
    int nAckTotal = 0;
    for (int round = 0; round < 4; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            SegLog *log;
            KeelError e;
            if (seglog_open(&log, zDir, 1, &e)) _exit(3);
            seglog_set_segment_bytes(log, 30000);
            char z[1024];
            for (int i = 0; i < 200; i++) {
                size_t n = payload(z, sizeof z, round, i);
                SegFrameInfo fi = {.system = round + 1, .arrivalMs = 1, .nEvents = (uint32_t)i};
                if (seglog_append(log, &fi, z, n, &e)) _exit(4);
                unsigned char b = (unsigned char)i; /* acknowledged */
                if (write(fds[1], &b, 1) != 1) _exit(5);
            }
            for (;;)
                pause();
        }
        close(fds[1]);
        int nAck = 0, stop = 20 + round * 45;
        unsigned char b;
        while (nAck < stop && read(fds[0], &b, 1) == 1)
            nAck++;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        while (read(fds[0], &b, 1) == 1) /* acknowledged before the kill landed */
            nAck++;
        close(fds[0]);
        nAckTotal += nAck;
        SegLog *log;
        KeelError e;
        assert_int_equal(seglog_open(&log, zDir, 1, &e), 0);
        static Collect c;
        memset(&c, 0, sizeof c);
        assert_int_equal(seglog_replay(log, 0, collect, &c, &e), 0);
        assert_int_equal(c.bad, 0);
        for (int r = 0; r <= round; r++)
            for (int i = 0; i < 200; i++)
                assert_true(c.aSeen[r][i] <= 1);
        int nRound = 0;
        for (int i = 0; i < 200; i++)
            nRound += c.aSeen[round][i];
        assert_true(nRound >= nAck); /* every acknowledged frame (maybe one more) */
        for (int i = 0; i < nAck; i++)
            assert_int_equal(c.aSeen[round][i], 1);
        seglog_close(log);
    }
    assert_true(nAckTotal > 0);
    rm_dir(zDir);
    free(zDir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_torn_tail),
        cmocka_unit_test(test_prune),
        cmocka_unit_test(test_kill9),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
