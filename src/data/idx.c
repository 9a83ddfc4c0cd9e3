/* IDX reading through zlib's gz* functions (transparent for uncompressed files). */
#include "data/idx.h"
#include "core/error.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* After a short or failed gzread: why, as text. */
static const char *gz_why(gzFile g, const char *otherwise) {
    int err = Z_OK;
    const char *msg = gzerror(g, &err);
    if (err == Z_ERRNO) return strerror(errno);
    return err != Z_OK && msg && *msg ? msg : otherwise;
}

/* Reads exactly n bytes into p; returns the count read (short on EOF or error). */
static size_t gz_read_full(gzFile g, void *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        size_t chunk = n - got > (1u << 30) ? (1u << 30) : n - got;
        int r = gzread(g, (char *)p + got, (unsigned)chunk);
        if (r <= 0) break;
        got += (size_t)r;
    }
    return got;
}

static int kind_error(const char *path, uint32_t magic, int ndim) {
    if ((magic >> 16) || ((magic >> 8) & 0xff) < 0x08 || ((magic >> 8) & 0xff) > 0x0e)
        return mg_error_set("%s: not an IDX file (magic 0x%08x)", path, magic);
    if (((magic >> 8) & 0xff) != 0x08)
        return mg_error_set("%s: IDX data type 0x%02x not supported (unsigned bytes 0x08 only)", path, (magic >> 8) & 0xff);
    return mg_error_set("%s: IDX file with %u dimensions (magic 0x%08x), expected %d (magic 0x%08x)%s", path,
                        magic & 0xff, magic, ndim, 0x800u | (unsigned)ndim,
                        ndim == 3 ? ": not an image file" : ndim == 1 ? ": not a label file" : "");
}

int idx_read_u8(const char *path, int ndim, int max_n, unsigned dims[], unsigned char **data) {
    MG_CHECK(ndim >= 1 && ndim <= 4, "idx_read_u8: ndim %d", ndim);
    *data = NULL;
    gzFile g = gzopen(path, "rb");
    if (!g) return mg_error_set("%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
    gzbuffer(g, 1 << 17);
    unsigned char hdr[4 + 4 * 4];               /* magic, then up to 4 big-endian dims */
    size_t hlen = 4 + 4 * (size_t)ndim, got = gz_read_full(g, hdr, 4);
    int rc = 0;
    if (got < 4) { rc = mg_error_set("%s: too short for an IDX header (%s)", path, gz_why(g, "end of file")); goto out; }
    uint32_t magic = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
    if (magic != (0x800u | (unsigned)ndim)) { rc = kind_error(path, magic, ndim); goto out; }
    if ((got += gz_read_full(g, hdr + 4, hlen - 4)) < hlen) {
        rc = mg_error_set("%s: IDX header truncated (%s)", path, gz_why(g, "end of file"));
        goto out;
    }
    uint64_t total = 1;                           /* elements to read */
    for (int i = 0; i < ndim; i++) {
        const unsigned char *d = hdr + 4 + 4 * i;
        dims[i] = (unsigned)d[0] << 24 | (unsigned)d[1] << 16 | (unsigned)d[2] << 8 | d[3];
        if (dims[i] == 0) { rc = mg_error_set("%s: IDX dimension %d is zero", path, i); goto out; }
        if (i == 0 && max_n > 0 && (unsigned)max_n < dims[0]) dims[0] = (unsigned)max_n;
        total *= dims[i];                         /* < 2^64: checked against the limit each time */
        if (total > IDX_MAX_ELEMS) {
            rc = mg_error_set("%s: IDX dimensions too large (more than %u elements)", path, IDX_MAX_ELEMS);
            goto out;
        }
    }
    int clipped = max_n > 0 && (unsigned)max_n == dims[0];
    /* grow the buffer with the data actually present, so a lying header costs nothing */
    size_t cap = total < (1u << 20) ? (size_t)total : (1u << 20), have = 0;
    unsigned char *buf = mg_xmalloc(cap);       /* the data bytes read so far */
    for (;;) {
        size_t r = gz_read_full(g, buf + have, cap - have);
        have += r;
        if (have == total || have < cap) break;
        cap = cap * 2 < total ? cap * 2 : (size_t)total;
        unsigned char *nb = realloc(buf, cap);
        if (!nb) { free(buf); rc = mg_error_set("%s: out of memory", path); goto out; }
        buf = nb;
    }
    if (have < total) {
        free(buf);
        rc = mg_error_set("%s: IDX data truncated: %zu of %llu bytes (%s)", path, have, (unsigned long long)total,
                          gz_why(g, "end of file"));
        goto out;
    }
    if (!clipped) {                               /* whole file: nothing may follow, the gzip trailer must check */
        unsigned char extra;
        int r = gzread(g, &extra, 1), err = Z_OK;
        gzerror(g, &err);                        /* a cut trailer reads as 0 bytes + Z_BUF_ERROR */
        if (r != 0 || err != Z_OK) {
            free(buf);
            rc = r > 0 ? mg_error_set("%s: trailing bytes after the IDX data (%llu bytes expected)", path,
                                      (unsigned long long)total)
                       : mg_error_set("%s: corrupt compressed data (%s)", path, gz_why(g, "read error"));
            goto out;
        }
    }
    *data = buf;
out:
    gzclose(g);
    return rc;
}

int idx_load_images(const char *path, int max_n, IdxImages *out) {
    memset(out, 0, sizeof *out);
    unsigned dims[3];
    unsigned char *bytes;
    if (idx_read_u8(path, 3, max_n, dims, &bytes)) return -1;
    float lut[256];                             /* byte -> [-1, 1], 0 -> -1 and 255 -> 1 exactly */
    for (int b = 0; b < 256; b++) lut[b] = (float)(b / 127.5 - 1.0);
    size_t total = (size_t)dims[0] * dims[1] * dims[2];
    if (dims[0] > INT32_MAX || dims[1] > INT32_MAX || dims[2] > INT32_MAX) {
        free(bytes);
        return mg_error_set("%s: IDX dimensions too large", path);
    }
    out->n = (int)dims[0];
    out->h = (int)dims[1];
    out->w = (int)dims[2];
    out->data = mg_xmalloc(total * sizeof(float));
    for (size_t i = 0; i < total; i++) out->data[i] = lut[bytes[i]];
    free(bytes);
    return 0;
}

void idx_images_free(IdxImages *im) {
    free(im->data);
    memset(im, 0, sizeof *im);
}

int idx_load_labels(const char *path, int max_n, int **labels, int *n) {
    *labels = NULL;
    *n = 0;
    unsigned dims[1];
    unsigned char *bytes;
    if (idx_read_u8(path, 1, max_n, dims, &bytes)) return -1;
    if (dims[0] > INT32_MAX) {
        free(bytes);
        return mg_error_set("%s: too many labels", path);
    }
    int *l = mg_xmalloc((size_t)dims[0] * sizeof(int));
    for (unsigned i = 0; i < dims[0]; i++) l[i] = bytes[i];
    free(bytes);
    *labels = l;
    *n = (int)dims[0];
    return 0;
}

int idx_load_pair(const char *images_path, const char *labels_path, int max_n, IdxImages *im, int **labels) {
    int nl;
    if (idx_load_images(images_path, max_n, im)) return -1;
    if (idx_load_labels(labels_path, max_n, labels, &nl)) { idx_images_free(im); return -1; }
    if (nl != im->n) {
        int ni = im->n;
        idx_images_free(im);
        free(*labels);
        *labels = NULL;
        return mg_error_set("%s: %d labels for %d images in %s", labels_path, nl, ni, images_path);
    }
    return 0;
}
