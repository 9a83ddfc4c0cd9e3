#include "train/sg2_grow.h"
#include "core/error.h"
#include <math.h>

Sg2Stage sg2_grow_stage(double grow_kimg, double images, int nblocks) {
    MG_CHECK(grow_kimg > 0 && nblocks >= 2 && images >= 0, "sg2_grow_stage: grow_kimg %g, %d blocks, %g images", grow_kimg,
             nblocks, images);
    const double k = grow_kimg * 1000.0;                        /* images per half phase */
    const double phase = floor(images / (2.0 * k));
    const int last = nblocks - 2;                               /* the phase of the full resolution */
    Sg2Stage s = {nblocks - 1, 1.0f};
    if (phase > last) return s;
    s.block = (int)phase + 1;
    if (phase >= 1) {
        const double a = (images - phase * 2.0 * k) / k;        /* [0, 2): fade-in below 1, stable from 1 */
        s.alpha = a < 1.0 ? (float)a : 1.0f;
    }
    return s;
}

double sg2_grow_full_kimg(double grow_kimg, int nblocks) { return nblocks > 2 ? grow_kimg * (2 * nblocks - 3) : 0.0; }

void sg2_grow_apply(Sg2 *g, double grow_kimg, double images) {
    if (grow_kimg <= 0) {
        sg2_set_stage(g, g->nblocks - 1, 1.0f);
        return;
    }
    const Sg2Stage s = sg2_grow_stage(grow_kimg, images, g->nblocks);
    sg2_set_stage(g, s.block, s.alpha);
}
