/* Image formats (PNG grey/RGB, JPEG, TIFF, IDX .gz) and data/dataset.h loading: labels from folders
 * and from a CSV, corrupt files skipped or fatal under strict, stratified split counts, exact
 * flip / rot90, seeded and resumable batches. */
#include "core/error.h"
#include "core/rng.h"
#include "data/augment.h"
#include "data/dataset.h"
#include "data/idx.h"
#include "data/split.h"
#include "io/image_any.h"
#include "io/jpeg.h"
#include "io/tiff.h"
#include "test.h"
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static Image pattern(int w, int h, int c, int seed) {
    Image im;
    image_alloc(&im, w, h, c);
    for (int i = 0; i < w * h * c; i++) im.px[i] = (uint8_t)(40 + (i * 37 + seed * 11) % 200);   /* no black */
    return im;
}

static void path_of(char *p, size_t n, const char *rel) { snprintf(p, n, "%s/%s", dir, rel); }

static void mk(const char *rel) { char p[512]; path_of(p, sizeof p, rel); mkdir(p, 0777); }

static void write_bytes(const char *rel, const void *b, size_t n) {
    char p[512];
    path_of(p, sizeof p, rel);
    FILE *f = fopen(p, "wb");
    if (f) { fwrite(b, 1, n, f); fclose(f); }
}

TEST(formats_round_trip) {
    char p[512];
    Image g = pattern(5, 3, 1, 1), c = pattern(4, 6, 3, 2), r;
    path_of(p, sizeof p, "g.tif");
    CHECK(image_write_tiff(p, &g) == 0);
    CHECK(image_read_any(p, &r) == 0);              /* TIFF: exact */
    CHECK(r.w == 5 && r.h == 3 && r.c == 1 && !memcmp(r.px, g.px, 15));
    image_free(&r);
    path_of(p, sizeof p, "c.tiff");
    CHECK(image_write_tiff(p, &c) == 0);
    CHECK(image_read_tiff(p, &r) == 0);
    CHECK(r.w == 4 && r.h == 6 && r.c == 3 && !memcmp(r.px, c.px, 72));
    image_free(&r);
    Image flat;                                      /* JPEG is lossy: a smooth image within a few levels */
    image_alloc(&flat, 16, 16, 3);
    for (int i = 0; i < 16 * 16; i++) { flat.px[3 * i] = 200; flat.px[3 * i + 1] = 100; flat.px[3 * i + 2] = 50; }
    path_of(p, sizeof p, "c.jpg");
    CHECK(image_write_jpeg(p, &flat, 95) == 0);
    CHECK(image_read_any(p, &r) == 0);
    CHECK(r.w == 16 && r.h == 16 && r.c == 3);
    int maxd = 0;
    for (int i = 0; r.px && i < 16 * 16 * 3; i++) { int d = abs(r.px[i] - flat.px[i]); if (d > maxd) maxd = d; }
    CHECK(maxd <= 4);
    image_free(&r);
    Image gj;
    image_alloc(&gj, 8, 8, 1);
    memset(gj.px, 90, 64);
    path_of(p, sizeof p, "g.jpeg");
    CHECK(image_write_jpeg(p, &gj, 90) == 0);
    CHECK(image_read_jpeg(p, &r) == 0 && r.c == 1 && abs(r.px[27] - 90) <= 2);
    image_free(&r);
    path_of(p, sizeof p, "g.png");                  /* PNG grey and RGB through the same entry point */
    CHECK(image_write_png(p, &g) == 0);
    CHECK(image_read_any(p, &r) == 0 && r.c == 1 && !memcmp(r.px, g.px, 15));
    image_free(&r);
    write_bytes("text.png", "hello, not an image", 19);
    path_of(p, sizeof p, "text.png");
    CHECK(image_read_any(p, &r) == -1 && strstr(mg_error_get(), "text.png") && strstr(mg_error_get(), "not a PNG, JPEG or TIFF"));
    CHECK(image_name_supported("a.TIF") && image_name_supported("b.jpeg") && !image_name_supported("c.csv") && !image_name_supported(".png"));
    image_free(&g); image_free(&c); image_free(&flat); image_free(&gj);
}

