/* Minimal test harness: each tests/test_*.c is one executable.
 * TEST(name) { ... CHECK(cond); CHECK_NEAR(a, b, tol); } and main() { RUN(name); ... return test_summary(); }
 * Prints one line per failed check and a closing "N passed, N failed" line per file; tests/run.sh adds them up. */
#ifndef MG_TEST_H
#define MG_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int test_passed_, test_failed_, test_cur_failed_;
static const char *test_cur_name_;

#define TEST(name) static void name(void)
#define CHECK(cond) do { if (!(cond)) { test_cur_failed_++; \
    fprintf(stderr, "  FAIL %s:%d in %s: %s\n", __FILE__, __LINE__, test_cur_name_, #cond); } } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) { test_cur_failed_++; \
    fprintf(stderr, "  FAIL %s:%d in %s: ", __FILE__, __LINE__, test_cur_name_); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
/* |a-b| <= tol * max(1, |b|) : relative for large values, absolute near zero. */
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    if (!(fabs(a_ - b_) <= (tol) * fmax(1.0, fabs(b_)))) { test_cur_failed_++; \
    fprintf(stderr, "  FAIL %s:%d in %s: %s = %.8g, expected %.8g (tol %g)\n", __FILE__, __LINE__, \
            test_cur_name_, #a, a_, b_, (double)(tol)); } } while (0)
#define RUN(name) do { test_cur_name_ = #name; test_cur_failed_ = 0; name(); \
    if (test_cur_failed_) { test_failed_++; printf("FAIL %s\n", #name); } \
    else { test_passed_++; printf("ok   %s\n", #name); } fflush(stdout); } while (0)

static inline int test_summary(void) {
    printf("%d passed, %d failed\n", test_passed_, test_failed_);
    return test_failed_ ? 1 : 0;
}
#endif
