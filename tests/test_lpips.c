/* LPIPS-VGG (models/lpips_vgg.h) against a PyTorch reference: tools/make_lpips_fixture.py builds torchvision's
 * VGG-16 with seeded random weights and random LPIPS linear layers, converts them with tools/convert_lpips.py
 * and writes the lpips package's forward pass (written out in the script) on 32x32 inputs into a temporary
 * folder at test time (~59 MB of weights: never committed).  Skipped, with a message, only when torchvision
 * is absent.  Checks:
 *   - the five feature maps of grey inputs (relu1_2 .. relu5_3): err 2e-4 (max |C - torch| / max |torch|);
 *   - the distance per image, grey and RGB: relative 1e-3 (our channel normalisation adds 1e-6 inside the
 *     square root where lpips adds 1e-10 outside it);
 *   - its gradient w.r.t. the image along a random direction against a central difference;
 *   - bad weight files, and `project`, `train-encoder` and `encode --hybrid-steps` with --lpips end to end on a
 *     tiny generator (and a one-line error for a missing weight file). */
#include "cli_harness.h"
#include "inversion/perc_net.h"
#include "inversion/perceptual.h"
#include "torch_fixture.h"

static char fx[300];
static LpipsVgg net;
static int loaded;

static Tensor *lpips_dist(Tensor *a, Tensor *b) {       /* [N] distances of a to b, b as constants */
    PercNet pn = {.vgg = &net};
    Tensor *f[LPIPS_N_FEAT], *u[LPIPS_N_FEAT];
    int old = mg_set_grad_enabled(0);
    perc_net_features(&pn, b, f);
    for (int l = 0; l < LPIPS_N_FEAT; l++) u[l] = perc_unit(f[l]);
    mg_set_grad_enabled(old);
    perc_net_features(&pn, a, f);
    return perc_net_distance(&pn, f, u);
}