TEST(truncated_jpeg_and_tiff_give_errors_naming_the_file) {
    char p[512];
    Image c = pattern(32, 32, 3, 3), r;
    path_of(p, sizeof p, "whole.jpg");
    CHECK(image_write_jpeg(p, &c, 90) == 0);
    FILE *f = fopen(p, "rb");
    unsigned char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    CHECK(n > 200);
    write_bytes("cut.jpg", buf, n / 2);
    path_of(p, sizeof p, "cut.jpg");
    CHECK(image_read_any(p, &r) == -1);
    CHECK(strstr(mg_error_get(), "cut.jpg: not a readable JPEG") != NULL);
    CHECK(r.px == NULL);
    path_of(p, sizeof p, "whole.tif");
    CHECK(image_write_tiff(p, &c) == 0);
    f = fopen(p, "rb");
    n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    write_bytes("cut.tif", buf, 100);
    path_of(p, sizeof p, "cut.tif");
    CHECK(image_read_any(p, &r) == -1 && strstr(mg_error_get(), "cut.tif: not a readable TIFF"));
    image_free(&c);
}

/* the JPEG decoder on damaged input: every outcome is 0 or -1, never a crash (run under make asan) */
TEST(jpeg_fuzz_truncations_and_bit_flips) {
    Image c = pattern(24, 16, 3, 4), r;
    char p[512];
    path_of(p, sizeof p, "fz.jpg");
    CHECK(image_write_jpeg(p, &c, 75) == 0);
    FILE *f = fopen(p, "rb");
    unsigned char buf[8192], m[8192];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    int ok = 0, err = 0;
    for (size_t k = 0; k < n; k += 7) {              /* truncations */
        int rc = image_read_jpeg_mem(buf, k, "fuzz", &r);
        if (rc == 0) { ok++; image_free(&r); } else { err++; CHECK(r.px == NULL); }
    }
    CHECK(err > 0);
    Rng g = rng_new(42);
    for (int t = 0; t < 300; t++) {                 /* 1-4 random bit flips */
        memcpy(m, buf, n);
        int flips = 1 + (int)rng_below(&g, 4);
        for (int k = 0; k < flips; k++) { uint32_t b = rng_below(&g, (uint32_t)n * 8); m[b / 8] ^= (unsigned char)(1u << (b % 8)); }
        int rc = image_read_jpeg_mem(m, n, "fuzz", &r);
        CHECK(rc == 0 || rc == -1);
        if (rc == 0) { ok++; CHECK(r.w > 0 && r.h > 0 && r.px); image_free(&r); } else err++;
    }
    printf("     JPEG truncations + 300 bit flips of a %zu-byte file: %d decoded, %d rejected\n", n, ok, err);
    CHECK(image_read_jpeg_mem(buf, n, "fuzz", &r) == 0 && r.w == 24 && r.h == 16);
    image_free(&r);
    image_free(&c);
}

