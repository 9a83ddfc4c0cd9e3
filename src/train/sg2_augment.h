/* The augmentation of a StyleGAN2 run (train/diffaug.h) with its fixed or adaptive (train/ada.h)
 * strength, plugged into the trainer's Sg2Augment hook, and its state in the checkpoint's buffer
 * "train.ada" (ADA_STATE_FLOATS floats), so that a resumed run continues exactly. */
#ifndef MG_SG2_AUGMENT_H
#define MG_SG2_AUGMENT_H
#include "train/ada.h"
#include "train/config.h"
#include "train/diffaug.h"
#include "train/sg2_step.h"

typedef struct Sg2AugState {
    DiffAug aug;
    Ada ada;
    int mode;                   /* TC_AUG_* */
} Sg2AugState;

/* From the resolved config; sets t->aug (nothing when --augment none).  0 or -1 + mg_error. */
int sg2_augment_setup(Sg2AugState *s, const TrainConfig *c, Sg2Trainer *t);
void sg2_augment_save(const Sg2AugState *s, float *buf);       /* before a checkpoint is written */
int sg2_augment_load(Sg2AugState *s, const float *buf);        /* after one is read; 0 or -1 + mg_error */
float sg2_augment_p(const Sg2AugState *s);
#endif
