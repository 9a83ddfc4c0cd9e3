/* Inception-v3 against torchvision (Debian's python3-torchvision): tools/make_inception_fixture.py builds
 * torchvision's inception_v3 with seeded random weights (batch-norm statistics made non-trivial), converts
 * its state_dict with tools/convert_inception.py and writes reference features into a temporary folder at
 * test time (~95 MB of weights: never committed).  Skipped, with a message, only when torchvision is absent.
 *
 * Tolerances, err = max|C - torch| / max|torch| over a tensor:
 *   the network on given [2,3,107,107] inputs (no resizing), both variants: pool features and logits 2e-4
 *     (measured 2.4e-5 and 1.6e-5);
 *   the whole pipeline of `morphogan metrics --features inception` on two 64x64 grey PNGs (read, replicated
 *     to RGB, bilinear resize to 299x299, normalisation, network), features from the --real-cache file:
 *     1e-3 (measured 8e-7).
 * The differences are float32 summation order, amplified by the random 94-layer network: the fixture
 * floors each batch norm's running variance at its mean over channels to keep that gain moderate (with
 * unfloored statistics from few samples, torch's own features moved by 1e-3 under 1e-6 input noise).  A
 * wrong layer, padding, pooling, resize rule, normalisation or channel handling gives errors of order 1. */
#include "cli_harness.h"
#include "models/inception_v3.h"
#include "torch_fixture.h"
#include <sys/stat.h>

static char fx[300];        /* the fixture folder, inside dir */

static int have_fixture(void) {
    char p[400];
    snprintf(p, sizeof p, "%s/expect.safetensors", fx);
    return access(p, R_OK) == 0;
}

TEST(network_matches_torchvision) {
    char p[400];
    InceptionV3 net;
    snprintf(p, sizeof p, "%s/inception.safetensors", fx);
    if (inception_load(&net, p)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    CHECK(net.n_conv == 94 && net.n_classes == 1000 && net.variant == INCEPTION_TORCHVISION);
    StFile f;
    snprintf(p, sizeof p, "%s/expect.safetensors", fx);
    if (st_open(p, &f)) { CHECK_MSG(0, "%s", mg_error_get()); inception_free(&net); return; }
    int old = mg_set_grad_enabled(0);
    Tensor *x = tf_get(&f, "small"), *feat, *lg;                  /* [2,3,107,107] */
    for (int v = 0; x && v < 2; v++) {
        net.variant = v ? INCEPTION_FID : INCEPTION_TORCHVISION;   /* same weights, pytorch-fid's pooling */
        lg = inception_forward(&net, x, &feat);
        tf_close(&f, v ? "fid_feat" : "feat", feat, 2e-4, 1e-6);
        tf_close(&f, v ? "fid_logit" : "logit", lg, 2e-4, 1e-6);
    }
    /* the variants differ (else the FID check above proves nothing) */
    Tensor *a = tf_get(&f, "feat"), *b = tf_get(&f, "fid_feat");
    CHECK(a && b && tf_err(a, b, 1e-6) > 1e-2);
    mg_set_grad_enabled(old);
    st_close(&f);
    inception_free(&net);
    mg_step_reset();
}

/* the CLI end to end: PNG folder -> features cached in --real-cache, compared with torchvision's */
TEST(metrics_command_features) {
    char args[2000], p[400];
    snprintf(args, sizeof args, "metrics --features inception --net %s/inception.safetensors --real %s/real --fake %s/real "
             "--real-cache %s/stats.safetensors --metric fid,is --is-splits 1 --threads 2", fx, fx, fx, dir);
    int rc = run(args);
    CHECK_MSG(rc == 0, "exit %d", rc);
    if (rc) return;
    int m;
    CHECK(count_lines("out.txt", "2048 features (Inception-v3 (torchvision))", &m) > 0 && m == 1);
    snprintf(p, sizeof p, "%s/out.txt", dir);
    FILE *o = fopen(p, "r");
    char line[256];
    double fid = 1e9;
    while (o && fgets(line, sizeof line, o))
        if (sscanf(line, "fid %lf", &fid) == 1) break;
    if (o) fclose(o);
    CHECK_MSG(fabs(fid) < 1e-3, "fid of a set with itself: %g", fid);
    snprintf(p, sizeof p, "%s/stats.safetensors", dir);
    StFile s, f;
    if (st_open(p, &s)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    snprintf(p, sizeof p, "%s/expect.safetensors", fx);
    if (st_open(p, &f)) { CHECK_MSG(0, "%s", mg_error_get()); st_close(&s); return; }
    tf_close(&f, "real_feat", tf_get(&s, "features"), 1e-3, 1e-6);
    st_close(&s);
    st_close(&f);
    mg_step_reset();
}

TEST(bad_weight_files) {
    char p[400];
    InceptionV3 net;
    snprintf(p, sizeof p, "%s/nope.safetensors", dir);
    CHECK(inception_load(&net, p) == -1 && strstr(mg_error_get(), "nope.safetensors"));
    /* a safetensors file that is not Inception-v3: the domain-network fixture of the metrics tests */
    CHECK(inception_load(&net, "fixtures/metrics.safetensors") == -1 && strstr(mg_error_get(), "fc.weight"));
    char args[1000];
    snprintf(args, sizeof args, "metrics --features inception --net fixtures/metrics.safetensors --real %s/real --fake %s/real", fx, fx);
    CHECK(run(args) == 1 && one_line_error_with("fixtures/metrics.safetensors"));
}

int main(void) {
    if (cli_begin("inception")) return 1;
    if (system("/usr/bin/python3 -c 'import torchvision' 2>/dev/null") != 0) {
        printf("  torchvision not installed (apt-get install python3-torchvision): Inception-v3 tests skipped\n");
        cli_end();
        return test_summary();
    }
    snprintf(fx, sizeof fx, "%s/fx", dir);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "OMP_WAIT_POLICY=passive FIXTURE_THREADS=2 /usr/bin/python3 tools/make_inception_fixture.py %s >%s/fixture.log 2>&1",
             fx, dir);
    if (system(cmd) != 0 || !have_fixture()) {
        snprintf(cmd, sizeof cmd, "cat %s/fixture.log", dir);
        if (system(cmd)) {}
        printf("FAIL tools/make_inception_fixture.py\n");
        cli_end();
        return 1;
    }
    RUN(network_matches_torchvision);
    RUN(metrics_command_features);
    RUN(bad_weight_files);
    cli_end();
    return test_summary();
}
