/* IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (zlib reads both).
 *
 * Layout: big-endian u32 magic 0x000008DD (0x08 = unsigned byte data, DD = number of dims),
 * DD big-endian u32 dims, then prod(dims) bytes, row-major.  Images: magic 0x00000803, dims
 * [n, h, w]; labels: magic 0x00000801, dims [n].
 *
 * Every defect (wrong magic, zero or overflowing dims, truncated data, trailing bytes, corrupt
 * gzip stream) gives -1 and a one-line mg_error "<path>: <what is wrong>".  Memory grows with the
 * data actually read, so a header claiming absurd dims does not allocate them. */
#ifndef MG_IDX_H
#define MG_IDX_H

#define IDX_MAX_ELEMS (1u << 31)        /* most elements accepted in one file */

typedef struct IdxImages {
    int n, h, w;
    float *data;                        /* [n, 1, h, w] (NCHW, C = 1), byte b -> b / 127.5 - 1 in [-1, 1] */
} IdxImages;

/* Loads the first max_n images (all when max_n <= 0). */
int idx_load_images(const char *path, int max_n, IdxImages *out);
void idx_images_free(IdxImages *im);
/* Loads the first max_n labels (all when max_n <= 0) into a malloc'd int array. */
int idx_load_labels(const char *path, int max_n, int **labels, int *n);
/* Images and their labels; fails when the two counts differ. */
int idx_load_pair(const char *images_path, const char *labels_path, int max_n, IdxImages *im, int **labels);

/* The generic reader under the three above: a u8 IDX file with `ndim` dims (1..4).  dims[0] is
 * clipped to max_n when 0 < max_n < dims[0]; *data gets prod(dims) malloc'd bytes. */
int idx_read_u8(const char *path, int ndim, int max_n, unsigned dims[], unsigned char **data);
#endif
