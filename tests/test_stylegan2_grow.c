/* Progressive growing of the StyleGAN2-style networks (models/stylegan2.h, train/sg2_grow.h): the
 * schedule; G and D at growing stages against the PyTorch twin (fixtures/sg2_grow.safetensors from
 * tools/make_sg2_fixtures.py: stage 16x16 of a 32x32 model fading in with alpha 0.3, stage 8x8, and the
 * full stage fading in with alpha 0.6), R1 and path length there with their parameter gradients; the full
 * stage of a growing model equals the plain networks bit for bit; finite differences of first and second
 * order through the fade-in blends. */
#include "test.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "sg2_fixture.h"
#include "core/error.h"
#include "io/safetensors.h"
#include "train/model_stylegan2.h"
#include "train/sg2_grow.h"
#include <string.h>

static const Sg2Spec tiny_grow = {32, 1, 8, 8, 2, 64, 8, 4, 0, 1};

/* ---- the schedule ---- */

TEST(schedule_phases_fade_in_and_full_resolution) {
    const int nb = 4;                                   /* 4, 8, 16, 32 */
    const struct { double images; int block; float alpha; } want[] = {
        {0, 1, 1.0f},    {1999, 1, 1.0f},                              /* phase 0: 8x8, nothing to fade from */
        {2000, 2, 0.0f}, {2500, 2, 0.5f}, {2999, 2, 0.999f},           /* phase 1: 16x16 fades in over K */
        {3000, 2, 1.0f}, {3999, 2, 1.0f},                              /* then K stable */
        {4000, 3, 0.0f}, {4250, 3, 0.25f}, {5000, 3, 1.0f},            /* phase 2: the full resolution */
        {6000, 3, 1.0f}, {1e9, 3, 1.0f}};                              /* and there it stays */
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Sg2Stage s = sg2_grow_stage(1.0, want[i].images, nb);
        CHECK_MSG(s.block == want[i].block && fabsf(s.alpha - want[i].alpha) < 1e-6f, "%g images: block %d alpha %g, expected %d %g",
                  want[i].images, s.block, s.alpha, want[i].block, want[i].alpha);
    }
    CHECK_NEAR(sg2_grow_full_kimg(1.0, nb), 5.0, 1e-12);
    CHECK_NEAR(sg2_grow_full_kimg(2.5, 5), 17.5, 1e-12);         /* 64x64: 8, 16, 32, 64 */
    Sg2Stage s = sg2_grow_stage(2.5, 17500, 5);
    CHECK(s.block == 4 && s.alpha == 1.0f);
    s = sg2_grow_stage(2.5, 17499, 5);
    CHECK(s.block == 4 && s.alpha < 1.0f && s.alpha > 0.99f);
    /* alpha rises linearly in the images shown: equal steps, equal increments */
    float prev = -1, inc = -1;
    int linear = 1;
    for (int k = 0; k <= 10; k++) {
        const float a = sg2_grow_stage(0.032, 64 + 3.2 * k, nb).alpha;
        if (k >= 2) linear &= fabsf((a - prev) - inc) < 1e-5f;
        if (k >= 1) inc = a - prev;
        prev = a;
    }
    CHECK(linear && fabsf(inc - 0.1f) < 1e-5f);
}

/* ---- against PyTorch ---- */

static int open_model(StFile *f, GanModel *m) {
    if (sg2fx_open("sg2_grow.safetensors", tiny_grow, f, m)) return -1;
    CHECK(st_find(f, "D.fromrgb8.weight") && params_find(m->d_ps, "D.fromrgb8.weight") && params_find(m->d_ps, "D.fromrgb16.weight"));
    return 0;
}

TEST(networks_at_growing_stages_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    Sg2 *g = gan_stylegan2_net(&m);
    const struct { int stage; float alpha; const char *img, *logits; } st[] = {
        {2, 0.3f, "img", "logits"}, {1, 1.0f, "img8", "logits8"}, {3, 0.6f, "img32", "logits32"}};
    for (int i = 0; i < 3; i++) {
        mg_step_reset();
        sg2_set_stage(g, st[i].stage, st[i].alpha);
        double e;
        Tensor *img = sg2_synthesis(g, tf_get(&f, "ws"), SG2_NOISE_CONST, NULL);
        CHECK(img->shape[2] == 32 && img->shape[3] == 32);
        CHECK_MSG((e = rel(img, tf_get(&f, st[i].img))) < 1e-4, "synthesis at %dx%d alpha %g: %.3g", 4 << st[i].stage, 4 << st[i].stage,
                  st[i].alpha, e);
        CHECK_MSG((e = rel(sg2_discriminator(g, tf_get(&f, "real"), NULL), tf_get(&f, st[i].logits))) < 1e-4,
                  "discriminator at %dx%d alpha %g: %.3g", 4 << st[i].stage, 4 << st[i].stage, st[i].alpha, e);
    }
    gan_model_free(&m);
    st_close(&f);
}

