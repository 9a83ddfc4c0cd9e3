/* Per-sample pixel remapping: a closed adjoint pair, each op's backward being the other,
 *   gather_pixels <-> scatter_add_pixels (with the same map).
 * Both are linear in the image, so their gradients of any order are these ops again: R1 through
 * a translated / flipped / rotated image differentiates twice.  The map is an integer table
 * [N, H*W] (source pixel of each output pixel, -1 for zero); the node keeps a copy of it in the
 * arena, so the caller's buffer may be freed or reused right after the call. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/gather.h"
#include <string.h>

enum { GATHER, SCATTER_ADD };
static const char *const remap_name[] = {"gather_pixels", "scatter_add_pixels"};

static Tensor *remap(int kind, Tensor *x, const int *map, int map_in_arena);

static void remap_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = remap(n->p[0] == GATHER ? SCATTER_ADD : GATHER, g, n->imap, 1);
}

/* x [N,C,H,W] -> [N,C,H,W] */
static Tensor *remap(int kind, Tensor *x, const int *map, int map_in_arena) {
    MG_CHECK(x->ndim == 4, "%s of %s (needs [N,C,H,W])", remap_name[kind], tensor_shape_str(x));
    MG_CHECK(map, "%s without a map", remap_name[kind]);
    int N = x->shape[0], C = x->shape[1], HW = x->shape[2] * x->shape[3];
    if (!map_in_arena)
        for (long i = 0; i < (long)N * HW; i++)
            MG_CHECK(map[i] >= -1 && map[i] < HW, "%s: map entry %ld is %d (needs -1 or a pixel in [0,%d))",
                     remap_name[kind], i, map[i], HW);
    Tensor *xc = mg_contiguous(x);
    Tensor *y = new_like(xc);
    if (kind == GATHER) KERNEL(x->dev, gather_pixels)(N, C, HW, map, xc->data, y->data);
    else KERNEL(x->dev, scatter_add_pixels)(N, C, HW, map, xc->data, y->data);
    Node *n = ad_record(remap_name[kind], y, 1, &xc, remap_bw);
    if (n) {
        n->p[0] = kind;
        if (map_in_arena) n->imap = map;
        else {
            int *m = arena_alloc(tensor_arena(), (size_t)N * HW * sizeof *m);
            memcpy(m, map, (size_t)N * HW * sizeof *m);
            n->imap = m;
        }
    }
    return y;
}

Tensor *mg_gather_pixels(Tensor *x, const int *map) { return remap(GATHER, x, map, 0); }
Tensor *mg_scatter_add_pixels(Tensor *g, const int *map) { return remap(SCATTER_ADD, g, map, 0); }
