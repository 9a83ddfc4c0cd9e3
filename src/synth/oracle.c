#include "synth/oracle.h"
#include "core/error.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

void oracle_features(const DiatomParams *p, double f[ORACLE_NFEAT]) {
    f[0] = p->length_px / p->px_per_um;
    f[1] = p->width_px / p->px_per_um;
    f[2] = p->bending;
    f[3] = p->end_shape;
    f[4] = fabs(p->asym_lateral);
    f[5] = p->asym_apical;
    f[6] = p->fib_density;
}

/* Solves S x = b for symmetric positive definite S (d x d, row-major) by Cholesky; S is overwritten. */
static int spd_solve(double *S, const double *b, double *x, int d) {
    for (int j = 0; j < d; j++) {
        double s = S[j * d + j];
        for (int k = 0; k < j; k++) s -= S[j * d + k] * S[j * d + k];
        if (s <= 1e-12) return -1;
        S[j * d + j] = sqrt(s);
        for (int i = j + 1; i < d; i++) {
            double t = S[i * d + j];
            for (int k = 0; k < j; k++) t -= S[i * d + k] * S[j * d + k];
            S[i * d + j] = t / S[j * d + j];
        }
    }
    double y[ORACLE_NFEAT];
    for (int i = 0; i < d; i++) {
        double t = b[i];
        for (int k = 0; k < i; k++) t -= S[i * d + k] * y[k];
        y[i] = t / S[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
        double t = y[i];
        for (int k = i + 1; k < d; k++) t -= S[k * d + i] * x[k];
        x[i] = t / S[i * d + i];
    }
    return 0;
}

/* Fold of image i for the 2-fold cross-validation: top bit of a multiplicative hash of i, so the folds
 * do not line up with any regular pattern of the groups. */
static int fold_of(int i) { return (int)(((uint32_t)i * 2654435761u) >> 31); }

/* Fits LDA on the images with fold_of(index) == part, or on all when part < 0.
 * Out: w (discriminant direction), c (threshold: treated when w.f > c), delta2 (Mahalanobis^2). */
static int lda_fit(const DiatomParams *p, int n, int part, double *w, double *c, double *delta2) {
    const int d = ORACLE_NFEAT;
    double mu[2][ORACLE_NFEAT] = {{0}}, S[ORACLE_NFEAT * ORACLE_NFEAT] = {0}, f[ORACLE_NFEAT];
    int cnt[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        if (part >= 0 && fold_of(i) != part) continue;
        oracle_features(&p[i], f);
        int g = p[i].group == GROUP_TREATED;
        cnt[g]++;
        for (int k = 0; k < d; k++) mu[g][k] += f[k];
    }
    if (cnt[0] < 10 || cnt[1] < 10) return -1;
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < d; k++) mu[g][k] /= cnt[g];
    for (int i = 0; i < n; i++) {
        if (part >= 0 && fold_of(i) != part) continue;
        oracle_features(&p[i], f);
        int g = p[i].group == GROUP_TREATED;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) S[a * d + b] += (f[a] - mu[g][a]) * (f[b] - mu[g][b]);
    }
    for (int k = 0; k < d * d; k++) S[k] /= cnt[0] + cnt[1] - 2;
    for (int k = 0; k < d; k++) S[k * d + k] += 1e-9;   /* a constant feature gets weight 0, not a singular matrix */
    double diff[ORACLE_NFEAT];
    for (int k = 0; k < d; k++) diff[k] = mu[1][k] - mu[0][k];
    if (spd_solve(S, diff, w, d)) return -1;
    *c = 0;
    *delta2 = 0;
    for (int k = 0; k < d; k++) {
        *c += w[k] * 0.5 * (mu[0][k] + mu[1][k]);
        *delta2 += w[k] * diff[k];
    }
    return 0;
}

int oracle_accuracy(const DiatomParams *p, int n, double *cv_accuracy, double *gauss_accuracy, double *mahalanobis) {
    double w[ORACLE_NFEAT], c, d2, f[ORACLE_NFEAT];
    int correct = 0, total = 0;
    for (int part = 0; part < 2; part++) {
        if (lda_fit(p, n, part, w, &c, &d2)) return mg_error_set("oracle: needs at least 20 images per group");
        for (int i = 0; i < n; i++) {
            if (fold_of(i) == part) continue;
            oracle_features(&p[i], f);
            double score = 0;
            for (int k = 0; k < ORACLE_NFEAT; k++) score += w[k] * f[k];
            correct += (score > c) == (p[i].group == GROUP_TREATED);
            total++;
        }
    }
    if (lda_fit(p, n, -1, w, &c, &d2)) return mg_error_set("oracle: degenerate parameters");
    *cv_accuracy = (double)correct / total;
    *mahalanobis = sqrt(d2 > 0 ? d2 : 0);
    *gauss_accuracy = 0.5 * erfc(-(*mahalanobis / 2) / sqrt(2.0));
    return 0;
}
