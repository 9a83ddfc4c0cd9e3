/* NumPy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), read and
 * written: latent codes, directions, anything a user also opens with numpy.load().
 *
 * Layout: "\x93NUMPY" | major | minor | header length (u16 LE for 1.0, u32 LE for 2.0/3.0) |
 * header, a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, L, D), }
 * padded with spaces and ending in '\n' | data, little-endian, C order.
 *
 * Reading accepts versions 1.0, 2.0 and 3.0, dtypes '<f4' and '<f8' ('float32'/'float64' little
 * endian), C order, 0 to NPY_MAXDIM dimensions, and nothing after the data.  Anything else gives -1
 * and a one-line mg_error "<path>: <what is wrong>" (big-endian, Fortran order, other dtypes, a
 * truncated file, a malformed header...).  Values are converted to the type the caller asks for.
 *
 * Writing: version 1.0 (a header of at most 4 dimensions always fits), header padded so the data starts at a
 * multiple of 64 bytes, to "<path>.tmp.XXXXXX" beside the target, fsynced, renamed over <path>.
 *
 *   NpyArray a;
 *   if (npy_read("codes.npy", NPY_F32, &a)) { fprintf(stderr, "%s\n", mg_error_get()); ... }
 *   float *codes = a.data;                   // [a.shape[0], a.shape[1], a.shape[2]]
 *   npy_free(&a);
 *   npy_write("w.npy", NPY_F32, 2, (int64_t[]){n, 512}, w);
 */
#ifndef MG_NPY_H
#define MG_NPY_H
#include <stddef.h>
#include <stdint.h>

#define NPY_MAXDIM 4

typedef enum { NPY_F32, NPY_F64 } NpyDtype;

typedef struct NpyArray {
    NpyDtype dtype;                 /* of data (what the caller asked for) */
    NpyDtype stored;                /* as it was in the file */
    int ndim;                       /* 0..NPY_MAXDIM; 0 = a scalar (numel 1) */
    int64_t shape[NPY_MAXDIM];
    size_t numel;                   /* product of shape */
    void *data;                     /* numel floats or doubles, C order, owned (malloc) */
} NpyArray;

/* 0, or -1 + mg_error naming path.  *a is zeroed on failure. */
int npy_read(const char *path, NpyDtype want, NpyArray *a);
/* Same on bytes already in memory; `name` stands for the path in messages. */
int npy_parse(const char *name, const void *bytes, size_t size, NpyDtype want, NpyArray *a);
void npy_free(NpyArray *a);                                  /* safe on a zeroed NpyArray */

/* data: numel values of dtype in C order.  0, or -1 + mg_error naming path.  Atomic. */
int npy_write(const char *path, NpyDtype dtype, int ndim, const int64_t *shape, const void *data);

const char *npy_shape_str(const NpyArray *a);                /* "[2,3]", rotating static buffer */
#endif
