/* morpho compare: per measure, two groups of rows of a measures table -> means, difference, Cohen's d
 * with its CI, Welch's t-test (stats.h).  Rows with ok = 0 (when an "ok" column exists) and empty or
 * non-numeric cells are left out. */
#ifndef MG_COMPARE_H
#define MG_COMPARE_H
#include "io/csv.h"
#include "morpho/stats.h"
#include <stdio.h>

typedef struct CompareResult {
    char column[64];
    int ok;                  /* 0 when a group had fewer than 2 values */
    GroupComparison g;
} CompareResult;

/* Compares group_b against group_a (the reference) on each of the n_cols named columns.
 * res: n_cols entries.  Returns 0, or -1 (message) when a column or label is missing. */
int compare_table(const CsvTable *t, const char *label_col, const char *group_a, const char *group_b,
                  const char *const *cols, int n_cols, CompareResult *res);

/* The first two distinct values of label_col in row order (pointers into t). -1 if fewer than two. */
int compare_find_groups(const CsvTable *t, const char *label_col, const char **a, const char **b);

void compare_print(FILE *f, const char *group_a, const char *group_b, const CompareResult *res, int n);
int compare_write_csv(const char *path, const char *group_a, const char *group_b, const CompareResult *res, int n);
#endif
