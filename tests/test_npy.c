/* .npy: round trips (float32/float64, 0-4 dimensions, conversion), files written by numpy (versions
 * 1.0/2.0/3.0, every accepted and several rejected layouts), files we write read back by numpy, the
 * atomic write, and corrupt inputs (every truncation, seeded bit flips, crafted headers) that must
 * fail with one line naming the file. */
#include "core/error.h"
#include "core/rng.h"
#include "io/npy.h"
#include "test.h"
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mg_npy_XXXXXX";

static const char *tmp_path(const char *name) {
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
    return b;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len ? *len : 1);
    if (fread(b, 1, *len, f) != *len) { free(b); b = NULL; }
    fclose(f);
    return b;
}

static int msg_has(const char *s) { return strstr(mg_error_get(), s) != NULL && !strchr(mg_error_get(), '\n'); }

static int have_numpy(void) {
    static int have = -1;
    if (have < 0) have = system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
    if (!have) printf("     numpy absent (python3-numpy): numpy checks skipped\n");
    return have;
}

TEST(round_trip_all_ranks) {
    float f[24];
    double d[24];
    for (int i = 0; i < 24; i++) { f[i] = (float)i * 0.37f - 3.1f; d[i] = i * 1e-7 - 1e300 * (i == 5); }
    const int64_t shapes[5][4] = {{0}, {24}, {4, 6}, {2, 3, 4}, {1, 2, 3, 4}};
    for (int nd = 0; nd <= 4; nd++) {
        const char *p = tmp_path("rt.npy");
        CHECK(npy_write(p, NPY_F32, nd, shapes[nd], f) == 0);
        NpyArray a;
        CHECK_MSG(npy_read(p, NPY_F32, &a) == 0, "%s", mg_error_get());
        CHECK(a.ndim == nd && a.stored == NPY_F32 && a.dtype == NPY_F32);
        CHECK(a.numel == (nd ? 24u : 1u));
        for (int k = 0; k < nd; k++) CHECK(a.shape[k] == shapes[nd][k]);
        CHECK(!memcmp(a.data, f, a.numel * 4));
        size_t numel = a.numel;
        npy_free(&a);
        /* data starts at a multiple of 64 */
        size_t len;
        unsigned char *raw = slurp(p, &len);
        CHECK(raw && (len - numel * 4) % 64 == 0);
        CHECK(raw && raw[6] == 1 && raw[7] == 0);
        free(raw);

        CHECK(npy_write(p, NPY_F64, nd, shapes[nd], d) == 0);
        CHECK(npy_read(p, NPY_F64, &a) == 0 && a.stored == NPY_F64);
        CHECK(!memcmp(a.data, d, (nd ? 24 : 1) * 8));
        npy_free(&a);
        CHECK(npy_read(p, NPY_F32, &a) == 0 && a.stored == NPY_F64 && a.dtype == NPY_F32);   /* converted */
        for (size_t i = 0; i < a.numel; i++) CHECK(((float *)a.data)[i] == (float)d[i]);
        npy_free(&a);
    }
    /* an empty array */
    CHECK(npy_write(tmp_path("empty.npy"), NPY_F32, 2, (int64_t[]){0, 512}, NULL) == 0);
    NpyArray a;
    CHECK(npy_read(tmp_path("empty.npy"), NPY_F32, &a) == 0 && a.numel == 0 && a.shape[1] == 512);
    npy_free(&a);
    CHECK(!strcmp(npy_shape_str(&(NpyArray){.ndim = 3, .shape = {2, 14, 512}}), "[2,14,512]"));
}

