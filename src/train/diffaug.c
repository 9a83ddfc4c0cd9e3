/* Differentiable augmentation: per-sample draws from fixed Philox words, then the colour transforms
 * (broadcast elementwise ops) and one pixel gather for flip / rotation / translation / cutout. */
#include "train/diffaug.h"
#include "core/error.h"
#include "ops/ops.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* word slots of a sample (a normal value takes two words: Box-Muller, core/rng.c) */
enum {
    SLOT_XFLIP_GATE = 0, SLOT_XFLIP = 1,
    SLOT_ROT_GATE = 2, SLOT_ROT = 3,
    SLOT_TRANSLATE_GATE = 4, SLOT_DY = 5, SLOT_DX = 6,
    SLOT_BRIGHTNESS_GATE = 7, SLOT_BRIGHTNESS = 8,          /* 8, 9 */
    SLOT_CONTRAST_GATE = 10, SLOT_CONTRAST = 11,            /* 11, 12 */
    SLOT_SATURATION_GATE = 13, SLOT_SATURATION = 14,        /* 14, 15 */
    SLOT_CUTOUT_GATE = 16, SLOT_CUT_Y = 17, SLOT_CUT_X = 18,
    SLOT_COUNT = 19                                          /* word 19 is unused */
};
_Static_assert(SLOT_COUNT <= DA_WORDS_PER_SAMPLE, "augmentation draws overflow a sample's words");

DiffAug diffaug_defaults(void) {
    return (DiffAug){.p = 0, .ops = DA_DEFAULT, .translate = 0.125f, .cutout = 0.5f, .brightness_sd = 0.2f,
                     .contrast_sd = 0.5f, .saturation_sd = 1.0f};
}

int diffaug_check(const DiffAug *a, int C, int H, int W) {
    if (!(a->p >= 0 && a->p <= 1)) return mg_error_set("augmentation probability p = %g (needs 0 <= p <= 1)", (double)a->p), -1;
    if (a->ops & ~(unsigned)(DA_XFLIP | DA_ROT90 | DA_TRANSLATE | DA_CUTOUT | DA_COLOR))
        return mg_error_set("augmentation: unknown transform bits 0x%x", a->ops), -1;
    if (!(a->translate >= 0 && a->translate <= 1)) return mg_error_set("augmentation translate %g (needs 0..1)", (double)a->translate), -1;
    if (!(a->cutout >= 0 && a->cutout <= 1)) return mg_error_set("augmentation cutout %g (needs 0..1)", (double)a->cutout), -1;
    if (!(a->brightness_sd >= 0 && a->contrast_sd >= 0 && a->saturation_sd >= 0) ||
        !(a->brightness_sd <= 10 && a->contrast_sd <= 10 && a->saturation_sd <= 10))
        return mg_error_set("augmentation strengths brightness %g, contrast %g, saturation %g (need 0..10)",
                            (double)a->brightness_sd, (double)a->contrast_sd, (double)a->saturation_sd), -1;
    if (C < 1 || H < 1 || W < 1) return mg_error_set("augmentation of [%d,%d,%d] images", C, H, W), -1;
    if ((a->ops & DA_ROT90) && H != W)
        return mg_error_set("augmentation rot90 needs square images, these are %dx%d (drop rot90)", H, W), -1;
    return 0;
}

int diffaug_parse_ops(const char *list, unsigned *ops) {
    static const struct { const char *name; unsigned bits; } names[] = {
        {"xflip", DA_XFLIP}, {"rot90", DA_ROT90}, {"translate", DA_TRANSLATE}, {"cutout", DA_CUTOUT},
        {"brightness", DA_BRIGHTNESS}, {"saturation", DA_SATURATION}, {"contrast", DA_CONTRAST},
        {"color", DA_COLOR}, {"none", 0}};
    unsigned bits = 0;
    const char *s = list;
    while (*s) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == len && !strncmp(s, names[i].name, len)) {
                bits |= names[i].bits;
                found = 1;
            }
        if (!found)
            return mg_error_set("augmentation '%.*s' is not one of xflip, rot90, translate, cutout, brightness, "
                                "saturation, contrast, color, none", (int)len, s), -1;
        s += len;
        if (*s == ',') s++;
    }
    if (!*list) return mg_error_set("augmentation: empty list (use none)"), -1;
    *ops = bits;
    return 0;
}

