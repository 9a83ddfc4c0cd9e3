/* GIF89a output: a decoder written here (LZW with variable code size, clear codes, sub-blocks) reads
 * back exactly the palette indices written, for noise (dictionary resets), flat images (long runs),
 * RGB (3-3-2 palette) and odd sizes; PIL (/usr/bin/python3) decodes the same frames when installed. */
#include "test.h"
#include "core/rng.h"
#include "io/gif.h"
#include <string.h>
#include <unistd.h>

/* the image data of one frame starting at *p (after the image descriptor); returns 0 on success */
static int lzw_decode(const uint8_t *buf, size_t len, size_t *p, uint8_t *out, size_t n) {
    if (*p >= len || buf[(*p)++] != 8) return -1;
    uint8_t *data = malloc(len);                          /* concatenated sub-blocks */
    size_t dl = 0;
    while (*p < len && buf[*p]) { size_t k = buf[(*p)++]; memcpy(data + dl, buf + *p, k); dl += k; *p += k; }
    (*p)++;
    static uint16_t pre[4096];
    static uint8_t suf[4096], first[4096];
    static uint8_t stack[4097];
    int size = 9, next = 258, prev = -1;
    size_t bit = 0, o = 0;
    for (int i = 0; i < 256; i++) { suf[i] = first[i] = (uint8_t)i; }
    int rc = -1;
    for (;;) {
        if ((bit + size + 7) / 8 > dl) break;
        int code = 0;
        for (int k = 0; k < size; k++, bit++) code |= ((data[bit / 8] >> (bit % 8)) & 1) << k;
        if (code == 256) { size = 9; next = 258; prev = -1; continue; }
        if (code == 257) { rc = o == n ? 0 : -1; break; }
        if (code > next || (code == next && prev < 0)) break;
        int c = code, sp = 0;
        if (code == next) { stack[sp++] = first[prev]; c = prev; }
        while (c >= 258) { stack[sp++] = suf[c]; c = pre[c]; }
        stack[sp++] = (uint8_t)c;
        if (prev >= 0 && next < 4096) {
            pre[next] = (uint16_t)prev;
            suf[next] = (uint8_t)c;                       /* first byte of this entry */
            first[next] = first[prev];
            next++;
        }
        while (sp) { if (o >= n) { free(data); return -1; } out[o++] = stack[--sp]; }
        prev = code;
        if (next == (1 << size) && size < 12) size++;
    }
    free(data);
    return rc;
}

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len);
    if (fread(b, 1, *len, f) != *len) { free(b); b = NULL; }
    fclose(f);
    return b;
}

static char path[128];

/* writes the frames, decodes them here, compares every index; returns the file size */
static size_t round_trip(Image *fr, int nf) {
    CHECK(gif_write(path, fr, nf, 7) == 0);
    size_t len = 0;
    uint8_t *b = slurp(path, &len);
    CHECK(b && len > 13 + 768 && !memcmp(b, "GIF89a", 6));
    if (!b) return 0;
    CHECK(b[6] + 256 * b[7] == fr[0].w && b[8] + 256 * b[9] == fr[0].h);
    size_t p = 13 + 768 + 19;
    const size_t n = (size_t)fr[0].w * fr[0].h;
    uint8_t *got = malloc(n);
    for (int f = 0; f < nf; f++) {
        CHECK(p + 18 < len && b[p] == 0x21 && b[p + 1] == 0xF9 && b[p + 4] == 7);
        p += 8;
        CHECK(b[p] == 0x2C);
        p += 10;
        CHECK(lzw_decode(b, len, &p, got, n) == 0);
        int bad = 0;
        for (size_t i = 0; i < n; i++) bad += got[i] != gif_index(&fr[f], i);
        CHECK_MSG(bad == 0, "frame %d: %d of %zu indices differ", f, bad, n);
    }
    CHECK(p < len && b[p] == 0x3B);
    free(got);
    free(b);
    return len;
}

TEST(grey_noise_and_runs) {
    Image fr[3];
    Rng r = rng_new(1);
    for (int f = 0; f < 3; f++) image_alloc(&fr[f], 301, 97, 1);
    for (size_t i = 0; i < 301 * 97; i++) fr[0].px[i] = (uint8_t)rng_below(&r, 256);   /* many table resets */
    memset(fr[1].px, 200, 301 * 97);                                                   /* one long run */
    for (size_t i = 0; i < 301 * 97; i++) fr[2].px[i] = (uint8_t)((i % 301) / 20 * 16);  /* stripes */
    size_t len = round_trip(fr, 3);
    CHECK(len < 301 * 97 * 3 / 2 + 301 * 97 / 10 + 2000);                             /* runs compress */
    for (int f = 0; f < 3; f++) image_free(&fr[f]);
}

TEST(rgb_and_tiny) {
    Image fr[2];
    Rng r = rng_new(2);
    image_alloc(&fr[0], 5, 3, 3);
    image_alloc(&fr[1], 5, 3, 3);
    for (int i = 0; i < 45; i++) { fr[0].px[i] = (uint8_t)rng_below(&r, 256); fr[1].px[i] = (uint8_t)(i * 5); }
    round_trip(fr, 2);
    Image one;
    image_alloc(&one, 1, 1, 1);
    one.px[0] = 9;
    round_trip(&one, 1);
    image_free(&one);
    image_free(&fr[0]);
    image_free(&fr[1]);
    Image bad[2];
    image_alloc(&bad[0], 4, 4, 1);
    image_alloc(&bad[1], 5, 4, 1);
    CHECK(gif_write(path, bad, 2, 5) == -1);
    image_free(&bad[0]);
    image_free(&bad[1]);
}

/* PIL agrees: frame count, size, and the palette index sums per frame */
TEST(pil_decodes_it) {
    if (system("/usr/bin/python3 -c 'import PIL' 2>/dev/null") != 0) { printf("  (PIL not installed: skipped)\n"); return; }
    Image fr[2];
    Rng r = rng_new(3);
    image_alloc(&fr[0], 120, 90, 1);
    image_alloc(&fr[1], 120, 90, 1);
    long want[2] = {0, 0};
    for (size_t i = 0; i < 120 * 90; i++) {
        fr[0].px[i] = (uint8_t)rng_below(&r, 256);
        fr[1].px[i] = (uint8_t)(i / 120 + (i % 7 == 0 ? 100 : 0));
        want[0] += fr[0].px[i];
        want[1] += fr[1].px[i];
    }
    CHECK(gif_write(path, fr, 2, 10) == 0);
    char cmd[512], out[256] = "";
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"from PIL import Image, ImageSequence; im = Image.open('%s'); "
             "print(im.size, ' '.join(str(sum(f.convert('L').getdata())) for f in ImageSequence.Iterator(im)))\"", path);
    FILE *p = popen(cmd, "r");
    CHECK(p && fgets(out, sizeof out, p));
    if (p) pclose(p);
    char expect[256];
    snprintf(expect, sizeof expect, "(120, 90) %ld %ld\n", want[0], want[1]);
    CHECK_MSG(!strcmp(out, expect), "PIL says '%s', expected '%s'", out, expect);
    image_free(&fr[0]);
    image_free(&fr[1]);
}

int main(void) {
    snprintf(path, sizeof path, "/tmp/mg_test_gif_%d.gif", (int)getpid());
    RUN(grey_noise_and_runs);
    RUN(rgb_and_tiny);
    RUN(pil_decodes_it);
    remove(path);
    return test_summary();
}
