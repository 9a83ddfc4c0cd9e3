#include "morpho/workspace.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

void morpho_work_init(MorphoWork *wk) { memset(wk, 0, sizeof *wk); }

void morpho_work_free(MorphoWork *wk) {
    free(wk->gray); free(wk->bg); free(wk->dark); free(wk->mask);
    free(wk->label); free(wk->queue); free(wk->contour);
    free(wk->ray_u); free(wk->ray_top); free(wk->ray_bot);
    free(wk->sec_u); free(wk->sec_v); free(wk->sec_w);
    morpho_work_init(wk);
}

int morpho_work_reserve(MorphoWork *wk, int w, int h) {
    size_t n = (size_t)w * h;
    int side = (w > h ? w : h) * 4 + 16;
    if ((size_t)wk->cap >= n && wk->ray_cap >= side) return 0;
    morpho_work_free(wk);
    wk->gray = malloc(sizeof(float) * n);
    wk->bg = malloc(sizeof(float) * n);
    wk->dark = malloc(sizeof(float) * n);
    wk->mask = malloc(n);
    wk->label = malloc(sizeof(int) * n);
    wk->queue = malloc(sizeof(int) * n);
    wk->contour = malloc(sizeof(int) * 2 * (n + 4));
    wk->ray_u = malloc(sizeof(double) * side);
    wk->ray_top = malloc(sizeof(double) * side);
    wk->ray_bot = malloc(sizeof(double) * side);
    wk->sec_u = malloc(sizeof(double) * side);
    wk->sec_v = malloc(sizeof(double) * side);
    wk->sec_w = malloc(sizeof(double) * side);
    if (!wk->gray || !wk->bg || !wk->dark || !wk->mask || !wk->label || !wk->queue || !wk->contour ||
        !wk->ray_u || !wk->ray_top || !wk->ray_bot || !wk->sec_u || !wk->sec_v || !wk->sec_w) {
        morpho_work_free(wk);
        return mg_error_set("morpho: out of memory for a %dx%d image", w, h);
    }
    wk->cap = (int)n;
    wk->ray_cap = side;
    return 0;
}
