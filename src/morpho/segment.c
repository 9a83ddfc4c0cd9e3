#include "morpho/segment.h"
#include "morpho/background.h"
#include <math.h>
#include <string.h>

const char *seg_flag_name(int flag) {
    static const char *names[SEG_N_FLAGS] = {"ok", "image_too_small", "no_object", "object_too_small",
                                             "touches_border", "multiple_objects", "unreadable", "measure_failed"};
    return flag >= 0 && flag < SEG_N_FLAGS ? names[flag] : "unknown";
}

float otsu_threshold(const float *v, int n) {
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
    }
    if (!(hi > lo)) return hi;
    int hist[256] = {0};
    float scale = 255.999f / (hi - lo);
    for (int i = 0; i < n; i++) hist[(int)((v[i] - lo) * scale)]++;
    double total = 0;
    for (int k = 0; k < 256; k++) total += (double)k * hist[k];
    double w0 = 0, sum0 = 0, best = -1;
    int best_k = 0, best_last = 0;          /* the maximum may be a plateau (an empty gap): take its middle */
    for (int k = 0; k < 255; k++) {
        w0 += hist[k];
        sum0 += (double)k * hist[k];
        double w1 = n - w0;
        if (w0 == 0 || w1 == 0) continue;
        double m0 = sum0 / w0, m1 = (total - sum0) / w1;
        double between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (between > best * (1 + 1e-12)) { best = between; best_k = best_last = k; }
        else if (between >= best * (1 - 1e-12)) best_last = k;
    }
    return lo + (0.5 * (best_k + best_last) + 1) / scale;      /* values >= threshold are the upper class */
}

/* Labels 8-connected components of fg (1 = foreground) into label[] (0 = background, 1.. = component);
 * returns the number of components; sizes of the largest and second largest and the largest's label. */
static int label_components(const uint8_t *fg, int w, int h, int *label, int *queue, int *largest, int *second,
                            int *largest_label) {
    const int n = w * h;
    memset(label, 0, sizeof(int) * n);
    int nlab = 0;
    *largest = *second = 0;
    *largest_label = 0;
    for (int start = 0; start < n; start++) {
        if (!fg[start] || label[start]) continue;
        int id = ++nlab, head = 0, tail = 0;
        label[start] = id;
        queue[tail++] = start;
        while (head < tail) {
            int p = queue[head++], x = p % w, y = p / w;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy;
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                    int q = yy * w + xx;
                    if (fg[q] && !label[q]) { label[q] = id; queue[tail++] = q; }
                }
        }
        int size = tail;
        if (size > *largest) { *second = *largest; *largest = size; *largest_label = id; }
        else if (size > *second) *second = size;
    }
    return nlab;
}

/* mask := component `keep` of label[], with its holes (background not 4-connected to the border) filled. */
static int keep_and_fill(const int *label, int keep, int w, int h, uint8_t *mask, int *queue) {
    const int n = w * h;
    /* 2 = outside, reached from the border through non-valve pixels */
    for (int i = 0; i < n; i++) mask[i] = label[i] == keep;
    int head = 0, tail = 0;
    for (int x = 0; x < w; x++) {
        int a = x, b = (h - 1) * w + x;
        if (!mask[a]) { mask[a] = 2; queue[tail++] = a; }
        if (!mask[b]) { mask[b] = 2; queue[tail++] = b; }
    }
    for (int y = 0; y < h; y++) {
        int a = y * w, b = y * w + w - 1;
        if (!mask[a]) { mask[a] = 2; queue[tail++] = a; }
        if (!mask[b]) { mask[b] = 2; queue[tail++] = b; }
    }
    while (head < tail) {
        int p = queue[head++], x = p % w, y = p / w;
        const int nb[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        for (int k = 0; k < 4; k++) {
            int xx = x + nb[k][0], yy = y + nb[k][1];
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            int q = yy * w + xx;
            if (!mask[q]) { mask[q] = 2; queue[tail++] = q; }
        }
    }
    int area = 0;
    for (int i = 0; i < n; i++) {
        mask[i] = mask[i] != 2;
        area += mask[i];
    }
    return area;
}

int segment_valve(MorphoWork *wk, int w, int h, Segmentation *seg) {
    memset(seg, 0, sizeof *seg);
    seg->w = w; seg->h = h;
    if (w < 16 || h < 16) return seg->flag = SEG_IMAGE_TOO_SMALL;
    const int n = w * h;
    background_fit(wk->gray, w, h, wk->bg, wk->dark, &seg->noise);
    for (int i = 0; i < n; i++) wk->dark[i] = wk->bg[i] - wk->gray[i];
    seg->threshold = otsu_threshold(wk->dark, n);
    /* the object must stand clearly out of the noise: a threshold below 5 sigma (or 0.02) finds noise */
    float floor_ = fmaxf(5.0f * seg->noise, 0.02f);
    if (!(seg->threshold > floor_)) seg->threshold = floor_;
    for (int i = 0; i < n; i++) wk->mask[i] = wk->dark[i] >= seg->threshold;
    int largest, second, keep;
    int nlab = label_components(wk->mask, w, h, wk->label, wk->queue, &largest, &second, &keep);
    if (nlab == 0) return seg->flag = SEG_NO_OBJECT;
    seg->area = keep_and_fill(wk->label, keep, w, h, wk->mask, wk->queue);
    /* robust darkness of the valve: 90th percentile of dark inside the mask (histogram of 256 bins) */
    float hi = 0;
    for (int i = 0; i < n; i++) if (wk->mask[i] && wk->dark[i] > hi) hi = wk->dark[i];
    int hist[256] = {0};
    for (int i = 0; i < n; i++)
        if (wk->mask[i]) {
            float d = wk->dark[i] > 0 ? wk->dark[i] : 0;
            int k = hi > 0 ? (int)(d / hi * 255.0f) : 0;
            hist[k > 255 ? 255 : k]++;
        }
    int acc = 0, k = 0;
    for (; k < 256; k++) if ((acc += hist[k]) >= 0.9 * seg->area) break;
    seg->level = hi * (k + 0.5f) / 256.0f;
    if (largest < 30) return seg->flag = largest < 4 ? SEG_NO_OBJECT : SEG_OBJECT_TOO_SMALL;
    if (second >= largest / 4) return seg->flag = SEG_MULTIPLE_OBJECTS;
    for (int x = 0; x < w; x++)
        if (wk->mask[x] || wk->mask[(h - 1) * w + x]) return seg->flag = SEG_TOUCHES_BORDER;
    for (int y = 0; y < h; y++)
        if (wk->mask[y * w] || wk->mask[y * w + w - 1]) return seg->flag = SEG_TOUCHES_BORDER;
    return seg->flag = SEG_OK;
}
