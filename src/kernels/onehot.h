/* One-hot encoding (raw pointers).  CPU version: kernels/cpu/onehot.c. */
#ifndef MG_K_ONEHOT_H
#define MG_K_ONEHOT_H
/* out [N,K]: out[n, labels[n]] = 1, 0 elsewhere (labels already checked to lie in [0, K)) */
void cpu_one_hot(int N, int K, const int *labels, float *out);
#endif
