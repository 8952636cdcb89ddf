/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Baselines and decay findings (issue 20). A version's baseline is a
 * frozen window of its day windows, merged per segment and over all
 * segments (segment "*"): metrics plus score and feature histograms. It
 * is frozen when the launch gate passes (over the days seen so far), on
 * demand, or by the monitor.decay job from a version's first
 * DECAY_BASELINE_DAYS days when it has none. Detection compares, per
 * segment, the periods since the baseline (blocks of DECAY_PERIOD_DAYS
 * day windows, the last ending at the newest window) with the baseline:
 * accuracy (a fall) and error rate (a rise) by the change-point and
 * trend tests of engine/decay.h; a segment without its own baseline (a
 * new one) is held against the all-segment baseline (kind
 * segment_failure). Each finding names the inputs that drifted most
 * between the baseline's feature histograms and the last period's (the
 * drift engine on stored histograms). docs/monitoring.md states the rules
 * and their false-alarm rates. */
#ifndef KEEL_DOMAIN_DECAY_H
#define KEEL_DOMAIN_DECAY_H
#include "domain/auth.h"
#include "store/db.h"
#include "util/err.h"
#include <jansson.h>
#include <stdint.h>

#define DECAY_BASELINE_DAYS 7 /* a baseline window by default */
#define DECAY_PERIOD_DAYS 7   /* day windows per tested period */
#define DECAY_NO_DATA_MIN 60  /* no events this long: a no_data finding */
#define DECAY_MAX_DRIFTED 5   /* drifted inputs named per finding */

/* Freeze the baseline of system zName's version (in `in`: version?
 * (default: the newest), from?, to? (RFC 3339 dates; default the last
 * DECAY_BASELINE_DAYS days with windows), reason?). Replaces an earlier
 * baseline of that version; audited. *ppOut: the baseline rows. */
int baseline_freeze_api(Db *db, const Principal *who, const char *zName, const json_t *in,
                        json_t **ppOut, KeelError *e);

/* Freeze systemId's version zVersion over day windows [fromMs, toMs)
 * (INT64_MIN/INT64_MAX: the last DECAY_BASELINE_DAYS days with windows).
 * *pnSeg gets the segments frozen (0: no windows, nothing frozen). Inside
 * the caller's transaction or its own. */
int baseline_freeze(Db *db, const Actor *a, int64_t systemId, const char *zVersion, int64_t fromMs,
                    int64_t toMs, const char *zReason, int *pnSeg);

/* Run detection for systemId now: replaces its findings. *pnFound: how
 * many. */
int decay_detect(Db *db, int64_t systemId, int *pnFound, KeelError *e);

/* The monitor.decay job: detection for every system with windows. */
int decay_job(Db *db, KeelError *e);

/* The findings of systemId (0: all systems) as the API shows them:
 * [{kind, metric, segment, version, baseline, current, ci: [lo, hi],
 * drifted_inputs, test, p_value, false_alarm_rate, found_at}] (new
 * reference). */
int decay_findings(Db *db, int64_t systemId, json_t **ppOut);

#endif
