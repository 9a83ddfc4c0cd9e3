/* A growable text buffer for building HTML and SVG in memory, and the escaping of text for them.
 * Allocation failure is fatal (mg_xmalloc semantics): a report is small next to the process. */
#ifndef MG_STRBUF_H
#define MG_STRBUF_H
#include <stddef.h>

typedef struct StrBuf {
    char *s;          /* NUL-terminated; NULL until the first append */
    size_t len, cap;
} StrBuf;

void sb_free(StrBuf *b);
void sb_put(StrBuf *b, const char *s);
void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' replaced by entities, so it is safe as HTML/SVG text and inside quoted attributes;
 * bytes below 0x20 other than tab/newline (not allowed in XML) become U+FFFD. */
void sb_escape(StrBuf *b, const char *s);
const char *sb_str(const StrBuf *b);      /* "" when empty */
#endif
