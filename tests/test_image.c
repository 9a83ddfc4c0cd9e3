/* PNG input/output: round trips, errors as one-line messages naming the file, and a small fuzz of the
 * reading path (truncations and bit flips of a valid file must never crash). */
#include "core/error.h"
#include "core/rng.h"
#include "io/csv.h"
#include "io/image.h"
#include <zlib.h>
#include "test.h"
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void make_test_image(Image *img, int w, int h, int c) {
    image_alloc(img, w, h, c);
    for (int i = 0; i < w * h * c; i++) img->px[i] = (uint8_t)((i * 37 + i / 7) & 255);
}

static long file_size(const char *p) {
    FILE *f = fopen(p, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

TEST(roundtrip_gray_and_rgb) {
    for (int c = 1; c <= 3; c += 2) {
        Image a, b;
        make_test_image(&a, 45, 17, c);
        char p[300];
        snprintf(p, sizeof p, "%s/rt%d.png", dir, c);
        CHECK(image_write_png(p, &a) == 0);
        CHECK(image_read_png(p, &b) == 0);
        CHECK(b.w == 45 && b.h == 17 && b.c == c);
        CHECK(b.px && memcmp(a.px, b.px, 45 * 17 * c) == 0);
        image_free(&a);
        image_free(&b);
    }
}

TEST(write_is_atomic_and_leaves_no_temp_files) {
    Image a;
    make_test_image(&a, 8, 8, 1);
    char p[300];
    snprintf(p, sizeof p, "%s/atomic.png", dir);
    CHECK(image_write_png(p, &a) == 0);
    CHECK(image_write_png(p, &a) == 0);          /* overwrite in place */
    DIR *d = opendir(dir);
    int tmp = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) tmp += strstr(e->d_name, ".tmp") != NULL;
    if (d) closedir(d);
    CHECK(tmp == 0);
    struct stat st;                              /* permissions follow the umask, not mkstemp's 0600 */
    mode_t um = umask(0);
    umask(um);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um));
    CHECK(image_write_png("/nonexistent-folder/x.png", &a) == -1);
    CHECK(strstr(mg_error_get(), "/nonexistent-folder/x.png") != NULL);
    image_free(&a);
}

TEST(missing_and_non_png_files_give_one_line_errors) {
    Image b;
    CHECK(image_read_png("/nonexistent/none.png", &b) == -1);
    CHECK(strstr(mg_error_get(), "/nonexistent/none.png") && !strchr(mg_error_get(), '\n'));
    char p[300];
    snprintf(p, sizeof p, "%s/text.png", dir);
    FILE *f = fopen(p, "w");
    fputs("this is not a png file at all\n", f);
    fclose(f);
    CHECK(image_read_png(p, &b) == -1);
    CHECK(strstr(mg_error_get(), p) && !strchr(mg_error_get(), '\n'));
    snprintf(p, sizeof p, "%s/empty.png", dir);
    f = fopen(p, "w");
    fclose(f);
    CHECK(image_read_png(p, &b) == -1);
    CHECK(strstr(mg_error_get(), p) != NULL);
}

/* every truncation of a valid PNG is an error (or, past the last IDAT byte, still a valid image) */
TEST(truncated_pngs_are_errors_not_crashes) {
    Image a, b;
    make_test_image(&a, 40, 30, 3);
    char src[300], p[300];
    snprintf(src, sizeof src, "%s/full.png", dir);
    CHECK(image_write_png(src, &a) == 0);
    long n = file_size(src);
    unsigned char *buf = malloc(n);
    FILE *f = fopen(src, "rb");
    CHECK(fread(buf, 1, n, f) == (size_t)n);
    fclose(f);
    snprintf(p, sizeof p, "%s/trunc.png", dir);
    int errors = 0, tries = 0;
    for (long len = 0; len < n; len += (len < 100 ? 1 : 13)) {
        f = fopen(p, "wb");
        fwrite(buf, 1, len, f);
        fclose(f);
        int rc = image_read_png(p, &b);
        tries++;
        if (rc == 0) image_free(&b);
        else {
            errors++;
            CHECK(strncmp(mg_error_get(), p, strlen(p)) == 0 && !strchr(mg_error_get(), '\n'));
        }
    }
    /* only a file cut inside the final IEND chunk can still decode */
    CHECK(errors >= tries - 2);
    free(buf);
    image_free(&a);
}

