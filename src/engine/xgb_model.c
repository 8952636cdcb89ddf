/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The XGBoost JSON model loader and scorer (see xgb_model.h). Loading
 * checks everything a later computation relies on: array lengths, child
 * indexes in range, every node reachable once, finite values, features
 * below num_feature, tree groups in range. Trees are renumbered into
 * preorder so that traversals walk memory forward. */
#include "engine/xgb_model.h"
#include "engine/jspec.h"
#include "util/err.h"
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XGB_MAX_FEATURE 10000000 /* refuse absurd num_feature values */

/* Read a number that XGBoost may write either as a JSON number or as a
 * string holding one ("5E-1"). Returns 0 and sets *pr, or -1 if v is
 * neither or the string has trailing junk. */
static int xgb_json_number(const json_t *v, double *pr) {
    if (json_is_number(v)) {
        *pr = json_number_value(v);
        return 0;
    }
    if (!json_is_string(v)) return -1;
    const char *z = json_string_value(v);
    char *zEnd;
    if (!*z) return -1;
    double r = strtod(z, &zEnd);
    if (*zEnd || zEnd == z) return -1;
    *pr = r;
    return 0;
}

/* Read a non-negative integer field written as a number or a string; -1
 * when absent or not an integer that fits in an int. */
static long xgb_json_int(const json_t *v) {
    double r;
    if (!v || xgb_json_number(v, &r) || !(r >= 0) || r > 2147483647.0 || r != floor(r)) return -1;
    return (long)r;
}

/* Parse base_score in any of the forms XGBoost writes: a number, a string
 * holding a number ("5E-1"), a string holding a bracketed list ("[5E-1]" or
 * "[1E-1,2E-1]"), or a JSON array of numbers. Fills up to nMax values into
 * aVal and sets *pn. Returns 0 or -1 when the form is not recognised. */
static int xgb_parse_base_score(const json_t *v, double *aVal, int nMax, int *pn) {
    *pn = 0;
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (*pn >= nMax || xgb_json_number(e, &aVal[*pn])) return -1;
            (*pn)++;
        }
        return *pn ? 0 : -1;
    }
    if (json_is_string(v) && json_string_value(v)[0] == '[') {
        const char *z = json_string_value(v) + 1;
        for (;;) {
            char *zEnd;
            while (*z == ' ')
                z++;
            if (*pn >= nMax) return -1;
            aVal[*pn] = strtod(z, &zEnd);
            if (zEnd == z) return -1;
            (*pn)++;
            z = zEnd;
            while (*z == ' ')
                z++;
            if (*z == ',') {
                z++;
                continue;
            }
            return (z[0] == ']' && z[1] == 0) ? 0 : -1;
        }
    }
    if (xgb_json_number(v, &aVal[0])) return -1;
    *pn = 1;
    return 0;
}

/* Fetch array member zKey of tree object o with exactly n entries; NULL
 * (message in *pErr) otherwise. */
static json_t *xgb_tree_array(json_t *o, const char *zKey, long n, int iTree, EngineError *pErr) {
    json_t *a = json_object_get(o, zKey);
    if (!json_is_array(a)) {
        engine_fail(pErr, KEEL_EINVAL, "model",
                    "tree %d has no '%s' array; is this an XGBoost JSON model?", iTree, zKey);
        return NULL;
    }
    if ((long)json_array_size(a) != n) {
        engine_fail(pErr, KEEL_EINVAL, "model",
                    "tree %d: '%s' has %zu entries but the tree has %ld nodes", iTree, zKey,
                    json_array_size(a), n);
        return NULL;
    }
    return a;
}

/* Convert one JSON tree into t (preorder renumbering, every check). Covers
 * and values must be finite; split features below nFeature. */
