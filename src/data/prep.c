/* Channel conversion, black fraction, square padding, area/bilinear resizing. */
#include "data/prep.h"
#include "morpho/align.h"
#include "morpho/segment.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PrepOpts prep_defaults(void) {
    PrepOpts o = {.size = 64, .channels = 1, .pad = PAD_MEAN, .max_black = 0.2f, .black_level = 10};
    return o;
}

static inline float luma(const uint8_t *p) { return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]; }

void prep_to_planes(const Image *img, int channels, float *planes) {
    size_t hw = (size_t)img->w * img->h;
    for (size_t i = 0; i < hw; i++) {
        const uint8_t *p = img->px + i * img->c;
        if (channels == 1) planes[i] = img->c == 1 ? p[0] : luma(p);
        else for (int k = 0; k < 3; k++) planes[k * hw + i] = p[img->c == 1 ? 0 : k];
    }
}

double prep_black_fraction(const Image *img, int level) {
    size_t hw = (size_t)img->w * img->h, n = 0;
    for (size_t i = 0; i < hw; i++) {
        const uint8_t *p = img->px + i * img->c;
        n += (img->c == 1 ? p[0] : luma(p)) <= (float)level;
    }
    return hw ? (double)n / hw : 0.0;
}

void prep_pad_square(int c, int h, int w, const float *in, PadMode mode, float *out) {
    int s = h > w ? h : w, y0 = (s - h) / 2, x0 = (s - w) / 2;
    size_t hw = (size_t)h * w, ss = (size_t)s * s;
    for (int k = 0; k < c; k++) {
        const float *src = in + k * hw;
        float *dst = out + k * ss, fill = mode == PAD_WHITE ? 255.f : 0.f;
        if (mode == PAD_MEAN) {
            double sum = 0;
            for (size_t i = 0; i < hw; i++) sum += src[i];
            fill = (float)(sum / (double)hw);
        }
        for (size_t i = 0; i < ss; i++) dst[i] = fill;
        for (int y = 0; y < h; y++) memcpy(dst + (size_t)(y + y0) * s + x0, src + (size_t)y * w, sizeof(float) * w);
    }
}

/* Resampling weights of one axis n_in -> n_out: output j = sum_{t < cnt[j]} wt[j*K + t] * in[first[j] + t]. */
typedef struct Axis { int K; int *first, *cnt; float *wt; } Axis;

static int axis_make(int n_in, int n_out, Axis *a) {
    double s = (double)n_in / n_out;
    a->K = n_out < n_in ? (int)ceil(s) + 2 : 2;
    a->first = malloc(sizeof(int) * n_out);
    a->cnt = malloc(sizeof(int) * n_out);
    a->wt = calloc((size_t)n_out * a->K, sizeof(float));
    if (!a->first || !a->cnt || !a->wt) return -1;
    for (int j = 0; j < n_out; j++) {
        float *wj = a->wt + (size_t)j * a->K;
        if (n_out < n_in) {                       /* area: output j covers [j s, (j+1) s) */
            double lo = j * s, hi = (j + 1) * s;
            int i0 = (int)floor(lo), i1 = (int)ceil(hi);
            if (i1 > n_in) i1 = n_in;
            a->first[j] = i0;
            a->cnt[j] = 0;
            for (int i = i0; i < i1; i++) {
                double ov = fmin(i + 1.0, hi) - fmax((double)i, lo);
                wj[a->cnt[j]++] = ov > 0 ? (float)(ov / s) : 0.f;
            }
        } else {                                  /* bilinear, half-pixel centres */
            double src = (j + 0.5) * s - 0.5;
            if (src < 0) src = 0;
            int i0 = (int)floor(src);
            if (i0 > n_in - 1) i0 = n_in - 1;
            double t = src - i0;
            a->first[j] = i0;
            if (i0 + 1 < n_in && t > 0) { a->cnt[j] = 2; wj[0] = (float)(1 - t); wj[1] = (float)t; }
            else { a->cnt[j] = 1; wj[0] = 1.f; }
        }
    }
    return 0;
}

static void axis_free(Axis *a) { free(a->first); free(a->cnt); free(a->wt); }

