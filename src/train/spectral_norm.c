#include "train/spectral_norm.h"
#include "core/error.h"
#include <math.h>

/* x / max(|x|, 1e-12), as torch.nn.functional.normalize */
static void normalize(float *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    float inv = (float)(1.0 / fmax(sqrt(s), 1e-12));
    for (int i = 0; i < n; i++) x[i] *= inv;
}

void sn_init(float *u, int rows, float *v, int cols, Rng *rng) {
    rng_normal(rng, u, (size_t)rows, 0, 1);
    rng_normal(rng, v, (size_t)cols, 0, 1);
    normalize(u, rows);
    normalize(v, cols);
}

Tensor *mg_spectral_norm(Tensor *w, float *u, float *v, int training) {
    MG_CHECK(tensor_is_contiguous(w), "mg_spectral_norm: weight must be contiguous");
    const int rows = w->shape[0], cols = (int)(tensor_numel(w) / rows);
    const float *W = w->data;                        /* [rows, cols] */
    if (training) {
        for (int j = 0; j < cols; j++) {             /* v = W^T u */
            double s = 0;
            for (int i = 0; i < rows; i++) s += (double)W[(size_t)i * cols + j] * u[i];
            v[j] = (float)s;
        }
        normalize(v, cols);
        for (int i = 0; i < rows; i++) {             /* u = W v */
            double s = 0;
            for (int j = 0; j < cols; j++) s += (double)W[(size_t)i * cols + j] * v[j];
            u[i] = (float)s;
        }
        normalize(u, rows);
    }
    /* copies: the buffers change at the next forward, the graph must keep these values */
    Tensor *ut = tensor_from(TSHAPE(1, rows), u), *vt = tensor_from(TSHAPE(cols, 1), v);
    Tensor *wm = mg_reshape(w, TSHAPE(rows, cols));
    Tensor *sigma = mg_matmul(mg_matmul(ut, wm, 0, 0), vt, 0, 0);     /* [1,1] */
    int one[MG_MAXDIM] = {1, 1, 1, 1};
    return mg_div(w, mg_reshape(sigma, w->ndim, one));
}
