/* Synthetic pennate diatoms (valve view, in the spirit of Nitzschia palea) with known parameters.
 * Lengths of the cell are drawn in micrometres and rendered at px_per_um pixels per micrometre;
 * the truth table reports both.  One image = one DiatomParams, drawn from a per-image Rng. */
#ifndef MG_DIATOM_H
#define MG_DIATOM_H
#include "core/rng.h"
#include "io/image.h"

enum { GROUP_CONTROL = 0, GROUP_TREATED = 1 };

/* Distribution of the morphology of one group, and the treatment effect added to the treated group. */
typedef struct DiatomModel {
    double length_mean_um, length_sd_um;   /* apical length (arc length of the midline, tip to tip) */
    double width_mean_um, width_sd_um;     /* maximal transapical width */
    double bend_mean, bend_sd;             /* total turning angle of the midline, radians (>= 0) */
    double fib_mean, fib_sd;               /* fibulae per 10 um */
    double stria_mean;                     /* striae per 10 um */
    double asym_lateral_max;               /* margins' half-widths: (1 + a) concave side, (1 - a) convex, a ~ U(-max, max) */
    double asym_apical_max;                /* one end tapers more: exponent factor (1 + b), b ~ U(0, max) */
    /* treatment effects (treated minus control) */
    double effect_length;                  /* relative change of the mean length (-0.12 = 12% shorter) */
    double effect_width;                   /* relative change of the mean width */
    double effect_bend;                    /* added to the mean bending, radians */
    double effect_fib;                     /* added to the mean fibula density, per 10 um */
} DiatomModel;

/* How the cell is imaged. */
typedef struct ImagingModel {
    int w, h, channels;                    /* output size; 1 = grey, 3 = RGB */
    double fov_um;                         /* micrometres spanned by the longer image side */
    double max_rotation_deg;               /* cell axis within +-this of horizontal (and either way round) */
    double max_offset;                     /* centre offset, fraction of the image side */
    double blur_um_lo, blur_um_hi;         /* defocus: Gaussian sigma, micrometres */
    double noise_lo, noise_hi;             /* sensor noise sigma, intensity units (0..1) */
    double gradient_max;                   /* illumination gradient amplitude across the image */
    double debris_prob;                    /* probability that an image gets 1-4 debris specks */
} ImagingModel;

/* Everything that determines one image (the truth-table row). */
typedef struct DiatomParams {
    int group;
    double px_per_um;
    double length_px, width_px;            /* true length (midline arc) and maximal width, pixels */
    double bending;                        /* true total turning angle of the midline, radians >= 0 */
    double end_shape;                      /* 0 wedge-shaped (cuneate) ends .. 1 slightly capitate */
    double asym_lateral, asym_apical;      /* see DiatomModel; asym_lateral is signed */
    double fib_density, stria_density;     /* per 10 um */
    double area_px;                        /* true valve area, pixels^2 (numerical integral) */
    double angle_deg;                      /* direction of the apical axis, degrees, counter-clockwise */
    int mirror;                            /* 1: bends the other way */
    int raphe_side;                        /* +1 / -1: margin that carries the raphe canal and fibulae */
    double cx, cy;                         /* centre of the midline chord, pixels (x right, y down) */
    double blur_px, noise, halo, gradient, gradient_dir;
    double bg_tint;                        /* 0 grey .. 1 brownish background (RGB only) */
    int n_debris;
} DiatomParams;

void diatom_model_default(DiatomModel *m);
void imaging_model_default(ImagingModel *im, int w, int h, int channels);

/* Draws the parameters of one image of the given group. */
void diatom_draw(Rng *r, const DiatomModel *m, const ImagingModel *im, int group, DiatomParams *p);

/* Half-width profile of the valve at relative position x = 2s/L in [-1, 1] (0 at the centre, 1 at the
 * tips), as a fraction of half the maximal width; 0 beyond the tips. */
double diatom_profile(const DiatomParams *p, double x);

/* Renders p into img (allocated by the caller: im->w x im->h x im->channels).  r supplies the noise and
 * debris; scratch holds at least 4 * w * h floats. */
void diatom_render(Rng *r, const DiatomParams *p, const ImagingModel *im, Image *img, float *scratch);
#endif
