/* safetensors reading: load the whole file, validate the header completely, convert to float.
 * Every check below guards an access: after st_parse() returns 0, each tensor's raw bytes lie
 * inside the data section and the tensors do not overlap. */
#include "io/safetensors.h"
#include "core/error.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *name; size_t size; } dtypes[] = {
    [ST_F32] = {"F32", 4}, [ST_F16] = {"F16", 2}, [ST_BF16] = {"BF16", 2}, [ST_F64] = {"F64", 8},
    [ST_I64] = {"I64", 8}, [ST_I32] = {"I32", 4}, [ST_I16] = {"I16", 2}, [ST_I8] = {"I8", 1},
    [ST_U64] = {"U64", 8}, [ST_U32] = {"U32", 4}, [ST_U16] = {"U16", 2}, [ST_U8] = {"U8", 1},
    [ST_BOOL] = {"BOOL", 1},
};
#define N_DTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

const char *st_dtype_name(StDtype d) { return dtypes[d].name; }
size_t st_dtype_size(StDtype d) { return dtypes[d].size; }

const char *st_shape_str(const StTensor *t) {
    static _Thread_local char bufs[4][8 * 24];
    static _Thread_local int k;
    char *b = bufs[k++ & 3];
    int len = snprintf(b, sizeof bufs[0], "[");
    for (int i = 0; i < t->ndim; i++)
        len += snprintf(b + len, sizeof bufs[0] - len, "%s%lld", i ? "," : "", (long long)t->shape[i]);
    snprintf(b + len, sizeof bufs[0] - len, "]");
    return b;
}

/* A name fit for a one-line message: at most 80 bytes, control characters as '?'. */
static const char *shown(const char *s) {
    static _Thread_local char bufs[2][88];
    static _Thread_local int k;
    char *b = bufs[k++ & 1];
    size_t i = 0;
    for (; s[i] && i < 80; i++) b[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    strcpy(b + i, s[i] ? "..." : "");
    return b;
}

/* --- little-endian loads from unaligned bytes --- */
static uint16_t ld16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t ld32(const unsigned char *p) { return (uint32_t)ld16(p) | (uint32_t)ld16(p + 2) << 16; }
static uint64_t ld64(const unsigned char *p) { return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32; }

/* IEEE half -> float, subnormals, infinities and NaN included. */
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0x1f) bits = sign | 0x7f800000u | man << 13;
    else if (exp) bits = sign | (exp + 112) << 23 | man << 13;
    else {
        float v = ldexpf((float)man, -24);
        return sign ? -v : v;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

void st_read_f32(const StTensor *t, float *out) {
    const unsigned char *p = t->raw;
    size_t n = t->numel;
    switch (t->dtype) {
    case ST_F32:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (n) memcpy(out, p, n * 4);
#else
        for (size_t i = 0; i < n; i++) { uint32_t b = ld32(p + 4 * i); memcpy(out + i, &b, 4); }
#endif
        break;
    case ST_F16:  for (size_t i = 0; i < n; i++) out[i] = half_to_float(ld16(p + 2 * i)); break;
    case ST_BF16: for (size_t i = 0; i < n; i++) { uint32_t b = (uint32_t)ld16(p + 2 * i) << 16; memcpy(out + i, &b, 4); } break;
    case ST_F64:  for (size_t i = 0; i < n; i++) { uint64_t b = ld64(p + 8 * i); double d; memcpy(&d, &b, 8); out[i] = (float)d; } break;
    case ST_I64:  for (size_t i = 0; i < n; i++) out[i] = (float)(int64_t)ld64(p + 8 * i); break;
    case ST_I32:  for (size_t i = 0; i < n; i++) out[i] = (float)(int32_t)ld32(p + 4 * i); break;
    case ST_I16:  for (size_t i = 0; i < n; i++) out[i] = (float)(int16_t)ld16(p + 2 * i); break;
    case ST_I8:   for (size_t i = 0; i < n; i++) out[i] = (float)(int8_t)p[i]; break;
    case ST_U64:  for (size_t i = 0; i < n; i++) out[i] = (float)ld64(p + 8 * i); break;
    case ST_U32:  for (size_t i = 0; i < n; i++) out[i] = (float)ld32(p + 4 * i); break;
    case ST_U16:  for (size_t i = 0; i < n; i++) out[i] = (float)ld16(p + 2 * i); break;
    case ST_U8:   for (size_t i = 0; i < n; i++) out[i] = (float)p[i]; break;
    case ST_BOOL: for (size_t i = 0; i < n; i++) out[i] = p[i] ? 1.0f : 0.0f; break;
    }
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF) and no NUL byte. */
static int valid_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) return 0;
        if (c < 0x80) { i++; continue; }
        int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        if (!len || c > 0xf4 || c == 0xc0 || c == 0xc1 || i + len > n) return 0;
        uint32_t cp = c & (0x7f >> len);
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        i += len;
    }
    return 1;
}

