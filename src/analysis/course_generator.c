/* Loading a train-course checkpoint's generator.  See course_generator.h. */
#include "analysis/course_generator.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include <stdlib.h>
#include <string.h>

/* a store "running_stats" [2 * channels] mirroring DcganBn.mem, as cmd_train_course.c writes it */
static ParamStore *bn_store(const DcganBn *bn) {
    ParamStore *ps = params_new();
    int total = bn->n ? (int)(bn->st[0].running_var - bn->st[0].running_mean) : 0;
    params_add(ps, "running_stats", TSHAPE(2 * (total ? total : 1)));
    params_finalize(ps);
    return ps;
}

int course_generator_load(const char *path, DcganG *g) {
    char *arch = ckpt_read_arch(path);
    if (!arch) return -1;
    DcganLoss loss;
    if (strstr(arch, "\"model\":\"dcgan-course\"") && strstr(arch, "\"loss\":\"bce\"")) loss = DCGAN_BCE;
    else if (strstr(arch, "\"model\":\"dcgan-course\"") && strstr(arch, "\"loss\":\"wgan-gp\"")) loss = DCGAN_WGAN_GP;
    else { free(arch); return mg_error_set("%s: not a train-course checkpoint (another model in its arch)", path); }
    free(arch);
    DcganD d;
    DcganTrainer tr;
    Rng r = rng_new(0);
    dcgan_g_init(g, dcgan_course_config(loss == DCGAN_BCE), &r);
    dcgan_d_init(&d, dcgan_course_config(loss == DCGAN_BCE), &r);
    dcgan_trainer_init(&tr, g, &d, loss);
    ParamStore *gbn = bn_store(&g->bn), *dbn = bn_store(&d.bn);
    Checkpoint ck = {.nparts = 4,
                     .part = {{"G.", g->ps, &tr.opt_g, NULL}, {"D.", d.ps, &tr.opt_d, NULL}, {"Gbn.", gbn, NULL, NULL},
                              {"Dbn.", dbn, NULL, NULL}}};
    int rc = ckpt_load(path, &ck);
    if (!rc && g->bn.n) {
        int total = (int)(g->bn.st[0].running_var - g->bn.st[0].running_mean);
        memcpy(g->bn.mem, gbn->values, 2 * (size_t)total * sizeof(float));
    }
    params_free(gbn);
    params_free(dbn);
    dcgan_d_free(&d);
    if (rc) dcgan_g_free(g);
    return rc;
}

void course_generator_run(DcganG *g, const float *z, int n, float *out) {
    int old = mg_set_grad_enabled(0);
    mg_step_reset();
    Tensor *zt = tensor_wrap(TSHAPE(n, g->cfg.z_dim, 1, 1), (float *)z);
    Tensor *x = dcgan_g_forward(g, zt, 0);                     /* [n,1,28,28] */
    memcpy(out, x->data, (size_t)n * 784 * sizeof(float));
    mg_step_reset();
    mg_set_grad_enabled(old);
}
