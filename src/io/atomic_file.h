/* Text outputs written atomically: atomic_open() opens "<path>.tmp.XXXXXX" beside the target, the caller
 * writes with stdio, atomic_close() flushes, fsyncs and renames it over <path> (or removes it on error),
 * so a reader never sees half a file and an interrupted run leaves the previous one intact.
 *
 *   AtomicFile af;
 *   FILE *f = atomic_open(&af, "out/classify.csv");     // NULL + mg_error on failure
 *   fprintf(f, ...);
 *   if (atomic_close(&af, 0)) ...                       // 0, or -1 + mg_error "path: ..." */
#ifndef MG_ATOMIC_FILE_H
#define MG_ATOMIC_FILE_H
#include <stdio.h>

typedef struct AtomicFile {
    FILE *f;
    char *path, *tmp;
} AtomicFile;

FILE *atomic_open(AtomicFile *af, const char *path);
/* discard != 0: drop the temporary file, keep the old target.  Frees af's strings either way. */
int atomic_close(AtomicFile *af, int discard);
#endif
