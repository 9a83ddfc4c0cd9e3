/* libFuzzer harness for the .npy reader (not part of `make test`).  Every input is parsed from memory
 * as float32 and as float64; a rejection must be one line naming the input, an acceptance must give
 * readable data of the announced size (ASan checks the reads).
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
 *         tests/fuzz/fuzz_npy.c src/io/npy.c src/core/error.c -o /tmp/fuzz_npy
 *   /tmp/fuzz_npy -dict=tests/fuzz/npy.dict -max_total_time=60 -max_len=512 -rss_limit_mb=2048
 */
#include "core/error.h"
#include "io/npy.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int want = 0; want < 2; want++) {
        NpyArray a;
        if (npy_parse("in.npy", data, size, want ? NPY_F64 : NPY_F32, &a) == 0) {
            size_t n = 1;
            for (int i = 0; i < a.ndim; i++) n *= (size_t)a.shape[i];
            if (n != a.numel || a.ndim > NPY_MAXDIM) abort();
            volatile double s = 0;
            for (size_t i = 0; i < a.numel; i++) s += want ? ((double *)a.data)[i] : ((float *)a.data)[i];
            npy_free(&a);
        } else {
            const char *m = mg_error_get();
            if (strncmp(m, "in.npy: ", 8) || strchr(m, '\n') || a.data) abort();
        }
    }
    return 0;
}
