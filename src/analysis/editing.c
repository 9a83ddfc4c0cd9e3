/* Editing formulas (see editing.h). */
#include "analysis/editing.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

static double dot_wx(const double *w, const float *x, int dim) {
    double s = 0;
    for (int j = 0; j < dim; j++) s += w[j] * x[j];
    return s;
}

static double dot_ww(const double *w, int dim) {
    double s = 0;
    for (int j = 0; j < dim; j++) s += w[j] * w[j];
    return s;
}

double hyperplane_lambda(const double *w, double b, const float *x, int dim) {
    return -(b + dot_wx(w, x, dim)) / dot_ww(w, dim);
}

double hyperplane_distance(const double *w, double b, const float *x, int dim) {
    return (b + dot_wx(w, x, dim)) / sqrt(dot_ww(w, dim));
}

void reflect_code(const double *w, double b, const float *x, int dim, float *out) {
    double l = hyperplane_lambda(w, b, x, dim);
    for (int j = 0; j < dim; j++) out[j] = (float)(x[j] + 2 * l * w[j]);
}

void walk_code(const float *x, const double *u, double alpha, double k, int dim, float *out) {
    for (int j = 0; j < dim; j++) out[j] = (float)(x[j] + k * alpha * u[j]);
}

void lerp_code(const float *a, const float *b, double t, int dim, float *out) {
    for (int j = 0; j < dim; j++) out[j] = (float)(a[j] + t * ((double)b[j] - a[j]));
}

void slerp_code(const float *a, const float *b, double t, int dim, float *out) {
    double ab = 0, aa = 0, bb = 0;
    for (int j = 0; j < dim; j++) { ab += (double)a[j] * b[j]; aa += (double)a[j] * a[j]; bb += (double)b[j] * b[j]; }
    double c = aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 1;
    if (c > 1) c = 1;
    if (c < -1) c = -1;
    double om = acos(c), so = sin(om);
    if (so < 1e-7) { lerp_code(a, b, t, dim, out); return; }
    double ka = sin((1 - t) * om) / so, kb = sin(t * om) / so;
    for (int j = 0; j < dim; j++) out[j] = (float)(ka * a[j] + kb * b[j]);
}

void grid3_codes(const float *w1, const float *w2, const float *w3, int steps, int dim, float *out) {
    for (int i2 = 0; i2 < steps; i2++)
        for (int i3 = 0; i3 < steps; i3++) {
            double l2 = steps > 1 ? (double)i2 / (steps - 1) : 0, l3 = steps > 1 ? (double)i3 / (steps - 1) : 0;
            float *o = out + ((size_t)i2 * steps + i3) * dim;
            for (int j = 0; j < dim; j++) o[j] = (float)(w1[j] + l2 * ((double)w2[j] - w1[j]) + l3 * ((double)w3[j] - w1[j]));
        }
}

void arithmetic_code(const float *a, const float *b, const float *c, int dim, float *out) {
    for (int j = 0; j < dim; j++) out[j] = (float)((double)a[j] - b[j] + c[j]);
}

double cosine_similarity(const float *a, const float *b, int dim) {
    double ab = 0, aa = 0, bb = 0;
    for (int j = 0; j < dim; j++) { ab += (double)a[j] * b[j]; aa += (double)a[j] * a[j]; bb += (double)b[j] * b[j]; }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

int nearest_by_cosine(const float *x, int n, int dim, const float *q, int exclude, int top, int *idx, double *sim) {
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (i == exclude) continue;
        double s = cosine_similarity(x + (size_t)i * dim, q, dim);
        if (m == top && !(s > sim[top - 1])) continue;
        int b = m < top ? m++ : top - 1;
        while (b > 0 && s > sim[b - 1]) { sim[b] = sim[b - 1]; idx[b] = idx[b - 1]; b--; }
        sim[b] = s;
        idx[b] = i;
    }
    return m;
}

void histogram_counts(const double *v, int n, double lo, double hi, int bins, long *counts) {
    for (int b = 0; b < bins; b++) counts[b] = 0;
    if (!(hi > lo) || bins < 1) return;
    for (int i = 0; i < n; i++) {
        if (!(v[i] >= lo && v[i] <= hi)) continue;
        int b = (int)((v[i] - lo) / (hi - lo) * bins);
        if (b >= bins) b = bins - 1;
        counts[b]++;
    }
}
