#include "train/sg2_sample.h"
#include "core/autodiff.h"
#include "core/error.h"
#include "train/samples.h"
#include <stdlib.h>
#include <string.h>

void sg2_estimate_w_avg(Sg2 *g, int n, unsigned long long seed) {
    const int zd = g->s.z_dim, wd = g->s.w_dim, chunk = 1000;
    double *acc = mg_xcalloc(wd, sizeof(double));
    float *z = mg_xmalloc(sizeof(float) * chunk * zd);
    Rng r = rng_new(seed);
    int old = mg_set_grad_enabled(0);
    for (int done = 0; done < n; done += chunk) {
        const int k = n - done < chunk ? n - done : chunk;
        rng_normal(&r, z, (size_t)k * zd, 0, 1);
        mg_step_reset();
        Tensor *w = sg2_mapping(g, tensor_from(TSHAPE(k, zd), z), sg2_onehot(g, k, NULL), 1.0f);      /* [k,Wd] */
        for (int i = 0; i < k; i++)
            for (int j = 0; j < wd; j++) acc[j] += w->data[(size_t)i * wd + j];
    }
    mg_set_grad_enabled(old);
    for (int j = 0; j < wd; j++) g->w_avg->data[j] = (float)(acc[j] / n);
    free(acc);
    free(z);
}

void sg2_codes_for_seeds(const Sg2 *g, const long *seeds, int n, float psi, int cls, Tensor **z, Tensor **w) {
    const int zd = g->s.z_dim, k = g->s.c_dim;
    *z = tensor_new(TSHAPE(n, zd));
    int *labels = mg_xmalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        samples_z((*z)->data + (size_t)i * zd, zd, seeds[i], 1);
        labels[i] = k ? (cls >= 0 ? cls : (int)(seeds[i] % k)) : 0;
    }
    int old = mg_set_grad_enabled(0);
    *w = mg_contiguous(sg2_mapping(g, *z, sg2_onehot(g, n, labels), psi));
    free(labels);
    mg_set_grad_enabled(old);
}

Tensor *sg2_render(const Sg2 *g, Tensor *ws) {
    const int n = ws->shape[0], L = ws->shape[1], wd = ws->shape[2], R = g->s.resolution, C = g->s.channels;
    Tensor *out = tensor_new(TSHAPE(n, C, R, R));
    int old = mg_set_grad_enabled(0);
    for (int i = 0; i < n; i += 32) {
        const int k = n - i < 32 ? n - i : 32;
        Tensor *part = tensor_wrap(TSHAPE(k, L, wd), ws->data + (size_t)i * L * wd);
        Tensor *img = mg_contiguous(sg2_synthesis(g, part, SG2_NOISE_CONST, NULL));
        memcpy(out->data + (size_t)i * C * R * R, img->data, sizeof(float) * k * C * R * R);
    }
    mg_set_grad_enabled(old);
    return out;
}

void sg2_style_range(const Sg2 *g, Sg2StyleRange r, int *first, int *end) {
    /* slot j is used by the conv of block (j + 1) / 2 (slot 0: block 0); blocks 0-1 = 4-8, 2-3 = 16-32 */
    const int b_end[3] = {2, 4, g->nblocks};
    const int b0 = r == SG2_COARSE ? 0 : b_end[r - 1], b1 = b_end[r] < g->nblocks ? b_end[r] : g->nblocks;
    *first = b0 == 0 ? 0 : 2 * b0 - 1;
    *end = b1 >= g->nblocks ? g->num_ws : 2 * b1 - 1;
    if (*first > g->num_ws) *first = g->num_ws;
}

Tensor *sg2_style_mix_grid(const Sg2 *g, const long *col_seeds, int ncol, const long *row_seeds, int nrow,
                           const Sg2StyleRange *ranges, int nrange, float psi, int cls) {
    const int L = g->num_ws, wd = g->s.w_dim, rows = 1 + nrange * nrow, cols = 1 + ncol;
    Tensor *zc, *wc, *zr, *wr;
    sg2_codes_for_seeds(g, col_seeds, ncol, psi, cls, &zc, &wc);
    sg2_codes_for_seeds(g, row_seeds, nrow, psi, cls, &zr, &wr);
    Tensor *ws = tensor_new(TSHAPE(rows * cols, L, wd));
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            float *dst = ws->data + ((size_t)r * cols + c) * L * wd;
            const float *base = c ? wc->data + (size_t)(c - 1) * wd : r ? wr->data + (size_t)((r - 1) % nrow) * wd : wc->data;
            int first = L, end = L;
            if (r && c) sg2_style_range(g, ranges[(r - 1) / nrow], &first, &end);
            const float *from = r ? wr->data + (size_t)((r - 1) % nrow) * wd : base;
            for (int j = 0; j < L; j++) memcpy(dst + (size_t)j * wd, j >= first && j < end ? from : base, sizeof(float) * wd);
        }
    Tensor *img = sg2_render(g, ws);
    const size_t per = tensor_numel(img) / (size_t)(rows * cols);
    for (size_t k = 0; k < per; k++) img->data[k] = 1.0f;               /* blank corner */
    return img;
}
