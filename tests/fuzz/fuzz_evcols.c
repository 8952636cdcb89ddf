/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for evscan_cols_to_csv (engine/evscan.c), the reader
 * of the event log's columns frames at replay: the first two input bytes
 * are the frame's row count (little endian), the rest the frame. Any
 * bytes are either refused (KEEL_EINVAL, nothing promised of the output)
 * or read into CSV of exactly the frame's length with one line for the
 * header and one a row, which the scanner then reads to its end (as
 * replay does). */
#include "engine/evscan.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    uint32_t nRow = (uint32_t)data[0] | (uint32_t)data[1] << 8;
    const char *z = (const char *)data + 2;
    size_t n = size - 2;
    Buf out;
    buf_init(&out, 0);
    int rc = evscan_cols_to_csv(z, n, nRow, &out);
    if (rc != 0 && rc != KEEL_EINVAL) abort();
    if (rc == 0) {
        if (out.n != n) abort();
        size_t nLine = 0;
        for (size_t i = 0; i < out.n; i++)
            nLine += out.z[i] == '\n';
        if (out.n == 0 || out.z[out.n - 1] != '\n') abort();
        if (nLine != (size_t)nRow + 1) abort();
        static EvScan s;
        static EvEvent ev;
        EngineError e;
        if (evscan_init(&s, out.z, out.n, EVSCAN_CSV, EVSCAN_EVENTS, &e) == 0) {
            size_t nRound = 0;
            while (evscan_next(&s, &ev, &e) != 0)
                if (++nRound > out.n + 2) abort();
        }
    }
    buf_reset(&out);
    return 0;
}
