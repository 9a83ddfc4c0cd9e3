/* Writing the report page: a self-contained HTML5 document (inline CSS and SVG, PNGs as base64 data:
 * URIs, no external resource), its building blocks, and the atomic write to disk.  Every text argument
 * is escaped here. */
#ifndef MG_HTML_H
#define MG_HTML_H
#include "report/strbuf.h"

void html_begin(StrBuf *b, const char *title);
/* the closing tags and the load check: after the page loads, a script sets on <body>
 * data-images (count of <img>), data-images-loaded (complete with naturalWidth > 0), data-svgs and
 * data-svgs-drawn (an <svg> with children and a non-empty box) - what tests/test_report_browser.c reads. */
void html_end(StrBuf *b);
void html_heading(StrBuf *b, int level, const char *id, const char *text);
void html_para(StrBuf *b, const char *text);
/* <p class="missing">not computed (run <code>command</code>)</p>, what = the missing file(s) */
void html_not_computed(StrBuf *b, const char *what, const char *command);
void html_warning(StrBuf *b, const char *text);
/* a table of n_cols header cells and then rows given one at a time */
void html_table_begin(StrBuf *b, const char *const *header, int n_cols);
void html_table_row(StrBuf *b, const char *const *cells, int n_cols);
void html_table_end(StrBuf *b);
void html_figure_begin(StrBuf *b);
void html_figure_end(StrBuf *b, const char *caption);
/* <img> of the PNG file at path as a data: URI, after checking that it decodes; 0, or -1 + mg_error */
int html_png(StrBuf *b, const char *path, const char *alt);
/* writes b to path through a temporary file in the same folder and a rename; 0 or -1 + mg_error */
int html_write_atomic(const char *path, const StrBuf *b);
#endif
