#include "report/html.h"
#include "report/base64.h"
#include "core/error.h"
#include "io/image.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_EMBED (64L << 20)        /* larger image files are not embedded */

static const char style[] =
    "body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
    "figure{margin:1em 0}figcaption{font-size:.9em;color:#555}svg{max-width:100%;height:auto}\n"
    "img{max-width:100%;height:auto;image-rendering:pixelated;border:1px solid #ddd}\n"
    ".missing{color:#777;font-style:italic}.warning{background:#fff4e5;border-left:4px solid #e69f00;padding:.4em .8em}\n"
    "code{background:#f4f4f4;padding:0 .2em}\n";

/* counts the page's images and figures once it has loaded (the browser test reads these attributes) */
static const char load_check[] =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var im = document.images, ok = 0, sv = document.querySelectorAll('svg'), drawn = 0;\n"
    "  for (var i = 0; i < im.length; i++) if (im[i].complete && im[i].naturalWidth > 0) ok++;\n"
    "  for (var j = 0; j < sv.length; j++) {\n"
    "    var r = sv[j].getBoundingClientRect();\n"
    "    if (sv[j].childElementCount > 0 && r.width > 0 && r.height > 0) drawn++;\n"
    "  }\n"
    "  var b = document.body;\n"
    "  b.setAttribute('data-images', im.length); b.setAttribute('data-images-loaded', ok);\n"
    "  b.setAttribute('data-svgs', sv.length); b.setAttribute('data-svgs-drawn', drawn);\n"
    "});\n"
    "</script>\n";

void html_begin(StrBuf *b, const char *title) {
    sb_put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    sb_escape(b, title);
    sb_put(b, "</title>\n<style>\n");
    sb_put(b, style);
    sb_put(b, "</style>\n</head>\n<body>\n");
}

void html_end(StrBuf *b) {
    sb_put(b, load_check);
    sb_put(b, "</body>\n</html>\n");
}

void html_heading(StrBuf *b, int level, const char *id, const char *text) {
    sb_printf(b, "<h%d", level);
    if (id) { sb_put(b, " id=\""); sb_escape(b, id); sb_put(b, "\""); }
    sb_put(b, ">");
    sb_escape(b, text);
    sb_printf(b, "</h%d>\n", level);
}

void html_para(StrBuf *b, const char *text) {
    sb_put(b, "<p>");
    sb_escape(b, text);
    sb_put(b, "</p>\n");
}

void html_not_computed(StrBuf *b, const char *what, const char *command) {
    sb_put(b, "<p class=\"missing\">not computed (run <code>");
    sb_escape(b, command);
    sb_put(b, "</code>): no ");
    sb_escape(b, what);
    sb_put(b, "</p>\n");
}

void html_warning(StrBuf *b, const char *text) {
    sb_put(b, "<p class=\"warning\">");
    sb_escape(b, text);
    sb_put(b, "</p>\n");
}

void html_table_begin(StrBuf *b, const char *const *header, int n_cols) {
    sb_put(b, "<table>\n<tr>");
    for (int c = 0; c < n_cols; c++) { sb_put(b, "<th>"); sb_escape(b, header[c]); sb_put(b, "</th>"); }
    sb_put(b, "</tr>\n");
}

/* right-aligned when the cell reads as a number */
static int looks_numeric(const char *s) {
    if (!*s) return 0;
    char *end;
    strtod(s, &end);
    return end != s && (*end == 0 || (*end == '%' && end[1] == 0));
}

void html_table_row(StrBuf *b, const char *const *cells, int n_cols) {
    sb_put(b, "<tr>");
    for (int c = 0; c < n_cols; c++) {
        sb_put(b, looks_numeric(cells[c]) ? "<td class=\"n\">" : "<td>");
        sb_escape(b, cells[c]);
        sb_put(b, "</td>");
    }
    sb_put(b, "</tr>\n");
}

void html_table_end(StrBuf *b) { sb_put(b, "</table>\n"); }

void html_figure_begin(StrBuf *b) { sb_put(b, "<figure>\n"); }

void html_figure_end(StrBuf *b, const char *caption) {
    if (caption && *caption) { sb_put(b, "<figcaption>"); sb_escape(b, caption); sb_put(b, "</figcaption>\n"); }
    sb_put(b, "</figure>\n");
}

static int read_file(const char *path, uint8_t **data, long *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return mg_error_set("%s: cannot open: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) || (*n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return mg_error_set("%s: cannot read", path);
    }
    if (*n > MAX_EMBED) { fclose(f); return mg_error_set("%s: %ld bytes, too large to embed (limit %ld)", path, *n, MAX_EMBED); }
    *data = mg_xmalloc(*n > 0 ? (size_t)*n : 1);
    size_t got = fread(*data, 1, (size_t)*n, f);
    fclose(f);
    if ((long)got != *n) { free(*data); return mg_error_set("%s: cannot read", path); }
    return 0;
}

int html_png(StrBuf *b, const char *path, const char *alt) {
    Image img = {0};
    if (image_read_png(path, &img)) return -1;        /* a file the browser could not show either */
    int w = img.w, h = img.h;
    image_free(&img);
    uint8_t *data = NULL;
    long n = 0;
    if (read_file(path, &data, &n)) return -1;
    /* small grids are shown enlarged (pixelated), large ones fit the page */
    int shown = w < 400 ? (2 * w < 960 ? 2 * w : 960) : (w < 960 ? w : 960);
    sb_printf(b, "<img width=\"%d\" height=\"%d\" alt=\"", shown, (int)((double)h * shown / w + 0.5));
    sb_escape(b, alt);
    sb_put(b, "\" src=\"data:image/png;base64,");
    base64_append(b, data, (size_t)n);
    sb_put(b, "\">\n");
    free(data);
    return 0;
}

int html_write_atomic(const char *path, const StrBuf *b) {
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp)
        return mg_error_set("%s: path too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return mg_error_set("%s: cannot create a temporary file next to it: %s", path, strerror(errno));
    mode_t m = umask(0);                       /* mkstemp makes 0600; give the page 0666 & ~umask */
    umask(m);
    if (fchmod(fd, 0666 & ~m) != 0) { /* keep 0600: not worth failing for */ }
    FILE *f = fdopen(fd, "wb");
    if (!f) { close(fd); unlink(tmp); return mg_error_set("%s: cannot open the temporary file", path); }
    size_t n = b->len;
    int bad = fwrite(sb_str(b), 1, n, f) != n;
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad) { unlink(tmp); return mg_error_set("%s: cannot write (disk full?)", path); }
    if (rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return mg_error_set("%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}
