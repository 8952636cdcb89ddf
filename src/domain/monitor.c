/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring intake (monitor.h). The lock covers the dedup index, the
 * pending windows, the recent-event map and the frame buffer; batches are
 * applied one at a time under it (parsing, dedup, aggregation and
 * compression are a few microseconds per event at most), while fsyncs run
 * outside it and are shared. Labels join the event they name through the
 * recent-event map: a fixed table of the last events (by hash slot, a new
 * event overwrites an old one in its slot) holding where the event was
 * counted and its score and prediction; a label for an event no longer
 * there is counted as unmatched (docs/monitoring.md). */
#include "domain/monitor.h"
#include "engine/dedup.h"
#include "engine/evagg.h"
#include "store/segment.h"
#include "store/store_monitor.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define MON_RECENT_SLOTS (1u << 20) /* events a label can still find */
#define MON_MINUTE_MS 60000
/* A frame's format byte: an EvFormat (the lines as sent, or CSV rows),
 * or NDJSON events re-encoded as CSV columns (evscan_cols_*) */
#define MON_FRAME_COLUMNS 3

/* A (system, version, segment) seen by this process; interned. */
typedef struct MonKey {
    int64_t system;
    char zVersion[EVSCAN_MAX_LABEL + 1];
    char zSegment[EVSCAN_MAX_LABEL + 1];
    uint32_t nVersion, nSegment; /* their lengths */
    uint64_t stamp;              /* the last batch that used it */
} MonKey;

/* A pending window: what arrived for one key and minute since the last
 * flush. */
typedef struct MonWin {
    uint32_t iKey;  /* into aKey */
    int64_t minute; /* window start / 60000 */
    EvAgg agg;
} MonWin;

/* An event a label may still join. */
typedef struct MonRecent {
    uint64_t h;              /* dedup hash of (system, event_id); 0 = empty */
    uint32_t iKey;           /* its key */
    int32_t minute;          /* its window (minutes since 1970) */
    float score, prediction; /* NaN when absent */
    uint32_t labelled;       /* a label was applied */
} MonRecent;

typedef struct MonBatch MonBatch;

struct Monitor {
    MonitorConfig cfg;
    SegLog *log;
    pthread_mutex_t mu;
    DedupIndex dedup;
    MonKey *aKey;
    uint32_t nKey, nKeyAlloc;
    MonWin **apWin; /* open addressing by (iKey, minute); NULL = empty */
    size_t nWinSlot, nWin;
    MonRecent *aRecent;  /* MON_RECENT_SLOTS */
    Buf frame;           /* the batch being framed */
    EvColumns cols;      /* its columns while NDJSON events keep one shape */
    int frameFormat;     /* its format (EvFormat or MON_FRAME_COLUMNS) */
    MonBatch *pBatch;    /* the batch being applied */
    uint64_t lastSeq;    /* last frame applied to the pending windows */
    uint64_t appliedSeq; /* last frame in the store */
    uint64_t batchNo;    /* batches run (stamps the keys a batch uses) */
    MonStats st;
};

/* ---- keys and windows ----------------------------------------------- */

/* Epoch milliseconds now. */
static int64_t mon_now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Floor division for window starts before 1970. */
static int64_t mon_floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The index of key (system, version, segment), added when new; -1 when
 * out of memory. *pHint caches the last answer. */
static long mon_key(Monitor *m, int64_t system, EvStr v, EvStr s, uint32_t *pHint) {
    uint32_t h = *pHint;
    for (uint32_t k = 0; k <= m->nKey; k++) {
        uint32_t i = k == 0 ? h : k - 1;
        if (i >= m->nKey) continue;
        const MonKey *p = &m->aKey[i];
        if (p->system == system && p->nVersion == v.n && mem_eq_short(p->zVersion, v.z, v.n) &&
            p->nSegment == s.n && mem_eq_short(p->zSegment, s.z, s.n)) {
            *pHint = i;
            return i;
        }
    }
    if (m->nKey == m->nKeyAlloc) {
        uint32_t nNew = m->nKeyAlloc ? m->nKeyAlloc * 2 : 16;
        MonKey *p = realloc(m->aKey, nNew * sizeof *p);
        if (!p) return -1;
        m->aKey = p;
        m->nKeyAlloc = nNew;
    }
    MonKey *p = &m->aKey[m->nKey];
    p->system = system;
    memcpy(p->zVersion, v.z, v.n);
    p->zVersion[v.n] = 0;
    memcpy(p->zSegment, s.z, s.n);
    p->zSegment[s.n] = 0;
    p->nVersion = v.n;
    p->nSegment = s.n;
    p->stamp = 0;
    *pHint = m->nKey;
    return m->nKey++;
}

