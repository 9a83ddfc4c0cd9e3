/* Feature extraction and standardisation (see features.h). */
#include "analysis/features.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int feature_spec_parse(const char *s, FeatureSpec *f) {
    memset(f, 0, sizeof *f);
    if (!strcmp(s, "w")) { f->kind = FEAT_W; return 0; }
    if (!strcmp(s, "wplus")) { f->kind = FEAT_WPLUS; return 0; }
    if (!strncmp(s, "layer:", 6)) {
        char *end;
        long k = strtol(s + 6, &end, 10);
        if (s[6] && !*end && k >= 0 && k < 1000000) { f->kind = FEAT_LAYER; f->layer = (int)k; return 0; }
    }
    return mg_error_set("--features: '%s' is not w, wplus or layer:K (K = 0-based layer)", s);
}

const char *feature_spec_str(FeatureSpec f) {
    static _Thread_local char bufs[2][32];
    static _Thread_local int k;
    char *b = bufs[k++ & 1];
    if (f.kind == FEAT_W) return "w";
    if (f.kind == FEAT_WPLUS) return "wplus";
    snprintf(b, sizeof bufs[0], "layer:%d", f.layer);
    return b;
}

int features_extract(const LatentTable *t, FeatureSpec f, float **x, int *d) {
    if (f.kind == FEAT_LAYER && f.layer >= t->L)
        return mg_error_set("--features layer:%d: the codes have %d layer%s (0..%d)", f.layer, t->L,
                            t->L == 1 ? "" : "s", t->L - 1);
    size_t ld = (size_t)t->L * t->D;
    *d = f.kind == FEAT_WPLUS ? (int)ld : t->D;
    size_t off = f.kind == FEAT_LAYER ? (size_t)f.layer * t->D : 0;
    *x = mg_xmalloc((size_t)t->n * *d * sizeof(float));
    for (int i = 0; i < t->n; i++)
        memcpy(*x + (size_t)i * *d, t->codes + (size_t)i * ld + off, (size_t)*d * sizeof(float));
    return 0;
}

void standardizer_fit(Standardizer *s, const float *x, int d, const int *rows, int nrows) {
    s->d = d;
    s->mean = mg_xcalloc((size_t)d, sizeof(double));
    s->scale = mg_xcalloc((size_t)d, sizeof(double));
    for (int r = 0; r < nrows; r++) {
        const float *xi = x + (size_t)rows[r] * d;
        for (int j = 0; j < d; j++) s->mean[j] += xi[j];
    }
    for (int j = 0; j < d; j++) s->mean[j] /= nrows > 0 ? nrows : 1;
    for (int r = 0; r < nrows; r++) {
        const float *xi = x + (size_t)rows[r] * d;
        for (int j = 0; j < d; j++) { double t = xi[j] - s->mean[j]; s->scale[j] += t * t; }
    }
    for (int j = 0; j < d; j++) {
        double sd = sqrt(s->scale[j] / (nrows > 0 ? nrows : 1));
        s->scale[j] = sd > 1e-12 * (1 + fabs(s->mean[j])) ? sd : 1.0;
    }
}

void standardizer_apply(const Standardizer *s, const float *x, const int *rows, int nrows, double *out) {
    for (int r = 0; r < nrows; r++) {
        const float *xi = x + (size_t)rows[r] * s->d;
        double *o = out + (size_t)r * s->d;
        for (int j = 0; j < s->d; j++) o[j] = (xi[j] - s->mean[j]) / s->scale[j];
    }
}

void standardizer_apply_f32(const Standardizer *s, const float *x, const int *rows, int nrows, float *out) {
    for (int r = 0; r < nrows; r++) {
        const float *xi = x + (size_t)rows[r] * s->d;
        float *o = out + (size_t)r * s->d;
        for (int j = 0; j < s->d; j++) o[j] = (float)((xi[j] - s->mean[j]) / s->scale[j]);
    }
}

void standardizer_unmap(const Standardizer *s, const double *ws, double bs, double *w, double *b) {
    double shift = 0;
    for (int j = 0; j < s->d; j++) {
        w[j] = ws[j] / s->scale[j];
        shift += w[j] * s->mean[j];
    }
    *b = bs - shift;
}

void standardizer_free(Standardizer *s) {
    free(s->mean);
    free(s->scale);
    memset(s, 0, sizeof *s);
}
