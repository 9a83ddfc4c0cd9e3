#include "train/samples.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/image.h"
#include <stdlib.h>
#include <string.h>

void samples_z(float *z, int z_dim, long first_seed, int n) {
    for (int k = 0; k < n; k++) {
        Rng r = rng_new((unsigned long long)(first_seed + k));
        rng_normal(&r, z + (size_t)k * z_dim, (size_t)z_dim, 0, 1);
    }
}

Tensor *samples_generate(GanModel *m, const float *z, const int *labels, int n, const float *g_values) {
    ParamStore *ps = m->g_ps;
    float *saved = NULL;
    if (g_values) {
        saved = mg_xmalloc(ps->total * sizeof(float));
        memcpy(saved, ps->values, ps->total * sizeof(float));
        memcpy(ps->values, g_values, ps->total * sizeof(float));
    }
    int old = mg_set_grad_enabled(0);
    Tensor *zt = tensor_from(TSHAPE(n, m->z_dim, 1, 1), z);
    m->labels = labels;
    Tensor *x = mg_contiguous(gan_g(m, zt, 0));           /* [n,C,S,S] */
    mg_set_grad_enabled(old);
    if (saved) {
        memcpy(ps->values, saved, ps->total * sizeof(float));
        free(saved);
    }
    return x;
}

void samples_render_seeds(GanModel *m, const long *seeds, long n, float psi, int cls, const float *g_values, float *out) {
    enum { CHUNK = 256 };
    const int zd = m->z_dim;
    const size_t dim = (size_t)m->channels * m->size * m->size;
    float *z = mg_xmalloc((size_t)CHUNK * zd * sizeof(float));
    int labels[CHUNK];
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        const int b = (int)(n - i0 < CHUNK ? n - i0 : CHUNK);
        for (int i = 0; i < b; i++) {
            samples_z(z + (size_t)i * zd, zd, seeds[i0 + i], 1);
            for (int j = 0; j < zd; j++) z[(size_t)i * zd + j] *= psi;            /* truncation towards 0 */
            if (m->n_classes) labels[i] = cls >= 0 ? cls : (int)(seeds[i0 + i] % m->n_classes);
        }
        mg_step_reset();
        Tensor *x = samples_generate(m, z, m->n_classes ? labels : NULL, b, g_values);    /* [b,C,S,S] */
        memcpy(out + (size_t)i0 * dim, x->data, (size_t)b * dim * sizeof(float));
    }
    mg_step_reset();
    free(z);
}

int samples_write_grid(const char *path, const Tensor *x, int cols) {
    const int n = x->shape[0], c = x->shape[1], s = x->shape[2], rows = (n + cols - 1) / cols, cell = s + 2;
    Image img;
    if (image_alloc(&img, cols * cell + 2, rows * cell + 2, c == 3 ? 3 : 1)) return -1;
    memset(img.px, 255, (size_t)img.w * img.h * img.c);
    for (int k = 0; k < n; k++)
        for (int y = 0; y < s; y++)
            for (int xx = 0; xx < s; xx++)
                for (int ch = 0; ch < img.c; ch++) {
                    float v = (x->data[(((size_t)k * c + ch) * s + y) * s + xx] + 1) * 127.5f;
                    size_t at = ((size_t)((k / cols) * cell + 2 + y) * img.w + (k % cols) * cell + 2 + xx) * img.c + ch;
                    img.px[at] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
                }
    int rc = image_write_png(path, &img);
    image_free(&img);
    return rc;
}

int samples_image(const Tensor *x, int k, Image *out) {
    const int c = x->shape[1], s = x->shape[2];
    if (image_alloc(out, s, s, c == 3 ? 3 : 1)) return -1;
    for (int y = 0; y < s; y++)
        for (int xx = 0; xx < s; xx++)
            for (int ch = 0; ch < out->c; ch++) {
                float v = (x->data[(((size_t)k * c + ch) * s + y) * s + xx] + 1) * 127.5f;
                out->px[((size_t)y * s + xx) * out->c + ch] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
            }
    return 0;
}
