/* libFuzzer harness for the IDX reader (not part of `make test`).  Each input is written to a
 * memfd and read through its /proc path, as images and as labels (plain or gzip: zlib decides).
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
 *         tests/fuzz/fuzz_idx.c src/data/idx.c src/core/error.c -lz -lm -o /tmp/fuzz_idx
 *   /tmp/fuzz_idx -max_total_time=60 -max_len=2048 -rss_limit_mb=2048
 */
#include "core/error.h"
#include "data/idx.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = memfd_create("idx", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    IdxImages im;
    if (idx_load_images(path, 0, &im) == 0) {
        volatile float s = 0;
        for (size_t i = 0; i < (size_t)im.n * im.h * im.w; i++) s += im.data[i];
        idx_images_free(&im);
    } else if (!strstr(mg_error_get(), path) || strchr(mg_error_get(), '\n')) abort();
    int *labels, n;
    if (idx_load_labels(path, 3, &labels, &n) == 0) free(labels);
    else if (!strstr(mg_error_get(), path)) abort();
    close(fd);
    return 0;
}
