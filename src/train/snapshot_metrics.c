/* Snapshot metrics of a training run.  See snapshot_metrics.h. */
#include "train/snapshot_metrics.h"
#include "analysis/feature_space.h"
#include "analysis/metrics.h"
#include "analysis/stats_file.h"
#include "core/error.h"
#include "io/safetensors.h"
#include "train/runlog.h"
#include "train/samples.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEN_BATCH 50

struct SnapshotMetrics {
    int fid, kid, pr, is;
    int n;                      /* generated images per evaluation */
    FeatureSpace fs;
    float *real;                /* [n_real, dim] */
    long n_real;
    FILE *csv;
    float *z;                   /* [n, z_dim] */
    int *labels;                /* [n] conditional classes, or NULL */
    int z_dim, n_classes;
};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* auto: a domain network file says so in its metadata; anything else is taken for Inception-v3 weights */
static int kind_of(const TrainConfig *c) {
    if (c->metrics_features == TC_MFEAT_DOMAIN) return FEATURES_DOMAIN;
    if (c->metrics_features == TC_MFEAT_INCEPTION) return FEATURES_INCEPTION;
    if (c->metrics_features == TC_MFEAT_MORPHO) return FEATURES_MORPHO;
    StFile f;
    if (st_open(c->metrics_net, &f)) return FEATURES_INCEPTION;     /* the loader then reports the error */
    const char *model = st_meta(&f, "model");
    int k = model && !strcmp(model, "morphogan-featnet-v1") ? FEATURES_DOMAIN : FEATURES_INCEPTION;
    st_close(&f);
    return k;
}

/* the real features: from RUN/metrics_real.safetensors when it matches, else computed and written there */
static int real_features(SnapshotMetrics *s, const TrainConfig *c, const Dataset *data) {
    char path[TC_PATH + 64], source[TC_PATH + 96];
    snprintf(path, sizeof path, "%s/metrics_real.safetensors", c->outdir);
    const long n = data->n < s->n ? data->n : s->n;
    snprintf(source, sizeof source, "training data %s, first %ld images, %dx%dx%d", c->data, n, data->c, data->h, data->w);
    RealStats rs;
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        if (!stats_file_read(path, &rs) && !strcmp(rs.net, s->fs.fingerprint) && !strcmp(rs.source, source) && rs.d == s->fs.dim) {
            s->real = rs.features, s->n_real = rs.n;
            rs.features = NULL;
            real_stats_free(&rs);
            printf("metrics: real features reused from %s (%ld images)\n", path, s->n_real);
            return 0;
        }
        real_stats_free(&rs);
    }
    ImageSet set = image_set_wrap(data->x, n, data->c, data->h, data->w);
    int *flags = mg_xmalloc((size_t)n * sizeof(int));
    double t = now_s();
    int rc = feature_space_extract(&s->fs, &set, &s->real, NULL, &s->n_real, flags);
    free(flags);
    if (rc) return -1;
    if (s->n_real < 2) return mg_error_set("%s: %ld of %ld training images have %s features; the metrics need 2", c->data, s->n_real, n, s->fs.label);
    if (stats_file_write(path, s->real, s->n_real, s->fs.dim, s->fs.fingerprint, source)) return -1;
    printf("metrics: features of %ld training images (%s) in %.1f s, kept in %s\n", s->n_real, s->fs.label, now_s() - t, path);
    return 0;
}

