/* The StyleGAN2-style networks (models/stylegan2.h): against the PyTorch implementation
 * (fixtures/sg2.safetensors from tools/make_sg2_fixtures.py: the modulated convolution in the
 * reference's fused form, mapping, synthesis, D, R1 and path-length values and their parameter
 * gradients), finite-difference gradients of first and second order, shapes and errors. */
#include "test.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "sg2_fixture.h"
#include "core/error.h"
#include "io/safetensors.h"
#include "train/model_stylegan2.h"
#include "train/sg2_sample.h"
#include <string.h>

static const Sg2Spec tiny = {32, 1, 8, 8, 2, 64, 8, 4, 0, 0};

static int open_model(StFile *f, GanModel *m) { return sg2fx_open("sg2.safetensors", tiny, f, m); }

TEST(modulated_conv_matches_fused_reference) {
    StFile f;
    char path[512];
    snprintf(path, sizeof path, "%s/sg2.safetensors", fixdir());
    if (st_open(path, &f)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    mg_step_reset();
    Tensor *x = tf_get(&f, "modconv.x"), *w = tf_get(&f, "modconv.weight"), *s = tf_get(&f, "modconv.styles");
    CHECK(rel(sg2_modulated_conv(x, w, s, 1), tf_get(&f, "modconv.out")) < 1e-5);
    CHECK(rel(sg2_modulated_conv(x, w, s, 0), tf_get(&f, "modconv.out_rgb")) < 1e-5);
    st_close(&f);
}

TEST(networks_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    Sg2 *g = gan_stylegan2_net(&m);
    CHECK(g && g->num_ws == 8);
    mg_step_reset();
    double e;
    CHECK_MSG((e = rel(sg2_mapping(g, tf_get(&f, "z"), NULL, 1.0f), tf_get(&f, "w"))) < 1e-4, "mapping: %.3g", e);
    CHECK_MSG((e = rel(sg2_synthesis(g, tf_get(&f, "ws"), SG2_NOISE_CONST, NULL), tf_get(&f, "img"))) < 1e-4, "synthesis: %.3g", e);
    CHECK_MSG((e = rel(sg2_discriminator(g, tf_get(&f, "real"), NULL), tf_get(&f, "logits"))) < 1e-4, "discriminator: %.3g", e);
    gan_model_free(&m);
    st_close(&f);
}

TEST(r1_and_its_parameter_gradients_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    const double worst = sg2fx_check_r1(&f, &m, NULL);
    printf("   R1 parameter gradients: worst relative error %.2e\n", worst);
    gan_model_free(&m);
    st_close(&f);
}

TEST(path_length_and_its_parameter_gradients_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    printf("   path-length parameter gradients: worst relative error %.2e\n", sg2fx_check_path_length(&f, &m));
    gan_model_free(&m);
    st_close(&f);
}

/* ---- finite differences ---- */

static Tensor *f_modconv(Tensor *const *in, void *ctx) { return sg2_modulated_conv(in[0], in[1], in[2], *(int *)ctx); }

TEST(modulated_conv_gradients_first_and_second_order) {
    mg_step_reset();
    Tensor *in[3] = {gc_input(TSHAPE(2, 3, 5, 5), 1, -1, 1), gc_input(TSHAPE(4, 3, 3, 3), 2, -0.5f, 0.5f),
                     gc_input(TSHAPE(2, 3), 3, 0.5f, 1.5f)};
    for (int demod = 0; demod <= 1; demod++) {
        CHECK(gradcheck(demod ? "modconv demod" : "modconv", f_modconv, &demod, 3, in, 1e-2, 5e-3, 40));
        for (int wrt = 0; wrt < 3; wrt++) CHECK(gradcheck2("modconv", f_modconv, &demod, 3, in, wrt, 1e-2, 1.5e-2, 24));
    }
}

static Tensor *f_mbstd(Tensor *const *in, void *ctx) { return sg2_mbstd(in[0], 2); }

TEST(minibatch_stddev_values_and_gradients) {
    mg_step_reset();
    /* 4 samples, group 2: groups {0,2} and {1,3}; one channel of one pixel each */
    float v[4] = {1, 5, 3, 9};
    Tensor *y = sg2_mbstd(tensor_from(TSHAPE(4, 1, 1, 1), v), 2);
    CHECK(y->shape[1] == 2);
    CHECK_NEAR(y->data[1], sqrtf(1.0f + 1e-8f), 1e-6);       /* sample 0: std of {1,3} (population) */
    CHECK_NEAR(y->data[3], sqrtf(4.0f + 1e-8f), 1e-6);       /* sample 1: std of {5,9} */
    CHECK_NEAR(y->data[5], 1.0, 1e-6);
    CHECK_NEAR(y->data[7], 2.0, 1e-6);
    Tensor *in[1] = {gc_input(TSHAPE(4, 2, 3, 3), 5, -1, 1)};
    CHECK(gradcheck("mbstd", f_mbstd, NULL, 1, in, 1e-2, 5e-3, 40));
    CHECK(gradcheck2("mbstd", f_mbstd, NULL, 1, in, 0, 1e-2, 1.5e-2, 24));
}

typedef struct { GanModel m; Sg2 *g; } Tiny;

static Tensor *f_disc(Tensor *const *in, void *ctx) { return sg2_discriminator(((Tiny *)ctx)->g, in[0], NULL); }
static Tensor *f_synth(Tensor *const *in, void *ctx) { return sg2_synthesis(((Tiny *)ctx)->g, in[0], SG2_NOISE_CONST, NULL); }

static void tiny_model(Tiny *t, int resolution) {
    Rng init = rng_new(11);
    Sg2Spec s = tiny;
    s.resolution = resolution;
    MG_CHECK(!gan_stylegan2_init(&t->m, s, &init), "tiny model");
    t->g = gan_stylegan2_net(&t->m);
    for (int i = 0; i < t->m.g_ps->n; i++)                    /* non-zero noise strengths and biases */
        if (strstr(t->m.g_ps->p[i]->name, "noise_strength") || strstr(t->m.g_ps->p[i]->name, "conv1.bias"))
            for (size_t k = 0; k < tensor_numel(&t->m.g_ps->p[i]->t); k++) t->m.g_ps->p[i]->t.data[k] = 0.2f;
}

/* R1 = sum (dL/dx)^2 differentiated w.r.t. D weights, against finite differences of R1 */
TEST(r1_second_order_against_finite_differences) {
    Tiny t;
    tiny_model(&t, 32);
    mg_step_reset();
    Tensor *in[3] = {gc_input(TSHAPE(2, 1, 32, 32), 7, -1, 1), &params_find(t.m.d_ps, "D.b32.conv0.weight")->t,
                     &params_find(t.m.d_ps, "D.b4.fc.weight")->t};
    CHECK(gradcheck("D", f_disc, &t, 3, in, 2e-3, 5e-3, 16));
    CHECK(gradcheck2("R1", f_disc, &t, 3, in, 0, 2e-3, 1.5e-2, 12));
    gan_model_free(&t.m);
}

/* path length: sum (J_ws^T y)^2 differentiated w.r.t. synthesis weights, against finite differences */
TEST(path_length_second_order_against_finite_differences) {
    Tiny t;
    tiny_model(&t, 8);                       /* 8x8: few pixels, so few leaky-ReLU kinks inside +-h */
    mg_step_reset();
    Tensor *in[4] = {gc_input(TSHAPE(2, 4, 8), 8, -1, 1), &params_find(t.m.g_ps, "syn.b8.conv0.weight")->t,
                     &params_find(t.m.g_ps, "syn.b8.conv1.affine.weight")->t, &params_find(t.m.g_ps, "syn.b8.torgb.weight")->t};
    CHECK(gradcheck("G", f_synth, &t, 4, in, 5e-3, 5e-3, 16));
    CHECK(gradcheck2("path length", f_synth, &t, 4, in, 0, 5e-3, 1.5e-2, 12));
    gan_model_free(&t.m);
}

TEST(shapes_mixing_truncation_and_errors) {
    Tiny t;
    tiny_model(&t, 32);
    Sg2 *g = t.g;
    mg_step_reset();
    float z[3 * 8];
    Rng r = rng_new(1);
    rng_normal(&r, z, 24, 0, 1);
    Tensor *w = sg2_mapping(g, tensor_from(TSHAPE(3, 8), z), NULL, 1.0f);
    CHECK(w->shape[0] == 3 && w->shape[1] == 8);
    Tensor *ws = sg2_broadcast_w(g, w);
    CHECK(ws->shape[1] == g->num_ws);
    Tensor *w2 = sg2_broadcast_w(g, sg2_mapping(g, tensor_from(TSHAPE(3, 8), z), NULL, 0.0f));   /* psi 0: w_avg (= 0) */
    int zero = 1;
    for (size_t i = 0; i < tensor_numel(w2); i++) zero &= w2->data[i] == 0.0f;
    CHECK(zero);
    Tensor *mix = sg2_mix(g, ws, w2, 3);
    CHECK(mix->data[2 * 8] == ws->data[2 * 8] && mix->data[3 * 8] == 0.0f);
    Tensor *img = sg2_synthesis(g, mix, SG2_NOISE_RANDOM, &r);
    CHECK(img->shape[0] == 3 && img->shape[1] == 1 && img->shape[2] == 32 && img->shape[3] == 32);
    CHECK(sg2_discriminator(g, img, NULL)->shape[1] == 1);
    gan_model_free(&t.m);
    Sg2Spec bad = tiny;
    bad.resolution = 48;   /* not a power of two */
    GanModel m;
    Rng init = rng_new(1);
    CHECK(gan_stylegan2_init(&m, bad, &init) == -1 && strstr(mg_error_get(), "--resolution 48"));
    bad = tiny;
    bad.channels = 2;
    CHECK(gan_stylegan2_init(&m, bad, &init) == -1 && strstr(mg_error_get(), "--channels 2"));
}

/* style ranges at 64x64 (10 slots): coarse = convs of 4-8 px, middle = 16-32, fine = 64 and the last toRGB;
 * a mixing grid's cells equal the plain renderings where no slot is swapped */
TEST(style_ranges_and_mixing_grid) {
    Sg2 g = {0};
    g.nblocks = 5;
    g.num_ws = 10;
    int a, b;
    sg2_style_range(&g, SG2_COARSE, &a, &b);
    CHECK(a == 0 && b == 3);
    sg2_style_range(&g, SG2_MIDDLE, &a, &b);
    CHECK(a == 3 && b == 7);
    sg2_style_range(&g, SG2_FINE, &a, &b);
    CHECK(a == 7 && b == 10);
    Tiny t;
    tiny_model(&t, 32);
    mg_step_reset();
    long cols[2] = {1, 2}, rows[1] = {5};
    Sg2StyleRange r[2] = {SG2_COARSE, SG2_FINE};
    Tensor *grid = sg2_style_mix_grid(t.g, cols, 2, rows, 1, r, 2, 1.0f, -1);   /* 3 x 3 cells */
    CHECK(grid->shape[0] == 9);
    Tensor *z, *w;
    sg2_codes_for_seeds(t.g, cols, 2, 1.0f, -1, &z, &w);
    Tensor *plain = sg2_render(t.g, sg2_broadcast_w(t.g, w));
    const size_t per = 32 * 32;
    CHECK(!memcmp(grid->data + 1 * per, plain->data, per * sizeof(float)));          /* top row: column seed 1 */
    CHECK(memcmp(grid->data + 4 * per, plain->data, per * sizeof(float)) != 0);     /* mixed cell differs */
    gan_model_free(&t.m);
}

int main(void) {
    RUN(modulated_conv_matches_fused_reference);
    RUN(networks_match_pytorch);
    RUN(r1_and_its_parameter_gradients_match_pytorch);
    RUN(path_length_and_its_parameter_gradients_match_pytorch);
    RUN(modulated_conv_gradients_first_and_second_order);
    RUN(minibatch_stddev_values_and_gradients);
    RUN(r1_second_order_against_finite_differences);
    RUN(path_length_second_order_against_finite_differences);
    RUN(shapes_mixing_truncation_and_errors);
    RUN(style_ranges_and_mixing_grid);
    return test_summary();
}
