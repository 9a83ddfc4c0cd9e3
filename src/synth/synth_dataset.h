/* A whole synthetic data set: n images, the first ceil(n/2) control and the rest treated.
 * Image i is drawn from its own generator rng_new(seed * 1000003 + i + 1), so the set does not depend on
 * the thread count or on which images are written.  Files: <out>/control/control_NNNNN.png,
 * <out>/treated/treated_NNNNN.png and <out>/truth.csv (one row per image, true parameters). */
#ifndef MG_SYNTH_DATASET_H
#define MG_SYNTH_DATASET_H
#include "synth/diatom.h"
#include <stdint.h>

typedef struct SynthOptions {
    int n;
    uint64_t seed;
    DiatomModel model;
    ImagingModel imaging;
} SynthOptions;

int synth_group_of(const SynthOptions *o, int i);            /* GROUP_CONTROL or GROUP_TREATED */
int synth_index_in_group(const SynthOptions *o, int i);
/* Relative file name of image i: "control/control_00012.png"; buf of at least 64 bytes. */
void synth_file_name(const SynthOptions *o, int i, char *buf, size_t size);

/* Draws the parameters of image i and renders it (img allocated here; free with image_free). */
int synth_make_image(const SynthOptions *o, int i, DiatomParams *p, Image *img);

/* Writes all n images and truth.csv under outdir (created if needed); params (n entries) receives the truth.
 * Parallel over images (OpenMP). 0 or -1 with the first error. */
int synth_write_dataset(const SynthOptions *o, const char *outdir, DiatomParams *params);

int synth_write_truth_csv(const char *path, const SynthOptions *o, const DiatomParams *params);
#endif
