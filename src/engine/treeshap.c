/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exact TreeSHAP by per-leaf pattern tables (see treeshap.h for the idea,
 * docs/explain.md for the derivation). For a leaf with value v whose root
 * path has d distinct features, feature k's zero fraction z_k (the product
 * of cover(child)/cover(parent) over the path's edges that split on k) and
 * the set U of features whose every condition on the path the row meets,
 * the Shapley values of the leaf's game are
 *
 *   k in U:     v (1 - z_k) PZ(U) G(U \ {k})
 *   k not in U: -v PZ(U) G(U)
 *
 * with PZ(U) the product of z_j over j not in U and G(M) the sum over
 * S subset of M of w(|S|) times the product of z_j over j in M \ S, where
 * w(s) = s! (d - 1 - s)! / d!. G(M) = sum_s w(s) c_M[s], c_M the
 * coefficients of prod_{j in M} (z_j + t). Everything depends on the row
 * only through U, which a walk over the tree computes: a node's bit is
 * cleared on the branch the row does not take. Summing the leaves' values
 * over a tree gives the row's SHAP values for it (Lundberg et al. 2020,
 * Algorithm 2, reorganised as in Yang 2021 "Fast TreeSHAP" v2 and
 * GPUTreeShap's path view). The bottom of the tree is cut into blocks
 * (subtrees of height 1 or 2, see ShapBlock) whose leaves share one table
 * indexed by the pattern above the block and the branches taken inside it,
 * so the walk stops two levels early and adds one table row per block;
 * eight rows walk a tree together (their updates are independent);
 * work items are blocks of rows with trees as the outer loop, so a tree's
 * tables stay in cache. Phase 1 builds the tables in parallel over trees,
 * phase 2 explains blocks of rows in parallel. */
#include "engine/treeshap.h"
#include "engine/par.h"
#include <assert.h>
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREESHAP_TABLE_MAX_D 12 /* never tabulate leaves with more features */
/* Rows walked through a tree together (shap_lanes_add is written for 8). */
#define TREESHAP_LANES 8
/* Rows per work item, at most. */
#define TREESHAP_ROW_BLOCK 512
/* Target size in bytes of a work item's transposed sums. */
#define TREESHAP_BLOCK_BYTES (1 << 20)

typedef double ShapV2 __attribute__((vector_size(16))); /* two lanes' sums */

static size_t treeshap_table_budget = (size_t)256 << 20;

void treeshap_set_table_budget(size_t nByte) { treeshap_table_budget = nByte; }

/* A node as the row walk needs it (16 bytes). */
typedef struct ShapNode {
    int32_t iFeat;    /* split feature, -1 for a leaf */
    float fSplit;     /* split condition */
    int32_t iNext;    /* internal: right child (left is the next node);
                       * leaf: index of its ShapLeaf within the plan */
    uint8_t bDefLeft; /* 1: missing goes left */
    uint8_t iPos;     /* bit of iFeat in U on every path through here */
    uint8_t bBlock;   /* root of a block (a subtree of height 1 or 2 under
                       * a taller parent): the walk handles it here, whole,
                       * and does not descend */
} ShapNode;

/* What a leaf contributes, as a table over U or for the direct formula. */
typedef struct ShapLeaf {
    double v;       /* leaf value */
    int d;          /* distinct features on the root path */
    int32_t *aFeat; /* d features, by bit position */
    double *aZ;     /* d zero fractions, by bit position */
    double *aTab;   /* 2^d x d contributions indexed [U][k], or NULL (always
                     * NULL for a leaf inside a block) */
    int bInBlock;   /* 1: the leaf belongs to a block */
} ShapLeaf;

/* A block: the subtree of height 1 or 2 below a node whose parent is
 * taller (or the root). Its m internal nodes and m + 1 leaves are explained
 * together: the values of all its leaves depend only on P, the pattern of
 * the dn features above the block, and on which way the row goes at each
 * of the block's nodes. Its table holds, for every such combination, the
 * leaves' contributions summed into nSlot slots: the dn features above,
 * then each feature first met inside the block. */
typedef struct ShapBlock {
    int m;                /* internal nodes, 1 to 3, in preorder */
    int32_t aNode[3];     /* their indexes in the tree's node array */
    int iLeaf;            /* the first of its m + 1 leaves (consecutive) */
    int dn;               /* distinct features above the block */
    int nSlot;            /* dn + the features first met inside */
    int32_t *aSlotFeat;   /* nSlot features, one per slot (pool) */
    uint8_t aOnPath[4];   /* per leaf: bit b set when node b is on its path */
    uint8_t aLeft[4];     /* per leaf: bit b set when its path goes left at b */
    int8_t aSlotOf[4][3]; /* per leaf: the slot of its position dn + q */
    double aValue[8];     /* per dirs: the value of the leaf those directions
                           * reach (for the margin) */
    double *aTab;         /* 2^(dn + m) x nSlot: row (P << m) | dirs, dirs'
                           * bit b set when the row goes left at node b;
                           * or NULL (then the leaves are done one by one) */
} ShapBlock;

typedef struct ShapTree {
    int iGroup;         /* output group */
    int nDepth;         /* longest path (edges) */
    ShapNode *aNode;    /* preorder, like XgbTree */
    ShapLeaf *aLeaf;    /* leaves in preorder */
    int nBlock;         /* blocks */
    ShapBlock *aBlock;  /* blocks, in preorder of their roots */
    int32_t *aBlockOf;  /* per node: its block when it is a block's root */
    int32_t *aSlotPool; /* storage behind the blocks' aSlotFeat */
    double rBias;       /* expected value: sum over leaves of v * prod z */
} ShapTree;

