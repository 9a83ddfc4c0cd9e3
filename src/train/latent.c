#include "train/latent.h"
#include <math.h>

void latent_lerp(const float *a, const float *b, int n, float t, float *out) {
    for (int i = 0; i < n; i++) out[i] = (1 - t) * a[i] + t * b[i];
}

void latent_slerp(const float *a, const float *b, int n, float t, float *out) {
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++) { ab += (double)a[i] * b[i]; aa += (double)a[i] * a[i]; bb += (double)b[i] * b[i]; }
    double c = ab / sqrt(aa * bb + 1e-300);
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    double w = acos(c), s = sin(w);
    if (s < 1e-6) { latent_lerp(a, b, n, t, out); return; }
    double ka = sin((1 - t) * w) / s, kb = sin(t * w) / s;
    for (int i = 0; i < n; i++) out[i] = (float)(ka * a[i] + kb * b[i]);
}

void latent_plane(const float *w1, const float *w2, const float *w3, int n, float l2, float l3, float *out) {
    for (int i = 0; i < n; i++) out[i] = w1[i] + l2 * (w2[i] - w1[i]) + l3 * (w3[i] - w1[i]);
}
