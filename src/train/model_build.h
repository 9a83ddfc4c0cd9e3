/* Builds the GanModel a TrainConfig describes (resolved: sizes, d_norm, n_classes), and loads a
 * trained one back from a checkpoint of `morphogan train` for generation. */
#ifndef MG_MODEL_BUILD_H
#define MG_MODEL_BUILD_H
#include "core/rng.h"
#include "optim/optim.h"
#include "train/config.h"
#include "train/gan_model.h"

int train_build_model(GanModel *m, const TrainConfig *c, Rng *init);      /* 0 or -1 + mg_error */
/* Reads the config stored in ckpt into c, builds the model and loads its weights, buffers and (when the
 * run kept one: train_has_ema) G's EMA into ema; a progressive-growing StyleGAN2 is put at the stage of the
 * checkpoint's step (train/sg2_grow.h).  0 or -1 + mg_error naming the file. */
int train_has_ema(const TrainConfig *c);       /* --ema > 0, or stylegan2 (always keeps one) */
int train_load_model(const char *ckpt, TrainConfig *c, GanModel *m, Ema *ema);
#endif
