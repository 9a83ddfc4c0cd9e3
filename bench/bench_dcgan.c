/* Trains the course DCGAN (models/dcgan_course.h) on Fashion-MNIST and reports speed and memory,
 * the same run as bench/torch_dcgan.py (the PyTorch peer): one step = one D update + one G update.
 *
 *   build/bench/bench_dcgan [--loss bce|wgan-gp] [--steps 40] [--warmup 5] [--batch 128] [--threads 2]
 *                           [--data PATH.gz] [--no-sgemm]
 *   MORPHOGAN_PROFILE=1 adds the time of each phase of the step; MORPHOGAN_PROFILE=2 also times every
 *   convolution of the model alone (forward, and backward for dx and dw) at the bench's batch size.
 *
 * Prints one "RESULT key=value ..." line (parsed by bench/run.sh) after the human-readable lines.
 * Model FLOPs of one step, counted analytically with F = 2 * B * MACs of one forward pass:
 *   BCE:     3 F_G + 8 F_D   (G fwd, G bwd = dW + dx; D step: 2 fwd + 2 bwd of 2 each; G step: D fwd + dx)
 *   WGAN-GP: 3 F_G + 12 F_D  (D step adds D(mix) fwd, its input gradient, and the double backward, 2 F_D)
 * The fraction reported is (FLOPs/step * steps/s) / (sgemm GFLOP/s on 2048^2 with the same threads),
 * sgemm measured after the training loop so that its 48 MB do not count in the peak RSS. */
#include "models/dcgan_course.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/idx.h"
#include <cblas.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static double peak_rss_mb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;          /* Linux: kilobytes */
}

static double sgemm_gflops(int n) {
    float *a = mg_xmalloc((size_t)n * n * sizeof(float)), *b = mg_xmalloc((size_t)n * n * sizeof(float)),
          *c = mg_xmalloc((size_t)n * n * sizeof(float));
    for (size_t i = 0; i < (size_t)n * n; i++) { a[i] = (float)(i % 7) * 0.1f; b[i] = (float)(i % 5) * 0.1f; }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);   /* warm-up */
    double best = 0;
    for (int r = 0; r < 3; r++) {
        double t = omp_get_wtime();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        t = omp_get_wtime() - t;
        double g = 2.0 * n * n * (double)n / t / 1e9;
        if (g > best) best = g;
    }
    free(a); free(b); free(c);
    return best;
}

/* ---- per-layer convolution timing (MORPHOGAN_PROFILE=2) ---- */
typedef struct LayerCase { const char *name; int transpose, ci, co, k, stride, h; } LayerCase;

static double time_it(Tensor *(*fn)(const LayerCase *, Tensor *, Tensor *, Tensor *), const LayerCase *c, Tensor *x,
                      Tensor *w, Tensor *b, int reps) {
    fn(c, x, w, b);
    mg_step_reset();
    double t = omp_get_wtime();
    for (int r = 0; r < reps; r++) { fn(c, x, w, b); mg_step_reset(); }
    return (omp_get_wtime() - t) / reps;
}

static Tensor *conv_fwd(const LayerCase *c, Tensor *x, Tensor *w, Tensor *b) {
    ConvGeom g = {c->stride, 0, 0, 1};
    return c->transpose ? mg_conv_transpose2d(x, w, b, g) : mg_conv2d(x, w, b, g);
}

static Tensor *conv_fwd_bwd(const LayerCase *c, Tensor *x, Tensor *w, Tensor *b) {
    Tensor *y = conv_fwd(c, x, w, b), *gr[3], *in[3] = {x, w, b};
    mg_grad(1, &y, NULL, 3, in, gr, 0);
    return gr[0];
}

