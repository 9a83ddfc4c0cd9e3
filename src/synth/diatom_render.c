/* Brightfield rendering of one synthetic diatom.
 * Optical model: transmitted light I = illumination * (1 + halo) * exp(-absorbance * tint), where the
 * absorbance is high in the rim (the mantle seen edge-on), lower in the interior (modulated by faint
 * striae), higher again in the marginal raphe canal with its row of fibulae.  Then defocus (Gaussian
 * blur), sensor noise and 8-bit quantisation.  All lengths in pixels. */
#include "synth/diatom.h"
#include <math.h>
#include <string.h>

#define PROFILE_N 512        /* tabulated half-width profile, per end */

typedef struct Geom {
    double cx, cy, ca, sa;         /* centre, cos/sin of the axis angle */
    double mirror, sag_half;       /* +-1; half the sagitta (chord-centre to arc-apex distance) */
    double L, half_w, R, bent;     /* length, half width, radius of curvature, bent? */
    double asym;                   /* lateral asymmetry */
    float prof[2][PROFILE_N + 1];  /* [0]: end at s < 0, [1]: end at s > 0; index = |x| * PROFILE_N */
} Geom;

static void geom_init(Geom *g, const DiatomParams *p) {
    g->cx = p->cx; g->cy = p->cy;
    double a = p->angle_deg * M_PI / 180;
    g->ca = cos(a); g->sa = sin(a);
    g->mirror = p->mirror ? -1 : 1;
    g->L = p->length_px; g->half_w = p->width_px / 2;
    g->bent = p->bending > 1e-4;
    g->R = g->bent ? g->L / p->bending : 0;
    g->sag_half = g->bent ? 0.5 * g->R * (1 - cos(p->bending / 2)) : 0;
    g->asym = p->asym_lateral;
    for (int i = 0; i <= PROFILE_N; i++) {
        double x = (double)i / PROFILE_N;
        g->prof[0][i] = (float)diatom_profile(p, -x);
        g->prof[1][i] = (float)diatom_profile(p, x);
    }
}

/* Cell coordinates of pixel point (X, Y): s along the midline from its middle, t across it (> 0 toward
 * the centre of curvature).  Returns the signed distance to the outline, > 0 inside. */
static double cell_coords(const Geom *g, double X, double Y, double *s_out, double *t_out) {
    double dx = X - g->cx, dy = Y - g->cy;
    double xr = dx * g->ca + dy * g->sa;
    double yr = (-dx * g->sa + dy * g->ca) * g->mirror + g->sag_half;
    double s, t;
    if (g->bent) {
        s = g->R * atan2(xr, g->R - yr);
        t = g->R - hypot(xr, yr - g->R);
    } else {
        s = xr; t = yr;
    }
    *s_out = s; *t_out = t;
    double x = 2 * s / g->L, ax = fabs(x);
    if (ax >= 1) return -hypot(fabs(s) - g->L / 2, t);
    double f = ax * PROFILE_N;
    int i = (int)f;
    if (i >= PROFILE_N) i = PROFILE_N - 1;
    const float *pr = g->prof[x > 0];
    double h = g->half_w * (pr[i] + (f - i) * (pr[i + 1] - pr[i]));
    h *= t > 0 ? 1 + g->asym : 1 - g->asym;
    return h - fabs(t);
}

/* In-place separable Gaussian blur of a w x h plane (edges clamped); tmp holds w * h floats. */
static void blur_plane(float *a, float *tmp, int w, int h, double sigma) {
    if (sigma < 0.2) return;
    int rad = (int)ceil(3 * sigma);
    if (rad > 32) rad = 32;
    float k[65];
    double sum = 0;
    for (int i = -rad; i <= rad; i++) sum += k[i + rad] = (float)exp(-0.5 * i * i / (sigma * sigma));
    for (int i = 0; i <= 2 * rad; i++) k[i] = (float)(k[i] / sum);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc = 0;
            for (int i = -rad; i <= rad; i++) {
                int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                acc += k[i + rad] * a[y * w + xx];
            }
            tmp[y * w + x] = acc;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc = 0;
            for (int i = -rad; i <= rad; i++) {
                int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
                acc += k[i + rad] * tmp[yy * w + x];
            }
            a[y * w + x] = acc;
        }
}

