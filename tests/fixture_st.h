/* A tiny safetensors reader for the test fixtures (F32 only): u64 little-endian header length |
 * JSON header {name: {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, "__metadata__": {...}} |
 * little-endian float32 data.  fx_open returns 0, or -1 with mg_error "<path>: what is wrong". */
#ifndef MG_FIXTURE_ST_H
#define MG_FIXTURE_ST_H
#include "core/error.h"
#include "core/tensor.h"
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Fx {
    const char *path;
    unsigned char *buf;     /* the whole file */
    size_t size, data0;     /* data0: where the data section starts */
    cJSON *hdr;
} Fx;

static int fx_fail(Fx *f, const char *what) {
    mg_error_set("%s: %s", f->path, what);
    free(f->buf);
    cJSON_Delete(f->hdr);
    f->buf = NULL;
    f->hdr = NULL;
    return -1;
}

static int fx_open(Fx *f, const char *path) {
    memset(f, 0, sizeof *f);
    f->path = path;
    FILE *fp = fopen(path, "rb");
    if (!fp) return fx_fail(f, "cannot open");
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    if (sz < 8) { fclose(fp); return fx_fail(f, "shorter than the 8-byte header length"); }
    f->size = (size_t)sz;
    f->buf = mg_xmalloc(f->size);
    size_t got = fread(f->buf, 1, f->size, fp);
    fclose(fp);
    if (got != f->size) return fx_fail(f, "short read");
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = n << 8 | f->buf[i];
    if (n > f->size - 8) return fx_fail(f, "header length beyond the end of the file");
    f->data0 = 8 + (size_t)n;
    f->hdr = cJSON_ParseWithLength((const char *)f->buf + 8, (size_t)n);
    if (!cJSON_IsObject(f->hdr)) return fx_fail(f, "header is not a JSON object");
    cJSON *e;
    cJSON_ArrayForEach(e, f->hdr) {
        if (!strcmp(e->string, "__metadata__")) continue;
        cJSON *dt = cJSON_GetObjectItem(e, "dtype"), *sh = cJSON_GetObjectItem(e, "shape"),
              *off = cJSON_GetObjectItem(e, "data_offsets");
        if (!cJSON_IsString(dt) || strcmp(dt->valuestring, "F32")) return fx_fail(f, "a tensor is not F32");
        if (!cJSON_IsArray(sh) || cJSON_GetArraySize(sh) > MG_MAXDIM) return fx_fail(f, "bad shape");
        if (!cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2) return fx_fail(f, "bad data_offsets");
        double b = cJSON_GetArrayItem(off, 0)->valuedouble, en = cJSON_GetArrayItem(off, 1)->valuedouble;
        double numel = 1;
        cJSON *d;
        cJSON_ArrayForEach(d, sh) numel *= d->valuedouble;
        if (b < 0 || en < b || en - b != 4 * numel || f->data0 + en > f->size)
            return fx_fail(f, "data_offsets do not match the shape or the file size");
    }
    return 0;
}

static void fx_close(Fx *f) {
    free(f->buf);
    cJSON_Delete(f->hdr);
    memset(f, 0, sizeof *f);
}

static int fx_has(const Fx *f, const char *name) { return cJSON_GetObjectItem(f->hdr, name) != NULL; }

/* A copy of the tensor in the current arena; fatal when absent (a fixture/test mismatch). */
static Tensor *fx_get(const Fx *f, const char *name) {
    cJSON *e = cJSON_GetObjectItem(f->hdr, name);
    MG_CHECK(e, "%s: no tensor %s", f->path, name);
    cJSON *sh = cJSON_GetObjectItem(e, "shape"), *d;
    int shape[MG_MAXDIM], nd = 0;
    cJSON_ArrayForEach(d, sh) shape[nd++] = d->valueint;
    Tensor *t = tensor_new(nd, shape);
    size_t b = (size_t)cJSON_GetArrayItem(cJSON_GetObjectItem(e, "data_offsets"), 0)->valuedouble;
    memcpy(t->data, f->buf + f->data0 + b, tensor_numel(t) * sizeof(float));   /* little-endian host */
    return t;
}

static const char *fx_meta(const Fx *f, const char *key) {
    cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(f->hdr, "__metadata__"), key);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}
#endif