/* R1 and path length at stage 16x16, alpha 0.3, with their gradients w.r.t. every parameter (incl. the blended
 * fromRGB layers and the fading toRGB) */
TEST(r1_and_path_length_at_a_fade_in_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    Sg2 *g = gan_stylegan2_net(&m);
    sg2_set_stage(g, 2, 0.3f);
    double worst = sg2fx_check_r1(&f, &m, NULL);
    int nonzero = 0;
    for (int i = 0; i < m.d_ps->n; i++) {
        Param *p = m.d_ps->p[i];
        if (!strcmp(p->name, "D.fromrgb8.weight") || !strcmp(p->name, "D.fromrgb16.weight"))
            for (size_t k = 0; k < tensor_numel(&p->t); k++) nonzero += p->t.grad[k] != 0.0f;
    }
    CHECK(nonzero > 0);                                 /* both branches of the blend reach R1 */
    printf("   R1 parameter gradients at 16x16, alpha 0.3: worst relative error %.2e\n", worst);

    printf("   path-length parameter gradients at 16x16, alpha 0.3: worst relative error %.2e\n", sg2fx_check_path_length(&f, &m));
    gan_model_free(&m);
    st_close(&f);
}

/* ---- growing off, or at its end, is the plain model ---- */

TEST(full_stage_is_the_plain_model_bit_for_bit) {
    Sg2Spec plain_spec = tiny_grow;
    plain_spec.grow = 0;
    GanModel gm, pm;
    Rng i1 = rng_new(5), i2 = rng_new(5);
    if (gan_stylegan2_init(&gm, tiny_grow, &i1) || gan_stylegan2_init(&pm, plain_spec, &i2)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    /* the same names and initial values, plus D.fromrgb8 and D.fromrgb16 */
    CHECK(gm.g_ps->n == pm.g_ps->n && gm.g_ps->total == pm.g_ps->total && gm.d_ps->n == pm.d_ps->n + 4);   /* weight and bias each */
    CHECK(!memcmp(gm.g_ps->values, pm.g_ps->values, sizeof(float) * pm.g_ps->total));
    for (int i = 0; i < pm.d_ps->n; i++) {
        const Param *q = pm.d_ps->p[i], *p = params_find(gm.d_ps, q->name);
        CHECK_MSG(p && tensor_numel(&p->t) == tensor_numel(&q->t) && !memcmp(p->t.data, q->t.data, sizeof(float) * tensor_numel(&q->t)),
                  "%s differs", q->name);
    }
    Sg2 *g = gan_stylegan2_net(&gm), *p = gan_stylegan2_net(&pm);
    CHECK(sg2_full_stage(g) && sg2_full_stage(p));    /* a new model is at its full stage */
    sg2_grow_apply(g, 0.5, 1e9);                      /* the end of a growing schedule */
    CHECK(sg2_full_stage(g));
    mg_step_reset();
    Tensor *ws = gc_input(TSHAPE(3, g->num_ws, 8), 4, -1, 1), *x = gc_input(TSHAPE(4, 1, 32, 32), 6, -1, 1);
    Rng r1 = rng_new(2), r2 = rng_new(2);
    Tensor *a = mg_contiguous(sg2_synthesis(g, ws, SG2_NOISE_RANDOM, &r1)), *b = mg_contiguous(sg2_synthesis(p, ws, SG2_NOISE_RANDOM, &r2));
    CHECK(!memcmp(a->data, b->data, sizeof(float) * tensor_numel(b)));
    a = mg_contiguous(sg2_discriminator(g, x, NULL));
    b = mg_contiguous(sg2_discriminator(p, x, NULL));
    CHECK(!memcmp(a->data, b->data, sizeof(float) * tensor_numel(b)));
    /* and a lower stage is something else: G's image at 8x8 upsampled is smooth, D differs */
    sg2_set_stage(g, 1, 1.0f);
    Tensor *lo = mg_contiguous(sg2_discriminator(g, x, NULL));
    CHECK(lo->data[0] != b->data[0]);
    gan_model_free(&gm);
    gan_model_free(&pm);
}

/* ---- finite differences through the blends ---- */

typedef struct { GanModel m; Sg2 *g; } Tiny;

static Tensor *f_disc(Tensor *const *in, void *ctx) { return sg2_discriminator(((Tiny *)ctx)->g, in[0], NULL); }
static Tensor *f_synth(Tensor *const *in, void *ctx) { return sg2_synthesis(((Tiny *)ctx)->g, in[0], SG2_NOISE_CONST, NULL); }

static void tiny_model(Tiny *t, int resolution, int ch_base) {
    Rng init = rng_new(11);
    Sg2Spec s = tiny_grow;
    s.resolution = resolution;
    s.ch_base = ch_base;
    MG_CHECK(!gan_stylegan2_init(&t->m, s, &init), "tiny model");
    t->g = gan_stylegan2_net(&t->m);
    for (int i = 0; i < t->m.g_ps->n; i++)                    /* non-zero noise strengths and biases */
        if (strstr(t->m.g_ps->p[i]->name, "noise_strength") || strstr(t->m.g_ps->p[i]->name, "conv1.bias"))
            for (size_t k = 0; k < tensor_numel(&t->m.g_ps->p[i]->t); k++) t->m.g_ps->p[i]->t.data[k] = 0.2f;
}

/* R1 at stage 16x16 of a 32x32 D, alpha 0.4: through the pooling, both fromRGB branches and the blend */
TEST(r1_through_the_fade_in_against_finite_differences) {
    Tiny t;
    tiny_model(&t, 32, 64);
    sg2_set_stage(t.g, 2, 0.4f);
    mg_step_reset();
    Tensor *in[4] = {gc_input(TSHAPE(2, 1, 32, 32), 7, -1, 1), &params_find(t.m.d_ps, "D.fromrgb16.weight")->t,
                     &params_find(t.m.d_ps, "D.fromrgb8.weight")->t, &params_find(t.m.d_ps, "D.b16.conv0.weight")->t};
    CHECK(gradcheck("D at 16x16, alpha 0.4", f_disc, &t, 4, in, 2e-3, 5e-3, 16));
    CHECK(gradcheck2("R1 at 16x16, alpha 0.4", f_disc, &t, 4, in, 0, 2e-3, 1.5e-2, 12));
    gan_model_free(&t.m);
}

/* path length through the fade-in of G: stage 16x16 of a 16x16 G, alpha 0.4 (the last fade-in), and stage
 * 8x8 of a 16x16 G (upsampled to 16x16).  Few channels (2-8).  The penalty is about 300 and its float32
 * rounding (the gradient it squares) is near the second differences: h = 2e-2 at 16x16 (6 of 34 elements
 * skipped as kinks, against 8-12 with h = 1e-2 or 1.5e-2, whose differences drown in the rounding) and
 * h = 1e-2 at 8x8 (1 of 28).  This check sits close to its noise floor: a change of rounding in the
 * network can move the skip count (session 10). */
TEST(path_length_through_the_fade_in_against_finite_differences) {
    Tiny t;
    tiny_model(&t, 16, 32);
    sg2_set_stage(t.g, 2, 0.4f);
    mg_step_reset();
    Tensor *in[4] = {gc_input(TSHAPE(2, t.g->num_ws, 8), 8, -1, 1), &params_find(t.m.g_ps, "syn.b16.torgb.weight")->t,
                     &params_find(t.m.g_ps, "syn.b16.conv1.affine.weight")->t, &params_find(t.m.g_ps, "syn.b8.torgb.weight")->t};
    CHECK(gradcheck("G at 16x16, alpha 0.4", f_synth, &t, 4, in, 5e-3, 5e-3, 16));
    CHECK(gradcheck2("path length at 16x16, alpha 0.4", f_synth, &t, 4, in, 0, 2e-2, 1.5e-2, 12));
    sg2_set_stage(t.g, 1, 1.0f);
    mg_step_reset();
    Tensor *in2[3] = {gc_input(TSHAPE(2, t.g->num_ws, 8), 10, -1, 1), &params_find(t.m.g_ps, "syn.b8.conv0.weight")->t,
                      &params_find(t.m.g_ps, "syn.b8.torgb.weight")->t};
    CHECK(gradcheck("G at 8x8 upsampled", f_synth, &t, 3, in2, 5e-3, 5e-3, 16));
    CHECK(gradcheck2("path length at 8x8 upsampled", f_synth, &t, 3, in2, 0, 1e-2, 1.5e-2, 12));
    gan_model_free(&t.m);
}

int main(void) {
    RUN(schedule_phases_fade_in_and_full_resolution);
    RUN(networks_at_growing_stages_match_pytorch);
    RUN(r1_and_path_length_at_a_fade_in_match_pytorch);
    RUN(full_stage_is_the_plain_model_bit_for_bit);
    RUN(r1_through_the_fade_in_against_finite_differences);
    RUN(path_length_through_the_fade_in_against_finite_differences);
    return test_summary();
}
