/* Seeded train/validation split, stratified by label: within each label (and among the unlabelled,
 * label -1) the images are permuted with Philox(seed) and the first round(frac * n_label) go to
 * train, the rest to validation.  Both index lists are in ascending order. */
#ifndef MG_SPLIT_H
#define MG_SPLIT_H
#include <stdint.h>

typedef struct Split {
    int n_train, n_val;
    int *train;            /* [n_train] indices into the data set, ascending */
    int *val;              /* [n_val] */
} Split;

/* labels [n] (class index or -1); frac in [0, 1].  0, or -1 (bad frac, out of memory). */
int split_stratified(const int *labels, int n, double frac, uint64_t seed, Split *out);
void split_free(Split *s);
#endif
