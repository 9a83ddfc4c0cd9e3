#include "report/svg.h"
#include <math.h>

/* one decimal, and never "-0.0" (so a value that rounds to zero prints the same either side of it) */
static void num(StrBuf *b, double v) {
    if (!isfinite(v)) v = 0;
    double r = round(v * 10) / 10;
    if (r == 0) r = 0;
    sb_printf(b, "%.1f", r);
}

void svg_begin(StrBuf *b, int width, int height, const char *label) {
    sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "role=\"img\" aria-label=\"", width, height, width, height);
    sb_escape(b, label);
    sb_put(b, "\" font-family=\"sans-serif\">\n");
    sb_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
}

void svg_end(StrBuf *b) { sb_put(b, "</svg>\n"); }

static void line_common(StrBuf *b, double x1, double y1, double x2, double y2, const char *stroke, double width) {
    sb_put(b, "<line x1=\""); num(b, x1);
    sb_put(b, "\" y1=\""); num(b, y1);
    sb_put(b, "\" x2=\""); num(b, x2);
    sb_put(b, "\" y2=\""); num(b, y2);
    sb_printf(b, "\" stroke=\"%s\" stroke-width=\"", stroke); num(b, width);
    sb_put(b, "\"");
}

void svg_line(StrBuf *b, double x1, double y1, double x2, double y2, const char *stroke, double width) {
    line_common(b, x1, y1, x2, y2, stroke, width);
    sb_put(b, "/>\n");
}

void svg_dashed_line(StrBuf *b, double x1, double y1, double x2, double y2, const char *stroke, double width) {
    line_common(b, x1, y1, x2, y2, stroke, width);
    sb_put(b, " stroke-dasharray=\"4 3\"/>\n");
}

void svg_rect(StrBuf *b, double x, double y, double w, double h, const char *fill, double fill_opacity,
              const char *stroke) {
    sb_put(b, "<rect x=\""); num(b, x);
    sb_put(b, "\" y=\""); num(b, y);
    sb_put(b, "\" width=\""); num(b, w);
    sb_put(b, "\" height=\""); num(b, h);
    sb_printf(b, "\" fill=\"%s\"", fill);
    if (fill_opacity < 1) sb_printf(b, " fill-opacity=\"%.2f\"", fill_opacity);
    if (stroke) sb_printf(b, " stroke=\"%s\"", stroke);
    sb_put(b, "/>\n");
}

void svg_circle(StrBuf *b, double cx, double cy, double r, const char *fill, double fill_opacity) {
    sb_put(b, "<circle cx=\""); num(b, cx);
    sb_put(b, "\" cy=\""); num(b, cy);
    sb_put(b, "\" r=\""); num(b, r);
    sb_printf(b, "\" fill=\"%s\"", fill);
    if (fill_opacity < 1) sb_printf(b, " fill-opacity=\"%.2f\"", fill_opacity);
    sb_put(b, "/>\n");
}

static void text_open(StrBuf *b, double x, double y, const char *anchor, int size) {
    sb_put(b, "<text x=\""); num(b, x);
    sb_put(b, "\" y=\""); num(b, y);
    sb_printf(b, "\" font-size=\"%d\" text-anchor=\"%s\"", size, anchor);
}

void svg_text(StrBuf *b, double x, double y, const char *anchor, int size, double rotate, const char *text) {
    text_open(b, x, y, anchor, size);
    if (rotate != 0) {
        sb_put(b, " transform=\"rotate(");
        num(b, rotate); sb_put(b, " "); num(b, x); sb_put(b, " "); num(b, y);
        sb_put(b, ")\"");
    }
    sb_put(b, ">");
    sb_escape(b, text);
    sb_put(b, "</text>\n");
}

void svg_text_color(StrBuf *b, double x, double y, const char *anchor, int size, const char *fill, const char *text) {
    text_open(b, x, y, anchor, size);
    sb_printf(b, " fill=\"%s\">", fill);
    sb_escape(b, text);
    sb_put(b, "</text>\n");
}

void svg_polyline_begin(StrBuf *b, const char *stroke, double width) {
    sb_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"", stroke);
    num(b, width);
    sb_put(b, "\" stroke-linejoin=\"round\" points=\"");
}

void svg_polyline_point(StrBuf *b, double x, double y) {
    num(b, x); sb_put(b, ","); num(b, y); sb_put(b, " ");
}

void svg_polyline_end(StrBuf *b) { sb_put(b, "\"/>\n"); }

const char *svg_palette(int k) {
    static const char *const colours[8] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                           "#e69f00", "#56b4e9", "#000000", "#f0e442"};
    return colours[((k % 8) + 8) % 8];
}
