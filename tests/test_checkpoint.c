/* Checkpoints: save/load restores values, Adam moments and hyperparameters, EMA, counters and
 * the RNG exactly; mismatched models and damaged metadata fail with one-line messages. */
#include "core/error.h"
#include "core/rng.h"
#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "test.h"
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mg_ck_XXXXXX";
static char path_full[300], path_bare[300];

static int msg_has(const char *s) { return strstr(mg_error_get(), s) != NULL; }

/* G: a small generator-like store; `variant` changes one thing to make a mismatch. */
static ParamStore *make_g(int variant) {
    ParamStore *ps = params_new();
    params_add(ps, "fc1.weight", TSHAPE(8, 4));
    params_add(ps, "fc1.bias", TSHAPE(variant == 1 ? 9 : 8));
    if (variant != 2) params_add(ps, "conv.w", TSHAPE(2, 1, 3, 3));
    if (variant == 3) params_add(ps, "fc2.weight", TSHAPE(3, 3));
    if (variant == 4) params_add(ps, "fc1.weight2", TSHAPE(1));
    params_finalize(ps);
    return ps;
}

static ParamStore *make_d(void) {
    ParamStore *ps = params_new();
    params_add(ps, "x.w", TSHAPE(4, 4));
    params_add(ps, "x.b", TSHAPE(4));
    params_finalize(ps);
    return ps;
}

/* fake training: random values, a few Adam steps with random grads, EMA updates */
static void train(ParamStore *ps, Adam *a, Ema *e, Rng *r, int steps) {
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < ps->n; i++) rng_normal(r, ps->p[i]->t.grad, tensor_numel(&ps->p[i]->t), 0, 1);
        adam_step(a, ps);
        if (e) ema_update(e, ps);
    }
}

static int same_section(const ParamStore *a, const float *sa, const ParamStore *b, const float *sb) {
    for (int i = 0; i < a->n; i++)
        if (memcmp(sa + a->p[i]->offset, sb + b->p[i]->offset, tensor_numel(&a->p[i]->t) * sizeof(float))) return 0;
    return 1;
}

static int same_adam(const Adam *a, const Adam *b) {
    return a->lr == b->lr && a->beta1 == b->beta1 && a->beta2 == b->beta2 && a->eps == b->eps &&
           a->weight_decay == b->weight_decay && a->step == b->step;
}

static const char *ARCH = "{\"G\": {\"z\": 4, \"layers\": [8, 4]}, \"D\": {\"width\": 4}}";

TEST(save_load_exact) {
    Rng r = rng_new(42);
    ParamStore *g = make_g(0), *d = make_d();
    for (int i = 0; i < g->n; i++) rng_normal(&r, g->p[i]->t.data, tensor_numel(&g->p[i]->t), 0, 0.5f);
    for (int i = 0; i < d->n; i++) rng_normal(&r, d->p[i]->t.data, tensor_numel(&d->p[i]->t), 0, 0.5f);
    Adam ag = adam_default(2e-4f, 0.5f, 0.999f), ad = adam_default(1e-4f, 0.0f, 0.9f);
    ad.weight_decay = 1e-5f;
    ad.eps = 3e-7f;
    Ema eg = ema_new(g, 0.999f);
    train(g, &ag, &eg, &r, 3);
    train(d, &ad, NULL, &r, 5);
    Checkpoint c = {.nparts = 2, .part = {{"G.", g, &ag, &eg}, {"D.", d, &ad, NULL}}, .rng = &r,
                    .step = 1234, .epoch = 7, .arch = ARCH};
    CHECK_MSG(ckpt_save(path_full, &c) == 0, "%s", mg_error_get());

    ParamStore *g2 = make_g(0), *d2 = make_d();
    Adam ag2 = adam_default(1, 0, 0), ad2 = adam_default(1, 0, 0);
    Ema eg2 = ema_new(g2, 0.5f);
    Rng r2 = rng_new(0);
    Checkpoint c2 = {.nparts = 2, .part = {{"G.", g2, &ag2, &eg2}, {"D.", d2, &ad2, NULL}}, .rng = &r2};
    CHECK_MSG(ckpt_load(path_full, &c2) == 0, "%s", mg_error_get());
    CHECK(same_section(g, g->values, g2, g2->values) && same_section(d, d->values, d2, d2->values));
    CHECK(same_section(g, g->m, g2, g2->m) && same_section(g, g->v, g2, g2->v));
    CHECK(same_section(d, d->m, d2, d2->m) && same_section(d, d->v, d2, d2->v));
    CHECK(same_section(g, eg.shadow, g2, eg2.shadow) && eg2.decay == eg.decay);
    CHECK(same_adam(&ag, &ag2) && same_adam(&ad, &ad2));
    CHECK(ag2.step == 3 && ad2.step == 5 && ad2.eps == 3e-7f && ad2.weight_decay == 1e-5f);
    CHECK(c2.step == 1234 && c2.epoch == 7 && r2.seed == r.seed && r2.counter == r.counter);


    char *arch = ckpt_read_arch(path_full);
    CHECK(arch && !strcmp(arch, ARCH));
    free(arch);

    /* optional state may be left out on load (inference) */
    ParamStore *g3 = make_g(0);
    Checkpoint c3 = {.nparts = 1, .part = {{"G.", g3, NULL, NULL}}};
    CHECK_MSG(ckpt_load(path_full, &c3) == 0, "%s", mg_error_get());
    CHECK(same_section(g2, g2->values, g3, g3->values));
    params_free(g3);

    /* training continues identically from the restored state */
    Rng ra = r, rb = r2;
    train(g, &ag, &eg, &ra, 2);
    train(g2, &ag2, &eg2, &rb, 2);
    CHECK(same_section(g, g->values, g2, g2->values) && same_section(g, eg.shadow, g2, eg2.shadow));

    /* and a checkpoint without optimizer state, EMA or RNG */
    Checkpoint cb = {.nparts = 1, .part = {{"G.", g, NULL, NULL}}, .step = 5};
    CHECK(ckpt_save(path_bare, &cb) == 0);
    ema_free(&eg);
    ema_free(&eg2);
    params_free(g);
    params_free(d);
    params_free(g2);
    params_free(d2);
}

