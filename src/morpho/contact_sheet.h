/* Contact sheets: a grid of images with the measured outline drawn on each (red; cyan when the row is
 * flagged), as an RGB PNG.  Images are magnified by an integer factor so 64x64 cells stay readable. */
#ifndef MG_CONTACT_SHEET_H
#define MG_CONTACT_SHEET_H
#include "io/image.h"
#include "synth/synth_dataset.h"

/* imgs: n images (any size, grey or RGB), laid out in rows of `cols`.  Returns 0 or -1. */
int contact_sheet_write(const char *path, const Image *imgs, int n, int cols, int n_harm);
/* k images of each group of the synthetic set o (control on the upper rows, treated below). */
int contact_sheet_from_synth(const SynthOptions *o, int k, const char *path);
#endif