/* numpy writes; we read.  Each case: python expression for the array + save call, then what we expect */
TEST(numpy_written_files) {
    if (!have_numpy()) return;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 - <<'EOF'\n"
             "import numpy as np\n"
             "d='%s'\n"
             "a=(np.arange(2*3*4,dtype=np.float64).reshape(2,3,4)*0.5-3)\n"
             "np.save(d+'/f4.npy', a.astype(np.float32))\n"
             "np.save(d+'/f8.npy', a)\n"
             "np.save(d+'/vec.npy', np.float32([1.5,-2,3]))\n"
             "np.save(d+'/scalar.npy', np.float64(7.25))\n"
             "np.save(d+'/r4.npy', np.ones((1,2,1,3),np.float32))\n"
             "for v in [(1,0),(2,0),(3,0)]:\n"
             "  with open(d+'/v%%d.npy'%%v[0],'wb') as f: np.lib.format.write_array(f, a.astype(np.float32), version=v)\n"
             "np.save(d+'/fortran.npy', np.asfortranarray(a))\n"
             "np.save(d+'/big.npy', a.astype('>f4'))\n"
             "np.save(d+'/int.npy', np.arange(6))\n"
             "np.save(d+'/r5.npy', np.ones((1,1,1,1,2),np.float32))\n"
             "np.save(d+'/struct.npy', np.zeros(2, dtype=[('x','<f4'),('y','<f4')]))\n"
             "EOF", tmpdir);
    CHECK(system(cmd) == 0);
    NpyArray a;
    const char *ok[] = {"f4.npy", "f8.npy", "v1.npy", "v2.npy", "v3.npy"};
    for (int i = 0; i < 5; i++) {
        CHECK_MSG(npy_read(tmp_path(ok[i]), NPY_F64, &a) == 0, "%s", mg_error_get());
        CHECK(a.ndim == 3 && a.shape[0] == 2 && a.shape[1] == 3 && a.shape[2] == 4);
        for (int k = 0; k < 24; k++) CHECK(((double *)a.data)[k] == k * 0.5 - 3);
        npy_free(&a);
    }
    CHECK(npy_read(tmp_path("vec.npy"), NPY_F32, &a) == 0 && a.ndim == 1 && a.numel == 3 &&
          ((float *)a.data)[1] == -2);
    npy_free(&a);
    CHECK(npy_read(tmp_path("scalar.npy"), NPY_F64, &a) == 0 && a.ndim == 0 && a.numel == 1 &&
          ((double *)a.data)[0] == 7.25);
    npy_free(&a);
    CHECK(npy_read(tmp_path("r4.npy"), NPY_F32, &a) == 0 && a.ndim == 4 && a.numel == 6);
    npy_free(&a);
    const char *bad[][2] = {{"fortran.npy", "Fortran"}, {"big.npy", "big-endian"}, {"int.npy", "'<i8' is not supported"},
                            {"r5.npy", "more than 4 dimensions"}, {"struct.npy", "structured"}};
    for (int i = 0; i < 5; i++) {
        const char *p = tmp_path(bad[i][0]);
        CHECK_MSG(npy_read(p, NPY_F32, &a) == -1 && msg_has(p) && msg_has(bad[i][1]), "%s: %s", bad[i][0], mg_error_get());
        CHECK(a.data == NULL);
    }
}

/* we write; numpy reads the same values */
TEST(numpy_reads_ours) {
    if (!have_numpy()) return;
    float f[2 * 3 * 5];
    for (int i = 0; i < 30; i++) f[i] = (float)i / 7.0f - 1;
    double d[4] = {1e-310, -0.0, 1e308, 3.14159};
    CHECK(npy_write(tmp_path("ours_f4.npy"), NPY_F32, 3, (int64_t[]){2, 3, 5}, f) == 0);
    CHECK(npy_write(tmp_path("ours_f8.npy"), NPY_F64, 1, (int64_t[]){4}, d) == 0);
    CHECK(npy_write(tmp_path("ours_0.npy"), NPY_F32, 0, NULL, f) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; d='%s'; "
             "a=np.load(d+'/ours_f4.npy'); b=np.load(d+'/ours_f8.npy'); c=np.load(d+'/ours_0.npy'); "
             "assert a.dtype==np.float32 and a.shape==(2,3,5) and a.flags.c_contiguous; "
             "assert (a.ravel()==(np.arange(30,dtype=np.float32)/np.float32(7)-1)).all(); "
             "assert b.dtype==np.float64 and list(b)==[1e-310,-0.0,1e308,3.14159]; "
             "assert c.shape==() and c==-1\"", tmpdir);
    CHECK(system(cmd) == 0);
}

