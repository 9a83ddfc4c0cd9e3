/* Default models, per-image parameter draws and the valve's half-width profile. */
#include "synth/diatom.h"
#include <math.h>

void diatom_model_default(DiatomModel *m) {
    *m = (DiatomModel){
        .length_mean_um = 36.0, .length_sd_um = 5.0,
        .width_mean_um = 5.0, .width_sd_um = 0.4,
        .bend_mean = 0.25, .bend_sd = 0.10,
        .fib_mean = 12.0, .fib_sd = 1.0,
        .stria_mean = 30.0,
        .asym_lateral_max = 0.06, .asym_apical_max = 0.15,
        .effect_length = -0.12, .effect_width = 0.0, .effect_bend = 0.22, .effect_fib = 0.0,
    };
}

void imaging_model_default(ImagingModel *im, int w, int h, int channels) {
    *im = (ImagingModel){
        .w = w, .h = h, .channels = channels,
        .fov_um = 52.0, .max_rotation_deg = 12.0, .max_offset = 0.06,
        .blur_um_lo = 0.08, .blur_um_hi = 0.30, .noise_lo = 0.008, .noise_hi = 0.025,
        .gradient_max = 0.15, .debris_prob = 0.25,
    };
}

static double uniform(Rng *r, double lo, double hi) { return lo + (hi - lo) * rng_uniform1(r); }

static double trunc_normal(Rng *r, double mean, double sd) {
    float z;
    rng_truncated_normal(r, &z, 1, 0.0f, 1.0f, -2.5f, 2.5f);
    return mean + sd * z;
}

/* Bounding half-extents of the cell, in its own frame (x along the chord), pixels. */
static void cell_half_extent(const DiatomParams *p, double *hx, double *hy) {
    double L = p->length_px, th = p->bending, W = p->width_px;
    double chord = th > 1e-6 ? 2.0 * (L / th) * sin(th / 2) : L;
    double sag = th > 1e-6 ? (L / th) * (1 - cos(th / 2)) : 0.0;
    *hx = chord / 2 + 1.0;
    *hy = sag / 2 + W / 2 * 1.1 + 1.0;
}

void diatom_draw(Rng *r, const DiatomModel *m, const ImagingModel *im, int group, DiatomParams *p) {
    const int treated = group == GROUP_TREATED;
    *p = (DiatomParams){.group = group};
    p->px_per_um = (im->w > im->h ? im->w : im->h) / im->fov_um;
    double L = trunc_normal(r, m->length_mean_um * (1 + (treated ? m->effect_length : 0)), m->length_sd_um);
    double W = trunc_normal(r, m->width_mean_um * (1 + (treated ? m->effect_width : 0)), m->width_sd_um);
    if (L < 4.0) L = 4.0;
    if (W > L / 5) W = L / 5;       /* keep length/width within 5..15 */
    if (W < L / 15) W = L / 15;
    p->length_px = L * p->px_per_um;
    p->width_px = W * p->px_per_um;
    p->bending = fabs(trunc_normal(r, m->bend_mean + (treated ? m->effect_bend : 0), m->bend_sd));
    p->fib_density = fmax(3.0, trunc_normal(r, m->fib_mean + (treated ? m->effect_fib : 0), m->fib_sd));
    p->stria_density = fmax(5.0, trunc_normal(r, m->stria_mean, 2.0));
    p->end_shape = rng_uniform1(r);
    p->asym_lateral = uniform(r, -m->asym_lateral_max, m->asym_lateral_max);
    p->asym_apical = uniform(r, 0, m->asym_apical_max);

    /* placement: nearly horizontal along the longer image side, either way round, mirrored or not */
    p->angle_deg = uniform(r, -im->max_rotation_deg, im->max_rotation_deg) + (rng_uniform1(r) < 0.5 ? 180 : 0);
    if (im->h > im->w) p->angle_deg += 90;
    p->mirror = rng_uniform1(r) < 0.5;
    p->raphe_side = rng_uniform1(r) < 0.5 ? 1 : -1;
    double hx, hy, a = p->angle_deg * M_PI / 180;
    cell_half_extent(p, &hx, &hy);
    double ex = hx * fabs(cos(a)) + hy * fabs(sin(a)), ey = hx * fabs(sin(a)) + hy * fabs(cos(a));
    double mx = fmin(im->max_offset * im->w, fmax(0, im->w / 2.0 - ex - 1));
    double my = fmin(im->max_offset * im->h, fmax(0, im->h / 2.0 - ey - 1));
    p->cx = im->w / 2.0 + uniform(r, -mx, mx);
    p->cy = im->h / 2.0 + uniform(r, -my, my);

    p->blur_px = uniform(r, im->blur_um_lo, im->blur_um_hi) * p->px_per_um;
    p->noise = uniform(r, im->noise_lo, im->noise_hi);
    p->halo = uniform(r, 0.05, 0.15);
    p->gradient = uniform(r, 0, im->gradient_max);
    p->gradient_dir = uniform(r, 0, 2 * M_PI);
    p->bg_tint = rng_uniform1(r);
    p->n_debris = rng_uniform1(r) < im->debris_prob ? 1 + (int)rng_below(r, 4) : 0;

    /* area = integral over the midline of the full width (the margins' factors 1+a and 1-a cancel) */
    const int n = 400;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += diatom_profile(p, -1 + (i + 0.5) * 2.0 / n);
    p->area_px = p->width_px * (p->length_px / 2) * sum * 2.0 / n;
}

/* Linear-lanceolate body (1 - |x|^2.5)^e: e = 0.85 gives wedge-shaped (cuneate) ends, e = 0.5 rounded;
 * capitate ends get a neck (a Gaussian constriction at |x| = 0.8).  The end at x > 0 tapers more by
 * the factor 1 + asym_apical on the exponent. */
double diatom_profile(const DiatomParams *p, double x) {
    double ax = fabs(x);
    if (ax >= 1) return 0;
    double e = 0.85 - 0.35 * p->end_shape;
    if (x > 0) e *= 1 + p->asym_apical;
    double body = pow(1 - pow(ax, 2.5), e);
    double neck = (ax - 0.8) / 0.06;
    return body * (1 - 0.35 * p->end_shape * exp(-neck * neck));
}
