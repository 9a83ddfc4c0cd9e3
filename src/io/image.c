#include "io/image.h"
#include "core/error.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SIDE 30000              /* refuse absurd headers (fuzzed files) before allocating */
#define MAX_PIXELS (1u << 26)       /* 67 Mpixel: far above any microscope crop */

int image_alloc(Image *img, int w, int h, int c) {
    img->w = w; img->h = h; img->c = c; img->px = NULL;
    if (w <= 0 || h <= 0 || (c != 1 && c != 3)) return mg_error_set("image: bad size %dx%dx%d", w, h, c);
    img->px = calloc((size_t)w * h * c, 1);
    if (!img->px) return mg_error_set("image: out of memory for %dx%dx%d", w, h, c);
    return 0;
}

void image_free(Image *img) {
    free(img->px);
    img->px = NULL;
    img->w = img->h = img->c = 0;
}

/* libpng reports errors through this; we keep the message and jump back to the setjmp in the caller. */
typedef struct PngErr { char msg[256]; } PngErr;

static void on_png_error(png_structp png, png_const_charp msg) {
    PngErr *e = png_get_error_ptr(png);
    if (e) snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "libpng error");
    png_longjmp(png, 1);
}
static void on_png_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

int image_read_png(const char *path, Image *out) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return mg_error_set("%s: cannot open", path);
    unsigned char sig[8];
    if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8)) {
        fclose(f);
        return mg_error_set("%s: not a PNG file", path);
    }
    PngErr err = {{0}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
        fclose(f);
        return mg_error_set("%s: cannot initialise libpng", path);
    }
    /* written after setjmp and read after longjmp: must be volatile */
    uint8_t *volatile data = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(data);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        return mg_error_set("%s: corrupt or truncated PNG (%s)", path, err.msg[0] ? err.msg : "libpng error");
    }
    png_set_user_limits(png, MAX_SIDE, MAX_SIDE);
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * h > MAX_PIXELS) png_error(png, "image too large");
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (depth == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    if (channels == 4 || channels == 2) png_error(png, "unexpected alpha channel after conversion");
    if (channels != 1 && channels != 3) png_error(png, "unsupported channel count");
    if (png_get_rowbytes(png, info) != (size_t)w * channels) png_error(png, "unexpected row size");
    data = malloc((size_t)w * h * channels);
    rows = malloc(sizeof(png_bytep) * h);
    if (!data || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++) rows[y] = data + (size_t)y * w * channels;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    free(rows);
    out->w = (int)w; out->h = (int)h; out->c = channels; out->px = data;
    return 0;
}

/* Writes img to the already-open f; 0 or -1 (message in *msg). */
static int write_png_stream(FILE *f, const Image *img, PngErr *err) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(png ? &png : NULL, NULL);
        snprintf(err->msg, sizeof err->msg, "cannot initialise libpng");
        return -1;
    }
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 6);
    png_set_IHDR(png, info, img->w, img->h, 8, img->c == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    rows = malloc(sizeof(png_bytep) * img->h);
    if (!rows) png_error(png, "out of memory");
    for (int y = 0; y < img->h; y++) rows[y] = img->px + (size_t)y * img->w * img->c;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int image_write_png(const char *path, const Image *img) {
    if (!img->px || img->w <= 0 || img->h <= 0 || (img->c != 1 && img->c != 3))
        return mg_error_set("%s: nothing to write (bad image)", path);
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) return mg_error_set("%s: out of memory", path);
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return mg_error_set("%s: cannot create a temporary file next to it", path);
    }
    /* mkstemp creates the file 0600: give it the usual 0666 & ~umask (umask read once; the only other
     * file creation that could run meanwhile is this same function, whose mkstemp ignores the umask) */
    static int umask_cached = -1;
#pragma omp critical(mg_umask)
    {
        if (umask_cached < 0) {
            mode_t m = umask(0);
            umask(m);
            umask_cached = (int)m;
        }
    }
    if (fchmod(fd, 0666 & ~(mode_t)umask_cached) != 0) { /* keep 0600: not worth failing for */ }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd); unlink(tmp); free(tmp);
        return mg_error_set("%s: cannot open the temporary file", path);
    }
    PngErr err = {{0}};
    int rc = write_png_stream(f, img, &err);
    if (fclose(f) != 0 && rc == 0) { rc = -1; snprintf(err.msg, sizeof err.msg, "write failed (disk full?)"); }
    if (rc == 0 && rename(tmp, path) != 0) { rc = -1; snprintf(err.msg, sizeof err.msg, "cannot rename into place"); }
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        return mg_error_set("%s: cannot write PNG (%s)", path, err.msg);
    }
    free(tmp);
    return 0;
}

void image_to_gray(const Image *img, float *out) {
    size_t n = (size_t)img->w * img->h;
    if (img->c == 1) {
        for (size_t i = 0; i < n; i++) out[i] = img->px[i] * (1.0f / 255.0f);
    } else {
        for (size_t i = 0; i < n; i++) {
            const uint8_t *p = img->px + 3 * i;
            out[i] = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) * (1.0f / 255.0f);
        }
    }
}