/* load into a G store (and maybe Adam) that must fail with all the given message parts */
static void expect_fail(const char *path, int variant, int with_adam, const char *p1, const char *p2, const char *p3) {
    ParamStore *g = make_g(variant);
    Adam a = adam_default(0.123f, 0, 0);
    Checkpoint c = {.nparts = 1, .part = {{"G.", g, with_adam ? &a : NULL, NULL}}, .step = -1};
    int rc = ckpt_load(path, &c);
    CHECK_MSG(rc == -1, "variant %d loaded", variant);
    CHECK_MSG(msg_has(path) && msg_has(p1) && msg_has(p2) && msg_has(p3) && !strchr(mg_error_get(), '\n'),
              "message: %s", mg_error_get());
    /* nothing was overwritten */
    int zero = 1;
    for (size_t i = 0; i < 4 * g->total; i++) zero &= g->mem[i] == 0;
    CHECK(zero && c.step == -1 && a.lr == 0.123f);
    params_free(g);
}

TEST(mismatches) {
    expect_fail(path_full, 1, 1, "'G.fc1.bias'", "expected shape [9]", "found [8]");
    expect_fail(path_full, 3, 1, "'G.fc2.weight' missing", "[3,3]", "");
    expect_fail(path_full, 2, 1, "G.conv.w", "not a parameter", "");
    expect_fail(path_full, 4, 0, "G.fc1.weight2", "missing", "");
    expect_fail(path_bare, 0, 1, "G.fc1.weight.adam_m", "missing", "");
    /* D is not in the bare checkpoint */
    ParamStore *d = make_d();
    Checkpoint c = {.nparts = 1, .part = {{"D.", d, NULL, NULL}}};
    CHECK(ckpt_load(path_bare, &c) == -1 && msg_has("'D.x.w' missing"));
    /* nor is an RNG state */
    Rng r = rng_new(3);
    ParamStore *g = make_g(0);
    Checkpoint c2 = {.nparts = 1, .part = {{"G.", g, NULL, NULL}}, .rng = &r};
    CHECK(ckpt_load(path_bare, &c2) == -1 && msg_has("rng.seed") && r.seed == 3);
    params_free(g);
    params_free(d);
    /* a truncated checkpoint */
    char cut[320];
    snprintf(cut, sizeof cut, "%s/cut.safetensors", tmpdir);
    FILE *in = fopen(path_full, "rb"), *out = fopen(cut, "wb");
    char buf[600];
    size_t got = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, got, out);
    fclose(in);
    fclose(out);
    expect_fail(cut, 0, 1, "", "", "");
    CHECK(ckpt_read_arch(cut) == NULL && msg_has(cut));
    char *a = ckpt_read_arch(path_bare);
    CHECK(a && !strcmp(a, "{}"));
    free(a);
}

