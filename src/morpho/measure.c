#include "morpho/measure.h"
#include "core/error.h"
#include "morpho/background.h"
#include "morpho/efd.h"
#include "morpho/outline.h"
#include <math.h>
#include <string.h>

const char *const morpho_scalar_names[MORPHO_N_SCALARS] = {"length", "width", "area", "perimeter",
                                                           "elongation", "bending", "lr_asymmetry"};

void morpho_scalars(const Measures *m, double out[MORPHO_N_SCALARS]) {
    out[0] = m->length; out[1] = m->width; out[2] = m->area; out[3] = m->perimeter;
    out[4] = m->elongation; out[5] = m->bending; out[6] = m->lr_asymmetry;
}

typedef struct Frame {           /* principal-axis frame: point = (cx, cy) + u * (ux, uy) + v * (vx, vy) */
    double cx, cy, ux, uy, vx, vy;
} Frame;

/* darkness at a continuous point (pixel (i, j) has its centre at (i + 0.5, j + 0.5)), bilinear */
static double dark_at(const MorphoWork *wk, int w, int h, double X, double Y) {
    double fx = X - 0.5, fy = Y - 0.5;
    fx = fx < 0 ? 0 : fx > w - 1 ? w - 1 : fx;
    fy = fy < 0 ? 0 : fy > h - 1 ? h - 1 : fy;
    int x0 = (int)fx, y0 = (int)fy, x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    double ax = fx - x0, ay = fy - y0;
    const float *d = wk->dark;
    return (1 - ay) * ((1 - ax) * d[y0 * w + x0] + ax * d[y0 * w + x1]) +
           ay * ((1 - ax) * d[y1 * w + x0] + ax * d[y1 * w + x1]);
}

static int mask_at(const MorphoWork *wk, int w, int h, double X, double Y) {
    int x = (int)floor(X), y = (int)floor(Y);
    return x >= 0 && y >= 0 && x < w && y < h && wk->mask[y * w + x];
}

/* Walks from tau_out toward tau_in along (X0, Y0) + tau * (dx, dy) in steps of 0.25 px and returns the
 * interpolated tau where the darkness first reaches thr; NAN if it starts at/above thr or never does. */
static double find_edge(const MorphoWork *wk, int w, int h, double X0, double Y0, double dx, double dy,
                        double tau_out, double tau_in, double thr) {
    const double step = tau_in > tau_out ? 0.25 : -0.25;
    const int n = (int)(fabs(tau_in - tau_out) / 0.25);
    double prev = dark_at(wk, w, h, X0 + tau_out * dx, Y0 + tau_out * dy);
    if (prev >= thr) return NAN;
    for (int k = 1; k <= n; k++) {
        double tau = tau_out + k * step, v = dark_at(wk, w, h, X0 + tau * dx, Y0 + tau * dy);
        if (v >= thr) return tau - step + step * (thr - prev) / (v - prev);
        prev = v;
    }
    return NAN;
}

/* Tip of the midline curve v(u) = q0 + q1 (u - uc) + q2 (u - uc)^2, searched from u_out toward uc. */
static double find_tip(const MorphoWork *wk, int w, int h, const Frame *f, const double q[3], double uc,
                       double u_out, double thr) {
    const double step = uc > u_out ? 0.25 : -0.25;
    const int n = (int)(fabs(uc - u_out) / 0.25);
    double prev = 0;
    for (int k = 0; k <= n; k++) {
        double u = u_out + k * step, du = u - uc, v = q[0] + q[1] * du + q[2] * du * du;
        double val = dark_at(wk, w, h, f->cx + u * f->ux + v * f->vx, f->cy + u * f->uy + v * f->vy);
        if (k == 0 && val >= thr) return NAN;
        if (k > 0 && val >= thr) return u - step + step * (thr - prev) / (val - prev);
        prev = val;
    }
    return NAN;
}

