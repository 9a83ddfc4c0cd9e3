/* IDX reading: plain and gzip files, every truncation, wrong magic, absurd dims, corrupt gzip,
 * and the real Fashion-MNIST test set when it is installed. */
#include "core/error.h"
#include "core/rng.h"
#include "data/idx.h"
#include "test.h"
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define FASHION "/usr/share/datasets/fashion-mnist"
static char tmpdir[] = "/tmp/mg_idx_XXXXXX";

static const char *tmp_path(const char *name) {
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
    return b;
}

static int msg_has(const char *s) { return strstr(mg_error_get(), s) != NULL; }

static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = (unsigned char)v; }

/* an IDX file in memory: magic 0x0800|ndim, dims, then data (or the byte pattern i*37 mod 256) */
static unsigned char *make_idx(int ndim, const uint32_t *dims, size_t ndata, size_t *len) {
    *len = 4 + 4 * (size_t)ndim + ndata;
    unsigned char *b = malloc(*len);
    put32(b, 0x800u | (unsigned)ndim);
    for (int i = 0; i < ndim; i++) put32(b + 4 + 4 * i, dims[i]);
    for (size_t i = 0; i < ndata; i++) b[4 + 4 * ndim + i] = (unsigned char)(i * 37 % 256);
    return b;
}

static void write_plain(const char *path, const void *b, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static void write_gz(const char *path, const void *b, size_t n) {
    gzFile g = gzopen(path, "wb9");
    gzwrite(g, b, (unsigned)n);
    gzclose(g);
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len);
    if (fread(b, 1, *len, f) != *len) *len = 0;
    fclose(f);
    return b;
}

TEST(images_and_labels) {
    size_t len;
    unsigned char *img = make_idx(3, (uint32_t[]){3, 2, 5}, 30, &len);
    img[16] = 0;
    img[17] = 255;                                 /* the extremes map to exactly -1 and 1 */
    unsigned char *lab = make_idx(1, (uint32_t[]){3}, 3, &(size_t){0});
    for (int gz = 0; gz < 2; gz++) {
        const char *ip = tmp_path(gz ? "img.gz" : "img"), *lp = tmp_path(gz ? "lab.gz" : "lab");
        (gz ? write_gz : write_plain)(ip, img, len);
        (gz ? write_gz : write_plain)(lp, lab, 4 + 4 + 3);
        IdxImages im;
        int *labels = NULL, n = 0;
        if (idx_load_images(ip, 0, &im)) { CHECK_MSG(0, "%s", mg_error_get()); continue; }
        CHECK(im.n == 3 && im.h == 2 && im.w == 5);
        int exact = 1;
        for (int i = 0; i < 30; i++) exact &= im.data[i] == (float)(img[16 + i] / 127.5 - 1.0);
        CHECK(exact && im.data[0] == -1.0f && im.data[1] == 1.0f);
        idx_images_free(&im);
        CHECK(idx_load_labels(lp, 0, &labels, &n) == 0 && n == 3);
        CHECK(labels[0] == 0 && labels[1] == 37 && labels[2] == 74);
        free(labels);
        /* the first 2 only */
        CHECK(idx_load_pair(ip, lp, 2, &im, &labels) == 0 && im.n == 2 && labels[1] == 37);
        idx_images_free(&im);
        free(labels);
        /* images passed as labels and the other way round */
        CHECK(idx_load_labels(ip, 0, &labels, &n) == -1 && msg_has(ip) && msg_has("not a label file"));
        CHECK(idx_load_images(lp, 0, &im) == -1 && msg_has(lp) && msg_has("not an image file"));
    }
    /* counts that differ */
    unsigned char *lab2 = make_idx(1, (uint32_t[]){4}, 4, &(size_t){0});
    write_plain(tmp_path("lab2"), lab2, 12);
    free(lab2);
    IdxImages im;
    int *labels;
    CHECK(idx_load_pair(tmp_path("img"), tmp_path("lab2"), 0, &im, &labels) == -1 && msg_has("4 labels for 3 images"));
    free(img);
    free(lab);
}

TEST(truncated_every_length) {
    size_t len, glen;
    unsigned char *img = make_idx(3, (uint32_t[]){2, 3, 7}, 42, &len);
    const char *p = tmp_path("trunc"), *gp = tmp_path("full.gz");
    write_gz(gp, img, len);
    unsigned char *gzb = slurp(gp, &glen);
    IdxImages im;
    int bad = 0;
    for (size_t n = 0; n < len; n++) {
        write_plain(p, img, n);
        if (idx_load_images(p, 0, &im) != -1 || !msg_has(p)) { bad++; idx_images_free(&im); }
    }
    CHECK_MSG(bad == 0, "%d plain truncations accepted", bad);
    bad = 0;
    for (size_t n = 0; n < glen; n++) {          /* includes cuts inside the CRC / size trailer */
        write_plain(p, gzb, n);
        if (idx_load_images(p, 0, &im) != -1 || !msg_has(p) || strchr(mg_error_get(), '\n')) {
            bad++;
            if (im.data) idx_images_free(&im);
        }
    }
    CHECK_MSG(bad == 0, "%d of %zu gzip truncations accepted", bad, glen);
    /* trailing bytes, plain and compressed */
    unsigned char *longer = make_idx(3, (uint32_t[]){2, 3, 7}, 43, &len);
    write_plain(p, longer, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has("trailing"));
    write_gz(p, longer, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has("trailing"));
    free(longer);
    free(img);
    free(gzb);
}