TEST(atomic_write_and_errors) {
    const char *p = tmp_path("keep.npy");
    float v[3] = {1, 2, 3};
    CHECK(npy_write(p, NPY_F32, 1, (int64_t[]){3}, v) == 0);
    /* a write that fails (target is a directory) leaves nothing behind */
    mkdir(tmp_path("adir"), 0755);
    CHECK(npy_write(tmp_path("adir"), NPY_F32, 1, (int64_t[]){3}, v) == -1 && msg_has("adir"));
    CHECK(npy_write("/nonexistent_dir_mg/x.npy", NPY_F32, 1, (int64_t[]){3}, v) == -1 &&
          msg_has("/nonexistent_dir_mg/x.npy"));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", tmpdir);
    CHECK(system(cmd) != 0);                                   /* no temporary file left */
    NpyArray a;
    CHECK(npy_read(tmp_path("missing.npy"), NPY_F32, &a) == -1 && msg_has("missing.npy") && msg_has("cannot open"));
    CHECK(npy_read(tmpdir, NPY_F32, &a) == -1 && msg_has("not a regular file"));
    CHECK(npy_read(p, NPY_F32, &a) == 0 && ((float *)a.data)[2] == 3);
    npy_free(&a);
}

/* a valid small file: 2x3 float32 */
static unsigned char *small_file(size_t *len) {
    float v[6] = {1, 2, 3, 4, 5, 6};
    const char *p = tmp_path("small.npy");
    if (npy_write(p, NPY_F32, 2, (int64_t[]){2, 3}, v)) return NULL;
    return slurp(p, len);
}

TEST(truncated_every_length) {
    size_t len;
    unsigned char *buf = small_file(&len);
    CHECK(buf != NULL);
    if (!buf) return;
    NpyArray a;
    CHECK(npy_parse("small.npy", buf, len, NPY_F32, &a) == 0);
    npy_free(&a);
    int bad = 0;
    for (size_t n = 0; n < len; n++) {
        unsigned char *copy = malloc(n ? n : 1);       /* exact size: ASan sees any overread */
        memcpy(copy, buf, n);
        if (npy_parse("small.npy", copy, n, NPY_F32, &a) != -1 || !msg_has("small.npy")) bad++;
        free(copy);
    }
    CHECK_MSG(bad == 0, "%d of %zu truncations not rejected", bad, len);
    /* one extra byte is rejected too */
    unsigned char *more = malloc(len + 1);
    memcpy(more, buf, len);
    more[len] = 0;
    CHECK(npy_parse("more.npy", more, len + 1, NPY_F32, &a) == -1 && msg_has("1 bytes after the data"));
    free(more);
    free(buf);
}

TEST(bit_flips) {
    size_t len;
    unsigned char *buf = small_file(&len);
    CHECK(buf != NULL);
    if (!buf) return;
    Rng r = rng_new(99);
    int ok = 0, rejected = 0, bad = 0;
    unsigned char *copy = malloc(len);
    for (int it = 0; it < 4000; it++) {
        memcpy(copy, buf, len);
        int flips = 1 + (int)rng_below(&r, 3);
        for (int k = 0; k < flips; k++) {
            uint32_t pos = rng_below(&r, it % 2 ? 70 : (uint32_t)len);   /* half aimed at the header */
            if (rng_below(&r, 3) == 0) copy[pos] = (unsigned char)"0123456789(),:'\"{} \nTFLf<>\x00\xff"[rng_below(&r, 28)];
            else copy[pos] ^= (unsigned char)(1u << rng_below(&r, 8));
        }
        NpyArray a;
        if (npy_parse("flip.npy", copy, len, NPY_F64, &a) == 0) {
            volatile double s = 0;
            for (size_t i = 0; i < a.numel; i++) s += ((double *)a.data)[i];
            npy_free(&a);
            ok++;
        } else if (msg_has("flip.npy")) rejected++;
        else bad++;
    }
    free(copy);
    free(buf);
    CHECK_MSG(bad == 0, "%d rejections without the file name on one line", bad);
    CHECK(rejected > 1000 && ok > 100);
    printf("     bit flips: %d accepted, %d rejected\n", ok, rejected);
}

/* magic + version 1.0 + header text (padded to 64) + ndata bytes of zeros */
static unsigned char *craft(const char *header, size_t ndata, size_t *len) {
    size_t h = strlen(header);
    *len = 10 + h + ndata;
    unsigned char *b = calloc(*len, 1);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)h;
    b[9] = (unsigned char)(h >> 8);
    memcpy(b + 10, header, h);
    return b;
}

