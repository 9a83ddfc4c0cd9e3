/* safetensors writing: build the JSON header with cJSON, pad it to 8 bytes, write header and
 * float32 data to a temporary file beside the target, fsync, rename over the target. */
#include "io/safetensors.h"
#include "core/error.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "st_write writes host floats as they are: little-endian hosts only"
#endif

void st_writer_init(StWriter *w) { memset(w, 0, sizeof *w); }

void st_writer_add(StWriter *w, const char *name, int ndim, const int *shape, const float *data) {
    MG_CHECK(ndim >= 0 && ndim <= ST_MAXDIM, "st_writer_add(%s): %d dimensions", name, ndim);
    MG_CHECK(strcmp(name, "__metadata__"), "st_writer_add: reserved name __metadata__");
    for (int i = 0; i < w->n; i++) MG_CHECK(strcmp(w->e[i].name, name), "st_writer_add: duplicate tensor %s", name);
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->e = realloc(w->e, (size_t)w->cap * sizeof *w->e);
        if (!w->e) mg_fatal("out of memory");
    }
    StEntry *e = &w->e[w->n++];
    e->name = strdup(name);
    e->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        MG_CHECK(shape[i] >= 0, "st_writer_add(%s): negative dimension %d", name, shape[i]);
        e->shape[i] = shape[i];
    }
    e->data = data;
}

void st_writer_meta(StWriter *w, const char *key, const char *value) {
    for (int i = 0; i < w->nmeta; i++)
        if (!strcmp(w->meta_key[i], key)) {
            free(w->meta_val[i]);
            w->meta_val[i] = strdup(value);
            return;
        }
    if (w->nmeta == w->metacap) {
        w->metacap = w->metacap ? 2 * w->metacap : 16;
        w->meta_key = realloc(w->meta_key, (size_t)w->metacap * sizeof(char *));
        w->meta_val = realloc(w->meta_val, (size_t)w->metacap * sizeof(char *));
        if (!w->meta_key || !w->meta_val) mg_fatal("out of memory");
    }
    w->meta_key[w->nmeta] = strdup(key);
    w->meta_val[w->nmeta++] = strdup(value);
}

void st_writer_free(StWriter *w) {
    for (int i = 0; i < w->n; i++) free(w->e[i].name);
    for (int i = 0; i < w->nmeta; i++) { free(w->meta_key[i]); free(w->meta_val[i]); }
    free(w->e);
    free(w->meta_key);
    free(w->meta_val);
    memset(w, 0, sizeof *w);
}

static size_t entry_bytes(const StEntry *e) {
    size_t n = 4;
    for (int i = 0; i < e->ndim; i++) n *= (size_t)e->shape[i];
    return n;
}

/* The header JSON, padded with spaces so that 8 + length is a multiple of 8.  *len: its length. */
static char *build_header(const StWriter *w, size_t *len) {
    cJSON *root = cJSON_CreateObject();
    if (w->nmeta) {
        cJSON *m = cJSON_AddObjectToObject(root, "__metadata__");
        for (int i = 0; i < w->nmeta; i++) cJSON_AddStringToObject(m, w->meta_key[i], w->meta_val[i]);
    }
    size_t off = 0;
    for (int i = 0; i < w->n; i++) {
        const StEntry *e = &w->e[i];
        cJSON *o = cJSON_AddObjectToObject(root, e->name);
        cJSON_AddStringToObject(o, "dtype", "F32");
        cJSON *sh = cJSON_AddArrayToObject(o, "shape");
        for (int k = 0; k < e->ndim; k++) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)e->shape[k]));
        cJSON *of = cJSON_AddArrayToObject(o, "data_offsets");
        size_t nb = entry_bytes(e);
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)(off + nb)));
        off += nb;
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s) mg_fatal("out of memory printing a safetensors header");
    size_t n = strlen(s), padded = (n + 7) & ~(size_t)7;
    char *h = mg_xmalloc(padded + 1);
    memcpy(h, s, n);
    memset(h + n, ' ', padded - n);
    h[padded] = 0;
    cJSON_free(s);
    *len = padded;
    return h;
}

static int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t r = write(fd, c, n > (1u << 30) ? (1u << 30) : n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* fsync the directory holding path, so the rename itself is durable (best effort). */
static void sync_dir(const char *path) {
    char *copy = strdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) { fsync(fd); close(fd); }
    free(copy);
}

int st_write(const StWriter *w, const char *path) {
    size_t hlen;
    char *header = build_header(w, &hlen);
    size_t tlen = strlen(path) + 16;
    char *tmp = mg_xmalloc(tlen);                 /* "<path>.tmp.XXXXXX" beside the target */
    snprintf(tmp, tlen, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(header);
        free(tmp);
        return mg_error_set("%s: cannot create a temporary file beside it: %s", path, strerror(err));
    }
    fchmod(fd, 0644);
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    int bad = write_all(fd, len8, 8) || write_all(fd, header, hlen);
    for (int i = 0; i < w->n && !bad; i++) bad = write_all(fd, w->e[i].data, entry_bytes(&w->e[i]));
    if (!bad) bad = fsync(fd);
    int err = errno;
    if (close(fd) && !bad) { bad = 1; err = errno; }
    if (!bad && rename(tmp, path)) { bad = 1; err = errno; }
    if (bad) unlink(tmp);
    else sync_dir(path);
    free(header);
    free(tmp);
    return bad ? mg_error_set("%s: write failed: %s", path, strerror(err)) : 0;
}
