/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XGBoost tree ensembles read from XGBoost's JSON model format (what
 * `Booster.save_model("model.json")` writes; XGBoost 1.7, and the array form
 * of base_score that later versions write), and scored exactly as XGBoost
 * scores them: inputs are rounded to single precision, a split sends a row
 * left when its value is below the split condition, a missing value (NaN)
 * follows the node's default direction, a leaf's value is its
 * split_conditions entry. Supported: gbtree boosters with the objectives
 * binary:logistic, reg:logistic, reg:squarederror (and its old name
 * reg:linear), count:poisson and multi:softprob. Everything else (dart, gblinear,
 * categorical splits, vector leaves, other objectives) is refused with a
 * message that says so, never scored approximately. Pure: the model text
 * comes from memory. */
#ifndef KEEL_ENGINE_XGB_MODEL_H
#define KEEL_ENGINE_XGB_MODEL_H
#include "engine/engine_err.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How a margin becomes a prediction. */
typedef enum XgbLink {
    XGB_LINK_IDENTITY = 0, /* reg:squarederror */
    XGB_LINK_LOGIT = 1,    /* binary:logistic, reg:logistic: sigmoid */
    XGB_LINK_LOG = 2,      /* count:poisson: exp */
    XGB_LINK_SOFTMAX = 3,  /* multi:softprob: softmax over the groups */
} XgbLink;

/* One tree node, renumbered so that the root is 0. */
typedef struct XgbNode {
    int32_t iFeat;    /* split feature, or -1 for a leaf */
    int32_t iLeft;    /* left child (value < fSplit); -1 for a leaf */
    int32_t iRight;   /* right child; -1 for a leaf */
    float fSplit;     /* split condition, or the leaf's value */
    float fCover;     /* sum of hessians of the training rows here */
    uint8_t bDefLeft; /* 1: a missing value goes left */
} XgbNode;

typedef struct XgbTree {
    int iGroup;     /* output group (class) the tree adds to */
    int nNode;      /* nodes reachable from the root */
    int nLeaf;      /* leaves among them */
    int nDepth;     /* edges on the longest root-to-leaf path */
    XgbNode *aNode; /* nNode nodes in preorder: a node's left child is the
                     * next node (iLeft == own index + 1) */
} XgbTree;

typedef struct XgbModel {
    int nFeature;        /* num_feature: inputs the model expects */
    int nGroup;          /* outputs per row (classes for multi:*, else 1) */
    int nTree;           /* trees in aTree */
    XgbTree *aTree;      /* the trees, in boosting order */
    double *aBaseMargin; /* nGroup initial margins (base_score as margin) */
    XgbLink link;        /* margin -> prediction */
    char zObjective[32]; /* objective name as in the model */
    char zVersion[32];   /* XGBoost version that wrote it, "1.7.4" or "" */
    char **azFeature;    /* nFeature names from the model, or NULL when the
                          * model has none */
} XgbModel;

/* Parse the XGBoost JSON model held in n bytes at z (need not be
 * NUL-terminated) into *ppModel, which the caller frees with
 * xgb_model_free(). Returns 0; KEEL_EINVAL with a one-sentence reason in
 * *pErr (field "model") when the text is not a model keel can score exactly;
 * or KEEL_ENOMEM. *ppModel is NULL on error. */
int xgb_model_load(const char *z, size_t n, XgbModel **ppModel, EngineError *pErr);

/* The same from an already parsed document (borrowed, not kept). */
int xgb_model_from_json(const json_t *root, XgbModel **ppModel, EngineError *pErr);

/* Free a model from xgb_model_load (NULL is fine). */
void xgb_model_free(XgbModel *p);

/* The margin of one row: aX holds nFeature values (NaN = missing), already
 * rounded to float as XGBoost does; aMargin receives nGroup values. */
void xgb_model_margin(const XgbModel *p, const float *aX, double *aMargin);

/* Turn nGroup margins of one row into predictions in place (sigmoid, exp,
 * softmax or identity, per the model's objective). */
void xgb_model_transform(const XgbModel *p, double *aMargin);

/* Index of the leaf node that row aX reaches in tree t. */
int xgb_tree_leaf(const XgbTree *t, const float *aX);

#endif
