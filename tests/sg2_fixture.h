/* Shared by the StyleGAN2 tests that compare with the PyTorch twin (fixtures/sg2*.safetensors, written by
 * tools/make_sg2_fixtures.py): the fixture folder ($MG_FIXTURES or fixtures), the relative error, and a
 * model built from a spec whose parameters and buffers are read from a fixture by their C names.
 * Include after test.h and torch_fixture.h. */
#ifndef MG_TEST_SG2_FIXTURE_H
#define MG_TEST_SG2_FIXTURE_H
#include "core/error.h"
#include "io/safetensors.h"
#include "train/model_stylegan2.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

__attribute__((unused)) static const char *fixdir(void) {
    const char *d = getenv("MG_FIXTURES");
    return d ? d : "fixtures";
}

/* max |a - b| / max(1, max |b|); infinite when the shapes differ */
static double rel(Tensor *a, const Tensor *b) {
    double e = tf_err(a, b, 1.0);
    return e < 0 ? INFINITY : e;
}

static void sg2fx_load_store(const StFile *f, ParamStore *ps) {
    for (int i = 0; i < ps->n; i++) {
        Param *p = ps->p[i];
        const StTensor *st = st_find(f, p->name);
        if (!st) continue;                               /* train.* buffers */
        CHECK_MSG(st->numel == tensor_numel(&p->t), "%s: %zu values in the fixture, %zu in the model", p->name, st->numel,
                  tensor_numel(&p->t));
        if (st->numel == tensor_numel(&p->t)) st_read_f32(st, p->t.data);
    }
}

/* opens fixtures/<file>, builds the model of spec and reads G, D and the buffers from it; 0, or -1 after a
 * failed check (nothing left open) */
static int sg2fx_open(const char *file, Sg2Spec spec, StFile *f, GanModel *m) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", fixdir(), file);
    if (st_open(path, f)) {
        CHECK_MSG(0, "%s", mg_error_get());
        return -1;
    }
    Rng init = rng_new(3);
    if (gan_stylegan2_init(m, spec, &init)) {
        CHECK_MSG(0, "%s", mg_error_get());
        st_close(f);
        return -1;
    }
    sg2fx_load_store(f, m->g_ps);
    sg2fx_load_store(f, m->d_ps);
    sg2fx_load_store(f, m->buffers);
    return 0;
}

/* worst relative error of the gradients of store's parameters (those whose names start with only, or all)
 * against the fixture's <prefix><name>; each checked < 2e-3 */
static double sg2fx_grads_vs(const StFile *f, ParamStore *store, const char *prefix, const char *only) {
    double worst = 0;
    char key[160];
    for (int i = 0; i < store->n; i++) {
        Param *p = store->p[i];
        if (only && strncmp(p->name, only, strlen(only))) continue;
        snprintf(key, sizeof key, "%s%s", prefix, p->name);
        Tensor got = p->t;
        got.data = p->t.grad;
        double e = rel(&got, tf_get(f, key));
        CHECK_MSG(e < 2e-3, "%s: rel err %.3g", key, e);
        if (e > worst) worst = e;
    }
    return worst;
}

/* R1 = mean_N |d sum D(x, c) / dx|^2 of the fixture's "real" (c: the fixture's classes_key, or none when NULL;
 * read here, after the arena reset) against its "r1", then the
 * gradient of R1 w.r.t. every D parameter (a gradient of a gradient) against "r1.grad.<name>"; the gradients
 * stay in m->d_ps.  Returns the worst relative error of those gradients. */
__attribute__((unused)) static double sg2fx_check_r1(const StFile *f, GanModel *m, const char *classes_key) {
    mg_step_reset();
    Tensor *x = tf_get(f, "real"), *c = classes_key ? tf_get(f, classes_key) : NULL, *gx;
    x->requires_grad = 1;
    Tensor *lr = sg2_discriminator(gan_stylegan2_net(m), x, c);
    mg_grad(1, &lr, NULL, 1, &x, &gx, 1);
    Tensor *r1 = mg_mean_all(mg_sum(mg_square(gx), 7u << 1, 0));
    CHECK_NEAR(tensor_item(r1), tensor_item(tf_get(f, "r1")), 1e-4);
    params_zero_grad(m->d_ps);
    mg_backward(r1);
    return sg2fx_grads_vs(f, m->d_ps, "r1.grad.", NULL);
}

/* path lengths |J_ws^T y| of the fixture's "ws" and "pl.y" (constant noise) against "pl.len", then the gradient
 * of their mean w.r.t. every synthesis parameter against "pl.grad.<name>".  Returns the worst relative error. */
__attribute__((unused)) static double sg2fx_check_path_length(const StFile *f, GanModel *m) {
    mg_step_reset();
    Tensor *ws = tf_get(f, "ws"), *gw;
    ws->requires_grad = 1;
    Tensor *img = sg2_synthesis(gan_stylegan2_net(m), ws, SG2_NOISE_CONST, NULL);
    Tensor *out = mg_sum_all(mg_mul(img, tf_get(f, "pl.y")));
    mg_grad(1, &out, NULL, 1, &ws, &gw, 1);
    Tensor *len = mg_sqrt(mg_mean(mg_sum(mg_square(gw), 1u << 2, 0), 1u << 1, 0));   /* [N] */
    CHECK(rel(len, tf_get(f, "pl.len")) < 1e-4);
    params_zero_grad(m->g_ps);
    mg_backward(mg_mean_all(len));
    return sg2fx_grads_vs(f, m->g_ps, "pl.grad.", "syn.");
}
#endif
