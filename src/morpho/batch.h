/* Measuring many images: listing the PNGs of folders, measuring them in parallel (one workspace per
 * thread, per-image results independent of the thread count) and writing the measures CSV. */
#ifndef MG_BATCH_H
#define MG_BATCH_H
#include "morpho/measure.h"

typedef struct ImageList {
    int n, cap;
    char **path;        /* as opened */
    char **name;        /* as written in the CSV: relative to the input folder, or the path for a file */
    char **group;       /* folder name the image was found in */
} ImageList;

void image_list_free(ImageList *l);
/* Adds one input: a .png file, or a folder whose *.png files and whose subfolders' *.png files are
 * added (sorted by name; the group is the name of the folder holding the file). 0 or -1. */
int image_list_add(ImageList *l, const char *input);

/* Measures every image of l into m (l->n entries).  Unreadable files get flag SEG_UNREADABLE and a
 * one-line message on stderr naming the file.  Returns the number of unreadable files. */
int measure_all(const ImageList *l, int n_harm, Measures *m);

/* CSV: file,group,ok,flag,<scalars>,centroid_x,centroid_y,angle_deg,efd<n>_<a|b|c|d>...; measures of
 * flagged rows are empty.  Written atomically. */
int write_measures_csv(const char *path, const ImageList *l, const Measures *m, int n_harm);
#endif
