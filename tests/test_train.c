/* src/train units: config from argv and JSON (round trip, errors that say what to type), the
 * four GAN losses against hand values, batches as a function of the batch number, diversity
 * measures, run logs cut back on resume, the gradient penalty through the GanModel interface. */
#include "test.h"
#include "gradcheck.h"
#include "train/spectral_norm.h"
#include "core/error.h"
#include "train/batches.h"
#include "train/config.h"
#include "train/diversity.h"
#include "train/gan_loss.h"
#include "train/latent.h"
#include "train/vae_step.h"
#include "train/model_dcgan.h"
#include "train/model_dcgan_course.h"
#include "train/runlog.h"
#include <string.h>
#include <unistd.h>

TEST(config_argv_json_round_trip) {
    TrainConfig a, b;
    train_config_defaults(&a);
    char *argv[] = {"train", "--loss", "wgan-gp", "--n-critic", "5", "--lr", "1e-4", "--betas", "0,0.9", "--kimg", "3.2",
                    "--batch", "32", "--ema", "0.999", "--outdir", "/tmp/x"};
    CHECK(train_config_argv(&a, 17, argv, 0) == 0);
    CHECK(a.loss == GAN_BCE);                               /* pass 0 takes only --resume / --config */
    CHECK(train_config_argv(&a, 17, argv, 1) == 0);
    CHECK(train_config_resolve(&a) == 0);
    CHECK(a.loss == GAN_WGAN_GP && a.n_critic == 5 && a.lr == 1e-4f && a.betas[0] == 0 && a.betas[1] == 0.9f);
    CHECK(a.steps == 100);                                   /* 3200 images / 32 */
    char *js = train_config_to_json(&a);
    CHECK(strstr(js, "\"lr\":\t0.0001") != NULL);            /* shortest form that reads back exactly */
    train_config_defaults(&b);
    CHECK(train_config_json(&b, js, "x.json") == 0);
    CHECK(train_config_resolve(&b) == 0);
    CHECK(train_config_same_run(&a, &b, "c") == 0);
    CHECK(b.steps == a.steps && !strcmp(b.outdir, "/tmp/x") && b.ema == a.ema);
    free(js);
    b.lr = 2e-4f;
    CHECK(train_config_same_run(&a, &b, "ck.safetensors") == -1);
    CHECK(strstr(mg_error_get(), "--lr") && strstr(mg_error_get(), "ck.safetensors"));
}

TEST(config_errors_say_what_to_type) {
    TrainConfig c;
    train_config_defaults(&c);
    CHECK(train_config_json(&c, "{\"n_critic\": \"five\"}", "r.json") == -1);
    CHECK(strstr(mg_error_get(), "r.json") && strstr(mg_error_get(), "\"n_critic\": 5"));
    CHECK(train_config_json(&c, "{\"ncritic\": 5}", "r.json") == -1);
    CHECK(strstr(mg_error_get(), "unknown key \"ncritic\""));
    CHECK(train_config_json(&c, "{\"loss\": \"wgan\"}", "r.json") == -1);
    CHECK(strstr(mg_error_get(), "bce, wgan-gp, hinge, lsgan"));
    CHECK(train_config_json(&c, "{\"batch\": 2.5}", "r.json") == -1);
    CHECK(train_config_json(&c, "{\"betas\": [0.5]}", "r.json") == -1);
    CHECK(strstr(mg_error_get(), "[0.5,0.999]"));
    CHECK(train_config_json(&c, "[1,2]", "r.json") == -1);
    CHECK(train_config_json(&c, "{\"fresh_z\": false, \"betas\": [0, 0.9]}", "r.json") == 0);
    CHECK(c.fresh_z == 0 && c.betas[1] == 0.9f);
    CHECK(train_config_json(&c, "{\"resume\": \"x\"}", "r.json") == -1);   /* not a config key */
    train_config_defaults(&c);
    c.loss = GAN_WGAN_GP;
    c.d_batch = 1;
    CHECK(train_config_resolve(&c) == -1 && strstr(mg_error_get(), "--d-batch separate"));
    train_config_defaults(&c);
    c.loss = GAN_HINGE;
    c.label_smooth = 0.1f;
    CHECK(train_config_resolve(&c) == -1 && strstr(mg_error_get(), "--label-smooth 0"));
}

static float loss_of(GanLoss l, int d, float pr, float pf) {
    Tensor *r = tensor_full(TSHAPE(2, 1, 1, 1), pr), *f = tensor_full(TSHAPE(2, 1, 1, 1), pf);
    return tensor_item(d ? gan_d_loss(l, r, f, 0) : gan_g_loss(l, f));
}