/* The slot of (iKey, minute) in apWin. */
static size_t mon_win_home(const Monitor *m, uint32_t iKey, int64_t minute) {
    uint64_t x = ((uint64_t)iKey << 40) ^ (uint64_t)minute;
    x *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(x >> 20) & (m->nWinSlot - 1);
}

/* Double the window table. 0 or KEEL_ENOMEM. */
static int mon_win_grow(Monitor *m) {
    size_t nOld = m->nWinSlot, nNew = nOld ? nOld * 2 : 256;
    MonWin **aOld = m->apWin, **aNew = calloc(nNew, sizeof *aNew);
    if (!aNew) return KEEL_ENOMEM;
    m->apWin = aNew;
    m->nWinSlot = nNew;
    for (size_t i = 0; i < nOld; i++) {
        if (!aOld[i]) continue;
        size_t j = mon_win_home(m, aOld[i]->iKey, aOld[i]->minute);
        while (aNew[j])
            j = (j + 1) & (nNew - 1);
        aNew[j] = aOld[i];
    }
    free(aOld);
    return 0;
}

/* The pending window of (iKey, minute), created when new; NULL when out
 * of memory. */
static MonWin *mon_win(Monitor *m, uint32_t iKey, int64_t minute) {
    if ((m->nWin + 1) * 2 > m->nWinSlot && mon_win_grow(m)) return NULL;
    size_t j = mon_win_home(m, iKey, minute);
    for (; m->apWin[j]; j = (j + 1) & (m->nWinSlot - 1))
        if (m->apWin[j]->iKey == iKey && m->apWin[j]->minute == minute) return m->apWin[j];
    MonWin *w = malloc(sizeof *w);
    if (!w) return NULL;
    w->iKey = iKey;
    w->minute = minute;
    evagg_init(&w->agg);
    m->apWin[j] = w;
    m->nWin++;
    return w;
}

/* ---- applying a batch ------------------------------------------------ */

/* A batch being applied (under the lock): what to undo when it is
 * refused, what to publish when it is taken. Reused between batches. */
struct MonBatch {
    size_t *aSlot; /* dedup slots written, with what they held */
    uint64_t *aOld;
    size_t nUndo, nUndoAlloc;
    MonRecent *aStage; /* recent-map entries to write when taken */
    size_t nStage, nStageAlloc;
    MonRecent **apMark; /* recent entries marked labelled (pending) */
    size_t nMark, nMarkAlloc;
    MonWin **apWin; /* this batch's windows */
    size_t nWin, nWinAlloc;
    EvStr *aLine; /* NDJSON: the lines taken (for a frame of lines) */
    size_t nLine, nLineAlloc;
};

/* Grow an array to hold one more element; 0 or KEEL_ENOMEM. */
static int mon_grow(void **pa, size_t *pnAlloc, size_t n, size_t elt) {
    if (n < *pnAlloc) return 0;
    size_t nNew = *pnAlloc ? *pnAlloc * 2 : 1024;
    void *p = realloc(*pa, nNew * elt);
    if (!p) return KEEL_ENOMEM;
    *pa = p;
    *pnAlloc = nNew;
    return 0;
}

/* The batch window of (iKey, minute), created when new. */
static MonWin *mon_batch_win(MonBatch *b, uint32_t iKey, int64_t minute) {
    for (size_t i = b->nWin; i-- > 0;)
        if (b->apWin[i]->iKey == iKey && b->apWin[i]->minute == minute) return b->apWin[i];
    if (mon_grow((void **)&b->apWin, &b->nWinAlloc, b->nWin, sizeof *b->apWin)) return NULL;
    MonWin *w = malloc(sizeof *w);
    if (!w) return NULL;
    w->iKey = iKey;
    w->minute = minute;
    evagg_init(&w->agg);
    b->apWin[b->nWin++] = w;
    return w;
}

/* Drop the batch's windows. */
static void mon_batch_clear(MonBatch *b) {
    for (size_t i = 0; i < b->nWin; i++) {
        evagg_free(&b->apWin[i]->agg);
        free(b->apWin[i]);
    }
    b->nWin = b->nUndo = b->nStage = b->nMark = b->nLine = 0;
}

/* Apply one event: dedup (undoable), the batch window, a staged recent
 * entry. Returns 1 taken, 0 duplicate, KEEL_ENOMEM. */