TEST(features_and_distance_match_torch) {
    char p[400];
    snprintf(p, sizeof p, "%s/lpips.safetensors", fx);
    if (lpips_load(&net, p)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    loaded = 1;
    StFile f;
    snprintf(p, sizeof p, "%s/expect.safetensors", fx);
    if (st_open(p, &f)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    int old = mg_set_grad_enabled(0);
    Tensor *x0 = tf_get(&f, "x0"), *x1 = tf_get(&f, "x1"), *feat[LPIPS_N_FEAT];
    if (x0 && x1) {
        lpips_features(&net, x0, feat);
        char name[16];
        for (int l = 0; l < LPIPS_N_FEAT; l++) {
            snprintf(name, sizeof name, "feat%d", l);
            tf_close(&f, name, feat[l], 2e-4, 1e-6);
        }
        tf_close(&f, "dist", lpips_dist(x0, x1), 1e-3, 1e-6);
        Tensor *same = lpips_dist(x0, x0);
        CHECK_MSG(fabs(same->data[0]) < 1e-6 && fabs(same->data[1]) < 1e-6, "LPIPS(x, x) = %g", same->data[0]);
    }
    Tensor *r0 = tf_get(&f, "rgb0"), *r1 = tf_get(&f, "rgb1");
    if (r0 && r1) tf_close(&f, "dist_rgb", lpips_dist(r0, r1), 1e-3, 1e-6);
    mg_set_grad_enabled(old);
    st_close(&f);
    mg_step_reset();
}

TEST(gradient_along_a_direction) {
    if (!loaded) { CHECK_MSG(0, "weights not loaded"); return; }
    Rng r = rng_new(5);
    Tensor *x = tensor_new(TSHAPE(1, 1, 32, 32)), *y = tensor_new(TSHAPE(1, 1, 32, 32)), *v = tensor_new(TSHAPE(1, 1, 32, 32));
    rng_uniform(&r, x->data, 32 * 32, -0.8f, 0.8f);
    rng_uniform(&r, y->data, 32 * 32, -0.8f, 0.8f);
    x->requires_grad = 1;
    Tensor *d = lpips_dist(x, y), *gx;
    mg_grad(1, &d, NULL, 1, &x, &gx, 0);
    x->requires_grad = 0;
    /* direction: the gradient itself, scaled to max |v| = 1 (the largest change of the distance: a random
     * direction changes it too little for a float32 central difference) */
    double gmax = 0, analytic = 0;
    for (int i = 0; i < 32 * 32; i++) gmax = fmax(gmax, fabs(gx->data[i]));
    for (int i = 0; i < 32 * 32; i++) { v->data[i] = (float)(gx->data[i] / gmax); analytic += (double)gx->data[i] * v->data[i]; }
    const double eps = 1e-2;
    int old = mg_set_grad_enabled(0);
    Tensor *a = tensor_new(TSHAPE(1, 1, 32, 32)), *b = tensor_new(TSHAPE(1, 1, 32, 32));
    for (int i = 0; i < 32 * 32; i++) { a->data[i] = x->data[i] + (float)eps * v->data[i]; b->data[i] = x->data[i] - (float)eps * v->data[i]; }
    double numeric = (lpips_dist(a, y)->data[0] - lpips_dist(b, y)->data[0]) / (2 * eps);
    mg_set_grad_enabled(old);
    CHECK_MSG(fabs(analytic - numeric) <= 0.02 * fabs(numeric) + 1e-5, "directional derivative %g, central difference %g", analytic, numeric);
    mg_step_reset();
}

TEST(bad_weight_files) {
    char p[400];
    LpipsVgg bad;
    snprintf(p, sizeof p, "%s/nope.safetensors", dir);
    CHECK(lpips_load(&bad, p) == -1 && strstr(mg_error_get(), "nope.safetensors"));
    CHECK(lpips_load(&bad, "fixtures/metrics.safetensors") == -1 && strstr(mg_error_get(), "features.0.weight"));
}

TEST(commands_with_lpips) {
    char a[1600];
    snprintf(a, sizeof a, "train --cfg stylegan2 --data /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --max-images 32 "
             "--resolution 32 --z-dim 8 --map-layers 2 --ch-base 64 --ch-max 8 --batch 8 --steps 2 --outdir %s/sg2", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "dataset --data /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --limit 2 --size 32 --out %s/img", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/img --outdir %s/proj --steps 4 --gif 0 "
             "--lpips %s/lpips.safetensors --quiet", dir, dir, dir, fx);
    int rc = run(a), m;
    CHECK_MSG(rc == 0, "project --lpips exit %d", rc);
    CHECK(count_lines("proj/errors.csv", NULL, &m) == 3);
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/img --outdir %s/proj --steps 4 "
             "--lpips %s/none.safetensors", dir, dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("none.safetensors"));
    /* the encoder's loss and the hybrid's projector on LPIPS-VGG */
    snprintf(a, sizeof a, "train-encoder --ckpt %s/sg2/checkpoint.safetensors --data %s/img --outdir %s/enc --steps 2 --batch 2 "
             "--lpips %s/lpips.safetensors --quiet", dir, dir, dir, fx);
    rc = run(a);
    CHECK_MSG(rc == 0, "train-encoder --lpips exit %d", rc);
    snprintf(a, sizeof a, "encode --enc %s/enc/encoder.safetensors --data %s/img --outdir %s/codes --hybrid-steps 2 "
             "--lpips %s/lpips.safetensors --generated 0 --quiet", dir, dir, dir, fx);
    rc = run(a);
    CHECK_MSG(rc == 0, "encode --hybrid-steps --lpips exit %d", rc);
}

int main(void) {
    if (cli_begin("lpips")) return 1;
    if (system("/usr/bin/python3 -c 'import torchvision' 2>/dev/null") != 0) {
        printf("  torchvision not installed (apt-get install python3-torchvision): LPIPS-VGG tests skipped\n");
        cli_end();
        return test_summary();
    }
    snprintf(fx, sizeof fx, "%s/fx", dir);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=2 /usr/bin/python3 tools/make_lpips_fixture.py %s >%s/fixture.log 2>&1", fx, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat %s/fixture.log", dir);
        if (system(cmd)) {}
        printf("FAIL tools/make_lpips_fixture.py\n");
        cli_end();
        return 1;
    }
    RUN(features_and_distance_match_torch);
    RUN(gradient_along_a_direction);
    RUN(bad_weight_files);
    RUN(commands_with_lpips);
    if (loaded) lpips_free(&net);
    cli_end();
    return test_summary();
}
