#include "morpho/measure.h"
#include "core/error.h"
#include "morpho/background.h"
#include "morpho/efd.h"
#include "morpho/outline.h"
#include <math.h>
#include <string.h>

const char *const morpho_scalar_names[MORPHO_N_SCALARS] = {"length", "width", "area", "perimeter",
                                                           "elongation", "bending", "lr_asymmetry",
                                                           "major_extent", "minor_extent"};

void morpho_scalars(const Measures *m, double out[MORPHO_N_SCALARS]) {
    out[0] = m->length; out[1] = m->width; out[2] = m->area; out[3] = m->perimeter;
    out[4] = m->elongation; out[5] = m->bending; out[6] = m->lr_asymmetry;
    out[7] = m->major_extent; out[8] = m->minor_extent;
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

/* A path through the image: a straight line (X0, Y0) + tau (dx, dy), or the midline curve
 * point(u = tau) = frame origin + u * axis_u + v(u) * axis_v. */
typedef struct Path {
    int curve;
    double X0, Y0, dx, dy;
    const Frame *f;
    const double *q;
    double uc;
} Path;

static double path_dark(const MorphoWork *wk, int w, int h, const Path *p, double tau) {
    if (!p->curve) return dark_at(wk, w, h, p->X0 + tau * p->dx, p->Y0 + tau * p->dy);
    double du = tau - p->uc, v = p->q[0] + p->q[1] * du + p->q[2] * du * du;
    return dark_at(wk, w, h, p->f->cx + tau * p->f->ux + v * p->f->vx, p->f->cy + tau * p->f->uy + v * p->f->vy);
}

/* Sub-pixel edge: where the darkness along the path crosses thr, near tau0 (the mask's outermost sample
 * on this side; `out` = +1 or -1 is the outward direction).  If the darkness at tau0 is at or above thr
 * the crossing is searched outward (up to max_out px), else inward (up to tau_inner), in steps of 0.25
 * px, with linear interpolation.  NAN when there is none. */
static double find_edge(const MorphoWork *wk, int w, int h, const Path *p, double tau0, int out, double tau_inner,
                        double max_out, double thr) {
    double prev = path_dark(wk, w, h, p, tau0), step = 0.25 * out;
    if (prev >= thr) {
        for (int k = 1; k * 0.25 <= max_out; k++) {
            double tau = tau0 + k * step, v = path_dark(wk, w, h, p, tau);
            if (v < thr) return tau - step + step * (prev - thr) / (prev - v);
            prev = v;
        }
        return NAN;
    }
    for (int k = 1; k * 0.25 <= fabs(tau_inner - tau0); k++) {
        double tau = tau0 - k * step, v = path_dark(wk, w, h, p, tau);
        if (v >= thr) return tau + step - step * (thr - prev) / (v - prev);
        prev = v;
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

/* Least-squares v = q0 + q1 du + q2 du^2, du = u - uc, over the points with |du| <= half.  v[i] is given
 * directly, or (when v is NULL) as the midpoint (a[i] + b[i]) / 2.  Returns 0, -1 with < 5 points. */
static int fit_quadratic(const double *u, const double *v, const double *a, const double *b, int n, double uc,
                         double half, double q[3]) {
    double A[9] = {0}, rhs[3] = {0};
    int used = 0;
    for (int k = 0; k < n; k++) {
        double du = u[k] - uc;
        if (fabs(du) > half) continue;
        double y = v ? v[k] : 0.5 * (a[k] + b[k]), phi[3] = {1, du, du * du};
        for (int i = 0; i < 3; i++) {
            rhs[i] += phi[i] * y;
            for (int j = 0; j < 3; j++) A[i * 3 + j] += phi[i] * phi[j];
        }
        used++;
    }
    if (used < 5) return -1;
    return solve_small(A, rhs, q, 3);
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
    m->major_extent = umax - umin + 1;
    m->minor_extent = vmax - vmin + 1;
    const double thr = 0.5 * seg->level;
    const double max_out = fmax(3.0, 0.04 * (w > h ? w : h));   /* how far an edge may lie outside the mask */
    /* cross-sections: one every pixel along u */
    int K = 0;
    for (double u = umin; u <= umax + 1e-9 && K < wk->ray_cap; u += 1.0) {
        double X0 = f.cx + u * f.ux, Y0 = f.cy + u * f.uy;
        double first = NAN, last = NAN;
        for (double t = vmin - 1; t <= vmax + 1; t += 0.5)
            if (mask_at(wk, w, h, X0 + t * f.vx, Y0 + t * f.vy)) { if (isnan(first)) first = t; last = t; }
        if (isnan(first)) continue;
        double mid = 0.5 * (first + last);
        Path line = {.curve = 0, .X0 = X0, .Y0 = Y0, .dx = f.vx, .dy = f.vy};
        double top = find_edge(wk, w, h, &line, first, -1, mid, max_out, thr);
        double bot = find_edge(wk, w, h, &line, last, +1, mid, max_out, thr);
        wk->ray_u[K] = u;
        wk->ray_top[K] = isnan(top) ? first - 0.25 : top;
        wk->ray_bot[K] = isnan(bot) ? last + 0.25 : bot;
        K++;
    }
    /* midline, pass 1: least-squares quadratic through the centres of the sections across the major
     * axis, central 80% (the tips are narrow and noisy) */
    const double uc = 0.5 * (umin + umax), half = 0.4 * (umax - umin);
    double q[3];
    if (fit_quadratic(wk->ray_u, NULL, wk->ray_top, wk->ray_bot, K, uc, half, q)) return SEG_MEASURE_FAILED;
    /* pass 2: sections perpendicular to that midline (for a bent valve they follow its radii, so their
     * centres lie on the true midline and their lengths are true widths); refit through their centres */
    int S = 0;
    for (int k = 0; k < K; k++) {
        double u = wk->ray_u[k], du = u - uc, v = q[0] + q[1] * du + q[2] * du * du, sl = q[1] + 2 * q[2] * du;
        double nn = sqrt(1 + sl * sl), nu = -sl / nn, nv = 1 / nn;        /* unit normal in (u, v) */
        Path line = {.curve = 0, .X0 = f.cx + u * f.ux + v * f.vx, .Y0 = f.cy + u * f.uy + v * f.vy,
                     .dx = nu * f.ux + nv * f.vx, .dy = nu * f.uy + nv * f.vy};
        if (!mask_at(wk, w, h, line.X0, line.Y0)) continue;
        double first = 0, last = 0, lim = vmax - vmin + 2;
        while (first > -lim && mask_at(wk, w, h, line.X0 + (first - 0.5) * line.dx, line.Y0 + (first - 0.5) * line.dy)) first -= 0.5;
        while (last < lim && mask_at(wk, w, h, line.X0 + (last + 0.5) * line.dx, line.Y0 + (last + 0.5) * line.dy)) last += 0.5;
        double top = find_edge(wk, w, h, &line, first, -1, 0, max_out, thr);
        double bot = find_edge(wk, w, h, &line, last, +1, 0, max_out, thr);
        if (isnan(top)) top = first - 0.25;
        if (isnan(bot)) bot = last + 0.25;
        double mid = 0.5 * (top + bot);
        wk->sec_u[S] = u + nu * mid;
        wk->sec_v[S] = v + nv * mid;
        wk->sec_w[S] = bot - top;
        S++;
    }
    if (fit_quadratic(wk->sec_u, wk->sec_v, NULL, NULL, S, uc, half, q)) return SEG_MEASURE_FAILED;
    /* tips: where the darkness along the midline crosses thr, near the mask's extreme projections */
    Path mline = {.curve = 1, .f = &f, .q = q, .uc = uc};
    double u_lo = find_edge(wk, w, h, &mline, umin, -1, uc, max_out, thr);
    double u_hi = find_edge(wk, w, h, &mline, umax, +1, uc, max_out, thr);
    if (isnan(u_lo)) u_lo = umin - 0.5;
    if (isnan(u_hi)) u_hi = umax + 0.5;
    m->length = arc_length(q, u_lo - uc, u_hi - uc);
    m->frame[0] = f.cx; m->frame[1] = f.cy; m->frame[2] = f.ux; m->frame[3] = f.uy; m->frame[4] = f.vx; m->frame[5] = f.vy;
    memcpy(m->q, q, sizeof q);
    m->uc = uc; m->u_lo = u_lo; m->u_hi = u_hi;
    /* bending = curvature of the midline at the middle of the valve x its length: the total turning
     * angle when the midline is a circular arc */
    double kappa = 2 * q[2] / pow(1 + q[1] * q[1], 1.5);
    m->bending = fabs(kappa) * m->length;
    /* width: largest moving average (over +-r sections) of the perpendicular sections' lengths;
     * asymmetry: offsets of the section centres from the fitted midline, relative to the widths */
    int r = S >= 60 ? S / 30 : 1;
    double best = 0, asum = 0, ssum = 0;
    for (int k = 0; k < S; k++) {
        double acc = 0;
        int cnt = 0;
        for (int j = k - r; j <= k + r; j++)
            if (j >= 0 && j < S) { acc += wk->sec_w[j]; cnt++; }
        if (cnt == 2 * r + 1 && acc / cnt > best) best = acc / cnt;
        double du = wk->sec_u[k] - uc;
        if (fabs(du) <= half) {
            double sl = q[1] + 2 * q[2] * du, off = (wk->sec_v[k] - (q[0] + q[1] * du + q[2] * du * du)) / sqrt(1 + sl * sl);
            asum += 2 * fabs(off);       /* |h_left - h_right| */
            ssum += wk->sec_w[k];        /* h_left + h_right */
        }
    }
    if (!(best > 0) || !(m->length > 0)) return SEG_MEASURE_FAILED;
    m->width = best;
    /* area by Cavalieri: the cross-sections are 1 px apart along u; the sub-pixel edges make it
     * consistent with length and width (a pixel count would include the blurred fringe) */
    double area = 0;
    for (int k = 0; k < K; k++) area += wk->ray_bot[k] - wk->ray_top[k];
    m->area = area;
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