static int mon_apply_event(Monitor *m, MonBatch *b, int64_t system, const EvEvent *ev, uint64_t h,
                           int64_t nowS, uint32_t *pHint, MonWin **ppLast) {
    if (b->nUndo == b->nUndoAlloc) {
        size_t nNew = b->nUndoAlloc ? b->nUndoAlloc * 2 : 1024;
        size_t *ps = realloc(b->aSlot, nNew * sizeof *ps);
        if (!ps) return KEEL_ENOMEM;
        b->aSlot = ps;
        uint64_t *po = realloc(b->aOld, nNew * sizeof *po);
        if (!po) return KEEL_ENOMEM;
        b->aOld = po;
        b->nUndoAlloc = nNew;
    }
    if (mon_grow((void **)&b->aStage, &b->nStageAlloc, b->nStage, sizeof *b->aStage))
        return KEEL_ENOMEM;
    int rc = dedup_insert(&m->dedup, h, nowS, &b->aSlot[b->nUndo], &b->aOld[b->nUndo]);
    if (rc <= 0) return rc;
    b->nUndo++;
    long k = mon_key(m, system, ev->version, ev->segment, pHint);
    if (k < 0) return KEEL_ENOMEM;
    int64_t minute = mon_floor_div(ev->tsMs, MON_MINUTE_MS);
    MonWin *w = *ppLast;
    if (!w || w->iKey != (uint32_t)k || w->minute != minute) {
        w = mon_batch_win(b, (uint32_t)k, minute);
        if (!w) return KEEL_ENOMEM;
        *ppLast = w;
    }
    if (evagg_add_event(&w->agg, ev)) return KEEL_ENOMEM;
    MonRecent *r = &b->aStage[b->nStage++];
    r->h = h ? h : 1;
    r->iKey = (uint32_t)k;
    r->minute = (int32_t)minute;
    r->score = (float)ev->score;
    r->prediction = (float)ev->prediction;
    r->labelled = !isnan(ev->label);
    return 1;
}

/* The recent map is two-choice: an event may sit in the slot of its
 * hash's low bits or of its high bits, so one later event landing on its
 * slot rarely evicts it (a direct-mapped table lost about k / 2^20 of its
 * events after k more arrived, even far below its size). */
static MonRecent *mon_recent_slot(Monitor *m, uint64_t h, int iChoice) {
    uint64_t x = iChoice ? (h >> 32) ^ (h >> 13) : h;
    return &m->aRecent[x & (MON_RECENT_SLOTS - 1)];
}

/* The slot holding the event of hash h (nonzero), or NULL. */
static MonRecent *mon_recent_find(Monitor *m, uint64_t h) {
    MonRecent *r = mon_recent_slot(m, h, 0);
    if (r->h == h) return r;
    r = mon_recent_slot(m, h, 1);
    return r->h == h ? r : NULL;
}

/* Keep an event in the recent map: its own slot if it is there already,
 * else an empty one of its two, else the second (evicting its occupant). */
static void mon_recent_put(Monitor *m, const MonRecent *x) {
    MonRecent *a = mon_recent_slot(m, x->h, 0), *b = mon_recent_slot(m, x->h, 1);
    MonRecent *r = a->h == x->h ? a : b->h == x->h ? b : a->h == 0 ? a : b;
    *r = *x;
}

/* Apply one label to its event's batch window: 1 applied, 0 duplicate
 * label, 2 no such event held, KEEL_ENOMEM. */
static int mon_apply_label(Monitor *m, MonBatch *b, uint64_t h, const EvEvent *ev) {
    MonRecent *r = mon_recent_find(m, h ? h : 1);
    if (!r) return 2;
    if (r->labelled) return 0;
    if (mon_grow((void **)&b->apMark, &b->nMarkAlloc, b->nMark, sizeof *b->apMark))
        return KEEL_ENOMEM;
    MonWin *w = mon_batch_win(b, r->iKey, r->minute);
    if (!w) return KEEL_ENOMEM;
    evagg_add_label(&w->agg, r->score, r->prediction, ev->label);
    r->labelled = 2; /* pending until the batch is taken */
    b->apMark[b->nMark++] = r;
    return 1;
}

/* What mon_take needs of the batch being run. */
typedef struct MonTake {
    Monitor *m;
    MonBatch *b;
    int64_t system;
    EvKind kind;
    int64_t nowS;
    uint32_t hint;    /* last key index */
    MonWin *pLast;    /* last window */
    int bFrame;       /* copy taken lines into the frame */
    EvFormat fmt;     /* the body's format */
    int csv;          /* NDJSON frame: 0 nothing yet, 1 re-encoded as CSV, 2 lines */
    EvCsvShape shape; /* the CSV columns when csv == 1 */
    MonIngestResult *res;
    int err; /* first KEEL_ENOMEM */
} MonTake;

