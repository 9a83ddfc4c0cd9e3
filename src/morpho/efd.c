#include "morpho/efd.h"
#include <math.h>
#include <string.h>

int efd_compute(const double *xy, int n, int n_harm, double (*coef)[4]) {
    memset(coef, 0, sizeof(double) * 4 * n_harm);
    if (n < 3) return -1;
    double T = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        T += hypot(xy[2 * j] - xy[2 * i], xy[2 * j + 1] - xy[2 * i + 1]);
    }
    if (!(T > 0)) return -1;
    for (int h = 1; h <= n_harm; h++) {
        double k = T / (2.0 * h * h * M_PI * M_PI), a = 0, b = 0, c = 0, d = 0, t = 0;
        double cos_prev = 1, sin_prev = 0;     /* at t = 0 */
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double dx = xy[2 * j] - xy[2 * i], dy = xy[2 * j + 1] - xy[2 * i + 1], dt = hypot(dx, dy);
            if (dt == 0) continue;
            t += dt;
            double ph = 2.0 * M_PI * h * t / T, cs = cos(ph), sn = sin(ph);
            a += dx / dt * (cs - cos_prev);
            b += dx / dt * (sn - sin_prev);
            c += dy / dt * (cs - cos_prev);
            d += dy / dt * (sn - sin_prev);
            cos_prev = cs; sin_prev = sn;
        }
        coef[h - 1][0] = k * a; coef[h - 1][1] = k * b; coef[h - 1][2] = k * c; coef[h - 1][3] = k * d;
    }
    return 0;
}

void efd_normalize(double (*coef)[4], int n_harm) {
    if (n_harm < 1) return;
    double a1 = coef[0][0], b1 = coef[0][1], c1 = coef[0][2], d1 = coef[0][3];
    double th = 0.5 * atan2(2 * (a1 * b1 + c1 * d1), a1 * a1 - b1 * b1 + c1 * c1 - d1 * d1);
    /* starting point: rotate each harmonic's parameter by n * theta1 */
    for (int h = 0; h < n_harm; h++) {
        double ct = cos((h + 1) * th), st = sin((h + 1) * th);
        double a = coef[h][0], b = coef[h][1], c = coef[h][2], d = coef[h][3];
        coef[h][0] = a * ct + b * st;
        coef[h][1] = -a * st + b * ct;
        coef[h][2] = c * ct + d * st;
        coef[h][3] = -c * st + d * ct;
    }
    /* rotation: align the first ellipse's major axis with x */
    double psi = atan2(coef[0][2], coef[0][0]), cp = cos(psi), sp = sin(psi);
    for (int h = 0; h < n_harm; h++) {
        double a = coef[h][0], b = coef[h][1], c = coef[h][2], d = coef[h][3];
        coef[h][0] = cp * a + sp * c;
        coef[h][1] = cp * b + sp * d;
        coef[h][2] = -sp * a + cp * c;
        coef[h][3] = -sp * b + cp * d;
    }
    /* the procedure leaves a 180-degree ambiguity (start at either end of the major axis) that flips
     * the signs of the even harmonics; fix it: the even-harmonic coefficient of largest magnitude is >= 0 */
    double big = 0;
    for (int h = 1; h < n_harm; h += 2)
        for (int k = 0; k < 4; k++) if (fabs(coef[h][k]) > fabs(big)) big = coef[h][k];
    if (big < 0)
        for (int h = 1; h < n_harm; h += 2)
            for (int k = 0; k < 4; k++) coef[h][k] = -coef[h][k];
    double scale = fabs(coef[0][0]);
    if (scale > 0)
        for (int h = 0; h < n_harm; h++)
            for (int k = 0; k < 4; k++) coef[h][k] /= scale;
}
