/* SVG drawing primitives written as text into a StrBuf (inline SVG in the report's HTML).
 * Coordinates are pixels, printed with one decimal, so the same figure gives the same bytes.
 * Text arguments are escaped here; colours are literal CSS colours ("#0072b2", "none"). */
#ifndef MG_SVG_H
#define MG_SVG_H
#include "report/strbuf.h"

void svg_begin(StrBuf *b, int width, int height, const char *label);   /* label: aria-label text */
void svg_end(StrBuf *b);
void svg_line(StrBuf *b, double x1, double y1, double x2, double y2, const char *stroke, double width);
void svg_dashed_line(StrBuf *b, double x1, double y1, double x2, double y2, const char *stroke, double width);
void svg_rect(StrBuf *b, double x, double y, double w, double h, const char *fill, double fill_opacity,
              const char *stroke);
void svg_circle(StrBuf *b, double cx, double cy, double r, const char *fill, double fill_opacity);
/* anchor: "start", "middle" or "end"; rotate: degrees about (x, y), 0 for none */
void svg_text(StrBuf *b, double x, double y, const char *anchor, int size, double rotate, const char *text);
void svg_text_color(StrBuf *b, double x, double y, const char *anchor, int size, const char *fill, const char *text);
/* a polyline is opened, given points, and closed; an open polyline with < 2 points draws nothing */
void svg_polyline_begin(StrBuf *b, const char *stroke, double width);
void svg_polyline_point(StrBuf *b, double x, double y);
void svg_polyline_end(StrBuf *b);

/* colour k of an 8-colour palette safe for colour-blind readers (Okabe & Ito), cycling */
const char *svg_palette(int k);
#endif
