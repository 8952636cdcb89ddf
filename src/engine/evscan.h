/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The prediction-event scanner: reads a body of NDJSON (one JSON object a
 * line) or CSV (a header line, then one event a record) into events of one
 * fixed schema, one event per call, without allocating and without
 * building a JSON tree: strings point into the body (or into the scanner's
 * scratch when they hold escapes), numbers go through the CSV reader's
 * number parser. Every refusal names the line (1-based, as an editor
 * counts them) and the field. Pure; no I/O. Details in docs/monitoring.md.
 *
 * Event fields: event_id (string, 1-128 bytes), ts (RFC 3339 string or
 * epoch milliseconds), version (string, 1-64 bytes), segment (optional
 * string, 0-64 bytes), latency_ms (number >= 0), score, prediction, label
 * (optional numbers; prediction and label also true/false), error
 * (optional true/false or 0/1) and f.<name> (optional numeric features,
 * null for missing). A label stream (EVSCAN_LABELS) has event_id and label
 * only. */
#ifndef KEEL_ENGINE_EVSCAN_H
#define KEEL_ENGINE_EVSCAN_H
#include "engine/engine_err.h"
#include "util/buf.h"
#include <stddef.h>
#include <stdint.h>

#define EVSCAN_MAX_ID 128      /* bytes of an event_id */
#define EVSCAN_MAX_LABEL 64    /* bytes of a version, segment or feature name */
#define EVSCAN_MAX_FEATURES 64 /* features per event */
#define EVSCAN_MAX_COLUMNS 80  /* columns of a CSV header */

typedef enum EvFormat { EVSCAN_NDJSON = 1, EVSCAN_CSV = 2 } EvFormat;
typedef enum EvKind { EVSCAN_EVENTS = 0, EVSCAN_LABELS = 1 } EvKind;

/* A string that is not NUL-terminated: z points into the body or into the
 * scanner's scratch, valid until the next evscan_next call. */
typedef struct EvStr {
    const char *z;
    uint32_t n;
} EvStr;

/* One numeric feature of an event; v is NaN when missing. */
typedef struct EvFeature {
    EvStr name; /* without the "f." prefix */
    double v;
    EvStr raw; /* NDJSON: the value as written (n == 0 for null) */
} EvFeature;

#define EVSCAN_NFIELDS 10 /* fixed fields, numbered 1..9 in evscan.c */

/* One event. Optional numbers are NaN when absent. */
typedef struct EvEvent {
    EvStr id;          /* event_id */
    int64_t tsMs;      /* ts as milliseconds since 1970-01-01T00:00:00Z */
    EvStr version;     /* version label */
    EvStr segment;     /* segment, n == 0 when absent */
    double latencyMs;  /* latency_ms (>= 0) */
    double score;      /* score or NaN */
    double prediction; /* prediction or NaN */
    double label;      /* label or NaN */
    int isError;       /* error: 1 when the serving system failed */
    uint32_t nFeat;    /* features present */
    EvFeature aFeat[EVSCAN_MAX_FEATURES];
    const char *zLine; /* the record's bytes in the body (no line end) */
    uint32_t nLine;    /* their length */
    uint32_t iLine;    /* the line the record starts on (1-based) */
    /* NDJSON only, for evscan_csv_*: the fixed fields present (a bit per
     * field), each one's value as written (a string without its quotes,
     * n == 0 for null) and whether a string held an escape (then its
     * text is in the scanner's scratch, not the body) */
    uint32_t mask;
    EvStr aRaw[EVSCAN_NFIELDS];
    int bEscaped;
} EvEvent;

/* The columns NDJSON events are re-encoded to as CSV (a third of the
 * bytes for the event log to compress): the fixed fields of the first
 * event, then its features in order. */
typedef struct EvCsvShape {
    uint32_t mask;
    uint32_t nFeat;
    EvStr aName[EVSCAN_MAX_FEATURES];
} EvCsvShape;

/* Why a line was refused: an EngineError (engine_err.h) with iLine, zField
 * (the event field at fault, or "") and zMsg; iCol is 0. */

