#include "morpho/contact_sheet.h"
#include "core/error.h"
#include "morpho/measure.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>

static void put(Image *s, int x, int y, const uint8_t rgb[3]) {
    if (x < 0 || y < 0 || x >= s->w || y >= s->h) return;
    memcpy(s->px + ((size_t)y * s->w + x) * 3, rgb, 3);
}

static void line(Image *s, double x0, double y0, double x1, double y1, const uint8_t rgb[3]) {
    int n = (int)(fabs(x1 - x0) > fabs(y1 - y0) ? fabs(x1 - x0) : fabs(y1 - y0)) + 1;
    for (int i = 0; i <= n; i++) {
        double t = (double)i / n;
        put(s, (int)(x0 + t * (x1 - x0)), (int)(y0 + t * (y1 - y0)), rgb);
    }
}

int contact_sheet_write(const char *path, const Image *imgs, int n, int cols, int n_harm) {
    if (n < 1 || cols < 1) return mg_error_set("%s: no images for the contact sheet", path);
    int cw = 0, ch = 0;
    for (int i = 0; i < n; i++) {
        if (imgs[i].w > cw) cw = imgs[i].w;
        if (imgs[i].h > ch) ch = imgs[i].h;
    }
    int zoom = 128 / (cw > ch ? cw : ch);
    if (zoom < 1) zoom = 1;
    const int gap = 4, rows = (n + cols - 1) / cols;
    Image sheet;
    if (image_alloc(&sheet, cols * (cw * zoom + gap) + gap, rows * (ch * zoom + gap) + gap, 3)) return -1;
    memset(sheet.px, 255, (size_t)sheet.w * sheet.h * 3);
    MorphoWork wk;
    morpho_work_init(&wk);
    static const uint8_t red[3] = {230, 20, 20}, cyan[3] = {0, 200, 230}, yellow[3] = {255, 220, 0};
    for (int i = 0; i < n; i++) {
        const Image *im = &imgs[i];
        int ox = gap + (i % cols) * (cw * zoom + gap), oy = gap + (i / cols) * (ch * zoom + gap);
        for (int y = 0; y < im->h * zoom; y++)
            for (int x = 0; x < im->w * zoom; x++) {
                const uint8_t *p = im->px + ((size_t)(y / zoom) * im->w + x / zoom) * im->c;
                uint8_t rgb[3] = {p[0], p[im->c == 3 ? 1 : 0], p[im->c == 3 ? 2 : 0]};
                put(&sheet, ox + x, oy + y, rgb);
            }
        Measures m;
        if (morpho_measure_image(im, &wk, n_harm, &m)) { image_free(&sheet); morpho_work_free(&wk); return -1; }
        const uint8_t *col = m.flag == SEG_OK ? red : cyan;
        for (int k = 0; k < wk.n_contour; k++) {   /* outline through the boundary pixels' centres */
            int j = (k + 1) % wk.n_contour;
            line(&sheet, ox + (wk.contour[2 * k] + 0.5) * zoom, oy + (wk.contour[2 * k + 1] + 0.5) * zoom,
                 ox + (wk.contour[2 * j] + 0.5) * zoom, oy + (wk.contour[2 * j + 1] + 0.5) * zoom, col);
        }
        if (m.flag == SEG_OK) {                    /* fitted midline between the measured tips */
            double px = 0, py = 0;
            for (int k = 0; k <= 40; k++) {
                double u = m.u_lo + (m.u_hi - m.u_lo) * k / 40, du = u - m.uc, v = m.q[0] + m.q[1] * du + m.q[2] * du * du;
                double X = m.frame[0] + u * m.frame[2] + v * m.frame[4], Y = m.frame[1] + u * m.frame[3] + v * m.frame[5];
                if (k) line(&sheet, ox + px * zoom, oy + py * zoom, ox + X * zoom, oy + Y * zoom, yellow);
                px = X; py = Y;
            }
        }
    }
    morpho_work_free(&wk);
    int rc = image_write_png(path, &sheet);
    image_free(&sheet);
    return rc;
}

int contact_sheet_from_synth(const SynthOptions *o, int k, const char *path) {
    int nc = (o->n + 1) / 2, nt = o->n - nc;
    if (k > nc) k = nc;
    if (k > nt) k = nt;
    if (k < 1) return mg_error_set("%s: too few images for a contact sheet", path);
    Image *imgs = calloc(2 * k, sizeof *imgs);
    if (!imgs) return mg_error_set("%s: out of memory", path);
    int rc = 0;
    for (int i = 0; i < 2 * k && rc == 0; i++) {
        DiatomParams p;
        int idx = i < k ? i : nc + (i - k);
        rc = synth_make_image(o, idx, &p, &imgs[i]);
    }
    /* control fills the first rows (padded with blank cells to whole rows), treated the next ones */
    int cols = k > 8 ? 8 : k, rows_c = (k + cols - 1) / cols, n_cells = rows_c * cols + k;
    Image *grid = calloc(n_cells, sizeof *grid);
    if (!grid && rc == 0) rc = mg_error_set("%s: out of memory", path);
    if (rc == 0) {
        for (int i = 0; i < k; i++) {
            grid[i] = imgs[i];
            grid[rows_c * cols + i] = imgs[k + i];
        }
        for (int i = k; i < rows_c * cols && rc == 0; i++) {      /* blank padding cells */
            rc = image_alloc(&grid[i], imgs[0].w, imgs[0].h, imgs[0].c);
            if (rc == 0) memset(grid[i].px, 255, (size_t)imgs[0].w * imgs[0].h * imgs[0].c);
        }
        if (rc == 0) rc = contact_sheet_write(path, grid, n_cells, cols, 10);
        for (int i = k; i < rows_c * cols; i++) image_free(&grid[i]);
    }
    free(grid);
    for (int i = 0; i < 2 * k; i++) image_free(&imgs[i]);
    free(imgs);
    return rc;
}
