/* TIFF through libtiff's RGBA reader, errors captured per handle (no global handler state). */
#include "io/tiff.h"
#include "core/error.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

typedef struct TiffMsg { char text[512]; } TiffMsg;

static int on_error(TIFF *t, void *user, const char *module, const char *fmt, va_list ap) {
    (void)t; (void)module;
    TiffMsg *m = user;
    if (!m->text[0]) vsnprintf(m->text, sizeof m->text, fmt, ap);     /* keep the first one */
    return 1;
}

static int on_warning(TIFF *t, void *user, const char *module, const char *fmt, va_list ap) {
    (void)t; (void)user; (void)module; (void)fmt; (void)ap;
    return 1;                                                           /* silenced */
}

static TIFF *open_with(const char *path, const char *mode, TiffMsg *m) {
    m->text[0] = 0;
    TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
    if (!o) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(o, on_error, m);
    TIFFOpenOptionsSetWarningHandlerExtR(o, on_warning, m);
    TIFFOpenOptionsSetMaxSingleMemAlloc(o, (tmsize_t)1 << 30);
    TIFF *t = TIFFOpenExt(path, mode, o);
    TIFFOpenOptionsFree(o);
    return t;
}

int image_read_tiff(const char *path, Image *out) {
    memset(out, 0, sizeof *out);
    TiffMsg m;
    TIFF *t = open_with(path, "r", &m);
    if (!t) return mg_error_set("%s: not a readable TIFF (%s)", path, m.text[0] ? m.text : "cannot open");
    uint32_t w = 0, h = 0;
    uint16_t spp = 1, photo = PHOTOMETRIC_MINISBLACK;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photo);
    if (w == 0 || h == 0 || (uint64_t)w * h > (1u << 28)) {
        TIFFClose(t);
        return mg_error_set("%s: unsupported TIFF size %ux%u", path, (unsigned)w, (unsigned)h);
    }
    int c = (spp == 1 && (photo == PHOTOMETRIC_MINISBLACK || photo == PHOTOMETRIC_MINISWHITE)) ? 1 : 3;
    uint32_t *rgba = malloc((size_t)w * h * sizeof *rgba);
    if (!rgba) { TIFFClose(t); return mg_error_set("%s: out of memory for %ux%u", path, (unsigned)w, (unsigned)h); }
    int ok = TIFFReadRGBAImageOriented(t, w, h, rgba, ORIENTATION_TOPLEFT, 0);
    TIFFClose(t);
    if (!ok || m.text[0]) {
        free(rgba);
        return mg_error_set("%s: not a readable TIFF (%s)", path, m.text[0] ? m.text : "cannot decode");
    }
    if (image_alloc(out, (int)w, (int)h, c)) { free(rgba); return mg_error_set("%s: out of memory", path); }
    for (size_t i = 0; i < (size_t)w * h; i++) {
        uint32_t p = rgba[i];
        if (c == 1) out->px[i] = (uint8_t)TIFFGetR(p);
        else {
            out->px[3 * i] = (uint8_t)TIFFGetR(p);
            out->px[3 * i + 1] = (uint8_t)TIFFGetG(p);
            out->px[3 * i + 2] = (uint8_t)TIFFGetB(p);
        }
    }
    free(rgba);
    return 0;
}

int image_write_tiff(const char *path, const Image *img) {
    if (img->c != 1 && img->c != 3) return mg_error_set("%s: TIFF writer takes 1 or 3 channels, not %d", path, img->c);
    TiffMsg m;
    TIFF *t = open_with(path, "w", &m);
    if (!t) return mg_error_set("%s: cannot create TIFF (%s)", path, m.text);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)img->w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)img->h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)img->c);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, img->c == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)1);
    int rc = 0;
    for (int y = 0; y < img->h && rc == 0; y++)
        if (TIFFWriteScanline(t, img->px + (size_t)y * img->w * img->c, (uint32_t)y, 0) < 0)
            rc = mg_error_set("%s: cannot write TIFF row %d (%s)", path, y, m.text);
    TIFFClose(t);
    return rc;
}
