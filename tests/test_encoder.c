/* The e4e-style encoder (inversion/encoder.h) and its training (inversion/encoder_train.h): shapes, the
 * coarse/middle/fine split, offsets released progressively (inactive slots repeat w exactly), the offset
 * norms, gradients against finite differences, a checkpoint round trip, and short trainings that lower
 * the losses (e4e-style reconstruction with the latent discriminator; ALAE-style consistency alone). */
#include "test.h"
#include "gradcheck.h"
#include "core/error.h"
#include "core/threads.h"
#include "inversion/encoder_io.h"
#include "train/model_stylegan2.h"
#include <string.h>
#include <unistd.h>

static const Sg2Spec tiny = {32, 1, 8, 8, 2, 64, 8, 4, 0, 0};

TEST(style_slots_split_coarse_middle_fine) {
    const int l10[10] = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2}, l8[8] = {0, 0, 0, 1, 1, 1, 1, 2};
    for (int i = 0; i < 10; i++) CHECK(enc_slot_level(i, 10) == l10[i]);
    for (int i = 0; i < 8; i++) CHECK(enc_slot_level(i, 8) == l8[i]);
    for (int i = 0; i < 18; i++) CHECK(enc_slot_level(i, 18) == (i < 3 ? 0 : i < 7 ? 1 : 2));   /* e4e at 1024 */
}

