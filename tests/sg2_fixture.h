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
#endif
