/* `morphogan report` end to end (run from the repository root, as tests/run.sh does): the default
 * output path, one-line errors (missing or wrong run folder, bad options, unwritable output), a malformed
 * file as a warning naming file and line (exit 0) or, with --strict, as the error (exit 1, nothing
 * written), half-truncated inputs, no temporary file left behind. */
#include "test.h"
#include "cli_harness.h"
#include "report_run.h"
#include <dirent.h>
#include <string.h>
#include <unistd.h>

static char run_dir[300];

TEST(default_output_in_the_run_folder) {
    char a[1024], p[400];
    snprintf(a, sizeof a, "report %s", run_dir);
    CHECK(run(a) == 0);
    snprintf(p, sizeof p, "%s/report.html", run_dir);
    CHECK(access(p, R_OK) == 0);
    int m;
    CHECK(count_lines("out.txt", "wrote ", &m) == 1 && m == 1);
    CHECK(count_lines("err.txt", NULL, &m) == 0);
    CHECK(run("report --help") == 0 && count_lines("out.txt", "--strict", &m) > 3 && m >= 1);
}

TEST(one_line_errors) {
    char a[1024];
    snprintf(a, sizeof a, "report %s/nope", dir);
    CHECK(run(a) == 1 && one_line_error_with("nope: no such run folder"));
    snprintf(a, sizeof a, "report %s/log.csv", run_dir);
    CHECK(run(a) == 1 && one_line_error_with("not a folder"));
    CHECK(run("report") == 2 && one_line_error_with("give the run folder"));
    snprintf(a, sizeof a, "report %s --colour", run_dir);
    CHECK(run(a) == 2 && one_line_error_with("unknown option '--colour'"));
    snprintf(a, sizeof a, "report %s %s", run_dir, run_dir);
    CHECK(run(a) == 2 && one_line_error_with("one run folder only"));
    snprintf(a, sizeof a, "report %s -o", run_dir);
    CHECK(run(a) == 2 && one_line_error_with("-o needs a file name"));
    snprintf(a, sizeof a, "report %s -o %s/no/such/dir/r.html", run_dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("r.html: cannot create a temporary file"));
}

TEST(malformed_file_warns_with_file_and_line_or_fails_under_strict) {
    char a[1400];
    char bad[400];
    snprintf(bad, sizeof bad, "%s/bad", dir);
    snprintf(a, sizeof a, "mkdir -p %s && cp -r %s/. %s/", bad, run_dir, bad);
    CHECK(system(a) == 0);
    CHECK(rr_write(bad, "metrics.csv", "step,kimg,metric,value\n20,1.28,fid,80.5\n40,2.56,fid,sixty\n") == 0);
    snprintf(a, sizeof a, "report %s -o %s/w.html", bad, dir);
    CHECK(run(a) == 0);
    CHECK(one_line_error_with("warning: "));
    CHECK(one_line_error_with("/bad/metrics.csv: line 3: column 'value': 'sixty' is not a number"));
    int m;
    CHECK(count_lines("out.txt", "1 warning", &m) == 1 && m == 1);
    snprintf(a, sizeof a, "report %s -o %s/s.html --strict", bad, dir);
    CHECK(run(a) == 1 && one_line_error_with("metrics.csv: line 3: column 'value'"));
    snprintf(a, sizeof a, "%s/s.html", dir);
    CHECK(access(a, F_OK) != 0);
}

/* every CSV of the run cut in the middle of a line: the command still writes the page (exit 0) and every
 * line on stderr is a warning */
TEST(half_truncated_inputs_warn_and_still_write) {
    char a[2400];
    char cut[400];
    snprintf(cut, sizeof cut, "%s/cut", dir);
    snprintf(a, sizeof a, "mkdir -p %s && cp -r %s/. %s/ && cd %s && for f in *.csv analysis/*.csv recon/*.csv walks/*.csv; do "
             "n=$(wc -c < $f); head -c $((n / 2 + 3)) $f > $f.x && mv $f.x $f; done", cut, run_dir, cut, cut);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "report %s -o %s/cut.html", cut, dir);
    CHECK(run(a) == 0);
    int m, n = count_lines("err.txt", "morphogan report: warning: ", &m);
    CHECK_MSG(n >= 5 && m == n, "%d lines, %d warnings", n, m);
    snprintf(a, sizeof a, "%s/cut.html", dir);
    CHECK(access(a, R_OK) == 0);
}

TEST(no_temporary_file_is_left) {
    DIR *d = opendir(run_dir);
    int tmps = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) tmps += strstr(e->d_name, ".tmp") != NULL;
    if (d) closedir(d);
    CHECK(d && tmps == 0);
}

int main(void) {
    if (cli_begin("report_cli")) return 1;
    snprintf(run_dir, sizeof run_dir, "%s/run", dir);
    char a[400];
    snprintf(a, sizeof a, "mkdir -p %s", run_dir);
    if (system(a) || make_report_run(run_dir)) { printf("could not write the synthetic run\n"); return 1; }
    RUN(default_output_in_the_run_folder);
    RUN(one_line_errors);
    RUN(malformed_file_warns_with_file_and_line_or_fails_under_strict);
    RUN(half_truncated_inputs_warn_and_still_write);
    RUN(no_temporary_file_is_left);
    cli_end();
    return test_summary();
}
