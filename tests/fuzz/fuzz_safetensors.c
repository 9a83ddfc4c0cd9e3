/* libFuzzer harness for the safetensors reader (not part of `make test`).
 *
 * Build and run (clang with libFuzzer, e.g. Debian's clang-14), from the repository root:
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
 *         tests/fuzz/fuzz_safetensors.c src/io/safetensors.c src/core/error.c -lcjson -lm -o /tmp/fuzz_st
 *   mkdir -p /tmp/st_corpus && cp fixtures/tiny.safetensors /tmp/st_corpus/
 *   /tmp/fuzz_st -max_total_time=60 -max_len=4096 -dict=tests/fuzz/safetensors.dict /tmp/st_corpus
 *
 * Each input is parsed as a whole file; on success every tensor is converted to float (so an
 * out-of-range offset would be caught by ASan), and on failure the message must name the file
 * and be one line. */
#include "core/error.h"
#include "io/safetensors.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    StFile f;
    if (st_parse("fuzz.st", data, size, &f) == 0) {
        for (int i = 0; i < f.n; i++) {
            float *out = malloc(f.t[i].numel * sizeof(float) + 1);     /* numel*4 <= 4*size: bounded */
            st_read_f32(&f.t[i], out);
            free(out);
            (void)st_find(&f, f.t[i].name);
        }
        for (int i = 0; i < f.nmeta; i++) (void)st_meta(&f, f.meta_key[i]);
        st_close(&f);
    } else {
        const char *m = mg_error_get();
        if (strncmp(m, "fuzz.st: ", 9) || strchr(m, '\n')) abort();
    }
    return 0;
}
