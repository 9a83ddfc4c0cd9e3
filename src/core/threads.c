#include "core/threads.h"
#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <unistd.h>

void mg_set_threads(int n) {
    if (n < 1) n = 1;
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
}

int mg_get_threads(void) { return omp_get_max_threads(); }

void mg_threads_from_env(void) {
    const char *s = getenv("MORPHOGAN_THREADS");
    if (s && atoi(s) > 0) mg_set_threads(atoi(s));
}

/* set `var`=`value` and re-execute, unless the user chose a waiting policy */
static void reexec_with(char **argv, const char *var, const char *value) {
    const char *p = getenv("OMP_WAIT_POLICY"), *c = getenv("GOMP_SPINCOUNT");
    if ((p && *p) || (c && *c)) return;
    setenv(var, value, 1);
    execv("/proc/self/exe", argv);      /* returns only on failure: carry on with the default policy */
}

void mg_default_wait_policy(char **argv) { reexec_with(argv, "GOMP_SPINCOUNT", "30000"); }

void mg_prefer_passive_wait(char **argv) { reexec_with(argv, "OMP_WAIT_POLICY", "passive"); }
