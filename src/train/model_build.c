#include "train/model_build.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include "train/model_dcgan.h"
#include "train/model_dcgan_course.h"
#include "train/model_stylegan2.h"
#include "train/sg2_grow.h"
#include <stdlib.h>
#include <string.h>

int train_build_model(GanModel *m, const TrainConfig *c, Rng *init) {
    if (c->cfg == TC_CFG_STYLEGAN2) {
        Sg2Spec s = {c->resolution, c->channels, c->z_dim, c->w_dim, c->map_layers, c->ch_base, c->ch_max, 4, c->cond ? c->n_classes : 0,
                     c->grow_kimg > 0};
        return gan_stylegan2_init(m, s, init);
    }
    if (c->cfg == TC_CFG_COURSE) {
        gan_dcgan_course_init(m, c->d_norm == TC_DNORM_BN, c->d_norm == TC_DNORM_SN, c->init == 0, init);
        return 0;
    }
    DcganSpec s = {c->resolution, c->channels, c->z_dim, c->g_width, c->d_width,
                   c->d_norm == TC_DNORM_BN ? 0 : c->d_norm == TC_DNORM_NONE ? 1 : 2, c->cond ? c->n_classes : 0,
                   c->cfg == TC_CFG_VAE ? 2 * c->z_dim : 1};
    return gan_dcgan_init(m, s, init);
}

int train_has_ema(const TrainConfig *c) { return c->ema > 0 || c->cfg == TC_CFG_STYLEGAN2; }

int train_load_model(const char *ckpt, TrainConfig *c, GanModel *m, Ema *ema) {
    char *arch = ckpt_read_arch(ckpt);
    if (!arch) return -1;
    train_config_defaults(c);
    int rc = train_config_json(c, arch, ckpt);
    free(arch);
    if (rc) return mg_error_set("%s: not a checkpoint of morphogan train (%s)", ckpt, mg_error_get());
    if (train_config_resolve(c)) return mg_error_set("%s: %s", ckpt, mg_error_get());
    Rng init = rng_new(0);
    if (train_build_model(m, c, &init)) return mg_error_set("%s: %s", ckpt, mg_error_get());
    Adam og = adam_default(c->lr, c->betas[0], c->betas[1]), od = og;
    memset(ema, 0, sizeof *ema);
    if (train_has_ema(c)) *ema = ema_new(m->g_ps, c->ema > 0 ? c->ema : 0.999f);
    Rng rng = rng_new(0);
    Checkpoint ck = {.nparts = 3,
                     .part = {{"G.", m->g_ps, &og, train_has_ema(c) ? ema : NULL}, {c->cfg == TC_CFG_VAE ? "E." : "D.", m->d_ps, &od, NULL},
                              {"buf.", m->buffers, NULL, NULL}},
                     .rng = &rng};
    if (ckpt_load(ckpt, &ck)) {
        if (ema->shadow) ema_free(ema);
        gan_model_free(m);
        return -1;
    }
    Sg2 *net = gan_stylegan2_net(m);             /* progressive growing: the stage of the checkpoint's step */
    if (net) sg2_grow_apply(net, c->grow_kimg, (double)ck.step * c->batch);
    return 0;
}
