/* The e4e-style encoder and the latent discriminator (see encoder.h). */
#include "inversion/encoder.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static Tensor *add_named(ParamStore *ps, const char *name, const char *suffix, int ndim, const int *shape) {
    char full[2 * MG_PARAM_NAME];
    snprintf(full, sizeof full, "%s%s", name, suffix);
    return params_add(ps, full, ndim, shape);
}

static void conv_add(EncConv *c, ParamStore *ps, const char *name, int in, int out, int k, int stride, int act) {
    c->w = add_named(ps, name, ".weight", TSHAPE(out, in, k, k));
    c->b = add_named(ps, name, ".bias", TSHAPE(out));
    c->k = k;
    c->stride = stride;
    c->act = act;
}

static void conv_init(EncConv *c, Rng *init) {
    rng_normal(init, c->w->data, tensor_numel(c->w), 0, 1);
    memset(c->b->data, 0, sizeof(float) * c->b->shape[0]);
}

static Tensor *conv(const EncConv *c, Tensor *x) {                     /* [N,I,H,W] -> [N,O,H/s,W/s] */
    const int fan_in = c->w->shape[1] * c->k * c->k;
    Tensor *y = mg_conv2d(x, mg_affine(c->w, 1.0f / sqrtf((float)fan_in), 0), NULL, (ConvGeom){c->stride, c->k / 2, 0, 1});
    y = mg_add(y, mg_reshape(c->b, TSHAPE(c->b->shape[0], 1, 1)));
    return c->act ? mg_affine(mg_leaky_relu(y, 0.2f), SG2_LRELU_GAIN, 0) : y;
}

int enc_slot_level(int i, int L) {
    const int nc = L < 3 ? L : 3, nm = L - nc < 4 ? L - nc : 4;
    return i < nc ? 0 : i < nc + nm ? 1 : 2;
}

static int log2i(int v) { int k = 0; while ((1 << k) < v) k++; return k; }

int encoder_init(Encoder *e, EncSpec s, const float *w_avg, Rng *init) {
    memset(e, 0, sizeof *e);
    const int lg = log2i(s.resolution);
    if ((1 << lg) != s.resolution || s.resolution < 16 || s.resolution > 256)
        return mg_error_set("encoder: resolution %d: a power of two from 16 to 256", s.resolution);
    if (s.channels != 1 && s.channels != 3) return mg_error_set("encoder: %d channels (1 or 3)", s.channels);
    if (s.num_ws < 1 || s.num_ws > ENC_MAX_SLOTS || s.w_dim < 1) return mg_error_set("encoder: %d style slots of size %d", s.num_ws, s.w_dim);
    if (s.width < 1 || s.width > 1024 || s.feat < 1 || s.feat > 1024) return mg_error_set("encoder: widths %d / %d out of range", s.width, s.feat);
    e->s = s;
    e->ps = params_new();
    char name[MG_PARAM_NAME];
    const int c[4] = {s.width, s.width, 2 * s.width, 4 * s.width};
    conv_add(&e->stem, e->ps, "enc.stem", s.channels, c[0], 3, 1, 1);
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "enc.stage%d.conv0", k + 1);
        conv_add(&e->stage[k].conv0, e->ps, name, c[k], c[k + 1], 3, 2, 1);
        snprintf(name, sizeof name, "enc.stage%d.conv1", k + 1);
        conv_add(&e->stage[k].conv1, e->ps, name, c[k + 1], c[k + 1], 3, 1, 1);
        snprintf(name, sizeof name, "enc.stage%d.skip", k + 1);
        conv_add(&e->stage[k].skip, e->ps, name, c[k], c[k + 1], 1, 1, 0);
        snprintf(name, sizeof name, "enc.lat%d", k + 1);
        conv_add(&e->lat[k], e->ps, name, c[k + 1], s.feat, 1, 1, 0);
    }
    for (int i = 0; i < s.num_ws; i++) {
        EncHead *h = &e->head[i];
        h->level = enc_slot_level(i, s.num_ws);
        const int size = s.resolution >> (3 - h->level);                  /* p3: R/8, p2: R/4, p1: R/2 */
        h->nconv = log2i(size);
        for (int j = 0; j < h->nconv; j++) {
            snprintf(name, sizeof name, "enc.head%d.conv%d", i, j);
            conv_add(&h->conv[j], e->ps, name, s.feat, s.feat, 3, 2, 1);
        }
        snprintf(name, sizeof name, "enc.head%d.out", i);
        eq_linear_add(&h->out, e->ps, name, s.feat, s.w_dim, 1.0f, 0);
    }
    e->w_avg = params_add(e->ps, "enc.w_avg", TSHAPE(s.w_dim));
    params_finalize(e->ps);
    conv_init(&e->stem, init);
    for (int k = 0; k < 3; k++) {
        conv_init(&e->stage[k].conv0, init);
        conv_init(&e->stage[k].conv1, init);
        conv_init(&e->stage[k].skip, init);
        conv_init(&e->lat[k], init);
    }
    for (int i = 0; i < s.num_ws; i++) {
        for (int j = 0; j < e->head[i].nconv; j++) conv_init(&e->head[i].conv[j], init);
        eq_linear_init(&e->head[i].out, init, 0.0f);
        Tensor *w = e->head[i].out.w;
        for (size_t q = 0; q < tensor_numel(w); q++) w->data[q] *= 0.1f;
    }
    for (int d = 0; d < s.w_dim; d++) e->w_avg->data[d] = w_avg ? w_avg[d] : 0.0f;
    e->w_avg->requires_grad = 0;
    return 0;
}

