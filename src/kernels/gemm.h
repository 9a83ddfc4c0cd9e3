/* Matrix products.  cpu_gemm wraps OpenBLAS sgemm (row-major):
 * C[M,N] = alpha * op(A) op(B) + beta * C, op(A) = A or A^T stored with leading dims lda, ldb. */
#ifndef MG_K_GEMM_H
#define MG_K_GEMM_H
void cpu_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
              float beta, float *C, int ldc);
/* plain triple loop, the reference the tests compare cpu_gemm against */
void ref_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
              float beta, float *C, int ldc);
#endif
