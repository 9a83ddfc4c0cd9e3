/* Cached real-set statistics of the metrics command: a safetensors file holding
 *   "features" F32 [n,d]   the feature rows (KID and precision/recall need them, not only moments)
 *   "mu" F32 [d], "cov" F32 [d,d]   mean and unbiased covariance, for other tools (FID recomputes them
 *                                  from the features in double precision)
 * and metadata {"kind": "morphogan-real-stats-v1", "net": <feature network fingerprint>, "source": <what
 * images, e.g. "train.gz skip 0 max 30000">}. */
#ifndef MG_STATS_FILE_H
#define MG_STATS_FILE_H
#include "analysis/metrics.h"

typedef struct RealStats {
    long n;
    int d;
    float *features;        /* [n,d] */
    char net[17];           /* fingerprint of the network the features come from */
    char *source;
} RealStats;

int stats_file_write(const char *path, const float *features, long n, int d, const char *net, const char *source);
int stats_file_read(const char *path, RealStats *out);            /* 0, or -1 + mg_error */
void real_stats_free(RealStats *s);
#endif
