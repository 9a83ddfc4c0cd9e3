#include "morpho/compare.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int compare_find_groups(const CsvTable *t, const char *label_col, const char **a, const char **b) {
    int c = csv_column(t, label_col);
    if (c < 0) return mg_error_set("no column '%s' in the table", label_col);
    *a = *b = NULL;
    for (int r = 0; r < t->n_rows; r++) {
        const char *v = t->rows[r][c];
        if (!*a) *a = v;
        else if (strcmp(v, *a)) { *b = v; break; }
    }
    if (!*b) return mg_error_set("column '%s' holds fewer than two groups", label_col);
    return 0;
}

static double parse_cell(const char *s) {
    if (!s || !*s) return NAN;
    char *end;
    double v = strtod(s, &end);
    return end == s || *end ? NAN : v;
}

int compare_table(const CsvTable *t, const char *label_col, const char *group_a, const char *group_b,
                  const char *const *cols, int n_cols, CompareResult *res) {
    int lc = csv_column(t, label_col), okc = csv_column(t, "ok");
    if (lc < 0) return mg_error_set("no column '%s' in the table", label_col);
    double *x1 = malloc(sizeof(double) * (t->n_rows + 1)), *x2 = malloc(sizeof(double) * (t->n_rows + 1));
    if (!x1 || !x2) { free(x1); free(x2); return mg_error_set("out of memory"); }
    int rc = 0;
    for (int k = 0; k < n_cols && rc == 0; k++) {
        int c = csv_column(t, cols[k]);
        if (c < 0) { rc = mg_error_set("no column '%s' in the table", cols[k]); break; }
        int n1 = 0, n2 = 0;
        for (int r = 0; r < t->n_rows; r++) {
            if (okc >= 0 && strcmp(t->rows[r][okc], "1")) continue;
            const char *g = t->rows[r][lc];
            double v = parse_cell(t->rows[r][c]);
            if (!strcmp(g, group_a)) x1[n1++] = v;
            else if (!strcmp(g, group_b)) x2[n2++] = v;
        }
        snprintf(res[k].column, sizeof res[k].column, "%s", cols[k]);
        res[k].ok = compare_groups(x1, n1, x2, n2, &res[k].g) == 0;
    }
    free(x1); free(x2);
    return rc;
}

void compare_print(FILE *f, const char *a, const char *b, const CompareResult *res, int n) {
    fprintf(f, "%s (reference) vs %s; d = Cohen's d of %s - %s with 95%% CI; p = Welch's t-test, two-sided; KS = two-sample\n"
               "Kolmogorov-Smirnov statistic (sup of the CDF difference)\n", a, b, b, a);
    fprintf(f, "%-14s %6s %6s %11s %11s %11s %8s %22s %9s %9s %6s\n", "measure", "n1", "n2", "mean1", "mean2",
            "diff", "rel", "d [95% CI]", "t", "p", "KS");
    for (int k = 0; k < n; k++) {
        const GroupComparison *g = &res[k].g;
        if (!res[k].ok) { fprintf(f, "%-14s  (fewer than 2 values in a group)\n", res[k].column); continue; }
        char ci[64];
        snprintf(ci, sizeof ci, "%.2f [%.2f, %.2f]", g->d, g->d_lo, g->d_hi);
        fprintf(f, "%-14s %6d %6d %11.4g %11.4g %11.4g %7.1f%% %22s %9.3g %9.2g %6.3f\n", res[k].column, g->n1, g->n2,
                g->mean1, g->mean2, g->diff, 100 * g->rel_diff, ci, g->t, g->p, g->ks);
    }
}

int compare_write_csv(const char *path, const char *a, const char *b, const CompareResult *res, int n) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return mg_error_set("%s: cannot write", tmp);
    fprintf(f, "measure,group1,group2,n1,n2,mean1,mean2,sd1,sd2,diff,rel_diff,cohens_d,d_ci_lo,d_ci_hi,welch_t,welch_df,p,ks,ks_p\n");
    for (int k = 0; k < n; k++) {
        const GroupComparison *g = &res[k].g;
        csv_write_field(f, res[k].column);
        fputc(',', f); csv_write_field(f, a);
        fputc(',', f); csv_write_field(f, b);
        if (!res[k].ok) { fprintf(f, ",%d,%d,,,,,,,,,,,,,,\n", g->n1, g->n2); continue; }
        fprintf(f, ",%d,%d,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", g->n1, g->n2, g->mean1,
                g->mean2, g->sd1, g->sd2, g->diff, g->rel_diff, g->d, g->d_lo, g->d_hi, g->t, g->df, g->p, g->ks, g->ks_p);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return mg_error_set("%s: cannot write", path);
    }
    return 0;
}
