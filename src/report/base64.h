/* Base64 (RFC 4648, standard alphabet, '=' padding, no line breaks): the data: URIs of embedded images. */
#ifndef MG_BASE64_H
#define MG_BASE64_H
#include "report/strbuf.h"
#include <stddef.h>
#include <stdint.h>

void base64_append(StrBuf *b, const uint8_t *data, size_t n);
#endif