static void profile_layers(DcganConfig cfg, int B) {
    const int w = cfg.g_width, d = cfg.d_width;
    const LayerCase cases[] = {
        {"G0 convT z->4w k3 s2 1->3", 1, cfg.z_dim, 4 * w, 3, 2, 1}, {"G1 convT 4w->2w k4 s1 3->6", 1, 4 * w, 2 * w, 4, 1, 3},
        {"G2 convT 2w->w k3 s2 6->13", 1, 2 * w, w, 3, 2, 6},       {"G3 convT w->1 k4 s2 13->28", 1, w, 1, 4, 2, 13},
        {"D0 conv 1->d k4 s2 28->13", 0, 1, d, 4, 2, 28},           {"D1 conv d->2d k4 s2 13->5", 0, d, 2 * d, 4, 2, 13},
        {"D2 conv 2d->1 k4 s2 5->1", 0, 2 * d, 1, 4, 2, 5},
    };
    printf("  per-layer convolutions alone, batch %d (forward; forward + backward for dx, dw, db):\n", B);
    printf("    %-28s %9s %7s %9s %7s\n", "layer", "fwd ms", "GF/s", "f+b ms", "GF/s");
    Rng r = rng_new(9);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const LayerCase *c = &cases[i];
        Tensor *x = tensor_new(TSHAPE(B, c->ci, c->h, c->h));
        Tensor *wt = c->transpose ? tensor_new(TSHAPE(c->ci, c->co, c->k, c->k)) : tensor_new(TSHAPE(c->co, c->ci, c->k, c->k));
        Tensor *b = tensor_new(TSHAPE(c->co));
        int ho = c->transpose ? (c->h - 1) * c->stride + c->k : (c->h - c->k) / c->stride + 1;
        /* headers and data outside the arena: the timed loop resets it */
        float *bufs[3];
        Tensor hdr[3] = {*x, *wt, *b}, *ts[3];
        for (int k = 0; k < 3; k++) {
            size_t n = tensor_numel(&hdr[k]);
            bufs[k] = mg_xmalloc(n * sizeof(float));
            rng_uniform(&r, bufs[k], n, -1, 1);
            hdr[k].data = bufs[k];
            hdr[k].requires_grad = 1;
            ts[k] = &hdr[k];
        }
        double macs = (double)B * (c->transpose ? (double)c->ci * c->h * c->h * c->co * c->k * c->k
                                                 : (double)c->co * ho * ho * c->ci * c->k * c->k);
        int reps = macs > 1e8 ? 10 : 40;
        double tf = time_it(conv_fwd, c, ts[0], ts[1], ts[2], reps);
        double tb = time_it(conv_fwd_bwd, c, ts[0], ts[1], ts[2], reps);
        printf("    %-28s %9.3f %7.1f %9.3f %7.1f\n", c->name, 1e3 * tf, 2 * macs / tf / 1e9, 1e3 * tb, 6 * macs / tb / 1e9);
        for (int k = 0; k < 3; k++) free(bufs[k]);
        mg_step_reset();
    }
}

