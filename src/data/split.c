/* Stratified split: one permutation per label, drawn in label order from one Philox stream. */
#include "data/split.h"
#include "core/error.h"
#include "core/rng.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void split_free(Split *s) { free(s->train); free(s->val); memset(s, 0, sizeof *s); }

int split_stratified(const int *labels, int n, double frac, uint64_t seed, Split *out) {
    memset(out, 0, sizeof *out);
    if (!(frac >= 0 && frac <= 1)) return mg_error_set("split fraction must be in [0, 1], not %g", frac);
    int max_label = -1;
    for (int i = 0; i < n; i++) if (labels[i] > max_label) max_label = labels[i];
    char *is_train = calloc(n + 1, 1);
    int *members = malloc(sizeof(int) * (n + 1)), *perm = malloc(sizeof(int) * (n + 1));
    out->train = malloc(sizeof(int) * (n + 1));
    out->val = malloc(sizeof(int) * (n + 1));
    if (!is_train || !members || !perm || !out->train || !out->val) {
        free(is_train); free(members); free(perm); split_free(out);
        return mg_error_set("out of memory");
    }
    Rng r = rng_new(seed);
    for (int lab = -1; lab <= max_label; lab++) {           /* labels < -1 count as -1 */
        int m = 0;
        for (int i = 0; i < n; i++) if ((labels[i] < 0 ? -1 : labels[i]) == lab) members[m++] = i;
        if (!m) continue;
        rng_permutation(&r, perm, m);
        int nt = (int)floor(frac * m + 0.5);
        for (int k = 0; k < nt; k++) is_train[members[perm[k]]] = 1;
    }
    for (int i = 0; i < n; i++) {
        if (is_train[i]) out->train[out->n_train++] = i;
        else out->val[out->n_val++] = i;
    }
    free(is_train); free(members); free(perm);
    return 0;
}
