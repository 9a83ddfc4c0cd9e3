/* A GAN as the training code sees it: two networks behind function pointers, their parameter
 * stores, and a store of non-parameter buffers (batch-norm running statistics) that checkpoints
 * carry.  The model's own forwards take the conditioned inputs (z_dim + n_classes latent channels,
 * channels + n_classes D input channels); gan_g / gan_d add the conditioning.  Each model file (model_*.c) builds one from a TrainConfig. */
#ifndef MG_GAN_MODEL_H
#define MG_GAN_MODEL_H
#include "ops/ops.h"
#include "optim/params.h"

typedef struct GanModel GanModel;
struct GanModel {
    int z_dim, channels, size;          /* G: z [N,z_dim,1,1] -> images [N,channels,size,size] in (-1,1) */
    int d_has_bn;                       /* D uses batch statistics (no per-sample gradient penalty) */
    int n_classes;                      /* > 0: conditional - G sees z ++ one-hot(class) [N,Z+K,1,1], D sees
                                           x ++ K constant planes (1 for the class) [N,C+K,S,S] */
    const int *labels;                  /* conditional: classes of the batch the next gan_g / gan_d call sees */
    ParamStore *g_ps, *d_ps;
    ParamStore *buffers;                /* BN running statistics of G and D; values only are used */
    Tensor *(*g_forward)(GanModel *m, Tensor *z, int training);
    Tensor *(*d_forward)(GanModel *m, Tensor *x, int training);   /* x [N,C,S,S] -> logits [N,1,1,1] */
    void (*free_impl)(GanModel *m);
    void *impl;
};

void gan_model_free(GanModel *m);
/* The networks with their conditioning applied (plain g_forward / d_forward when n_classes == 0).
 * z [N,Z,1,1] -> [N,C,S,S];  x [N,C,S,S] -> [N,1,1,1];  m->labels must hold N classes. */
Tensor *gan_g(GanModel *m, Tensor *z, int training);
Tensor *gan_d(GanModel *m, Tensor *x, int training);
#endif