TEST(folder_labels_formats_and_corrupt_files) {
    char p[512];
    mk("ds"); mk("ds/b_cls"); mk("ds/a_cls"); mk("ds/a_cls/deeper");
    Image g = pattern(30, 10, 1, 5), c = pattern(12, 20, 3, 6);
    path_of(p, sizeof p, "ds/a_cls/1.png"); image_write_png(p, &g);
    path_of(p, sizeof p, "ds/a_cls/2.jpg"); image_write_jpeg(p, &c, 90);
    path_of(p, sizeof p, "ds/a_cls/deeper/3.tif"); image_write_tiff(p, &c);
    path_of(p, sizeof p, "ds/b_cls/4.png"); image_write_png(p, &c);
    write_bytes("ds/b_cls/notes.txt", "x", 1);                          /* not listed */
    FILE *f;
    path_of(p, sizeof p, "cut.jpg");
    unsigned char buf[8192];
    size_t n = 0;
    if ((f = fopen(p, "rb"))) { n = fread(buf, 1, sizeof buf, f); fclose(f); }
    write_bytes("ds/b_cls/5_cut.jpg", buf, n);
    DatasetOpts o = dataset_defaults();
    o.prep.size = 8;
    Dataset ds;
    DsRejects rej;
    path_of(p, sizeof p, "ds");
    CHECK(dataset_load(p, &o, &ds, &rej) == 0);
    CHECK(ds.n == 4 && ds.c == 1 && ds.h == 8 && ds.w == 8 && ds.n_classes == 2);
    CHECK(ds.n_classes == 2 && !strcmp(ds.class_name[0], "a_cls") && !strcmp(ds.class_name[1], "b_cls"));
    CHECK(ds.n == 4 && !strcmp(ds.file[0], "a_cls/1.png") && !strcmp(ds.file[2], "a_cls/deeper/3.tif") && !strcmp(ds.file[3], "b_cls/4.png"));
    CHECK(ds.n == 4 && ds.label[0] == 0 && ds.label[2] == 0 && ds.label[3] == 1);
    CHECK(ds.n == 4 && ds.src_w[0] == 30 && ds.src_h[0] == 10 && ds.src_w[3] == 12);
    CHECK(rej.n == 1 && rej.n_unreadable == 1 && !strcmp(rej.file[0], "b_cls/5_cut.jpg") && !strncmp(rej.reason[0], "unreadable: ", 12));
    float lo = 1, hi = -1;
    for (long i = 0; i < (long)ds.n * 64; i++) { if (ds.x[i] < lo) lo = ds.x[i]; if (ds.x[i] > hi) hi = ds.x[i]; }
    CHECK(lo >= -1 && hi <= 1 && hi > lo);
    /* the TIFF and the RGB PNG hold the same pixels: same prepared image */
    CHECK(ds.n == 4 && !memcmp(ds.x + 2 * 64, ds.x + 3 * 64, 64 * sizeof(float)));
    dataset_free(&ds);
    ds_rejects_free(&rej);
    o.strict = 1;
    CHECK(dataset_load(p, &o, &ds, &rej) == -1 && strstr(mg_error_get(), "5_cut.jpg"));
    ds_rejects_free(&rej);
    o.strict = 0;
    o.prep.channels = 3;
    /* labels from a CSV: base names or relative paths; unlisted images and unmatched rows are reported */
    write_bytes("labels.csv", "file,label\n1.png,10\na_cls/2.jpg,2\n4.png,2\n3.tif,\nghost.png,2\n", 61);
    path_of(p, sizeof p, "labels.csv");
    o.labels = p;
    char root[512];
    path_of(root, sizeof root, "ds");
    CHECK(dataset_load(root, &o, &ds, &rej) == 0);
    CHECK(ds.n == 4 && ds.c == 3 && ds.n_classes == 2);
    CHECK(ds.n_classes == 2 && !strcmp(ds.class_name[0], "2") && !strcmp(ds.class_name[1], "10"));   /* numeric order */
    CHECK(ds.n == 4 && ds.label[0] == 1 && ds.label[1] == 0 && ds.label[2] == -1 && ds.label[3] == 0);
    int ghost = 0;
    for (int i = 0; i < rej.n; i++) ghost += !strcmp(rej.file[i], "ghost.png") && strstr(rej.reason[i], "but not found");
    CHECK(ghost == 1 && rej.n == 2);
    dataset_free(&ds);
    ds_rejects_free(&rej);
    /* black filter: an all-black image is rejected with its reason */
    Image b;
    image_alloc(&b, 6, 6, 1);
    path_of(p, sizeof p, "ds/b_cls/6_black.png"); image_write_png(p, &b);
    o.labels = NULL;
    CHECK(dataset_load(root, &o, &ds, &rej) == 0 && ds.n == 4);
    int black = 0;
    for (int i = 0; i < rej.n; i++) black += !strcmp(rej.file[i], "b_cls/6_black.png") && !strcmp(rej.reason[i], "black fraction 1.00 > 0.20");
    CHECK(black == 1);
    dataset_free(&ds);
    ds_rejects_free(&rej);
    path_of(p, sizeof p, "nothing_here");
    CHECK(dataset_load(p, &o, &ds, &rej) == -1 && strstr(mg_error_get(), "nothing_here: no such"));
    image_free(&g); image_free(&c); image_free(&b);
}

