/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compliance rule packs and the working-day calendar, as data (issue 25).
 * Pure: the caller hands parsed JSON in (the JSON files of data/rules, embedded or
 * from a directory) and gets verdicts back.
 *
 * A pack: {pack, title{en,zh-CN}, kind: law|standard|framework,
 * jurisdiction: "eu"|"cn"|...|null, scope?: "system"|"organisation",
 * source, version, published, verified, note?, figures?, obligations: [
 *   {id, article, title{en,zh-CN}, applies, evidence: {kind,
 *    max_age_days?}|null, gate: stage|null, due: null | {event, calendar_days
 *    | working_days} | {every_months, from: "last_review"|"launch"},
 *    verified, note?}]}.
 * applies: {all?: [cond], any?: [cond]} (both must hold when both are
 * given; an empty object always holds); cond: {flag, is: bool} | {flag,
 * in: [values]} | {flag, has: value} | {flag, set: true}.
 * A calendar: {calendar, years: {"2026": {holidays: [dates], workdays:
 * [dates]}}}. */
#ifndef KEEL_ENGINE_RULEPACK_H
#define KEEL_ENGINE_RULEPACK_H
#include "engine/engine_err.h"
#include "util/err.h"
#include <jansson.h>

/* The flags a condition may name, and the events a due rule may start
 * from. */
extern const char *const azRuleFlag[];
extern const char *const azRuleEvent[];

/* Check a pack. 0, or KEEL_EINVAL with e->zField (an EngineError, may be
 * NULL) the JSON path of the fault (e.g. "obligations[3].applies.all[0].flag") and the reason. */
int rulepack_check(const json_t *pack, EngineError *e);

/* Whether applies holds for flags (a system's flags: booleans, strings,
 * arrays for sets, null). When it holds and why is an array, the words of
 * each condition that made it hold are appended ("risk_tier is high"). */
int rulepack_applies(const json_t *applies, const json_t *flags, json_t *why);

/* When applies does not hold for flags, the words of each condition that
 * keeps it from holding, appended to whyNot ("personal_data is false",
 * "risk_tier is not one of high", "none of: ..."). */
void rulepack_why_not(const json_t *applies, const json_t *flags, json_t *whyNot);

/* Check a working-day calendar (as rulepack_check). */
int workdays_check(const json_t *cal, EngineError *e);

/* The date n working days after zDate (YYYY-MM-DD), counted with cal: a
 * day works when it is a make-up working day, or a weekday that is not a
 * holiday. 0 and zOut, or KEEL_ENOTFOUND when the count runs into a year
 * the calendar has no table for (*pYear gets it). */
int workdays_add(const json_t *cal, const char *zDate, int n, char *zOut, size_t nOut, int *pYear);

/* zDate plus n calendar days / months (day clamped to the month's end).
 * 0, or KEEL_EINVAL for a date that is not YYYY-MM-DD. */
int date_add_days(const char *zDate, int n, char *zOut, size_t nOut);
int date_add_months(const char *zDate, int n, char *zOut, size_t nOut);

#endif
