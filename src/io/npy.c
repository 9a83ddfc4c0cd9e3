/* .npy reading and writing.  The header is a Python dict literal; we parse exactly the subset numpy
 * writes (string keys, a quoted descr, True/False, a tuple of non-negative integers, spaces and
 * trailing commas) and validate it completely before touching the data. */
#include "io/npy.h"
#include "io/atomic_file.h"
#include "core/error.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy reads and writes host floats as they are: little-endian hosts only"
#endif

static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

const char *npy_shape_str(const NpyArray *a) {
    static _Thread_local char bufs[4][NPY_MAXDIM * 24 + 4];
    static _Thread_local int k;
    char *b = bufs[k++ & 3];
    int len = snprintf(b, sizeof bufs[0], "[");
    for (int i = 0; i < a->ndim; i++)
        len += snprintf(b + len, sizeof bufs[0] - len, "%s%lld", i ? "," : "", (long long)a->shape[i]);
    snprintf(b + len, sizeof bufs[0] - len, "]");
    return b;
}

void npy_free(NpyArray *a) {
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* --- the header dict --- */

typedef struct Cursor {
    const char *p, *end;
} Cursor;

static void skip_space(Cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static int take(Cursor *c, char ch) {
    skip_space(c);
    if (c->p < c->end && *c->p == ch) { c->p++; return 1; }
    return 0;
}

/* a quoted string without escapes (numpy's keys and descr have none) into out[cap]; 0 or -1 */
static int take_string(Cursor *c, char *out, size_t cap) {
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return -1;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '\\' || ch < 0x20 || ch >= 0x7f || n + 1 >= cap) return -1;
        out[n++] = (char)ch;
    }
    if (c->p >= c->end) return -1;
    c->p++;
    out[n] = 0;
    return 0;
}

static int take_word(Cursor *c, const char *w) {
    skip_space(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n)) return 0;
    const char *after = c->p + n;
    if (after < c->end && ((*after >= 'a' && *after <= 'z') || (*after >= 'A' && *after <= 'Z') ||
                           (*after >= '0' && *after <= '9') || *after == '_')) return 0;
    c->p = after;
    return 1;
}

/* (d0, d1, ...) with an optional trailing comma; "(5,)" and "()" included.  0 or -1 + message */
static int take_shape(Cursor *c, const char *name, int *ndim, int64_t *shape) {
    if (!take(c, '(')) return mg_error_set("%s: header: 'shape' is not a tuple", name);
    *ndim = 0;
    for (;;) {
        if (take(c, ')')) return 0;
        skip_space(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return mg_error_set("%s: header: 'shape' holds something other than non-negative integers", name);
        int64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (INT64_MAX - 9) / 10) return mg_error_set("%s: header: a dimension of 'shape' is too large", name);
            v = v * 10 + (*c->p++ - '0');
        }
        if (c->p < c->end && (*c->p == 'L' || *c->p == 'l')) c->p++;       /* Python 2 longs */
        if (*ndim == NPY_MAXDIM)
            return mg_error_set("%s: more than %d dimensions (not supported)", name, NPY_MAXDIM);
        shape[(*ndim)++] = v;
        if (take(c, ',')) continue;
        if (take(c, ')')) return 0;
        return mg_error_set("%s: header: 'shape' is not a tuple of integers", name);
    }
}

static int parse_descr(const char *name, const char *d, NpyDtype *dt) {
    if (!strcmp(d, "<f4")) { *dt = NPY_F32; return 0; }
    if (!strcmp(d, "<f8")) { *dt = NPY_F64; return 0; }
    if (d[0] == '>' && (!strcmp(d + 1, "f4") || !strcmp(d + 1, "f8")))
        return mg_error_set("%s: big-endian data ('%s') is not supported; save it little-endian "
                            "(numpy: a.astype('<f4'))", name, d);
    return mg_error_set("%s: dtype '%s' is not supported (only float32 '<f4' and float64 '<f8')", name, d);
}

