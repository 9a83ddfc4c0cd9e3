/* The t-SNE gradient: attractive forces over the sparse P, repulsive forces by Barnes-Hut over a
 * quadtree (2-D) / octree (3-D) rebuilt at every call (see tsne.h).
 *
 * Tree: cubic cells; a node holds the number of points below it and their centre of mass; a leaf holds
 * a list of points (one, or several at exactly the same position, or several below MAX_DEPTH), whose
 * interactions with the query point are computed exactly.  Nodes live in arrays (structure of arrays),
 * the 2^dims children of a node side by side. */
#include "analysis/tsne.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 50
#define LEAF_CAP 8                          /* points a leaf holds before it splits */
#define FLOAT_TINY 1.17549435e-38           /* scikit-learn's FLOAT32_TINY, floor of p and q in the KL */

/* the hot part of a node, one 64-byte line: what a traversal reads */
typedef struct BhNode {
    double com[3];              /* centre of mass of the points below (dims used) */
    double open2;               /* (cell width / theta)^2: summarised when the squared distance is larger */
    int count;                  /* points below */
    int child;                  /* first of the 2^dims children, -1 for a leaf */
    int first;                  /* leaf: while building, the first point of its list (-1: empty); once
                                   built, the offset of its points in order[] / ys[] */
    int pad[5];
} BhNode;

typedef struct BhTree {
    int dims, nch, cap, size;
    BhNode *node;
    double *center;             /* [cap, dims]: cell centres (building and the inside test) */
    double *half;               /* [cap]: half widths */
    int *next;                  /* [n]: next point of the same leaf */
    int *order;                 /* [n]: the points in depth-first order of their leaves */
    double *ys;                 /* [dims, n]: their coordinates in that order, by columns */
    int n;                      /* points of the last build (order is reused as the next insertion order) */
    double inv_theta2;
} BhTree;

struct TsneWork {
    BhTree tree;
    int n;
    double *neg, *zp;           /* [n, dims], [n] */
};

TsneWork *tsne_work_new(void) { return mg_xcalloc(1, sizeof(TsneWork)); }

static void tree_grow(BhTree *t, int need) {
    if (need <= t->cap) return;
    int cap = t->cap ? t->cap : 1024;
    while (cap < need) cap *= 2;
    t->node = realloc(t->node, (size_t)cap * sizeof(BhNode));
    t->center = realloc(t->center, (size_t)cap * t->dims * sizeof(double));
    t->half = realloc(t->half, (size_t)cap * sizeof(double));
    if (!t->node || !t->center || !t->half) mg_fatal("out of memory (t-SNE tree)");
    t->cap = cap;
}

static void tree_free(BhTree *t) {
    free(t->node); free(t->center); free(t->half); free(t->next); free(t->order); free(t->ys);
    memset(t, 0, sizeof *t);
}

static int new_node(BhTree *t, const double *center, double half) {
    tree_grow(t, t->size + 1);
    int k = t->size++;
    memcpy(t->center + (size_t)k * t->dims, center, (size_t)t->dims * sizeof(double));
    BhNode *nd = &t->node[k];
    memset(nd, 0, sizeof *nd);
    nd->open2 = 4 * half * half * t->inv_theta2;
    nd->child = -1;
    nd->first = -1;
    t->half[k] = half;
    return k;
}

static int quadrant(const BhTree *t, int node, const double *p) {
    int q = 0;
    for (int a = 0; a < t->dims; a++) q |= (p[a] >= t->center[(size_t)node * t->dims + a]) << a;
    return q;
}

static void subdivide(BhTree *t, int node) {
    const int D = t->dims;
    double h = t->half[node] / 2, c[3];
    int first_child = t->size;
    for (int q = 0; q < t->nch; q++) {
        for (int a = 0; a < D; a++) c[a] = t->center[(size_t)node * D + a] + ((q >> a) & 1 ? h : -h);
        new_node(t, c, h);
    }
    t->node[node].child = first_child;
}

/* the points, leaf by leaf in depth-first order (neighbours in space are neighbours in the loop over
 * points), each leaf's points contiguous in order[] and in the coordinate columns ys */
