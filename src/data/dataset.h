/* A data set for training: N prepared images with labels, class names and file names.
 *
 *   x      [n, c, h, w] floats in [-1, 1] (NCHW; c = 1 grey or 3 RGB; h = w after preparation)
 *   label  [n] class index into class_name, or -1 (no label)
 *   file   [n] name relative to the data root (IDX: "<idx file name>#<index>")
 *   src_w, src_h [n] size of the image as read, before padding and resizing
 *
 * Sources (dataset_load picks by what the path is):
 *   - a folder: every PNG / JPEG / TIFF below it (data/folder.h); labels from the first-level
 *     sub-folder names, or from a CSV file,label (opts.labels_csv);
 *   - an IDX image file (plain or .gz, data/idx.h), or a folder holding train-images-idx3-ubyte[.gz];
 *     labels from the matching "labels-idx1" file next to it, or opts.labels_csv naming an IDX file.
 * Every image goes through data/prep.h (black filter, pad to square, resize, channels).
 * Classes are sorted by name (numbers numerically: "2" before "10"). */
#ifndef MG_DATASET_H
#define MG_DATASET_H
#include "data/prep.h"

typedef struct Dataset {
    int n, c, h, w;
    float *x;
    int *label;
    int n_classes;
    char **class_name;
    char **file;
    int *src_w, *src_h;
} Dataset;

/* Files left out, in listing order, with why: "unreadable: <error>", "black fraction 0.31 > 0.20",
 * "no label in <csv>", "listed in <csv> but not found". */
typedef struct DsRejects {
    int n, cap;
    char **file;
    char **reason;
    int n_unreadable;             /* how many of them could not be decoded */
} DsRejects;

typedef struct DatasetOpts {
    PrepOpts prep;                /* data/prep.h; prep.size 0 = keep the (padded) size as read */
    const char *labels;           /* CSV file,label for folders; an IDX label file for IDX; NULL */
    int strict;                   /* an unreadable image fails the load (-1) instead of being skipped */
    int limit;                    /* IDX: load only the first `limit` images (0 = all) */
} DatasetOpts;

DatasetOpts dataset_defaults(void);          /* prep_defaults(), no labels file, not strict, no limit */

/* 0, or -1 with mg_error ("path: what is wrong"; under strict, the first unreadable file's error).
 * rej (may be NULL) receives the rejected files.  Zero kept images is an error. */
int dataset_load(const char *path, const DatasetOpts *o, Dataset *ds, DsRejects *rej);
void dataset_free(Dataset *ds);
void ds_rejects_free(DsRejects *r);

/* 1 when path is an IDX image source (file with an IDX image magic, or a folder with train-images-idx3-ubyte[.gz]) */
int dataset_is_idx(const char *path);

/* Image i as an 8-bit Image (c channels, h x w, [-1, 1] -> 0..255 rounded); 0 or -1 */
int dataset_image(const Dataset *ds, int i, Image *out);
#endif
