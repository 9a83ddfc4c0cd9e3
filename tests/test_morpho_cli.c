/* The synth and morpho commands end to end (run from the repository root, as tests/run.sh does):
 * files written, flagged rows for unreadable PNGs with one-line errors naming the file, compare on
 * folders and on a table, one-line errors for bad options. */
#include "io/csv.h"
#include "test.h"
#include "cli_harness.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(synth_then_morpho_then_compare) {
    char a[1024];
    snprintf(a, sizeof a, "synth -o %s/ds -n 60 --seed 5 --contact-sheet %s/sheet.png --sheet-n 3", dir, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "%s/sheet.png", dir);
    CHECK(access(a, R_OK) == 0);
    snprintf(a, sizeof a, "morpho %s/ds -o %s/m.csv", dir, dir);
    CHECK(run(a) == 0);
    CsvTable t;
    snprintf(a, sizeof a, "%s/m.csv", dir);
    CHECK(csv_read(a, &t) == 0);
    CHECK(t.n_rows == 60);
    int okc = csv_column(&t, "ok"), gc = csv_column(&t, "group"), ok = 0, treated = 0;
    CHECK(okc >= 0 && gc >= 0 && csv_column(&t, "efd10_d") >= 0 && csv_column(&t, "bending") >= 0);
    for (int r = 0; r < t.n_rows; r++) {
        ok += !strcmp(t.rows[r][okc], "1");
        treated += !strcmp(t.rows[r][gc], "treated");
    }
    CHECK(ok >= 58 && treated == 30);
    csv_free(&t);
    snprintf(a, sizeof a, "morpho compare %s/m.csv --by group --groups control,treated -o %s/c.csv", dir, dir);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("out.txt", "bending", &m) >= 8 && m == 1);
    snprintf(a, sizeof a, "morpho compare %s/ds/control %s/ds/treated -o %s/c2.csv", dir, dir, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "%s/c2.csv", dir);
    CHECK(csv_read(a, &t) == 0);
    CHECK(t.n_rows == 7 && csv_column(&t, "cohens_d") >= 0 && csv_column(&t, "p") >= 0);
    CHECK(!strcmp(t.rows[0][0], "length") && !strcmp(t.rows[0][1], "control") && !strcmp(t.rows[0][2], "treated"));
    CHECK(atof(t.rows[0][csv_column(&t, "diff")]) < 0);      /* treated valves are shorter */
    CHECK(csv_column(&t, "ks") >= 0 && atof(t.rows[0][csv_column(&t, "ks")]) > 0.1);   /* length differs */
    csv_free(&t);
    /* the KS check: a set against an identical copy passes; control against treated fails on bending */
    snprintf(a, sizeof a, "synth -o %s/ds2 -n 60 --seed 5", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "morpho compare %s/ds/control %s/ds2/control --columns length,bending --ks-max 0.15 -o %s/c3.csv", dir, dir, dir);
    CHECK(run(a) == 0);
    CHECK(count_lines("out.txt", "KS check (each < 0.15): length 0.000 ok; bending 0.000 ok -> PASS", &m) > 0 && m == 1);
    snprintf(a, sizeof a, "morpho compare %s/ds/control %s/ds/treated --columns bending --ks-max 0.15 -o %s/c4.csv", dir, dir, dir);
    CHECK(run(a) == 0);
    CHECK(count_lines("out.txt", "-> FAIL", &m) > 0 && m == 1);
}

TEST(corrupt_png_gives_a_flagged_row_and_one_line_naming_it) {
    char a[1024], p[400];
    snprintf(a, sizeof a, "mkdir -p %s/bad && cp %s/ds/control/control_00000.png %s/bad/good.png", dir, dir, dir);
    CHECK(system(a) == 0);
    snprintf(p, sizeof p, "%s/ds/control/control_00001.png", dir);       /* truncated copy */
    FILE *f = fopen(p, "rb");
    unsigned char buf[300];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    snprintf(p, sizeof p, "%s/bad/cut.png", dir);
    f = fopen(p, "wb");
    fwrite(buf, 1, n / 2, f);
    fclose(f);
    snprintf(a, sizeof a, "morpho %s/bad -o %s/bad.csv", dir, dir);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("err.txt", "cut.png", &m) == 1 && m == 1);
    CsvTable t;
    snprintf(a, sizeof a, "%s/bad.csv", dir);
    CHECK(csv_read(a, &t) == 0);
    CHECK(t.n_rows == 2);
    int fc = csv_column(&t, "flag");
    CHECK(!strcmp(t.rows[0][0], "cut.png") && !strcmp(t.rows[0][fc], "unreadable"));
    CHECK(!strcmp(t.rows[1][fc], "ok"));
    csv_free(&t);
    snprintf(a, sizeof a, "morpho %s/bad/cut.png -o %s/bad1.csv", dir, dir);   /* a single file */
    CHECK(run(a) == 0);
    CHECK(count_lines("err.txt", "cut.png", &m) == 1 && m == 1);
}

TEST(bad_options_give_one_line_errors) {
    int m;
    CHECK(run("synth --size banana -o /tmp/x") == 2);
    CHECK(count_lines("err.txt", "--size", &m) == 1 && m == 1);
    CHECK(run("synth") == 2);
    CHECK(count_lines("err.txt", "morphogan synth -o", &m) == 1 && m == 1);
    CHECK(run("morpho --frobnicate") == 2);
    CHECK(count_lines("err.txt", "morphogan morpho --help", &m) == 1 && m == 1);
    CHECK(run("morpho /nonexistent/folder") == 1);
    CHECK(count_lines("err.txt", "/nonexistent/folder", &m) == 1 && m == 1);
    CHECK(run("morpho compare") == 2);
    CHECK(run("synth --help") == 0 && run("morpho --help") == 0);
}

int main(void) {
    if (cli_begin("cli")) return 1;
    RUN(synth_then_morpho_then_compare);
    RUN(corrupt_png_gives_a_flagged_row_and_one_line_naming_it);
    RUN(bad_options_give_one_line_errors);
    cli_end();
    return test_summary();
}
