/* Encoder checkpoints: a morphogan checkpoint (io/checkpoint.h) with the parts "E." (the encoder, its
 * Adam state) and, when trained with one, "LD." (the latent discriminator, its Adam state), the
 * trainer's random state and step, and an architecture JSON:
 *   {"kind": "e4e-encoder", "generator": "<checkpoint path>", "resolution": 64, "channels": 1,
 *    "w_dim": 128, "num_ws": 10, "width": 32, "feat": 64, "active": 9, "latent_disc": 256 (0: none),
 *    "train": {the training options}} */
#ifndef MG_ENCODER_IO_H
#define MG_ENCODER_IO_H
#include "inversion/encoder_train.h"

typedef struct EncFile {
    Encoder e;
    LatentDisc ld;                 /* ld.ps NULL when the file has none */
    char generator[4096];
    int active;                    /* offsets released when saved */
    long step;
    Adam opt_e, opt_d;
    Rng rng;
    EncTrainOpts train;            /* as stored (defaults for missing keys) */
} EncFile;

int enc_save(const char *path, const Encoder *e, const LatentDisc *ld, const char *generator, int active, const EncTrainer *t);
/* 0, or -1 + mg_error naming the file (not an encoder checkpoint, inconsistent shapes, ...) */
int enc_load(const char *path, EncFile *f);
void enc_file_free(EncFile *f);
#endif
