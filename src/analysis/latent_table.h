/* The latent table: what `encode` writes for a labelled data set and what `analyze` reads.
 *
 *   DIR/codes.npy   float32 or float64 [N, L, D]: one code per image; L = 1 for a single w, L = number
 *                   of synthesis layers for W+ codes ([N, D] is read as L = 1)
 *   DIR/table.csv   header "file,label,split" (other columns ignored), one row per code, same order;
 *                   label = class name (e.g. control / treated), split = train or val
 *
 * latent_table_read() validates everything (row count = N, known split, non-empty labels, finite codes)
 * and returns -1 with a one-line mg_error naming the file otherwise.  Classes are the distinct labels
 * sorted by name (y[i] = index of label[i] in classes) until latent_table_select_classes() picks and
 * orders them (the second of two is the "positive" class of the binary metrics). */
#ifndef MG_LATENT_TABLE_H
#define MG_LATENT_TABLE_H

enum { LT_TRAIN = 0, LT_VAL = 1 };

typedef struct LatentTable {
    int n, L, D;
    float *codes;             /* [n, L, D] */
    char **file, **label;     /* [n] each, owned */
    int *split;               /* [n]: LT_TRAIN or LT_VAL */
    int n_classes;
    char **classes;           /* [n_classes], owned */
    int *y;                   /* [n]: index into classes */
} LatentTable;

int latent_table_read(const char *dir, LatentTable *t);
void latent_table_free(LatentTable *t);              /* safe on a zeroed table */
/* Keeps the rows whose label is one of names[k] (class index = position in names), drops the others.
 * -1 + mg_error when a name is not a label of the table or a class would have no row. */
int latent_table_select_classes(LatentTable *t, int k, const char *const *names);
/* Row index of a file name, or of a decimal row number; -1 when neither. */
int latent_table_find(const LatentTable *t, const char *file_or_index);
int latent_table_count(const LatentTable *t, int split, int cls);   /* split or cls -1: any */

/* Writes DIR/codes.npy (float32 [n,L,D]) and DIR/table.csv (atomically, DIR must exist). */
int latent_table_write(const char *dir, int n, int L, int D, const float *codes, const char *const *file,
                       const char *const *label, const int *split);
#endif
