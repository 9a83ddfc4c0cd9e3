#include "report/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_append(StrBuf *b, const uint8_t *d, size_t n) {
    char q[4];
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
        q[0] = alphabet[v >> 18]; q[1] = alphabet[v >> 12 & 63]; q[2] = alphabet[v >> 6 & 63]; q[3] = alphabet[v & 63];
        sb_putn(b, q, 4);
    }
    if (i < n) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0);
        q[0] = alphabet[v >> 18]; q[1] = alphabet[v >> 12 & 63];
        q[2] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        q[3] = '=';
        sb_putn(b, q, 4);
    }
}
