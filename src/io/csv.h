/* Small CSV reader: a header line and rows of fields (RFC 4180 quoting: "a,b" and "" inside quotes).
 * The whole table is kept in memory: cell(r, c) = rows[r][c], NULL-free (missing fields are ""). */
#ifndef MG_CSV_H
#define MG_CSV_H
#include <stdio.h>

typedef struct CsvTable {
    int n_cols, n_rows;
    char **header;            /* n_cols names */
    char ***rows;             /* n_rows x n_cols fields */
    int *line;                /* n_rows: the file line each row came from (the header is line 1) */
    int *n_fields;            /* n_rows: how many fields the row had before padding or cutting to n_cols */
} CsvTable;

int csv_read(const char *path, CsvTable *t);        /* 0, or -1 with "path: line N: ..." */
void csv_free(CsvTable *t);
int csv_column(const CsvTable *t, const char *name);   /* index or -1 */
/* Writes s as one CSV field (quoted when it holds a comma, quote or newline). */
void csv_write_field(FILE *f, const char *s);
#endif
