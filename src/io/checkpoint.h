/* Training checkpoints: a safetensors file holding one or more ParamStores and their state.
 *
 * Tensors (float32), for each part with prefix P (e.g. "G.", "D."):
 *   P<name>           parameter values            (always)
 *   P<name>.adam_m    Adam first moment           (when the part has an Adam)
 *   P<name>.adam_v    Adam second moment          (when the part has an Adam)
 *   P<name>.ema       EMA shadow of the values    (when the part has an Ema)
 * Metadata (all strings):
 *   format            "morphogan-checkpoint-1"
 *   arch              the caller's architecture JSON, verbatim
 *   step, epoch       training counters (decimal)
 *   rng.seed, rng.counter                          (decimal u64, when an Rng is given)
 *   parts             the prefixes, comma separated ("G.,D.")
 *   P adam.lr, P adam.beta1, P adam.beta2, P adam.eps, P adam.weight_decay  ("%.9g": exact for float)
 *   P adam.step       (decimal)            e.g. "G.adam.lr"
 *   P ema.decay       ("%.9g")
 *
 * Loading: the caller builds the stores for the architecture first (ckpt_read_arch gives the
 * JSON), then ckpt_load checks that every expected tensor is there with the right shape, that no
 * unknown tensor sits under a part's prefix, and that all metadata parses - and only then
 * overwrites anything.  Errors are one line naming the file (and tensor, shapes). */
#ifndef MG_CHECKPOINT_H
#define MG_CHECKPOINT_H
#include "core/rng.h"
#include "optim/optim.h"
#include "optim/params.h"

#define CKPT_FORMAT "morphogan-checkpoint-1"
#define CKPT_MAXPARTS 4

typedef struct CkptPart {
    const char *prefix;         /* "G." */
    ParamStore *ps;
    Adam *adam;                 /* NULL: no optimizer state saved / restored */
    Ema *ema;                   /* NULL: no EMA saved / restored */
} CkptPart;

typedef struct Checkpoint {
    int nparts;
    CkptPart part[CKPT_MAXPARTS];
    Rng *rng;                   /* NULL: not saved / restored */
    long step, epoch;           /* saved from / restored into */
    const char *arch;           /* save: JSON text to store (NULL: "{}"); load: not touched */
} Checkpoint;

int ckpt_save(const char *path, const Checkpoint *c);      /* atomic; 0 or -1 + mg_error */
int ckpt_load(const char *path, Checkpoint *c);            /* 0 or -1 + mg_error; nothing changed on error */
/* The architecture JSON stored in a checkpoint (malloc'd, caller frees), or NULL + mg_error. */
char *ckpt_read_arch(const char *path);
#endif