static double arc_length(const double q[3], double a, double b) {   /* of v(du) between du = a and b */
    const int n = 64;
    double s = 0, hstep = (b - a) / n;
    for (int i = 0; i <= n; i++) {
        double du = a + i * hstep, sl = q[1] + 2 * q[2] * du, g = sqrt(1 + sl * sl);
        s += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * g;
    }
    return fabs(s * hstep / 3);
}

static int measure_shape(MorphoWork *wk, int w, int h, const Segmentation *seg, Measures *m) {
    /* principal axes from the mask's second moments */
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (wk->mask[y * w + x]) { double X = x + 0.5, Y = y + 0.5; sx += X; sy += Y; sxx += X * X; syy += Y * Y; sxy += X * Y; n++; }
    if (n < 3) return SEG_MEASURE_FAILED;
    Frame f;
    f.cx = sx / n; f.cy = sy / n;
    double cxx = sxx / n - f.cx * f.cx, cyy = syy / n - f.cy * f.cy, cxy = sxy / n - f.cx * f.cy;
    double ang = 0.5 * atan2(2 * cxy, cxx - cyy);
    f.ux = cos(ang); f.uy = sin(ang); f.vx = -f.uy; f.vy = f.ux;
    m->cx = f.cx; m->cy = f.cy; m->angle_deg = ang * 180 / M_PI;
    double umin = INFINITY, umax = -INFINITY, vmin = INFINITY, vmax = -INFINITY;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (wk->mask[y * w + x]) {
                double dx = x + 0.5 - f.cx, dy = y + 0.5 - f.cy, u = dx * f.ux + dy * f.uy, v = dx * f.vx + dy * f.vy;
                if (u < umin) umin = u;
                if (u > umax) umax = u;
                if (v < vmin) vmin = v;
                if (v > vmax) vmax = v;
            }
    if (umax - umin < 5) return SEG_MEASURE_FAILED;
    const double thr = 0.5 * seg->level;
    /* cross-sections: one every pixel along u */
    int K = 0;
    for (double u = umin; u <= umax + 1e-9 && K < wk->ray_cap; u += 1.0) {
        double X0 = f.cx + u * f.ux, Y0 = f.cy + u * f.uy;
        double first = NAN, last = NAN;
        for (double t = vmin - 1; t <= vmax + 1; t += 0.5)
            if (mask_at(wk, w, h, X0 + t * f.vx, Y0 + t * f.vy)) { if (isnan(first)) first = t; last = t; }
        if (isnan(first)) continue;
        double mid = 0.5 * (first + last);
        double top = find_edge(wk, w, h, X0, Y0, f.vx, f.vy, first - 2.0, mid, thr);
        double bot = find_edge(wk, w, h, X0, Y0, f.vx, f.vy, last + 2.0, mid, thr);
        wk->ray_u[K] = u;
        wk->ray_top[K] = isnan(top) ? first - 0.25 : top;
        wk->ray_bot[K] = isnan(bot) ? last + 0.25 : bot;
        K++;
    }
    /* midline: least-squares quadratic through the section centres of the central 80% */
    const double uc = 0.5 * (umin + umax), half = 0.4 * (umax - umin);
    double A[9] = {0}, b[3] = {0}, q[3];
    int used = 0;
    for (int k = 0; k < K; k++) {
        double du = wk->ray_u[k] - uc;
        if (fabs(du) > half) continue;
        double v = 0.5 * (wk->ray_top[k] + wk->ray_bot[k]), phi[3] = {1, du, du * du};
        for (int i = 0; i < 3; i++) {
            b[i] += phi[i] * v;
            for (int j = 0; j < 3; j++) A[i * 3 + j] += phi[i] * phi[j];
        }
        used++;
    }
    if (used < 5 || solve_small(A, b, q, 3)) return SEG_MEASURE_FAILED;
    /* tips along the midline, searched from 2 px beyond the mask's extent inward */
    double u_lo = find_tip(wk, w, h, &f, q, uc, umin - 2.0, thr);
    double u_hi = find_tip(wk, w, h, &f, q, uc, umax + 2.0, thr);
    if (isnan(u_lo)) u_lo = umin - 0.5;
    if (isnan(u_hi)) u_hi = umax + 0.5;
    m->length = arc_length(q, u_lo - uc, u_hi - uc);
    m->frame[0] = f.cx; m->frame[1] = f.cy; m->frame[2] = f.ux; m->frame[3] = f.uy; m->frame[4] = f.vx; m->frame[5] = f.vy;
    memcpy(m->q, q, sizeof q);
    m->uc = uc; m->u_lo = u_lo; m->u_hi = u_hi;
    double s_lo = q[1] + 2 * q[2] * (u_lo - uc), s_hi = q[1] + 2 * q[2] * (u_hi - uc);
    m->bending = fabs(atan(s_hi) - atan(s_lo));
    /* width: perpendicular cross-sections, moving average over +-r samples, maximum */
    int r = K >= 60 ? K / 30 : 1;
    double best = 0, asum = 0, ssum = 0;
    for (int k = 0; k < K; k++) {
        double acc = 0;
        int cnt = 0;
        for (int j = k - r; j <= k + r; j++) {
            if (j < 0 || j >= K) continue;
            double sl = q[1] + 2 * q[2] * (wk->ray_u[j] - uc);
            acc += (wk->ray_bot[j] - wk->ray_top[j]) / sqrt(1 + sl * sl);
            cnt++;
        }
        if (cnt == 2 * r + 1 && acc / cnt > best) best = acc / cnt;
        double du = wk->ray_u[k] - uc;
        if (fabs(du) <= half) {
            double v = q[0] + q[1] * du + q[2] * du * du, h1 = v - wk->ray_top[k], h2 = wk->ray_bot[k] - v;
            asum += fabs(h1 - h2);
            ssum += h1 + h2;
        }
    }
    if (!(best > 0) || !(m->length > 0)) return SEG_MEASURE_FAILED;
    m->width = best;
    m->elongation = m->length / m->width;
    m->lr_asymmetry = ssum > 0 ? asum / ssum : 0;
    return SEG_OK;
}

