#include "morpho/stats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Continued fraction for I_x(a, b) (modified Lentz), valid and fast for x < (a + 1) / (a + b + 2). */
static double betacf(double a, double b, double x) {
    const double tiny = 1e-300, eps = 1e-15;
    double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d; if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c; if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d; if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c; if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < eps) break;
    }
    return h;
}

double incbeta_reg(double a, double b, double x) {
    if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1)) return NAN;
    if (x == 0) return 0;
    if (x == 1) return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return exp(lbt) * betacf(a, b, x) / a;
    return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
    if (!(df > 0) || isnan(t)) return NAN;
    if (isinf(t)) return t > 0 ? 1 : 0;
    double x = df / (df + t * t);
    double tail = 0.5 * incbeta_reg(df / 2, 0.5, x);     /* P(T > |t|) */
    return t >= 0 ? 1 - tail : tail;
}

static void mean_sd(const double *x, int n, int *cnt, double *mean, double *sd) {
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++) if (!isnan(x[i])) { s += x[i]; k++; }
    *cnt = k;
    *mean = k ? s / k : NAN;
    double ss = 0;
    for (int i = 0; i < n; i++) if (!isnan(x[i])) ss += (x[i] - *mean) * (x[i] - *mean);
    *sd = k > 1 ? sqrt(ss / (k - 1)) : NAN;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int sorted_finite(const double *x, int n, double *out) {
    int k = 0;
    for (int i = 0; i < n; i++) if (!isnan(x[i])) out[k++] = x[i];
    qsort(out, k, sizeof *out, cmp_double);
    return k;
}

double ks_two_sample(const double *x1, int n1, const double *x2, int n2, double *p) {
    double *a = malloc(sizeof(double) * (n1 + 1)), *b = malloc(sizeof(double) * (n2 + 1)), d = NAN;
    int na = a ? sorted_finite(x1, n1, a) : 0, nb = b ? sorted_finite(x2, n2, b) : 0;
    if (na > 0 && nb > 0) {
        d = 0;
        for (int i = 0, j = 0; i < na || j < nb;) {      /* step both CDFs past the next value (ties together) */
            double v = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
            while (i < na && a[i] == v) i++;
            while (j < nb && b[j] == v) j++;
            d = fmax(d, fabs((double)i / na - (double)j / nb));
        }
    }
    if (p) {
        *p = NAN;
        if (!isnan(d)) {
            double ne = (double)na * nb / (na + nb), lam = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * d, q = 0;
            if (lam < 1e-3) q = 1;
            else {
                for (int k = 1; k <= 100; k++) q += (k % 2 ? 2 : -2) * exp(-2.0 * k * k * lam * lam);
                q = q < 0 ? 0 : q > 1 ? 1 : q;
            }
            *p = q;
        }
    }
    free(a);
    free(b);
    return d;
}

int compare_groups(const double *x1, int n1, const double *x2, int n2, GroupComparison *o) {
    memset(o, 0, sizeof *o);
    mean_sd(x1, n1, &o->n1, &o->mean1, &o->sd1);
    mean_sd(x2, n2, &o->n2, &o->mean2, &o->sd2);
    if (o->n1 < 2 || o->n2 < 2) return -1;
    double a = o->n1, b = o->n2, v1 = o->sd1 * o->sd1, v2 = o->sd2 * o->sd2;
    o->diff = o->mean2 - o->mean1;
    o->rel_diff = o->mean1 != 0 ? o->diff / o->mean1 : NAN;
    double sp = sqrt(((a - 1) * v1 + (b - 1) * v2) / (a + b - 2));
    o->d = sp > 0 ? o->diff / sp : (o->diff == 0 ? 0 : copysign(INFINITY, o->diff));
    double se_d = sqrt((a + b) / (a * b) + o->d * o->d / (2 * (a + b)));
    o->d_lo = o->d - 1.959964 * se_d;
    o->d_hi = o->d + 1.959964 * se_d;
    double se2 = v1 / a + v2 / b;
    if (se2 > 0) {
        o->t = o->diff / sqrt(se2);
        o->df = se2 * se2 / (v1 * v1 / (a * a * (a - 1)) + v2 * v2 / (b * b * (b - 1)));
        /* two-sided p = 2 P(T > |t|) = I_x(df/2, 1/2): the tail directly, no 1 - cdf cancellation */
        o->p = incbeta_reg(o->df / 2, 0.5, o->df / (o->df + o->t * o->t));
    } else {
        o->t = o->diff == 0 ? 0 : copysign(INFINITY, o->diff);
        o->df = a + b - 2;
        o->p = o->diff == 0 ? 1 : 0;
    }
    o->ks = ks_two_sample(x1, n1, x2, n2, &o->ks_p);
    return 0;
}