/* Whether the event's strings live in the scanner's scratch (escapes):
 * then the next line overwrites them. */
static int mon_in_scratch(const EvScan *sc, const EvEvent *ev) {
    const char *lo = sc->aScratch, *hi = sc->aScratch + sizeof sc->aScratch;
#define MON_IN(p) ((p) >= lo && (p) < hi)
    if (MON_IN(ev->id.z) || MON_IN(ev->version.z) || MON_IN(ev->segment.z)) return 1;
    for (uint32_t i = 0; i < ev->nFeat; i++)
        if (MON_IN(ev->aFeat[i].name.z)) return 1;
    return 0;
#undef MON_IN
}

/* Frame one taken NDJSON event: re-encoded as CSV while every event has
 * the first one's columns (a third of the bytes for zstd), else the lines
 * as sent (all of them again, from the batch's line list). */
static void mon_frame_json(MonTake *t, const EvEvent *ev) {
    Monitor *m = t->m;
    MonBatch *b = t->b;
    if (mon_grow((void **)&b->aLine, &b->nLineAlloc, b->nLine, sizeof *b->aLine)) {
        t->err = KEEL_ENOMEM;
        return;
    }
    b->aLine[b->nLine++] = (EvStr){ev->zLine, ev->nLine};
    if (t->csv == 0) {
        t->csv = evscan_csv_shape(ev, &t->shape) == 0 ? 1 : 2;
        if (t->csv == 1) evscan_cols_start(&m->cols, &t->shape);
    } else if (t->csv == 1 && !evscan_csv_same(&t->shape, ev)) {
        t->csv = 2;
        m->frame.n = 0;
        for (size_t i = 0; i + 1 < b->nLine; i++) {
            buf_append(&m->frame, b->aLine[i].z, b->aLine[i].n);
            buf_putc(&m->frame, '\n');
        }
    }
    if (t->csv == 1) {
        evscan_cols_put(&m->cols, ev);
    } else {
        buf_append(&m->frame, ev->zLine, ev->nLine);
        buf_putc(&m->frame, '\n');
    }
}

/* Note the version of key k (used by the batch being run) in the answer,
 * once per label. */
static void mon_note_version(MonTake *t, uint32_t k) {
    MonKey *p = &t->m->aKey[k];
    if (p->stamp == t->m->batchNo) return;
    p->stamp = t->m->batchNo;
    MonIngestResult *res = t->res;
    for (uint32_t i = 0; i < res->nVersions; i++)
        if (strcmp(res->azVersion[i], p->zVersion) == 0) return;
    if (res->nVersions < MONITOR_MAX_VERSIONS)
        memcpy(res->azVersion[res->nVersions++], p->zVersion, p->nVersion + 1);
}

/* Take one good record with its hash: count it, stage it, frame it. */
static void mon_take(MonTake *t, const EvEvent *ev, uint64_t h) {
    if (t->err) return;
    int r = t->kind == EVSCAN_LABELS
                ? mon_apply_label(t->m, t->b, h, ev)
                : mon_apply_event(t->m, t->b, t->system, ev, h, t->nowS, &t->hint, &t->pLast);
    if (r < 0) {
        t->err = r;
        return;
    }
    if (r == 0)
        t->res->nDuplicates++;
    else if (r == 2)
        t->res->nUnmatched++;
    if (r == 0 || r == 2) return;
    t->res->nAccepted++;
    if (t->kind == EVSCAN_EVENTS) mon_note_version(t, t->hint);
    if (t->bFrame && t->fmt == EVSCAN_NDJSON) {
        mon_frame_json(t, ev);
    } else if (t->bFrame) {
        buf_append(&t->m->frame, ev->zLine, ev->nLine);
        buf_putc(&t->m->frame, '\n');
    }
}

/* Scan a batch and apply it under the lock, in one pass. Refused lines go
 * to res; with !partial the first one stops applying (the rest is only
 * checked). Returns 0 (apply with mon_batch_commit), KEEL_EINVAL (refused:
 * undone already) or KEEL_ENOMEM (undone). */
