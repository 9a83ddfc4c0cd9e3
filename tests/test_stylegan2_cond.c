/* The conditional StyleGAN2 (label embedding in the mapping, projection discriminator): against the
 * PyTorch implementation (fixtures/sg2_cond.safetensors from tools/make_sg2_fixtures.py: mapping, D
 * logits, R1 and its D-parameter gradients, d sum(w) / d mapping parameters), finite differences of
 * first and second order through the conditional D and mapping, the classes really change w and
 * D's output, and `morphogan train --cfg stylegan2 --cond 1` trains, resumes exactly and generates
 * by class. */
#include "test.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "sg2_fixture.h"
#include "cli_harness.h"
#include "core/error.h"
#include "io/safetensors.h"
#include "train/model_stylegan2.h"
#include "train/sg2_sample.h"
#include <string.h>

static const Sg2Spec tiny_c = {32, 1, 8, 8, 2, 64, 8, 4, 3, 0};

static int open_model(StFile *f, GanModel *m) {
    if (sg2fx_open("sg2_cond.safetensors", tiny_c, f, m)) return -1;
    CHECK(params_find(m->g_ps, "map.embed.weight") && params_find(m->d_ps, "D.map.fc1.weight"));
    return 0;
}

TEST(conditional_networks_match_pytorch) {
    StFile f;
    GanModel m;
    if (open_model(&f, &m)) return;
    Sg2 *g = gan_stylegan2_net(&m);
    CHECK(m.n_classes == 3);
    mg_step_reset();
    double e;
    Tensor *w = sg2_mapping(g, tf_get(&f, "z"), tf_get(&f, "c"), 1.0f);
    CHECK_MSG((e = rel(w, tf_get(&f, "w"))) < 1e-4, "mapping: %.3g", e);
    params_zero_grad(m.g_ps);
    mg_backward(mg_sum_all(w));
    printf("   mapping parameter gradients: worst relative error %.2e\n", sg2fx_grads_vs(&f, m.g_ps, "wsum.grad.", "map."));
    mg_step_reset();
    CHECK_MSG((e = rel(sg2_discriminator(g, tf_get(&f, "real"), tf_get(&f, "c_real")), tf_get(&f, "logits"))) < 1e-4, "discriminator: %.3g", e);
    printf("   conditional R1 parameter gradients: worst relative error %.2e\n", sg2fx_check_r1(&f, &m, "c_real"));
    gan_model_free(&m);
    st_close(&f);
}

typedef struct { GanModel m; Sg2 *g; Tensor *c; } Tiny;

static Tensor *f_disc(Tensor *const *in, void *ctx) { return sg2_discriminator(((Tiny *)ctx)->g, in[0], ((Tiny *)ctx)->c); }
static Tensor *f_map(Tensor *const *in, void *ctx) { return sg2_mapping(((Tiny *)ctx)->g, in[0], ((Tiny *)ctx)->c, 1.0f); }

static void tiny_model(Tiny *t) {
    Rng init = rng_new(12);
    MG_CHECK(!gan_stylegan2_init(&t->m, tiny_c, &init), "tiny model");
    t->g = gan_stylegan2_net(&t->m);
    t->c = sg2_onehot(t->g, 2, (const int[]){2, 0});
}

/* R1 of the projection D differentiated w.r.t. its label mapping and head, against finite differences */
TEST(conditional_d_and_mapping_first_and_second_order) {
    Tiny t;
    tiny_model(&t);
    mg_step_reset();
    t.c = sg2_onehot(t.g, 2, (const int[]){2, 0});
    Tensor *in[4] = {gc_input(TSHAPE(2, 1, 32, 32), 9, -1, 1), &params_find(t.m.d_ps, "D.map.embed.weight")->t,
                     &params_find(t.m.d_ps, "D.map.fc0.weight")->t, &params_find(t.m.d_ps, "D.b4.out.weight")->t};
    CHECK(gradcheck("conditional D", f_disc, &t, 4, in, 2e-3, 5e-3, 16));
    CHECK(gradcheck2("conditional R1", f_disc, &t, 4, in, 0, 2e-3, 1.5e-2, 12));
    Tensor *mi[3] = {gc_input(TSHAPE(2, 8), 10, -1, 1), &params_find(t.m.g_ps, "map.embed.weight")->t,
                     &params_find(t.m.g_ps, "map.fc0.weight")->t};
    CHECK(gradcheck("conditional mapping", f_map, &t, 3, mi, 2e-3, 5e-3, 16));
    CHECK(gradcheck2("conditional mapping, second order", f_map, &t, 3, mi, 0, 2e-3, 1.5e-2, 12));
    gan_model_free(&t.m);
}