TEST(losses_match_hand_values) {
    const float pr = 0.7f, pf = -0.4f;
    float sp = logf(1 + expf(-pr)), sf = logf(1 + expf(pf));   /* bce(pr,1), bce(pf,0) */
    CHECK_NEAR(loss_of(GAN_BCE, 1, pr, pf), (sp + sf) / 2, 1e-6);
    CHECK_NEAR(loss_of(GAN_BCE, 0, pr, pf), logf(1 + expf(-pf)), 1e-6);
    CHECK_NEAR(loss_of(GAN_WGAN_GP, 1, pr, pf), pf - pr, 1e-6);
    CHECK_NEAR(loss_of(GAN_WGAN_GP, 0, pr, pf), -pf, 1e-6);
    CHECK_NEAR(loss_of(GAN_HINGE, 1, pr, pf), (1 - pr) + (1 + pf), 1e-6);
    CHECK_NEAR(loss_of(GAN_HINGE, 1, 1.5f, -2.0f), 0, 1e-6);
    CHECK_NEAR(loss_of(GAN_HINGE, 0, pr, pf), -pf, 1e-6);
    CHECK_NEAR(loss_of(GAN_LSGAN, 1, pr, pf), ((pr - 1) * (pr - 1) + pf * pf) / 2, 1e-6);
    CHECK_NEAR(loss_of(GAN_LSGAN, 0, pr, pf), (pf - 1) * (pf - 1) / 2, 1e-6);
    /* label smoothing: target 0.9 for real */
    Tensor *r = tensor_full(TSHAPE(1, 1, 1, 1), pr), *f = tensor_full(TSHAPE(1, 1, 1, 1), pf);
    float want = (sf + (0.9f * sp + 0.1f * (pr + sp))) / 2;   /* bce(x, t) = softplus(x) - t x */
    CHECK_NEAR(tensor_item(gan_d_loss(GAN_BCE, r, f, 0.1f)), want, 1e-6);
    mg_step_reset();
}

TEST(batches_are_a_function_of_their_number) {
    float data[10 * 3];
    for (int i = 0; i < 30; i++) data[i] = (float)(i / 3);  /* image i is all i */
    Batches a, b;
    batches_init(&a, data, NULL, 10, 3, 4, 7);
    batches_init(&b, data, NULL, 10, 3, 4, 7);
    float first[12], again[12];
    memcpy(first, batches_get(&a, 5, NULL), sizeof first);          /* epoch 2 (2 batches per epoch) */
    batches_get(&b, 0, NULL);
    batches_get(&b, 3, NULL);
    memcpy(again, batches_get(&b, 5, NULL), sizeof again);
    CHECK(!memcmp(first, again, sizeof first));
    int seen[10] = {0};                                       /* an epoch draws distinct images */
    const float *x0 = batches_get(&a, 4, NULL);
    for (int i = 0; i < 4; i++) seen[(int)x0[i * 3]]++;
    const float *x1 = batches_get(&a, 5, NULL);
    for (int i = 0; i < 4; i++) seen[(int)x1[i * 3]]++;
    int most = 0;
    for (int i = 0; i < 10; i++) most = seen[i] > most ? seen[i] : most;
    CHECK(most == 1);
    batches_free(&a);
    batches_free(&b);
}

