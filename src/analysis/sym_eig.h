/* Eigen-decomposition of a symmetric matrix through LAPACK's dsyevd (the OpenBLAS build exports LAPACK). */
#ifndef MG_SYM_EIG_H
#define MG_SYM_EIG_H
/* a [n,n] symmetric (row-major, both triangles), overwritten.  w[n] = eigenvalues in DESCENDING order; with
 * vectors, row k of a = the unit eigenvector of w[k].  Runs single-threaded (dsyevd's many small BLAS-2
 * calls synchronise badly on a loaded machine; see analysis/fid.c).  0, or -1 + mg_error "what: ...". */
int sym_eig_desc(const char *what, double *a, int n, double *w, int vectors);
#endif
