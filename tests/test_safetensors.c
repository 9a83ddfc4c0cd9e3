/* safetensors: round trips, a file written by Python, atomic writes, and corrupt inputs
 * (every truncation, seeded bit flips, crafted headers) that must fail cleanly. */
#include "core/error.h"
#include "core/rng.h"
#include "io/safetensors.h"
#include "test.h"
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/mg_st_XXXXXX";

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

/* u64 length + header text + data, as one malloc'd buffer */
static unsigned char *make_file(const char *json, const void *data, size_t dlen, size_t *len) {
    size_t h = strlen(json);
    *len = 8 + h + dlen;
    unsigned char *b = malloc(*len);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(b + 8, json, h);
    if (dlen) memcpy(b + 8 + h, data, dlen);
    return b;
}

static int msg_has(const char *s) { return strstr(mg_error_get(), s) != NULL; }

TEST(round_trip) {
    float a[6] = {1, -2, 3.5f, 1e-30f, -0.0f, 1e30f}, b[4] = {0.25f, 0.5f, 0.75f, 1};
    float s = 7, big[1000];
    for (int i = 0; i < 1000; i++) big[i] = (float)i * 0.001f - 0.3f;
    StWriter w;
    st_writer_init(&w);
    st_writer_add(&w, "layer.0.weight", 2, (int[]){2, 3}, a);
    st_writer_add(&w, "b", 4, (int[]){1, 1, 2, 2}, b);
    st_writer_add(&w, "scalar", 0, NULL, &s);
    st_writer_add(&w, "empty", 2, (int[]){0, 5}, NULL);
    st_writer_add(&w, "big", 1, (int[]){1000}, big);
    st_writer_meta(&w, "note", "quote \" backslash \\ newline \n unicode \xc3\xa9");
    st_writer_meta(&w, "arch", "{\"z\": 64}");
    st_writer_meta(&w, "note2", "x");
    st_writer_meta(&w, "note2", "replaced");
    const char *path = tmp_path("rt.safetensors");
    CHECK(st_write(&w, path) == 0);
    st_writer_free(&w);

    size_t len;
    unsigned char *raw = slurp(path, &len);
    CHECK(raw && len > 8);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++) h |= (uint64_t)raw[i] << (8 * i);
    CHECK((8 + h) % 8 == 0);                      /* data section aligned */
    free(raw);

    StFile f;
    CHECK_MSG(st_open(path, &f) == 0, "%s", mg_error_get());
    CHECK(f.n == 5);
    CHECK(!strcmp(f.t[0].name, "layer.0.weight") && !strcmp(f.t[4].name, "big"));   /* listing: header order */
    const StTensor *t = st_find(&f, "layer.0.weight");
    CHECK(t && t->dtype == ST_F32 && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 && t->numel == 6);
    float out[1000];
    st_read_f32(t, out);
    CHECK(!memcmp(out, a, sizeof a));
    t = st_find(&f, "b");
    CHECK(t && t->ndim == 4 && !strcmp(st_shape_str(t), "[1,1,2,2]"));
    st_read_f32(t, out);
    CHECK(!memcmp(out, b, sizeof b));
    t = st_find(&f, "scalar");
    CHECK(t && t->ndim == 0 && t->numel == 1);
    st_read_f32(t, out);
    CHECK(out[0] == 7);
    t = st_find(&f, "empty");
    CHECK(t && t->numel == 0 && t->nbytes == 0);
    t = st_find(&f, "big");
    st_read_f32(t, out);
    CHECK(!memcmp(out, big, sizeof big));
    CHECK(!st_find(&f, "missing"));
    CHECK(st_meta(&f, "note") && !strcmp(st_meta(&f, "note"), "quote \" backslash \\ newline \n unicode \xc3\xa9"));
    CHECK(st_meta(&f, "arch") && !strcmp(st_meta(&f, "arch"), "{\"z\": 64}"));
    CHECK(st_meta(&f, "note2") && !strcmp(st_meta(&f, "note2"), "replaced"));
    CHECK(f.nmeta == 3 && !st_meta(&f, "nope"));
    st_close(&f);
    st_close(&f);                                 /* closing twice is harmless */
}

