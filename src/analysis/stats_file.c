/* Real-set statistics files.  See stats_file.h. */
#include "analysis/stats_file.h"
#include "core/error.h"
#include "io/safetensors.h"
#include <stdlib.h>
#include <string.h>

int stats_file_write(const char *path, const float *features, long n, int d, const char *net, const char *source) {
    FeatStats s;
    if (n > 2147483647L) return mg_error_set("%s: too many feature rows", path);
    if (feat_stats(features, n, d, &s)) return -1;
    float *mu = mg_xmalloc((size_t)d * sizeof(float)), *cov = mg_xmalloc((size_t)d * d * sizeof(float));
    for (int j = 0; j < d; j++) mu[j] = (float)s.mu[j];
    for (size_t j = 0; j < (size_t)d * d; j++) cov[j] = (float)s.cov[j];
    StWriter w;
    st_writer_init(&w);
    st_writer_add(&w, "features", 2, (int[]){(int)n, d}, features);
    st_writer_add(&w, "mu", 1, (int[]){d}, mu);
    st_writer_add(&w, "cov", 2, (int[]){d, d}, cov);
    st_writer_meta(&w, "kind", "morphogan-real-stats-v1");
    st_writer_meta(&w, "net", net);
    st_writer_meta(&w, "source", source);
    int rc = st_write(&w, path);
    st_writer_free(&w);
    feat_stats_free(&s);
    free(mu);
    free(cov);
    return rc;
}

int stats_file_read(const char *path, RealStats *out) {
    memset(out, 0, sizeof *out);
    StFile f;
    if (st_open(path, &f)) return -1;
    const char *kind = st_meta(&f, "kind"), *net = st_meta(&f, "net"), *src = st_meta(&f, "source");
    const StTensor *t = st_find(&f, "features");
    int rc = 0;
    if (!kind || strcmp(kind, "morphogan-real-stats-v1"))
        rc = mg_error_set("%s: not a statistics file written by morphogan metrics (metadata kind = %s)", path,
                          kind ? kind : "absent");
    else if (!net || strlen(net) != 16) rc = mg_error_set("%s: no feature network fingerprint in the metadata", path);
    else if (!t || t->ndim != 2 || t->shape[0] < 2 || t->shape[1] < 1)
        rc = mg_error_set("%s: needs a 'features' tensor [n >= 2, d]", path);
    if (!rc) {
        out->n = (long)t->shape[0];
        out->d = (int)t->shape[1];
        out->features = mg_xmalloc(t->numel * sizeof(float));
        st_read_f32(t, out->features);
        memcpy(out->net, net, 17);
        out->source = strdup(src ? src : "");
    }
    st_close(&f);
    return rc;
}

void real_stats_free(RealStats *s) {
    free(s->features);
    free(s->source);
    memset(s, 0, sizeof *s);
}
