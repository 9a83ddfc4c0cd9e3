/* Loading a train-course checkpoint's generator.  See course_generator.h. */
#include "analysis/course_generator.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include <stdlib.h>
#include <string.h>

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
    ParamStore *bn = dcgan_bn_buffers(g, &d);          /* the layout train-course writes */
    Checkpoint ck = {.nparts = 3,
                     .part = {{"G.", g->ps, &tr.opt_g, NULL}, {"D.", d.ps, &tr.opt_d, NULL}, {"bn.", bn, NULL, NULL}}};
    int rc = ckpt_load(path, &ck);
    dcgan_bn_own(&g->bn);                              /* G outlives the buffer store */
    params_free(bn);
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