/* A scanner over one body; set up by evscan_init, no resources to free. */
typedef struct EvScan {
    const char *z;   /* the body (not owned) */
    size_t n;        /* its size */
    size_t iPos;     /* next byte to read */
    uint32_t iLine;  /* line number of the byte at iPos */
    EvFormat format; /* NDJSON or CSV */
    EvKind kind;     /* events or labels */
    /* CSV only: what each header column is (EVF_* in evscan.c) and, for a
     * feature column, its index in the event's feature array */
    uint32_t nCol;
    uint8_t aColField[EVSCAN_MAX_COLUMNS];
    uint8_t aColFeat[EVSCAN_MAX_COLUMNS];
    EvStr aFeatName[EVSCAN_MAX_FEATURES]; /* CSV: feature names from the header */
    uint32_t nFeatCol;                    /* CSV: feature columns */
    const char *zHeader;                  /* CSV: the header line's bytes */
    uint32_t nHeader;                     /* and their length */
    /* NDJSON: the keys of the lines read so far, in order (every producer
     * sends one shape): a key that is the next one here is taken without
     * reading it again. A prefix of some line's keys, all allowed and
     * distinct; z points into the body. */
    uint32_t nShape;
    struct {
        const char *z;
        uint32_t n;
        int f;
    } aShape[EVSCAN_MAX_COLUMNS];
    size_t nScratch;     /* bytes of aScratch in use */
    char aScratch[8192]; /* unescaped strings of the current record */
} EvScan;

/* Start scanning z[0..n) (the caller keeps it alive). For CSV reads the
 * header line. Returns 0, or KEEL_EINVAL with *pErr filled (a bad header:
 * then nothing can be read). */
int evscan_init(EvScan *s, const char *z, size_t n, EvFormat format, EvKind kind,
                EngineError *pErr);

/* Read the next record into *pEv: returns 1 for an event, 0 at the end of
 * the body, KEEL_EINVAL for a refused record (*pErr says why; the scanner
 * has moved past it, so the caller may go on). Blank lines are skipped. */
int evscan_next(EvScan *s, EvEvent *pEv, EngineError *pErr);

/* Parse an RFC 3339 timestamp (2026-12-07T17:37:06.123Z, offsets
 * allowed) or a string of epoch milliseconds into *pMs; 0 or KEEL_EINVAL. */
int evscan_parse_ts(const char *z, size_t n, int64_t *pMs);

/* Take ev's columns as the shape of a CSV re-encoding: 0, or -1 when ev
 * cannot be re-encoded (an escape, a feature name needing quotes). */
int evscan_csv_shape(const EvEvent *ev, EvCsvShape *sh);

/* 1 when ev (an NDJSON event) has exactly the shape's columns and can be
 * re-encoded, else 0. */
int evscan_csv_same(const EvCsvShape *sh, const EvEvent *ev);

/* Append the CSV header line of a shape to b. */
void evscan_csv_put_header(const EvCsvShape *sh, Buf *b);

/* Append ev (evscan_csv_same is 1) as one CSV line to b; reading it back
 * with the header gives the same event. */
void evscan_csv_put_row(const EvEvent *ev, Buf *b);

/* The same rows framed column by column (the event log's columns frames,
 * docs/monitoring.md): the shape's CSV header line, then each column's
 * values one a line, every column holding the rows in order. A column
 * repeats its own digits and labels, so zstd takes a quarter less time
 * on it and the frame comes out a quarter smaller than the rows'.
 * Fill with evscan_cols_start, evscan_cols_put per event, evscan_cols_end. */
typedef struct EvColumns {
    uint32_t nCol;                /* columns of the shape */
    uint32_t nRow;                /* rows put */
    Buf aCol[EVSCAN_MAX_COLUMNS]; /* their values, each followed by a line feed */
} EvColumns;

/* An empty set of columns (free with evscan_cols_free). */
void evscan_cols_init(EvColumns *c);
void evscan_cols_free(EvColumns *c);

/* Start a frame of shape sh (the buffers are kept between frames). */
void evscan_cols_start(EvColumns *c, const EvCsvShape *sh);

/* Add ev (evscan_csv_same is 1) as the next row. */
void evscan_cols_put(EvColumns *c, const EvEvent *ev);

/* Append the header of sh and every column to b (an out-of-memory of a
 * column becomes b's error). */
void evscan_cols_end(EvColumns *c, const EvCsvShape *sh, Buf *b);

/* Read a columns frame z[0..n) of nRow rows back into CSV (its header,
 * then one line a row) appended to out, for evscan_init. 0, KEEL_EINVAL
 * when z is not such a frame (a column short or long, no header) or
 * KEEL_ENOMEM. */
int evscan_cols_to_csv(const char *z, size_t n, uint32_t nRow, Buf *out);

#endif
