#include "train/sg2_augment.h"
#include <string.h>

static Tensor *apply(void *ctx, Tensor *x, Rng *rng) { return diffaug_apply(&((Sg2AugState *)ctx)->aug, x, rng); }

static void observe(void *ctx, const Tensor *logits) {          /* once per D step: the real logits [N,1] */
    Sg2AugState *s = ctx;
    if (s->mode != TC_AUG_ADA) return;
    const int n = (int)tensor_numel(logits);
    ada_observe(&s->ada, logits->data, n);
    if (ada_step(&s->ada, n)) s->aug.p = s->ada.p;
}

int sg2_augment_setup(Sg2AugState *s, const TrainConfig *c, Sg2Trainer *t) {
    memset(s, 0, sizeof *s);
    s->mode = c->augment;
    s->aug = diffaug_defaults();
    if (diffaug_parse_ops(c->augment_ops, &s->aug.ops)) return -1;
    s->aug.p = c->augment == TC_AUG_NONE ? 0.0f : c->augment_p;
    if (diffaug_check(&s->aug, c->channels, c->resolution, c->resolution)) return -1;
    if (c->augment == TC_AUG_ADA && ada_init(&s->ada, c->ada_target, c->ada_pmax, c->ada_kimg, 4, c->augment_p)) return -1;
    if (c->augment != TC_AUG_NONE) t->aug = (Sg2Augment){apply, observe, s};
    return 0;
}

void sg2_augment_save(const Sg2AugState *s, float *buf) {
    if (s->mode == TC_AUG_ADA) ada_state_save(&s->ada, buf);
    else memset(buf, 0, sizeof(float) * ADA_STATE_FLOATS);
}

int sg2_augment_load(Sg2AugState *s, const float *buf) {
    if (s->mode != TC_AUG_ADA) return 0;
    if (ada_state_load(&s->ada, buf)) return -1;
    s->aug.p = s->ada.p;
    return 0;
}

float sg2_augment_p(const Sg2AugState *s) { return s->aug.p; }