TEST(diversity_measures) {
    float x[4 * 2] = {1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_NEAR(diversity_pixel_var(x, 4, 2), 0, 1e-12);
    float y[4 * 2] = {-1, 0, 1, 0, -1, 2, 1, 2};              /* pixel 0: var 1; pixel 1: var 1 */
    CHECK_NEAR(diversity_pixel_var(y, 4, 2), 1, 1e-12);
    float ref[3 * 2] = {-1, 0, 1, 0, 0, 5};
    int labels[3] = {2, 7, 4}, hist[10], top;
    CHECK(diversity_nn_classes(y, 4, 2, ref, labels, 3, 10, hist, &top) == 2);   /* -> 2, 7, 2, 7 */
    CHECK(hist[2] == 2 && hist[7] == 2 && top == 2);
    CHECK(diversity_nn_classes(x, 4, 2, ref, labels, 3, 10, hist, &top) == 1 && top == 4);
}

TEST(run_logs_are_cut_back_on_resume) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/mg_test_runlog_%d", (int)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    CHECK(system(cmd) == 0);
    FILE *f = runlog_open(dir, "log.csv", "step,x", 0);
    CHECK(f != NULL);
    for (int s = 1; s <= 5; s++) fprintf(f, "%d,%d\n", s, s * s);
    fclose(f);
    f = runlog_open(dir, "log.csv", "step,x", 3);
    fprintf(f, "4,16\n");
    fclose(f);
    char path[128], text[256] = "";
    snprintf(path, sizeof path, "%s/log.csv", dir);
    f = fopen(path, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    CHECK_MSG(!strcmp(text, "step,x\n1,1\n2,4\n3,9\n4,16\n"), "got '%s'", text);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    CHECK(runlog_open("/nonexistent-dir", "log.csv", "h", 0) == NULL && strstr(mg_error_get(), "/nonexistent-dir/log.csv"));
}

/* the gradient penalty of a critic through the GanModel interface is differentiable: its gradient
 * w.r.t. D's weights is finite, non-zero, and moves the penalty as a first-order step predicts */
TEST(gradient_penalty_differentiates_again) {
    Rng init = rng_new(3);
    GanModel m;
    gan_dcgan_course_init(&m, 0, 0, 1, &init);
    mg_step_reset();
    Tensor *real = tensor_new(TSHAPE(4, 1, 28, 28)), *fake = tensor_new(TSHAPE(4, 1, 28, 28)), *eps = tensor_new(TSHAPE(4, 1, 1, 1));
    Rng r = rng_new(5);
    rng_uniform(&r, real->data, 4 * 784, -1, 1);
    rng_uniform(&r, fake->data, 4 * 784, -1, 1);
    rng_uniform(&r, eps->data, 4, 0, 1);
    params_zero_grad(m.d_ps);
    Tensor *gp = gan_gradient_penalty(&m, real, fake, eps);
    double before = tensor_item(gp);
    mg_backward(gp);
    double g2 = 0;
    for (size_t i = 0; i < m.d_ps->total; i++) g2 += (double)m.d_ps->grads[i] * m.d_ps->grads[i];
    CHECK(g2 > 0 && isfinite(g2));
    const double h = 1e-2 / g2;   /* a step decreasing the penalty by about 1e-2 */
    for (size_t i = 0; i < m.d_ps->total; i++) m.d_ps->values[i] -= (float)(h * m.d_ps->grads[i]);
    mg_step_reset();
    double after = tensor_item(gan_gradient_penalty(&m, real, fake, eps));
    CHECK_NEAR((before - after) / (h * g2), 1.0, 0.1);        /* first-order decrease h |g|^2 */
    mg_step_reset();
    gan_model_free(&m);
}

static float sn_u[6], sn_v[8];
static Tensor *f_sn(Tensor *const *in, void *ctx) { return mg_spectral_norm(in[0], sn_u, sn_v, 0); }

/* largest singular value of w [rows, cols] by 500 power iterations in double */
static double top_singular(const float *w, int rows, int cols) {
    double v[64], u[64], s = 0;
    for (int j = 0; j < cols; j++) v[j] = 1.0 + 0.1 * j;
    for (int it = 0; it < 500; it++) {
        s = 0;
        for (int i = 0; i < rows; i++) { u[i] = 0; for (int j = 0; j < cols; j++) u[i] += w[i * cols + j] * v[j]; s += u[i] * u[i]; }
        double nu = sqrt(s), t = 0;
        for (int j = 0; j < cols; j++) { v[j] = 0; for (int i = 0; i < rows; i++) v[j] += w[i * cols + j] * u[i] / nu; t += v[j] * v[j]; }
        for (int j = 0; j < cols; j++) v[j] /= sqrt(t);
    }
    return sqrt(s);
}

TEST(spectral_norm_normalises_and_differentiates) {
    static float wd[48];                                      /* a [6, 8] matrix, outside the arena */
    Rng r = rng_new(1);
    rng_uniform(&r, wd, 48, -1, 1);
    Tensor w_ = *tensor_wrap(TSHAPE(6, 2, 2, 2), wd), *w = &w_;
    w->requires_grad = 1;
    sn_init(sn_u, 6, sn_v, 8, &r);
    Tensor *wn = NULL;
    for (int i = 0; i < 60; i++) { mg_step_reset(); wn = mg_spectral_norm(w, sn_u, sn_v, 1); }
    CHECK(top_singular(w->data, 6, 8) > 1.2);
    CHECK_NEAR(top_singular(wn->data, 6, 8), 1.0, 1e-4);
    /* eval mode keeps u, v */
    float u0 = sn_u[0];
    mg_spectral_norm(w, sn_u, sn_v, 0);
    CHECK(sn_u[0] == u0);
    mg_step_reset();
    Tensor *in[1] = {w};
    (void)gc_input;
    CHECK(gradcheck("spectral_norm", f_sn, NULL, 1, in, 1e-2, 5e-3, 48));
    CHECK(gradcheck2("spectral_norm", f_sn, NULL, 1, in, 0, 1e-2, 1.5e-2, 24));
    mg_step_reset();
}

/* the standard DCGAN builds at 16..256, maps z to [N,C,R,R] and images to [N,1,1,1], trains D and G */
TEST(dcgan_shapes_and_gradients) {
    const int res[3] = {16, 32, 64}, norm[3] = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
        Rng init = rng_new(1);
        GanModel m;
        CHECK(gan_dcgan_init(&m, (DcganSpec){res[k], k == 1 ? 3 : 1, 8, 4, 4, norm[k], 0, 1}, &init) == 0);
        mg_step_reset();
        Tensor *z = tensor_zeros(TSHAPE(2, 8, 1, 1));
        Rng r = rng_new(2);
        rng_normal(&r, z->data, 16, 0, 1);
        Tensor *x = m.g_forward(&m, z, 1);
        CHECK(x->ndim == 4 && x->shape[0] == 2 && x->shape[1] == (k == 1 ? 3 : 1) && x->shape[2] == res[k] && x->shape[3] == res[k]);
        Tensor *y = m.d_forward(&m, x, 1);
        CHECK(y->shape[0] == 2 && y->shape[1] == 1 && y->shape[2] == 1 && y->shape[3] == 1);
        params_zero_grad(m.g_ps);
        params_zero_grad(m.d_ps);
        mg_backward(mg_mean_all(y));
        double gg = 0, gd = 0;
        for (size_t i = 0; i < m.g_ps->total; i++) gg += fabs(m.g_ps->grads[i]);
        for (size_t i = 0; i < m.d_ps->total; i++) gd += fabs(m.d_ps->grads[i]);
        CHECK(gg > 0 && gd > 0 && isfinite(gg) && isfinite(gd));
        mg_step_reset();
        gan_model_free(&m);
    }
    GanModel m;
    Rng init = rng_new(1);
    CHECK(gan_dcgan_init(&m, (DcganSpec){48, 1, 8, 4, 4, 0, 0, 1}, &init) == -1 && strstr(mg_error_get(), "--resolution 64"));
    CHECK(gan_dcgan_init(&m, (DcganSpec){512, 1, 8, 4, 4, 0, 0, 1}, &init) == -1);
    /* the paper's sizes at 64x64: 100 -> 512 -> 256 -> 128 -> 64 -> C and C -> 64 -> 128 -> 256 -> 512 -> 1 */
    CHECK(gan_dcgan_init(&m, (DcganSpec){64, 3, 100, 64, 64, 0, 0, 1}, &init) == 0);
    Param *p0 = params_find(m.g_ps, "0.weight"), *p4 = params_find(m.g_ps, "4.weight"), *d3 = params_find(m.d_ps, "3.weight");
    CHECK(p0 && p0->t.shape[0] == 100 && p0->t.shape[1] == 512);
    CHECK(p4 && p4->t.shape[0] == 64 && p4->t.shape[1] == 3);
    CHECK(d3 && d3->t.shape[0] == 512 && d3->t.shape[1] == 256);
    gan_model_free(&m);
}

