/* `morphogan report RUN`: one self-contained HTML page of what a run folder holds (training curves,
 * sample and reconstruction grids, classification, PCA, t-SNE, hyperplane distances, walks, morphometric
 * effects).  Every section is optional: absent files give "not computed (run `morphogan ...`)".  The file
 * contracts are in docs/report.md. */
#ifndef MG_REPORT_H
#define MG_REPORT_H

/* Writes the page for run folder `run` to `out` (atomically).  A file that is present but malformed is
 * a warning (stderr and the page) and its section is left out; with strict, the first such warning
 * becomes the error instead and nothing is written.  Returns 0 (n_warnings set) or -1 + mg_error. */
int report_write(const char *run, const char *out, int strict, int *n_warnings);
#endif