/* the whole header text h[len]: fills dtype, ndim, shape; 0 or -1 + message */
static int parse_header(const char *name, const char *h, size_t len, NpyDtype *dt, int *ndim, int64_t *shape) {
    Cursor c = {h, h + len};
    int have_descr = 0, have_order = 0, have_shape = 0;
    if (!take(&c, '{')) return mg_error_set("%s: header is not a Python dict", name);
    for (;;) {
        if (take(&c, '}')) break;
        char key[32];
        if (take_string(&c, key, sizeof key)) return mg_error_set("%s: header: expected a quoted key", name);
        if (!take(&c, ':')) return mg_error_set("%s: header: expected ':' after '%s'", name, key);
        if (!strcmp(key, "descr")) {
            char d[32];
            if (have_descr++) return mg_error_set("%s: header: 'descr' given twice", name);
            skip_space(&c);
            if (c.p < c.end && *c.p == '[')
                return mg_error_set("%s: structured dtype is not supported (only float32 '<f4' and float64 '<f8')", name);
            if (take_string(&c, d, sizeof d)) return mg_error_set("%s: header: 'descr' is not a short string", name);
            if (parse_descr(name, d, dt)) return -1;
        } else if (!strcmp(key, "fortran_order")) {
            if (have_order++) return mg_error_set("%s: header: 'fortran_order' given twice", name);
            if (take_word(&c, "True"))
                return mg_error_set("%s: Fortran-order arrays are not supported; save it in C order "
                                    "(numpy: np.ascontiguousarray)", name);
            if (!take_word(&c, "False")) return mg_error_set("%s: header: 'fortran_order' is not True or False", name);
        } else if (!strcmp(key, "shape")) {
            if (have_shape++) return mg_error_set("%s: header: 'shape' given twice", name);
            if (take_shape(&c, name, ndim, shape)) return -1;
        } else {
            return mg_error_set("%s: header: unexpected key '%s'", name, key);
        }
        if (take(&c, ',')) continue;
        if (take(&c, '}')) break;
        return mg_error_set("%s: header: expected ',' or '}' after '%s'", name, key);
    }
    skip_space(&c);
    if (c.p != c.end) return mg_error_set("%s: header: text after the dict", name);
    if (!have_descr || !have_order || !have_shape)
        return mg_error_set("%s: header lacks '%s'", name, !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
    return 0;
}

int npy_parse(const char *name, const void *bytes, size_t size, NpyDtype want, NpyArray *a) {
    memset(a, 0, sizeof *a);
    const unsigned char *b = bytes;
    if (size < 10 || memcmp(b, magic, 6))
        return mg_error_set("%s: not a .npy file (no \\x93NUMPY magic)", name);
    int major = b[6], minor = b[7];
    size_t hlen, start;
    if (major == 1 && minor == 0) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
        start = 10;
    } else if ((major == 2 || major == 3) && minor == 0) {
        if (size < 12) return mg_error_set("%s: truncated .npy header", name);
        hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        start = 12;
    } else {
        return mg_error_set("%s: .npy format version %d.%d is not supported (1.0, 2.0, 3.0)", name, major, minor);
    }
    if (hlen > size - start) return mg_error_set("%s: truncated .npy header (%zu bytes announced)", name, hlen);
    NpyDtype dt = NPY_F32;
    int ndim = 0;
    int64_t shape[NPY_MAXDIM] = {0};
    if (parse_header(name, (const char *)b + start, hlen, &dt, &ndim, shape)) return -1;
    size_t item = dt == NPY_F64 ? 8 : 4, numel = 1, avail = size - start - hlen;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] > (int64_t)(SIZE_MAX / 8) || __builtin_mul_overflow(numel, (size_t)shape[i], &numel) ||
            numel > SIZE_MAX / 8)
            return mg_error_set("%s: shape overflows (too many values)", name);
    }
    if (numel > avail / item)
        return mg_error_set("%s: truncated data: shape needs %zu values, the file has %zu bytes for them",
                            name, numel, avail);
    if (numel * item != avail)
        return mg_error_set("%s: %zu bytes after the data (shape needs %zu values)", name, avail - numel * item, numel);
    const unsigned char *src = b + start + hlen;
    size_t out_item = want == NPY_F64 ? 8 : 4;
    void *data = malloc(numel ? numel * out_item : 1);
    if (!data) return mg_error_set("%s: out of memory for %zu values", name, numel);
    if (dt == want) memcpy(data, src, numel * item);
    else if (want == NPY_F64)
        for (size_t i = 0; i < numel; i++) { float v; memcpy(&v, src + 4 * i, 4); ((double *)data)[i] = v; }
    else
        for (size_t i = 0; i < numel; i++) { double v; memcpy(&v, src + 8 * i, 8); ((float *)data)[i] = (float)v; }
    a->dtype = want;
    a->stored = dt;
    a->ndim = ndim;
    memcpy(a->shape, shape, sizeof shape);
    a->numel = numel;
    a->data = data;
    return 0;
}

int npy_read(const char *path, NpyDtype want, NpyArray *a) {
    memset(a, 0, sizeof *a);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return mg_error_set("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return mg_error_set("%s: not a regular file", path);
    }
    size_t size = (size_t)st.st_size, got = 0;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) { close(fd); return mg_error_set("%s: out of memory reading %zu bytes", path, size); }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    int rc = got == size ? npy_parse(path, buf, size, want, a) : mg_error_set("%s: read error", path);
    free(buf);
    return rc;
}

/* --- writing --- */

int npy_write(const char *path, NpyDtype dtype, int ndim, const int64_t *shape, const void *data) {
    MG_CHECK(ndim >= 0 && ndim <= NPY_MAXDIM, "npy_write(%s): %d dimensions", path, ndim);
    char dict[64 + NPY_MAXDIM * 24];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dtype == NPY_F64 ? "<f8" : "<f4");
    size_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        MG_CHECK(shape[i] >= 0, "npy_write(%s): negative dimension", path);
        n += snprintf(dict + n, sizeof dict - n, "%lld,%s", (long long)shape[i], i + 1 < ndim ? " " : "");
        numel *= (size_t)shape[i];
    }
    if (ndim > 1) n--;                                   /* "(3, 4)" but "(5,)" */
    n += snprintf(dict + n, sizeof dict - n, "), }");
    /* magic(6) + version(2) + length(2) + dict + spaces + '\n' = a multiple of 64 */
    size_t total = ((size_t)10 + n + 1 + 63) / 64 * 64, hlen = total - 10;
    unsigned char pre[10];
    memcpy(pre, magic, 6);
    pre[6] = 1; pre[7] = 0;
    pre[8] = (unsigned char)hlen; pre[9] = (unsigned char)(hlen >> 8);
    char *header = mg_xmalloc(hlen);
    memcpy(header, dict, (size_t)n);
    memset(header + n, ' ', hlen - n - 1);
    header[hlen - 1] = '\n';

    size_t item = dtype == NPY_F64 ? 8 : 4;
    AtomicFile af;                                       /* temporary beside the target, fsync, rename */
    FILE *f = atomic_open(&af, path);
    if (!f) { free(header); return -1; }
    int bad = fwrite(pre, 1, 10, f) != 10 || fwrite(header, 1, hlen, f) != hlen || (numel && fwrite(data, item, numel, f) != numel);
    free(header);
    if (bad) {
        int err = errno;
        atomic_close(&af, 1);                            /* the previous file stays */
        return mg_error_set("%s: write failed: %s", path, strerror(err));
    }
    return atomic_close(&af, 0);
}
