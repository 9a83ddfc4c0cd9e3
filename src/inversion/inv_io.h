/* Files of the inversion commands (project, encode):
 *   targets:  one image file, or a folder of images (labels = first-level sub-folder names, as
 *             data/folder.h lists them).  Every image must already have the generator's size and
 *             channel count: anything else is a one-line error naming the file (no silent resizing:
 *             prepare images with `morphogan dataset --out` first);
 *   pictures: target | reconstruction pairs as PNG, grids of pairs, animated GIFs of the optimisation;
 *   tables:   codes.npy (float32 [N,L,D]) with table.csv (file,label,split) - the latent table that
 *             `morphogan analyze --table DIR` reads - and errors.csv (file,label,split,l1,l2,perceptual,delta_norm). */
#ifndef MG_INV_IO_H
#define MG_INV_IO_H
#include <stddef.h>
#include <stdint.h>

typedef struct InvImages {
    int n, C, R;
    float *x;              /* [n,C,R,R] in [-1, 1] */
    char **file;           /* [n] relative name ("a/b.png"; the base name for a single file) */
    char **label;          /* [n] sub-folder name, or "unlabelled" */
} InvImages;

/* 0, or -1 + mg_error "path: what is wrong" (unreadable, wrong size, wrong channel count, no images). */
int inv_load_images(const char *path, int C, int R, InvImages *out);
void inv_images_free(InvImages *t);
/* Train/validation split of the images of folder dir: the split column of dir/dataset.csv when that file
 * exists (written by morphogan dataset --out; every image must have a row), else data/split.h's stratified
 * split by label with frac and seed (morphogan dataset's defaults: 0.8, 1).  is_val [n]: 0 train, 1 val.
 * *from_csv: 1 when dataset.csv was used.  0 or -1 + mg_error. */
int inv_split(const InvImages *t, const char *dir, double frac, uint64_t seed, int *is_val, int *from_csv);
/* "a/b c.png" -> "a_b_c" (a file-name stem for outputs) into out (cap bytes) */
void inv_stem(const char *rel, char *out, size_t cap);

/* x and y [C,R,R] in (-1,1) side by side, 2 px gap -> PNG.  0 or -1 + mg_error. */
int inv_write_pair_png(const char *path, const float *x, const float *y, int C, int R);
/* n pairs (targets[i] | recon[i]) in a grid of `cols` pairs per row -> PNG.  0 or -1. */
int inv_write_pair_grid(const char *path, const float *targets, const float *recon, int n, int C, int R, int cols);
/* An animated GIF: the target beside each of nframes images frames[f] (each [C,R,R]; stride floats apart). */
int inv_write_gif(const char *path, const float *target, const float *frames, size_t stride, int nframes, int C, int R,
                  int delay_cs);

/* codes.npy (io/npy.h, float32) + table.csv in dir (labels must be non-empty; split[i] 0 = train, 1 = val). */
int inv_write_latent_table(const char *dir, int n, int L, int D, const float *codes, char *const *file,
                           char *const *label, const int *split);
/* sum over slots i >= 1 of |codes[i] - codes[0]|_2 for one code [L,D]: the distance of a W+ code to W (0 in W) */
double inv_delta_norm(const float *code, int L, int D);
/* errors.csv: file,label[,split],l1,l2,perceptual,delta_norm (split column only when split != NULL) */
int inv_write_errors_csv(const char *path, int n, char *const *file, char *const *label, const char *const *split,
                         const float *l1, const float *l2, const float *perc, const float *delta);
#endif
