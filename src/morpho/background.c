#include "morpho/background.h"
#include <math.h>
#include <string.h>

int solve_small(double *A, double *b, double *x, int n) {
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++) if (fabs(A[r * n + c]) > fabs(A[piv * n + c])) piv = r;
        if (fabs(A[piv * n + c]) < 1e-12) return -1;
        if (piv != c) {
            for (int k = 0; k < n; k++) { double t = A[c * n + k]; A[c * n + k] = A[piv * n + k]; A[piv * n + k] = t; }
            double t = b[c]; b[c] = b[piv]; b[piv] = t;
        }
        for (int r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (int k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int r = n - 1; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < n; k++) s -= A[r * n + k] * x[k];
        x[r] = s / A[r * n + r];
    }
    return 0;
}

/* Median of n floats by counting into a 1024-bin histogram over [lo, hi] (good to ~1e-3 of the range). */
static float hist_median(const float *v, int n, float lo, float hi) {
    int hist[1024];
    memset(hist, 0, sizeof hist);
    float scale = hi > lo ? 1023.0f / (hi - lo) : 0.0f;
    for (int i = 0; i < n; i++) {
        int k = (int)((v[i] - lo) * scale);
        hist[k < 0 ? 0 : k > 1023 ? 1023 : k]++;
    }
    int acc = 0, half = (n + 1) / 2;
    for (int k = 0; k < 1024; k++) {
        acc += hist[k];
        if (acc >= half) return lo + (k + 0.5f) / (scale > 0 ? scale : 1.0f);
    }
    return hi;
}

void background_fit(const float *gray, int w, int h, float *bg, float *scratch, float *noise_sigma) {
    const size_t n = (size_t)w * h;
    const int step = n > 20000 ? (int)sqrt((double)n / 20000) + 1 : 1;    /* subsample big images */
    const double sx = 2.0 / w, sy = 2.0 / h;
    double coef[6] = {0}, cut = INFINITY;
    float sigma = 0;
    for (int iter = 0; iter < 3; iter++) {
        double A[36] = {0}, b[6] = {0};
        for (int y = 0; y < h; y += step)
            for (int x = 0; x < w; x += step) {
                double X = (x + 0.5) * sx - 1, Y = (y + 0.5) * sy - 1, v = gray[(size_t)y * w + x];
                double phi[6] = {1, X, Y, X * X, X * Y, Y * Y};
                if (iter == 0) {          /* first fit: the border band only, where objects rarely are */
                    int bx = w / 12 + 1, by = h / 12 + 1;
                    if (x >= bx && x < w - bx && y >= by && y < h - by) continue;
                } else {
                    double f = 0;
                    for (int k = 0; k < 6; k++) f += coef[k] * phi[k];
                    if (fabs(v - f) > cut) continue;
                }
                for (int a = 0; a < 6; a++) {
                    b[a] += phi[a] * v;
                    for (int c = a; c < 6; c++) A[a * 6 + c] += phi[a] * phi[c];
                }
            }
        for (int a = 0; a < 6; a++)
            for (int c = 0; c < a; c++) A[a * 6 + c] = A[c * 6 + a];
        double x[6];
        if (solve_small(A, b, x, 6) == 0) memcpy(coef, x, sizeof coef);
        else { memset(coef, 0, sizeof coef); coef[0] = b[0] / (A[0] > 0 ? A[0] : 1); }
        /* residuals -> robust sigma (median absolute deviation) */
        float lo = INFINITY, hi = -INFINITY;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double X = (x + 0.5) * sx - 1, Y = (y + 0.5) * sy - 1;
                double f = coef[0] + coef[1] * X + coef[2] * Y + coef[3] * X * X + coef[4] * X * Y + coef[5] * Y * Y;
                size_t i = (size_t)y * w + x;
                bg[i] = (float)f;
                float r = fabsf(gray[i] - (float)f);
                if (r < lo) lo = r;
                if (r > hi) hi = r;
            }
        int m = 0;                        /* robust sigma of the residuals (border band at first) */
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int bx = w / 12 + 1, by = h / 12 + 1;
                if (iter == 0 && x >= bx && x < w - bx && y >= by && y < h - by) continue;
                size_t i = (size_t)y * w + x;
                scratch[m++] = fabsf(gray[i] - bg[i]);
            }
        sigma = 1.4826f * hist_median(scratch, m, lo, hi);
        cut = 2.5 * fmax(sigma, 1e-3);
    }
    *noise_sigma = sigma;
}
