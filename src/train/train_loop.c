#include "train/train_loop.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/dataset.h"
#include "io/checkpoint.h"
#include "train/batches.h"
#include "train/diversity.h"
#include "train/gan_step.h"
#include "train/vae_step.h"
#include "train/sg2_step.h"
#include "train/sg2_augment.h"
#include "train/sg2_grow.h"
#include "train/model_build.h"
#include "train/runlog.h"
#include "train/samples.h"
#include "train/snapshot_metrics.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define GRID_N 64
#define NN_REF 2000             /* labelled real images the nearest-neighbour classes are taken from */

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) { (void)sig; interrupted = 1; }

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct Run {
    const TrainConfig *c;       /* = &cfg */
    TrainConfig cfg;            /* the caller's, plus what the data decides (n_classes) */
    Dataset data;
    GanModel m;
    GanTrainer tr;
    Sg2Trainer sg2;             /* stylegan2: its trainer (the optimisers then live here, not in tr) */
    Sg2AugState aug;            /* stylegan2: augmentation and its ADA state */
    Ema ema;
    Rng rng;
    Checkpoint ck;
    char *arch;
    FILE *log, *snaps;
    SnapshotMetrics *metrics;   /* --metrics: evaluated at every snapshot (train/snapshot_metrics.h), or NULL */
    float zfix[GRID_N * 4096];
    int glabels[GRID_N];        /* conditional: the grid's classes, k mod n_classes */
} Run;

/* grid, diversity row and checkpoint for the state after `step` steps */
static int snapshot(Run *r, long step) {
    const TrainConfig *c = r->c;
    GanModel *m = &r->m;
    char path[TC_PATH + 64];
    mg_step_reset();
    if (c->grow_kimg > 0) sg2_grow_apply(gan_stylegan2_net(m), c->grow_kimg, (double)step * c->batch);   /* growing: the stage after `step` */
    Tensor *x = samples_generate(m, r->zfix, c->cond ? r->glabels : NULL, GRID_N, r->ema.shadow);   /* [64,C,S,S] */
    snprintf(path, sizeof path, "%s/samples_%06ld.png", c->outdir, step);
    if (samples_write_grid(path, x, 8)) return -1;
    const int dim = m->channels * m->size * m->size;
    double var = diversity_pixel_var(x->data, GRID_N, dim);
    int distinct = -1, top = 0;
    const int labelled = r->data.n_classes > 1 && r->data.label[0] >= 0;
    if (labelled) {
        int nref = r->data.n < NN_REF ? r->data.n : NN_REF;
        distinct = diversity_nn_classes(x->data, GRID_N, dim, r->data.x, r->data.label, nref, r->data.n_classes, NULL, &top);
    }
    fprintf(r->snaps, "%ld,%.3f,%.6f,%d,%d\n", step, step * (double)c->batch / 1000.0, var, distinct, top);
    fflush(r->snaps);
    fflush(r->log);
    printf("snapshot %ld: %s  pixel variance %.4f", step, path, var);
    if (labelled) printf("  nearest-real classes %d/%d (largest %d of %d)", distinct, r->data.n_classes, top, GRID_N);
    printf("\n");
    r->ck.step = step;
    if (c->cfg == TC_CFG_STYLEGAN2) sg2_augment_save(&r->aug, gan_stylegan2_ada_state(m));
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", c->outdir);
    if (ckpt_save(path, &r->ck)) return -1;
    return r->metrics ? snapshot_metrics_run(r->metrics, m, r->ema.shadow, step, step * (double)c->batch / 1000.0) : 0;
}

