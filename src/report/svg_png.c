/* SVG -> PNG through librsvg and cairo. */
#include "report/svg_png.h"
#include "core/error.h"
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <stdio.h>

int svg_write_png(const char *svg, size_t len, double scale, const char *path) {
    GError *err = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
    if (!h) {
        int rc = mg_error_set("%s: the figure is not valid SVG (%s)", path, err ? err->message : "librsvg");
        if (err) g_error_free(err);
        return rc;
    }
    double w = 0, hh = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) || !(w > 0 && hh > 0)) {
        g_object_unref(h);
        return mg_error_set("%s: the figure has no size in pixels", path);
    }
    const int W = (int)ceil(w * scale), H = (int)ceil(hh * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    RsvgRectangle vp = {0, 0, w, hh};
    int rc = 0;
    if (!rsvg_handle_render_document(h, cr, &vp, &err)) {
        rc = mg_error_set("%s: rendering the figure failed (%s)", path, err ? err->message : "librsvg");
        if (err) g_error_free(err);
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!rc) {
        cairo_surface_flush(s);
        cairo_status_t st = cairo_surface_write_to_png(s, tmp);
        if (st != CAIRO_STATUS_SUCCESS) rc = mg_error_set("%s: cannot write (%s)", tmp, cairo_status_to_string(st));
        else if (rename(tmp, path)) rc = mg_error_set("%s: cannot rename to %s", tmp, path);
        if (rc) remove(tmp);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    g_object_unref(h);
    return rc;
}
