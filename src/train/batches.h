/* Real batches as a pure function of (seed, batch number): batch b of an epoch of n / B batches
 * takes images perm_e[(b mod n/B) * B ...], perm_e a random permutation seeded by (seed, epoch e).
 * So a resumed run sees exactly the batches the uninterrupted run would have seen. */
#ifndef MG_BATCHES_H
#define MG_BATCHES_H

typedef struct Batches {
    const float *data;          /* [n, dim] */
    int n, dim, batch;
    unsigned long long seed;
    int *perm;
    long perm_epoch;
    float *buf;                 /* [batch, dim] */
    const int *labels;          /* [n] or NULL */
    int *lbuf;                  /* [batch]: the labels of the last batch */
} Batches;

/* labels: [n] classes of the images, or NULL */
void batches_init(Batches *b, const float *data, const int *labels, int n, int dim, int batch, unsigned long long seed);
void batches_free(Batches *b);
/* a GanBatchFn: the images of batch `index`; *labels (when not NULL) their classes or NULL */
const float *batches_get(void *batches, long index, const int **labels);
#endif