int snapshot_metrics_open(SnapshotMetrics **out, const TrainConfig *c, const Dataset *data, long resume_step) {
    *out = NULL;
    if (!c->metrics[0]) return 0;
    SnapshotMetrics *s = mg_xcalloc(1, sizeof *s);
    char buf[TC_PATH], *save = NULL;
    snprintf(buf, sizeof buf, "%s", c->metrics);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        s->fid |= !strcmp(t, "fid"), s->kid |= !strcmp(t, "kid"), s->pr |= !strcmp(t, "pr"), s->is |= !strcmp(t, "is");
    }
    s->n = c->metrics_n;
    if (feature_space_open(&s->fs, kind_of(c), c->metrics_net)) { free(s); return -1; }
    if (s->is && !s->fs.n_classes) {
        feature_space_close(&s->fs);
        free(s);
        return mg_error_set("morphogan train: --metrics is needs a classifier's logits; %s has none", c->metrics_net);
    }
    if (real_features(s, c, data) || !(s->csv = runlog_open(c->outdir, "metrics.csv", "step,kimg,metric,value", resume_step))) {
        snapshot_metrics_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

static void row(SnapshotMetrics *s, long step, double kimg, const char *metric, double v) {
    fprintf(s->csv, "%ld,%.3f,%s,%.8g\n", step, kimg, metric, v);
}

int snapshot_metrics_run(SnapshotMetrics *s, GanModel *m, const float *ema_shadow, long step, double kimg) {
    const double t0 = now_s();
    if (!s->z) {                           /* the fixed codes, drawn on first use (z_dim known from the model) */
        s->z_dim = m->z_dim, s->n_classes = m->n_classes;
        s->z = mg_xmalloc((size_t)s->n * s->z_dim * sizeof(float));
        samples_z(s->z, s->z_dim, SNAPSHOT_METRICS_SEED0, s->n);
        if (s->n_classes > 0) {
            s->labels = mg_xmalloc((size_t)s->n * sizeof(int));
            for (int k = 0; k < s->n; k++) s->labels[k] = k % s->n_classes;
        }
    }
    const int C = m->channels, S = m->size;
    const size_t per = (size_t)C * S * S;
    float *img = mg_xmalloc((size_t)s->n * per * sizeof(float));      /* [n,C,S,S] */
    for (int i0 = 0; i0 < s->n; i0 += GEN_BATCH) {
        const int b = s->n - i0 < GEN_BATCH ? s->n - i0 : GEN_BATCH;
        mg_step_reset();
        Tensor *x = samples_generate(m, s->z + (size_t)i0 * s->z_dim, s->labels ? s->labels + i0 : NULL, b, ema_shadow);
        memcpy(img + (size_t)i0 * per, x->data, (size_t)b * per * sizeof(float));
    }
    mg_step_reset();
    ImageSet set = image_set_wrap(img, s->n, C, S, S);
    float *feat = NULL, *logits = NULL, *real = s->real;
    long nf = 0;
    int *flags = mg_xmalloc((size_t)s->n * sizeof(int));
    const int d = s->fs.dim;
    char line[512] = "";
    int rc = feature_space_extract(&s->fs, &set, &feat, s->is ? &logits : NULL, &nf, flags);
    free(img);
    if (!rc && nf < 2) rc = mg_error_set("%ld of %d generated images have %s features", nf, s->n, s->fs.label);
    if (!rc && s->fs.kind == FEATURES_MORPHO) {        /* z-scores by the real set, as morphogan metrics */
        real = mg_xmalloc((size_t)s->n_real * d * sizeof(float));
        memcpy(real, s->real, (size_t)s->n_real * d * sizeof(float));
        feature_standardise(s->real, s->n_real, feat, nf, d);
        feature_standardise(s->real, s->n_real, real, s->n_real, d);
    }
    double a, b;
    size_t L = 0;
    if (!rc && s->fid) {
        if (!(rc = fid_features(real, s->n_real, feat, nf, d, &a))) {
            row(s, step, kimg, "fid", a);
            L += snprintf(line + L, sizeof line - L, "  fid %.4f", a);
        }
    }
    if (!rc && s->kid) {
        KidOptions ko = kid_default_options();
        if (!(rc = kid_features(real, s->n_real, feat, nf, d, ko, &a, &b))) {
            row(s, step, kimg, "kid", a), row(s, step, kimg, "kid_std", b);
            L += snprintf(line + L, sizeof line - L, "  kid %.5f +- %.5f", a, b);
        }
    }
    if (!rc && s->pr) {
        if (!(rc = precision_recall(real, s->n_real, feat, nf, d, 3, &a, &b))) {
            row(s, step, kimg, "precision", a), row(s, step, kimg, "recall", b);
            L += snprintf(line + L, sizeof line - L, "  precision %.4f recall %.4f", a, b);
        }
    }
    if (!rc && s->is) {
        const int splits = nf >= 100 ? 10 : 1;
        if (!(rc = inception_score(logits, nf, s->fs.n_classes, splits, 1, &a, &b))) {
            row(s, step, kimg, "is", a), row(s, step, kimg, "is_std", b);
            L += snprintf(line + L, sizeof line - L, "  is %.4f +- %.4f", a, b);
        }
    }
    if (rc) fprintf(stderr, "morphogan: metrics of step %ld skipped: %s\n", step, mg_error_get());
    else {
        char gen[64];
        if (nf < s->n) snprintf(gen, sizeof gen, "%ld of %d generated images measured", nf, s->n);
        else snprintf(gen, sizeof gen, "%d generated", s->n);
        printf("metrics %ld:%s  (%s vs %ld real, %s, %.1f s)\n", step, line, gen, s->n_real, s->fs.label, now_s() - t0);
    }
    if (real != s->real) free(real);
    free(feat);
    free(logits);
    free(flags);
    if (fflush(s->csv)) return mg_error_set("metrics.csv: cannot write");
    return 0;
}

void snapshot_metrics_close(SnapshotMetrics *s) {
    if (!s) return;
    if (s->csv) fclose(s->csv);
    feature_space_close(&s->fs);
    free(s->real);
    free(s->z);
    free(s->labels);
    free(s);
}
