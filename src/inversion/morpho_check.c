#include "inversion/morpho_check.h"
#include "core/error.h"
#include "io/image.h"
#include "morpho/measure.h"
#include "morpho/workspace.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void to_image(const float *x, int C, int R, Image *img) {
    image_alloc(img, R, R, C);
    for (int y = 0; y < R; y++)
        for (int xx = 0; xx < R; xx++)
            for (int k = 0; k < C; k++) {
                float v = (x[((size_t)k * R + y) * R + xx] + 1) * 127.5f;
                img->px[((size_t)y * R + xx) * C + k] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
            }
}

double pearson_r(const double *x, const double *y, int n) {
    if (n < 3) return NAN;
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
    mx /= n;
    my /= n;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void morpho_check(const float *images, const float *recon, int n, int C, int R, MorphoPair *rows_out, MorphoCheck *out) {
    MorphoPair *rows = rows_out ? rows_out : mg_xcalloc((size_t)(n ? n : 1), sizeof(MorphoPair));
    const size_t in = (size_t)C * R * R;
#pragma omp parallel
    {
        MorphoWork wk;
        morpho_work_init(&wk);
#pragma omp for schedule(dynamic, 4)
        for (int i = 0; i < n; i++) {
            Image a, b;
            Measures ma, mb;
            to_image(images + i * in, C, R, &a);
            to_image(recon + i * in, C, R, &b);
            memset(&ma, 0, sizeof ma);
            memset(&mb, 0, sizeof mb);
            if (morpho_measure_image(&a, &wk, 4, &ma) < 0) ma.flag = SEG_MEASURE_FAILED;
            if (morpho_measure_image(&b, &wk, 4, &mb) < 0) mb.flag = SEG_MEASURE_FAILED;
            rows[i] = (MorphoPair){.ok = ma.flag == SEG_OK && mb.flag == SEG_OK, .flag_img = ma.flag, .flag_rec = mb.flag,
                                   .len_img = ma.length, .len_rec = mb.length, .bend_img = ma.bending, .bend_rec = mb.bending};
            image_free(&a);
            image_free(&b);
        }
        morpho_work_free(&wk);
    }
    double *e = mg_xmalloc(sizeof(double) * (n ? n : 1)), *li = mg_xmalloc(sizeof(double) * (n ? n : 1));
    double *lr = mg_xmalloc(sizeof(double) * (n ? n : 1)), *bi = mg_xmalloc(sizeof(double) * (n ? n : 1));
    double *br = mg_xmalloc(sizeof(double) * (n ? n : 1));
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (!rows[i].ok || !(rows[i].len_img > 0)) continue;
        e[m] = fabs(rows[i].len_rec - rows[i].len_img) / rows[i].len_img;
        li[m] = rows[i].len_img;
        lr[m] = rows[i].len_rec;
        bi[m] = rows[i].bend_img;
        br[m] = rows[i].bend_rec;
        m++;
    }
    out->n = n;
    out->n_ok = m;
    out->len_r = pearson_r(li, lr, m);
    out->bend_r = pearson_r(bi, br, m);
    out->bend_slope = ls_slope(bi, br, m);
    qsort(e, (size_t)m, sizeof(double), cmp_d);
    out->len_median_rel_err = m ? (m % 2 ? e[m / 2] : 0.5 * (e[m / 2 - 1] + e[m / 2])) : NAN;
    free(e); free(li); free(lr); free(bi); free(br);
    if (!rows_out) free(rows);
}

double ls_slope(const double *x, const double *y, int n) {
    if (n < 2) return NAN;
    double mx = 0, my = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
    mx /= n; my /= n;
    for (int i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
    return sxx > 0 ? sxy / sxx : NAN;
}
