#include "inversion/inv_model.h"
#include "core/error.h"
#include "train/model_build.h"
#include "train/model_stylegan2.h"
#include "train/sg2_grow.h"
#include <stdio.h>
#include <string.h>

int inv_load_generator(const char *ckpt, int use_ema, GanModel *m) {
    TrainConfig c;
    Ema ema;
    if (train_load_model(ckpt, &c, m, &ema)) return -1;
    const Sg2 *g = gan_stylegan2_net(m);
    if (!g || !sg2_full_stage(g)) {
        char why[256] = "not a StyleGAN2 model (projection and encoders need morphogan train --cfg stylegan2)";
        if (g)                                      /* a progressive-growing run below its full stage */
            snprintf(why, sizeof why, "taken while growing (%dx%d, alpha %.2f); inversion needs the full resolution: train on to kimg %g",
                     sg2_stage_res(g), sg2_stage_res(g), g->alpha, sg2_grow_full_kimg(c.grow_kimg, g->nblocks));
        if (ema.shadow) ema_free(&ema);
        gan_model_free(m);
        return mg_error_set("%s: %s", ckpt, why);
    }
    if (ema.shadow) {
        if (use_ema) memcpy(m->g_ps->values, ema.shadow, m->g_ps->total * sizeof(float));
        ema_free(&ema);
    }
    return 0;
}