static int mon_batch_run(Monitor *m, MonBatch *b, int64_t system, const char *z, size_t n,
                         EvFormat fmt, EvKind kind, int partial, int64_t nowMs, int bFrame,
                         MonIngestResult *res) {
    static __thread EvScan sc;
    EngineError er;
    if (evscan_init(&sc, z, n, fmt, kind, &er)) {
        res->aRejected[0] = er;
        res->nRejected = 1;
        return KEEL_EINVAL;
    }
    size_t nLines = 1;
    for (const char *p = z, *e = z + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
        nLines++;
    int64_t nowS = mon_floor_div(nowMs, 1000);
    m->batchNo++;
    if (kind == EVSCAN_EVENTS && dedup_reserve(&m->dedup, nLines, nowS)) return KEEL_ENOMEM;
    if (bFrame) {
        m->frame.n = 0;
        if (fmt == EVSCAN_CSV) {
            buf_append(&m->frame, sc.zHeader, sc.nHeader);
            buf_putc(&m->frame, '\n');
        }
    }
    MonTake t = {.m = m,
                 .b = b,
                 .system = system,
                 .kind = kind,
                 .nowS = nowS,
                 .bFrame = bFrame,
                 .fmt = fmt,
                 .res = res};
    /* one event behind: the next event's dedup slot is fetched from memory
     * while this one is counted */
    static __thread EvEvent aEv[2];
    EvEvent *pCur = &aEv[0], *pPrev = NULL;
    uint64_t hPrev = 0;
    int rc, bRefused = 0;
    for (;;) {
        rc = evscan_next(&sc, pCur, &er);
        if (rc < 0) {
            if (res->nRejected < MONITOR_MAX_REJECTED) res->aRejected[res->nRejected] = er;
            res->nRejected++;
            bRefused = !partial;
            continue;
        }
        int bUse = rc == 1 && !bRefused && !t.err;
        uint64_t h = 0;
        if (bUse) {
            h = dedup_hash(&m->dedup, system, pCur->id.z, pCur->id.n);
            if (kind == EVSCAN_EVENTS) dedup_prefetch(&m->dedup, h);
        }
        if (pPrev) {
            if (!bRefused) mon_take(&t, pPrev, hPrev);
            pPrev = NULL;
        }
        if (rc == 0) break;
        if (!bUse) continue;
        if (mon_in_scratch(&sc, pCur)) { /* its strings go with the next line */
            mon_take(&t, pCur, h);
        } else {
            pPrev = pCur;
            hPrev = h;
            pCur = pCur == &aEv[0] ? &aEv[1] : &aEv[0];
        }
    }
    int err = t.err;
    if (bFrame && t.csv == 1) evscan_cols_end(&m->cols, &t.shape, &m->frame);
    if (!err && bFrame) err = buf_err(&m->frame);
    m->frameFormat = t.csv == 1 ? MON_FRAME_COLUMNS : (int)fmt;
    if (bRefused || err) { /* undo: the batch leaves no trace */
        for (size_t i = b->nUndo; i-- > 0;)
            dedup_undo(&m->dedup, b->aSlot[i], b->aOld[i]);
        for (size_t i = 0; i < b->nMark; i++)
            b->apMark[i]->labelled = 0;
        mon_batch_clear(b);
        res->nAccepted = res->nDuplicates = res->nUnmatched = 0;
        res->nVersions = 0;
        return err ? err : KEEL_EINVAL;
    }
    return 0;
}

/* Publish an applied batch: its windows into the pending ones (or nowhere
 * when !bWindows: replay of frames already in the store), its events into
 * the recent map, its labels marked. 0 or KEEL_ENOMEM. */
static int mon_batch_commit(Monitor *m, MonBatch *b, int bWindows) {
    int rc = 0;
    for (size_t i = 0; i < b->nWin && bWindows && !rc; i++) {
        MonWin *w = mon_win(m, b->apWin[i]->iKey, b->apWin[i]->minute);
        rc = w ? evagg_merge(&w->agg, &b->apWin[i]->agg) : KEEL_ENOMEM;
    }
    for (size_t i = 0; i < b->nStage; i++) {
        if (i + 8 < b->nStage) { /* the slots of a later event, fetched meanwhile */
            __builtin_prefetch(mon_recent_slot(m, b->aStage[i + 8].h, 0), 1);
            __builtin_prefetch(mon_recent_slot(m, b->aStage[i + 8].h, 1), 1);
        }
        mon_recent_put(m, &b->aStage[i]);
    }
    for (size_t i = 0; i < b->nMark; i++)
        b->apMark[i]->labelled = 1;
    mon_batch_clear(b);
    return rc;
}

int monitor_ingest(Monitor *m, int64_t system, const char *z, size_t n, EvFormat fmt, EvKind kind,
                   int partial, MonIngestResult *res, KeelError *e) {
    memset(res, 0, offsetof(MonIngestResult, aRejected));
    int64_t arrival = mon_now_ms();
    SegFrameInfo fi = {.system = system, .arrivalMs = arrival, .kind = (uint8_t)kind};
    pthread_mutex_lock(&m->mu);
    int rc = mon_batch_run(m, m->pBatch, system, z, n, fmt, kind, partial, arrival, 1, res);
    if (!rc && res->nAccepted) {
        fi.nEvents = (uint32_t)res->nAccepted;
        fi.format = (uint8_t)m->frameFormat;
        rc = seglog_write(m->log, &fi, m->frame.z, m->frame.n, e);
        if (!rc) m->lastSeq = fi.seq;
    }
    if (!rc)
        rc = mon_batch_commit(m, m->pBatch, 1);
    else
        mon_batch_clear(m->pBatch); /* a failed write fails the log: restart replays it */
    if (rc == 0) {
        if (kind == EVSCAN_LABELS)
            m->st.nLabels += res->nAccepted;
        else
            m->st.nEvents += res->nAccepted;
        m->st.nDuplicates += res->nDuplicates;
    }
    m->st.nRejected += res->nRejected;
    m->st.nBytes += n;
    m->st.nBatches++;
    pthread_mutex_unlock(&m->mu);
    if (rc == KEEL_EINVAL) {
        const EngineError *r0 = &res->aRejected[0];
        return err_set(e, KEEL_EINVAL, r0->zField,
                       "%u line(s) refused, the first on line %zu: %s; nothing was stored (fix "
                       "them, or send ?partial=1 to store the good lines)",
                       res->nRejected, r0->iLine, r0->zMsg);
    }
    if (rc == KEEL_ENOMEM) return err_set(e, rc, "", "out of memory while taking the batch");
    if (!rc && res->nAccepted) rc = seglog_sync(m->log, fi.seq, e);
    if (rc == KEEL_EIO) /* the log is failed: say so as 503 */
        return err_set(e, KEEL_EBUSY, "", "%s", e ? e->zMsg : "the event log failed");
    return rc;
}

/* ---- flushing ---------------------------------------------------------- */

/* Merge delta into the stored row of one grain and write it back. */
static int mon_flush_grain(Db *db, const MonKey *k, const char *zGrain, int64_t startMs,
                           const EvAgg *delta, const char *zNow, KeelError *e) {
    char *zOld = NULL;
    EvAgg agg;
    int rc =
        store_monitor_window_agg(db, k->system, k->zVersion, k->zSegment, zGrain, startMs, &zOld);
    if (rc == KEEL_ENOTFOUND) {
        evagg_init(&agg);
        rc = 0;
    } else if (rc == 0) {
        rc = evagg_read(&agg, zOld, strlen(zOld));
        free(zOld);
        if (rc)
            return err_set(e, KEEL_EINTERNAL, "", "a stored %s window of system %lld is damaged",
                           zGrain, (long long)k->system);
    }
    if (rc) return err_set(e, rc, "", "cannot read a %s window: %s", zGrain, db_errmsg(db));
    rc = evagg_merge(&agg, delta);
    Buf b;
    buf_init(&b, 0);
    if (!rc) {
        evagg_write(&agg, &b);
        rc = buf_err(&b);
    }
    if (!rc) {
        EvMetrics mt;
        evagg_metrics(&agg, &mt);
        MonWindowRow row = {k->system,
                            k->zVersion,
                            k->zSegment,
                            zGrain,
                            startMs,
                            (int64_t)mt.n,
                            (int64_t)agg.nError,
                            (int64_t)mt.nLabeled,
                            mt.errorRate,
                            mt.p50,
                            mt.p90,
                            mt.p99,
                            mt.meanScore,
                            mt.accuracy,
                            mt.precision,
                            mt.recall,
                            mt.auc,
                            mt.ece,
                            b.z};
        rc = store_monitor_window_put(db, &row, zNow);
        if (rc) err_set(e, rc, "", "cannot write a %s window: %s", zGrain, db_errmsg(db));
    } else {
        err_set(e, rc, "", "out of memory while flushing windows");
    }
    buf_reset(&b);
    evagg_free(&agg);
    return rc;
}

/* Windows in order of key, then minute. */
static int mon_win_cmp(const void *a, const void *b) {
    const MonWin *x = *(MonWin *const *)a, *y = *(MonWin *const *)b;
    if (x->iKey != y->iKey) return x->iKey < y->iKey ? -1 : 1;
    return x->minute < y->minute ? -1 : x->minute > y->minute;
}

/* Put stolen windows back into the pending table after a failed flush. */
static void mon_unsteal(Monitor *m, MonWin **aw, size_t n) {
    for (size_t i = 0; i < n; i++) {
        MonWin *w = mon_win(m, aw[i]->iKey, aw[i]->minute);
        if (w) evagg_merge(&w->agg, &aw[i]->agg);
    }
}

int monitor_flush(Monitor *m, Db *db, KeelError *e) {
    pthread_mutex_lock(&m->mu);
    size_t n = m->nWin, j = 0;
    uint64_t seq = m->lastSeq;
    MonWin **aw = n ? malloc(n * sizeof *aw) : NULL;
    if (n && !aw) {
        pthread_mutex_unlock(&m->mu);
        return err_set(e, KEEL_ENOMEM, "", "out of memory");
    }
    for (size_t i = 0; i < m->nWinSlot; i++)
        if (m->apWin[i]) {
            aw[j++] = m->apWin[i];
            m->apWin[i] = NULL;
        }
    m->nWin = 0;
    MonKey *aKey = NULL;
    if (n) { /* a copy of the keys: the table may grow meanwhile */
        aKey = malloc(m->nKey * sizeof *aKey);
        if (aKey) memcpy(aKey, m->aKey, m->nKey * sizeof *aKey);
    }
    pthread_mutex_unlock(&m->mu);
    int rc = 0;
    if (n && !aKey) rc = err_set(e, KEEL_ENOMEM, "", "out of memory");
    if (!rc && seq > m->appliedSeq) rc = seglog_sync(m->log, seq, e); /* durable first */
    if (!rc && (n || seq > m->appliedSeq)) {
        char zNow[40];
        time_iso_now(zNow, sizeof zNow);
        rc = db_begin(db);
        if (rc) err_set(e, rc, "", "cannot begin: %s", db_errmsg(db));
        /* sorted by key and minute, a key's minutes of one hour (and of one
         * day) are neighbours: they are added up here and each hour and day
         * row is read and written once */
        qsort(aw, n, sizeof *aw, mon_win_cmp);
        EvAgg hour, day;
        evagg_init(&hour);
        evagg_init(&day);
        for (size_t i = 0; i < n && !rc; i++) {
            const MonKey *k = &aKey[aw[i]->iKey];
            int64_t start = aw[i]->minute * MON_MINUTE_MS;
            int64_t h0 = mon_floor_div(start, 3600000) * 3600000;
            int64_t d0 = mon_floor_div(start, 86400000) * 86400000;
            int bLast = i + 1 == n || aw[i + 1]->iKey != aw[i]->iKey;
            int64_t next = bLast ? 0 : aw[i + 1]->minute * MON_MINUTE_MS;
            rc = mon_flush_grain(db, k, "minute", start, &aw[i]->agg, zNow, e);
            if (!rc && (evagg_merge(&hour, &aw[i]->agg) || evagg_merge(&day, &aw[i]->agg)))
                rc = err_set(e, KEEL_ENOMEM, "", "out of memory while flushing windows");
            if (!rc && (bLast || mon_floor_div(next, 3600000) * 3600000 != h0)) {
                rc = mon_flush_grain(db, k, "hour", h0, &hour, zNow, e);
                evagg_free(&hour);
            }
            if (!rc && (bLast || mon_floor_div(next, 86400000) * 86400000 != d0)) {
                rc = mon_flush_grain(db, k, "day", d0, &day, zNow, e);
                evagg_free(&day);
            }
        }
        evagg_free(&hour);
        evagg_free(&day);
        if (!rc) rc = store_monitor_state_set(db, "applied_seq", (int64_t)seq);
        rc = db_end(db, rc);
    }
    pthread_mutex_lock(&m->mu);
    if (rc) {
        mon_unsteal(m, aw, n);
        m->st.nFlushFailures++;
    } else {
        m->appliedSeq = seq;
        m->st.nFlushes++;
    }
    pthread_mutex_unlock(&m->mu);
    for (size_t i = 0; i < n; i++) {
        evagg_free(&aw[i]->agg);
        free(aw[i]);
    }
    free(aw);
    free(aKey);
    return rc;
}

/* ---- open, close, replay ------------------------------------------- */

void monitor_config_init(MonitorConfig *c) {
    memset(c, 0, sizeof *c);
    c->level = 1;
    c->retentionDays = 90;
    c->dedupDays = 32;
    c->dedupEntries = (size_t)1 << 24;
}

/* Replay one frame: rebuild the dedup index and the recent map always,
 * the pending windows only for frames the store has not applied. */
static int mon_replay_frame(void *ctx, const SegFrameInfo *fi, const char *z, size_t n) {
    Monitor *m = ctx;
    MonIngestResult *res = calloc(1, sizeof *res);
    if (!res) return KEEL_ENOMEM;
    EvFormat fmt = (EvFormat)fi->format;
    Buf rows;
    buf_init(&rows, 0);
    int rc = 0;
    if (fi->format == MON_FRAME_COLUMNS) { /* back into CSV rows for the scanner */
        rc = evscan_cols_to_csv(z, n, fi->nEvents, &rows);
        z = rows.z;
        n = rows.n;
        fmt = EVSCAN_CSV;
    }
    if (!rc)
        rc = mon_batch_run(m, m->pBatch, fi->system, z, n, fmt, (EvKind)fi->kind, 1, fi->arrivalMs,
                           0, res);
    if (!rc) rc = mon_batch_commit(m, m->pBatch, fi->seq > m->appliedSeq);
    m->lastSeq = fi->seq;
    buf_reset(&rows);
    free(res);
    return rc == KEEL_EINVAL ? 0 : rc;
}

int monitor_open(Monitor **ppMon, const MonitorConfig *c, Db *db, KeelError *e) {
    *ppMon = NULL;
    Monitor *m = calloc(1, sizeof *m);
    if (!m) return err_set(e, KEEL_ENOMEM, "", "out of memory");
    m->cfg = *c;
    pthread_mutex_init(&m->mu, NULL);
    buf_init(&m->frame, 0);
    evscan_cols_init(&m->cols);
    uint8_t key[16];
    randombytes_buf(key, sizeof key);
    int rc = dedup_init(&m->dedup, c->dedupDays, c->dedupEntries, key);
    m->aRecent = mem_zalloc_table(MON_RECENT_SLOTS, sizeof *m->aRecent);
    m->pBatch = calloc(1, sizeof *m->pBatch);
    if (rc || !m->aRecent || !m->pBatch) rc = err_set(e, KEEL_ENOMEM, "", "out of memory");
    if (!rc) rc = seglog_open(&m->log, c->zDir, c->level, e);
    int64_t applied = 0;
    if (!rc && (rc = store_monitor_state_get(db, "applied_seq", &applied)))
        err_set(e, rc, "", "cannot read the monitoring state: %s", db_errmsg(db));
    if (!rc) {
        m->appliedSeq = (uint64_t)applied;
        rc = seglog_replay(m->log, 0, mon_replay_frame, m, e);
        if (rc && rc != KEEL_EIO) err_set(e, rc, "", "cannot replay the event log");
    }
    if (!rc && m->lastSeq < m->appliedSeq) /* the database is ahead of the log */
        rc = err_set(e, KEEL_EIO, "",
                     "the database has applied event frame %llu but the log in %s ends at %llu; "
                     "restore the event directory that belongs to this database",
                     (unsigned long long)m->appliedSeq, c->zDir, (unsigned long long)m->lastSeq);
    if (!rc) rc = monitor_flush(m, db, e);
    if (rc) {
        monitor_close(m);
        return rc;
    }
    *ppMon = m;
    return 0;
}

void monitor_close(Monitor *m) {
    if (!m) return;
    for (size_t i = 0; i < m->nWinSlot; i++)
        if (m->apWin[i]) {
            evagg_free(&m->apWin[i]->agg);
            free(m->apWin[i]);
        }
    free(m->apWin);
    free(m->aKey);
    free(m->aRecent);
    if (m->pBatch) {
        mon_batch_clear(m->pBatch);
        free(m->pBatch->aSlot);
        free(m->pBatch->aOld);
        free(m->pBatch->aStage);
        free(m->pBatch->apMark);
        free(m->pBatch->apWin);
        free(m->pBatch->aLine);
        free(m->pBatch);
    }
    dedup_free(&m->dedup);
    buf_reset(&m->frame);
    evscan_cols_free(&m->cols);
    seglog_close(m->log);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

int monitor_prune(Monitor *m, KeelError *e) {
    return seglog_prune(m->log, mon_now_ms() - (int64_t)m->cfg.retentionDays * 86400000, e);
}

void monitor_stats(Monitor *m, MonStats *st) {
    SegLogStats ls;
    seglog_stats(m->log, &ls);
    pthread_mutex_lock(&m->mu);
    *st = m->st;
    st->nPendingWindows = m->nWin;
    st->lastSeq = ls.lastSeq;
    st->appliedSeq = m->appliedSeq;
    st->dedupHorizonDays = (int)(dedup_horizon_s(&m->dedup, mon_now_ms() / 1000) / 86400);
    st->nDedupSlots = m->dedup.nSlot + m->dedup.nOld; /* both while growing */
    pthread_mutex_unlock(&m->mu);
    st->nSegments = ls.nSegments;
    st->nSegmentBytes = ls.nBytesOnDisk;
    st->nSyncs = ls.nSyncs;
}