static int xgb_tree_load(json_t *o, int iTree, int nFeature, XgbTree *t, EngineError *pErr) {
    int rc = 0;
    int32_t *aStack = NULL, *aNew = NULL;
    if (!json_is_object(o))
        return engine_fail(pErr, KEEL_EINVAL, "model", "tree %d is not a JSON object", iTree);
    long nNode = xgb_json_int(json_object_get(json_object_get(o, "tree_param"), "num_nodes"));
    if (nNode < 1 || nNode > 100000000)
        return engine_fail(pErr, KEEL_EINVAL, "model", "tree %d has no valid tree_param.num_nodes",
                           iTree);
    json_t *aL = xgb_tree_array(o, "left_children", nNode, iTree, pErr);
    json_t *aR = aL ? xgb_tree_array(o, "right_children", nNode, iTree, pErr) : NULL;
    json_t *aF = aR ? xgb_tree_array(o, "split_indices", nNode, iTree, pErr) : NULL;
    json_t *aS = aF ? xgb_tree_array(o, "split_conditions", nNode, iTree, pErr) : NULL;
    json_t *aD = aS ? xgb_tree_array(o, "default_left", nNode, iTree, pErr) : NULL;
    json_t *aH = aD ? xgb_tree_array(o, "sum_hessian", nNode, iTree, pErr) : NULL;
    if (!aH) return KEEL_EINVAL;
    long nLeafVec =
        xgb_json_int(json_object_get(json_object_get(o, "tree_param"), "size_leaf_vector"));
    if (nLeafVec > 1)
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "tree %d has vector leaves (multi_strategy=multi_output_tree), "
                           "which keel does not support",
                           iTree);
    json_t *aType = json_object_get(o, "split_type");
    json_t *aCatNode = json_object_get(o, "categories_nodes");
    if (json_array_size(aCatNode) > 0)
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "tree %d has categorical splits, which keel does not support; "
                           "one-hot encode the feature instead",
                           iTree);
    if (aType) {
        size_t i;
        json_t *e;
        json_array_foreach(aType, i, e) {
            if (!json_is_integer(e) || json_integer_value(e) != 0)
                return engine_fail(pErr, KEEL_EINVAL, "model",
                                   "tree %d node %zu is a categorical split, which keel does not "
                                   "support; one-hot encode the feature instead",
                                   iTree, i);
        }
    }
    aStack = malloc(sizeof(int32_t) * (size_t)nNode);
    aNew = malloc(sizeof(int32_t) * (size_t)nNode); /* old index -> new, -1 unseen */
    t->aNode = calloc((size_t)nNode, sizeof(XgbNode));
    if (!aStack || !aNew || !t->aNode) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (long i = 0; i < nNode; i++)
        aNew[i] = -1;
    /* Preorder walk from the root: pop a node, emit it, push right then
     * left so the left child is emitted next. aParent fix-ups are done by
     * remembering, per emitted node, its old right child. */
    int nStack = 0, nOut = 0;
    aStack[nStack++] = 0;
    t->nLeaf = 0;
    while (nStack) {
        int32_t iOld = aStack[--nStack];
        if (aNew[iOld] >= 0) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model",
                             "tree %d is not a tree: node %d is reached twice", iTree, iOld);
            goto done;
        }
        int32_t iMe = nOut++;
        aNew[iOld] = iMe;
        XgbNode *p = &t->aNode[iMe];
        json_int_t l = json_integer_value(json_array_get(aL, (size_t)iOld));
        json_int_t r = json_integer_value(json_array_get(aR, (size_t)iOld));
        double s, h, f;
        if (!json_is_integer(json_array_get(aL, (size_t)iOld)) ||
            !json_is_integer(json_array_get(aR, (size_t)iOld)) ||
            xgb_json_number(json_array_get(aS, (size_t)iOld), &s) ||
            xgb_json_number(json_array_get(aH, (size_t)iOld), &h) ||
            xgb_json_number(json_array_get(aF, (size_t)iOld), &f)) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model", "tree %d node %d has a non-numeric field",
                             iTree, iOld);
            goto done;
        }
        if (!isfinite((float)s) || !isfinite((float)h) || h < 0) {
            rc =
                engine_fail(pErr, KEEL_EINVAL, "model",
                            "tree %d node %d has a value or cover that is not finite", iTree, iOld);
            goto done;
        }
        json_t *dl = json_array_get(aD, (size_t)iOld);
        p->bDefLeft = json_is_true(dl) || (json_is_integer(dl) && json_integer_value(dl) != 0);
        p->fSplit = (float)s;
        p->fCover = (float)h;
        if (l == -1 && r == -1) {
            p->iFeat = -1;
            p->iLeft = p->iRight = -1;
            t->nLeaf++;
            continue;
        }
        if (l < 0 || r < 0 || l >= nNode || r >= nNode || l == r) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model",
                             "tree %d node %d has invalid children (%lld, %lld)", iTree, iOld,
                             (long long)l, (long long)r);
            goto done;
        }
        if (f != floor(f) || f < 0 || f >= nFeature) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model",
                             "tree %d node %d splits on feature %g but the model has %d features",
                             iTree, iOld, f, nFeature);
            goto done;
        }
        p->iFeat = (int32_t)f;
        /* Children get their new indexes when emitted; store old ones for
         * now (iLeft is implied: own index + 1). */
        p->iLeft = (int32_t)l;
        p->iRight = (int32_t)r;
        if (nStack + 2 > nNode) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model", "tree %d is not a tree: it has a cycle",
                             iTree);
            goto done;
        }
        aStack[nStack++] = (int32_t)r;
        aStack[nStack++] = (int32_t)l;
    }
    t->nNode = nOut;
    /* Second pass: map old child indexes to new ones; compute depth. */
    int32_t *aDepth = aStack; /* reuse: depth per new index */
    t->nDepth = 0;
    for (int i = 0; i < nOut; i++) {
        XgbNode *p = &t->aNode[i];
        if (i == 0) aDepth[0] = 0;
        if (p->iFeat < 0) {
            if (aDepth[i] > t->nDepth) t->nDepth = aDepth[i];
            continue;
        }
        p->iLeft = aNew[p->iLeft];
        p->iRight = aNew[p->iRight];
        aDepth[p->iLeft] = aDepth[i] + 1;
        aDepth[p->iRight] = aDepth[i] + 1;
    }