/* A JSON number that is an integer in [0, 2^53]. */
static int json_uint(const cJSON *j, uint64_t *out) {
    if (!cJSON_IsNumber(j)) return 0;
    double d = j->valuedouble;
    if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d)) return 0;
    *out = (uint64_t)d;
    return 1;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp((*(const StTensor *const *)a)->name, (*(const StTensor *const *)b)->name);
}
static int cmp_begin(const void *a, const void *b) {
    const unsigned char *x = (*(const StTensor *const *)a)->raw, *y = (*(const StTensor *const *)b)->raw;
    return x < y ? -1 : x > y;
}
static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* One tensor entry of the header -> t (name already set).  data/dsize: the data section. */
static int parse_entry(const char *path, const cJSON *e, StTensor *t, const unsigned char *data, size_t dsize) {
    const char *nm = shown(t->name);
    if (!cJSON_IsObject(e)) return mg_error_set("%s: tensor '%s': entry is not a JSON object", path, nm);

    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    if (!cJSON_IsString(dt)) return mg_error_set("%s: tensor '%s': missing or non-string \"dtype\"", path, nm);
    int d = 0;
    while (d < N_DTYPES && strcmp(dt->valuestring, dtypes[d].name)) d++;
    if (d == N_DTYPES)
        return mg_error_set("%s: tensor '%s': dtype '%s' not supported (F32, F16, BF16, F64, integer and BOOL are)",
                            path, nm, shown(dt->valuestring));
    t->dtype = (StDtype)d;

    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(e, "shape");
    if (!cJSON_IsArray(sh)) return mg_error_set("%s: tensor '%s': missing or non-array \"shape\"", path, nm);
    int nd = cJSON_GetArraySize(sh);
    if (nd > ST_MAXDIM) return mg_error_set("%s: tensor '%s': %d dimensions (at most %d)", path, nm, nd, ST_MAXDIM);
    t->ndim = nd;
    size_t numel = 1;
    int overflow = 0, zero = 0, k = 0;
    for (const cJSON *x = sh->child; x; x = x->next, k++) {
        uint64_t v;
        if (!json_uint(x, &v))
            return mg_error_set("%s: tensor '%s': shape entry %d is not a non-negative integer (at most 2^53)", path, nm, k);
        t->shape[k] = (int64_t)v;
        if (v == 0) zero = 1;
        if (__builtin_mul_overflow(numel, (size_t)v, &numel)) overflow = 1;
    }
    if (zero) numel = 0;
    size_t nbytes;
    if ((overflow && !zero) || __builtin_mul_overflow(numel, dtypes[d].size, &nbytes))
        return mg_error_set("%s: tensor '%s': shape %s overflows", path, nm, st_shape_str(t));
    t->numel = numel;
    t->nbytes = nbytes;

    const cJSON *off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    uint64_t b, en;
    if (!cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2 || !json_uint(off->child, &b) ||
        !json_uint(off->child->next, &en))
        return mg_error_set("%s: tensor '%s': \"data_offsets\" is not two non-negative integers", path, nm);
    if (b > en) return mg_error_set("%s: tensor '%s': data_offsets [%llu, %llu] begin after end", path, nm,
                                    (unsigned long long)b, (unsigned long long)en);
    if (en > dsize)
        return mg_error_set("%s: tensor '%s': data_offsets [%llu, %llu] past the end of the data (%zu bytes; file truncated?)",
                            path, nm, (unsigned long long)b, (unsigned long long)en, dsize);
    if (en - b != nbytes)
        return mg_error_set("%s: tensor '%s': data_offsets [%llu, %llu] hold %llu bytes, %s %s needs %zu", path, nm,
                            (unsigned long long)b, (unsigned long long)en, (unsigned long long)(en - b),
                            dtypes[d].name, st_shape_str(t), nbytes);
    t->raw = data + b;
    return 0;
}

static int parse_metadata(StFile *f, const cJSON *m) {
    if (!cJSON_IsObject(m)) return mg_error_set("%s: \"__metadata__\" is not a JSON object", f->path);
    int n = cJSON_GetArraySize(m);
    f->meta_key = mg_xcalloc((size_t)n, sizeof(char *));
    f->meta_val = mg_xcalloc((size_t)n, sizeof(char *));
    for (const cJSON *x = m->child; x; x = x->next) {
        if (!cJSON_IsString(x))
            return mg_error_set("%s: metadata value of '%s' is not a string", f->path, shown(x->string));
        f->meta_key[f->nmeta] = strdup(x->string);
        f->meta_val[f->nmeta++] = strdup(x->valuestring);
    }
    char **keys = mg_xmalloc((size_t)n * sizeof(char *));
    memcpy(keys, f->meta_key, (size_t)n * sizeof(char *));
    qsort(keys, (size_t)n, sizeof(char *), cmp_strp);
    int dup = -1;
    for (int i = 1; i < n && dup < 0; i++) if (!strcmp(keys[i - 1], keys[i])) dup = i;
    int rc = dup < 0 ? 0 : mg_error_set("%s: metadata key '%s' appears twice", f->path, shown(keys[dup]));
    free(keys);
    return rc;
}

