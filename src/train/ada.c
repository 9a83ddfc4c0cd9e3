/* The ADA controller: sign statistics of D(real) over an interval, then a bounded step of p. */
#include "train/ada.h"
#include "core/error.h"
#include <math.h>

int ada_init(Ada *a, float target, float p_max, float kimg, int interval, float p0) {
    if (!(target > -1 && target < 1)) return mg_error_set("ADA target %g (needs -1 < target < 1; 0.6 is usual)", (double)target), -1;
    if (!(p_max >= 0 && p_max <= 1)) return mg_error_set("ADA p_max %g (needs 0..1)", (double)p_max), -1;
    if (!(p0 >= 0 && p0 <= p_max)) return mg_error_set("ADA initial p %g (needs 0..p_max = %g)", (double)p0, (double)p_max), -1;
    if (!(kimg > 0 && kimg < 1e9f)) return mg_error_set("ADA kimg %g (needs > 0; 500 is usual)", (double)kimg), -1;
    if (interval < 1 || interval > 1000000) return mg_error_set("ADA interval %d (needs >= 1; 4 is usual)", interval), -1;
    *a = (Ada){.target = target, .p_max = p_max, .kimg = kimg, .interval = interval, .p = p0};
    return 0;
}

void ada_observe(Ada *a, const float *real_logits, int n) {
    for (int i = 0; i < n; i++) a->sign_sum += real_logits[i] > 0 ? 1 : real_logits[i] < 0 ? -1 : 0;
    a->sign_n += n;
}

int ada_step(Ada *a, int batch) {
    a->images += batch;
    if (++a->steps < a->interval) return 0;
    if (a->sign_n > 0) {
        double rt = a->sign_sum / (double)a->sign_n, d = rt - a->target;
        double step = (double)a->images / ((double)a->kimg * 1000.0);
        double p = (double)a->p + (d > 0 ? step : d < 0 ? -step : 0);
        a->p = (float)(p < 0 ? 0 : p > a->p_max ? a->p_max : p);
        a->rt = (float)rt;
    }
    a->sign_sum = 0;
    a->sign_n = 0;
    a->images = 0;
    a->steps = 0;
    return 1;
}

void ada_state_save(const Ada *a, float out[ADA_STATE_FLOATS]) {
    out[0] = a->p;
    out[1] = a->rt;
    out[2] = (float)a->sign_sum;
    out[3] = (float)a->sign_n;
    out[4] = (float)a->images;
    out[5] = (float)a->steps;
}

static int whole_count(float v) { return v >= 0 && v < 16777216.0f && v == floorf(v); }

int ada_state_load(Ada *a, const float in[ADA_STATE_FLOATS]) {
    float p = in[0], rt = in[1], sum = in[2], n = in[3], images = in[4], steps = in[5];
    if (!(p >= 0 && p <= 1)) return mg_error_set("ADA state: p = %g outside [0, 1]", (double)p), -1;
    if (!(rt >= -1 && rt <= 1)) return mg_error_set("ADA state: r_t = %g outside [-1, 1]", (double)rt), -1;
    if (!whole_count(n)) return mg_error_set("ADA state: logit count %g is not a whole number in [0, 2^24)", (double)n), -1;
    if (!(sum == floorf(sum) && fabsf(sum) <= n))
        return mg_error_set("ADA state: sign sum %g is not a whole number within +-%g", (double)sum, (double)n), -1;
    if (!whole_count(images)) return mg_error_set("ADA state: image count %g is not a whole number in [0, 2^24)", (double)images), -1;
    if (!(steps >= 0 && steps < (float)a->interval && steps == floorf(steps)))
        return mg_error_set("ADA state: %g steps into an interval of %d", (double)steps, a->interval), -1;
    a->p = p < a->p_max ? p : a->p_max;   /* a run resumed with a lower bound starts at the bound */
    a->rt = rt;
    a->sign_sum = sum;
    a->sign_n = (long)n;
    a->images = (long)images;
    a->steps = (int)steps;
    return 0;
}
