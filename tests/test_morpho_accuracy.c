/* The measurements against the synthesiser's truth on 1000 images of 64x64 (the CPU default):
 *  - median relative error of length and width under 5%, bending correlation r > 0.9;
 *  - control vs treated: for every effect put in (length -12%, bending +0.22 rad, width +15%) the
 *    measured effect has the true sign and its size within 20%, where size = relative difference of
 *    the group means, (mean_treated - mean_control) / mean_control, of the measured vs the true
 *    parameter; and Welch's test finds it (p < 1e-6). */
#include "morpho/measure.h"
#include "morpho/stats.h"
#include "synth/synth_dataset.h"
#include "test.h"
#include <stdlib.h>

enum { N = 1000 };
static DiatomParams truth[N];
static Measures meas[N];

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_abs_rel_err(const double *m, const double *t, int n) {
    double *e = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) e[i] = fabs(m[i] / t[i] - 1);
    qsort(e, n, sizeof(double), cmp_double);
    double med = n % 2 ? e[n / 2] : 0.5 * (e[n / 2 - 1] + e[n / 2]);
    free(e);
    return med;
}

static double correlation(const double *a, const double *b, int n) {
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
    ma /= n; mb /= n;
    for (int i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

static double mL[N], tL[N], mW[N], tW[N], mB[N], tB[N];
static int n_ok;
static int grp[N];

static void generate_and_measure(void) {
    SynthOptions o = {.n = N, .seed = 2024};
    diatom_model_default(&o.model);
    o.model.effect_width = 0.15;
    imaging_model_default(&o.imaging, 64, 64, 1);
#pragma omp parallel
    {
        MorphoWork wk;
        morpho_work_init(&wk);
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < N; i++) {
            Image img;
            if (synth_make_image(&o, i, &truth[i], &img)) continue;
            morpho_measure_image(&img, &wk, 10, &meas[i]);
            image_free(&img);
        }
        morpho_work_free(&wk);
    }
    for (int i = 0; i < N; i++) {
        if (meas[i].flag != SEG_OK) continue;
        mL[n_ok] = meas[i].length; tL[n_ok] = truth[i].length_px;
        mW[n_ok] = meas[i].width; tW[n_ok] = truth[i].width_px;
        mB[n_ok] = meas[i].bending; tB[n_ok] = truth[i].bending;
        grp[n_ok] = truth[i].group;
        n_ok++;
    }
}

TEST(almost_every_image_is_measured) {
    CHECK_MSG(n_ok >= 0.98 * N, "only %d of %d measured", n_ok, N);
}

TEST(length_width_bending_against_truth) {
    double eL = median_abs_rel_err(mL, tL, n_ok), eW = median_abs_rel_err(mW, tW, n_ok);
    double r = correlation(mB, tB, n_ok);
    printf("     median |rel err| length %.4f width %.4f; bending r %.4f (n = %d)\n", eL, eW, r, n_ok);
    CHECK(eL < 0.05);
    CHECK(eW < 0.05);
    CHECK(r > 0.9);
}

/* relative difference of group means and the Welch comparison for one measure */
static void effect(const double *m, const double *t, const char *name) {
    double *c = malloc(sizeof(double) * n_ok), *tr = malloc(sizeof(double) * n_ok);
    int nc = 0, nt = 0;
    for (int i = 0; i < n_ok; i++) (grp[i] == GROUP_CONTROL ? c : tr)[grp[i] == GROUP_CONTROL ? nc++ : nt++] = m[i];
    GroupComparison gm, gt;
    CHECK(compare_groups(c, nc, tr, nt, &gm) == 0);
    nc = nt = 0;
    for (int i = 0; i < n_ok; i++) (grp[i] == GROUP_CONTROL ? c : tr)[grp[i] == GROUP_CONTROL ? nc++ : nt++] = t[i];
    CHECK(compare_groups(c, nc, tr, nt, &gt) == 0);
    printf("     %-8s effect: measured %+.4f  true %+.4f  (ratio %.3f), d = %.2f, p = %.2g\n", name, gm.rel_diff,
           gt.rel_diff, gm.rel_diff / gt.rel_diff, gm.d, gm.p);
    CHECK_MSG((gm.rel_diff > 0) == (gt.rel_diff > 0), "%s: wrong sign", name);
    CHECK_MSG(fabs(gm.rel_diff / gt.rel_diff - 1) < 0.2, "%s: size off by more than 20%%", name);
    CHECK_MSG(gm.p < 1e-6, "%s: not significant", name);
    free(c);
    free(tr);
}

TEST(compare_recovers_every_effect) {
    effect(mL, tL, "length");
    effect(mW, tW, "width");
    effect(mB, tB, "bending");
}

int main(void) {
    generate_and_measure();
    RUN(almost_every_image_is_measured);
    RUN(length_width_bending_against_truth);
    RUN(compare_recovers_every_effect);
    return test_summary();
}
