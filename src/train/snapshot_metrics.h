/* Quality metrics of the generator at every snapshot of `morphogan train` (--metrics fid,kid,pr,is
 * --metrics-net FILE [--metrics-features KIND] [--metrics-n N]).
 *
 * Fake: N images from fixed seeds (SNAPSHOT_METRICS_SEED0 + k, the same at every snapshot, so successive
 * values differ by what G learnt, not by the draw; classes k mod n_classes for a conditional model), from G's
 * moving average when the run keeps one (as the sample grids).  Real: the first N images of the training
 * data (as prepared for training), whose features are computed once per run and kept in
 * RUN/metrics_real.safetensors (reused on --resume when the features and the source match).  Feature spaces:
 * analysis/feature_space.h.  Each evaluation appends rows step,kimg,metric,value to RUN/metrics.csv (metric:
 * fid, kid, kid_std, precision, recall, is, is_std) and prints one line.  The training's random streams are
 * not touched: a run computes the same numbers with or without --metrics. */
#ifndef MG_SNAPSHOT_METRICS_H
#define MG_SNAPSHOT_METRICS_H
#include "data/dataset.h"
#include "train/config.h"
#include "train/gan_model.h"

#define SNAPSHOT_METRICS_SEED0 1000000L

typedef struct SnapshotMetrics SnapshotMetrics;

/* *out = NULL when c->metrics is empty (nothing to do).  Else opens the feature space, the real features
 * and RUN/metrics.csv (cut back to the rows of steps <= resume_step).  0, or -1 + mg_error. */
int snapshot_metrics_open(SnapshotMetrics **out, const TrainConfig *c, const Dataset *data, long resume_step);
/* Evaluates G after `step` steps.  A metric that cannot be computed (e.g. fewer than 2 generated images
 * measurable by morphometrics) is reported on stderr and skipped; -1 + mg_error only when the CSV cannot be
 * written. */
int snapshot_metrics_run(SnapshotMetrics *s, GanModel *m, const float *ema_shadow, long step, double kimg);
void snapshot_metrics_close(SnapshotMetrics *s);    /* NULL is fine */
#endif
