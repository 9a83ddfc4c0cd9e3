/* Inception-v3: layer table, loading with batch norm folding, forward.  See inception_v3.h. */
#include "models/inception_v3.h"
#include "core/error.h"
#include "io/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BN_EPS 0.001

/* ---- the layer table, in torchvision's order ---- */

static void add(InceptionV3 *n, const char *blk, const char *name, int cin, int cout, int kh, int kw, int stride, int ph,
                int pw) {
    MG_CHECK(n->n_conv < INCEPTION_MAX_CONV, "inception: layer table overflow");
    IncConv *c = &n->conv[n->n_conv++];
    snprintf(c->name, sizeof c->name, "%s%s%s", blk, *blk ? "." : "", name);
    c->cin = cin, c->cout = cout, c->kh = kh, c->kw = kw, c->stride = stride, c->ph = ph, c->pw = pw;
}

static void block_a(InceptionV3 *n, const char *b, int in, int pool_features) {
    add(n, b, "branch1x1", in, 64, 1, 1, 1, 0, 0);
    add(n, b, "branch5x5_1", in, 48, 1, 1, 1, 0, 0);
    add(n, b, "branch5x5_2", 48, 64, 5, 5, 1, 2, 2);
    add(n, b, "branch3x3dbl_1", in, 64, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3dbl_2", 64, 96, 3, 3, 1, 1, 1);
    add(n, b, "branch3x3dbl_3", 96, 96, 3, 3, 1, 1, 1);
    add(n, b, "branch_pool", in, pool_features, 1, 1, 1, 0, 0);
}

static void block_b(InceptionV3 *n, const char *b, int in) {
    add(n, b, "branch3x3", in, 384, 3, 3, 2, 0, 0);
    add(n, b, "branch3x3dbl_1", in, 64, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3dbl_2", 64, 96, 3, 3, 1, 1, 1);
    add(n, b, "branch3x3dbl_3", 96, 96, 3, 3, 2, 0, 0);
}

static void block_c(InceptionV3 *n, const char *b, int in, int c7) {
    add(n, b, "branch1x1", in, 192, 1, 1, 1, 0, 0);
    add(n, b, "branch7x7_1", in, c7, 1, 1, 1, 0, 0);
    add(n, b, "branch7x7_2", c7, c7, 1, 7, 1, 0, 3);
    add(n, b, "branch7x7_3", c7, 192, 7, 1, 1, 3, 0);
    add(n, b, "branch7x7dbl_1", in, c7, 1, 1, 1, 0, 0);
    add(n, b, "branch7x7dbl_2", c7, c7, 7, 1, 1, 3, 0);
    add(n, b, "branch7x7dbl_3", c7, c7, 1, 7, 1, 0, 3);
    add(n, b, "branch7x7dbl_4", c7, c7, 7, 1, 1, 3, 0);
    add(n, b, "branch7x7dbl_5", c7, 192, 1, 7, 1, 0, 3);
    add(n, b, "branch_pool", in, 192, 1, 1, 1, 0, 0);
}

static void block_d(InceptionV3 *n, const char *b, int in) {
    add(n, b, "branch3x3_1", in, 192, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3_2", 192, 320, 3, 3, 2, 0, 0);
    add(n, b, "branch7x7x3_1", in, 192, 1, 1, 1, 0, 0);
    add(n, b, "branch7x7x3_2", 192, 192, 1, 7, 1, 0, 3);
    add(n, b, "branch7x7x3_3", 192, 192, 7, 1, 1, 3, 0);
    add(n, b, "branch7x7x3_4", 192, 192, 3, 3, 2, 0, 0);
}

static void block_e(InceptionV3 *n, const char *b, int in) {
    add(n, b, "branch1x1", in, 320, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3_1", in, 384, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3_2a", 384, 384, 1, 3, 1, 0, 1);
    add(n, b, "branch3x3_2b", 384, 384, 3, 1, 1, 1, 0);
    add(n, b, "branch3x3dbl_1", in, 448, 1, 1, 1, 0, 0);
    add(n, b, "branch3x3dbl_2", 448, 384, 3, 3, 1, 1, 1);
    add(n, b, "branch3x3dbl_3a", 384, 384, 1, 3, 1, 0, 1);
    add(n, b, "branch3x3dbl_3b", 384, 384, 3, 1, 1, 1, 0);
    add(n, b, "branch_pool", in, 192, 1, 1, 1, 0, 0);
}

static void build_table(InceptionV3 *n) {
    n->n_conv = 0;
    add(n, "", "Conv2d_1a_3x3", 3, 32, 3, 3, 2, 0, 0);
    add(n, "", "Conv2d_2a_3x3", 32, 32, 3, 3, 1, 0, 0);
    add(n, "", "Conv2d_2b_3x3", 32, 64, 3, 3, 1, 1, 1);
    add(n, "", "Conv2d_3b_1x1", 64, 80, 1, 1, 1, 0, 0);
    add(n, "", "Conv2d_4a_3x3", 80, 192, 3, 3, 1, 0, 0);
    block_a(n, "Mixed_5b", 192, 32);
    block_a(n, "Mixed_5c", 256, 64);
    block_a(n, "Mixed_5d", 288, 64);
    block_b(n, "Mixed_6a", 288);
    block_c(n, "Mixed_6b", 768, 128);
    block_c(n, "Mixed_6c", 768, 160);
    block_c(n, "Mixed_6d", 768, 160);
    block_c(n, "Mixed_6e", 768, 192);
    block_d(n, "Mixed_7a", 768);
    block_e(n, "Mixed_7b", 1280);
    block_e(n, "Mixed_7c", 2048);
}

/* ---- loading ---- */

/* the tensor `name` with exactly `shape`, as doubles (malloc'd), finite; NULL + mg_error otherwise */
static double *read_exact(const StFile *f, const char *path, const char *name, int ndim, const int *shape) {
    const StTensor *s = st_find(f, name);
    if (!s) {
        mg_error_set("%s: no tensor '%s' (not an Inception-v3 state_dict converted by tools/convert_inception.py?)", path, name);
        return NULL;
    }
    int ok = s->ndim == ndim;
    for (int d = 0; ok && d < ndim; d++) ok = s->shape[d] == shape[d];
    if (!ok) {
        char want[64] = "[";
        for (int d = 0; d < ndim; d++) snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", d ? "," : "", shape[d]);
        mg_error_set("%s: tensor '%s' has shape %s, Inception-v3 needs %s]", path, name, st_shape_str(s), want);
        return NULL;
    }
    float *tmp = mg_xmalloc(s->numel * sizeof(float));
    double *out = mg_xmalloc(s->numel * sizeof(double));
    st_read_f32(s, tmp);
    for (size_t i = 0; i < s->numel; i++) out[i] = tmp[i];
    free(tmp);
    for (size_t i = 0; i < s->numel; i++)
        if (!isfinite(out[i])) {
            free(out);
            mg_error_set("%s: tensor '%s' holds a non-finite value", path, name);
            return NULL;
        }
    return out;
}

/* conv weight and the four batch norm tensors of c, folded into dst (w then b) */
static int load_folded(const StFile *f, const char *path, const IncConv *c, float *w, float *b) {
    char key[96];
    int ws[4] = {c->cout, c->cin, c->kh, c->kw}, cs[1] = {c->cout};
    static const char *const bn[4] = {"weight", "bias", "running_mean", "running_var"};
    double *v[5] = {NULL};
    snprintf(key, sizeof key, "%s.conv.weight", c->name);
    int rc = (v[0] = read_exact(f, path, key, 4, ws)) ? 0 : -1;
    for (int i = 0; i < 4 && !rc; i++) {
        snprintf(key, sizeof key, "%s.bn.%s", c->name, bn[i]);
        rc = (v[i + 1] = read_exact(f, path, key, 1, cs)) ? 0 : -1;
    }
    for (int o = 0; o < c->cout && !rc; o++) {
        if (!(v[4][o] >= 0)) { rc = mg_error_set("%s: %s.bn.running_var has a negative value", path, c->name); break; }
        const double s = v[1][o] / sqrt(v[4][o] + BN_EPS);
        const size_t k = (size_t)c->cin * c->kh * c->kw;
        for (size_t i = 0; i < k; i++) w[o * k + i] = (float)(v[0][o * k + i] * s);
        b[o] = (float)(v[2][o] - v[3][o] * s);
    }
    for (int i = 0; i < 5; i++) free(v[i]);
    return rc;
}

int inception_load(InceptionV3 *net, const char *path) {
    memset(net, 0, sizeof *net);
    StFile f;
    if (st_open(path, &f)) return -1;
    const char *variant = st_meta(&f, "variant"), *model = st_meta(&f, "model");
    int rc = 0;
    if (model && strcmp(model, "inception_v3"))
        rc = mg_error_set("%s: metadata model = %s, not inception_v3", path, model);
    else if (!variant || !strcmp(variant, "torchvision")) net->variant = INCEPTION_TORCHVISION;
    else if (!strcmp(variant, "fid")) net->variant = INCEPTION_FID;
    else rc = mg_error_set("%s: metadata variant = %s (torchvision or fid)", path, variant);
    const StTensor *fc = st_find(&f, "fc.weight");
    if (!rc && (!fc || fc->ndim != 2 || fc->shape[1] != INCEPTION_DIM || fc->shape[0] < 1 || fc->shape[0] > 100000))
        rc = mg_error_set("%s: needs a tensor 'fc.weight' [classes,2048]%s", path, fc ? "" : " (not an Inception-v3 state_dict?)");
    if (rc) { st_close(&f); return -1; }
    build_table(net);
    net->n_classes = (int)fc->shape[0];
    size_t total = (size_t)net->n_classes * (INCEPTION_DIM + 1);
    for (int i = 0; i < net->n_conv; i++) {
        const IncConv *c = &net->conv[i];
        total += (size_t)c->cout * c->cin * c->kh * c->kw + c->cout;
    }
    net->mem = mg_xmalloc(total * sizeof(float));
    float *p = net->mem;
    for (int i = 0; i < net->n_conv && !rc; i++) {
        IncConv *c = &net->conv[i];
        const size_t nw = (size_t)c->cout * c->cin * c->kh * c->kw;
        tensor_init_header(&c->w, 4, (int[]){c->cout, c->cin, c->kh, c->kw}, p);
        tensor_init_header(&c->b, 1, (int[]){c->cout}, p + nw);
        rc = load_folded(&f, path, c, p, p + nw);
        p += nw + c->cout;
    }
    double *fw = NULL, *fb = NULL;
    if (!rc && (!(fw = read_exact(&f, path, "fc.weight", 2, (int[]){net->n_classes, INCEPTION_DIM})) ||
                !(fb = read_exact(&f, path, "fc.bias", 1, (int[]){net->n_classes}))))
        rc = -1;
    if (!rc) {
        tensor_init_header(&net->fc_w, 2, (int[]){net->n_classes, INCEPTION_DIM}, p);
        tensor_init_header(&net->fc_b, 1, (int[]){net->n_classes}, p + (size_t)net->n_classes * INCEPTION_DIM);
        for (size_t i = 0; i < (size_t)net->n_classes * INCEPTION_DIM; i++) p[i] = (float)fw[i];
        for (int i = 0; i < net->n_classes; i++) p[(size_t)net->n_classes * INCEPTION_DIM + i] = (float)fb[i];
        unsigned long long h = 1469598103934665603ULL ^ (unsigned long long)net->variant;
        const unsigned char *b = (const unsigned char *)net->mem;
        for (size_t i = 0; i < total * sizeof(float); i++) h = (h ^ b[i]) * 1099511628211ULL;
        snprintf(net->fingerprint, sizeof net->fingerprint, "%016llx", h);
    }
    free(fw);
    free(fb);
    st_close(&f);
    if (rc) inception_free(net);
    return rc;
}

void inception_free(InceptionV3 *net) {
    free(net->mem);
    memset(net, 0, sizeof *net);
}

/* ---- forward ---- */

static IncConv *find(InceptionV3 *n, const char *blk, const char *name) {
    char full[64];
    snprintf(full, sizeof full, "%s%s%s", blk, *blk ? "." : "", name);
    for (int i = 0; i < n->n_conv; i++)
        if (!strcmp(n->conv[i].name, full)) return &n->conv[i];
    mg_fatal("inception: no layer %s", full);
}

/* BasicConv2d: conv (batch norm folded) + ReLU */
static Tensor *bc(InceptionV3 *n, Tensor *x, const char *blk, const char *name) {
    IncConv *c = find(n, blk, name);
    return mg_relu(mg_conv2d_hw(x, &c->w, &c->b, (ConvGeom){c->stride, 0, 0, 1}, c->ph, c->pw));
}

/* 3x3 average pool, stride 1, pad 1; exclude_pad: the mean over the window's positions inside the image
 * (count_include_pad=False), i.e. the padded mean times 9 / count, count = rows in x columns in */
static Tensor *avg_pool3(Tensor *x, int exclude_pad) {
    Tensor *y = mg_avg_pool2d(x, 3, 1, 1);                       /* [N,C,H,W] */
    if (!exclude_pad) return y;
    const int H = x->shape[2], W = x->shape[3];
    Tensor *scale = tensor_new(TSHAPE(1, 1, H, W));
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++) {
            int rows = (i + 1 < H - 1 ? i + 1 : H - 1) - (i - 1 > 0 ? i - 1 : 0) + 1;
            int cols = (j + 1 < W - 1 ? j + 1 : W - 1) - (j - 1 > 0 ? j - 1 : 0) + 1;
            scale->data[i * W + j] = 9.0f / (float)(rows * cols);
        }
    return mg_mul(y, scale);
}

static Tensor *cat2(Tensor *a, Tensor *b) { return mg_concat(2, (Tensor *[]){a, b}, 1); }
static Tensor *cat3(Tensor *a, Tensor *b, Tensor *c) { return mg_concat(3, (Tensor *[]){a, b, c}, 1); }
static Tensor *cat4(Tensor *a, Tensor *b, Tensor *c, Tensor *d) { return mg_concat(4, (Tensor *[]){a, b, c, d}, 1); }

/* [N,in,35,35] -> [N,224+pool_features,35,35] */
static Tensor *fwd_a(InceptionV3 *n, Tensor *x, const char *b) {
    Tensor *b1 = bc(n, x, b, "branch1x1");
    Tensor *b5 = bc(n, bc(n, x, b, "branch5x5_1"), b, "branch5x5_2");
    Tensor *b3 = bc(n, bc(n, bc(n, x, b, "branch3x3dbl_1"), b, "branch3x3dbl_2"), b, "branch3x3dbl_3");
    Tensor *bp = bc(n, avg_pool3(x, n->variant == INCEPTION_FID), b, "branch_pool");
    return cat4(b1, b5, b3, bp);
}

/* [N,288,35,35] -> [N,768,17,17] */
static Tensor *fwd_b(InceptionV3 *n, Tensor *x, const char *b) {
    Tensor *b3 = bc(n, x, b, "branch3x3");
    Tensor *bd = bc(n, bc(n, bc(n, x, b, "branch3x3dbl_1"), b, "branch3x3dbl_2"), b, "branch3x3dbl_3");
    return cat3(b3, bd, mg_max_pool2d(x, 3, 2, 0));
}

/* [N,768,17,17] -> [N,768,17,17] */
static Tensor *fwd_c(InceptionV3 *n, Tensor *x, const char *b) {
    Tensor *b1 = bc(n, x, b, "branch1x1");
    Tensor *b7 = bc(n, bc(n, bc(n, x, b, "branch7x7_1"), b, "branch7x7_2"), b, "branch7x7_3");
    Tensor *bd = bc(n, x, b, "branch7x7dbl_1");
    bd = bc(n, bc(n, bd, b, "branch7x7dbl_2"), b, "branch7x7dbl_3");
    bd = bc(n, bc(n, bd, b, "branch7x7dbl_4"), b, "branch7x7dbl_5");
    Tensor *bp = bc(n, avg_pool3(x, n->variant == INCEPTION_FID), b, "branch_pool");
    return cat4(b1, b7, bd, bp);
}

/* [N,768,17,17] -> [N,1280,8,8] */
static Tensor *fwd_d(InceptionV3 *n, Tensor *x, const char *b) {
    Tensor *b3 = bc(n, bc(n, x, b, "branch3x3_1"), b, "branch3x3_2");
    Tensor *b7 = bc(n, bc(n, x, b, "branch7x7x3_1"), b, "branch7x7x3_2");
    b7 = bc(n, bc(n, b7, b, "branch7x7x3_3"), b, "branch7x7x3_4");
    return cat3(b3, b7, mg_max_pool2d(x, 3, 2, 0));
}

/* [N,in,8,8] -> [N,2048,8,8]; last: Mixed_7c, max-pooled in the FID variant */
static Tensor *fwd_e(InceptionV3 *n, Tensor *x, const char *b, int last) {
    Tensor *b1 = bc(n, x, b, "branch1x1");
    Tensor *b3 = bc(n, x, b, "branch3x3_1");
    b3 = cat2(bc(n, b3, b, "branch3x3_2a"), bc(n, b3, b, "branch3x3_2b"));
    Tensor *bd = bc(n, bc(n, x, b, "branch3x3dbl_1"), b, "branch3x3dbl_2");
    bd = cat2(bc(n, bd, b, "branch3x3dbl_3a"), bc(n, bd, b, "branch3x3dbl_3b"));
    const int fid = n->variant == INCEPTION_FID;
    Tensor *pool = fid && last ? mg_max_pool2d(x, 3, 1, 1) : avg_pool3(x, fid);
    return cat4(b1, b3, bd, bc(n, pool, b, "branch_pool"));
}

/* Inference without a graph keeps only two stages alive: stage() moves the allocations to the other of two
 * arenas and resets it (it held the stage before the previous one), so the activations of a batch take two
 * stages' memory instead of the whole network's.  s == NULL: one arena, as any op sequence (autodiff). */
typedef struct Stager { Arena *a[2]; int cur; } Stager;

static Tensor *stage(Stager *s, Tensor *h) {
    if (s) {
        s->cur ^= 1;
        arena_reset(s->a[s->cur]);
        tensor_set_arena(s->a[s->cur]);
    }
    return h;
}

static Tensor *forward(InceptionV3 *n, Tensor *x, Tensor **pool, Stager *s) {
    MG_CHECK(x->ndim == 4 && x->shape[1] == 3 && x->shape[2] >= 75 && x->shape[3] >= 75,
             "inception_forward of %s (needs [N,3,H,W], H, W >= 75; 299 for the trained weights)", tensor_shape_str(x));
    Tensor *h = bc(n, x, "", "Conv2d_1a_3x3");                   /* [N,32,149,149] */
    h = bc(n, stage(s, h), "", "Conv2d_2a_3x3");                 /* [N,32,147,147] */
    h = bc(n, stage(s, h), "", "Conv2d_2b_3x3");                 /* [N,64,147,147] */
    h = mg_max_pool2d(stage(s, h), 3, 2, 0);                     /* [N,64,73,73] */
    h = bc(n, h, "", "Conv2d_3b_1x1");                           /* [N,80,73,73] */
    h = bc(n, stage(s, h), "", "Conv2d_4a_3x3");                 /* [N,192,71,71] */
    h = mg_max_pool2d(h, 3, 2, 0);                               /* [N,192,35,35] */
    h = fwd_a(n, stage(s, h), "Mixed_5b");                       /* [N,256,35,35] */
    h = fwd_a(n, stage(s, h), "Mixed_5c");                       /* [N,288,35,35] */
    h = fwd_a(n, stage(s, h), "Mixed_5d");                       /* [N,288,35,35] */
    h = fwd_b(n, stage(s, h), "Mixed_6a");                       /* [N,768,17,17] */
    h = fwd_c(n, stage(s, h), "Mixed_6b");
    h = fwd_c(n, stage(s, h), "Mixed_6c");
    h = fwd_c(n, stage(s, h), "Mixed_6d");
    h = fwd_c(n, stage(s, h), "Mixed_6e");                       /* [N,768,17,17] */
    h = fwd_d(n, stage(s, h), "Mixed_7a");                       /* [N,1280,8,8] */
    h = fwd_e(n, stage(s, h), "Mixed_7b", 0);                    /* [N,2048,8,8] */
    h = fwd_e(n, stage(s, h), "Mixed_7c", 1);                    /* [N,2048,8,8] */
    Tensor *feat = mg_mean(h, (1u << 2) | (1u << 3), 0);         /* [N,2048] */
    if (pool) *pool = feat;
    return mg_linear(feat, &n->fc_w, &n->fc_b);                  /* [N,K] (dropout: identity in eval mode) */
}

Tensor *inception_forward(const InceptionV3 *net, Tensor *x, Tensor **pool) {
    return forward((InceptionV3 *)net, x, pool, NULL);          /* the weight headers are only read */
}

Tensor *inception_prepare(Tensor *x) {
    MG_CHECK(x->ndim == 4 && (x->shape[1] == 1 || x->shape[1] == 3) && x->shape[2] >= 1 && x->shape[3] >= 1,
             "inception_prepare of %s (needs [N,1 or 3,H,W])", tensor_shape_str(x));
    if (x->shape[2] != INCEPTION_SIZE || x->shape[3] != INCEPTION_SIZE)
        x = mg_resize_bilinear(x, INCEPTION_SIZE, INCEPTION_SIZE);   /* [N,C,299,299] */
    if (x->shape[1] == 1) x = mg_expand(x, TSHAPE(x->shape[0], 3, INCEPTION_SIZE, INCEPTION_SIZE));
    return x;                                                    /* [N,3,299,299] */
}

void inception_extract(const InceptionV3 *net, const float *images, long n, int c, int h, int w, int batch,
                       float *features, float *logits) {
    int old = mg_set_grad_enabled(0);
    Arena *prev = tensor_arena();
    Stager s = {{arena_new(16u << 20), arena_new(16u << 20)}, 0};
    const size_t per = (size_t)c * h * w;
    for (long i0 = 0; i0 < n; i0 += batch) {
        int b = (int)(n - i0 < batch ? n - i0 : batch);
        s.cur = 0;
        arena_reset(s.a[0]);
        tensor_set_arena(s.a[0]);
        Tensor *x = tensor_wrap(TSHAPE(b, c, h, w), (float *)images + (size_t)i0 * per);
        Tensor *feat;
        Tensor *lg = forward((InceptionV3 *)net, inception_prepare(x), &feat, &s);
        if (features) memcpy(features + (size_t)i0 * INCEPTION_DIM, feat->data, (size_t)b * INCEPTION_DIM * sizeof(float));
        if (logits) memcpy(logits + (size_t)i0 * net->n_classes, lg->data, (size_t)b * net->n_classes * sizeof(float));
    }
    tensor_set_arena(prev);
    arena_free(s.a[0]);
    arena_free(s.a[1]);
    mg_set_grad_enabled(old);
}