/* the value in word `slot` of sample n (uniform in [0,1), or a standard normal from two words) */
static float word_uniform(const Rng *r, int n, int slot) {
    Rng w = {r->seed, r->counter + (uint64_t)n * DA_WORDS_PER_SAMPLE + (uint64_t)slot};
    return rng_uniform1(&w);
}
static float word_normal(const Rng *r, int n, int slot) {
    Rng w = {r->seed, r->counter + (uint64_t)n * DA_WORDS_PER_SAMPLE + (uint64_t)slot};
    float v;
    rng_normal(&w, &v, 1, 0, 1);
    return v;
}

/* an integer uniform in [0, n) from a uniform u in [0, 1) (clamped against rounding up to n) */
static int below(float u, int n) {
    int k = (int)(u * (float)n);
    return k < n ? k : n - 1;
}

void diffaug_draw(const DiffAug *a, int N, int H, int W, Rng *rng, DiffAugSample *out) {
    const int sy = (int)lroundf(a->translate * (float)H), sx = (int)lroundf(a->translate * (float)W);
    const int ch = (int)lroundf(a->cutout * (float)H), cw = (int)lroundf(a->cutout * (float)W);
    for (int n = 0; n < N; n++) {
        DiffAugSample s = {.saturation = 1, .contrast = 1};
#define GATE(bit, slot) ((a->ops & (bit)) && word_uniform(rng, n, slot) < a->p)
        if (GATE(DA_XFLIP, SLOT_XFLIP_GATE)) s.xflip = word_uniform(rng, n, SLOT_XFLIP) < 0.5f;
        if (GATE(DA_ROT90, SLOT_ROT_GATE)) s.rot90 = below(word_uniform(rng, n, SLOT_ROT), 4);
        if (GATE(DA_TRANSLATE, SLOT_TRANSLATE_GATE)) {
            s.dy = below(word_uniform(rng, n, SLOT_DY), 2 * sy + 1) - sy;
            s.dx = below(word_uniform(rng, n, SLOT_DX), 2 * sx + 1) - sx;
        }
        if (GATE(DA_BRIGHTNESS, SLOT_BRIGHTNESS_GATE)) s.brightness = a->brightness_sd * word_normal(rng, n, SLOT_BRIGHTNESS);
        if (GATE(DA_CONTRAST, SLOT_CONTRAST_GATE)) s.contrast = exp2f(a->contrast_sd * word_normal(rng, n, SLOT_CONTRAST));
        if (GATE(DA_SATURATION, SLOT_SATURATION_GATE))
            s.saturation = exp2f(a->saturation_sd * word_normal(rng, n, SLOT_SATURATION));
        if (GATE(DA_CUTOUT, SLOT_CUTOUT_GATE) && ch > 0 && cw > 0) {
            int cy = below(word_uniform(rng, n, SLOT_CUT_Y), H), cx = below(word_uniform(rng, n, SLOT_CUT_X), W);
            int y0 = cy - ch / 2, x0 = cx - cw / 2;
            s.cut_y0 = y0 < 0 ? 0 : y0;
            s.cut_y1 = y0 + ch > H ? H : y0 + ch;
            s.cut_x0 = x0 < 0 ? 0 : x0;
            s.cut_x1 = x0 + cw > W ? W : x0 + cw;
        }
#undef GATE
        out[n] = s;
    }
    rng->counter += (uint64_t)N * DA_WORDS_PER_SAMPLE;
}

/* source pixel of output pixel (y, x): translate, then rotate, then flip, undone in that order */
static int source_pixel(const DiffAugSample *s, int H, int W, int y, int x) {
    y -= s->dy;
    x -= s->dx;
    if (y < 0 || y >= H || x < 0 || x >= W) return -1;
    int yy = y, xx = x;
    switch (s->rot90 & 3) {           /* one turn: out[y, x] = in[x, W-1-y] (as numpy.rot90) */
    case 1: yy = x; xx = W - 1 - y; break;
    case 2: yy = H - 1 - y; xx = W - 1 - x; break;
    case 3: yy = H - 1 - x; xx = y; break;
    }
    if (s->xflip) xx = W - 1 - xx;
    return yy * W + xx;
}

/* [N,1,1,1] constant: one coefficient per sample */
static Tensor *per_sample(int N, const float *v) { return tensor_from(TSHAPE(N, 1, 1, 1), v); }

