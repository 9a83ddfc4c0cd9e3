/* Image sets for the metrics: IDX files or folders of images.  See image_set.h. */
#include "analysis/image_set.h"
#include "core/error.h"
#include "data/idx.h"
#include "io/image_any.h"
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void free_names(char **names, long n) {
    for (long i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

/* sorted names of the supported image files directly in path; NULL + mg_error when none can be listed */
static char **list_images(const char *path, long *n) {
    DIR *d = opendir(path);
    if (!d) { mg_error_set("%s: cannot open folder", path); return NULL; }
    long cap = 0;
    char **names = NULL;
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !image_name_supported(e->d_name)) continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            char **g = realloc(names, (size_t)cap * sizeof *names);
            if (!g) { closedir(d); free_names(names, *n); mg_error_set("%s: out of memory", path); return NULL; }
            names = g;
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n) qsort(names, (size_t)*n, sizeof *names, cmp_str);
    return names ? names : calloc(1, sizeof *names);
}

static int load_dir(const char *path, long skip, long max, ImageSet *out) {
    long n;
    char **names = list_images(path, &n);
    if (!names) return -1;
    long first = skip < n ? skip : n, count = n - first;
    if (max > 0 && count > max) count = max;
    if (count < 1) {
        free_names(names, n);
        return mg_error_set("%s: no PNG, JPEG or TIFF images (after skipping %ld)", path, skip);
    }
    int rc = 0, h = 0, w = 0, rgb = 0;
    uint8_t *px = NULL;                            /* [count, h*w, 3] */
    char file[4096];
    for (long i = 0; !rc && i < count; i++) {
        snprintf(file, sizeof file, "%s/%s", path, names[first + i]);
        Image img;
        if (image_read_any(file, &img)) { rc = -1; break; }
        if (i == 0) {
            h = img.h, w = img.w;
            if ((size_t)count * h * w > ((size_t)1 << 34) / 3) rc = mg_error_set("%s: too many pixels for one set", path);
            else px = mg_xmalloc((size_t)count * h * w * 3);
        } else if (img.h != h || img.w != w)
            rc = mg_error_set("%s: image is %dx%d but %s is %dx%d; the images of a set need one size (morphogan dataset "
                              "--size N --out DIR prepares them)", file, img.w, img.h, names[first], w, h);
        if (!rc) {
            uint8_t *d = px + (size_t)i * h * w * 3;
            for (size_t k = 0; k < (size_t)h * w; k++)
                for (int ch = 0; ch < 3; ch++) d[3 * k + ch] = img.px[img.c == 3 ? 3 * k + ch : k];
            rgb |= img.c == 3;
        }
        image_free(&img);
    }
    if (rc) { free(px); free_names(names, n); return -1; }
    const int c = rgb ? 3 : 1;
    float *data = mg_xmalloc((size_t)count * c * h * w * sizeof(float));
    for (long i = 0; i < count; i++)
        for (int ch = 0; ch < c; ch++)
            for (size_t k = 0; k < (size_t)h * w; k++)
                data[((size_t)i * c + ch) * h * w + k] = 2 * (px[((size_t)i * h * w + k) * 3 + ch] * (1.0f / 255.0f)) - 1;
    free(px);
    char **kept = mg_xmalloc((size_t)count * sizeof *kept);      /* "path/name" */
    for (long i = 0; i < count; i++) {
        snprintf(file, sizeof file, "%s/%s", path, names[first + i]);
        kept[i] = strdup(file);
    }
    free_names(names, n);
    *out = (ImageSet){.n = count, .c = c, .h = h, .w = w, .data = data, .names = kept, .owned = 1};
    return 0;
}

int image_set_load(const char *path, long skip, long max, ImageSet *out) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st)) return mg_error_set("%s: no such file or folder", path);
    if (S_ISDIR(st.st_mode)) return load_dir(path, skip, max, out);
    IdxImages im;
    long want = max > 0 ? skip + max : 0;
    if (want > (1L << 30)) return mg_error_set("%s: too many images asked for", path);
    if (idx_load_images(path, (int)want, &im)) return -1;
    if (im.n <= skip) {
        idx_images_free(&im);
        return mg_error_set("%s: %d images, nothing left after skipping %ld", path, im.n, skip);
    }
    long count = im.n - skip;
    const size_t px = (size_t)im.h * im.w;
    float *data = mg_xmalloc((size_t)count * px * sizeof(float));
    memcpy(data, im.data + (size_t)skip * px, (size_t)count * px * sizeof(float));
    *out = (ImageSet){.n = count, .c = 1, .h = im.h, .w = im.w, .data = data, .owned = 1};
    idx_images_free(&im);
    return 0;
}

ImageSet image_set_wrap(float *data, long n, int c, int h, int w) {
    return (ImageSet){.n = n, .c = c, .h = h, .w = w, .data = data};
}

void image_set_free(ImageSet *s) {
    if (s->owned) {
        free(s->data);
        free_names(s->names, s->n);
    }
    memset(s, 0, sizeof *s);
}

void image_set_shuffle_pixels(ImageSet *s, uint64_t seed) {
    const int px = s->h * s->w;
    int *perm = mg_xmalloc((size_t)px * sizeof(int));
    float *tmp = mg_xmalloc((size_t)px * sizeof(float));
    Rng r = rng_new(seed);
    rng_permutation(&r, perm, px);
    for (long i = 0; i < s->n * s->c; i++) {
        float *x = s->data + (size_t)i * px;
        for (int k = 0; k < px; k++) tmp[k] = x[perm[k]];
        memcpy(x, tmp, (size_t)px * sizeof(float));
    }
    free(perm);
    free(tmp);
}

void image_set_gray(const ImageSet *s, long i, float *out) {
    const size_t px = (size_t)s->h * s->w;
    const float *x = s->data + (size_t)i * s->c * px;
    if (s->c == 1) { memcpy(out, x, px * sizeof(float)); return; }
    for (size_t k = 0; k < px; k++) out[k] = 0.299f * x[k] + 0.587f * x[px + k] + 0.114f * x[2 * px + k];
}

const char *image_set_name(const ImageSet *s, long i) {
    static char buf[4][64];
    static int k;
    if (s->names) return s->names[i];
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "image %ld", i);
    return buf[k];
}
