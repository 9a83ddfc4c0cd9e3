/* The schedule of progressive growing for the StyleGAN2 networks (`train --grow-kimg K`,
 * docs/stylegan2.md): their stage and fade-in alpha as a pure function of the images shown, so a
 * resumed run, a snapshot's grid and `generate` on a checkpoint all see the same stage.
 *
 * Phase p = 0, 1, .. covers the images shown in [2K p, 2K (p + 1)) kimg and trains at resolution
 * 8 << p (top block p + 1): phase 0 at alpha 1 throughout (nothing to fade from), every later phase K
 * kimg of fade-in (alpha = u / K with u the kimg into the phase, rising linearly from 0) then K kimg
 * stable.  From the phase of the full resolution on, the networks stay there (alpha 1 after its fade). */
#ifndef MG_SG2_GROW_H
#define MG_SG2_GROW_H
#include "models/stylegan2.h"

typedef struct Sg2Stage {
    int block;                  /* top block, 1 (8x8) .. nblocks - 1 (full) */
    float alpha;                /* fade-in of that block, [0, 1] */
} Sg2Stage;

/* The stage after `images` images shown with K = grow_kimg > 0, for networks of nblocks blocks (>= 2). */
Sg2Stage sg2_grow_stage(double grow_kimg, double images, int nblocks);
/* kimg from which the networks are at the full resolution with alpha 1: K (2 nblocks - 3) (0 for 8x8 networks). */
double sg2_grow_full_kimg(double grow_kimg, int nblocks);
/* Sets g's stage for `images` images shown; grow_kimg <= 0 (not growing): the full stage. */
void sg2_grow_apply(Sg2 *g, double grow_kimg, double images);
#endif