/* Everything precomputed for one model and one call. */
typedef struct ShapPlan {
    /* the model explained (borrowed) */
    const XgbModel *m;
    /* trees prepared so far, and their prepared form */
    int nTree;
    ShapTree *aTree;
    /* storage behind every ShapLeaf.aFeat, .aZ and .aTab and every
     * ShapBlock.aSlotFeat */
    int32_t *aFeatPool;
    double *aZPool;
    double *aTabPool;
    /* Shapley weights: aW[d][s] = s! (d-1-s)! / d! */
    double aW[TREESHAP_MAX_PATH + 1][TREESHAP_MAX_PATH];
    /* deepest tree, for the walk's stack */
    int nMaxDepth;
    /* rows per work item, a multiple of TREESHAP_LANES */
    size_t nBlockRow;
    /* per group: base margin + the trees' expected values (the bias) */
    double *aBias;
} ShapPlan;

typedef struct ShapScratch ShapScratch;

/* Shared state of one treeshap_explain call's worker threads. */
typedef struct ShapJob {
    ShapPlan *plan;               /* the plan (phase 1 fills its tables) */
    const float *aX;              /* nRow x nFeature inputs, row-major */
    size_t nRow;                  /* rows to explain */
    double *aContrib;             /* output: nRow x nGroup x (nFeature + 1) */
    double *aMargin;              /* output: nRow x nGroup margins, or NULL */
    ShapScratch *aScratch;        /* one per thread slot (par_run) */
    atomic_size_t nDone;          /* rows explained so far (phase 2) */
    TreeShapProgressFn xProgress; /* progress callback, or NULL (called from
                                   * the calling thread, slot 0, only) */
    void *pProgressArg;           /* its argument */
} ShapJob;

/* Shapley weights w_d(s) = s! (d-1-s)! / d! = 1 / (d * C(d-1, s)). */
static void shap_weights_init(ShapPlan *p) {
    for (int d = 1; d <= TREESHAP_MAX_PATH; d++) {
        double c = 1; /* C(d-1, s) */
        for (int s = 0; s < d; s++) {
            p->aW[d][s] = 1.0 / (d * c);
            c = c * (d - 1 - s) / (s + 1);
        }
    }
}

/* Find the blocks of tree t (see ShapBlock) and describe them in st.
 * aNuAt[i] is the number of distinct features above node i. Needs the
 * nodes' and leaves' prepared form. */
static int shap_tree_blocks(ShapTree *st, const XgbTree *t, const int32_t *aNuAt) {
    int n = t->nNode, rc = 0;
    int32_t *aH = malloc(sizeof(int32_t) * (size_t)n);      /* height */
    int32_t *aSize = malloc(sizeof(int32_t) * (size_t)n);   /* subtree size */
    int32_t *aLeafAt = malloc(sizeof(int32_t) * (size_t)n); /* leaves before node */
    int32_t *aParent = malloc(sizeof(int32_t) * (size_t)n);
    st->aBlockOf = malloc(sizeof(int32_t) * (size_t)n);
    st->aBlock = calloc((size_t)t->nLeaf, sizeof(ShapBlock));
    st->aSlotPool = malloc(sizeof(int32_t) * (size_t)t->nLeaf * (TREESHAP_MAX_PATH + 3));
    if (!aH || !aSize || !aLeafAt || !aParent || !st->aBlockOf || !st->aBlock || !st->aSlotPool) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (int i = n - 1; i >= 0; i--) {
        const XgbNode *x = &t->aNode[i];
        st->aBlockOf[i] = -1;
        if (x->iFeat < 0) {
            aH[i] = 0;
            aSize[i] = 1;
        } else {
            aH[i] = 1 + (aH[i + 1] > aH[x->iRight] ? aH[i + 1] : aH[x->iRight]);
            aSize[i] = 1 + aSize[i + 1] + aSize[x->iRight];
        }
    }
    aParent[0] = -1;
    for (int i = 0, nL = 0; i < n; i++) {
        aLeafAt[i] = nL;
        nL += t->aNode[i].iFeat < 0;
        if (t->aNode[i].iFeat >= 0) aParent[i + 1] = aParent[t->aNode[i].iRight] = i;
    }
    int32_t *pSlot = st->aSlotPool;
    st->nBlock = 0;
    for (int i = 0; i < n; i++) {
        const XgbNode *x = &t->aNode[i];
        if (x->iFeat < 0 || aH[i] > 2 || (aParent[i] >= 0 && aH[aParent[i]] <= 2)) continue;
        ShapBlock *b = &st->aBlock[st->nBlock];
        st->aBlockOf[i] = st->nBlock++;
        st->aNode[i].bBlock = 1;
        b->dn = aNuAt[i];
        b->iLeaf = aLeafAt[i];
        b->m = 0;
        b->aSlotFeat = pSlot;
        const ShapLeaf *l0 = &st->aLeaf[b->iLeaf];
        for (int q = 0; q < b->dn; q++)
            b->aSlotFeat[q] = l0->aFeat[q];
        b->nSlot = b->dn;
        int8_t aSlotOfNode[3];
        for (int j = i; j < i + aSize[i]; j++) {
            if (t->aNode[j].iFeat < 0) continue;
            int bi = b->m++;
            b->aNode[bi] = j;
            aSlotOfNode[bi] = -1;
            if (st->aNode[j].iPos == aNuAt[j] && aNuAt[j] >= b->dn) { /* first met here */
                aSlotOfNode[bi] = (int8_t)b->nSlot;
                b->aSlotFeat[b->nSlot++] = t->aNode[j].iFeat;
            }
        }
        pSlot += b->nSlot;
        for (int li = 0; li <= b->m; li++) {
            st->aLeaf[b->iLeaf + li].bInBlock = 1;
            int leafNode = -1;
            for (int j = i, c = 0; j < i + aSize[i]; j++)
                if (t->aNode[j].iFeat < 0 && c++ == li) leafNode = j;
            b->aOnPath[li] = b->aLeft[li] = 0;
            for (int bi = 0; bi < b->m; bi++) {
                int j = b->aNode[bi];
                if (leafNode <= j || leafNode >= j + aSize[j]) continue;
                b->aOnPath[li] |= (uint8_t)(1 << bi);
                if (leafNode < j + 1 + aSize[j + 1]) b->aLeft[li] |= (uint8_t)(1 << bi);
            }
            for (int q = 0; q < 3; q++)
                b->aSlotOf[li][q] = -1;
            for (unsigned dirs = 0; dirs < 8; dirs++)
                if (((dirs ^ b->aLeft[li]) & b->aOnPath[li]) == 0)
                    b->aValue[dirs] = st->aLeaf[b->iLeaf + li].v;
            for (int bi = 0; bi < b->m; bi++)
                if ((b->aOnPath[li] >> bi & 1) && aSlotOfNode[bi] >= 0)
                    b->aSlotOf[li][st->aNode[b->aNode[bi]].iPos - b->dn] = aSlotOfNode[bi];
        }
    }
done:
    free(aH);
    free(aSize);
    free(aLeafAt);
    free(aParent);
    return rc;
}

