/* Shared plumbing of the analysis tests: a scratch folder and the scikit-learn peer.
 *   tmpdir             the folder, made by scratch_begin("tag") as /tmp/mg_<tag>_XXXXXX (0, or -1 with a message)
 *   P(name)            tmpdir/name (four rotating buffers, so a call may hold a few paths at once)
 *   scratch_end()      removes the folder
 *   have_sklearn()     whether Debian's python3-sklearn imports (asked once; says so when it does not) */
#ifndef MG_SCRATCH_DIR_H
#define MG_SCRATCH_DIR_H
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[128];

__attribute__((unused)) static int scratch_begin(const char *tag) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mg_%s_XXXXXX", tag);
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return -1; }
    return 0;
}

__attribute__((unused)) static void scratch_end(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmpdir);
}

__attribute__((unused)) static const char *P(const char *name) {
    static char b[4][512];
    static int k;
    char *o = b[k++ & 3];
    snprintf(o, sizeof b[0], "%s/%s", tmpdir, name);
    return o;
}

__attribute__((unused)) static int have_sklearn(void) {
    static int have = -1;
    if (have < 0) have = system("/usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1") == 0;
    if (!have) printf("     scikit-learn absent (python3-sklearn): its comparisons skipped\n");
    return have;
}
#endif