TEST(idx_gz_fashion_mnist) {
    const char *d = "/usr/share/datasets/fashion-mnist";
    DatasetOpts o = dataset_defaults();
    o.prep.size = 0;
    o.prep.max_black = 1;
    o.limit = 300;
    Dataset ds;
    DsRejects rej;
    CHECK(dataset_is_idx(d));
    CHECK(dataset_load(d, &o, &ds, &rej) == 0);
    CHECK(ds.n == 300 && ds.c == 1 && ds.h == 28 && ds.w == 28 && ds.n_classes == 10 && rej.n == 0);
    IdxImages im;
    int *lab = NULL;
    CHECK(idx_load_pair("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
                        "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz", 300, &im, &lab) == 0);
    double maxd = 0;
    for (long i = 0; ds.x && i < 300L * 784; i++) maxd = fmax(maxd, fabs(ds.x[i] - im.data[i]));
    CHECK(maxd < 1e-6);
    int same = 1;
    for (int i = 0; i < 300 && ds.label; i++) same &= atoi(ds.class_name[ds.label[i]]) == lab[i];
    CHECK(same);
    CHECK(!strcmp(ds.file[7], "train-images-idx3-ubyte.gz#7"));
    idx_images_free(&im);
    free(lab);
    dataset_free(&ds);
    o.prep.size = 32;                                 /* upscaled: bilinear */
    o.limit = 5;
    CHECK(dataset_load("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", &o, &ds, &rej) == 0);
    CHECK(ds.n == 5 && ds.h == 32 && ds.n_classes >= 1);
    dataset_free(&ds);
}

TEST(stratified_split_counts_and_seeds) {
    int lab[25];
    for (int i = 0; i < 25; i++) lab[i] = i < 10 ? 0 : i < 15 ? 1 : i < 22 ? 2 : -1;   /* 10, 5, 7, 3 unlabelled */
    Split s, t;
    CHECK(split_stratified(lab, 25, 0.8, 7, &s) == 0);
    int tr[4] = {0}, va[4] = {0};
    for (int k = 0; k < s.n_train; k++) tr[lab[s.train[k]] + 1]++;
    for (int k = 0; k < s.n_val; k++) va[lab[s.val[k]] + 1]++;
    CHECK(tr[1] == 8 && va[1] == 2 && tr[2] == 4 && va[2] == 1);
    CHECK(tr[3] == 6 && va[3] == 1 && tr[0] == 2 && va[0] == 1);     /* round(5.6) = 6, round(2.4) = 2 */
    CHECK(s.n_train + s.n_val == 25);
    for (int k = 1; k < s.n_train; k++) CHECK(s.train[k] > s.train[k - 1]);
    CHECK(split_stratified(lab, 25, 0.8, 7, &t) == 0);
    CHECK(t.n_train == s.n_train && !memcmp(t.train, s.train, sizeof(int) * s.n_train));
    split_free(&t);
    int differ = 0;
    for (uint64_t seed = 8; seed < 12; seed++) {
        CHECK(split_stratified(lab, 25, 0.8, seed, &t) == 0);
        differ |= memcmp(t.train, s.train, sizeof(int) * s.n_train) != 0;
        split_free(&t);
    }
    CHECK(differ);
    CHECK(split_stratified(lab, 25, 1.5, 7, &t) == -1);
    split_free(&s);
}

TEST(flip_rot90_exact) {
    const float a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};     /* [1, 3, 3] */
    float d[9];
    aug_flip_x(1, 3, 3, a, d);
    const float f[] = {3, 2, 1, 6, 5, 4, 9, 8, 7};
    CHECK(!memcmp(d, f, sizeof f));
    aug_rot90(1, 3, 1, a, d);                          /* one quarter turn counter-clockwise */
    const float r1[] = {3, 6, 9, 2, 5, 8, 1, 4, 7};
    CHECK(!memcmp(d, r1, sizeof r1));
    aug_rot90(1, 3, 2, a, d);
    const float r2[] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(!memcmp(d, r2, sizeof r2));
    aug_rot90(1, 3, 3, a, d);
    const float r3[] = {7, 4, 1, 8, 5, 2, 9, 6, 3};
    CHECK(!memcmp(d, r3, sizeof r3));
    aug_rot90(1, 3, 4, a, d);
    CHECK(!memcmp(d, a, sizeof a));
    const float two[] = {1, 2, 3, 4, 10, 20, 30, 40};  /* [2, 2, 2]: planes handled separately */
    float e[8];
    aug_flip_x(2, 2, 2, two, e);
    CHECK(e[0] == 2 && e[1] == 1 && e[4] == 20 && e[7] == 30);
}