/* Brightness b, saturation s and contrast c together.  With P the channel mean at each pixel and M
 * the mean of the sample (MP = PM = M), saturation P + s(I - P) and contrast M + c(I - M) commute,
 * and applied to x + b they give
 *     y = a x + (beta P x + gamma M x + b),   a = c s,  beta = c (1 - s),  gamma = 1 - c
 * (s = 1 for one channel, where P = I).  Two full-size passes and a channel mean, instead of one
 * pass per term; a sample with b = 0, s = c = 1 gets 1 x + 0 = x exactly. */
static Tensor *colour(Tensor *x, const DiffAugSample *s) {
    const int N = x->shape[0], C = x->shape[1];
    float *a = mg_xmalloc(4 * (size_t)N * sizeof *a), *beta = a + N, *gamma = beta + N, *b = gamma + N;
    int any_a = 0, any_beta = 0, any_gamma = 0, any_b = 0;
    for (int n = 0; n < N; n++) {
        float sat = C > 1 ? s[n].saturation : 1, con = s[n].contrast;
        a[n] = con * sat;
        beta[n] = con * (1 - sat);
        gamma[n] = 1 - con;
        b[n] = s[n].brightness;
        any_a |= a[n] != 1;
        any_beta |= beta[n] != 0;
        any_gamma |= gamma[n] != 0;
        any_b |= b[n] != 0;
    }
    Tensor *y = x;
    if (any_a || any_beta || any_gamma || any_b) {
        Tensor *shift = any_b ? per_sample(N, b) : NULL;                             /* [N,1,1,1] */
        Tensor *px = any_beta || any_gamma ? mg_mean(x, 1u << 1, 1) : NULL;          /* [N,1,H,W] */
        if (any_gamma) {
            Tensor *t = mg_mul(mg_mean(px, 3u << 2, 1), per_sample(N, gamma));        /* [N,1,1,1] */
            shift = shift ? mg_add(shift, t) : t;
        }
        if (any_beta) {
            Tensor *t = mg_mul(px, per_sample(N, beta));                               /* [N,1,H,W] */
            shift = shift ? mg_add(t, shift) : t;
        }
        y = any_a ? mg_mul(x, per_sample(N, a)) : x;
        if (shift) y = mg_add(y, shift);
    }
    free(a);
    return y;
}

Tensor *diffaug_apply_samples(Tensor *x, const DiffAugSample *s) {
    MG_CHECK(x->ndim == 4, "augmentation of %s (needs [N,C,H,W])", tensor_shape_str(x));
    const int N = x->shape[0], H = x->shape[2], W = x->shape[3];
    int geo = 0;
    for (int n = 0; n < N; n++) {
        geo |= s[n].xflip || (s[n].rot90 & 3) || s[n].dy || s[n].dx ||
               (s[n].cut_y1 > s[n].cut_y0 && s[n].cut_x1 > s[n].cut_x0);
        MG_CHECK(!(s[n].rot90 & 1) || H == W, "augmentation: a quarter turn of %dx%d images", H, W);
    }
    Tensor *y = colour(x, s);                                                           /* [N,C,H,W] */
    if (geo) {      /* flip, turn, shift and cutout: one map, the cut pixels read nothing (-1) */
        int *map = mg_xmalloc((size_t)N * H * W * sizeof *map);                        /* [N, H*W] */
        for (int n = 0; n < N; n++) {
            int *m = map + (size_t)n * H * W;
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++) m[i * W + j] = source_pixel(&s[n], H, W, i, j);
            for (int i = s[n].cut_y0; i < s[n].cut_y1; i++)
                for (int j = s[n].cut_x0; j < s[n].cut_x1; j++) m[i * W + j] = -1;
        }
        y = mg_gather_pixels(y, map);      /* the op keeps its own copy */
        free(map);
    }
    return y;
}

Tensor *diffaug_apply(const DiffAug *a, Tensor *x, Rng *rng) {
    if (!(a->p > 0) || !a->ops) return x;
    MG_CHECK(x->ndim == 4, "augmentation of %s (needs [N,C,H,W])", tensor_shape_str(x));
    const int N = x->shape[0];
    DiffAugSample *s = mg_xmalloc((size_t)N * sizeof *s);
    diffaug_draw(a, N, x->shape[2], x->shape[3], rng, s);
    Tensor *y = diffaug_apply_samples(x, s);
    free(s);
    return y;
}