int morpho_measure_gray(MorphoWork *wk, int w, int h, int n_harm, Measures *m) {
    memset(m, 0, sizeof *m);
    if (n_harm > MORPHO_MAX_HARM) n_harm = MORPHO_MAX_HARM;
    if (n_harm < 1) n_harm = 1;
    m->n_harm = n_harm;
    wk->n_contour = 0;
    Segmentation seg;
    if (segment_valve(wk, w, h, &seg) != SEG_OK) {
        if (seg.flag != SEG_IMAGE_TOO_SMALL && seg.flag != SEG_NO_OBJECT)
            wk->n_contour = trace_outline(wk->mask, w, h, wk->contour, w * h + 4);
        return m->flag = seg.flag;
    }
    m->area = seg.area;
    wk->n_contour = trace_outline(wk->mask, w, h, wk->contour, w * h + 4);
    m->perimeter = outline_perimeter(wk->contour, wk->n_contour);
    int flag = measure_shape(wk, w, h, &seg, m);
    if (flag != SEG_OK) return m->flag = flag;
    /* elliptic Fourier descriptors of the traced outline (pixel centres); dark is free scratch now */
    double *xy = (double *)wk->bg;       /* w*h floats = room for w*h/2 doubles */
    int npts = wk->n_contour;
    if (npts > (w * h) / 4) npts = (w * h) / 4;    /* never happens for a valve outline; keeps xy in bounds */
    for (int i = 0; i < npts; i++) { xy[2 * i] = wk->contour[2 * i] + 0.5; xy[2 * i + 1] = wk->contour[2 * i + 1] + 0.5; }
    if (efd_compute(xy, npts, n_harm, m->efd)) return m->flag = SEG_MEASURE_FAILED;
    efd_normalize(m->efd, n_harm);
    return m->flag = SEG_OK;
}

int morpho_measure_image(const Image *img, MorphoWork *wk, int n_harm, Measures *m) {
    if (morpho_work_reserve(wk, img->w, img->h)) return -1;
    image_to_gray(img, wk->gray);
    morpho_measure_gray(wk, img->w, img->h, n_harm, m);
    return 0;
}