void diatom_render(Rng *r, const DiatomParams *p, const ImagingModel *im, Image *img, float *scratch) {
    const int w = im->w, h = im->h, nc = im->channels;
    const double ppu = p->px_per_um;
    Geom g;
    geom_init(&g, p);
    float *absorb = scratch, *halo = scratch + (size_t)w * h, *tmp = scratch + 2 * (size_t)w * h;

    const double rim = fmax(0.45 * ppu, 1.0);               /* rim band, px */
    const double canal = fmax(0.4 * ppu, 0.7);              /* raphe canal band inside the rim, px */
    const double fib_step = 10.0 / p->fib_density * ppu;    /* fibula spacing, px */
    const double fib_r = fmax(0.25 * ppu, 0.45);            /* fibula dot radius, px */
    const double stria_period = 10.0 / p->stria_density * ppu;
    const double stria_amp = stria_period >= 2.5 ? 0.2 : 0.0;    /* unresolvable striae are not drawn */
    const double halo_w = fmax(0.8 * ppu, 1.0);

    /* 1. absorbance and halo planes */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s, t, e = cell_coords(&g, x + 0.5, y + 0.5, &s, &t);
            double cov = e + 0.5 < 0 ? 0 : e + 0.5 > 1 ? 1 : e + 0.5;
            double A = 0;
            if (cov > 0) {
                double depth = e > 0 ? e : 0;
                if (depth < rim) {
                    A = 1.1;
                } else {
                    A = 0.35 * (1 + stria_amp * cos(2 * M_PI * s / stria_period));
                    if (t * p->raphe_side > 0 && depth < rim + canal) A = 0.7;
                }
                if (t * p->raphe_side > 0) {          /* fibulae: dots along the raphe margin */
                    double ph = s / fib_step, ds = (ph - floor(ph + 0.5)) * fib_step;
                    double dt = depth - (rim + 0.5 * canal);
                    A += 1.0 * exp(-(ds * ds + dt * dt) / (fib_r * fib_r));
                }
                A *= cov;
            }
            size_t i = (size_t)y * w + x;
            absorb[i] = (float)A;
            halo[i] = e < 0 ? (float)(p->halo * exp(-(e * e) / (halo_w * halo_w))) : 0.0f;
        }

    /* 2. debris: small dark specks away from the cell */
    for (int k = 0; k < p->n_debris; k++) {
        double rad = fmax((0.3 + 0.7 * rng_uniform1(r)) * ppu, 0.7), dark = 0.4 + 0.6 * rng_uniform1(r);
        double X = 0, Y = 0, s, t;
        int tries = 0, placed = 0;
        while (tries++ < 20) {
            X = rng_uniform1(r) * w; Y = rng_uniform1(r) * h;
            if (cell_coords(&g, X, Y, &s, &t) < -3 * rad - 2) { placed = 1; break; }
        }
        if (!placed) continue;
        int x0 = (int)(X - 3 * rad), x1 = (int)(X + 3 * rad), y0 = (int)(Y - 3 * rad), y1 = (int)(Y + 3 * rad);
        for (int y = y0 < 0 ? 0 : y0; y <= y1 && y < h; y++)
            for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < w; x++) {
                double d2 = (x + 0.5 - X) * (x + 0.5 - X) + (y + 0.5 - Y) * (y + 0.5 - Y);
                absorb[(size_t)y * w + x] += (float)(dark * exp(-d2 / (rad * rad)));
            }
    }

    /* 3. light through the sample, per channel: brownish cells absorb blue more */
    static const float tint[3] = {0.75f, 1.0f, 1.35f};
    const double grey_bg = 0.78;
    const double bg_rgb[3] = {0.80 + 0.02 * p->bg_tint, 0.80 - 0.08 * p->bg_tint, 0.80 - 0.25 * p->bg_tint};
    const double gx = cos(p->gradient_dir), gy = sin(p->gradient_dir), side = w > h ? w : h;
    for (int c = 0; c < nc; c++) {
        float *plane = tmp + (size_t)w * h;    /* tmp has room for two planes: [tmp | plane] */
        double bg = nc == 1 ? grey_bg : bg_rgb[c], tc = nc == 1 ? 1.0 : tint[c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                size_t i = (size_t)y * w + x;
                double u = ((x + 0.5 - w / 2.0) * gx + (y + 0.5 - h / 2.0) * gy) / side;
                double illum = bg * (1 + p->gradient * u);
                plane[i] = (float)(illum * (1 + halo[i]) * exp(-absorb[i] * tc));
            }
        blur_plane(plane, tmp, w, h, p->blur_px);
        rng_normal(r, tmp, (size_t)w * h, 0.0f, (float)p->noise);     /* tmp is free again: the noise */
        for (size_t i = 0; i < (size_t)w * h; i++) {
            double v = plane[i] + tmp[i];
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            img->px[i * nc + c] = (uint8_t)lrint(v * 255);
        }
    }
}
