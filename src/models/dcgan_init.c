/* The DCGAN paper's initialisation (Radford et al. 2016), as the GAN course uses it:
 * conv weights N(0, 0.02), batch-norm gamma N(1, 0.02), biases and beta 0.
 * PyTorch's default initialisation (dcgan_g_init / dcgan_d_init) makes the course DCGAN collapse to
 * one mode within a few hundred steps - in PyTorch as here - so train-course uses this one. */
#include "models/dcgan_course.h"
#include <string.h>

static void zero(Tensor *t) { if (t) memset(t->data, 0, tensor_numel(t) * sizeof(float)); }
static void normal(Tensor *t, Rng *rng, float mean, float std) {
    if (t) rng_normal(rng, t->data, tensor_numel(t), mean, std);
}

void dcgan_g_init_normal(DcganG *g, Rng *rng, float std) {
    for (int i = 0; i < 4; i++) { normal(g->w[i], rng, 0, std); zero(g->b[i]); }
    for (int i = 0; i < 3; i++) { normal(g->gamma[i], rng, 1, std); zero(g->beta[i]); }
}

void dcgan_d_init_normal(DcganD *d, Rng *rng, float std) {
    for (int i = 0; i < 3; i++) { normal(d->w[i], rng, 0, std); zero(d->b[i]); }
    for (int i = 0; i < 2; i++) { normal(d->gamma[i], rng, 1, std); zero(d->beta[i]); }
}
