/* Reading the report's CSV inputs by their contract: required columns, one field per header column on
 * every row, numbers that parse; any violation is one message "path: line N: what is wrong". */
#ifndef MG_REPORT_TABLE_H
#define MG_REPORT_TABLE_H
#include "io/csv.h"

/* csv_read, then: every name of `required` (NULL-terminated) is a column, and every row has exactly as
 * many fields as the header.  0, or -1 with mg_error_set (the table is freed). */
int table_read(const char *path, const char *const *required, CsvTable *t);
/* out[r] = the number in column `col` of every row (nan and inf are accepted: a diverged loss is data);
 * an empty field is NAN when allow_empty, else an error.  0 or -1 + "path: line N: column 'c': ..." */
int table_numbers(const CsvTable *t, const char *path, const char *col, int allow_empty, double *out);
/* parses a whole field as a number (surrounding spaces allowed); 0 or -1 */
int table_parse_number(const char *s, double *out);

/* The distinct values of text columns, sorted (byte order), so a label keeps its colour from chart to
 * chart (a histogram by true label and one by prediction share one Labels). */
typedef struct Labels {
    int n;
    char **names;          /* n distinct values, sorted */
} Labels;
void labels_add_column(Labels *l, const CsvTable *t, int col);      /* start from Labels l = {0} */
int *labels_index(const Labels *l, const CsvTable *t, int col);     /* n_rows indices into names (malloc) */
void labels_free(Labels *l);
#endif
