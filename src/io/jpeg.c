/* JPEG through libjpeg-turbo, with setjmp error recovery (never exit()). */
#include "io/jpeg.h"
#include "core/error.h"
#include <stdio.h>               /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct JpegErr {
    struct jpeg_error_mgr mgr;        /* first member: libjpeg hands us a pointer to it */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} JpegErr;

static void on_error(j_common_ptr cinfo) {
    JpegErr *e = (JpegErr *)cinfo->err;
    cinfo->err->format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

/* level -1 = a warning about corrupt data: treat as an error; >= 0 = trace messages: ignore */
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) on_error(cinfo);
}

static int read_common(struct jpeg_decompress_struct *ci, JpegErr *err, const char *what, Image *out) {
    /* volatile: modified between setjmp and longjmp */
    Image *volatile img = out;
    memset(out, 0, sizeof *out);
    if (setjmp(err->jump)) {
        jpeg_destroy_decompress(ci);
        image_free(img);
        return mg_error_set("%s: not a readable JPEG (%s)", what, err->msg);
    }
    jpeg_read_header(ci, TRUE);
    ci->out_color_space = ci->jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(ci);
    int w = (int)ci->output_width, h = (int)ci->output_height, c = ci->output_components;
    if (w <= 0 || h <= 0 || (c != 1 && c != 3) || (long)w * h > (1L << 28)) {
        snprintf(err->msg, sizeof err->msg, "unsupported size %dx%d or %d channels", w, h, c);
        longjmp(err->jump, 1);
    }
    if (image_alloc(img, w, h, c)) {
        snprintf(err->msg, sizeof err->msg, "out of memory for %dx%d", w, h);
        longjmp(err->jump, 1);
    }
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW row = img->px + (size_t)ci->output_scanline * w * c;
        jpeg_read_scanlines(ci, &row, 1);
    }
    jpeg_finish_decompress(ci);
    jpeg_destroy_decompress(ci);
    return 0;
}

static void setup(struct jpeg_decompress_struct *ci, JpegErr *err) {
    memset(ci, 0, sizeof *ci);
    ci->err = jpeg_std_error(&err->mgr);
    err->mgr.error_exit = on_error;
    err->mgr.emit_message = on_message;
    err->msg[0] = 0;
    jpeg_create_decompress(ci);
}

int image_read_jpeg_mem(const unsigned char *buf, size_t n, const char *what, Image *out) {
    if (n == 0) { memset(out, 0, sizeof *out); return mg_error_set("%s: empty file", what); }
    struct jpeg_decompress_struct ci;
    JpegErr err;
    setup(&ci, &err);
    jpeg_mem_src(&ci, buf, (unsigned long)n);
    return read_common(&ci, &err, what, out);
}

int image_read_jpeg(const char *path, Image *out) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return mg_error_set("%s: cannot open", path);
    struct jpeg_decompress_struct ci;
    JpegErr err;
    setup(&ci, &err);
    jpeg_stdio_src(&ci, f);
    int rc = read_common(&ci, &err, path, out);
    fclose(f);
    return rc;
}

int image_write_jpeg(const char *path, const Image *img, int quality) {
    if (img->c != 1 && img->c != 3) return mg_error_set("%s: JPEG needs 1 or 3 channels, not %d", path, img->c);
    FILE *f = fopen(path, "wb");
    if (!f) return mg_error_set("%s: cannot create", path);
    struct jpeg_compress_struct ci;
    JpegErr err;
    memset(&ci, 0, sizeof ci);
    ci.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = on_error;
    err.mgr.emit_message = on_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&ci);
        fclose(f);
        return mg_error_set("%s: cannot write JPEG (%s)", path, err.msg);
    }
    jpeg_create_compress(&ci);
    jpeg_stdio_dest(&ci, f);
    ci.image_width = (JDIMENSION)img->w;
    ci.image_height = (JDIMENSION)img->h;
    ci.input_components = img->c;
    ci.in_color_space = img->c == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = img->px + (size_t)ci.next_scanline * img->w * img->c;
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return fclose(f) ? mg_error_set("%s: write failed", path) : 0;
}