/* fixtures/tiny.safetensors, written by tools/make_io_fixtures.py with numpy + struct */
TEST(python_fixture) {
    StFile f;
    if (st_open("fixtures/tiny.safetensors", &f)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    float o[8];
    const StTensor *t;
    CHECK(f.n == 8);
    CHECK((t = st_find(&f, "w")) && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3);
    if (t) { st_read_f32(t, o); for (int i = 0; i < 6; i++) CHECK(o[i] == i * 0.5f - 1); }
    CHECK((t = st_find(&f, "bias")) && t->numel == 3);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 1e-3f && o[1] == -2.5e7f && o[2] == 3.25f); }
    CHECK((t = st_find(&f, "scalar")) && t->ndim == 0);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 42); }
    CHECK((t = st_find(&f, "half")) && t->dtype == ST_F16 && t->numel == 5);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 1 && o[1] == -2 && o[2] == 0.5f && o[3] == 65504 && o[4] == ldexpf(1, -24)); }
    CHECK((t = st_find(&f, "bf")) && t->dtype == ST_BF16 && t->numel == 4);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 1 && o[1] == -2 && o[2] == 3.5f && o[3] == 0.15625f); }
    CHECK((t = st_find(&f, "dbl")) && t->dtype == ST_F64);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 0.1f && o[1] == 2 && o[2] == 1e-3f); }
    CHECK((t = st_find(&f, "ints")) && t->dtype == ST_I64);
    if (t) { st_read_f32(t, o); CHECK(o[0] == -3 && o[1] == 0 && o[2] == 7); }
    CHECK((t = st_find(&f, "empty")) && t->numel == 0 && t->ndim == 2 && t->shape[1] == 4);
    CHECK(st_meta(&f, "creator") && !strcmp(st_meta(&f, "creator"), "make_io_fixtures.py"));
    CHECK(st_meta(&f, "note") && !strcmp(st_meta(&f, "note"), "h\xc3\xa9llo \"quoted\""));
    st_close(&f);
}

/* fixtures/pkg.safetensors, written by the reference safetensors package (0.8.0) */
TEST(reference_package_fixture) {
    StFile f;
    if (st_open("fixtures/pkg.safetensors", &f)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    float o[6];
    const StTensor *t;
    CHECK(f.n == 5 && f.nmeta == 1 && st_meta(&f, "k") && !strcmp(st_meta(&f, "k"), "v"));
    CHECK((t = st_find(&f, "a")) && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3);
    if (t) { st_read_f32(t, o); for (int i = 0; i < 6; i++) CHECK(o[i] == i); }
    CHECK((t = st_find(&f, "h")) && t->dtype == ST_F16);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 1.5f && o[1] == -2); }
    CHECK((t = st_find(&f, "d")) && t->dtype == ST_F64);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 0.25f); }
    CHECK((t = st_find(&f, "e")) && t->numel == 0);
    CHECK((t = st_find(&f, "s")) && t->ndim == 0);
    if (t) { st_read_f32(t, o); CHECK(o[0] == 3); }
    st_close(&f);
}

static int count_tmp_leftovers(void) {
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) if (strstr(e->d_name, ".tmp.")) n++;
    closedir(d);
    return n;
}

TEST(atomic_write) {
    const char *path = tmp_path("atomic.safetensors");
    float small[4] = {1, 2, 3, 4};
    StWriter w;
    st_writer_init(&w);
    st_writer_add(&w, "old", 1, (int[]){4}, small);
    CHECK(st_write(&w, path) == 0);
    st_writer_free(&w);

    /* a write that fails midway (file size limit; works as root too) leaves the old file */
    static float big[1 << 16];
    st_writer_init(&w);
    st_writer_add(&w, "new", 1, (int[]){1 << 16}, big);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int rc = st_write(&w, path);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK(rc == -1);
    CHECK_MSG(msg_has(path), "%s", mg_error_get());
    CHECK(count_tmp_leftovers() == 0);
    StFile f;
    CHECK(st_open(path, &f) == 0);
    CHECK(f.n == 1 && st_find(&f, "old") && !st_find(&f, "new"));
    st_close(&f);

    /* a directory that does not exist */
    const char *bad = tmp_path("no/such/dir/x.safetensors");
    CHECK(st_write(&w, bad) == -1);
    CHECK_MSG(msg_has(bad), "%s", mg_error_get());
    /* a read-only directory (only meaningful when not root) */
    if (geteuid() != 0) {
        const char *ro = tmp_path("ro");
        mkdir(ro, 0755);
        char p2[300];
        snprintf(p2, sizeof p2, "%s/x.safetensors", ro);
        CHECK(st_write(&w, p2) == 0);
        chmod(ro, 0555);
        CHECK(st_write(&w, p2) == -1 && msg_has(p2));
        CHECK(st_open(p2, &f) == 0);
        st_close(&f);
        chmod(ro, 0755);
        unlink(p2);
        rmdir(ro);
    }
    st_writer_free(&w);
    CHECK(st_open(tmp_path("absent.safetensors"), &f) == -1 && msg_has("absent.safetensors"));
    CHECK(st_open(tmpdir, &f) == -1 && msg_has(tmpdir));         /* a directory */
}

