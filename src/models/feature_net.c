/* The domain feature network: construction, forward, extraction, save/load.  See feature_net.h. */
#include "models/feature_net.h"
#include "core/error.h"
#include "io/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names_w[4] = {"0.weight", "2.weight", "5.weight", "7.weight"};
static const char *const names_b[4] = {"0.bias", "2.bias", "5.bias", "7.bias"};
static const int shapes[4][4] = {{16, 1, 5, 5}, {32, 16, 5, 5}, {FEATNET_DIM, 32 * 49, 0, 0},
                                 {FEATNET_CLASSES, FEATNET_DIM, 0, 0}};

void featnet_init(FeatNet *f, Rng *rng) {
    memset(f, 0, sizeof *f);
    f->ps = params_new();
    for (int i = 0; i < 4; i++) {
        f->w[i] = params_add(f->ps, names_w[i], i < 2 ? 4 : 2, shapes[i]);
        f->b[i] = params_add(f->ps, names_b[i], 1, shapes[i]);
    }
    params_finalize(f->ps);
    for (int i = 0; i < 4; i++) {
        size_t fan_in = tensor_numel(f->w[i]) / (size_t)shapes[i][0];
        float bound = 1.0f / sqrtf((float)fan_in);
        rng_uniform(rng, f->w[i]->data, tensor_numel(f->w[i]), -bound, bound);
        rng_uniform(rng, f->b[i]->data, tensor_numel(f->b[i]), -bound, bound);
    }
}

void featnet_free(FeatNet *f) {
    if (f->ps) params_free(f->ps);
    memset(f, 0, sizeof *f);
}

Tensor *featnet_forward(FeatNet *f, Tensor *x, Tensor **features) {
    const ConvGeom g = {.stride = 2, .pad = 2, .groups = 1};
    Tensor *h = mg_relu(mg_conv2d(x, f->w[0], f->b[0], g));           /* [N,16,14,14] */
    h = mg_relu(mg_conv2d(h, f->w[1], f->b[1], g));                    /* [N,32,7,7] */
    h = mg_reshape(h, TSHAPE(x->shape[0], 32 * 49));                   /* [N,1568] */
    Tensor *feat = mg_relu(mg_linear(h, f->w[2], f->b[2]));            /* [N,128] */
    if (features) *features = feat;
    return mg_linear(feat, f->w[3], f->b[3]);                          /* [N,10] */
}

void featnet_extract(FeatNet *f, const float *images, long n, int batch, float *features, float *logits) {
    int old = mg_set_grad_enabled(0);
    for (long i0 = 0; i0 < n; i0 += batch) {
        int b = (int)(n - i0 < batch ? n - i0 : batch);
        mg_step_reset();
        Tensor *x = tensor_wrap(TSHAPE(b, 1, 28, 28), (float *)images + (size_t)i0 * 784);
        Tensor *feat;
        Tensor *lg = featnet_forward(f, x, &feat);
        if (features) memcpy(features + (size_t)i0 * FEATNET_DIM, feat->data, (size_t)b * FEATNET_DIM * sizeof(float));
        if (logits) memcpy(logits + (size_t)i0 * FEATNET_CLASSES, lg->data, (size_t)b * FEATNET_CLASSES * sizeof(float));
    }
    mg_step_reset();
    mg_set_grad_enabled(old);
}

int featnet_save(const FeatNet *f, const char *path, const char *test_accuracy) {
    StWriter w;
    st_writer_init(&w);
    for (int i = 0; i < 4; i++) {
        st_writer_add(&w, names_w[i], f->w[i]->ndim, f->w[i]->shape, f->w[i]->data);
        st_writer_add(&w, names_b[i], 1, f->b[i]->shape, f->b[i]->data);
    }
    st_writer_meta(&w, "model", "morphogan-featnet-v1");
    if (test_accuracy) st_writer_meta(&w, "test_accuracy", test_accuracy);
    int rc = st_write(&w, path);
    st_writer_free(&w);
    return rc;
}

static int load_one(const StFile *sf, const char *path, const char *name, Tensor *t) {
    const StTensor *s = st_find(sf, name);
    if (!s) return mg_error_set("%s: no tensor '%s' (not a feature network written by morphogan metrics train-features?)",
                                path, name);
    int ok = s->ndim == t->ndim;
    for (int d = 0; ok && d < t->ndim; d++) ok = s->shape[d] == t->shape[d];
    if (!ok) return mg_error_set("%s: tensor '%s' has shape %s, expected %s", path, name, st_shape_str(s),
                                 tensor_shape_str(t));
    st_read_f32(s, t->data);
    for (size_t i = 0; i < s->numel; i++)
        if (!isfinite(t->data[i])) return mg_error_set("%s: tensor '%s' holds a non-finite value", path, name);
    return 0;
}

int featnet_load(FeatNet *f, const char *path) {
    StFile sf;
    if (st_open(path, &sf)) return -1;
    Rng r = rng_new(0);
    featnet_init(f, &r);
    const char *model = st_meta(&sf, "model");
    int rc = 0;
    if (!model || strcmp(model, "morphogan-featnet-v1"))
        rc = mg_error_set("%s: not a morphogan feature network (metadata model = %s)", path, model ? model : "absent");
    for (int i = 0; !rc && i < 4; i++)
        rc = load_one(&sf, path, names_w[i], f->w[i]) || load_one(&sf, path, names_b[i], f->b[i]) ? -1 : 0;
    st_close(&sf);
    if (rc) featnet_free(f);
    return rc;
}

void featnet_fingerprint(const FeatNet *f, char out[17]) {
    unsigned long long h = 1469598103934665603ULL;
    const unsigned char *p = (const unsigned char *)f->ps->values;
    for (size_t i = 0; i < f->ps->total * sizeof(float); i++) h = (h ^ p[i]) * 1099511628211ULL;
    snprintf(out, 17, "%016llx", h);
}
