/* dsyevd with eigenvalues sorted descending (see sym_eig.h). */
#include "analysis/sym_eig.h"
#include "core/error.h"
#include "core/threads.h"
#include <stdlib.h>
#include <string.h>

void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len, size_t uplo_len);

int sym_eig_desc(const char *what, double *a, int n, double *w, int vectors) {
    if (n < 1) return mg_error_set("%s: empty matrix", what);
    const char jobz = vectors ? 'V' : 'N', uplo = 'U';
    int lwork = -1, liwork = -1, info = 0, iq;
    double wq;
    int old = mg_get_threads();
    mg_set_threads(1);
    dsyevd_(&jobz, &uplo, &n, a, &n, w, &wq, &lwork, &iq, &liwork, &info, 1, 1);
    if (!info) {
        lwork = (int)wq + 1;
        liwork = iq > 1 ? iq : 1;
        double *work = mg_xmalloc((size_t)lwork * sizeof(double));
        int *iwork = mg_xmalloc((size_t)liwork * sizeof(int));
        dsyevd_(&jobz, &uplo, &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
        free(work);
        free(iwork);
    }
    mg_set_threads(old);
    if (info) return mg_error_set("%s: LAPACK dsyevd failed (info %d): is the matrix finite?", what, info);
    /* ascending -> descending; the matrix is symmetric, so the Fortran column k = our row k */
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        double t = w[i]; w[i] = w[j]; w[j] = t;
        if (vectors) {
            double *ri = a + (size_t)i * n, *rj = a + (size_t)j * n;
            for (int c = 0; c < n; c++) { t = ri[c]; ri[c] = rj[c]; rj[c] = t; }
        }
    }
    return 0;
}
