/* Editing latent codes: hyperplane distances, reflection, walks, interpolation, vector arithmetic,
 * nearest neighbours.  Vectors are float [dim] in the original latent space; every formula is the
 * plain one below (double accumulation).
 *
 *   lambda(x)   = -(b + w.x) / (w.w)        the multiple of w that takes x onto the hyperplane w.x + b = 0
 *   distance(x) = (b + w.x) / |w|           signed Euclidean distance (> 0 on the class-1 side) = -lambda |w|
 *   reflect(x)  = x + 2 lambda(x) w         the mirror image across the hyperplane
 *   walk(x, k)  = x + k alpha u             u unit, alpha = the class separation along u (directions.h), so
 *                                           k counts class separations
 *   lerp(a,b,t) = a + t (b - a)
 *   slerp(a,b,t)= sin((1-t) W)/sin W a + sin(t W)/sin W b,  W = angle between a and b (lerp when W ~ 0)
 *   grid        w = w1 + l2 (w2 - w1) + l3 (w3 - w1), l2, l3 in {0, 1/(s-1), ..., 1}: s x s codes, l2 by rows
 *   arithmetic  a - b + c
 *   cosine(a,b) = a.b / (|a| |b|) */
#ifndef MG_EDITING_H
#define MG_EDITING_H

double hyperplane_lambda(const double *w, double b, const float *x, int dim);
double hyperplane_distance(const double *w, double b, const float *x, int dim);
void reflect_code(const double *w, double b, const float *x, int dim, float *out);
void walk_code(const float *x, const double *u, double alpha, double k, int dim, float *out);
void lerp_code(const float *a, const float *b, double t, int dim, float *out);
void slerp_code(const float *a, const float *b, double t, int dim, float *out);
/* out [steps * steps, dim] */
void grid3_codes(const float *w1, const float *w2, const float *w3, int steps, int dim, float *out);
void arithmetic_code(const float *a, const float *b, const float *c, int dim, float *out);
double cosine_similarity(const float *a, const float *b, int dim);
/* the top (at most n - 1) rows of x [n, dim] by cosine similarity to q, skipping row `exclude` (-1: none);
 * idx[top], sim[top] descending (ties: lower index first).  Returns how many were written. */
int nearest_by_cosine(const float *x, int n, int dim, const float *q, int exclude, int top, int *idx, double *sim);
/* counts [bins] of v[n] in [lo, hi) (the last bin includes hi); values outside are not counted */
void histogram_counts(const double *v, int n, double lo, double hi, int bins, long *counts);
#endif
