/* TIFF input/output (libtiff).  Reading takes the first page (directory) of any TIFF that libtiff's
 * RGBA interface decodes (8/16-bit grey, RGB, palette; uncompressed, LZW, Deflate, PackBits...; strips
 * or tiles) into an 8-bit Image (io/image.h): c = 1 for one-sample grey (min-is-black or
 * min-is-white), c = 3 otherwise (alpha dropped).  16-bit samples keep their high byte (libtiff's
 * RGBA rule), so a 12-bit camera image stored in 16 bits reads dark: rescale it before use.
 * libtiff's messages go to a per-handle handler: an error becomes -1 with "path: what is wrong". */
#ifndef MG_TIFF_H
#define MG_TIFF_H
#include "io/image.h"

int image_read_tiff(const char *path, Image *out);               /* 0, or -1 with mg_error_set */
/* 8-bit grey or RGB, one strip per row, uncompressed.  Not atomic (tests and fixtures only). */
int image_write_tiff(const char *path, const Image *img);
#endif