/* the class changes w and the logit; the same class gives the same w; wrong class inputs are refused */
TEST(classes_matter_and_bad_classes_are_refused) {
    Tiny t;
    tiny_model(&t);
    mg_step_reset();
    float z[2 * 8];
    Rng r = rng_new(4);
    rng_normal(&r, z, 8, 0, 1);
    memcpy(z + 8, z, 8 * sizeof(float));                        /* the same z twice */
    Tensor *zt = tensor_from(TSHAPE(2, 8), z);
    Tensor *w_diff = sg2_mapping(t.g, zt, sg2_onehot(t.g, 2, (const int[]){0, 1}), 1.0f);
    Tensor *w_same = sg2_mapping(t.g, zt, sg2_onehot(t.g, 2, (const int[]){1, 1}), 1.0f);
    CHECK(memcmp(w_diff->data, w_diff->data + 8, 8 * sizeof(float)) != 0);
    CHECK(memcmp(w_same->data, w_same->data + 8, 8 * sizeof(float)) == 0);
    Tensor *img = tensor_zeros(TSHAPE(2, 1, 32, 32));
    for (int i = 0; i < 32 * 32; i++) img->data[i] = img->data[32 * 32 + i] = (float)(i % 7) / 7.0f - 0.5f;
    Tensor *l = sg2_discriminator(t.g, img, sg2_onehot(t.g, 2, (const int[]){0, 2}));
    CHECK(l->shape[0] == 2 && l->shape[1] == 1 && l->data[0] != l->data[1]);
    Tensor *oh = sg2_onehot(t.g, 4, NULL);                       /* class i mod K */
    CHECK(oh->data[0 * 3 + 0] == 1 && oh->data[1 * 3 + 1] == 1 && oh->data[2 * 3 + 2] == 1 && oh->data[3 * 3 + 0] == 1);
    gan_model_free(&t.m);
    Sg2Spec bad = tiny_c;
    bad.c_dim = -1;
    GanModel m;
    Rng init = rng_new(1);
    CHECK(gan_stylegan2_init(&m, bad, &init) == -1 && strstr(mg_error_get(), "classes"));
}

static int out_has(const char *name, const char *needle) {
    int m;
    count_lines(name, needle, &m);
    return m > 0;
}

#define DATA "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
#define LABELS "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
#define OPTS "--data " DATA " --labels " LABELS " --max-images 128 --batch 8 --seed 3 --threads 2 --cfg stylegan2 --cond 1 " \
             "--resolution 32 --z-dim 8 --map-layers 2 --ch-base 64 --ch-max 8 --snap 3 --augment fixed --augment-p 0.2"

/* train --cond 1: N steps = N/2 + resume + N/2 (R1 and path length at step 0, mixing, the drawn
 * classes); generate reproduces the grid (class = seed mod 10), --class K fixes the class */
TEST(conditional_run_trains_resumes_and_generates) {
    char a[2048], cmd[2400];
    snprintf(a, sizeof a, "train " OPTS " --steps 6 --outdir %s/c", dir);
    CHECK(run(a) == 0);
    CHECK(out_has("c/config.json", "\"n_classes\":\t10"));
    snprintf(a, sizeof a, "train " OPTS " --steps 3 --outdir %s/c2", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train --resume %s/c2/checkpoint.safetensors --steps 6 --threads 2", dir);
    CHECK(run(a) == 0);
    snprintf(cmd, sizeof cmd, "cut -d, -f1-7 %s/c/log.csv > %s/la && cut -d, -f1-7 %s/c2/log.csv > %s/lb && cmp -s %s/la %s/lb && "
             "cmp -s %s/c/samples_000006.png %s/c2/samples_000006.png", dir, dir, dir, dir, dir, dir, dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(a, sizeof a, "generate --ckpt %s/c/checkpoint.safetensors --out %s/again.png --grid 8", dir, dir);
    CHECK(run(a) == 0);
    snprintf(cmd, sizeof cmd, "cmp -s %s/c/samples_000006.png %s/again.png", dir, dir);
    CHECK(system(cmd) == 0);
    /* seed 13 is class 3 by default: --class 3 gives the same image, --class 4 another */
    snprintf(a, sizeof a, "generate --ckpt %s/c/checkpoint.safetensors --out %s/d --seeds 13", dir, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "generate --ckpt %s/c/checkpoint.safetensors --out %s/k3 --seeds 13 --class 3", dir, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "generate --ckpt %s/c/checkpoint.safetensors --out %s/k4 --seeds 13 --class 4", dir, dir);
    CHECK(run(a) == 0);
    snprintf(cmd, sizeof cmd, "cmp -s %s/d/seed0013.png %s/k3/seed0013.png", dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "cmp -s %s/d/seed0013.png %s/k4/seed0013.png", dir, dir);
    CHECK(system(cmd) != 0);
    snprintf(a, sizeof a, "style-mix --ckpt %s/c/checkpoint.safetensors --out %s/mix.png --cols 0-1 --rows 2 --class 5", dir, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "style-mix --ckpt %s/c/checkpoint.safetensors --out %s/mix.png --class 10", dir, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("classes 0 to 9"));
    snprintf(a, sizeof a, "generate --ckpt %s/c/checkpoint.safetensors --out %s/t.png --grid 2 --seeds 0-3 --trunc 0.7 --save-codes %s/codes",
             dir, dir, dir);
    CHECK(run(a) == 0);
}

int main(void) {
    RUN(conditional_networks_match_pytorch);
    RUN(conditional_d_and_mapping_first_and_second_order);
    RUN(classes_matter_and_bad_classes_are_refused);
    if (cli_begin("sg2_cond")) return 1;
    if (access(DATA, R_OK) == 0) RUN(conditional_run_trains_resumes_and_generates);
    else printf("%s missing: run tools/install-deps.sh\n", DATA);
    cli_end();
    return test_summary();
}
