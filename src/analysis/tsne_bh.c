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
#define LEAF_CAP 32                          /* points a leaf holds before it splits */
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
    int *leaves, nleaves;       /* the non-empty leaves in depth-first order */
    int n;                      /* points of the last build (order is reused as the next insertion order) */
    double inv_theta2;
} BhTree;

struct TsneWork {
    BhTree tree;
    int n;
    double *neg, *zp;           /* [n, dims], [n]: repulsive sums and parts of Z by point */
    double *zm, *fm;            /* [n], [dims, n]: the same by depth-first position */
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
    free(t->node); free(t->center); free(t->half); free(t->next); free(t->order); free(t->ys); free(t->leaves);
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
    t->nleaves = 0;
    while (sp) {
        int k = stack[--sp];
        BhNode *nd = &t->node[k];
        if (nd->child < 0) {
            int start = m;
            t->leaves[t->nleaves++] = k;
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
        int j = nd->first, m = nd->count - 1, same = 1;     /* m: points in the list (i is counted) */
        if (m >= LEAF_CAP && depth < MAX_DEPTH)
            for (int q = j; q >= 0 && same; q = t->next[q])
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
    t->leaves = realloc(t->leaves, (size_t)n * sizeof(int));
    if (!t->next || !t->order || !t->ys || !t->leaves) mg_fatal("out of memory (t-SNE tree)");
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

/* The output kernel with dof degrees of freedom: u = 1 / (1 + d^2 / dof), w = u^((dof + 1) / 2) (the
 * unnormalised q); KL gradient = 2 (dof + 1) / dof * sum_j (p_ij - w_ij / Z) u_ij (y_i - y_j).
 * MODE 1: dof = 1 (w = u), 2: dof = 2 (w = u sqrt u), 0: any dof (pow). */
typedef struct Kernel {
    int mode;
    double inv_dof, expo, coef;
} Kernel;

static Kernel kernel_of(double dof) {
    return (Kernel){.mode = dof == 1 ? 1 : dof == 2 ? 2 : 0, .inv_dof = 1 / dof, .expo = (dof + 1) / 2,
                    .coef = 2 * (dof + 1) / dof};
}

static inline __attribute__((always_inline)) double kernel_w(double u, const int MODE, double expo) {
    return MODE == 1 ? u : MODE == 2 ? u * sqrt(u) : pow(u, expo);
}

/* Repulsive forces (unnormalised: sum_j w_ij u_ij (y_i - y_j)) and parts of Z = sum_j q_ij of the points of one
 * leaf, the "group", in one traversal: a cell is summarised by its centre of mass for the whole group when
 * (cell width / theta)^2 < the squared distance from the centre of mass to the group's bounding box (so
 * the per-point criterion holds for every point of the group), else opened; an opened leaf interacts
 * exactly, point by point.  The loops run over the group's points (vectorised); results go to zm [n] and
 * fm [D, n] at the points' depth-first positions.  A cell holding a point of the group is never summarised:
 * when theta <= 1/sqrt(dims) the distance test guarantees it (the centre of mass of a cell of width w holding
 * y_i is closer to y_i than sqrt(dims) w < w / theta), otherwise the cell's box is tested. */
static inline __attribute__((always_inline)) void repulsion_group(const BhTree *t, int n, int leaf, const int D,
                                                                  const int check_inside, const int MODE, Kernel kn,
                                                                  double *zm, double *fm, int *stack) {
    const double ia = kn.inv_dof, ex_ = kn.expo;
    const BhNode *g = &t->node[leaf];
    const int m0 = g->first, m1 = g->first + g->count;
    const double *yx = t->ys, *yy = t->ys + n, *yz = t->ys + 2 * (size_t)n;
    double *fx = fm, *fy = fm + n, *fz = fm + 2 * (size_t)n;
    const int *ord = t->order;
    double lo[3], hi[3];
    for (int a = 0; a < D; a++) {
        const double *col = t->ys + (size_t)a * n;
        lo[a] = hi[a] = col[m0];
        for (int m = m0 + 1; m < m1; m++) {
            if (col[m] < lo[a]) lo[a] = col[m];
            if (col[m] > hi[a]) hi[a] = col[m];
        }
    }
    for (int m = m0; m < m1; m++) {
        zm[m] = 0;
        fx[m] = 0; fy[m] = 0;
        if (D == 3) fz[m] = 0;
    }
    int sp = 0;
    stack[sp++] = 0;
    while (sp) {
        int k = stack[--sp];
        const BhNode *nd = &t->node[k];
        double d2 = 0;
        for (int a = 0; a < D; a++) {
            double c = nd->com[a], e = c < lo[a] ? lo[a] - c : c > hi[a] ? c - hi[a] : 0;
            d2 += e * e;
        }
        int summarise = k != leaf && nd->open2 < d2;
        if (summarise && check_inside) {           /* the cell's box must not meet the group's box */
            const double *c = t->center + (size_t)k * D;
            int meets = 1;
            for (int a = 0; a < D; a++) meets &= c[a] + t->half[k] >= lo[a] && c[a] - t->half[k] <= hi[a];
            summarise = !meets;
        }
        if (summarise) {
            const double cx = nd->com[0], cy = nd->com[1], cz = D == 3 ? nd->com[2] : 0, cnt = nd->count;
            #pragma omp simd
            for (int m = m0; m < m1; m++) {
                double ex = yx[m] - cx, ey = yy[m] - cy, ez = D == 3 ? yz[m] - cz : 0;
                double u = 1 / (1 + (ex * ex + ey * ey + ez * ez) * ia), mq = cnt * kernel_w(u, MODE, ex_), mqq = mq * u;
                zm[m] += mq;
                fx[m] += mqq * ex;
                fy[m] += mqq * ey;
                if (D == 3) fz[m] += mqq * ez;
            }
        } else if (nd->child < 0) {                /* an opened leaf: its points exactly (not a point itself) */
            for (int j = nd->first; j < nd->first + nd->count; j++) {
                const double jx = yx[j], jy = yy[j], jz = D == 3 ? yz[j] : 0;
                const int oj = ord[j];
                #pragma omp simd
                for (int m = m0; m < m1; m++) {
                    double ex = yx[m] - jx, ey = yy[m] - jy, ez = D == 3 ? yz[m] - jz : 0;
                    double u = (ord[m] != oj) / (1 + (ex * ex + ey * ey + ez * ez) * ia), q = kernel_w(u, MODE, ex_),
                           qq = q * u;
                    zm[m] += q;
                    fx[m] += qq * ex;
                    fy[m] += qq * ey;
                    if (D == 3) fz[m] += qq * ez;
                }
            }
        } else {
            for (int c = 0; c < (1 << D); c++)
                if (t->node[nd->child + c].count) stack[sp++] = nd->child + c;
        }
    }
}

/* one compiled version per dimension count, inside test and kernel */
static void repulsion_any(const BhTree *t, int n, int leaf, int D, int ci, Kernel k, double *zm, double *fm, int *st) {
#define R(d, c, m) repulsion_group(t, n, leaf, d, c, m, k, zm, fm, st)
    switch (D * 100 + ci * 10 + k.mode) {
    case 201: R(2, 0, 1); break;
    case 202: R(2, 0, 2); break;
    case 200: R(2, 0, 0); break;
    case 211: R(2, 1, 1); break;
    case 212: R(2, 1, 2); break;
    case 210: R(2, 1, 0); break;
    case 301: R(3, 0, 1); break;
    case 302: R(3, 0, 2); break;
    case 300: R(3, 0, 0); break;
    case 311: R(3, 1, 1); break;
    case 312: R(3, 1, 2); break;
    default: R(3, 1, 0); break;
    }
#undef R
}

/* attractive force sum_j p_ij u_ij (y_i - y_j) on point i, vectorised over its row of P; the coordinates
 * by columns, yc [D, n] (gathers of one coordinate at a time) */
static inline __attribute__((always_inline)) void attraction(const SparseP *P, const double *yc, int n, int i,
                                                             const int D, double ia, double *f) {
    const double px = yc[i], py = yc[n + i], pz = D == 3 ? yc[2 * (size_t)n + i] : 0;
    double fx = 0, fy = 0, fz = 0;
    const int e0 = P->rowptr[i], e1 = P->rowptr[i + 1];
    const int *col = P->col;
    const double *val = P->val;
    #pragma omp simd reduction(+ : fx, fy, fz)
    for (int e = e0; e < e1; e++) {
        int j = col[e];
        double dx = px - yc[j], dy = py - yc[n + j], dz = D == 3 ? pz - yc[2 * (size_t)n + j] : 0;
        double pq = val[e] / (1 + (dx * dx + dy * dy + dz * dz) * ia);
        fx += pq * dx;
        fy += pq * dy;
        fz += pq * dz;
    }
    f[0] = fx; f[1] = fy;
    if (D == 3) f[2] = fz;
}

/* KL(P || Q) terms of row i: sum_j p_ij log(p_ij / (w_ij / Z)), p and q floored at FLOAT_TINY as scikit-learn */
static double kl_row(const SparseP *P, const double *y, int i, int D, Kernel k, double zinv) {
    double s = 0;
    for (int e = P->rowptr[i]; e < P->rowptr[i + 1]; e++) {
        const double *pi = y + (size_t)i * D, *pj = y + (size_t)P->col[e] * D;
        double d2 = 0;
        for (int a = 0; a < D; a++) d2 += (pi[a] - pj[a]) * (pi[a] - pj[a]);
        double q = zinv * kernel_w(1 / (1 + d2 * k.inv_dof), 0, k.expo), pv = P->val[e];
        s += pv * log((pv > FLOAT_TINY ? pv : FLOAT_TINY) / (q > FLOAT_TINY ? q : FLOAT_TINY));
    }
    return s;
}

/* grad = coef (exag * attraction - repulsion / Z); neg [n, dims] holds the repulsive sums, zinv = 1 / Z */
static double finish_gradient(const SparseP *P, const double *y, int n, int D, Kernel k, double exag, const double *neg,
                              double zinv, double *grad, int want_kl) {
    double *klp = mg_xcalloc((size_t)n, sizeof(double)), *yc = mg_xmalloc((size_t)n * D * sizeof(double));
    for (int i = 0; i < n; i++)
        for (int a = 0; a < D; a++) yc[(size_t)a * n + i] = y[(size_t)i * D + a];
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        double fa[3];
        if (D == 2) attraction(P, yc, n, i, 2, k.inv_dof, fa);
        else attraction(P, yc, n, i, 3, k.inv_dof, fa);
        for (int a = 0; a < D; a++) grad[(size_t)i * D + a] = k.coef * (exag * fa[a] - neg[(size_t)i * D + a] * zinv);
        if (want_kl) klp[i] = kl_row(P, y, i, D, k, zinv);
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
    free(w->zm);
    free(w->fm);
    free(w);
}

double tsne_gradient(const SparseP *P, const double *y, int n, int dims, double dof, double theta, double exag,
                     double *grad, int want_kl, TsneWork *work) {
    MG_CHECK(dims == 2 || dims == 3, "tsne_gradient: %d dimensions (2 or 3)", dims);
    MG_CHECK(dof > 0, "tsne_gradient: %g degrees of freedom", dof);
    Kernel kn = kernel_of(dof);
    TsneWork *w = work ? work : tsne_work_new();
    if (w->n != n || w->tree.dims != dims) {
        w->neg = realloc(w->neg, (size_t)n * 3 * sizeof(double));
        w->zp = realloc(w->zp, (size_t)n * sizeof(double));
        w->zm = realloc(w->zm, (size_t)n * sizeof(double));
        w->fm = realloc(w->fm, (size_t)n * 3 * sizeof(double));
        if (!w->neg || !w->zp || !w->zm || !w->fm) mg_fatal("out of memory (t-SNE)");
        w->n = n;
    }
    BhTree *t = &w->tree;
    tree_build(t, y, n, dims, theta);
    double *neg = w->neg, *zp = w->zp, *zm = w->zm, *fm = w->fm;
    int check_inside = theta * theta * dims > 1;
    #pragma omp parallel
    {
        int *stack = mg_xmalloc((size_t)(MAX_DEPTH + 2) * 8 * sizeof(int));
        #pragma omp for schedule(dynamic, 8)
        for (int l = 0; l < t->nleaves; l++) {
            repulsion_any(t, n, t->leaves[l], dims, check_inside, kn, zm, fm, stack);
        }
        free(stack);
    }
    for (int m = 0; m < n; m++) {                 /* depth-first positions -> point indices */
        int i = t->order[m];
        zp[i] = zm[m];
        for (int a = 0; a < dims; a++) neg[(size_t)i * dims + a] = fm[(size_t)a * n + m];
    }
    double z = 0;
    for (int i = 0; i < n; i++) z += zp[i];
    double kl = finish_gradient(P, y, n, dims, kn, exag, neg, 1 / (z > 0 ? z : 1e-300), grad, want_kl);
    if (!work) tsne_work_free(w);
    return kl;
}

double tsne_gradient_exact(const SparseP *P, const double *y, int n, int dims, double dof, double exag, double *grad) {
    Kernel kn = kernel_of(dof);
    double *neg = mg_xcalloc((size_t)n * dims, sizeof(double)), z = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j) continue;
            double diff[3], d2 = 0;
            for (int a = 0; a < dims; a++) { diff[a] = y[(size_t)i * dims + a] - y[(size_t)j * dims + a]; d2 += diff[a] * diff[a]; }
            double u = 1 / (1 + d2 / dof), w = pow(u, (dof + 1) / 2);
            z += w;
            for (int a = 0; a < dims; a++) neg[(size_t)i * dims + a] += w * u * diff[a];
        }
    double kl = finish_gradient(P, y, n, dims, kn, exag, neg, 1 / z, grad, 1);
    free(neg);
    return kl;
}
