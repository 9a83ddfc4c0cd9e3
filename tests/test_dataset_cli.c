/* The dataset command end to end on synthetic diatoms (453x153, padded and resized): counts per class
 * and split, --out PNGs + CSV, corrupt PNG/JPEG -> one warning line and a skip, --strict -> exit 1 with
 * one line naming the file, bad options -> exit 2 with one line. */
#include "io/csv.h"
#include "io/image.h"
#include "test.h"
#include "cli_harness.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void copy_prefix(const char *from, const char *to, double frac) {
    FILE *f = fopen(from, "rb");
    static unsigned char buf[1 << 20];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    f = fopen(to, "wb");
    if (f) { fwrite(buf, 1, (size_t)(n * frac), f); fclose(f); }
}

TEST(synth_counts_split_and_out) {
    char a[1024];
    snprintf(a, sizeof a, "synth -o %s/ds -n 40 --seed 1 --size 453x153", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 32 --seed 3 --out %s/prep", dir, dir);
    CHECK(run(a) == 0);
    int m;
    count_lines("out.txt", "images: 40 x 1 x 32 x 32 (grey)", &m);
    CHECK(m == 1);
    count_lines("out.txt", "size as read 453x153", &m);
    CHECK(m == 1);
    count_lines("out.txt", "control           16       4      20", &m);
    CHECK(m == 1);
    count_lines("out.txt", "treated           16       4      20", &m);
    CHECK(m == 1);
    count_lines("out.txt", "total             32       8      40", &m);
    CHECK(m == 1);
    CHECK(count_lines("err.txt", NULL, &m) == 0);
    CsvTable t;
    snprintf(a, sizeof a, "%s/prep/dataset.csv", dir);
    CHECK(csv_read(a, &t) == 0);
    CHECK(t.n_rows == 40 && csv_column(&t, "split") == 2 && csv_column(&t, "label") == 1);
    int val = 0;
    for (int r = 0; r < t.n_rows; r++) val += !strcmp(t.rows[r][2], "val");
    CHECK(val == 8 && !strcmp(t.rows[0][0], "control/control_00000.png") && !strcmp(t.rows[0][1], "control"));
    csv_free(&t);
    Image im;
    snprintf(a, sizeof a, "%s/prep/treated/treated_00007.png", dir);
    CHECK(image_read_png(a, &im) == 0 && im.w == 32 && im.h == 32 && im.c == 1);
    /* mean padding: the top row is the background grey, not black */
    int minv = 255;
    for (int x = 0; im.px && x < 32; x++) if (im.px[x] < minv) minv = im.px[x];
    CHECK(minv > 60);
    image_free(&im);
    /* the prepared folder loads again, same counts, with the same seed the same split */
    snprintf(a, sizeof a, "dataset --data %s/prep --size 0 --rgb --seed 3", dir);
    CHECK(run(a) == 0);
    count_lines("out.txt", "images: 40 x 3 x 32 x 32 (RGB)", &m);
    CHECK(m == 1);
    count_lines("out.txt", "total             32       8      40", &m);
    CHECK(m == 1);
}

TEST(corrupt_files_warn_and_skip_or_stop_under_strict) {
    char a[1024], p[600], q[600];
    snprintf(p, sizeof p, "%s/ds/control/control_00001.png", dir);
    snprintf(q, sizeof q, "%s/ds/control/zz_cut.png", dir);
    copy_prefix(p, q, 0.5);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16", dir);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("err.txt", "zz_cut.png", &m) == 1 && m == 1);
    count_lines("err.txt", "morphogan: warning:", &m);
    CHECK(m == 1);
    count_lines("out.txt", "control/zz_cut.png: unreadable:", &m);
    CHECK(m == 1);
    count_lines("out.txt", "total             32       8      40", &m);
    CHECK(m == 1);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16 --strict", dir);
    CHECK(run(a) == 1);
    CHECK(count_lines("err.txt", "zz_cut.png", &m) == 1 && m == 1);
    remove(q);
    /* a JPEG cut after its first header bytes */
    snprintf(q, sizeof q, "%s/ds/treated/zz_bad.jpg", dir);
    FILE *f = fopen(q, "wb");
    static const unsigned char soi[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xDB};
    if (f) { fwrite(soi, 1, sizeof soi, f); fclose(f); }
    CHECK(run(a) == 1);
    CHECK(count_lines("err.txt", "zz_bad.jpg: not a readable JPEG", &m) == 1 && m == 1);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16", dir);
    CHECK(run(a) == 0);
    CHECK(count_lines("err.txt", "zz_bad.jpg", &m) == 1 && m == 1);
    remove(q);
}

TEST(black_filter_option_and_csv_labels) {
    char a[1024], p[600];
    Image b;
    image_alloc(&b, 40, 20, 1);
    for (int i = 0; i < 800; i++) b.px[i] = i % 40 < 12 ? 0 : 180;          /* 30 % black */
    snprintf(p, sizeof p, "%s/ds/treated/zz_cutvalve.png", dir);
    CHECK(image_write_png(p, &b) == 0);
    image_free(&b);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16", dir);
    CHECK(run(a) == 0);
    int m;
    count_lines("out.txt", "treated/zz_cutvalve.png: black fraction 0.30 > 0.20", &m);
    CHECK(m == 1);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16 --max-black 0.35", dir);
    CHECK(run(a) == 0);
    count_lines("out.txt", "total             33       8      41", &m);
    CHECK(m == 1);
    remove(p);
    snprintf(p, sizeof p, "%s/lab.csv", dir);
    FILE *f = fopen(p, "w");
    fprintf(f, "file,label\n");
    for (int i = 0; i < 20; i++) fprintf(f, "control_%05d.png,%s\n", i, i < 5 ? "small" : "big");
    fclose(f);
    snprintf(a, sizeof a, "dataset --data %s/ds --size 16 --labels %s", dir, p);
    CHECK(run(a) == 0);
    count_lines("out.txt", "big               12       3      15", &m);
    CHECK(m == 1);
    count_lines("out.txt", "small              4       1       5", &m);
    CHECK(m == 1);
    count_lines("out.txt", ": no label in", &m);
    CHECK(m == 20);                                  /* the treated images */
}

TEST(bad_options_one_line_exit_2) {
    int m;
    CHECK(run("dataset") == 2);
    CHECK(count_lines("err.txt", "--data", &m) == 1 && m == 1);
    CHECK(run("dataset --data x --size banana") == 2);
    CHECK(count_lines("err.txt", "--size", &m) == 1 && m == 1);
    CHECK(run("dataset --data x --max-black 1.5") == 2);
    CHECK(count_lines("err.txt", "--max-black", &m) == 1 && m == 1);
    CHECK(run("dataset --data x --pad purple") == 2);
    CHECK(count_lines("err.txt", "purple", &m) == 1 && m == 1);
    CHECK(run("dataset --data x --split") == 2);
    CHECK(count_lines("err.txt", "--split", &m) == 1 && m == 1);
    CHECK(run("dataset --data x --frobnicate 3") == 2);
    CHECK(count_lines("err.txt", "--frobnicate", &m) == 1 && m == 1);
    CHECK(run("dataset --data /nonexistent/folder") == 1);
    CHECK(count_lines("err.txt", "/nonexistent/folder", &m) == 1 && m == 1);
    CHECK(run("dataset --help") == 0);
}

int main(void) {
    if (cli_begin("dscli")) return 1;
    RUN(synth_counts_split_and_out);
    RUN(corrupt_files_warn_and_skip_or_stop_under_strict);
    RUN(black_filter_option_and_csv_labels);
    RUN(bad_options_one_line_exit_2);
    cli_end();
    return test_summary();
}
