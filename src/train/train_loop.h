/* The training run behind `morphogan train`: data, model, optimisers, resume, the loop with its
 * progress line and logs, snapshots (grid of seeds 0..63, diversity, checkpoint), Ctrl-C and
 * non-finite losses.  c is resolved (train_config_resolve) and, when resuming, checked against the
 * checkpoint's config by the caller.  Returns the exit status: 0 done, 1 error (one line on
 * stderr), 130 interrupted by SIGINT after writing a snapshot. */
#ifndef MG_TRAIN_LOOP_H
#define MG_TRAIN_LOOP_H
#include "train/config.h"

int train_run(const TrainConfig *c);
#endif
