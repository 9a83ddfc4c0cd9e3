/* Feature spaces of the metrics.  See feature_space.h. */
#include "analysis/feature_space.h"
#include "core/error.h"
#include "morpho/measure.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const feature_kind_names[] = {"domain", "inception", "morpho", NULL};

int feature_space_open(FeatureSpace *f, int kind, const char *net) {
    memset(f, 0, sizeof *f);
    f->kind = kind;
    if (kind == FEATURES_DOMAIN) {
        if (featnet_load(&f->domain, net)) return -1;
        featnet_fingerprint(&f->domain, f->fingerprint);
        f->dim = FEATNET_DIM, f->n_classes = FEATNET_CLASSES, f->batch = 500;
        snprintf(f->label, sizeof f->label, "domain classifier");
    } else if (kind == FEATURES_INCEPTION) {
        if (inception_load(&f->inception, net)) return -1;
        memcpy(f->fingerprint, f->inception.fingerprint, sizeof f->fingerprint);
        f->dim = INCEPTION_DIM, f->n_classes = f->inception.n_classes, f->batch = 8;
        snprintf(f->label, sizeof f->label, "Inception-v3 (%s)", f->inception.variant == INCEPTION_FID ? "fid" : "torchvision");
    } else {
        f->dim = MORPHO_FEATURES, f->batch = 1;
        unsigned long long h = 1469598103934665603ULL;
        char def[64];
        snprintf(def, sizeof def, "morpho-v1 harm %d dim %d", MORPHO_FEATURE_HARM, MORPHO_FEATURES);
        for (const char *p = def; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        snprintf(f->fingerprint, sizeof f->fingerprint, "%016llx", h);
        snprintf(f->label, sizeof f->label, "morphometrics");
    }
    return 0;
}

void feature_space_close(FeatureSpace *f) {
    if (f->kind == FEATURES_DOMAIN) featnet_free(&f->domain);
    else if (f->kind == FEATURES_INCEPTION) inception_free(&f->inception);
    memset(f, 0, sizeof *f);
}

static void morpho_row(const Measures *m, float *out) {
    double s[MORPHO_N_SCALARS];
    morpho_scalars(m, s);
    int k = 0;
    for (int i = 0; i < MORPHO_N_SCALARS; i++) out[k++] = (float)s[i];
    out[k++] = (float)m->efd[0][3];
    for (int hm = 1; hm < MORPHO_FEATURE_HARM; hm++)
        for (int j = 0; j < 4; j++) out[k++] = (float)m->efd[hm][j];
}

/* every image measured in parallel (one workspace per thread; per-image results do not depend on the
 * thread count), the measured ones compacted in order */
static long morpho_extract(const ImageSet *s, float *feat, int *flags) {
    int *fl = mg_xmalloc((size_t)s->n * sizeof(int));
#pragma omp parallel
    {
        MorphoWork wk;
        morpho_work_init(&wk);
        float *gray = mg_xmalloc((size_t)s->h * s->w * sizeof(float));
#pragma omp for schedule(dynamic, 8)
        for (long i = 0; i < s->n; i++) {
            Measures m;
            if (morpho_work_reserve(&wk, s->w, s->h)) { fl[i] = SEG_MEASURE_FAILED; continue; }
            image_set_gray(s, i, gray);
            for (size_t k = 0; k < (size_t)s->h * s->w; k++) wk.gray[k] = 0.5f * (gray[k] + 1.0f);
            fl[i] = morpho_measure_gray(&wk, s->w, s->h, MORPHO_FEATURE_HARM, &m);
            if (fl[i] == SEG_OK) morpho_row(&m, feat + (size_t)i * MORPHO_FEATURES);
        }
        free(gray);
        morpho_work_free(&wk);
    }
    long n_ok = 0;
    for (long i = 0; i < s->n; i++) {
        if (fl[i] == SEG_OK) {
            if (n_ok != i) memmove(feat + (size_t)n_ok * MORPHO_FEATURES, feat + (size_t)i * MORPHO_FEATURES, MORPHO_FEATURES * sizeof(float));
            n_ok++;
        }
        if (flags) flags[i] = fl[i];
    }
    free(fl);
    return n_ok;
}

int feature_space_extract(FeatureSpace *f, const ImageSet *s, float **features, float **logits, long *n_ok, int *flags) {
    *features = NULL;
    if (logits) *logits = NULL;
    *n_ok = 0;
    if (f->kind == FEATURES_DOMAIN && (s->h != 28 || s->w != 28))
        return mg_error_set("%s: images are %dx%d; the domain feature network takes 28x28 (use --features inception or morpho)",
                            s->names ? s->names[0] : "the image set", s->w, s->h);
    float *feat = mg_xmalloc((size_t)(s->n ? s->n : 1) * f->dim * sizeof(float));
    float *lg = logits && f->n_classes ? mg_xmalloc((size_t)(s->n ? s->n : 1) * f->n_classes * sizeof(float)) : NULL;
    if (f->kind == FEATURES_MORPHO) {
        *n_ok = morpho_extract(s, feat, flags);
    } else {
        if (flags) memset(flags, 0, (size_t)s->n * sizeof(int));
        *n_ok = s->n;
        if (f->kind == FEATURES_INCEPTION)
            inception_extract(&f->inception, s->data, s->n, s->c, s->h, s->w, f->batch, feat, lg);
        else if (s->c == 1)
            featnet_extract(&f->domain, s->data, s->n, f->batch, feat, lg);
        else {                                          /* colour: luminance first */
            float *gray = mg_xmalloc((size_t)s->n * 784 * sizeof(float));
            for (long i = 0; i < s->n; i++) image_set_gray(s, i, gray + (size_t)i * 784);
            featnet_extract(&f->domain, gray, s->n, f->batch, feat, lg);
            free(gray);
        }
    }
    *features = feat;
    if (logits) *logits = lg;
    return 0;
}

void feature_standardise(const float *real, long n, float *x, long m, int d) {
    for (int j = 0; j < d; j++) {
        double s = 0, ss = 0;
        for (long i = 0; i < n; i++) s += real[(size_t)i * d + j];
        const double mu = n ? s / n : 0;
        for (long i = 0; i < n; i++) ss += (real[(size_t)i * d + j] - mu) * (real[(size_t)i * d + j] - mu);
        const double sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
        for (long i = 0; i < m; i++) x[(size_t)i * d + j] = sd > 0 ? (float)((x[(size_t)i * d + j] - mu) / sd) : 0.0f;
    }
}