done:
    free(aStack);
    free(aNew);
    return rc;
}

/* Map an objective name to its link; -1 when keel does not support it. */
static int xgb_objective_link(const char *zName) {
    static const struct {
        const char *zName;
        XgbLink link;
    } aObj[] = {
        {"binary:logistic", XGB_LINK_LOGIT},     {"reg:logistic", XGB_LINK_LOGIT},
        {"reg:squarederror", XGB_LINK_IDENTITY}, {"reg:linear", XGB_LINK_IDENTITY},
        {"count:poisson", XGB_LINK_LOG},         {"multi:softprob", XGB_LINK_SOFTMAX},
    };
    for (size_t i = 0; i < sizeof aObj / sizeof aObj[0]; i++)
        if (strcmp(zName, aObj[i].zName) == 0) return (int)aObj[i].link;
    return -1;
}

/* Convert base_score b (in prediction space, as XGBoost stores it) into the
 * initial margin for link; -1 when b is outside the link's domain. */
static int xgb_base_margin(XgbLink link, double b, double *pMargin) {
    switch (link) {
    case XGB_LINK_LOGIT:
        if (!(b > 0 && b < 1)) return -1;
        *pMargin = -log(1.0 / b - 1.0);
        return 0;
    case XGB_LINK_LOG:
        if (!(b > 0)) return -1;
        *pMargin = log(b);
        return 0;
    default:
        if (!isfinite(b)) return -1;
        *pMargin = b;
        return 0;
    }
}

/* Read learner.feature_names / feature_types into p (names optional). */
static int xgb_load_features(json_t *learner, XgbModel *p, EngineError *pErr) {
    json_t *aType = json_object_get(learner, "feature_types");
    size_t i;
    json_t *e;
    json_array_foreach(aType, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), "c") == 0)
            return engine_fail(pErr, KEEL_EINVAL, "model",
                               "feature %zu is categorical, which keel does not support; "
                               "one-hot encode it instead",
                               i);
    }
    json_t *aName = json_object_get(learner, "feature_names");
    size_t n = json_array_size(aName);
    if (n == 0) return 0;
    if (n != (size_t)p->nFeature)
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "the model names %zu features but has num_feature %d", n, p->nFeature);
    p->azFeature = calloc(n, sizeof(char *));
    if (!p->azFeature) return KEEL_ENOMEM;
    json_array_foreach(aName, i, e) {
        if (!json_is_string(e))
            return engine_fail(pErr, KEEL_EINVAL, "model", "feature name %zu is not a string", i);
        p->azFeature[i] = strdup(json_string_value(e));
        if (!p->azFeature[i]) return KEEL_ENOMEM;
    }
    return 0;
}