/* conditional: the class changes G's image for the same z and D's score for the same image */
TEST(conditional_dcgan_uses_the_class) {
    Rng init = rng_new(4);
    GanModel m;
    CHECK(gan_dcgan_init(&m, (DcganSpec){16, 1, 6, 4, 4, 1, 3, 1}, &init) == 0);
    CHECK(m.n_classes == 3 && params_find(m.g_ps, "0.weight")->t.shape[0] == 9 && params_find(m.d_ps, "0.weight")->t.shape[1] == 4);
    mg_step_reset();
    Tensor *z = tensor_zeros(TSHAPE(2, 6, 1, 1));
    Rng r = rng_new(2);
    rng_normal(&r, z->data, 6, 0, 1);
    memcpy(z->data + 6, z->data, 6 * sizeof(float));          /* the same z twice */
    int la[2] = {0, 2}, same[2] = {1, 1};
    m.labels = la;
    Tensor *x = gan_g(&m, z, 0);                               /* eval mode: images independent of each other */
    double diff = 0;
    for (int i = 0; i < 256; i++) diff += fabs(x->data[i] - x->data[256 + i]);
    CHECK(diff > 1e-4);
    Tensor *x2 = tensor_new(TSHAPE(2, 1, 16, 16));
    memcpy(x2->data, x->data, 256 * sizeof(float));
    memcpy(x2->data + 256, x->data, 256 * sizeof(float));      /* the same image twice */
    Tensor *y = gan_d(&m, x2, 0);
    CHECK(fabs(y->data[0] - y->data[1]) > 1e-7);
    m.labels = same;
    y = gan_d(&m, x2, 0);
    CHECK(y->data[0] == y->data[1]);
    mg_step_reset();
    gan_model_free(&m);
}

