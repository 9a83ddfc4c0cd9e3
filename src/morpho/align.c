/* Canonical pose of a valve: the pose from morpho's measurement frame, then one bilinear resampling. */
#include "morpho/align.h"
#include <math.h>
#include <string.h>
#include "morpho/measure.h"
#include "morpho/segment.h"

int align_find_pose(MorphoWork *wk, const float *gray, int w, int h, AlignPose *pose) {
    if (morpho_work_reserve(wk, w, h)) return -1;
    memcpy(wk->gray, gray, sizeof(float) * (size_t)w * h);
    Measures m;
    int flag = morpho_measure_gray(wk, w, h, 0, &m);
    if (flag != SEG_OK) return flag;
    /* frame: point = origin + u U + v V, midline v(u) = q0 + q1 (u - uc) + q2 (u - uc)^2 */
    double ux = m.frame[2], uy = m.frame[3], vx = m.frame[4], vy = m.frame[5];
    if (ux < 0 || (ux == 0 && uy < 0)) { ux = -ux; uy = -uy; }       /* turn by at most 90 degrees */
    double nx = -uy, ny = ux;                   /* U turned by +90 degrees: "down" when U points right */
    /* the midline's curvature along n: q2 measured along V, and V = sigma n (U's sign does not change
     * the sign of q2, which multiplies (u - uc)^2).  Tips below the middle <=> positive curvature along
     * the downward axis. */
    double sigma = vx * nx + vy * ny >= 0 ? 1 : -1, k = sigma * m.q[2];
    pose->flip = k < 0;
    if (pose->flip) { nx = -nx; ny = -ny; }
    pose->cx = m.cx; pose->cy = m.cy;
    pose->ux = ux; pose->uy = uy; pose->nx = nx; pose->ny = ny;
    pose->angle_deg = atan2(uy, ux) * 180 / M_PI;
    return SEG_OK;
}

static float sample(const float *p, int w, int h, double x, double y) {   /* x, y: index space */
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0;
    int xa = x0 < 0 ? 0 : x0 >= w ? w - 1 : x0, xb = x0 + 1 < 0 ? 0 : x0 + 1 >= w ? w - 1 : x0 + 1;
    int ya = y0 < 0 ? 0 : y0 >= h ? h - 1 : y0, yb = y0 + 1 < 0 ? 0 : y0 + 1 >= h ? h - 1 : y0 + 1;
    double top = p[(size_t)ya * w + xa] * (1 - fx) + p[(size_t)ya * w + xb] * fx;
    double bot = p[(size_t)yb * w + xa] * (1 - fx) + p[(size_t)yb * w + xb] * fx;
    return (float)(top * (1 - fy) + bot * fy);
}

void align_apply(const AlignPose *q, int c, int w, int h, const float *in, float *out) {
    size_t hw = (size_t)h * w;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double a = x + 0.5 - 0.5 * w, b = y + 0.5 - 0.5 * h;
            double sx = q->cx + a * q->ux + b * q->nx - 0.5, sy = q->cy + a * q->uy + b * q->ny - 0.5;
            for (int k = 0; k < c; k++) out[k * hw + (size_t)y * w + x] = sample(in + k * hw, w, h, sx, sy);
        }
}
