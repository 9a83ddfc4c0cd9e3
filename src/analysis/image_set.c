/* Image sets for the metrics: IDX files or folders of PNGs.  See image_set.h. */
#include "analysis/image_set.h"
#include "core/error.h"
#include "data/idx.h"
#include "io/image.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PX 784

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int load_dir(const char *path, long skip, long max, ImageSet *out) {
    DIR *d = opendir(path);
    if (!d) return mg_error_set("%s: cannot open folder", path);
    int n = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcasecmp(e->d_name + l - 4, ".png")) continue;
        if (n == cap) { cap = cap ? 2 * cap : 256; names = realloc(names, (size_t)cap * sizeof *names); }
        if (!names) { closedir(d); return mg_error_set("%s: out of memory", path); }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    long first = skip < n ? skip : n, count = n - first;
    if (max > 0 && count > max) count = max;
    int rc = count < 1 ? mg_error_set("%s: no PNG images (after skipping %ld)", path, skip) : 0;
    float *data = rc ? NULL : mg_xmalloc((size_t)count * PX * sizeof(float));
    float gray[PX];
    for (long i = 0; !rc && i < count; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, names[first + i]);
        Image img;
        if (image_read_png(file, &img)) { rc = -1; break; }
        if (img.w != 28 || img.h != 28) rc = mg_error_set("%s: image is %dx%d, the metrics need 28x28", file, img.w, img.h);
        else {
            image_to_gray(&img, gray);
            for (int k = 0; k < PX; k++) data[(size_t)i * PX + k] = 2 * gray[k] - 1;
        }
        image_free(&img);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    if (rc) { free(data); return -1; }
    *out = (ImageSet){.n = count, .data = data};
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
    if (im.h != 28 || im.w != 28) {
        idx_images_free(&im);
        return mg_error_set("%s: images are %dx%d, the metrics need 28x28", path, im.h, im.w);
    }
    if (im.n <= skip) {
        idx_images_free(&im);
        return mg_error_set("%s: %d images, nothing left after skipping %ld", path, im.n, skip);
    }
    long count = im.n - skip;
    float *data = mg_xmalloc((size_t)count * PX * sizeof(float));
    memcpy(data, im.data + (size_t)skip * PX, (size_t)count * PX * sizeof(float));
    idx_images_free(&im);
    *out = (ImageSet){.n = count, .data = data};
    return 0;
}

void image_set_free(ImageSet *s) {
    free(s->data);
    memset(s, 0, sizeof *s);
}

void image_set_shuffle_pixels(ImageSet *s, uint64_t seed) {
    int perm[PX];
    float tmp[PX];
    Rng r = rng_new(seed);
    rng_permutation(&r, perm, PX);
    for (long i = 0; i < s->n; i++) {
        float *x = s->data + (size_t)i * PX;
        for (int k = 0; k < PX; k++) tmp[k] = x[perm[k]];
        memcpy(x, tmp, sizeof tmp);
    }
}
