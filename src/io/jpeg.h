/* JPEG input/output (libjpeg-turbo).  Reads baseline/progressive JPEG into an 8-bit Image (io/image.h):
 * grey stays grey (c = 1), everything else (YCbCr, CMYK...) is converted to RGB (c = 3).
 * libjpeg's error manager is replaced: a decoding error longjmps back and becomes a returned -1 with
 * "path: what is wrong" in mg_error_get(); warnings (corrupt data that libjpeg can recover from,
 * e.g. a truncated scan) are also turned into errors, so a damaged file is never half read. */
#ifndef MG_JPEG_H
#define MG_JPEG_H
#include "io/image.h"
#include <stddef.h>

int image_read_jpeg(const char *path, Image *out);               /* 0, or -1 with mg_error_set */
/* From memory (the fuzz tests use it): `what` names the data in error messages. */
int image_read_jpeg_mem(const unsigned char *buf, size_t n, const char *what, Image *out);
/* quality 1..100; c = 1 or 3.  Not atomic (tests and fixtures only). */
int image_write_jpeg(const char *path, const Image *img, int quality);
#endif
