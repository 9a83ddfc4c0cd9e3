/* Listing the images of a folder tree, with labels from sub-folder names or from a CSV.
 *   root/<class>/.../NAME.png|jpg|jpeg|tif|tiff  -> label = <class> (the first-level sub-folder)
 *   root/NAME.png                                -> no label ("")
 * Files are sorted by relative path (byte order), hidden files and folders (".name") are skipped. */
#ifndef MG_FOLDER_H
#define MG_FOLDER_H

typedef struct FileList {
    int n, cap;
    char **path;        /* as opened: root/rel */
    char **rel;         /* relative to root, '/'-separated */
    char **label;       /* label text; "" = none */
} FileList;

/* 0, or -1 ("root: no such folder", ...) */
int folder_list_images(const char *root, FileList *out);
void file_list_free(FileList *l);

/* Replaces every label by the CSV's: columns "file" and "label" (else the first two columns).
 * A row's file matches an image's rel path, else its base name; an empty label = kept unlabelled ("").
 * Images without a row get label NULL (the caller rejects them); *unmatched_rows gets the malloc'd list (n_unmatched entries, each a
 * strdup'd file name) of rows naming no image.  0, or -1 on a CSV error. */
int folder_labels_from_csv(FileList *l, const char *csv_path, char ***unmatched_rows, int *n_unmatched);
#endif
