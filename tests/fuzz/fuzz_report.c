/* libFuzzer harness for the report's readers (not part of `make test`; tests/test_report.c runs a
 * deterministic version of it).  The first byte picks one input file of a run folder, the rest is its
 * content; the section that reads it must draw or warn, and a warning must name the file on one line.
 *
 *   clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_report.c \
 *         src/report/[a-z]*.c src/io/csv.c src/io/image.c src/core/error.c -lpng -lz -lcjson -lm -o /tmp/fuzz_report
 *   /tmp/fuzz_report -max_total_time=60 -max_len=4096 -rss_limit_mb=2048
 */
#include "report/report_ctx.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *rel; void (*section)(Report *); } files[] = {
    {"log.csv", section_training}, {"metrics.csv", section_metrics}, {"recon/errors.csv", section_recon},
    {"analysis/classify.csv", section_classify}, {"analysis/confusion_svm.csv", section_classify},
    {"analysis/pca_spectrum.csv", section_pca}, {"analysis/pca_projection.csv", section_pca},
    {"analysis/tsne.csv", section_tsne}, {"analysis/distances.csv", section_distances},
    {"walks/walks.csv", section_walks}, {"effect.csv", section_effect}, {"config.json", section_summary},
};
#define N_FILES (sizeof files / sizeof files[0])

static char run[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!run[0]) {
        snprintf(run, sizeof run, "/tmp/fuzz_report_XXXXXX");
        if (!mkdtemp(run)) abort();
        char p[128];
        const char *subs[3] = {"analysis", "recon", "walks"};
        for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", run, subs[i]); mkdir(p, 0755); }
    }
    if (size < 1) return 0;
    size_t k = data[0] % N_FILES;
    char p[256];
    snprintf(p, sizeof p, "%s/%s", run, files[k].rel);
    FILE *f = fopen(p, "wb");
    if (!f) abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    Report r = {.run = run, .strict = 1};        /* strict: warnings recorded, not printed */
    files[k].section(&r);
    if (r.n_warnings && (!strstr(r.first_warning, files[k].rel) || strchr(r.first_warning, '\n'))) abort();
    sb_free(&r.body);
    sb_free(&r.toc);
    unlink(p);
    return 0;
}