/* Build the plan's view of tree iTree into st: bit positions, the leaves'
 * features and zero fractions (carved from *ppFeat and *ppZ, which advance)
 * and the bias. Tables are assigned later by shap_plan_tables. Nodes come
 * in preorder, so per-depth arrays hold exactly the current node's
 * ancestors (the classic TreeSHAP path argument). */
static int shap_tree_prepare(ShapPlan *p, int iTree, ShapTree *st, int32_t **ppFeat, double **ppZ,
                             EngineError *pErr) {
    const XgbTree *t = &p->m->aTree[iTree];
    int rc = 0;
    int nD = t->nDepth + 1;
    int32_t *aDepth = malloc(sizeof(int32_t) * (size_t)t->nNode);
    int32_t *aNuAt = malloc(sizeof(int32_t) * (size_t)t->nNode); /* distinct above node */
    int32_t *aAnc = malloc(sizeof(int32_t) * (size_t)nD);        /* ancestor at depth */
    int *aNU = malloc(sizeof(int) * (size_t)nD);                 /* distinct before depth */
    int32_t aFeatAt[TREESHAP_MAX_PATH];                          /* feature at bit */
    st->aNode = malloc(sizeof(ShapNode) * (size_t)t->nNode);
    st->aLeaf = calloc((size_t)t->nLeaf, sizeof(ShapLeaf));
    if (!aDepth || !aNuAt || !aAnc || !aNU || !st->aNode || !st->aLeaf) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    st->iGroup = t->iGroup;
    st->nDepth = t->nDepth;
    st->rBias = 0;
    aDepth[0] = 0;
    aNU[0] = 0;
    int nLeaf = 0;
    for (int i = 0; i < t->nNode; i++) {
        const XgbNode *x = &t->aNode[i];
        ShapNode *s = &st->aNode[i];
        int k = aDepth[i];
        aAnc[k] = i;
        aNuAt[i] = aNU[k];
        s->iFeat = x->iFeat;
        s->fSplit = x->fSplit;
        s->bDefLeft = x->bDefLeft;
        s->iPos = 0;
        s->bBlock = 0;
        if (x->iFeat >= 0) {
            if (!(x->fCover > 0)) {
                rc = engine_fail(
                    pErr, KEEL_EINVAL, "model",
                    "tree %d has a split node with zero cover (sum_hessian); SHAP values "
                    "are undefined for it",
                    iTree);
                goto done;
            }
            int nu = aNU[k], pos = 0;
            while (pos < nu && aFeatAt[pos] != x->iFeat)
                pos++;
            if (pos == nu) {
                if (nu == TREESHAP_MAX_PATH) {
                    rc = engine_fail(pErr, KEEL_EINVAL, "model",
                                     "tree %d has a path with more than %d distinct features; keel "
                                     "cannot explain it",
                                     iTree, TREESHAP_MAX_PATH);
                    goto done;
                }
                aFeatAt[nu++] = x->iFeat;
            }
            s->iPos = (uint8_t)pos;
            s->iNext = x->iRight;
            aDepth[i + 1] = aDepth[x->iRight] = k + 1;
            aNU[k + 1] = nu;
            continue;
        }
        /* A leaf: features by position, zero fractions from the edges. */
        ShapLeaf *l = &st->aLeaf[nLeaf];
        s->iNext = nLeaf++;
        l->v = x->fSplit;
        l->d = aNU[k];
        l->aFeat = *ppFeat;
        l->aZ = *ppZ;
        *ppFeat += l->d;
        *ppZ += l->d;
        for (int j = 0; j < l->d; j++) {
            l->aFeat[j] = aFeatAt[j];
            l->aZ[j] = 1.0;
        }
        for (int j = 0; j < k; j++) {
            const XgbNode *a = &t->aNode[aAnc[j]];
            int child = j + 1 < k ? aAnc[j + 1] : i;
            l->aZ[st->aNode[aAnc[j]].iPos] *= (double)t->aNode[child].fCover / a->fCover;
        }
        double pz = l->v;
        for (int j = 0; j < l->d; j++)
            pz *= l->aZ[j];
        st->rBias += pz;
    }
    rc = shap_tree_blocks(st, t, aNuAt);
done:
    free(aNuAt);
    free(aDepth);
    free(aAnc);
    free(aNU);
    return rc;
}