TEST(bad_metadata) {
    char path[320];
    snprintf(path, sizeof path, "%s/meta.safetensors", tmpdir);
    float x[32] = {0};
    struct { const char *key, *val, *msg; } cases[] = {
        {"format", "something-else", "not a morphogan checkpoint"},
        {"step", "12abc", "'step'"},
        {"epoch", "-1", "'epoch'"},
        {"rng.counter", "99999999999999999999999", "'rng.counter'"},
        {"rng.seed", "-5", "'rng.seed'"},
        {"G.adam.lr", "fast", "'G.adam.lr'"},
        {"G.adam.step", "", "'G.adam.step'"},
        {"G.ema.decay", "0.9x", "'G.ema.decay'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        StWriter w;
        st_writer_init(&w);
        const char *keys[] = {"format", "step", "epoch", "rng.seed", "rng.counter", "G.adam.lr", "G.adam.beta1",
                              "G.adam.beta2", "G.adam.eps", "G.adam.weight_decay", "G.adam.step", "G.ema.decay"};
        const char *vals[] = {CKPT_FORMAT, "1", "0", "1", "2", "0.1", "0.5", "0.9", "1e-8", "0", "3", "0.99"};
        for (int i = 0; i < 12; i++) st_writer_meta(&w, keys[i], vals[i]);
        st_writer_meta(&w, cases[k].key, cases[k].val);
        st_writer_add(&w, "G.p", 1, (int[]){4}, x);
        st_writer_add(&w, "G.p.adam_m", 1, (int[]){4}, x);
        st_writer_add(&w, "G.p.adam_v", 1, (int[]){4}, x);
        st_writer_add(&w, "G.p.ema", 1, (int[]){4}, x);
        CHECK(st_write(&w, path) == 0);
        st_writer_free(&w);
        ParamStore *g = params_new();
        params_add(g, "p", TSHAPE(4));
        params_finalize(g);
        Adam a = adam_default(1, 0, 0);
        Ema e = ema_new(g, 0.5f);
        Rng r = rng_new(0);
        Checkpoint c = {.nparts = 1, .part = {{"G.", g, &a, &e}}, .rng = &r};
        CHECK_MSG(ckpt_load(path, &c) == -1 && msg_has(path) && msg_has(cases[k].msg),
                  "%s=%s: %s", cases[k].key, cases[k].val, mg_error_get());
        ema_free(&e);
        params_free(g);
    }
    CHECK(ckpt_read_arch("fixtures/tiny.safetensors") == NULL && msg_has("not a morphogan checkpoint"));
    ParamStore *g = make_g(0);
    Checkpoint c = {.nparts = 1, .part = {{"G.", g, NULL, NULL}}};
    CHECK(ckpt_load("/nonexistent/ck.safetensors", &c) == -1 && msg_has("/nonexistent/ck.safetensors"));
    params_free(g);
}

/* tools/read_checkpoint.py reads the same values with numpy (skipped without /usr/bin/python3) */
TEST(python_reader) {
    if (access("/usr/bin/python3", X_OK)) { printf("     python3 not found: skipped\n"); return; }
    ParamStore *g = make_g(0);
    Checkpoint c = {.nparts = 1, .part = {{"G.", g, NULL, NULL}}};
    if (ckpt_load(path_full, &c)) { CHECK_MSG(0, "%s", mg_error_get()); params_free(g); return; }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tools/read_checkpoint.py %s --tensor G.fc1.bias 2>&1", path_full);
    FILE *p = popen(cmd, "r");
    char line[4096] = "";
    if (!fgets(line, sizeof line, p)) line[0] = 0;
    int st = pclose(p);
    if (st != 0 && strstr(line, "No module named 'numpy'")) { printf("     numpy missing: skipped\n"); params_free(g); return; }
    CHECK_MSG(st == 0, "read_checkpoint.py failed: %s", line);
    const float *b = params_find(g, "fc1.bias")->t.data;
    char *s = line, *end;
    int n = 0;
    for (float v = strtof(s, &end); end != s; s = end, v = strtof(s, &end), n++) CHECK(n < 8 && v == b[n]);
    CHECK(n == 8);
    params_free(g);
}

int main(void) {
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    snprintf(path_full, sizeof path_full, "%s/full.safetensors", tmpdir);
    snprintf(path_bare, sizeof path_bare, "%s/bare.safetensors", tmpdir);
    RUN(save_load_exact);
    RUN(mismatches);
    RUN(bad_metadata);
    RUN(python_reader);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) { /* best effort */ }
    return test_summary();
}