/* Validates f->buf[0..size) and fills the tensor and metadata tables. */
static int parse_file(StFile *f) {
    const char *path = f->path;
    if (f->size < 8) return mg_error_set("%s: %zu bytes, too short for a safetensors file", path, f->size);
    uint64_t hlen = ld64(f->buf);
    if (hlen > ST_MAX_HEADER)
        return mg_error_set("%s: header length %llu is absurd (not a safetensors file?)", path, (unsigned long long)hlen);
    if (hlen > f->size - 8)
        return mg_error_set("%s: header length %llu runs past the end of the file (%zu bytes; truncated?)", path,
                            (unsigned long long)hlen, f->size);
    if (!valid_utf8(f->buf + 8, hlen)) return mg_error_set("%s: header is not valid UTF-8 text", path);

    char *text = mg_xmalloc(hlen + 1);            /* header as a C string (it has no NUL byte) */
    memcpy(text, f->buf + 8, hlen);
    text[hlen] = 0;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        size_t at = end ? (size_t)(end - text) : 0;
        free(text);
        return mg_error_set("%s: header is not valid JSON (at byte %zu of %llu)", path, at, (unsigned long long)hlen);
    }
    free(text);
    int rc = 0;
    if (!cJSON_IsObject(root)) { rc = mg_error_set("%s: header is not a JSON object", path); goto done; }

    const unsigned char *data = f->buf + 8 + hlen;
    size_t dsize = f->size - 8 - (size_t)hlen;
    int n = cJSON_GetArraySize(root), seen_meta = 0;
    f->t = mg_xcalloc((size_t)n, sizeof(StTensor));
    for (const cJSON *e = root->child; e; e = e->next) {
        if (!strcmp(e->string, "__metadata__")) {
            if (seen_meta++) { rc = mg_error_set("%s: \"__metadata__\" appears twice", path); goto done; }
            if ((rc = parse_metadata(f, e))) goto done;
            continue;
        }
        StTensor *t = &f->t[f->n++];
        t->name = strdup(e->string);
        if ((rc = parse_entry(path, e, t, data, dsize))) goto done;
    }

    /* duplicate names, then overlapping byte ranges (empty tensors occupy nothing) */
    StTensor **order = mg_xmalloc((size_t)(f->n ? f->n : 1) * sizeof *order);
    for (int i = 0; i < f->n; i++) order[i] = &f->t[i];
    qsort(order, (size_t)f->n, sizeof *order, cmp_names);
    for (int i = 1; i < f->n && !rc; i++)
        if (!strcmp(order[i - 1]->name, order[i]->name))
            rc = mg_error_set("%s: tensor '%s' appears twice", path, shown(order[i]->name));
    int m = 0;
    for (int i = 0; i < f->n; i++) if (f->t[i].nbytes) order[m++] = &f->t[i];
    qsort(order, (size_t)m, sizeof *order, cmp_begin);
    for (int i = 1; i < m && !rc; i++)
        if (order[i]->raw < order[i - 1]->raw + order[i - 1]->nbytes)
            rc = mg_error_set("%s: tensors '%s' and '%s' overlap in the data section", path,
                              shown(order[i - 1]->name), shown(order[i]->name));
    free(order);
done:
    cJSON_Delete(root);
    return rc;
}

void st_close(StFile *f) {
    for (int i = 0; i < f->n; i++) free(f->t[i].name);
    for (int i = 0; i < f->nmeta; i++) { free(f->meta_key[i]); free(f->meta_val[i]); }
    free(f->t);
    free(f->meta_key);
    free(f->meta_val);
    free(f->buf);
    free(f->path);
    memset(f, 0, sizeof *f);
}

int st_parse(const char *name, const void *data, size_t size, StFile *f) {
    memset(f, 0, sizeof *f);
    f->path = strdup(name);
    f->buf = mg_xmalloc(size);
    if (size) memcpy(f->buf, data, size);
    f->size = size;
    if (parse_file(f)) { st_close(f); return -1; }
    return 0;
}

int st_open(const char *path, StFile *f) {
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return mg_error_set("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return mg_error_set("%s: not a regular file", path);
    }
    size_t size = (size_t)st.st_size, got = 0;
    unsigned char *buf = mg_xmalloc(size);        /* the whole file */
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int err = errno;
            free(buf);
            close(fd);
            return mg_error_set("%s: read failed: %s", path, r ? strerror(err) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    f->path = strdup(path);
    f->buf = buf;
    f->size = size;
    if (parse_file(f)) { st_close(f); return -1; }
    return 0;
}

const StTensor *st_find(const StFile *f, const char *name) {
    for (int i = 0; i < f->n; i++) if (!strcmp(f->t[i].name, name)) return &f->t[i];
    return NULL;
}

const char *st_meta(const StFile *f, const char *key) {
    for (int i = 0; i < f->nmeta; i++) if (!strcmp(f->meta_key[i], key)) return f->meta_val[i];
    return NULL;
}
