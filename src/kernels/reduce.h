/* Reduction kernels (raw pointers). */
#ifndef MG_K_REDUCE_H
#define MG_K_REDUCE_H
#include <stddef.h>
/* x contiguous with 4-D shape; axes4: bit i set = sum over dim i; out is contiguous in the
 * shape of x with reduced dims set to 1.  Summation order is fixed (independent of threads). */
void cpu_reduce_sum(const int *shape4, unsigned axes4, const float *x, float *out);
/* the same reduction of the elementwise product x * y (both contiguous, same shape), without writing the
 * product: the same float products summed in the same order as cpu_reduce_sum of mg_mul's result */
void cpu_reduce_sum_prod(const int *shape4, unsigned axes4, const float *x, const float *y, float *out);
/* out[j] = sum over r of x[r*n + j], r = 0..rows-1 in order (partials of several threads) */
void cpu_sum_rows(int rows, size_t n, const float *x, float *out);
/* y[r] = log sum_j exp(x[r, j]) for rows of length n */
void cpu_logsumexp_rows(long rows, int n, const float *x, float *y);
#endif