/* A small valid file with metadata and three tensors, as bytes. */
static unsigned char *small_file(size_t *len) {
    static float a[6] = {1, 2, 3, 4, 5, 6}, b[2] = {-1, -2}, c = 9;
    StWriter w;
    st_writer_init(&w);
    st_writer_add(&w, "a", 2, (int[]){2, 3}, a);
    st_writer_add(&w, "b", 1, (int[]){2}, b);
    st_writer_add(&w, "c", 0, NULL, &c);
    st_writer_meta(&w, "k", "v");
    const char *path = tmp_path("small.safetensors");
    CHECK(st_write(&w, path) == 0);
    st_writer_free(&w);
    return slurp(path, len);
}

/* every tensor of a successfully parsed file is readable (ASan checks the bounds) */
static void read_all(const StFile *f) {
    for (int i = 0; i < f->n; i++) {
        float *o = malloc(f->t[i].numel * sizeof(float) + 1);
        st_read_f32(&f->t[i], o);
        free(o);
    }
}

TEST(truncated_every_length) {
    size_t len;
    unsigned char *buf = small_file(&len);
    if (!buf) return;
    StFile f;
    CHECK(st_parse("small.st", buf, len, &f) == 0);
    st_close(&f);
    int bad = 0;
    for (size_t n = 0; n < len; n++) {
        unsigned char *copy = malloc(n ? n : 1);  /* exact size: ASan sees any overread */
        memcpy(copy, buf, n);
        if (st_parse("small.st", copy, n, &f) != -1 || !msg_has("small.st")) bad++;
        free(copy);
    }
    CHECK_MSG(bad == 0, "%d of %zu truncations not rejected", bad, len);
    /* and a few through the file path */
    const char *path = tmp_path("trunc.safetensors");
    for (size_t n = 0; n < len; n += 37) {
        FILE *o = fopen(path, "wb");
        fwrite(buf, 1, n, o);
        fclose(o);
        CHECK(st_open(path, &f) == -1 && msg_has(path));
    }
    free(buf);
}

TEST(bit_flips) {
    size_t len;
    unsigned char *buf = small_file(&len);
    if (!buf) return;
    Rng r = rng_new(1234);
    int ok = 0, rejected = 0, bad = 0;
    unsigned char *copy = malloc(len);
    for (int it = 0; it < 4000; it++) {
        memcpy(copy, buf, len);
        int flips = 1 + (int)rng_below(&r, 4);
        for (int k = 0; k < flips; k++) {
            uint32_t pos = rng_below(&r, it % 2 ? 8 + 64 : (uint32_t)len);   /* half aimed at the header start */
            if (pos >= len) pos = (uint32_t)len - 1;
            if (rng_below(&r, 4) == 0) copy[pos] = (unsigned char)"0123456789-.e\"{}[],:\x00\xff "[rng_below(&r, 24)];
            else copy[pos] ^= (unsigned char)(1u << rng_below(&r, 8));
        }
        StFile f;
        if (st_parse("flip.st", copy, len, &f) == 0) { read_all(&f); st_close(&f); ok++; }
        else if (msg_has("flip.st") && !strchr(mg_error_get(), '\n')) rejected++;
        else bad++;
    }
    free(copy);
    free(buf);
    CHECK_MSG(bad == 0, "%d rejections without the file name on one line", bad);
    CHECK(rejected > 1000);
    printf("     bit flips: %d accepted (data bytes), %d rejected\n", ok, rejected);
}