/* Fill leaf l's table aTab: aTab[U * d + k] is the contribution to the
 * feature at bit k when the row meets the conditions of the features in U,
 * for every U below 2^d (a row's d values share a cache line or two). aC
 * is scratch for 2^d x (d + 3) doubles. */
static void shap_leaf_tabulate(const ShapPlan *p, const ShapLeaf *l, double *aTab, double *aC) {
    int d = l->d;
    size_t nMask = (size_t)1 << d, full = nMask - 1;
    const double *w = p->aW[d];
    double *aG = aC + nMask * (size_t)(d + 1); /* v G(M) */
    double *aQ = aG + nMask;                   /* prod z over M */
    /* c_M by adding M's lowest feature to M without it. */
    aC[0] = 1;
    aQ[0] = 1;
    for (size_t m = 1; m < nMask; m++) {
        int low = __builtin_ctzll(m);
        size_t prev = m & (m - 1);
        int np = __builtin_popcountll(prev);
        const double *cp = aC + prev * (size_t)(d + 1);
        double *c = aC + m * (size_t)(d + 1);
        double z = l->aZ[low];
        c[0] = z * cp[0];
        for (int s = 1; s <= np; s++)
            c[s] = z * cp[s] + cp[s - 1];
        c[np + 1] = cp[np];
        aQ[m] = aQ[prev] * z;
    }
    for (size_t m = 0; m < nMask; m++) {
        int nm = __builtin_popcountll(m);
        double g = 0;
        if (nm < d) {
            const double *c = aC + m * (size_t)(d + 1);
            for (int s = 0; s <= nm; s++)
                g += w[s] * c[s];
        }
        aG[m] = l->v * g;
    }
    /* PZ(U) = Q[full & ~U], kept in aC (no longer needed). */
    double *aPZ = aC;
    for (size_t u = 0; u < nMask; u++)
        aPZ[u] = aQ[full & ~u];
    for (size_t u = 0; u < nMask; u++) {
        double *row = aTab + u * (size_t)d;
        for (int k = 0; k < d; k++) {
            size_t bit = (size_t)1 << k;
            row[k] = (u & bit) ? (1 - l->aZ[k]) * aPZ[u] * aG[u ^ bit] : -aPZ[u] * aG[u];
        }
    }
}

/* The low d bits set (all 64 for d = 64). */
static inline uint64_t shap_mask(int d) {
    return d >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << d) - 1);
}

/* The pattern U of leaf li of block b for the pattern P above the block
 * (low dn bits) and the directions dirs taken at the block's nodes: the
 * leaf's own positions beyond dn start satisfied, and a node on its path
 * that the row leaves the other way clears its feature's bit. */
static inline uint64_t shap_block_leaf_u(const ShapTree *st, const ShapBlock *b, int li, uint64_t P,
                                         unsigned dirs) {
    int d = st->aLeaf[b->iLeaf + li].d;
    uint64_t u = P | (shap_mask(d) & ~shap_mask(b->dn));
    unsigned miss = (dirs ^ b->aLeft[li]) & b->aOnPath[li];
    for (int bi = 0; bi < b->m; bi++)
        if (miss >> bi & 1) u &= ~((uint64_t)1 << st->aNode[b->aNode[bi]].iPos);
    return u;
}

/* Fill block b's table from its leaves' tables, built in aLT (m + 1 tables
 * of nLT doubles each) with aC as their scratch: row (P << m) | dirs sums,
 * slot by slot, every leaf's values for the pattern it then has. */
static void shap_block_tabulate(const ShapPlan *p, const ShapTree *st, ShapBlock *b, double *aLT,
                                size_t nLT, double *aC) {
    int m = b->m, ns = b->nSlot;
    for (int li = 0; li <= m; li++)
        shap_leaf_tabulate(p, &st->aLeaf[b->iLeaf + li], aLT + (size_t)li * nLT, aC);
    size_t nP = (size_t)1 << b->dn;
    for (size_t P = 0; P < nP; P++)
        for (unsigned dirs = 0; dirs < (1u << m); dirs++) {
            double *out = b->aTab + ((P << m) | dirs) * (size_t)ns;
            for (int k = 0; k < ns; k++)
                out[k] = 0;
            for (int li = 0; li <= m; li++) {
                int d = st->aLeaf[b->iLeaf + li].d;
                uint64_t u = shap_block_leaf_u(st, b, li, P, dirs);
                const double *row = aLT + (size_t)li * nLT + u * (size_t)d;
                for (int k = 0; k < d; k++)
                    out[k < b->dn ? k : b->aSlotOf[li][k - b->dn]] += row[k];
            }
        }
}

/* Add leaf l's contributions for pattern u (d low bits) by the direct
 * formula, O(d^2): feature f's sum is phi[f * stride]. */