TEST(bad_headers) {
    const char *p = tmp_path("bad");
    IdxImages im;
    size_t len;
    unsigned char b[64] = {0};
    put32(b, 0x12345678);
    write_plain(p, b, 64);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has(p) && msg_has("not an IDX file"));
    put32(b, 0x00000d03);                          /* float32 images */
    write_plain(p, b, 64);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has(p) && msg_has("0x0d not supported"));
    /* dims whose product overflows 32 and 64 bits */
    unsigned char *h = make_idx(3, (uint32_t[]){65536, 65536, 65536}, 16, &len);
    write_gz(p, h, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has(p) && msg_has("too large"));
    free(h);
    h = make_idx(3, (uint32_t[]){0xffffffffu, 0xffffffffu, 0xffffffffu}, 0, &len);
    write_plain(p, h, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has("too large"));
    free(h);
    h = make_idx(3, (uint32_t[]){5, 0, 3}, 0, &len);
    write_plain(p, h, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has("dimension 1 is zero"));
    free(h);
    /* a header claiming 2^30 pixels over 100 bytes: fails without allocating the claim */
    h = make_idx(3, (uint32_t[]){1u << 20, 32, 32}, 100, &len);
    write_gz(p, h, len);
    CHECK(idx_load_images(p, 0, &im) == -1 && msg_has(p) && msg_has("truncated"));
    free(h);
    /* not a file, and a directory */
    CHECK(idx_load_images(tmp_path("absent.gz"), 0, &im) == -1 && msg_has("absent.gz"));
    CHECK(idx_load_images(tmpdir, 0, &im) == -1 && msg_has(tmpdir));
}

TEST(corrupt_gzip) {
    size_t len, glen;
    unsigned char *img = make_idx(3, (uint32_t[]){4, 8, 8}, 256, &len);
    const char *gp = tmp_path("c.gz"), *p = tmp_path("flip.gz");
    write_gz(gp, img, len);
    unsigned char *gzb = slurp(gp, &glen);
    Rng r = rng_new(7);
    int rejected = 0, accepted = 0, bad = 0, identical = 1;
    for (int it = 0; it < 300; it++) {
        unsigned char *c = malloc(glen);
        memcpy(c, gzb, glen);
        uint32_t pos = 10 + rng_below(&r, (uint32_t)glen - 10);   /* past the gzip header's mtime/os fields */
        c[pos] ^= (unsigned char)(1u << rng_below(&r, 8));
        write_plain(p, c, glen);
        free(c);
        IdxImages im;
        if (idx_load_images(p, 0, &im) == 0) {       /* only if the data decodes the same (CRC-checked) */
            accepted++;
            for (int i = 0; i < 256; i++) identical &= im.data[i] == (float)(img[16 + i] / 127.5 - 1.0);
            idx_images_free(&im);
        }
        else if (msg_has(p) && !strchr(mg_error_get(), '\n')) rejected++;
        else bad++;
    }
    CHECK(bad == 0);
    CHECK(identical);                              /* a flip that still decodes (rare) gives the same data */
    CHECK(rejected > 250);
    printf("     gzip bit flips: %d rejected, %d decode to the same data\n", rejected, accepted);
    free(img);
    free(gzb);
}

TEST(fashion_mnist) {
    const char *ti = FASHION "/t10k-images-idx3-ubyte.gz", *tl = FASHION "/t10k-labels-idx1-ubyte.gz";
    if (access(ti, R_OK) || access(tl, R_OK)) { printf("     %s not installed: skipped\n", FASHION); return; }
    IdxImages im;
    int *labels;
    if (idx_load_pair(ti, tl, 0, &im, &labels)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    CHECK(im.n == 10000 && im.h == 28 && im.w == 28);
    int count[10] = {0}, range = 1;
    for (int i = 0; i < im.n; i++) { CHECK(labels[i] >= 0 && labels[i] < 10); if (labels[i] >= 0 && labels[i] < 10) count[labels[i]]++; }
    for (int k = 0; k < 10; k++) CHECK(count[k] == 1000);
    float lo = 1, hi = -1;
    double mean = 0;
    for (size_t i = 0; i < (size_t)im.n * 784; i++) {
        float v = im.data[i];
        range &= v >= -1 && v <= 1;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        mean += v;
    }
    mean /= (double)im.n * 784;
    CHECK(range && lo == -1 && hi == 1);
    CHECK(mean > -0.5 && mean < -0.3);             /* Fashion-MNIST pixel mean ~0.286 -> -0.43 */
    CHECK(labels[0] == 9 && labels[1] == 2);       /* ankle boot, pullover: the well-known first two */
    idx_images_free(&im);
    free(labels);
    /* the first 100 training images only */
    CHECK(idx_load_images(FASHION "/train-images-idx3-ubyte.gz", 100, &im) == 0 && im.n == 100);
    idx_images_free(&im);
}

int main(void) {
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(images_and_labels);
    RUN(truncated_every_length);
    RUN(bad_headers);
    RUN(corrupt_gzip);
    RUN(fashion_mnist);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) { /* best effort */ }
    return test_summary();
}