TEST(latent_paths) {
    float a[3] = {1, 0, 0}, b[3] = {0, 2, 0}, c[3] = {0, 0, 3}, o[3];
    latent_lerp(a, b, 3, 0.25f, o);
    CHECK_NEAR(o[0], 0.75, 1e-6); CHECK_NEAR(o[1], 0.5, 1e-6);
    latent_slerp(a, b, 3, 0, o);
    CHECK_NEAR(o[0], 1, 1e-6); CHECK_NEAR(o[1], 0, 1e-6);
    latent_slerp(a, b, 3, 1, o);
    CHECK_NEAR(o[0], 0, 1e-6); CHECK_NEAR(o[1], 2, 1e-6);
    latent_slerp(a, b, 3, 0.5f, o);                           /* 45 degrees: sin(pi/4)/sin(pi/2) */
    CHECK_NEAR(o[0], sqrt(0.5), 1e-6); CHECK_NEAR(o[1], 2 * sqrt(0.5), 1e-6);
    latent_slerp(a, a, 3, 0.3f, o);                           /* parallel: lerp */
    CHECK_NEAR(o[0], 1, 1e-6);
    latent_plane(a, b, c, 3, 1, 0, o);
    CHECK(o[0] == 0 && o[1] == 2 && o[2] == 0);
    latent_plane(a, b, c, 3, 0.5f, 0.5f, o);
    CHECK_NEAR(o[0], 0, 1e-6); CHECK_NEAR(o[1], 1, 1e-6); CHECK_NEAR(o[2], 1.5, 1e-6);
}

static float vae_data[32 * 256];
static const float *vae_batch(void *ctx, long index, const int **labels) {
    (void)ctx;
    if (labels) *labels = NULL;
    return vae_data + (index % 4) * 8 * 256;                 /* 4 fixed batches of 8 */
}

/* the VAE step: loss = recon + beta kl with recon and kl as defined; the loss falls on a tiny data set */
TEST(vae_step_learns) {
    Rng init = rng_new(6), r = rng_new(7);
    for (int i = 0; i < 32; i++)                              /* images: two blobs of varying brightness */
        for (int p = 0; p < 256; p++) vae_data[i * 256 + p] = ((p / 16 < 8) == (i % 2) ? 0.8f : -0.8f) * (0.5f + i / 64.0f);
    GanModel m;
    CHECK(gan_dcgan_init(&m, (DcganSpec){16, 1, 4, 8, 8, 0, 0, 8}, &init) == 0);
    GanTrainer t;
    gan_trainer_init(&t, &m, GAN_BCE, 8);
    t.opt_g = t.opt_d = adam_default(2e-3f, 0.9f, 0.999f);
    VaeStepResult first = vae_train_step(&t, 0.5f, 0, vae_batch, NULL, &r), v = first;
    CHECK_NEAR(first.loss, first.recon + 0.5f * first.kl, 1e-4);
    CHECK(first.kl >= 0 && first.recon > 0);
    for (int s = 1; s < 60; s++) v = vae_train_step(&t, 0.5f, s, vae_batch, NULL, &r);
    CHECK_MSG(v.recon < 0.5f * first.recon, "recon %g -> %g", first.recon, v.recon);
    gan_trainer_free(&t);
    mg_step_reset();
    gan_model_free(&m);
}

int main(void) {
    RUN(config_argv_json_round_trip);
    RUN(config_errors_say_what_to_type);
    RUN(losses_match_hand_values);
    RUN(batches_are_a_function_of_their_number);
    RUN(diversity_measures);
    RUN(run_logs_are_cut_back_on_resume);
    RUN(gradient_penalty_differentiates_again);
    RUN(spectral_norm_normalises_and_differentiates);
    RUN(dcgan_shapes_and_gradients);
    RUN(conditional_dcgan_uses_the_class);
    RUN(latent_paths);
    RUN(vae_step_learns);
    return test_summary();
}