static void shap_leaf_direct(const ShapPlan *p, const ShapLeaf *l, uint64_t u, double *phi,
                             size_t stride) {
    int d = l->d;
    double c[TREESHAP_MAX_PATH + 1], cq[TREESHAP_MAX_PATH + 1];
    const double *w = p->aW[d];
    int m = 0;
    double pz = l->v;
    c[0] = 1;
    for (int k = 0; k < d; k++) {
        double z = l->aZ[k];
        if (!(u >> k & 1)) {
            pz *= z;
            continue;
        }
        c[m + 1] = c[m];
        for (int s = m; s > 0; s--)
            c[s] = z * c[s] + c[s - 1];
        c[0] *= z;
        m++;
    }
    if (m < d) {
        double g = 0;
        for (int s = 0; s <= m; s++)
            g += w[s] * c[s];
        double out = -pz * g;
        for (int k = 0; k < d; k++)
            if (!(u >> k & 1)) phi[(size_t)l->aFeat[k] * stride] += out;
    }
    for (int k = 0; k < d; k++) {
        if (!(u >> k & 1)) continue;
        /* Divide c by (z_k + t), top down (stable for z_k <= 1). */
        double z = l->aZ[k], g = 0;
        cq[m - 1] = c[m];
        for (int s = m - 1; s > 0; s--)
            cq[s - 1] = c[s] - z * cq[s];
        for (int s = 0; s < m; s++)
            g += w[s] * cq[s];
        phi[(size_t)l->aFeat[k] * stride] += pz * (1 - z) * g;
    }
}

/* Add d table rows (p0..p7, one per lane) to the lanes' transposed sums
 * of the features f[0..d). Written out for 8 lanes so that the row pointers
 * stay in registers; two lanes per vector add. */
static inline void shap_lanes_add(double *aPhiT, const int32_t *f, int d, const double *p0,
                                  const double *p1, const double *p2, const double *p3,
                                  const double *p4, const double *p5, const double *p6,
                                  const double *p7) {
    for (int k = 0; k < d; k++) {
        ShapV2 *b = (ShapV2 *)(aPhiT + (size_t)f[k] * TREESHAP_LANES);
        b[0] += (ShapV2){p0[k], p1[k]};
        b[1] += (ShapV2){p2[k], p3[k]};
        b[2] += (ShapV2){p4[k], p5[k]};
        b[3] += (ShapV2){p6[k], p7[k]};
    }
}

/* Add table rows aIdx[r] of table t (d values each) for every lane. */
static inline void shap_lanes_table(double *aPhiT, const int32_t *f, int d, const double *t,
                                    const uint64_t *aIdx) {
    size_t n = (size_t)d;
    shap_lanes_add(aPhiT, f, d, t + aIdx[0] * n, t + aIdx[1] * n, t + aIdx[2] * n, t + aIdx[3] * n,
                   t + aIdx[4] * n, t + aIdx[5] * n, t + aIdx[6] * n, t + aIdx[7] * n);
}

/* Explain TREESHAP_LANES rows at once against tree st. The walk visits
 * every node whatever the rows (TreeSHAP needs all leaves), so the lanes
 * move in lockstep and only their patterns U differ; a leaf's additions
 * for the lanes go to adjacent sums, two at a time. A node whose children
 * are both leaves is handled as one pair with one table row per lane. aXc
 * holds the rows transposed (nFeature x TREESHAP_LANES floats); aPhiT the
 * lanes' sums for this tree's group, transposed ((nFeature + 1) x
 * TREESHAP_LANES, 16-byte aligned). aStackU and aStackI hold nDepth + 1
 * levels. */
