/* Error reporting.  Two kinds:
 *  - user errors (bad file, bad option): functions return -1 after mg_error_set("file: what is wrong");
 *    the CLI prints mg_error_get() on one line and exits non-zero.
 *  - programming errors (shape mismatch in an op): mg_fatal prints the message and aborts. */
#ifndef MG_ERROR_H
#define MG_ERROR_H
#include <stddef.h>

int mg_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *mg_error_get(void);
_Noreturn void mg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define MG_CHECK(cond, ...) do { if (!(cond)) mg_fatal(__VA_ARGS__); } while (0)

void *mg_xmalloc(size_t n);            /* malloc or fatal "out of memory" */
void *mg_xcalloc(size_t n, size_t sz);
#endif
