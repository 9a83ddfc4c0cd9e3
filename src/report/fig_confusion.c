/* Confusion-matrix heatmap: rows = true class, columns = predicted class; each cell shaded by its share
 * of the row (the per-class recall on the diagonal) and labelled with its count and that share. */
#include "report/figures.h"
#include "report/svg.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static void short_name(const char *s, char *out, int cap) {
    snprintf(out, cap, "%s", s);
    if ((int)strlen(s) >= cap) {            /* cut at a UTF-8 character boundary, then "..." */
        int cut = cap - 4;
        while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80) cut--;
        memcpy(out + cut, "...", 4);
    }
}

void fig_confusion(StrBuf *b, const double *counts, int n_rows, int n_cols, const char *const *row_names,
                   const char *const *col_names, const char *label) {
    const int left = 150, top = 50, cw = n_cols > 6 ? 60 : 90, ch = n_rows > 6 ? 36 : 54;
    int w = left + cw * n_cols + 20, h = top + ch * n_rows + 20;
    if (w < 320) w = 320;
    svg_begin(b, w, h, label);
    char t[64];
    svg_text(b, left + cw * n_cols / 2.0, 16, "middle", 12, 0, "predicted");
    svg_text(b, 14, top + ch * n_rows / 2.0, "middle", 12, -90, "true");
    for (int c = 0; c < n_cols; c++) {
        short_name(col_names[c], t, cw / 7 + 1 < (int)sizeof t ? cw / 7 + 1 : (int)sizeof t);
        svg_text(b, left + cw * (c + 0.5), top - 8, "middle", 11, 0, t);
    }
    for (int r = 0; r < n_rows; r++) {
        double total = 0;
        for (int c = 0; c < n_cols; c++) if (isfinite(counts[r * n_cols + c])) total += counts[r * n_cols + c];
        short_name(row_names[r], t, 18);
        svg_text(b, left - 8, top + ch * (r + 0.5) + 4, "end", 11, 0, t);
        for (int c = 0; c < n_cols; c++) {
            double v = counts[r * n_cols + c], f = total > 0 && isfinite(v) ? v / total : 0;
            f = f < 0 ? 0 : f > 1 ? 1 : f;
            char fill[8];
            snprintf(fill, sizeof fill, "#%02x%02x%02x", (int)lround(255 - f * 255), (int)lround(255 - f * 141),
                     (int)lround(255 - f * 77));
            svg_rect(b, left + cw * c, top + ch * r, cw, ch, fill, 1, "#888888");
            const char *ink = f > 0.5 ? "#ffffff" : "#000000";
            if (isfinite(v)) snprintf(t, sizeof t, "%.10g", v);
            else snprintf(t, sizeof t, "n/a");
            svg_text_color(b, left + cw * (c + 0.5), top + ch * (r + 0.5) - 1, "middle", 13, ink, t);
            snprintf(t, sizeof t, "%.1f%%", 100 * f);
            svg_text_color(b, left + cw * (c + 0.5), top + ch * (r + 0.5) + 14, "middle", 10, ink, t);
        }
    }
    svg_end(b);
}