static void shap_tree_lanes(const ShapPlan *p, const ShapTree *st, const float *aXc, double *aPhiT,
                            double *aMarg, uint64_t *aStackU, int32_t *aStackI) {
    const ShapNode *a = st->aNode;
    uint64_t u[TREESHAP_LANES];
    double mg[TREESHAP_LANES] = {0}; /* the lanes' leaf values */
    int i = 0, sp = 0;
    for (int r = 0; r < TREESHAP_LANES; r++)
        u[r] = ~(uint64_t)0;
    for (;;) {
        const ShapNode *n = &a[i];
        if (n->iFeat >= 0 && !n->bBlock) {
            const float *xc = aXc + (size_t)n->iFeat * TREESHAP_LANES;
            uint64_t bit = (uint64_t)1 << n->iPos;
            float thr = n->fSplit;
            int def = n->bDefLeft;
            uint64_t *push = aStackU + (size_t)sp * TREESHAP_LANES;
            for (int r = 0; r < TREESHAP_LANES; r++) {
                float x = xc[r];
                uint64_t left = (uint64_t)((x < thr) | (def & (x != x)));
                uint64_t keep = u[r], off = keep & ~bit;
                /* left: the left branch keeps U, the right loses the bit */
                uint64_t mask = (uint64_t)0 - left; /* all ones when left */
                push[r] = (off & mask) | (keep & ~mask);
                u[r] = (keep & mask) | (off & ~mask);
            }
            aStackI[sp++] = n->iNext;
            i++;
            continue;
        }
        if (n->iFeat >= 0) {
            /* A block: the directions at its nodes, then one table row. */
            const ShapBlock *b = &st->aBlock[st->aBlockOf[i]];
            uint64_t mdn = shap_mask(b->dn), aIdx[TREESHAP_LANES];
            unsigned aDir[TREESHAP_LANES] = {0};
            for (int bi = 0; bi < b->m; bi++) {
                const ShapNode *bn = &a[b->aNode[bi]];
                const float *xc = aXc + (size_t)bn->iFeat * TREESHAP_LANES;
                float thr = bn->fSplit;
                int def = bn->bDefLeft;
                for (int r = 0; r < TREESHAP_LANES; r++) {
                    float x = xc[r];
                    aDir[r] |= (unsigned)((x < thr) | (def & (x != x))) << bi;
                }
            }
            for (int r = 0; r < TREESHAP_LANES; r++) /* the row ends in this block */
                mg[r] += (u[r] & mdn) == mdn ? b->aValue[aDir[r]] : 0.0;
            if (b->aTab) {
                for (int r = 0; r < TREESHAP_LANES; r++)
                    aIdx[r] = ((u[r] & mdn) << b->m) | aDir[r];
                shap_lanes_table(aPhiT, b->aSlotFeat, b->nSlot, b->aTab, aIdx);
            } else {
                for (int r = 0; r < TREESHAP_LANES; r++)
                    for (int li = 0; li <= b->m; li++) {
                        const ShapLeaf *l = &st->aLeaf[b->iLeaf + li];
                        uint64_t uu = shap_block_leaf_u(st, b, li, u[r] & mdn, aDir[r]);
                        shap_leaf_direct(p, l, uu, aPhiT + r, TREESHAP_LANES);
                    }
            }
        } else {
            const ShapLeaf *l = &st->aLeaf[n->iNext];
            int d = l->d;
            uint64_t full = d == 64 ? ~(uint64_t)0 : (((uint64_t)1 << d) - 1);
            uint64_t uu[TREESHAP_LANES];
            for (int r = 0; r < TREESHAP_LANES; r++) {
                uu[r] = u[r] & full;
                mg[r] += uu[r] == full ? l->v : 0.0;
            }
            if (l->aTab) {
                shap_lanes_table(aPhiT, l->aFeat, d, l->aTab, uu);
            } else if (d) {
                for (int r = 0; r < TREESHAP_LANES; r++)
                    shap_leaf_direct(p, l, uu[r], aPhiT + r, TREESHAP_LANES);
            }
        }
        if (!sp) break;
        sp--;
        i = aStackI[sp];
        memcpy(u, aStackU + (size_t)sp * TREESHAP_LANES, sizeof u);
    }
    for (int r = 0; r < TREESHAP_LANES; r++)
        aMarg[r] += mg[r];
}

/* Scratch doubles that tabulating a block (or a leaf) with leaves of at
 * most d distinct features needs: shap_leaf_tabulate's, then four leaf
 * tables. */
static size_t shap_scratch_size(int d) {
    return ((size_t)1 << d) * ((size_t)d + 3 + 4 * (size_t)d);
}

/* Phase 1 work: tabulate every tabled leaf and block of tree t; *paC is
 * scratch grown to the largest d seen so far (*pnMax). */
static int shap_job_tables(ShapJob *job, double **paC, int *pnMax, int t) {
    ShapTree *st = &job->plan->aTree[t];
    const XgbTree *xt = &job->plan->m->aTree[t];
    for (int j = 0; j < xt->nLeaf + st->nBlock; j++) {
        ShapLeaf *l = j < xt->nLeaf ? &st->aLeaf[j] : NULL;
        ShapBlock *b = l ? NULL : &st->aBlock[j - xt->nLeaf];
        if (l ? !l->aTab : !b->aTab) continue;
        int d = 0;
        if (l)
            d = l->d;
        else
            for (int li = 0; li <= b->m; li++)
                if (st->aLeaf[b->iLeaf + li].d > d) d = st->aLeaf[b->iLeaf + li].d;
        if (d > *pnMax) {
            free(*paC);
            *paC = malloc(sizeof(double) * shap_scratch_size(d));
            if (!*paC) {
                *pnMax = 0;
                return KEEL_ENOMEM;
            }
            *pnMax = d;
        }
        if (l) {
            shap_leaf_tabulate(job->plan, l, l->aTab, *paC);
        } else {
            size_t nLT = ((size_t)1 << d) * (size_t)d;
            shap_block_tabulate(job->plan, st, b, *paC + ((size_t)1 << d) * ((size_t)d + 3), nLT,
                                *paC);
        }
    }
    return 0;
}

/* Per-thread scratch, allocated on a slot's first job: phase 1's
 * coefficients, phase 2's stacks and blocks. */
struct ShapScratch {
    double *aC; /* phase 1: nMaxC coefficients */
    int nMaxC;
    uint64_t *aStackU; /* (nMaxDepth + 1) x TREESHAP_LANES */
    int32_t *aStackI;  /* nMaxDepth + 1 */
    float *aXc;        /* a block's lane groups, transposed:
                        * [group of lanes][feature][lane] */
    double *aPhiT;     /* a block's sums, transposed:
                        * [group of lanes][output][feature + 1][lane] */
    double *aMarg;     /* a block's margins: [row][output] */
};

/* Phase 2 work: rows [r0, r1) (at most p->nBlockRow), every tree,
 * contributions and margins. Trees are the outer loop so that a tree's
 * tables are fetched once per block of rows, not once per row; within a
 * tree the rows go through in groups of TREESHAP_LANES (the last group
 * padded with copies of the last row, whose results are dropped). */
