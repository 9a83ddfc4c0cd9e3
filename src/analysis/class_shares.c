/* Class shares of generated images under the domain classifier.  See class_shares.h. */
#include "analysis/class_shares.h"
#include "core/error.h"
#include "data/prep.h"
#include <stdlib.h>
#include <string.h>

void class_shares_count(FeatNet *f, const float *images, long n, long count[FEATNET_CLASSES]) {
    enum { CHUNK = 1000 };
    float *lg = mg_xmalloc((size_t)CHUNK * FEATNET_CLASSES * sizeof(float));     /* [CHUNK,10] */
    memset(count, 0, FEATNET_CLASSES * sizeof(long));
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        const long b = n - i0 < CHUNK ? n - i0 : CHUNK;
        featnet_extract(f, images + (size_t)i0 * 784, b, 500, NULL, lg);
        for (long i = 0; i < b; i++) {
            const float *l = lg + (size_t)i * FEATNET_CLASSES;
            int best = 0;
            for (int c = 1; c < FEATNET_CLASSES; c++)
                if (l[c] > l[best]) best = c;
            count[best]++;
        }
    }
    free(lg);
}

int class_shares_pass(const long *count, int k, long n, double min_share, int *smallest) {
    int lo = 0, pass = n > 0;
    for (int c = 0; c < k; c++) {
        if (count[c] < count[lo]) lo = c;
        if ((double)count[c] < min_share * (double)n) pass = 0;
    }
    if (smallest) *smallest = lo;
    return pass;
}

int class_shares_to_28(const float *x, long n, int c, int s, float *out) {
    if (c != 1 && c != 3) return mg_error_set("class check: images with %d channels (1 or 3 expected)", c);
    const size_t plane = (size_t)s * s;
    if (c == 1 && s == 28) {
        memcpy(out, x, (size_t)n * 784 * sizeof(float));
        return 0;
    }
    float *grey = mg_xmalloc(plane * sizeof(float));                                /* [s,s] */
    int rc = 0;
    for (long i = 0; i < n && !rc; i++) {
        const float *im = x + (size_t)i * c * plane;
        for (size_t p = 0; p < plane; p++)
            grey[p] = c == 1 ? im[p] : 0.299f * im[p] + 0.587f * im[plane + p] + 0.114f * im[2 * plane + p];
        if (prep_resize(1, s, s, grey, 28, 28, out + (size_t)i * 784)) rc = mg_error_set("class check: out of memory resizing");
    }
    free(grey);
    return rc;
}
