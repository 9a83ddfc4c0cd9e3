/* Atomic text outputs (see atomic_file.h). */
#include "io/atomic_file.h"
#include "core/error.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *atomic_open(AtomicFile *af, const char *path) {
    memset(af, 0, sizeof *af);
    size_t n = strlen(path) + 16;
    af->tmp = mg_xmalloc(n);
    snprintf(af->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        mg_error_set("%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        free(af->tmp);
        af->tmp = NULL;
        return NULL;
    }
    fchmod(fd, 0644);
    af->f = fdopen(fd, "w");
    if (!af->f) {
        mg_error_set("%s: cannot open: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        free(af->tmp);
        af->tmp = NULL;
        return NULL;
    }
    af->path = strdup(path);
    return af->f;
}

int atomic_close(AtomicFile *af, int discard) {
    if (!af->f) return discard ? 0 : mg_error_set("atomic_close: file not open");
    int bad = ferror(af->f) || fflush(af->f) || fsync(fileno(af->f));
    int err = errno;
    if (fclose(af->f) && !bad) { bad = 1; err = errno; }
    if (!bad && !discard && rename(af->tmp, af->path)) { bad = 1; err = errno; }
    if (bad || discard) unlink(af->tmp);
    int rc = bad && !discard ? mg_error_set("%s: write failed: %s", af->path, strerror(err)) : 0;
    free(af->path);
    free(af->tmp);
    memset(af, 0, sizeof *af);
    return rc;
}
