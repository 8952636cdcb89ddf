/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cloud versus private break-even; see breakeven.h for the formulas. */
#include "engine/breakeven.h"
#include "util/err.h"
#include <math.h>

static int bad(double x) { return !isfinite(x) || x < 0; }

int breakeven_compute(const BreakevenInput *in, BreakevenResult *r) {
    if (bad(in->capacityHours) || in->capacityHours <= 0 || bad(in->pricePerHour) ||
        bad(in->capitalCost) || bad(in->lifetimePeriods) || in->lifetimePeriods <= 0 ||
        bad(in->runningPerPeriod) || bad(in->variablePerHour) ||
        (!isnan(in->utilisation) && bad(in->utilisation)))
        return KEEL_EINVAL;
    double C = in->capacityHours, p = in->pricePerHour, v = in->variablePerHour;
    double u = in->utilisation;
    r->fixedPerPeriod = in->capitalCost / in->lifetimePeriods + in->runningPerPeriod;
    r->breakeven = p > v ? r->fixedPerPeriod / ((p - v) * C) : INFINITY;
    if (isnan(u)) {
        r->privatePerPeriod = r->cloudPerPeriod = r->savingsPerPeriod = r->privatePerHour = NAN;
        r->advice = r->breakeven > 1 ? BREAKEVEN_CLOUD_ALWAYS : BREAKEVEN_NO_DATA;
        return 0;
    }
    r->privatePerPeriod = r->fixedPerPeriod + v * u * C;
    r->cloudPerPeriod = p * u * C;
    r->savingsPerPeriod = r->cloudPerPeriod - r->privatePerPeriod;
    r->privatePerHour = u > 0 ? r->privatePerPeriod / (u * C) : INFINITY;
    if (r->breakeven > 1)
        r->advice = BREAKEVEN_CLOUD_ALWAYS;
    else
        r->advice = u >= r->breakeven ? BREAKEVEN_OWN : BREAKEVEN_CLOUD;
    return 0;
}

const char *breakeven_advice_name(BreakevenAdvice a) {
    switch (a) {
    case BREAKEVEN_OWN: return "own";
    case BREAKEVEN_CLOUD: return "cloud";
    case BREAKEVEN_CLOUD_ALWAYS: return "cloud_always";
    default: return "no_data";
    }
}