int main(int argc, char **argv) {
    const char *loss_s = "bce", *data = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    int steps = 40, warmup = 5, B = 128, threads = 2, do_sgemm = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-sgemm")) { do_sgemm = 0; continue; }
        if (!v) { fprintf(stderr, "bench_dcgan: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--loss")) loss_s = v;
        else if (!strcmp(a, "--steps")) steps = atoi(v);
        else if (!strcmp(a, "--warmup")) warmup = atoi(v);
        else if (!strcmp(a, "--batch")) B = atoi(v);
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--data")) data = v;
        else { fprintf(stderr, "bench_dcgan: unknown option %s\n", a); return 2; }
        i++;
    }
    DcganLoss loss;
    if (!strcmp(loss_s, "bce")) loss = DCGAN_BCE;
    else if (!strcmp(loss_s, "wgan-gp")) loss = DCGAN_WGAN_GP;
    else { fprintf(stderr, "bench_dcgan: --loss must be bce or wgan-gp\n"); return 2; }
    if (steps < 1 || B < 2 || threads < 1) { fprintf(stderr, "bench_dcgan: bad --steps/--batch/--threads\n"); return 2; }
    mg_set_threads(threads);

    IdxImages im;                                    /* [n,1,28,28] in [-1,1]; the peer uses the first 20000 */
    if (idx_load_images(data, 20000, &im)) { fprintf(stderr, "bench_dcgan: %s\n", mg_error_get()); return 1; }
    if (im.h != 28 || im.w != 28 || im.n < B + 1) { fprintf(stderr, "bench_dcgan: %s: need >%d 28x28 images\n", data, B); return 1; }
    const float *x = im.data;
    const int n = im.n;

    Rng rng = rng_new(0);
    DcganConfig cfg = dcgan_course_config(loss == DCGAN_BCE);
    DcganG g;
    DcganD d;
    DcganTrainer t;
    dcgan_g_init(&g, cfg, &rng);
    dcgan_d_init(&d, cfg, &rng);
    dcgan_trainer_init(&t, &g, &d, loss);
    double times[DCGAN_T_N] = {0};
    const char *prof = getenv("MORPHOGAN_PROFILE");
    int profile = prof && atoi(prof) > 0;

    float *z = mg_xmalloc((size_t)B * cfg.z_dim * sizeof(float)), *eps = mg_xmalloc((size_t)B * sizeof(float));
    const size_t img = 28 * 28;
    double ls = 0, t0 = 0, rss0 = peak_rss_mb(), arena_peak_mb;
    for (int i = 0; i < warmup + steps; i++) {
        if (i == warmup) { t0 = omp_get_wtime(); if (profile) t.times = times; }
        const float *real = x + (size_t)((long)i * B % (n - B)) * img;     /* x[(i*B) % (len-B):][:B] */
        rng_normal(&rng, z, (size_t)B * cfg.z_dim, 0, 1);
        rng_uniform(&rng, eps, B, 0, 1);
        DcganStep s = dcgan_train_step(&t, B, real, z, loss == DCGAN_WGAN_GP ? eps : NULL);
        ls += s.loss_d + s.loss_g;
    }
    double dt = omp_get_wtime() - t0;
    mg_step_reset();
    double rss = peak_rss_mb();
    double sps = steps / dt;
    double kd = loss == DCGAN_BCE ? 8 : 12;
    double flops = 2.0 * B * (3 * dcgan_g_macs(cfg) + kd * dcgan_d_macs(cfg));
    double sg = do_sgemm ? sgemm_gflops(2048) : 0;
    double model_gf = flops * sps / 1e9;
    arena_peak_mb = arena_peak(tensor_arena()) / 1048576.0;

    printf("morphogan bench_dcgan loss=%s batch=%d threads=%d steps=%d: %.2f steps/s, %.0f images/s, peak RSS %.1f MB "
           "(before the first step %.1f MB), arena peak %.1f MB\n", loss_s, B, threads, steps, sps, sps * B, rss, rss0,
           arena_peak_mb);
    printf("  model: %.1f GFLOP/step (2*MACs: G %.2f M, D %.3f M per image; 3 F_G + %.0f F_D) = %.1f GFLOP/s",
           flops / 1e9, dcgan_g_macs(cfg) / 1e6, dcgan_d_macs(cfg) / 1e6, kd, model_gf);
    if (do_sgemm) printf("; sgemm 2048^2: %.1f GFLOP/s; fraction %.1f%%", sg, 100 * model_gf / sg);
    printf("\n  (mean loss_d + loss_g %.4f)\n", ls / (warmup + steps));
    if (profile) {
        double tot = 0;
        for (int k = 0; k < DCGAN_T_N; k++) tot += times[k];
        printf("  profile (ms per step, %% of step):\n");
        for (int k = 0; k < DCGAN_T_N; k++)
            printf("    %-28s %8.2f ms  %5.1f%%\n", dcgan_phase_names[k], 1e3 * times[k] / steps, 100 * times[k] / tot);
        if (atoi(prof) >= 2) profile_layers(cfg, B);
    }
    printf("RESULT impl=morphogan loss=%s steps_per_s=%.3f images_per_s=%.1f peak_rss_mb=%.1f rss_before_mb=%.1f "
           "sgemm_gflops=%.1f model_gflops=%.2f\n", loss_s, sps, sps * B, rss, rss0, sg, model_gf);
    idx_images_free(&im);
    free(z); free(eps);
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    return 0;
}