static int setup(Run *r, long *step) {
    TrainConfig *c = &r->cfg;
    DatasetOpts dopt = dataset_defaults();
    dopt.prep.size = c->resolution;             /* every image padded to a square and resized */
    dopt.prep.channels = c->channels;
    dopt.prep.max_black = 1.0f;                 /* training keeps every image (filter with morphogan dataset) */
    dopt.labels = c->labels[0] ? c->labels : NULL;
    dopt.limit = c->max_images;
    DsRejects rej = {0};
    if (dataset_load(c->data, &dopt, &r->data, &rej)) { ds_rejects_free(&rej); return -1; }
    for (int i = 0; i < rej.n; i++)                 /* e.g. a corrupt image: skipped, named */
        fprintf(stderr, "morphogan: warning: skipped %s (%s)\n", rej.file[i], rej.reason[i]);
    ds_rejects_free(&rej);
    if (c->max_images && r->data.n > c->max_images) r->data.n = c->max_images;
    if (r->data.n < c->batch)
        return mg_error_set("%s: %d images, fewer than one batch of %d; use a smaller --batch", c->data, r->data.n, c->batch);
    if (c->cond) {
        if (r->data.n_classes < 2) return mg_error_set("%s: --cond 1 needs labelled images of 2 or more classes (see --labels)", c->data);
        for (int i = 0; i < r->data.n; i++)
            if (r->data.label[i] < 0) return mg_error_set("%s: %s has no label; --cond 1 needs every image labelled", c->data, r->data.file[i]);
        if (!c->n_classes) c->n_classes = r->data.n_classes;
        if (c->n_classes != r->data.n_classes)
            return mg_error_set("%s: %d classes, the run has --n-classes %d", c->data, r->data.n_classes, c->n_classes);
        for (int k = 0; k < GRID_N; k++) r->glabels[k] = k % r->data.n_classes;
    }
    if (mkdir(c->outdir, 0777) && errno != EEXIST)
        return mg_error_set("%s: cannot create the run folder: %s", c->outdir, strerror(errno));

    Rng init = rng_new((unsigned long long)c->seed);
    if (train_build_model(&r->m, c, &init)) return -1;
    GanTrainer *t = &r->tr;
    gan_trainer_init(t, &r->m, (GanLoss)c->loss, c->batch);
    t->opt_g = adam_default(c->lr, c->betas[0], c->betas[1]);
    t->opt_d = adam_default(c->lr_d > 0 ? c->lr_d : c->lr, c->betas[0], c->betas[1]);
    t->n_critic = c->n_critic;
    t->gp_lambda = c->gp_lambda;
    t->smooth = c->label_smooth;
    t->fresh_z = c->fresh_z;
    t->joint_d = c->d_batch == 1;
    if (train_has_ema(c)) {
        r->ema = ema_new(r->m.g_ps, c->ema > 0 ? c->ema : 0.999f);
        t->ema = &r->ema;
    }
    Adam *og = &t->opt_g, *od = &t->opt_d;
    if (c->cfg == TC_CFG_STYLEGAN2) {
        Sg2Trainer *s = &r->sg2;
        sg2_trainer_init(s, &r->m, c->batch, c->lr, c->betas[0], c->betas[1], c->r1_gamma);
        s->ema = &r->ema;
        s->ema_kimg = (float)c->ema_kimg;
        s->pl_weight = c->pl_weight;
        s->mixing = c->mixing;
        s->grow_kimg = c->grow_kimg;
        if (c->cond) {                          /* the fakes' classes follow the data's label frequencies */
            s->label_pool = r->data.label;
            s->label_pool_n = r->data.n;
        }
        og = &s->opt_g;
        od = &s->opt_d;
        if (sg2_augment_setup(&r->aug, c, s)) return -1;
    }
    r->rng = rng_new((unsigned long long)c->seed + 0x9e3779b97f4a7c15ull);
    r->arch = train_config_to_json(c);
    r->ck = (Checkpoint){.nparts = 3,
                         .part = {{"G.", r->m.g_ps, og, t->ema}, {c->cfg == TC_CFG_VAE ? "E." : "D.", r->m.d_ps, od, NULL},
                                  {"buf.", r->m.buffers, NULL, NULL}},
                         .rng = &r->rng, .arch = r->arch};
    *step = 0;
    if (c->resume[0]) {
        if (ckpt_load(c->resume, &r->ck)) return -1;
        *step = r->ck.step;
        if (c->cfg == TC_CFG_STYLEGAN2 && sg2_augment_load(&r->aug, gan_stylegan2_ada_state(&r->m)))
            return mg_error_set("%s: %s", c->resume, mg_error_get());
        printf("resumed from %s at step %ld\n", c->resume, *step);
    }
    samples_z(r->zfix, r->m.z_dim, 0, GRID_N);

    char path[TC_PATH + 64];
    snprintf(path, sizeof path, "%s/config.json", c->outdir);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n", r->arch) < 0 || fclose(f)) return mg_error_set("%s: cannot write", path);
    const char *cols = c->cfg == TC_CFG_VAE ? "step,kimg,recon,kl,loss,seconds"
                     : c->cfg == TC_CFG_STYLEGAN2 ? (c->grow_kimg > 0 ? "step,kimg,loss_d,loss_g,r1,pl,aug_p,res,alpha,seconds"
                                                                      : "step,kimg,loss_d,loss_g,r1,pl,aug_p,seconds")
                     : "step,kimg,loss_d,loss_g,gp,seconds";
    if (!(r->log = runlog_open(c->outdir, "log.csv", cols, *step))) return -1;
    if (!(r->snaps = runlog_open(c->outdir, "snapshots.csv", "step,kimg,pixel_var,nn_classes,nn_largest", *step)))
        return -1;
    return snapshot_metrics_open(&r->metrics, c, &r->data, *step);
}

