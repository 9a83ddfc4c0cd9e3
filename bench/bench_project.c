/* Projection of one 64x64 grey image, 1000 steps (the target: under 30 s on the 2 cores):
 * morphogan's projector (inversion/project.h: W space, L2 + perceptual distance on D's features,
 * constant noise maps, the reference schedule) against the same loop in PyTorch (bench/torch_project.py)
 * in the same run, same thread count.  Networks: the default `train --cfg stylegan2 --resolution 64`
 * configuration (w 128, 8 mapping layers, channels min(1024/r, 64)), random initialisation (the time
 * does not depend on the weights), or a trained checkpoint with --ckpt (C only).  Target: G(w) of a
 * random w.  The time covers the optimisation loop; the 10,000 mapped samples for w_avg are timed apart.
 * --ch-base/--ch-max/--map-layers change the configuration (the diatom run of docs/inversion.md: 512, 64, 2).
 *     build/bench/bench_project [--steps 1000] [--threads 2] [--ch-base 1024 --ch-max 64 --map-layers 8]
 *                               [--repeat 3] [--ckpt FILE] [--python PATH] [--no-peer]
 * Each repeat runs C then PyTorch (interleaved, so that both see the same machine); medians of wall and
 * CPU (user + system) seconds and their ratios.  CPU seconds / threads approximate the wall time on an
 * idle machine when the work parallelises. */
#include "core/error.h"
#include "core/threads.h"
#include "inversion/inv_model.h"
#include "inversion/project.h"
#include "train/model_stylegan2.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_s(void) {                       /* user + system time of this process */
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static double median(double *v, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) { double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    int steps = 1000, threads = 2, peer = 1, ch_base = 1024, ch_max = 64, map_layers = 8, repeat = 3;
    const char *python = "/usr/bin/python3", *ckpt = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-peer")) { peer = 0; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "bench_project: %s needs a value\n", argv[i]); return 2; }
        if (!strcmp(argv[i], "--steps")) steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--python")) python = argv[++i];
        else if (!strcmp(argv[i], "--ckpt")) ckpt = argv[++i];
        else if (!strcmp(argv[i], "--ch-base")) ch_base = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ch-max")) ch_max = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--map-layers")) map_layers = atoi(argv[++i]);
        else { fprintf(stderr, "bench_project: unknown option %s\n", argv[i]); return 2; }
    }
    if (steps < 1 || threads < 1 || repeat < 1 || repeat > 16) { fprintf(stderr, "bench_project: bad --steps / --threads\n"); return 2; }
    mg_set_threads(threads);
    GanModel m;
    if (ckpt) {
        if (inv_load_generator(ckpt, 1, &m)) { fprintf(stderr, "bench_project: %s\n", mg_error_get()); return 1; }
    } else {
        Rng init = rng_new(1);
        if (gan_stylegan2_init(&m, (Sg2Spec){64, 1, 128, 128, map_layers, ch_base, ch_max, 4, 0, 0}, &init)) { fprintf(stderr, "%s\n", mg_error_get()); return 1; }
    }
    Sg2 *g = gan_stylegan2_net(&m);
    const int R = g->s.resolution, C = g->s.channels;
    double t0 = now_s();
    WStats st;
    w_stats_compute(g, 10000, 7, &st);
    const double t_stats = now_s() - t0;
    /* the target: G(w) for a random w */
    int old = mg_set_grad_enabled(0);
    mg_step_reset();
    Tensor *z = tensor_new(TSHAPE(1, g->s.z_dim));
    Rng r = rng_new(11);
    rng_normal(&r, z->data, (size_t)g->s.z_dim, 0, 1);
    Tensor *img = sg2_synthesis(g, sg2_broadcast_w(g, sg2_mapping(g, z, NULL, 1.0f)), SG2_NOISE_CONST, NULL);
    float *target = mg_xmalloc((size_t)C * R * R * sizeof(float));
    memcpy(target, img->data, (size_t)C * R * R * sizeof(float));
    mg_set_grad_enabled(old);
    ProjectOpts o = project_defaults();
    o.steps = steps;
    const char *pol = getenv("OMP_WAIT_POLICY");
    double tc[16], cc[16], tp[16], cp[16];
    for (int k = 0; k < repeat; k++) {                /* C and PyTorch interleaved: both see the same machine */
        double la[3] = {0, 0, 0};
        if (getloadavg(la, 3) < 0) la[0] = -1;
        printf("-- repeat %d, load average %.2f\n", k + 1, la[0]);
        ProjectOut out;
        t0 = now_s();
        const double c0 = cpu_s();
        if (project_batch(&m, &st, target, 1, NULL, &o, &out)) { fprintf(stderr, "bench_project: %s\n", mg_error_get()); return 1; }
        tc[k] = now_s() - t0;
        cc[k] = cpu_s() - c0;
        printf("RESULT impl=morphogan steps=%d seconds=%.3f steps_per_s=%.3f cpu_seconds=%.3f w_stats_seconds=%.3f resolution=%d "
               "threads=%d final_l2=%.3g OMP_WAIT_POLICY=%s\n", steps, tc[k], steps / tc[k], cc[k], t_stats, R, threads, out.l2[0],
               pol ? pol : "unset");
        fflush(stdout);
        project_out_free(&out);
        tp[k] = cp[k] = -1;
        if (peer && !ckpt) {
            char cmd[512], line[512];
            snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d %s bench/torch_project.py --threads %d --steps %d --resolution %d "
                     "--ch-base %d --ch-max %d --map-layers %d", threads, python, threads, steps, R, ch_base, ch_max, map_layers);
            FILE *p = popen(cmd, "r");
            while (p && fgets(line, sizeof line, p)) {
                fputs(line, stdout);
                char *s1 = strstr(line, " seconds="), *s2 = strstr(line, "cpu_seconds=");
                if (!strncmp(line, "RESULT impl=torch", 17) && s1 && s2) { tp[k] = atof(s1 + 9); cp[k] = atof(s2 + 12); }
            }
            if (!p || pclose(p) || tp[k] < 0) { fprintf(stderr, "bench_project: %s failed\n", cmd); return 1; }
        }
    }
    const double mtc = median(tc, repeat), mcc = median(cc, repeat);
    printf("projection of one %dx%d image, %d steps, %d threads, medians of %d: morphogan %.2f s (%.2f CPU s; + %.2f s for w_avg)",
           R, R, steps, threads, repeat, mtc, mcc, t_stats);
    if (tp[0] > 0) {
        const double mtp = median(tp, repeat), mcp = median(cp, repeat);
        printf(", PyTorch %.2f s (%.2f CPU s): morphogan is %.2fx PyTorch's speed (%.2fx in CPU time)", mtp, mcp, mtp / mtc, mcp / mcc);
    }
    double la[3] = {0, 0, 0};
    if (getloadavg(la, 3) < 0) la[0] = -1;
    printf("; load average %.2f\n", la[0]);
    free(target);
    w_stats_free(&st);
    gan_model_free(&m);
    return 0;
}