static void tree_order(BhTree *t, const double *y, int n) {
    int *stack = mg_xmalloc((size_t)(MAX_DEPTH + 2) * 8 * sizeof(int)), sp = 0, m = 0;
    stack[sp++] = 0;
    while (sp) {
        BhNode *nd = &t->node[stack[--sp]];
        if (nd->child < 0) {
            int start = m;
            for (int j = nd->first; j >= 0; j = t->next[j]) t->order[m++] = j;
            nd->first = start;
            continue;
        }
        for (int k = t->nch - 1; k >= 0; k--)
            if (t->node[nd->child + k].count) stack[sp++] = nd->child + k;
    }
    MG_CHECK(m == n, "t-SNE tree holds %d of %d points", m, n);
    free(stack);
    for (int r = 0; r < n; r++)
        for (int a = 0; a < t->dims; a++) t->ys[(size_t)a * n + r] = y[(size_t)t->order[r] * t->dims + a];
}

/* Adds point i below `node` (whose count and sum already include it unless `count_here`).  A leaf keeps
 * up to LEAF_CAP points in a list; one more splits it and its points move down (recursively when they
 * all fall into one child); points at one position, or below MAX_DEPTH, stay together in one leaf. */
static void insert(BhTree *t, const double *y, int i, int node, int depth, int count_here) {
    const int D = t->dims;
    const double *p = y + (size_t)i * D;
    for (;; depth++, count_here = 1) {
        BhNode *nd = &t->node[node];
        if (count_here) {
            nd->count++;
            for (int a = 0; a < D; a++) nd->com[a] += p[a];              /* a sum until the end */
        }
        if (nd->child >= 0) {
            node = nd->child + quadrant(t, node, p);
            continue;
        }
        int j = nd->first, m = 0, same = 1;
        for (int q = j; q >= 0; q = t->next[q], m++)
            for (int a = 0; a < D; a++) same &= y[(size_t)q * D + a] == p[a];
        if (m < LEAF_CAP || same || depth >= MAX_DEPTH) { t->next[i] = j; nd->first = i; return; }
        subdivide(t, node);                   /* (the node array may move: no pointer kept across) */
        t->node[node].first = -1;
        for (int q = j; q >= 0;) {
            int nx = t->next[q];
            insert(t, y, q, t->node[node].child + quadrant(t, node, y + (size_t)q * D), depth + 1, 1);
            q = nx;
        }
        node = t->node[node].child + quadrant(t, node, p);
    }
}

/* Points are inserted in the depth-first order of the previous build (points move little between
 * iterations, so consecutive insertions touch the same nodes); the first build inserts in index order. */
static void tree_build(BhTree *t, const double *y, int n, int dims, double theta) {
    int reuse = t->n == n && t->order;
    int *ins = mg_xmalloc((size_t)n * sizeof(int));
    for (int r = 0; r < n; r++) ins[r] = reuse ? t->order[r] : r;
    t->n = n;
    t->dims = dims;
    t->nch = 1 << dims;
    t->size = 0;
    t->inv_theta2 = theta > 0 ? 1 / (theta * theta) : INFINITY;
    t->next = realloc(t->next, (size_t)n * sizeof(int));
    t->order = realloc(t->order, (size_t)n * sizeof(int));
    t->ys = realloc(t->ys, (size_t)n * dims * sizeof(double));
    if (!t->next || !t->order || !t->ys) mg_fatal("out of memory (t-SNE tree)");
    double lo[3], hi[3], c[3], ext = 0;
    for (int a = 0; a < dims; a++) { lo[a] = INFINITY; hi[a] = -INFINITY; }
    for (int i = 0; i < n; i++)
        for (int a = 0; a < dims; a++) {
            double v = y[(size_t)i * dims + a];
            if (v < lo[a]) lo[a] = v;
            if (v > hi[a]) hi[a] = v;
        }
    for (int a = 0; a < dims; a++) {
        c[a] = 0.5 * (lo[a] + hi[a]);
        if (hi[a] - lo[a] > ext) ext = hi[a] - lo[a];
    }
    new_node(t, c, 0.5 * ext * (1 + 1e-6) + 1e-12);
    for (int r = 0; r < n; r++) insert(t, y, ins[r], 0, 0, 1);
    for (int k = 0; k < t->size; k++) {           /* sums -> centres of mass; a single point stays exact */
        BhNode *nd = &t->node[k];
        if (nd->count > 1)
            for (int a = 0; a < dims; a++) nd->com[a] /= nd->count;
        else if (nd->count == 1 && nd->child < 0)
            memcpy(nd->com, y + (size_t)nd->first * dims, (size_t)dims * sizeof(double));   /* exact */
    }
    free(ins);
    tree_order(t, y, n);
}

