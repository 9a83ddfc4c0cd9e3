#include "io/gif.h"
#include "core/error.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint8_t gif_index(const Image *img, size_t p) {
    if (img->c == 1) return img->px[p];
    const uint8_t *q = img->px + 3 * p;
    return (uint8_t)((q[0] >> 5) << 5 | (q[1] >> 5) << 2 | q[2] >> 6);
}

typedef struct {
    uint8_t *out;
    size_t cap, len;
    uint32_t acc;
    int nbits, overflow;
} Bits;

static void put(Bits *b, int code, int size) {            /* LSB first */
    b->acc |= (uint32_t)code << b->nbits;
    b->nbits += size;
    while (b->nbits >= 8) {
        if (b->len < b->cap) b->out[b->len] = (uint8_t)b->acc;
        else b->overflow = 1;
        b->len++;
        b->acc >>= 8;
        b->nbits -= 8;
    }
}

/* Dictionary: code of (prefix code, byte) in an open-addressing table keyed by prefix * 256 + byte. */
#define HBITS 13
#define HSIZE (1 << HBITS)
size_t gif_lzw(const uint8_t *idx, size_t n, uint8_t *out, size_t cap) {
    enum { CLEAR = 256, EOI = 257, FIRST = 258, MAXCODE = 4096 };
    int32_t *key = malloc(HSIZE * sizeof(int32_t));
    int16_t *val = malloc(HSIZE * sizeof(int16_t));
    if (!key || !val) { free(key); free(val); return 0; }
    Bits b = {.out = out, .cap = cap};
    int size = 9, next = FIRST;
    memset(key, 0xff, HSIZE * sizeof(int32_t));
    put(&b, CLEAR, size);
    if (n) {
        int prefix = idx[0];
        for (size_t i = 1; i < n; i++) {
            const int k = idx[i];
            const int32_t want = prefix << 8 | k;
            uint32_t h = ((uint32_t)want * 2654435761u) >> (32 - HBITS);
            while (key[h] != -1 && key[h] != want) h = (h + 1) & (HSIZE - 1);
            if (key[h] == want) { prefix = val[h]; continue; }
            put(&b, prefix, size);
            if (next < MAXCODE) {
                key[h] = want;
                val[h] = (int16_t)next++;
                if (next > (1 << size) && size < 12) size++;   /* the decoder widens one code later */
            } else {                                        /* table full: start again */
                put(&b, CLEAR, size);
                memset(key, 0xff, HSIZE * sizeof(int32_t));
                size = 9;
                next = FIRST;
            }
            prefix = k;
        }
        put(&b, prefix, size);
    }
    put(&b, EOI, size);
    if (b.nbits) put(&b, 0, 8 - b.nbits);
    free(key);
    free(val);
    return b.overflow ? 0 : b.len;
}

static void u16(FILE *f, int v) { fputc(v & 255, f); fputc((v >> 8) & 255, f); }

int gif_write(const char *path, const Image *frames, int nframes, int delay_cs) {
    if (nframes < 1) return mg_error_set("%s: no frames", path);
    const int w = frames[0].w, h = frames[0].h, c = frames[0].c;
    if (w < 1 || h < 1 || w > 65535 || h > 65535) return mg_error_set("%s: frames of %dx%d cannot be a GIF", path, w, h);
    for (int i = 1; i < nframes; i++)
        if (frames[i].w != w || frames[i].h != h || frames[i].c != c)
            return mg_error_set("%s: frame %d is %dx%dx%d, frame 0 %dx%dx%d", path, i, frames[i].w, frames[i].h, frames[i].c, w, h, c);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return mg_error_set("%s: cannot write: %s", path, strerror(errno));
    const size_t n = (size_t)w * h, cap = 2 * n + 1024;          /* 12-bit codes per pixel at worst: 1.5 n */
    uint8_t *idx = malloc(n), *data = malloc(cap);
    int rc = idx && data ? 0 : mg_error_set("%s: out of memory", path);
    fwrite("GIF89a", 1, 6, f);
    u16(f, w);
    u16(f, h);
    fputc(0xF7, f);                                  /* global colour table of 256 entries */
    fputc(0, f);
    fputc(0, f);
    for (int i = 0; i < 256; i++) {
        if (c == 1) { fputc(i, f); fputc(i, f); fputc(i, f); }
        else { fputc((i >> 5) * 255 / 7, f); fputc(((i >> 2) & 7) * 255 / 7, f); fputc((i & 3) * 255 / 3, f); }
    }
    fwrite("\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00", 1, 19, f);   /* loop forever */
    for (int fr = 0; fr < nframes && !rc; fr++) {
        fwrite("\x21\xF9\x04\x00", 1, 4, f);         /* graphic control: delay */
        u16(f, delay_cs);
        fputc(0, f);
        fputc(0, f);
        fputc(0x2C, f);                              /* image descriptor: whole screen, no local table */
        u16(f, 0);
        u16(f, 0);
        u16(f, w);
        u16(f, h);
        fputc(0, f);
        fputc(8, f);                                 /* LZW minimum code size */
        for (size_t p = 0; p < n; p++) idx[p] = gif_index(&frames[fr], p);
        size_t len = gif_lzw(idx, n, data, cap);
        if (!len) { rc = mg_error_set("%s: LZW output overflow", path); break; }
        for (size_t o = 0; o < len; o += 255) {      /* sub-blocks of at most 255 bytes */
            int k = len - o < 255 ? (int)(len - o) : 255;
            fputc(k, f);
            fwrite(data + o, 1, (size_t)k, f);
        }
        fputc(0, f);
    }
    fputc(0x3B, f);
    free(idx);
    free(data);
    if (fclose(f) && !rc) rc = mg_error_set("%s: cannot write: %s", path, strerror(errno));
    if (!rc && rename(tmp, path)) rc = mg_error_set("%s: cannot write: %s", path, strerror(errno));
    if (rc) remove(tmp);
    return rc;
}
