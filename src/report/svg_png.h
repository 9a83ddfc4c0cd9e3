/* An SVG document (the figures of report/figures.h) rendered to a PNG file, for figures wanted as images
 * outside the HTML report.  librsvg parses and renders (its cairo backend), cairo writes the PNG: libraries
 * made for this rather than a rasteriser of our own. */
#ifndef MG_SVG_PNG_H
#define MG_SVG_PNG_H
#include <stddef.h>

/* Renders svg (len bytes, a whole <svg> document with width/height) at `scale` times its size on a white
 * background into path, atomically (a temporary file renamed).  0, or -1 + mg_error naming path. */
int svg_write_png(const char *svg, size_t len, double scale, const char *path);
#endif
