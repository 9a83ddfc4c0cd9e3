/* The report in a real browser (the check): a page made by `morphogan report` from a synthetic
 * run folder (tests/report_run.h) is loaded by headless Chromium (Debian's chromium), and the DOM it dumps
 * after load says every <img> decoded (complete, naturalWidth > 0) and every inline <svg> has a box -
 * counted by the page's own load script (src/report/html.c) into attributes of <body>.  A copy of the
 * page with one image's bytes broken must count one image fewer (so the check can fail).  Skipped with
 * a message when chromium is not installed (tools/install-deps.sh installs it). */
#include "test.h"
#include "cli_harness.h"
#include "report_run.h"
#include <string.h>
#include <unistd.h>

static int have_chromium;

/* the body attribute `name` of the DOM dump dir/dom.html, or -1 */
static int body_attr(const char *name) {
    char p[400], *s = NULL;
    snprintf(p, sizeof p, "%s/dom.html", dir);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    size_t cap = 0;
    ssize_t n = getdelim(&s, &cap, 0, f);            /* the whole file */
    fclose(f);
    int v = -1;
    char *body = n > 0 ? strstr(s, "<body") : NULL;
    char *end = body ? strchr(body, '>') : NULL;
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    char *at = body ? strstr(body, key) : NULL;
    if (at && at < end) v = atoi(at + strlen(key));
    free(s);
    return v;
}

/* loads page (an absolute path) and dumps its DOM into dir/dom.html; 0 when chromium exited normally */
static int load_in_chromium(const char *page) {
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
             "--disable-extensions --user-data-dir=%s/profile --virtual-time-budget=5000 --dump-dom 'file://%s' "
             ">%s/dom.html 2>%s/chromium.err", dir, page, dir, dir);
    int rc = system(cmd);
    if (rc != 0) printf("     chromium exited with status %d (see %s/chromium.err)\n", rc, dir);
    return rc;
}

TEST(every_figure_loads_in_chromium) {
    if (!have_chromium) { printf("     chromium not installed: skipped (sh tools/install-deps.sh installs it)\n"); return; }
    char run_dir[400], a[1200], page[500];
    snprintf(run_dir, sizeof run_dir, "%s/run", dir);
    snprintf(page, sizeof page, "%s/report.html", dir);
    snprintf(a, sizeof a, "mkdir -p %s", run_dir);
    CHECK(system(a) == 0 && make_report_run(run_dir) == 0);
    snprintf(a, sizeof a, "report %s -o %s", run_dir, page);
    CHECK(run(a) == 0);
    if (load_in_chromium(page)) { CHECK(0); return; }
    int im = body_attr("data-images"), ok = body_attr("data-images-loaded");
    int sv = body_attr("data-svgs"), drawn = body_attr("data-svgs-drawn");
    printf("     chromium: %d/%d images loaded, %d/%d svg figures drawn\n", ok, im, drawn, sv);
    CHECK(im == REPORT_RUN_IMAGES && ok == REPORT_RUN_IMAGES);
    CHECK(sv == REPORT_RUN_SVGS && drawn == REPORT_RUN_SVGS);
}

TEST(a_broken_image_is_seen) {
    if (!have_chromium) { printf("     chromium not installed: skipped\n"); return; }
    char a[1600], page[500];
    snprintf(page, sizeof page, "%s/broken.html", dir);
    /* the first embedded PNG's signature and header replaced by 'A's (valid base64, not a PNG) */
    snprintf(a, sizeof a, "sed '0,/base64,iVBORw0KGgo/s//base64,AAAAAAAAAAAA/' %s/report.html > %s", dir, page);
    CHECK(system(a) == 0);
    if (load_in_chromium(page)) { CHECK(0); return; }
    CHECK(body_attr("data-images") == REPORT_RUN_IMAGES);
    CHECK(body_attr("data-images-loaded") == REPORT_RUN_IMAGES - 1);
    CHECK(body_attr("data-svgs-drawn") == REPORT_RUN_SVGS);
}

int main(void) {
    if (cli_begin("report_browser")) return 1;
    have_chromium = system("command -v chromium >/dev/null 2>&1") == 0;
    RUN(every_figure_loads_in_chromium);
    RUN(a_broken_image_is_seen);
    cli_end();
    return test_summary();
}