int prep_resize(int c, int h, int w, const float *in, int oh, int ow, float *out) {
    Axis ax = {0}, ay = {0};
    float *tmp = malloc(sizeof(float) * (size_t)c * h * ow);      /* [c, h, ow]: rows resized */
    int rc = 0;
    if (!tmp || axis_make(w, ow, &ax) || axis_make(h, oh, &ay)) { rc = mg_error_set("out of memory resizing"); goto done; }
    for (long r = 0; r < (long)c * h; r++) {
        const float *src = in + r * w;
        float *dst = tmp + r * ow;
        for (int j = 0; j < ow; j++) {
            const float *wj = ax.wt + (size_t)j * ax.K, *sj = src + ax.first[j];
            float acc = 0;
            for (int t = 0; t < ax.cnt[j]; t++) acc += wj[t] * sj[t];
            dst[j] = acc;
        }
    }
    for (int k = 0; k < c; k++)
        for (int i = 0; i < oh; i++) {
            float *dst = out + ((size_t)k * oh + i) * ow;
            const float *wi = ay.wt + (size_t)i * ay.K;
            for (int j = 0; j < ow; j++) dst[j] = 0;
            for (int t = 0; t < ay.cnt[i]; t++) {
                const float *src = tmp + ((size_t)k * h + ay.first[i] + t) * ow;
                for (int j = 0; j < ow; j++) dst[j] += wi[t] * src[j];
            }
        }
done:
    free(tmp);
    axis_free(&ax);
    axis_free(&ay);
    return rc;
}

void prep_to_unit(float *x, long n) {
    for (long i = 0; i < n; i++) x[i] = x[i] / 127.5f - 1.f;
}

/* [c, S, S] planes (0..255) -> the valve in its canonical pose, in place.  0, 1 (rejected) or -1. */
static int prep_align(int c, int S, float *planes, char *reason, int reason_n) {
    size_t ss = (size_t)S * S;
    float *gray = malloc(sizeof(float) * ss), *tmp = malloc(sizeof(float) * c * ss);
    MorphoWork wk;
    morpho_work_init(&wk);
    int rc = 0;
    if (!gray || !tmp) rc = mg_error_set("out of memory aligning a %dx%d image", S, S);
    else {
        for (size_t i = 0; i < ss; i++)
            gray[i] = c == 1 ? planes[i] / 255 : (0.299f * planes[i] + 0.587f * planes[ss + i] + 0.114f * planes[2 * ss + i]) / 255;
        AlignPose pose;
        int flag = align_find_pose(&wk, gray, S, S, &pose);
        if (flag < 0) rc = mg_error_set("out of memory aligning a %dx%d image", S, S);
        else if (flag > 0) {
            snprintf(reason, reason_n, "align: valve not measured (%s)", seg_flag_name(flag));
            rc = 1;
        } else {
            align_apply(&pose, c, S, S, planes, tmp);
            memcpy(planes, tmp, sizeof(float) * c * ss);
        }
    }
    morpho_work_free(&wk);
    free(gray);
    free(tmp);
    return rc;
}

int prep_image(const Image *img, const PrepOpts *o, float *out, char *reason, int reason_n) {
    if (o->max_black < 1) {
        double bf = prep_black_fraction(img, o->black_level);
        if (bf > o->max_black) {
            snprintf(reason, reason_n, "black fraction %.2f > %.2f", bf, o->max_black);
            return 1;
        }
    }
    int c = o->channels, h = img->h, w = img->w, s = h > w ? h : w, S = o->size > 0 ? o->size : s;
    size_t hw = (size_t)h * w, ss = (size_t)s * s;
    float *planes = malloc(sizeof(float) * c * hw), *sq = malloc(sizeof(float) * c * ss);
    int rc = 0;
    if (!planes || !sq) rc = mg_error_set("out of memory preparing a %dx%d image", w, h);
    else {
        prep_to_planes(img, c, planes);
        prep_pad_square(c, h, w, planes, o->pad, sq);
        if (S == s) memcpy(out, sq, sizeof(float) * c * ss);
        else rc = prep_resize(c, s, s, sq, S, S, out);
        if (rc == 0 && o->align) rc = prep_align(c, S, out, reason, reason_n);
        if (rc == 0) prep_to_unit(out, (long)c * S * S);
    }
    free(planes);
    free(sq);
    return rc;
}
