/* Canonical pose (morpho/align.h) on synthetic valves of 64x64:
 *  - after aligning, the pose found again is the identity: centroid at the centre, axis horizontal,
 *    no flip for cells bent enough for the sign to be clear (truth bending > 0.2 rad);
 *  - an image and its top-bottom mirror align to the same image;
 *  - morpho's length and bending are kept (median relative change < 3%, < 0.03 rad);
 *  - a blank image is rejected, by align_find_pose and by prep_image with align on. */
#include "data/prep.h"
#include "morpho/align.h"
#include "morpho/measure.h"
#include "morpho/segment.h"
#include "synth/synth_dataset.h"
#include "test.h"
#include <stdlib.h>
#include <string.h>

enum { N = 60, S = 64 };

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void to_gray(const Image *img, float *g) {       /* grey 8-bit -> 0..1 */
    for (int i = 0; i < S * S; i++) g[i] = img->px[i] / 255.0f;
}

static int measure(MorphoWork *wk, const float *g, Measures *m) {
    morpho_work_reserve(wk, S, S);
    memcpy(wk->gray, g, sizeof(float) * S * S);
    return morpho_measure_gray(wk, S, S, 0, m);
}

TEST(aligned_pose_is_identity_and_measures_kept) {
    SynthOptions o = {.n = N, .seed = 7};
    diatom_model_default(&o.model);
    imaging_model_default(&o.imaging, S, S, 1);
    MorphoWork wk;
    morpho_work_init(&wk);
    static float g[S * S], a[S * S], mir[S * S], am[S * S];
    double dlen[N], dbend[N], worst_mirror = 0;
    int n = 0, bent = 0, bent_flipped = 0;
    for (int i = 0; i < o.n; i++) {
        DiatomParams t;
        Image img;
        if (synth_make_image(&o, i, &t, &img)) continue;
        to_gray(&img, g);
        image_free(&img);
        AlignPose p, q;
        Measures m0, m1;
        if (align_find_pose(&wk, g, S, S, &p) != SEG_OK || measure(&wk, g, &m0) != SEG_OK) continue;
        CHECK(p.angle_deg > -90 && p.angle_deg <= 90);
        align_apply(&p, 1, S, S, g, a);
        CHECK(align_find_pose(&wk, a, S, S, &q) == SEG_OK);
        CHECK_MSG(fabs(q.cx - S / 2.0) < 1 && fabs(q.cy - S / 2.0) < 1, "image %d: centroid (%g, %g)", i, q.cx, q.cy);
        CHECK_MSG(fabs(q.angle_deg) < 3, "image %d: axis %g degrees after aligning", i, q.angle_deg);
        if (t.bending > 0.2) { bent++; bent_flipped += q.flip; }
        CHECK(measure(&wk, a, &m1) == SEG_OK);
        dlen[n] = fabs(m1.length / m0.length - 1);
        dbend[n] = fabs(m1.bending - m0.bending);
        n++;
        /* the top-bottom mirror aligns to the same image */
        for (int y = 0; y < S; y++) memcpy(mir + y * S, g + (S - 1 - y) * S, sizeof(float) * S);
        CHECK(align_find_pose(&wk, mir, S, S, &q) == SEG_OK);
        align_apply(&q, 1, S, S, mir, am);
        double d = 0;
        for (int k = 0; k < S * S; k++) d += fabs(am[k] - a[k]);
        if (d / (S * S) > worst_mirror) worst_mirror = d / (S * S);
    }
    CHECK_MSG(n >= N - 3, "%d of %d measured", n, N);
    CHECK_MSG(bent >= 10 && bent_flipped == 0, "%d of %d bent cells flipped again", bent_flipped, bent);
    CHECK_MSG(worst_mirror < 0.002, "mirror vs original after aligning: mean |diff| %g", worst_mirror);
    double ml = median(dlen, n), mb = median(dbend, n);
    CHECK_MSG(ml < 0.03, "median relative length change %g", ml);
    CHECK_MSG(mb < 0.03, "median bending change %g rad", mb);
    morpho_work_free(&wk);
}

TEST(blank_image_is_rejected) {
    static float g[S * S];
    for (int i = 0; i < S * S; i++) g[i] = 0.6f;
    MorphoWork wk;
    morpho_work_init(&wk);
    AlignPose p;
    CHECK(align_find_pose(&wk, g, S, S, &p) > 0);
    morpho_work_free(&wk);
    Image img = {.w = S, .h = S, .c = 1};
    img.px = malloc(S * S);
    memset(img.px, 150, S * S);
    PrepOpts po = prep_defaults();
    po.align = 1;
    static float out[S * S];
    char why[128] = "";
    CHECK(prep_image(&img, &po, out, why, sizeof why) == 1);
    CHECK_MSG(strstr(why, "align") != NULL, "reason '%s'", why);
    free(img.px);
}

int main(void) {
    RUN(aligned_pose_is_identity_and_measures_kept);
    RUN(blank_image_is_rejected);
    return test_summary();
}
