/* Reading PyTorch reference tensors from a safetensors fixture (tools/make_*_fixtures.py) and comparing
 * with them: err = max|got - ref| / max(max|ref|, floor) over a tensor.  Set PARITY_VERBOSE=1 to print
 * every err.  Used by the tests of the Inception-v3 ops and model. */
#ifndef MG_TORCH_FIXTURE_H
#define MG_TORCH_FIXTURE_H
#include "core/error.h"
#include "io/safetensors.h"
#include "ops/ops.h"
#include "test.h"
#include <stdio.h>
#include <stdlib.h>

/* a copy of tensor `name` in the current arena; NULL (and a failed check) when absent */
__attribute__((unused)) static Tensor *tf_get(const StFile *f, const char *name) {
    const StTensor *st = st_find(f, name);
    CHECK_MSG(st && st->ndim <= MG_MAXDIM, "%s: no tensor %s (or too many dimensions)", f->path, name);
    if (!st || st->ndim > MG_MAXDIM) return NULL;
    int shape[MG_MAXDIM];
    for (int i = 0; i < st->ndim; i++) shape[i] = (int)st->shape[i];
    Tensor *t = tensor_new(st->ndim, shape);
    st_read_f32(st, t->data);
    return t;
}

/* relative error of got (any layout) against ref; -1 when the shapes differ */
__attribute__((unused)) static double tf_err(Tensor *got, const Tensor *ref, double floor) {
    if (!got || !ref || !tensor_same_shape(got, ref)) return -1;
    int old = mg_set_grad_enabled(0);
    Tensor *c = mg_contiguous(got);
    mg_set_grad_enabled(old);
    double ma = 0, mr = 0;
    for (size_t i = 0; i < tensor_numel(ref); i++) {
        ma = fmax(ma, fabs((double)c->data[i] - ref->data[i]));
        mr = fmax(mr, fabs(ref->data[i]));
    }
    return ma / fmax(mr, floor);
}

/* checks got against the fixture's tensor `name` within tol */
__attribute__((unused)) static void tf_close(const StFile *f, const char *name, Tensor *got, double tol, double floor) {
    Tensor *ref = tf_get(f, name);
    double e = tf_err(got, ref, floor);
    if (getenv("PARITY_VERBOSE")) printf("   %-28s rel err %.2e\n", name, e);
    CHECK_MSG(e >= 0 && e <= tol, "%s: shape %s vs %s, relative error %.3g (tolerance %.1g)", name,
              got ? tensor_shape_str(got) : "none", ref ? tensor_shape_str(ref) : "none", e, tol);
}
#endif