int xgb_model_load(const char *z, size_t n, XgbModel **ppModel, EngineError *pErr) {
    json_t *root;
    *ppModel = NULL;
    int rc = jspec_load(z, n, "model", "model", &root, pErr);
    if (rc) return rc;
    rc = xgb_model_from_json(root, ppModel, pErr);
    json_decref(root);
    return rc;
}

int xgb_model_from_json(const json_t *root, XgbModel **ppModel, EngineError *pErr) {
    int rc = 0;
    XgbModel *p = NULL;
    *ppModel = NULL;
    engine_err_clear(pErr);
    json_t *learner = json_object_get(root, "learner");
    if (!json_is_object(learner)) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "the model has no 'learner' object; keel reads the JSON that "
                         "XGBoost's save_model(\"model.json\") writes");
        goto done;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    json_t *ver = json_object_get(root, "version");
    if (json_array_size(ver) == 3)
        snprintf(p->zVersion, sizeof p->zVersion, "%lld.%lld.%lld",
                 (long long)json_integer_value(json_array_get(ver, 0)),
                 (long long)json_integer_value(json_array_get(ver, 1)),
                 (long long)json_integer_value(json_array_get(ver, 2)));
    json_t *param = json_object_get(learner, "learner_model_param");
    long nFeature = xgb_json_int(json_object_get(param, "num_feature"));
    if (nFeature < 1 || nFeature > XGB_MAX_FEATURE) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "learner_model_param.num_feature is missing or invalid");
        goto done;
    }
    p->nFeature = (int)nFeature;
    long nClass = xgb_json_int(json_object_get(param, "num_class"));
    json_t *jTarget = json_object_get(param, "num_target");
    long nTarget = jTarget ? xgb_json_int(jTarget) : 1;
    if (nClass < 0 || nTarget < 1 || nClass > 100000 || nTarget > 100000) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "learner_model_param.num_class or num_target is invalid");
        goto done;
    }
    if (nClass > 0 && nTarget > 1) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "models with both several classes and several targets are "
                         "not supported");
        goto done;
    }
    p->nGroup = nClass > 0 ? (int)nClass : (int)nTarget;
    const char *zObj =
        json_string_value(json_object_get(json_object_get(learner, "objective"), "name"));
    if (!zObj) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model", "the model has no objective name");
        goto done;
    }
    int link = xgb_objective_link(zObj);
    if (link < 0) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "objective '%.40s' is not supported; keel explains binary:logistic, "
                         "reg:logistic, reg:squarederror, count:poisson and multi:softprob",
                         zObj);
        goto done;
    }
    p->link = (XgbLink)link;
    snprintf(p->zObjective, sizeof p->zObjective, "%s", zObj);
    if (p->link == XGB_LINK_SOFTMAX && nClass < 1) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model", "objective %s needs num_class", zObj);
        goto done;
    }
    p->aBaseMargin = calloc((size_t)p->nGroup, sizeof(double));
    double *aBase = calloc((size_t)p->nGroup, sizeof(double));
    if (!p->aBaseMargin || !aBase) {
        free(aBase);
        rc = KEEL_ENOMEM;
        goto done;
    }
    int nBase = 0;
    json_t *jBase = json_object_get(param, "base_score");
    if (!jBase || xgb_parse_base_score(jBase, aBase, p->nGroup, &nBase) ||
        (nBase != 1 && nBase != p->nGroup)) {
        free(aBase);
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "learner_model_param.base_score is missing or not a number "
                         "or a list of %d numbers",
                         p->nGroup);
        goto done;
    }
    for (int g = 0; g < p->nGroup; g++) {
        if (xgb_base_margin(p->link, aBase[nBase == 1 ? 0 : g], &p->aBaseMargin[g])) {
            free(aBase);
            rc = engine_fail(pErr, KEEL_EINVAL, "model",
                             "base_score is outside the domain of objective %s", zObj);
            goto done;
        }
    }
    free(aBase);
    rc = xgb_load_features(learner, p, pErr);
    if (rc) goto done;
    json_t *booster = json_object_get(learner, "gradient_booster");
    const char *zBooster = json_string_value(json_object_get(booster, "name"));
    if (!zBooster) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model", "the model has no gradient_booster name");
        goto done;
    }
    if (strcmp(zBooster, "gbtree") != 0) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "booster '%.20s' is not supported; keel explains gbtree models only "
                         "(dart and gblinear are refused)",
                         zBooster);
        goto done;
    }
    json_t *model = json_object_get(booster, "model");
    json_t *aTrees = json_object_get(model, "trees");
    json_t *aInfo = json_object_get(model, "tree_info");
    if (!json_is_array(aTrees) || !json_is_array(aInfo) ||
        json_array_size(aTrees) != json_array_size(aInfo)) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "the gbtree model needs 'trees' and 'tree_info' arrays of "
                         "the same length");
        goto done;
    }
    size_t nTree = json_array_size(aTrees);
    if (nTree > 10000000) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model", "the model has too many trees");
        goto done;
    }
    p->aTree = calloc(nTree ? nTree : 1, sizeof(XgbTree));
    if (!p->aTree) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < nTree; i++) {
        json_t *info = json_array_get(aInfo, i);
        if (!json_is_integer(info) || json_integer_value(info) < 0 ||
            json_integer_value(info) >= p->nGroup) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model", "tree_info[%zu] is not a group below %d",
                             i, p->nGroup);
            goto done;
        }
        p->aTree[i].iGroup = (int)json_integer_value(info);
        p->nTree = (int)i + 1;
        rc = xgb_tree_load(json_array_get(aTrees, i), (int)i, p->nFeature, &p->aTree[i], pErr);
        if (rc) goto done;
    }