void encoder_free(Encoder *e) {
    if (e->ps) params_free(e->ps);
    memset(e, 0, sizeof *e);
}

static Tensor *stage(const EncStage *st, Tensor *x) {
    Tensor *h = conv(&st->conv1, conv(&st->conv0, x));
    Tensor *s = conv(&st->skip, mg_avg_pool2d(x, 2, 2, 0));
    return mg_affine(mg_add(h, s), sqrtf(0.5f), 0);
}

static Tensor *head(const EncHead *h, Tensor *p) {                      /* [N,cf,s,s] -> [N,D] */
    for (int j = 0; j < h->nconv; j++) p = conv(&h->conv[j], p);
    return eq_linear(&h->out, mg_reshape(p, TSHAPE(p->shape[0], p->shape[1])));
}

/* concat of any number of tensors along axis (mg_concat takes up to MG_NODE_MAXIN) */
static Tensor *concat_many(int k, Tensor **xs, int axis) {
    while (k > 1) {
        int m = 0;
        for (int i = 0; i < k; i += MG_NODE_MAXIN) {
            const int c = k - i < MG_NODE_MAXIN ? k - i : MG_NODE_MAXIN;
            xs[m++] = c == 1 ? xs[i] : mg_concat(c, xs + i, axis);
        }
        k = m;
    }
    return xs[0];
}

Tensor *encoder_forward(const Encoder *e, Tensor *x, int active, Tensor **dnorm) {
    const EncSpec *s = &e->s;
    MG_CHECK(x->ndim == 4 && x->shape[1] == s->channels && x->shape[2] == s->resolution && x->shape[3] == s->resolution,
             "encoder: images %s, expected [N,%d,%d,%d]", tensor_shape_str(x), s->channels, s->resolution, s->resolution);
    MG_CHECK(active >= 0 && active < s->num_ws, "encoder: %d active offsets of %d slots", active, s->num_ws);
    const int n = x->shape[0], D = s->w_dim, L = s->num_ws;
    Tensor *f0 = conv(&e->stem, x);                                          /* [N,c0,R,R] */
    Tensor *f1 = stage(&e->stage[0], f0), *f2 = stage(&e->stage[1], f1), *f3 = stage(&e->stage[2], f2);
    Tensor *p[3];
    p[0] = conv(&e->lat[2], f3);                                             /* coarse [N,cf,R/8,R/8] */
    p[1] = mg_add(mg_upsample_bilinear(p[0], 2), conv(&e->lat[1], f2));    /* middle [N,cf,R/4,R/4] */
    p[2] = mg_add(mg_upsample_bilinear(p[1], 2), conv(&e->lat[0], f1));    /* fine   [N,cf,R/2,R/2] */
    Tensor *w = mg_add(head(&e->head[0], p[0]), tensor_wrap(TSHAPE(D), e->w_avg->data));   /* [N,D] */
    Tensor *w3 = mg_reshape(w, TSHAPE(n, 1, D));
    Tensor *slots[ENC_MAX_SLOTS], *dn = NULL;
    slots[0] = w3;
    for (int i = 1; i < L; i++) {
        if (i > active) { slots[i] = w3; continue; }
        Tensor *delta = head(&e->head[i], p[e->head[i].level]);                          /* [N,D] */
        Tensor *norm = mg_sqrt(mg_affine(mg_sum(mg_square(delta), 1u << 1, 0), 1.0f, 1e-8f));   /* [N] */
        dn = dn ? mg_add(dn, norm) : norm;
        slots[i] = mg_reshape(mg_add(w, delta), TSHAPE(n, 1, D));
    }
    if (dnorm) *dnorm = dn ? dn : tensor_zeros(TSHAPE(n));
    return concat_many(L, slots, 1);                                         /* [N,L,D] */
}

void latent_disc_init(LatentDisc *d, int w_dim, int hidden, Rng *init) {
    memset(d, 0, sizeof *d);
    d->ps = params_new();
    char name[MG_PARAM_NAME];
    for (int k = 0; k < 4; k++) {
        snprintf(name, sizeof name, "ld.fc%d", k);
        eq_linear_add(&d->fc[k], d->ps, name, k ? hidden : w_dim, k < 3 ? hidden : 1, 1.0f, k < 3);
    }
    params_finalize(d->ps);
    for (int k = 0; k < 4; k++) eq_linear_init(&d->fc[k], init, 0.0f);
}

void latent_disc_free(LatentDisc *d) {
    if (d->ps) params_free(d->ps);
    memset(d, 0, sizeof *d);
}

Tensor *latent_disc(const LatentDisc *d, Tensor *w) {
    for (int k = 0; k < 4; k++) w = eq_linear(&d->fc[k], w);
    return w;
}
