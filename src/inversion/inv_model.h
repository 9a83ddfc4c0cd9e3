/* Loading the generator that inversion works with: a `morphogan train --cfg stylegan2` checkpoint,
 * with G's EMA weights copied into G (what generate shows; use_ema 0 keeps the raw G).  The
 * discriminator is loaded too: its features are the perceptual distance. */
#ifndef MG_INV_MODEL_H
#define MG_INV_MODEL_H
#include "train/gan_model.h"

/* 0, or -1 + mg_error naming the file (unreadable, not a checkpoint, not a StyleGAN2 model). */
int inv_load_generator(const char *ckpt, int use_ema, GanModel *m);
#endif
