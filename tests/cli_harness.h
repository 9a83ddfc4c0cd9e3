/* Shared plumbing of the tests that run the morphogan program end to end (run from the repository
 * root, as tests/run.sh does): the binary ($BUILD/morphogan), a scratch folder, and reading what a
 * command printed.  cli_begin() in main() before the tests, cli_end() after. */
#ifndef MG_CLI_HARNESS_H
#define MG_CLI_HARNESS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256], bin[256];

/* runs `morphogan <args>` with stdout and stderr into dir/out.txt and dir/err.txt; the exit status */
static int run(const char *args) {
    char cmd[3200];
    snprintf(cmd, sizeof cmd, "%s %s >%s/out.txt 2>%s/err.txt", bin, args, dir, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* lines of dir/name; *matching = lines containing must_contain (when not NULL) */
__attribute__((unused)) static int count_lines(const char *name, const char *must_contain, int *matching) {
    char p[400], line[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    int n = 0;
    *matching = 0;
    while (f && fgets(line, sizeof line, f)) {
        n++;
        if (must_contain && strstr(line, must_contain)) (*matching)++;
    }
    if (f) fclose(f);
    return n;
}

/* stderr of the last run is exactly one line, and it contains needle */
__attribute__((unused)) static int one_line_error_with(const char *needle) {
    int m;
    return count_lines("err.txt", needle, &m) == 1 && m == 1;
}

/* finds the binary and makes an empty scratch folder /tmp/mg_test_<tag>_<pid>; 0 or -1 */
static int cli_begin(const char *tag) {
    const char *b = getenv("BUILD");
    snprintf(bin, sizeof bin, "%s/morphogan", b && *b ? b : "build");
    if (access(bin, X_OK) != 0) {
        printf("%s not built\n", bin);
        return -1;
    }
    snprintf(dir, sizeof dir, "/tmp/mg_test_%s_%d", tag, (int)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    return system(cmd) ? -1 : 0;
}

static void cli_end(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
}
#endif