/* repulsive force (unnormalised: sum_j q_ij^2 (y_i - y_j)) on point i and its part of Z = sum_j q_ij.
 * A cell holding y_i is always opened; when theta <= 1/sqrt(dims) the distance test alone guarantees it
 * (the centre of mass of a cell of width w holding y_i is closer than sqrt(dims) w < w / theta). */
static inline __attribute__((always_inline)) double repulsion(const BhTree *t, const double *y, int n, int i, const int D,
                                                              const int check_inside, double *f, int *stack) {
    const double *p = y + (size_t)i * D;
    double z = 0, fa[3] = {0, 0, 0};
    int sp = 0;
    stack[sp++] = 0;
    while (sp) {
        int k = stack[--sp];
        const BhNode *nd = &t->node[k];
        double diff[3], d2 = 0;
        for (int a = 0; a < D; a++) { diff[a] = p[a] - nd->com[a]; d2 += diff[a] * diff[a]; }
        int summarise = nd->open2 < d2;
        if (summarise && check_inside) {
            const double *c = t->center + (size_t)k * D;
            for (int a = 0; a < D; a++) summarise &= fabs(p[a] - c[a]) > t->half[k];
        }
        if (summarise) {
            double q = 1 / (1 + d2), mq = nd->count * q;
            z += mq;
            for (int a = 0; a < D; a++) fa[a] += mq * q * diff[a];
        } else if (nd->child < 0) {           /* an opened leaf: its points exactly (not i itself) */
            const int m0 = nd->first, m1 = nd->first + nd->count;
            const double *yx = t->ys, *yy = t->ys + n, *yz = t->ys + 2 * (size_t)n;
            const int *ord = t->order;
            double zl = 0, gx = 0, gy = 0, gz = 0;
            #pragma omp simd reduction(+ : zl, gx, gy, gz)
            for (int m = m0; m < m1; m++) {
                double ex = p[0] - yx[m], ey = p[1] - yy[m], ez = D == 3 ? p[2] - yz[m] : 0;
                double q = (ord[m] != i) / (1 + ex * ex + ey * ey + ez * ez);
                zl += q;
                gx += q * q * ex;
                gy += q * q * ey;
                gz += q * q * ez;
            }
            z += zl;
            fa[0] += gx; fa[1] += gy;
            if (D == 3) fa[2] += gz;
        } else {
            for (int c = 0; c < (1 << D); c++)
                if (t->node[nd->child + c].count) stack[sp++] = nd->child + c;
        }
    }
    for (int a = 0; a < D; a++) f[a] = fa[a];
    return z;
}

static double repulsion2(const BhTree *t, const double *y, int n, int i, int ci, double *f, int *st) {
    return ci ? repulsion(t, y, n, i, 2, 1, f, st) : repulsion(t, y, n, i, 2, 0, f, st);
}
static double repulsion3(const BhTree *t, const double *y, int n, int i, int ci, double *f, int *st) {
    return ci ? repulsion(t, y, n, i, 3, 1, f, st) : repulsion(t, y, n, i, 3, 0, f, st);
}

/* attractive force sum_j p_ij q_ij (y_i - y_j) on point i, vectorised over its row of P; the coordinates
 * by columns, yc [D, n] (gathers of one coordinate at a time) */
static inline __attribute__((always_inline)) void attraction(const SparseP *P, const double *yc, int n, int i,
                                                             const int D, double *f) {
    const double px = yc[i], py = yc[n + i], pz = D == 3 ? yc[2 * (size_t)n + i] : 0;
    double fx = 0, fy = 0, fz = 0;
    const int e0 = P->rowptr[i], e1 = P->rowptr[i + 1];
    const int *col = P->col;
    const double *val = P->val;
    #pragma omp simd reduction(+ : fx, fy, fz)
    for (int e = e0; e < e1; e++) {
        int j = col[e];
        double dx = px - yc[j], dy = py - yc[n + j], dz = D == 3 ? pz - yc[2 * (size_t)n + j] : 0;
        double pq = val[e] / (1 + dx * dx + dy * dy + dz * dz);
        fx += pq * dx;
        fy += pq * dy;
        fz += pq * dz;
    }
    f[0] = fx; f[1] = fy;
    if (D == 3) f[2] = fz;
}

