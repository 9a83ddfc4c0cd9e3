#include "core/autodiff.h"
#include "core/error.h"
#include "ops/ops.h"
#include <stdlib.h>
#include <string.h>

static int grad_on = 1;
static Node **tape;
static size_t tape_n, tape_cap;

int mg_grad_enabled(void) { return grad_on; }
int mg_set_grad_enabled(int on) { int old = grad_on; grad_on = on; return old; }
size_t mg_tape_size(void) { return tape_n; }

void mg_step_reset(void) {
    tape_n = 0;
    arena_reset(tensor_arena());
}

Node *ad_record(const char *op, Tensor *out, int nin, Tensor *const *in, BackwardFn backward) {
    if (!grad_on) return NULL;
    int any = 0;
    for (int i = 0; i < nin; i++) any |= in[i] && in[i]->requires_grad;
    if (!any) return NULL;
    MG_CHECK(nin <= MG_NODE_MAXIN, "op %s has %d inputs", op, nin);
    Node *n = arena_alloc(tensor_arena(), sizeof *n);
    memset(n, 0, sizeof *n);
    n->op = op;
    n->nin = nin;
    for (int i = 0; i < nin; i++) n->in[i] = in[i];
    n->out = out;
    n->backward = backward;
    out->node = n;
    out->requires_grad = 1;
    if (tape_n == tape_cap) {
        tape_cap = tape_cap ? 2 * tape_cap : 1024;
        tape = realloc(tape, tape_cap * sizeof *tape);
        if (!tape) mg_fatal("out of memory growing the autodiff tape");
    }
    tape[tape_n++] = n;
    return n;
}

Tensor *mg_detach(Tensor *x) { return tensor_view_header(x); }

/* marks on tensors during one pass */
enum { MARK_TARGET = 1, MARK_TOUCHED = 2 };

typedef struct {
    Tensor **v;
    size_t n, cap;
} TensorList;

static void list_push(TensorList *l, Tensor *t) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) mg_fatal("out of memory in mg_grad");
    }
    l->v[l->n++] = t;
}

static int is_target(const Tensor *t, int all_params) {
    if (t->mark & MARK_TARGET) return 1;
    return all_params && !t->node && t->requires_grad && t->grad;
}

static void accumulate(Tensor *t, Tensor *g, TensorList *touched) {
    MG_CHECK(tensor_same_shape(t, g), "gradient of shape %s for a tensor of shape %s",
             tensor_shape_str(g), tensor_shape_str(t));
    if (!(t->mark & MARK_TOUCHED)) {
        t->mark |= MARK_TOUCHED;
        list_push(touched, t);
    }
    t->gacc = t->gacc ? mg_add(t->gacc, g) : g;
}

static void grad_pass(int nout, Tensor *const *outs, Tensor *const *gouts, int nin, Tensor *const *ins,
                      Tensor **res, int create_graph, int all_params) {
    size_t end = tape_n;             /* nodes recorded during this pass are not revisited */
    int old = mg_set_grad_enabled(create_graph);
    static TensorList touched;       /* reused by every pass: no malloc once it has grown */
    touched.n = 0;

    for (int j = 0; j < nin; j++) ins[j]->mark |= MARK_TARGET;
    /* forward sweep: a node is needed if it depends on a target */
    for (size_t k = 0; k < end; k++) {
        Node *n = tape[k];
        n->needed = 0;
        for (int i = 0; i < n->nin && !n->needed; i++) {
            Tensor *t = n->in[i];
            if (t && (is_target(t, all_params) || (t->node && t->node->needed))) n->needed = 1;
        }
    }
    for (int k = 0; k < nout; k++) {
        Tensor *g = gouts && gouts[k] ? gouts[k] : tensor_full(outs[k]->ndim, outs[k]->shape, 1.0f);
        accumulate(outs[k], g, &touched);
    }
    /* backward sweep in reverse recording order (a topological order) */
    for (size_t k = end; k-- > 0;) {
        Node *n = tape[k];
        if (!n->needed || !n->out->gacc) continue;
        int need[MG_NODE_MAXIN] = {0};
        Tensor *gin[MG_NODE_MAXIN] = {0};
        for (int i = 0; i < n->nin; i++) {
            Tensor *t = n->in[i];
            need[i] = t && t->requires_grad && (is_target(t, all_params) || (t->node && t->node->needed));
        }
        n->backward(n, n->out->gacc, gin, need);
        for (int i = 0; i < n->nin; i++)
            if (gin[i] && need[i]) accumulate(n->in[i], gin[i], &touched);
    }
    for (int j = 0; j < nin; j++) {
        Tensor *g = ins[j]->gacc;
        if (!g) g = tensor_zeros(ins[j]->ndim, ins[j]->shape);
        if (res) res[j] = mg_contiguous(g);    /* gradients come back dense, whatever views produced them */
    }
    if (all_params) {
        mg_set_grad_enabled(0);
        for (size_t i = 0; i < touched.n; i++) {
            Tensor *t = touched.v[i];
            if (!t->node && t->requires_grad && t->grad && t->gacc) mg_accumulate_into(t->grad, mg_contiguous(t->gacc));
        }
    }
    for (size_t i = 0; i < touched.n; i++) {
        touched.v[i]->gacc = NULL;
        touched.v[i]->mark = 0;
    }
    for (int j = 0; j < nin; j++) ins[j]->mark = 0;
    mg_set_grad_enabled(old);
}

void mg_grad(int nout, Tensor *const *outs, Tensor *const *gouts, int nin, Tensor *const *ins,
             Tensor **res, int create_graph) {
    grad_pass(nout, outs, gouts, nin, ins, res, create_graph, 0);
}

void mg_backward(Tensor *loss) {
    MG_CHECK(tensor_numel(loss) == 1, "backward() of a non-scalar of shape %s", tensor_shape_str(loss));
    grad_pass(1, &loss, NULL, 0, NULL, NULL, 0, 1);
}