static void shap_job_rows(ShapJob *job, size_t r0, size_t r1, ShapScratch *s) {
    const ShapPlan *p = job->plan;
    const XgbModel *m = p->m;
    size_t nF = (size_t)m->nFeature, nG = (size_t)m->nGroup;
    size_t stride = nG * (nF + 1), nRow = r1 - r0;
    size_t nQ = (nRow + TREESHAP_LANES - 1) / TREESHAP_LANES;
    const size_t L = TREESHAP_LANES;
    memset(s->aPhiT, 0, sizeof(double) * nQ * stride * L);
    for (size_t row = 0; row < nRow; row++)
        for (size_t g = 0; g < nG; g++)
            s->aMarg[row * nG + g] = m->aBaseMargin[g];
    for (size_t q = 0; q < nQ; q++) {
        for (size_t r = 0; r < L; r++) {
            size_t row = q * L + r;
            const float *x = job->aX + (r0 + (row < nRow ? row : nRow - 1)) * nF;
            float *xc = s->aXc + q * nF * L + r;
            for (size_t k = 0; k < nF; k++)
                xc[k * L] = x[k];
        }
    }
    for (int t = 0; t < p->nTree; t++) {
        const ShapTree *st = &p->aTree[t];
        size_t g = (size_t)st->iGroup;
        for (size_t q = 0; q < nQ; q++) {
            double aM[TREESHAP_LANES] = {0};
            shap_tree_lanes(p, st, s->aXc + q * nF * L, s->aPhiT + (q * nG + g) * (nF + 1) * L, aM,
                            s->aStackU, s->aStackI);
            for (size_t r = 0; r < L && q * L + r < nRow; r++)
                s->aMarg[(q * L + r) * nG + g] += aM[r];
        }
    }
    /* Back to row-major, with the bias: base margin plus the trees' expected values. */
    for (size_t row = 0; row < nRow; row++) {
        size_t q = row / L, r = row % L;
        double *out = job->aContrib + (r0 + row) * stride;
        for (size_t g = 0; g < nG; g++) {
            const double *t = s->aPhiT + (q * nG + g) * (nF + 1) * L + r;
            for (size_t k = 0; k < nF; k++)
                out[g * (nF + 1) + k] = t[k * L];
            out[g * (nF + 1) + nF] = p->aBias[g];
            if (job->aMargin) job->aMargin[(r0 + row) * nG + g] = s->aMarg[row * nG + g];
        }
    }
}

/* par_run job of phase 1: the tables of tree t. */
static int shap_tables_job(void *arg, size_t t, int iThread) {
    ShapJob *job = arg;
    ShapScratch *s = &job->aScratch[iThread];
    return shap_job_tables(job, &s->aC, &s->nMaxC, (int)t);
}

/* par_run job of phase 2: row block b, with the slot's scratch. */
static int shap_rows_job(void *arg, size_t b, int iThread) {
    ShapJob *job = arg;
    const ShapPlan *p = job->plan;
    ShapScratch *s = &job->aScratch[iThread];
    if (!s->aStackU) {
        size_t nF = (size_t)p->m->nFeature, nG = (size_t)p->m->nGroup;
        size_t nQ = p->nBlockRow / TREESHAP_LANES;
        s->aStackU = malloc(sizeof(uint64_t) * (size_t)(p->nMaxDepth + 1) * TREESHAP_LANES);
        s->aStackI = malloc(sizeof(int32_t) * (size_t)(p->nMaxDepth + 1));
        s->aXc = malloc(sizeof(float) * nQ * TREESHAP_LANES * nF);
        s->aPhiT = aligned_alloc(64, sizeof(double) * nQ * TREESHAP_LANES * nG * (nF + 1));
        s->aMarg = malloc(sizeof(double) * nQ * TREESHAP_LANES * nG);
    }
    if (!s->aStackU || !s->aStackI || !s->aXc || !s->aPhiT || !s->aMarg) return KEEL_ENOMEM;
    size_t r0 = b * p->nBlockRow;
    size_t r1 = r0 + p->nBlockRow < job->nRow ? r0 + p->nBlockRow : job->nRow;
    shap_job_rows(job, r0, r1, s);
    size_t nDone = atomic_fetch_add(&job->nDone, r1 - r0) + (r1 - r0);
    if (job->xProgress && iThread == 0) job->xProgress(job->pProgressArg, nDone, job->nRow);
    return 0;
}

/* Free every slot's scratch. */
static void shap_scratch_free(ShapScratch *a, int n) {
    for (int i = 0; i < n; i++) {
        free(a[i].aC);
        free(a[i].aStackU);
        free(a[i].aStackI);
        free(a[i].aXc);
        free(a[i].aPhiT);
        free(a[i].aMarg);
    }
}

/* Free the plan's storage (not the plan struct's model). */
static void shap_plan_clear(ShapPlan *p) {
    if (p->aTree)
        for (int t = 0; t < p->nTree; t++) {
            free(p->aTree[t].aNode);
            free(p->aTree[t].aLeaf);
            free(p->aTree[t].aBlock);
            free(p->aTree[t].aBlockOf);
            free(p->aTree[t].aSlotPool);
        }
    free(p->aTree);
    free(p->aFeatPool);
    free(p->aZPool);
    free(p->aTabPool);
    free(p->aBias);
}

/* Decide which leaves get tables (within the budget, and only where rows
 * repay the cost), and point them into one pool. */