/* KL(P || Q) terms of row i: sum_j p_ij log(p_ij / (q_ij / Z)), p and q floored at FLOAT_TINY as scikit-learn */
static double kl_row(const SparseP *P, const double *y, int i, int D, double zinv) {
    double s = 0;
    for (int e = P->rowptr[i]; e < P->rowptr[i + 1]; e++) {
        const double *pi = y + (size_t)i * D, *pj = y + (size_t)P->col[e] * D;
        double d2 = 0;
        for (int a = 0; a < D; a++) d2 += (pi[a] - pj[a]) * (pi[a] - pj[a]);
        double q = zinv / (1 + d2), pv = P->val[e];
        s += pv * log((pv > FLOAT_TINY ? pv : FLOAT_TINY) / (q > FLOAT_TINY ? q : FLOAT_TINY));
    }
    return s;
}

/* grad = 4 (exag * attraction - repulsion / Z); neg [n, dims] holds the repulsive sums, zinv = 1 / Z */
static double finish_gradient(const SparseP *P, const double *y, int n, int D, double exag, const double *neg,
                              double zinv, double *grad, int want_kl) {
    double *klp = mg_xcalloc((size_t)n, sizeof(double)), *yc = mg_xmalloc((size_t)n * D * sizeof(double));
    for (int i = 0; i < n; i++)
        for (int a = 0; a < D; a++) yc[(size_t)a * n + i] = y[(size_t)i * D + a];
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        double fa[3];
        if (D == 2) attraction(P, yc, n, i, 2, fa);
        else attraction(P, yc, n, i, 3, fa);
        for (int a = 0; a < D; a++) grad[(size_t)i * D + a] = 4 * (exag * fa[a] - neg[(size_t)i * D + a] * zinv);
        if (want_kl) klp[i] = kl_row(P, y, i, D, zinv);
    }
    double kl = 0;
    for (int i = 0; i < n; i++) kl += klp[i];
    free(klp);
    free(yc);
    return want_kl ? kl : 0;
}

void tsne_work_free(TsneWork *w) {
    if (!w) return;
    tree_free(&w->tree);
    free(w->neg);
    free(w->zp);
    free(w);
}

double tsne_gradient(const SparseP *P, const double *y, int n, int dims, double theta, double exag, double *grad,
                     int want_kl, TsneWork *work) {
    MG_CHECK(dims == 2 || dims == 3, "tsne_gradient: %d dimensions (2 or 3)", dims);
    TsneWork *w = work ? work : tsne_work_new();
    if (w->n != n || w->tree.dims != dims) {
        w->neg = realloc(w->neg, (size_t)n * 3 * sizeof(double));
        w->zp = realloc(w->zp, (size_t)n * sizeof(double));
        if (!w->neg || !w->zp) mg_fatal("out of memory (t-SNE)");
        w->n = n;
    }
    BhTree *t = &w->tree;
    tree_build(t, y, n, dims, theta);
    double *neg = w->neg, *zp = w->zp;
    int check_inside = theta * theta * dims > 1;
    #pragma omp parallel
    {
        int *stack = mg_xmalloc((size_t)(MAX_DEPTH + 2) * 8 * sizeof(int));
        #pragma omp for schedule(dynamic, 64)
        for (int r = 0; r < n; r++) {
            int i = t->order[r];
            zp[i] = dims == 2 ? repulsion2(t, y, n, i, check_inside, neg + (size_t)i * 2, stack)
                              : repulsion3(t, y, n, i, check_inside, neg + (size_t)i * 3, stack);
        }
        free(stack);
    }
    double z = 0;
    for (int i = 0; i < n; i++) z += zp[i];
    double kl = finish_gradient(P, y, n, dims, exag, neg, 1 / (z > 0 ? z : 1e-300), grad, want_kl);
    if (!work) tsne_work_free(w);
    return kl;
}

double tsne_gradient_exact(const SparseP *P, const double *y, int n, int dims, double exag, double *grad) {
    double *neg = mg_xcalloc((size_t)n * dims, sizeof(double)), z = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j) continue;
            double diff[3], d2 = 0;
            for (int a = 0; a < dims; a++) { diff[a] = y[(size_t)i * dims + a] - y[(size_t)j * dims + a]; d2 += diff[a] * diff[a]; }
            double q = 1 / (1 + d2);
            z += q;
            for (int a = 0; a < dims; a++) neg[(size_t)i * dims + a] += q * q * diff[a];
        }
    double kl = finish_gradient(P, y, n, dims, exag, neg, 1 / z, grad, 1);
    free(neg);
    return kl;
}