static const char *crafted[][2] = {   /* header JSON, expected part of the message */
    {"[1, 2]", "not a JSON object"},
    {"\"str\"", "not a JSON object"},
    {"{\"a\": 5}", "not a JSON object"},
    {"{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "dtype"},
    {"{\"a\": {\"dtype\": 5, \"shape\": [1], \"data_offsets\": [0, 4]}}", "dtype"},
    {"{\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [1], \"data_offsets\": [0, 1]}}", "not supported"},
    {"{\"a\": {\"dtype\": \"XYZ\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "not supported"},
    {"{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "shape"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": \"x\", \"data_offsets\": [0, 4]}}", "shape"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "non-negative"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "non-negative"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1e400], \"data_offsets\": [0, 4]}}", "non-negative"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [\"1\"], \"data_offsets\": [0, 4]}}", "non-negative"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1], \"data_offsets\": [0, 4]}}", "dimensions"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 4]}}", "overflows"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [9007199254740992, 9007199254740992], \"data_offsets\": [0, 4]}}", "overflows"},
    {"{\"a\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904], \"data_offsets\": [0, 4]}}", "non-negative"},
    {"{\"a\": {\"dtype\": \"F64\", \"shape\": [9007199254740992, 256], \"data_offsets\": [0, 4]}}", "overflows"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [\"0\", \"4\"]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", "begin after end"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [16, 20]}}", "past the end"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 18446744073709551615]}}", "data_offsets"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "needs 4"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, "
     "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", "overlap"},
    {"{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, "
     "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "twice"},
    {"{\"__metadata__\": [1]}", "__metadata__"},
    {"{\"__metadata__\": {\"k\": 1}}", "not a string"},
    {"{\"__metadata__\": {\"k\": \"a\", \"k\": \"b\"}}", "twice"},
    {"{\"__metadata__\": {}, \"__metadata__\": {}}", "twice"},
    {"{\"a\": ", "not valid JSON"},
    {"{} x", "not valid JSON"},
    {"", "not valid JSON"},
    {"{\"a\xff\": 1}", "UTF-8"},
    {"{\"a\xc0\x80\": 1}", "UTF-8"},
    {"{\"\xed\xa0\x80\": 1}", "UTF-8"},
};

TEST(crafted_headers) {
    unsigned char data[16] = {0};
    StFile f;
    for (size_t i = 0; i < sizeof crafted / sizeof crafted[0]; i++) {
        size_t len;
        unsigned char *b = make_file(crafted[i][0], data, sizeof data, &len);
        int rc = st_parse("crafted.st", b, len, &f);
        CHECK_MSG(rc == -1, "accepted: %s", crafted[i][0]);
        if (rc == 0) st_close(&f);
        else CHECK_MSG(msg_has("crafted.st") && msg_has(crafted[i][1]) && !strchr(mg_error_get(), '\n'),
                       "header %s gave: %s", crafted[i][0], mg_error_get());
        free(b);
    }
    /* a NUL byte inside the header */
    size_t len;
    unsigned char *b = make_file("{\"a\":1}", data, 0, &len);
    b[10] = 0;
    CHECK(st_parse("nul.st", b, len, &f) == -1 && msg_has("nul.st"));
    free(b);
    /* nesting deeper than cJSON's limit: rejected, no stack overflow */
    char *deep = malloc(20001);
    for (int i = 0; i < 10000; i++) { deep[i] = '['; deep[10000 + i] = ']'; }
    deep[20000] = 0;
    b = make_file(deep, data, 0, &len);
    CHECK(st_parse("deep.st", b, len, &f) == -1 && msg_has("deep.st"));
    free(b);
    free(deep);
    /* header lengths: huge, past the end, and files shorter than 8 bytes */
    unsigned char huge[16];
    memset(huge, 0xff, 16);
    CHECK(st_parse("huge.st", huge, 16, &f) == -1 && msg_has("huge.st") && msg_has("absurd"));
    memset(huge, 0, 16);
    huge[0] = 100;
    CHECK(st_parse("past.st", huge, 16, &f) == -1 && msg_has("past.st") && msg_has("past the end"));
    CHECK(st_parse("short.st", huge, 7, &f) == -1 && msg_has("short.st") && msg_has("too short"));
    CHECK(st_parse("zero.st", huge, 0, &f) == -1 && msg_has("zero.st"));
    /* valid odd cases: an empty object, padding, metadata only, an unknown key in an entry, a gap */
    const char *valid[] = {
        "{}", "{}      ", "  {\"__metadata__\": {\"a\": \"b\"}}  ",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"extra\": 1}}",
        "{\"a\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [8, 10]}, "
        "\"b\": {\"dtype\": \"F32\", \"shape\": [0, 1000000], \"data_offsets\": [4, 4]}}",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        b = make_file(valid[i], data, sizeof data, &len);
        CHECK_MSG(st_parse("valid.st", b, len, &f) == 0, "%s: %s", valid[i], mg_error_get());
        read_all(&f);
        st_close(&f);
        free(b);
    }
}

static void rm_tree(void) {
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') unlink(tmp_path(e->d_name));
    if (d) closedir(d);
    rmdir(tmpdir);
}

int main(void) {
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(round_trip);
    RUN(python_fixture);
    RUN(reference_package_fixture);
    RUN(atomic_write);
    RUN(truncated_every_length);
    RUN(bit_flips);
    RUN(crafted_headers);
    rm_tree();
    return test_summary();
}
