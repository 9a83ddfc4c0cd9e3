/* `morphogan demo` end to end at toy size (120 diatoms, 0.1 kimg of training, 8 encoder steps): every
 * stage runs (synth, align, train, train-encoder, encode, analyze, walk, report), the summary is printed,
 * and a second run skips the finished stages.  The output folder's parent does not exist beforehand (as out/ in
 * a fresh clone).  The numbers of a toy run mean nothing; the plumbing does. */
#include "cli_harness.h"
#include "test.h"
#include <sys/stat.h>

static int exists_in(const char *rel) {
    char p[600];
    struct stat st;
    snprintf(p, sizeof p, "%s/out/demo/%s", dir, rel);
    return stat(p, &st) == 0;
}

TEST(toy_demo_runs_every_stage_and_resumes) {
    char a[600];
    snprintf(a, sizeof a, "demo --outdir %s/out/demo --n 120 --kimg 0.1 --encoder-steps 8 --threads 2", dir);
    int rc = run(a);
    CHECK_MSG(rc == 0, "demo exit %d (see %s/err.txt)", rc, dir);
    int m;
    count_lines("out.txt", "== summary", &m);
    CHECK(m == 1);
    count_lines("out.txt", "latent linear SVM accuracy", &m);
    CHECK(m == 1);
    const char *made[] = {".stage_synth", ".stage_align", ".stage_train", ".stage_train-encoder", ".stage_encode",
                          ".stage_analyze", ".stage_analyze-hybrid", ".stage_walk", ".stage_report", "aligned/dataset.csv", "data/truth.csv",
                          "checkpoint.safetensors", "encoder/encoder.safetensors", "codes.npy",
                          "hybrid/codes.npy", "hybrid/analysis/direction_mean_diff.npy", "effect.csv", "report.html"};
    for (size_t k = 0; k < sizeof made / sizeof *made; k++) CHECK_MSG(exists_in(made[k]), "missing %s", made[k]);
    /* again: nothing to redo */
    rc = run(a);
    CHECK(rc == 0);
    count_lines("out.txt", "done before", &m);
    CHECK_MSG(m == 9, "%d stages skipped, expected 9", m);
}

TEST(bad_option_is_one_line) {
    CHECK(run("demo --kimg -3") == 2 && one_line_error_with("--kimg"));
    CHECK(run("demo --colour red") == 2 && one_line_error_with("--colour"));
}

int main(void) {
    if (cli_begin("demo")) return 1;
    RUN(toy_demo_runs_every_stage_and_resumes);
    RUN(bad_option_is_one_line);
    cli_end();
    return test_summary();
}