done:
    if (rc) {
        xgb_model_free(p);
        p = NULL;
    }
    *ppModel = p;
    return rc;
}

void xgb_model_free(XgbModel *p) {
    if (!p) return;
    for (int i = 0; i < p->nTree; i++)
        free(p->aTree[i].aNode);
    free(p->aTree);
    if (p->azFeature)
        for (int i = 0; i < p->nFeature; i++)
            free(p->azFeature[i]);
    free(p->azFeature);
    free(p->aBaseMargin);
    free(p);
}

int xgb_tree_leaf(const XgbTree *t, const float *aX) {
    const XgbNode *a = t->aNode;
    int i = 0;
    while (a[i].iFeat >= 0) {
        float x = aX[a[i].iFeat];
        int left = isnan(x) ? a[i].bDefLeft : x < a[i].fSplit;
        i = left ? i + 1 : a[i].iRight;
    }
    return i;
}

void xgb_model_margin(const XgbModel *p, const float *aX, double *aMargin) {
    for (int g = 0; g < p->nGroup; g++)
        aMargin[g] = p->aBaseMargin[g];
    for (int k = 0; k < p->nTree; k++) {
        const XgbTree *t = &p->aTree[k];
        aMargin[t->iGroup] += t->aNode[xgb_tree_leaf(t, aX)].fSplit;
    }
}

void xgb_model_transform(const XgbModel *p, double *aMargin) {
    int n = p->nGroup;
    switch (p->link) {
    case XGB_LINK_IDENTITY: break;
    case XGB_LINK_LOGIT:
        for (int g = 0; g < n; g++)
            aMargin[g] = 1.0 / (1.0 + exp(-aMargin[g]));
        break;
    case XGB_LINK_LOG:
        for (int g = 0; g < n; g++)
            aMargin[g] = exp(aMargin[g]);
        break;
    case XGB_LINK_SOFTMAX: {
        double mx = aMargin[0], sum = 0;
        for (int g = 1; g < n; g++)
            if (aMargin[g] > mx) mx = aMargin[g];
        for (int g = 0; g < n; g++)
            sum += (aMargin[g] = exp(aMargin[g] - mx));
        for (int g = 0; g < n; g++)
            aMargin[g] /= sum;
        break;
    }
    }
}