static void teardown(Run *r) {
    if (r->log) fclose(r->log);
    if (r->snaps) fclose(r->snaps);
    snapshot_metrics_close(r->metrics);
    if (r->tr.z) gan_trainer_free(&r->tr);
    if (r->sg2.z) sg2_trainer_free(&r->sg2);
    if (r->ema.shadow) ema_free(&r->ema);
    if (r->m.g_ps) gan_model_free(&r->m);
    free(r->arch);
    dataset_free(&r->data);
}

int train_run(const TrainConfig *c) {
    Run *r = mg_xcalloc(1, sizeof *r);
    r->cfg = *c;
    r->c = c = &r->cfg;
    long step = 0;
    int rc = 1;
    if (setup(r, &step)) {
        fprintf(stderr, "morphogan: %s\n", mg_error_get());
        goto out;
    }
    Batches b;
    batches_init(&b, r->data.x, c->cond ? r->data.label : NULL, r->data.n, r->m.channels * r->m.size * r->m.size, c->batch, (unsigned long long)c->seed);
    printf("training %s (%s) on %s: %d images, batch %d, %d threads, steps %ld -> %ld, run folder %s\n",
           train_cfg_names[c->cfg], c->cfg == TC_CFG_VAE ? "recon + beta kl" : gan_loss_names[c->loss], c->data, r->data.n, c->batch, mg_get_threads(), step,
           c->steps, c->outdir);
    const Sg2 *net = gan_stylegan2_net(&r->m);  /* stylegan2, else NULL */
    if (net && c->grow_kimg > 0) {
        const double full = sg2_grow_full_kimg(c->grow_kimg, net->nblocks), end = c->steps * (double)c->batch / 1000.0;
        printf("progressive growing: 8x8 to %dx%d, %g kimg of fade-in then %g kimg stable per resolution; full resolution from kimg %g\n",
               c->resolution, c->resolution, c->grow_kimg, c->grow_kimg, full);
        if (end < full) {
            const Sg2Stage e = sg2_grow_stage(c->grow_kimg, c->steps * (double)c->batch, net->nblocks);
            printf("note: the run ends at kimg %g, before that: its last grid and checkpoint are at %dx%d (alpha %.2f)\n", end,
                   4 << e.block, 4 << e.block, e.alpha);
        }
    }
    fflush(stdout);
    interrupted = 0;
    struct sigaction sa = {.sa_handler = on_sigint}, old_sa;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    const long first = step;
    const int vae = c->cfg == TC_CFG_VAE, sg2 = c->cfg == TC_CFG_STYLEGAN2;
    const char *const name[2] = {vae ? "recon" : "loss_d", vae ? "kl" : "loss_g"};
    double t0 = now_s(), last_print = t0, sum_d = 0, sum_g = 0;
    int nsum = 0;
    rc = 0;
    for (long s = step; s < c->steps; s++) {
        GanStepResult g;
        float pl = 0;
        if (sg2) {                              /* columns: loss_d, loss_g, r1, pl */
            Sg2StepResult v = sg2_train_step(&r->sg2, s, batches_get, &b, &r->rng);
            g = (GanStepResult){v.loss_d, v.loss_g, v.r1};
            pl = v.pl;
        } else if (vae) {                              /* columns: recon, kl, loss */
            VaeStepResult v = vae_train_step(&r->tr, c->beta, s, batches_get, &b, &r->rng);
            g = (GanStepResult){v.recon, v.kl, v.loss};
        } else
            g = gan_train_step(&r->tr, s, batches_get, &b, &r->rng);
        if (!isfinite(g.loss_d) || !isfinite(g.loss_g)) {
            const float bad = isfinite(g.loss_d) ? g.loss_g : g.loss_d;
            char keep[TC_PATH + 96];
            if (r->ck.step || first)
                snprintf(keep, sizeof keep, "the last good snapshot is %s/checkpoint.safetensors (step %ld)", c->outdir,
                         r->ck.step ? r->ck.step : first);
            else
                snprintf(keep, sizeof keep, "no snapshot had been written yet");
            fprintf(stderr, "morphogan: step %ld: %s is %s; training stopped (try a lower --lr), %s\n", s + 1,
                    isfinite(g.loss_d) ? name[1] : name[0], isnan(bad) ? "nan" : "inf", keep);
            rc = 1;
            break;
        }
        sum_d += g.loss_d;
        sum_g += g.loss_g;
        nsum++;
        if (sg2 && c->grow_kimg > 0)            /* the stage this step ran at */
            fprintf(r->log, "%ld,%.3f,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%.6g,%.3f\n", s + 1, (s + 1) * (double)c->batch / 1000.0, g.loss_d,
                    g.loss_g, g.gp, pl, sg2_augment_p(&r->aug), sg2_stage_res(net), net->alpha, now_s() - t0);
        else if (sg2)
            fprintf(r->log, "%ld,%.3f,%.6g,%.6g,%.6g,%.6g,%.6g,%.3f\n", s + 1, (s + 1) * (double)c->batch / 1000.0, g.loss_d, g.loss_g,
                    g.gp, pl, sg2_augment_p(&r->aug), now_s() - t0);
        else
            fprintf(r->log, "%ld,%.3f,%.6g,%.6g,%.6g,%.3f\n", s + 1, (s + 1) * (double)c->batch / 1000.0, g.loss_d, g.loss_g,
                    g.gp, now_s() - t0);
        const int last = s + 1 == c->steps;
        double now = now_s();
        if (now - last_print >= 2.0 || last || interrupted) {
            double ips = (s + 1 - first) * (double)c->batch / (now - t0);
            printf("step %7ld/%ld  kimg %8.2f  %6.0f img/s  eta %6.0f s  %s %.4f  %s %.4f", s + 1, c->steps,
                   (s + 1) * (double)c->batch / 1000.0, ips, (c->steps - s - 1) * (double)c->batch / ips, name[0],
                   sum_d / nsum, name[1], sum_g / nsum);
            if (sg2) printf("  augment p %.3f", sg2_augment_p(&r->aug));
            if (sg2 && c->grow_kimg > 0) printf("  res %d alpha %.2f", sg2_stage_res(net), net->alpha);
            printf("\n");
            fflush(stdout);
            sum_d = sum_g = 0;
            nsum = 0;
            last_print = now;
        }
        if ((s + 1) % c->snap == 0 || last || interrupted) {
            if (snapshot(r, s + 1)) {
                fprintf(stderr, "morphogan: %s\n", mg_error_get());
                rc = 1;
                break;
            }
            if (interrupted && !last) {
                printf("interrupted: snapshot of step %ld in %s; continue with --resume %s/checkpoint.safetensors\n", s + 1,
                       c->outdir, c->outdir);
                rc = 130;
                break;
            }
        }
    }
    sigaction(SIGINT, &old_sa, NULL);
    if (!rc) printf("done: %s/checkpoint.safetensors, grids %s/samples_*.png, logs %s/log.csv and snapshots.csv\n", c->outdir,
                    c->outdir, c->outdir);
    batches_free(&b);
out:
    teardown(r);
    free(r);
    return rc;
}