TEST(batches_seeded_augmented_resumable) {
    Dataset ds = {.n = 6, .c = 1, .h = 2, .w = 2};
    float x[24];
    int lab[6] = {0, 1, 0, 1, 0, 1}, idx[6] = {0, 1, 2, 3, 4, 5};
    for (int i = 0; i < 24; i++) x[i] = (float)i;
    ds.x = x;
    ds.label = lab;
    Batcher a, b;
    float xa[40], xb[40];
    int ya[10], yb[10];
    CHECK(batcher_init(&a, &ds, idx, 6, 0, 5) == 0);
    batcher_next(&a, 6, xa, ya);                        /* one epoch without augmentation: a permutation */
    int seen[6] = {0};
    for (int i = 0; i < 6; i++) { int j = (int)xa[i * 4] / 4; seen[j]++; CHECK(ya[i] == lab[j]); CHECK(xa[i * 4 + 3] == x[j * 4 + 3]); }
    for (int j = 0; j < 6; j++) CHECK(seen[j] == 1);
    batcher_free(&a);
    /* augmented: every drawn image is one of the 8 flips/rotations of its source */
    CHECK(batcher_init(&a, &ds, idx, 6, AUG_FLIP_X | AUG_ROT90, 5) == 0);
    batcher_next(&a, 10, xa, ya);
    int changed = 0;
    for (int i = 0; i < 10; i++) {
        float m = fminf(fminf(xa[i * 4], xa[i * 4 + 1]), fminf(xa[i * 4 + 2], xa[i * 4 + 3]));
        const float *src = x + (int)m;                  /* the source image's first (smallest) pixel */
        int match = 0;
        float t1[4], t2[4];
        for (int fl = 0; fl < 2; fl++)
            for (int k = 0; k < 4; k++) {
                if (fl) { aug_flip_x(1, 2, 2, src, t1); aug_rot90(1, 2, k, t1, t2); } else aug_rot90(1, 2, k, src, t2);
                match |= !memcmp(t2, xa + i * 4, sizeof t2);
            }
        CHECK(match);
        changed += memcmp(src, xa + i * 4, sizeof t1) != 0;
    }
    CHECK(changed > 0);
    /* same seed -> same batches; seek to (epoch, pos) continues exactly */
    CHECK(batcher_init(&b, &ds, idx, 6, AUG_FLIP_X | AUG_ROT90, 5) == 0);
    batcher_next(&b, 4, xb, yb);
    CHECK(!memcmp(xa, xb, sizeof(float) * 16));
    long ep = b.epoch, pos = b.pos;
    batcher_next(&b, 6, xb + 16, yb + 4);
    CHECK(!memcmp(xa, xb, sizeof(float) * 40) && !memcmp(ya, yb, sizeof ya));
    Batcher c;
    CHECK(batcher_init(&c, &ds, idx, 6, AUG_FLIP_X | AUG_ROT90, 5) == 0);
    batcher_seek(&c, ep, pos);
    batcher_next(&c, 6, xb, yb);
    CHECK(!memcmp(xa + 16, xb, sizeof(float) * 24));
    batcher_free(&a); batcher_free(&b); batcher_free(&c);
    CHECK(batcher_init(&c, &ds, idx, 6, 0, 6) == 0);   /* another seed, another order */
    batcher_next(&c, 6, xb, yb);
    batcher_free(&c);
    CHECK(batcher_init(&a, &ds, idx, 6, 0, 5) == 0);
    batcher_next(&a, 6, xa, ya);
    CHECK(memcmp(xa, xb, sizeof(float) * 24) != 0);
    batcher_free(&a);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mg_test_dsload_%d", (int)getpid());
    mkdir(dir, 0777);
    RUN(formats_round_trip);
    RUN(truncated_jpeg_and_tiff_give_errors_naming_the_file);
    RUN(jpeg_fuzz_truncations_and_bit_flips);
    RUN(folder_labels_formats_and_corrupt_files);
    RUN(idx_gz_fashion_mnist);
    RUN(stratified_split_counts_and_seeds);
    RUN(flip_rot90_exact);
    RUN(batches_seeded_augmented_resumable);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return test_summary();
}