static const char *crafted[][3] = {   /* header, data bytes, expected part of the message */
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", "8", NULL},
    {"{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(1,1)}", "8", NULL},
    {"{'shape': (), 'fortran_order': False, 'descr': '<f4'}", "4", NULL},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 1L), }", "12", NULL},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", "0", NULL},
    {"[1, 2]", "0", "not a Python dict"},
    {"{'descr': '<f4', 'fortran_order': False}", "0", "lacks 'shape'"},
    {"{'descr': '<f4', 'shape': (1,)}", "4", "lacks 'fortran_order'"},
    {"{'fortran_order': False, 'shape': (1,)}", "4", "lacks 'descr'"},
    {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "4", "twice"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "4", "unexpected key 'extra'"},
    {"{'descr': '<f2', 'fortran_order': False, 'shape': (1,)}", "2", "'<f2' is not supported"},
    {"{'descr': '|u1', 'fortran_order': False, 'shape': (1,)}", "1", "not supported"},
    {"{'descr': '>f8', 'fortran_order': False, 'shape': (1,)}", "8", "big-endian"},
    {"{'descr': <f4, 'fortran_order': False, 'shape': (1,)}", "4", "'descr' is not"},
    {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", "16", "Fortran"},
    {"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "4", "True or False"},
    {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}", "4", "True or False"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "4", "not a tuple"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "4", "non-negative"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}", "4", "not a tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}", "4", "non-negative"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "4", "too large"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}", "4", "overflows"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1)}", "4", "more than 4"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "8", "truncated data"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", "4", "text after the dict"},
    {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "4", "expected ',' or '}'"},
    {"{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", "4", "expected ':'"},
    {"{descr: '<f4'}", "4", "quoted key"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "4", "expected ',' or '}'"},
    {"{'de\\scr': '<f4'}", "4", "quoted key"},
    {"{'descr': '<f4\xff', 'fortran_order': False, 'shape': (1,)}", "4", "'descr' is not"},
};

TEST(crafted_headers) {
    int n = (int)(sizeof crafted / sizeof crafted[0]);
    for (int i = 0; i < n; i++) {
        size_t len;
        unsigned char *b = craft(crafted[i][0], (size_t)atoi(crafted[i][1]), &len);
        unsigned char *exact = malloc(len ? len : 1);
        memcpy(exact, b, len);
        NpyArray a;
        int rc = npy_parse("crafted.npy", exact, len, NPY_F32, &a);
        if (!crafted[i][2]) CHECK_MSG(rc == 0, "case %d: %s", i, mg_error_get());
        else CHECK_MSG(rc == -1 && msg_has("crafted.npy") && msg_has(crafted[i][2]), "case %d: rc %d, '%s'", i, rc,
                       rc ? mg_error_get() : "");
        npy_free(&a);
        free(exact);
        free(b);
    }
    /* bad magic, bad versions, header length past the end */
    NpyArray a;
    CHECK(npy_parse("m.npy", "\x93NUMPX\x01\x00\x00\x00", 10, NPY_F32, &a) == -1 && msg_has("magic"));
    CHECK(npy_parse("m.npy", "\x93NUMPY\x04\x00\x00\x00", 10, NPY_F32, &a) == -1 && msg_has("version 4.0"));
    CHECK(npy_parse("m.npy", "\x93NUMPY\x01\x01\x00\x00", 10, NPY_F32, &a) == -1 && msg_has("version 1.1"));
    CHECK(npy_parse("m.npy", "\x93NUMPY\x01\x00\xff\x00", 10, NPY_F32, &a) == -1 && msg_has("255 bytes announced"));
    CHECK(npy_parse("m.npy", "\x93NUMPY\x02\x00\x00\x00\x00", 11, NPY_F32, &a) == -1 && msg_has("truncated"));
    CHECK(npy_parse("m.npy", "\x93NUMPY\x02\x00\xff\xff\xff\xff", 12, NPY_F32, &a) == -1 && msg_has("announced"));
}

int main(void) {
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(round_trip_all_ranks);
    RUN(numpy_written_files);
    RUN(numpy_reads_ours);
    RUN(atomic_write_and_errors);
    RUN(truncated_every_length);
    RUN(bit_flips);
    RUN(crafted_headers);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
