/* What the report's sections share: the run folder, the page being built, warnings.  One file per
 * group of sections (report_train.c, report_recon.c, report_classify.c, report_latent.c, report_walks.c). */
#ifndef MG_REPORT_CTX_H
#define MG_REPORT_CTX_H
#include "report/strbuf.h"
#include <stddef.h>

#define REPORT_PATH 4096

typedef struct Report {
    const char *run;            /* the run folder */
    StrBuf body;                /* the sections, in order */
    StrBuf toc;                 /* list items of the contents */
    int strict;                 /* warnings are not printed: the first one becomes the error */
    int n_warnings;
    char first_warning[1024];
} Report;

/* RUN/name into out; -1 when it does not fit */
int report_path(const Report *r, const char *name, char *out);
int report_has(const Report *r, const char *name);      /* RUN/name is a regular file */
/* a section heading, and its line in the contents ("not computed" when !present) */
void report_section(Report *r, const char *id, const char *title, int present);
/* a malformed input: printed to stderr as "morphogan report: warning: msg" and shown in the page */
void report_warn(Report *r, const char *msg);
/* a number for a table cell: %.4g, "" for NAN */
void report_fmt(double v, char *out, size_t cap);

void section_summary(Report *r);        /* config.json */
void section_training(Report *r);       /* log.csv */
void section_samples(Report *r);        /* the newest samples_*.png */
void section_metrics(Report *r);        /* metrics.csv */
void section_recon(Report *r);          /* recon/grid.png, recon/errors.csv */
void section_classify(Report *r);       /* analysis/classify.csv, analysis/confusion_*.csv */
void section_pca(Report *r);            /* analysis/pca_spectrum.csv, analysis/pca_projection.csv */
void section_tsne(Report *r);           /* analysis/tsne.csv */
void section_distances(Report *r);      /* analysis/distances.csv */
void section_walks(Report *r);          /* walks/<name>.png, walks/walks.csv */
void section_effect(Report *r);         /* effect.csv */

/* the regular files of folder RUN/sub ("" = RUN) named prefix*suffix (suffix case-insensitive), sorted
 * by name (malloc'd, *n of them) */
char **report_list(const Report *r, const char *sub, const char *prefix, const char *suffix, int *n);
void report_free_list(char **names, int n);
#endif
