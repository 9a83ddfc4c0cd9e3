/* Animated GIF89a output with LZW compression (no decoder in the library: tests decode).
 * Frames are 8-bit Images of one size; grey frames use a 256-level grey palette, RGB frames a
 * 3-3-2 palette (r, g: 8 levels, b: 4).  The animation loops forever (NETSCAPE2.0 extension);
 * delay_cs: time per frame in 1/100 s.  Written atomically (temporary file, renamed). */
#ifndef MG_GIF_H
#define MG_GIF_H
#include "io/image.h"
#include <stddef.h>
#include <stdint.h>

int gif_write(const char *path, const Image *frames, int nframes, int delay_cs);   /* 0, or -1 + mg_error */
/* The palette index of pixel p of an image (what gif_write stores) */
uint8_t gif_index(const Image *img, size_t p);
/* LZW-compress n 8-bit indices as GIF's image data (min code size 8), without the sub-block framing:
 * out (capacity cap bytes) receives the bit stream; returns its length, or 0 when cap is too small. */
size_t gif_lzw(const uint8_t *idx, size_t n, uint8_t *out, size_t cap);
#endif
