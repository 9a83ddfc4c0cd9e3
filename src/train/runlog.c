#include "train/runlog.h"
#include "core/error.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

FILE *runlog_open(const char *dir, const char *name, const char *header, long resume_step) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *keep = NULL;
    size_t n = 0;
    FILE *in = resume_step > 0 ? fopen(path, "r") : NULL;
    if (in) {
        FILE *mem = open_memstream(&keep, &n);
        char line[4096];
        int first = 1;
        while (fgets(line, sizeof line, in)) {
            if (first || strtol(line, NULL, 10) <= resume_step) fputs(line, mem);
            first = 0;
        }
        fclose(in);
        fclose(mem);
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        free(keep);
        mg_error_set("%s: cannot write: %s", path, strerror(errno));
        return NULL;
    }
    if (keep && n) fputs(keep, f);
    else fprintf(f, "%s\n", header);
    free(keep);
    return f;
}