static int shap_plan_tables(ShapPlan *p, size_t nRow) {
    size_t aBytes[TREESHAP_TABLE_MAX_D + 1] = {0}; /* bytes of tables by index bits */
    for (int pass = 0; pass < 2; pass++) {
        int maxD = TREESHAP_TABLE_MAX_D;
        if (pass == 1) {
            size_t total = 0;
            for (int d = 1; d <= maxD; d++)
                total += aBytes[d];
            while (maxD > 0 && total > treeshap_table_budget)
                total -= aBytes[maxD--];
            if (total == 0) return 0;
            p->aTabPool = malloc(total);
            if (!p->aTabPool) return KEEL_ENOMEM;
        }
        double *q = p->aTabPool;
        for (int t = 0; t < p->nTree; t++) {
            ShapTree *st = &p->aTree[t];
            int nLeaf = p->m->aTree[t].nLeaf;
            for (int j = 0; j < nLeaf + st->nBlock; j++) {
                ShapLeaf *l = j < nLeaf ? &st->aLeaf[j] : NULL;
                ShapBlock *b = l ? NULL : &st->aBlock[j - nLeaf];
                if (l && l->bInBlock) continue;
                /* index bits and values per row of the table */
                int bits = l ? l->d : b->dn + b->m, nv = l ? l->d : b->nSlot;
                if (bits < 1 || nv < 1 || bits > maxD || ((size_t)1 << bits) > nRow * (size_t)nv)
                    continue;
                size_t n = ((size_t)1 << bits) * (size_t)nv;
                if (pass == 0) {
                    aBytes[bits] += sizeof(double) * n;
                } else {
                    if (l)
                        l->aTab = q;
                    else
                        b->aTab = q;
                    q += n;
                }
            }
        }
    }
    return 0;
}

int treeshap_explain(const XgbModel *m, const float *aX, size_t nRow, int nThread, double *aContrib,
                     double *aMargin, EngineError *pErr) {
    return treeshap_explain_progress(m, aX, nRow, nThread, aContrib, aMargin, NULL, NULL, pErr);
}

int treeshap_explain_progress(const XgbModel *m, const float *aX, size_t nRow, int nThread,
                              double *aContrib, double *aMargin, TreeShapProgressFn xProgress,
                              void *pProgressArg, EngineError *pErr) {
    assert(m && aContrib && (aX || nRow == 0)); /* aMargin may be NULL */
    int rc = 0;
    ShapPlan *p = calloc(1, sizeof *p);
    if (!p) return KEEL_ENOMEM;
    engine_err_clear(pErr);
    nThread = par_threads(nThread, PAR_MAX_THREAD);
    ShapScratch aScratch[PAR_MAX_THREAD] = {{0}};
    p->m = m;
    shap_weights_init(p);
    size_t nPath = 0;
    for (int t = 0; t < m->nTree; t++) {
        nPath += (size_t)m->aTree[t].nLeaf * (size_t)(m->aTree[t].nDepth < TREESHAP_MAX_PATH
                                                          ? m->aTree[t].nDepth
                                                          : TREESHAP_MAX_PATH);
        if (m->aTree[t].nDepth > p->nMaxDepth) p->nMaxDepth = m->aTree[t].nDepth;
    }
    p->aTree = calloc(m->nTree > 0 ? (size_t)(unsigned)m->nTree : 1, sizeof(ShapTree));
    p->aFeatPool = malloc(sizeof(int32_t) * (nPath ? nPath : 1));
    p->aZPool = malloc(sizeof(double) * (nPath ? nPath : 1));
    if (!p->aTree || !p->aFeatPool || !p->aZPool) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    int32_t *pFeat = p->aFeatPool;
    double *pZ = p->aZPool;
    for (int t = 0; t < m->nTree; t++) {
        p->nTree = t + 1;
        rc = shap_tree_prepare(p, t, &p->aTree[t], &pFeat, &pZ, pErr);
        if (rc) goto done;
    }
    rc = shap_plan_tables(p, nRow);
    if (rc) goto done;
    p->aBias = malloc(sizeof(double) * (size_t)m->nGroup);
    if (!p->aBias) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (int g = 0; g < m->nGroup; g++)
        p->aBias[g] = m->aBaseMargin[g];
    for (int t = 0; t < m->nTree; t++)
        p->aBias[p->aTree[t].iGroup] += p->aTree[t].rBias;
    size_t nRowBytes = sizeof(double) * (size_t)m->nGroup * ((size_t)m->nFeature + 1);
    p->nBlockRow = TREESHAP_BLOCK_BYTES / nRowBytes / TREESHAP_LANES * TREESHAP_LANES;
    if (p->nBlockRow > TREESHAP_ROW_BLOCK) p->nBlockRow = TREESHAP_ROW_BLOCK;
    if (p->nBlockRow < TREESHAP_LANES) p->nBlockRow = TREESHAP_LANES;
    /* Enough blocks to keep every thread busy. */
    while (p->nBlockRow > TREESHAP_LANES &&
           (nRow + p->nBlockRow - 1) / p->nBlockRow < (size_t)nThread * 4)
        p->nBlockRow -= TREESHAP_LANES;
    ShapJob job = {.plan = p,
                   .aX = aX,
                   .nRow = nRow,
                   .aContrib = aContrib,
                   .aMargin = aMargin,
                   .aScratch = aScratch,
                   .xProgress = xProgress,
                   .pProgressArg = pProgressArg};
    atomic_init(&job.nDone, 0);
    if (p->aTabPool) {
        rc = par_run((size_t)p->nTree, nThread, shap_tables_job, &job);
        if (rc) goto done;
    }
    size_t nBlock = (nRow + p->nBlockRow - 1) / p->nBlockRow;
    rc = par_run(nBlock, nThread, shap_rows_job, &job);
done:
    shap_scratch_free(aScratch, PAR_MAX_THREAD);
    shap_plan_clear(p);
    free(p);
    return rc;
}
