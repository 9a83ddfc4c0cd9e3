/* morphogan train-course end to end (run from the repository root, as tests/run.sh does):
 * exact resume, one-line errors for bad options, a corrupt checkpoint, a mismatched run, missing data. */
#include "test.h"
#include "cli_harness.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DATA "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
static int last_line(const char *path, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    out[0] = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) snprintf(out, cap, "%s", line);
    fclose(f);
    return 0;
}

/* the log's columns up to the wall-clock seconds */
static void strip_seconds(char *line) { char *c = strrchr(line, ','); if (c) *c = 0; }

static int same_file(const char *a, const char *b) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    return system(cmd) == 0;
}

TEST(resume_continues_exactly) {
    char a[2048], l1[1024], l2[1024], p1[512], p2[512];
    const char *common = "--data " DATA " --max-images 256 --batch 32 --snap 3 --seed 4 --threads 2";
    snprintf(a, sizeof a, "train-course %s --steps 6 --outdir %s/straight", common, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train-course %s --steps 3 --outdir %s/resumed", common, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train-course %s --steps 6 --outdir %s/resumed --resume %s/resumed/checkpoint.safetensors",
             common, dir, dir);
    CHECK(run(a) == 0);
    snprintf(p1, sizeof p1, "%s/straight/log.csv", dir);
    snprintf(p2, sizeof p2, "%s/resumed/log.csv", dir);
    CHECK(last_line(p1, l1, sizeof l1) == 0 && last_line(p2, l2, sizeof l2) == 0);
    strip_seconds(l1);
    strip_seconds(l2);
    CHECK_MSG(l1[0] == '6' && !strcmp(l1, l2), "straight '%s' vs resumed '%s'", l1, l2);
    snprintf(p1, sizeof p1, "%s/straight/samples_000006.png", dir);
    snprintf(p2, sizeof p2, "%s/resumed/samples_000006.png", dir);
    CHECK(same_file(p1, p2));
    snprintf(p1, sizeof p1, "%s/straight/checkpoint.safetensors", dir);
    snprintf(p2, sizeof p2, "%s/resumed/checkpoint.safetensors", dir);
    CHECK(same_file(p1, p2));
}

/* the whole training step gives the same bits with 1 and 2 threads */
TEST(same_numbers_for_any_thread_count) {
    char a[2048], p1[512], p2[512];
    for (int t = 1; t <= 2; t++) {
        snprintf(a, sizeof a, "train-course --data " DATA " --max-images 256 --batch 32 --steps 3 --snap 3 --seed 9 "
                 "--loss wgan-gp --threads %d --outdir %s/threads%d", t, dir, t);
        CHECK(run(a) == 0);
    }
    snprintf(p1, sizeof p1, "%s/threads1/checkpoint.safetensors", dir);
    snprintf(p2, sizeof p2, "%s/threads2/checkpoint.safetensors", dir);
    CHECK(same_file(p1, p2));
}

TEST(bad_checkpoints_and_options_give_one_line_errors) {
    char a[1024];
    snprintf(a, sizeof a, "head -c 300 %s/straight/checkpoint.safetensors > %s/cut.safetensors", dir, dir);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "train-course --data " DATA " --max-images 64 --batch 32 --steps 2 --outdir %s/x --resume %s/cut.safetensors", dir, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("cut.safetensors"));
    snprintf(a, sizeof a, "train-course --data " DATA " --max-images 64 --batch 32 --steps 8 --loss wgan-gp --outdir %s/x --resume %s/straight/checkpoint.safetensors", dir, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("--loss"));
    CHECK(run("train-course --steps abc") == 2);
    CHECK(one_line_error_with("--steps"));
    CHECK(run("train-course --frobnicate") == 2);
    CHECK(one_line_error_with("--help"));
    CHECK(run("train-course --loss hinge") == 2);
    CHECK(one_line_error_with("bce or wgan-gp"));
    snprintf(a, sizeof a, "train-course --data %s/no-such-file.gz --outdir %s/x", dir, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("no-such-file.gz"));
}

int main(void) {
    if (cli_begin("train")) return 1;
    if (access(DATA, R_OK) != 0) { printf("%s missing: run tools/install-deps.sh\n", DATA); return 1; }
    RUN(resume_continues_exactly);
    RUN(same_numbers_for_any_thread_count);
    RUN(bad_checkpoints_and_options_give_one_line_errors);
    cli_end();
    return test_summary();
}
