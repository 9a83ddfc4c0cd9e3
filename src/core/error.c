#include "core/error.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char err_buf[1024];

int mg_error_set(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_buf, sizeof err_buf, fmt, ap);
    va_end(ap);
    return -1;
}

const char *mg_error_get(void) { return err_buf[0] ? err_buf : "unknown error"; }

_Noreturn void mg_fatal(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("morphogan: internal error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void *mg_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) mg_fatal("out of memory allocating %zu bytes", n);
    return p;
}

void *mg_xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) mg_fatal("out of memory allocating %zu x %zu bytes", n, sz);
    return p;
}
