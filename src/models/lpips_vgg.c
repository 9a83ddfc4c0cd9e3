/* LPIPS-VGG: loading the converted weights, the scaling layer, VGG-16's five stages. */
#include "models/lpips_vgg.h"
#include "core/error.h"
#include "io/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* torchvision's indices of the convolutions in vgg16().features, their channels, and the stages:
 * stage s ends with the ReLU of conv stage_end[s] - 1 (relu1_2, relu2_2, relu3_3, relu4_3, relu5_3) */
static const int conv_index[LPIPS_N_CONV] = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
static const int conv_out[LPIPS_N_CONV] = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
static const int stage_end[LPIPS_N_FEAT] = {2, 4, 7, 10, 13};
static const float shift[3] = {-.030f, -.088f, -.188f}, scale[3] = {.458f, .448f, .450f};

/* tensor `name` of exactly n values and the given shape text into dst; finite (and >= 0 when nonneg) */
static int read_into(const StFile *f, const char *path, const char *name, int ndim, const int *shape, int nonneg, float *dst) {
    const StTensor *s = st_find(f, name);
    if (!s) return mg_error_set("%s: no tensor '%s' (not LPIPS-VGG weights converted by tools/convert_lpips.py?)", path, name);
    int ok = s->ndim == ndim;
    for (int d = 0; ok && d < ndim; d++) ok = s->shape[d] == shape[d];
    if (!ok) {
        char want[64] = "[";
        for (int d = 0; d < ndim; d++) snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", d ? "," : "", shape[d]);
        return mg_error_set("%s: tensor '%s' has shape %s, LPIPS-VGG needs %s]", path, name, st_shape_str(s), want);
    }
    st_read_f32(s, dst);
    for (size_t i = 0; i < s->numel; i++) {
        if (!isfinite(dst[i])) return mg_error_set("%s: tensor '%s' holds a non-finite value", path, name);
        if (nonneg && dst[i] < 0) return mg_error_set("%s: tensor '%s' holds a negative weight (LPIPS's are >= 0)", path, name);
    }
    return 0;
}

int lpips_load(LpipsVgg *net, const char *path) {
    memset(net, 0, sizeof *net);
    StFile f;
    if (st_open(path, &f)) return -1;
    const char *model = st_meta(&f, "model");
    if (model && strcmp(model, "lpips_vgg")) {
        mg_error_set("%s: metadata model = %s, not lpips_vgg", path, model);
        st_close(&f);
        return -1;
    }
    size_t total = 0;
    for (int i = 0, cin = 3; i < LPIPS_N_CONV; cin = conv_out[i++]) total += (size_t)conv_out[i] * cin * 9 + conv_out[i];
    for (int l = 0; l < LPIPS_N_FEAT; l++) total += conv_out[stage_end[l] - 1];
    net->mem = mg_xmalloc(total * sizeof(float));
    float *p = net->mem;
    int rc = 0;
    char key[64];
    for (int i = 0, cin = 3; i < LPIPS_N_CONV && !rc; cin = conv_out[i++]) {
        const int co = conv_out[i], ws[4] = {co, cin, 3, 3};
        tensor_init_header(&net->w[i], 4, ws, p);
        snprintf(key, sizeof key, "features.%d.weight", conv_index[i]);
        rc = read_into(&f, path, key, 4, ws, 0, p);
        p += (size_t)co * cin * 9;
        tensor_init_header(&net->b[i], 1, &co, p);
        snprintf(key, sizeof key, "features.%d.bias", conv_index[i]);
        if (!rc) rc = read_into(&f, path, key, 1, &co, 0, p);
        p += co;
    }
    for (int l = 0; l < LPIPS_N_FEAT && !rc; l++) {
        const int c = conv_out[stage_end[l] - 1];
        tensor_init_header(&net->lin[l], 1, &c, p);
        snprintf(key, sizeof key, "lin%d.weight", l);
        rc = read_into(&f, path, key, 1, &c, 1, p);
        p += c;
    }
    st_close(&f);
    if (rc) lpips_free(net);
    return rc ? -1 : 0;
}

void lpips_free(LpipsVgg *net) {
    free(net->mem);
    memset(net, 0, sizeof *net);
}

void lpips_features(const LpipsVgg *net, Tensor *x, Tensor **feats) {
    const int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
    if (C != 1 && C != 3) mg_fatal("lpips_features: %d channels (1 or 3)", C);
    if (H < 16 || W < 16) mg_fatal("lpips_features: %dx%d image, LPIPS-VGG needs at least 16x16", W, H);
    Tensor *sh = tensor_new(TSHAPE(1, 3, 1, 1)), *sc = tensor_new(TSHAPE(1, 3, 1, 1));
    memcpy(sh->data, shift, sizeof shift);
    memcpy(sc->data, scale, sizeof scale);
    Tensor *h = C == 1 ? mg_expand(x, 4, (int[]){N, 3, H, W}) : x;     /* grey: the same value in R, G, B */
    h = mg_div(mg_sub(h, sh), sc);                                       /* [N,3,H,W] */
    for (int i = 0, s = 0; i < LPIPS_N_CONV; i++) {
        if (s > 0 && i == stage_end[s - 1]) h = mg_max_pool2d(h, 2, 2, 0);   /* stages 2..5 start pooled */
        h = mg_relu(mg_conv2d(h, (Tensor *)&net->w[i], (Tensor *)&net->b[i], (ConvGeom){1, 1, 0, 1}));
        if (i + 1 == stage_end[s]) feats[s++] = h;                      /* [N,C_s,H/2^s,W/2^s] */
    }
}
