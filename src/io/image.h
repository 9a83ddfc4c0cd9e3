/* 8-bit images and PNG input/output (libpng).
 * An Image holds h rows x w columns x c channels (c = 1 grey or 3 RGB), row-major, interleaved:
 * px[(y * w + x) * c + k].  Reading converts any PNG (palette, 1-16 bit, alpha) to 8-bit grey or RGB;
 * any libpng error becomes a returned -1 with "path: what is wrong" in mg_error_get().
 * Writing is atomic: a temporary file in the same folder, renamed over the target when complete. */
#ifndef MG_IMAGE_H
#define MG_IMAGE_H
#include <stdint.h>

typedef struct Image {
    int w, h, c;          /* width, height in pixels; channels 1 or 3 */
    uint8_t *px;          /* h * w * c bytes */
} Image;

int image_alloc(Image *img, int w, int h, int c);      /* zero-filled; returns 0 or -1 */
void image_free(Image *img);
int image_read_png(const char *path, Image *out);      /* 0, or -1 with mg_error_set */
int image_write_png(const char *path, const Image *img);

/* Luminance in [0, 1]: out holds h * w floats (Rec. 601 weights for RGB). */
void image_to_gray(const Image *img, float *out);
#endif