TEST(bit_flipped_pngs_never_crash) {
    Image a, b;
    make_test_image(&a, 33, 21, 1);
    char src[300], p[300];
    snprintf(src, sizeof src, "%s/flip_src.png", dir);
    CHECK(image_write_png(src, &a) == 0);
    long n = file_size(src);
    unsigned char *buf = malloc(n), *mut = malloc(n);
    FILE *f = fopen(src, "rb");
    CHECK(fread(buf, 1, n, f) == (size_t)n);
    fclose(f);
    snprintf(p, sizeof p, "%s/flip.png", dir);
    Rng r = rng_new(99);
    int ok = 0, err = 0;
    for (int t = 0; t < 300; t++) {
        memcpy(mut, buf, n);
        int flips = 1 + (int)rng_below(&r, 4);
        for (int k = 0; k < flips; k++) {
            /* half of the flips hit the 33-byte header (signature + IHDR), where the parser is */
            long pos = rng_below(&r, 2) ? 8 + (long)rng_below(&r, 25) : (long)rng_below(&r, (uint32_t)n);
            mut[pos] ^= (unsigned char)(1u << rng_below(&r, 8));
        }
        f = fopen(p, "wb");
        fwrite(mut, 1, n, f);
        fclose(f);
        if (image_read_png(p, &b) == 0) {
            ok++;
            CHECK(b.w > 0 && b.h > 0 && b.px != NULL);
            image_free(&b);
        } else {
            err++;
            CHECK(strstr(mg_error_get(), p) != NULL && !strchr(mg_error_get(), '\n'));
        }
    }
    CHECK(ok + err == 300);
    CHECK(err > 250);          /* CRCs catch nearly all flips */
    free(buf); free(mut);
    image_free(&a);
}

static void put_be32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

/* a well-formed header (valid CRC) announcing 20000 x 20000 pixels must be refused, not allocated */
TEST(huge_dimensions_are_refused) {
    unsigned char f[8 + 25 + 12] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char *c = f + 8;
    put_be32(c, 13);
    memcpy(c + 4, "IHDR", 4);
    put_be32(c + 8, 20000);
    put_be32(c + 12, 20000);
    c[16] = 8; c[17] = 2; c[18] = 0; c[19] = 0; c[20] = 0;      /* 8-bit RGB */
    put_be32(c + 21, (uint32_t)crc32(crc32(0, NULL, 0), c + 4, 17));
    unsigned char *d = c + 25;                                   /* an empty IDAT chunk follows */
    put_be32(d, 0);
    memcpy(d + 4, "IDAT", 4);
    put_be32(d + 8, (uint32_t)crc32(crc32(0, NULL, 0), d + 4, 4));
    char p[300];
    snprintf(p, sizeof p, "%s/huge.png", dir);
    FILE *fp = fopen(p, "wb");
    fwrite(f, 1, sizeof f, fp);
    fclose(fp);
    Image b;
    CHECK(image_read_png(p, &b) == -1);
    CHECK_MSG(strstr(mg_error_get(), "too large") != NULL, "%s", mg_error_get());
}

TEST(csv_reader_handles_quotes_and_missing_fields) {
    char p[300];
    snprintf(p, sizeof p, "%s/t.csv", dir);
    FILE *f = fopen(p, "w");
    fputs("file,group,x\r\n\"a,b.png\",ctl,1.5\n\"say \"\"hi\"\"\",trt\n\n", f);
    fclose(f);
    CsvTable t;
    CHECK(csv_read(p, &t) == 0);
    CHECK(t.n_cols == 3 && t.n_rows == 2);
    CHECK(!strcmp(t.rows[0][0], "a,b.png") && !strcmp(t.rows[0][2], "1.5"));
    CHECK(!strcmp(t.rows[1][0], "say \"hi\"") && !strcmp(t.rows[1][2], ""));
    CHECK(csv_column(&t, "group") == 1 && csv_column(&t, "nope") == -1);
    csv_free(&t);
    CHECK(csv_read("/nonexistent.csv", &t) == -1);
}

TEST(gray_conversion_uses_luminance) {
    Image a;
    image_alloc(&a, 2, 1, 3);
    uint8_t px[6] = {255, 0, 0, 0, 0, 255};
    memcpy(a.px, px, 6);
    float g[2];
    image_to_gray(&a, g);
    CHECK_NEAR(g[0], 0.299, 1e-6);
    CHECK_NEAR(g[1], 0.114, 1e-6);
    image_free(&a);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mg_test_image_%d", (int)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd)) return 1;
    RUN(roundtrip_gray_and_rgb);
    RUN(write_is_atomic_and_leaves_no_temp_files);
    RUN(missing_and_non_png_files_give_one_line_errors);
    RUN(truncated_pngs_are_errors_not_crashes);
    RUN(bit_flipped_pngs_never_crash);
    RUN(huge_dimensions_are_refused);
    RUN(csv_reader_handles_quotes_and_missing_fields);
    RUN(gray_conversion_uses_luminance);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return test_summary();
}