TEST(codes_have_the_generator_s_shape_and_released_offsets_only) {
    Encoder e;
    float wavg[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    Rng init = rng_new(1);
    CHECK(encoder_init(&e, (EncSpec){32, 1, 8, 8, 8, 16}, wavg, &init) == 0);
    CHECK(e.head[0].nconv == 2 && e.head[3].nconv == 3 && e.head[7].nconv == 4);   /* from 4x4, 8x8, 16x16 */
    mg_step_reset();
    Tensor *x = tensor_new(TSHAPE(3, 1, 32, 32)), *dn;
    Rng r = rng_new(2);
    rng_uniform(&r, x->data, tensor_numel(x), -1, 1);
    for (int active = 0; active < 8; active += 3) {
        Tensor *c = encoder_forward(&e, x, active, &dn);
        CHECK(c->ndim == 3 && c->shape[0] == 3 && c->shape[1] == 8 && c->shape[2] == 8);
        CHECK(dn->ndim == 1 && dn->shape[0] == 3);
        for (int i = 0; i < 3; i++) {
            const float *w = c->data + (size_t)i * 64;
            double norms = 0;
            for (int s = 1; s < 8; s++) {
                double q = 0;
                for (int d = 0; d < 8; d++) q += pow(w[s * 8 + d] - w[d], 2);
                if (s > active) CHECK_MSG(q == 0, "active %d: slot %d differs from w", active, s);
                else CHECK_MSG(q > 0, "active %d: slot %d has no offset", active, s);
                norms += sqrt(q);
            }
            CHECK_NEAR(dn->data[i], norms, 1e-4);
        }
    }
    /* the heads start small: codes near w_avg */
    Tensor *c = encoder_forward(&e, x, 0, NULL);
    double dev = 0;
    for (int d = 0; d < 8; d++) dev = fmax(dev, fabs(c->data[d] - wavg[d]));
    CHECK(dev < 2.0);
    encoder_free(&e);
}

typedef struct { Encoder *e; int active; } FwdCtx;
static Tensor *enc_fn(Tensor *const *in, void *ctx) {
    FwdCtx *c = ctx;
    Tensor *dn, *codes = encoder_forward(c->e, in[0], c->active, &dn);
    return mg_add(mg_sum(mg_sum(codes, 1u << 2, 0), 1u << 1, 0), dn);        /* [N]: codes and offset norms */
}

TEST(encoder_gradients_match_finite_differences) {
    Encoder e;
    Rng init = rng_new(3);
    CHECK(encoder_init(&e, (EncSpec){16, 1, 4, 6, 4, 8}, NULL, &init) == 0);
    mg_step_reset();
    Tensor *x = gc_input(TSHAPE(2, 1, 16, 16), 4, -1, 1);
    Tensor *in[5] = {x, e.stem.w, e.stage[1].conv0.w, e.head[4].conv[0].w, e.head[2].out.w};
    FwdCtx c = {&e, 5};
    CHECK(gradcheck("encoder", enc_fn, &c, 5, in, 1e-2, 2e-2, 40));
    encoder_free(&e);
}

static Tensor *ld_fn(Tensor *const *in, void *ctx) { return latent_disc(ctx, in[0]); }

/* R1 of the latent discriminator: the gradient of |d Dw / d w|^2 with respect to w and Dw's weights */
TEST(latent_discriminator_r1_second_order) {
    LatentDisc ld;
    Rng init = rng_new(6);
    latent_disc_init(&ld, 6, 16, &init);
    mg_step_reset();
    Tensor *w = gc_input(TSHAPE(5, 6), 7, -2, 2);
    Tensor *in[3] = {w, ld.fc[0].w, ld.fc[2].w};
    CHECK(gradcheck("latent D", ld_fn, &ld, 3, in, 1e-2, 1e-2, 40));
    CHECK(gradcheck2("latent D R1", ld_fn, &ld, 3, in, 0, 1e-2, 2e-2, 40));
    latent_disc_free(&ld);
}

TEST(checkpoint_round_trip_gives_the_same_codes) {
    Encoder e;
    LatentDisc ld;
    Rng init = rng_new(5);
    CHECK(encoder_init(&e, (EncSpec){32, 1, 8, 8, 8, 16}, NULL, &init) == 0);
    latent_disc_init(&ld, 8, 32, &init);
    char path[128];
    snprintf(path, sizeof path, "/tmp/mg_test_encoder_%d.safetensors", (int)getpid());
    CHECK(enc_save(path, &e, &ld, "gen.safetensors", 4, NULL) == 0);
    EncFile f;
    CHECK(enc_load(path, &f) == 0);
    CHECK(f.active == 4 && !strcmp(f.generator, "gen.safetensors") && f.ld.ps && f.e.s.feat == 16);
    CHECK(f.e.ps->total == e.ps->total && !memcmp(f.e.ps->values, e.ps->values, e.ps->total * sizeof(float)));
    CHECK(!memcmp(f.ld.ps->values, ld.ps->values, ld.ps->total * sizeof(float)));
    enc_file_free(&f);
    /* not an encoder */
    CHECK(enc_load("fixtures/sg2.safetensors", &f) == -1 && strstr(mg_error_get(), "fixtures/sg2.safetensors"));
    unlink(path);
    encoder_free(&e);
    latent_disc_free(&ld);
}

TEST(progressive_schedule_releases_one_offset_per_period) {
    EncTrainOpts o = enc_train_defaults();
    o.progressive_every = 10;
    CHECK(enc_active(&o, 0, 8) == 0 && enc_active(&o, 9, 8) == 0 && enc_active(&o, 10, 8) == 1 && enc_active(&o, 69, 8) == 6);
    CHECK(enc_active(&o, 70, 8) == 7 && enc_active(&o, 5000, 8) == 7);
    o.progressive_every = 0;
    CHECK(enc_active(&o, 0, 8) == 7);
}

static double mean_range(const float *v, int a, int b) {
    double s = 0;
    for (int i = a; i < b; i++) s += v[i];
    return s / (b - a);
}

TEST(training_lowers_the_losses) {
    GanModel m;
    Rng init = rng_new(3);
    CHECK(gan_stylegan2_init(&m, tiny, &init) == 0);
    Sg2 *g = gan_stylegan2_net(&m);
    /* e4e-style: reconstruction + offsets + latent discriminator, generated images only */
    Encoder e;
    LatentDisc ld;
    Rng ei = rng_new(4);
    CHECK(encoder_init(&e, (EncSpec){32, 1, 8, g->num_ws, 8, 16}, NULL, &ei) == 0);
    latent_disc_init(&ld, 8, 32, &ei);
    EncTrainOpts o = enc_train_defaults();
    o.steps = 60;
    o.progressive_every = 10;
    o.r1_every = 4;
    EncTrainer t;
    CHECK(enc_trainer_init(&t, &m, &e, &ld, NULL, 0, &o) == 0);
    float l2[60], dl[60];
    int any_r1 = 0;
    for (int s = 0; s < 60; s++) {
        EncStepStats st = enc_train_step(&t);
        l2[s] = st.l2;
        dl[s] = st.d_loss;
        any_r1 |= st.r1 > 0;
        CHECK(st.active == (s / 10 < 7 ? s / 10 : 7));
    }
    const double a = mean_range(l2, 0, 10), b = mean_range(l2, 50, 60);
    printf("   e4e-style: L2 %.4f (steps 1-10) -> %.4f (51-60); latent D loss %.3f -> %.3f\n", a, b, mean_range(dl, 0, 10), mean_range(dl, 50, 60));
    CHECK(b < 0.7 * a);
    CHECK(any_r1);
    CHECK(m.g_ps->p[0]->t.requires_grad == 0);           /* G frozen while training */
    enc_trainer_free(&t);
    CHECK(m.g_ps->p[0]->t.requires_grad == 1);
    encoder_free(&e);
    latent_disc_free(&ld);
    /* ALAE-style consistency alone */
    CHECK(encoder_init(&e, (EncSpec){32, 1, 8, g->num_ws, 8, 16}, NULL, &ei) == 0);
    o = enc_train_defaults();
    o.steps = 60;
    o.recon = 0;
    o.adv = 0;
    o.consistency = 1;
    CHECK(enc_trainer_init(&t, &m, &e, NULL, NULL, 0, &o) == 0);
    float cons[60];
    for (int s = 0; s < 60; s++) {
        EncStepStats st = enc_train_step(&t);
        cons[s] = st.cons;
        CHECK(st.l2 == 0 && st.perc == 0);
    }
    printf("   ALAE-style: |w - E(G(w))|^2 %.4f -> %.4f\n", mean_range(cons, 0, 10), mean_range(cons, 50, 60));
    CHECK(mean_range(cons, 50, 60) < 0.7 * mean_range(cons, 0, 10));
    enc_trainer_free(&t);
    encoder_free(&e);
    /* nothing to train */
    o.consistency = 0;
    CHECK(enc_trainer_init(&t, &m, &e, NULL, NULL, 0, &o) == -1);
    gan_model_free(&m);
}

int main(int argc, char **argv) {
    (void)argc;
    mg_prefer_passive_wait(argv);          /* libgomp's spinning costs much on 2 shared cores (as the CLI) */
    RUN(style_slots_split_coarse_middle_fine);
    RUN(codes_have_the_generator_s_shape_and_released_offsets_only);
    RUN(encoder_gradients_match_finite_differences);
    RUN(latent_discriminator_r1_second_order);
    RUN(checkpoint_round_trip_gives_the_same_codes);
    RUN(progressive_schedule_releases_one_offset_per_period);
    RUN(training_lowers_the_losses);
    return test_summary();
}
