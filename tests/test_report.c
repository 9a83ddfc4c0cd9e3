/* The report's C side: escaping, base64 (RFC 4648 vectors), the Gaussian KDE against scipy
 * (fixtures/kde_scipy.csv, tools/make_report_fixtures.py), tick labels, CSV contract errors with line
 * numbers, well-formed SVG whatever the data, the whole page on a synthetic run (counts of figures,
 * determinism, escaping, "not computed"), and robustness to truncated and garbage inputs. */
#include "core/error.h"
#include "io/csv.h"
#include "report/axes.h"
#include "report/base64.h"
#include "report/figures.h"
#include "report/kde.h"
#include "report/report.h"
#include "report/report_ctx.h"
#include "report/strbuf.h"
#include "report/table.h"
#include "test.h"
#include "report_run.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static char tmp[256];

static int write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite(data, 1, n, f);
    return fclose(f);
}

static char *read_all(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc(len + 1);
    *n = fread(s, 1, len, f);
    s[*n] = 0;
    fclose(f);
    return s;
}

/* stderr to /dev/null (expected warnings) until quiet_end(the returned descriptor) */
static int quiet_begin(void) {
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) { dup2(devnull, 2); close(devnull); }
    return saved;
}

static void quiet_end(int saved) {
    fflush(stderr);
    if (saved >= 0) { dup2(saved, 2); close(saved); }
}

static int count_of(const char *hay, const char *needle) {
    int k = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) k++;
    return k;
}

TEST(escape_makes_text_inert) {
    StrBuf b = {0};
    sb_escape(&b, "<a href=\"x\">&'\x01\tok");
    CHECK(!strcmp(sb_str(&b), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\xEF\xBF\xBD\tok"));
    sb_free(&b);
    sb_printf(&b, "%d-%s", 42, "x");
    sb_put(&b, "");
    CHECK(!strcmp(sb_str(&b), "42-x") && b.len == 4);
    sb_free(&b);
    CHECK(!strcmp(sb_str(&b), ""));
}

TEST(base64_matches_rfc4648_vectors) {
    static const char *in[7] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *out[7] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        StrBuf b = {0};
        base64_append(&b, (const uint8_t *)in[i], strlen(in[i]));
        CHECK_MSG(!strcmp(sb_str(&b), out[i]), "%s -> %s", in[i], sb_str(&b));
        sb_free(&b);
    }
    const uint8_t bin[5] = {0x00, 0xff, 0xfe, 0x80, 0x3f};      /* python3 -c "base64.b64encode(bytes(...))" */
    StrBuf b = {0};
    base64_append(&b, bin, 5);
    CHECK(!strcmp(sb_str(&b), "AP/+gD8="));
    sb_free(&b);
}

TEST(kde_matches_scipy_gaussian_kde) {
    CsvTable t;
    if (csv_read("fixtures/kde_scipy.csv", &t)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    static const char *sets[2] = {"bimodal", "small"};
    int checked = 0;
    for (int si = 0; si < 2; si++) {
        double x[200], grid[64], scott[64], silver[64], bw[2] = {0, 0};
        int n = 0, m = 0;
        for (int r = 0; r < t.n_rows; r++) {
            if (strcmp(t.rows[r][0], sets[si])) continue;
            const char *role = t.rows[r][1];
            if (!strcmp(role, "data")) x[n++] = atof(t.rows[r][2]);
            else if (!strcmp(role, "bandwidth")) { bw[0] = atof(t.rows[r][3]); bw[1] = atof(t.rows[r][4]); }
            else { grid[m] = atof(t.rows[r][2]); scott[m] = atof(t.rows[r][3]); silver[m] = atof(t.rows[r][4]); m++; }
        }
        CHECK(n >= 5 && m == 25);
        double h_scott = kde_bandwidth(x, n, KDE_SCOTT), h_silver = kde_bandwidth(x, n, KDE_SILVERMAN);
        CHECK(fabs(h_scott - bw[0]) <= 1e-12 * bw[0]);
        CHECK(fabs(h_silver - bw[1]) <= 1e-12 * bw[1]);
        double d[64];
        kde_eval(x, n, h_scott, grid, m, d);
        for (int j = 0; j < m; j++) { CHECK(fabs(d[j] - scott[j]) <= 1e-10 * fmax(scott[j], 1e-300) + 1e-300); checked++; }
        kde_eval(x, n, h_silver, grid, m, d);
        for (int j = 0; j < m; j++) { CHECK(fabs(d[j] - silver[j]) <= 1e-10 * fmax(silver[j], 1e-300) + 1e-300); checked++; }
    }
    CHECK(checked == 100);
    csv_free(&t);
}

TEST(kde_without_spread_has_no_bandwidth) {
    double one[1] = {3}, same[4] = {2, 2, 2, 2};
    CHECK(kde_bandwidth(one, 1, KDE_SCOTT) == 0);
    CHECK(kde_bandwidth(same, 4, KDE_SILVERMAN) == 0);
    double two[2] = {0, 1}, g[1] = {0.5}, d;
    double h = kde_bandwidth(two, 2, KDE_SCOTT);          /* sd = 0.7071, factor 2^-0.2 */
    CHECK_NEAR(h, sqrt(0.5) * pow(2, -0.2), 1e-14);
    kde_eval(two, 2, h, g, 1, &d);
    CHECK_NEAR(d, exp(-0.125 / (h * h)) / (h * sqrt(2 * M_PI)), 1e-14);
}

TEST(ticks_are_round_numbers) {
    Axes a;
    axes_fit(&a, 0.128, 12.8, 0.0031, 1.56, 0, 640, 360);
    CHECK(a.x0 == 0 && a.x1 == 14);
    CHECK(a.y0 == 0 && a.y1 == 2);                        /* step 0.5 */
    axes_fit(&a, 5, 5, 1e-3, 20, 1, 640, 360);           /* empty x range widened; log y in decades */
    CHECK(a.x0 < 5 && a.x1 > 5 && a.log_y && a.y0 == -3 && a.y1 == 2);
    axes_fit(&a, 0, 1, -1, 20, 1, 640, 360);             /* log asked with a value <= 0: linear */
    CHECK(!a.log_y);
    char s[48];
    axes_tick_label(0.30000000000000004, 0.1, s, sizeof s); CHECK(!strcmp(s, "0.3"));
    axes_tick_label(-2e-17, 0.5, s, sizeof s); CHECK(!strcmp(s, "0.0"));
    axes_tick_label(2500, 500, s, sizeof s); CHECK(!strcmp(s, "2500"));
    axes_tick_label(3e-5, 1e-5, s, sizeof s); CHECK(!strcmp(s, "3e-05"));
    axes_fit(&a, -1e308, 1e308, 0, 1, 0, 640, 360);      /* a span past double's range stays finite */
    CHECK(isfinite(a.x0) && isfinite(a.x1) && a.x1 > a.x0);
}

/* one message of table_read/table_numbers on CSV text, "" when it succeeds */
static const char *table_error(const char *text, const char *const *req, const char *num_col, int allow_empty) {
    static char msg[600];
    char p[300];
    snprintf(p, sizeof p, "%s/t.csv", tmp);
    write_file(p, text, strlen(text));
    CsvTable t;
    msg[0] = 0;
    if (table_read(p, req, &t)) { snprintf(msg, sizeof msg, "%s", mg_error_get()); return msg; }
    double v[64];
    if (num_col && table_numbers(&t, p, num_col, allow_empty, v)) snprintf(msg, sizeof msg, "%s", mg_error_get());
    csv_free(&t);
    return msg;
}

TEST(csv_contract_errors_name_file_line_and_column) {
    static const char *const req[] = {"file", "label", "x", "y", NULL};
    CHECK(!strcmp(table_error("file,label,x,y\na,b,1,2\n", req, "x", 0), ""));
    const char *m = table_error("file,label,x\na,b,1\n", req, NULL, 0);
    CHECK_MSG(strstr(m, "t.csv: line 1: no column 'y' (the header needs file,label,x,y)"), "%s", m);
    m = table_error("file,label,x,y\na,b,1,2\n\na,b,1\n", req, NULL, 0);    /* a blank line counts */
    CHECK_MSG(strstr(m, "t.csv: line 4: 3 fields, the header has 4"), "%s", m);
    m = table_error("file,label,x,y\na,b,1,2,3\n", req, NULL, 0);
    CHECK_MSG(strstr(m, "line 2: 5 fields, the header has 4"), "%s", m);
    m = table_error("file,label,x,y\na,b,1,2\na,b,1.5e,2\n", req, "x", 0);
    CHECK_MSG(strstr(m, "t.csv: line 3: column 'x': '1.5e' is not a number"), "%s", m);
    m = table_error("file,label,x,y\na,b, ,2\n", req, "x", 0);
    CHECK_MSG(strstr(m, "line 2: column 'x' is empty, expected a number"), "%s", m);
    CHECK(!strcmp(table_error("file,label,x,y\na,b,,2\n", req, "x", 1), ""));
    CHECK(!strcmp(table_error("file,label,x,y\na,b,nan,2\nc,d, -inf ,3\n", req, "x", 0), ""));
    m = table_error("", req, NULL, 0);
    CHECK_MSG(strstr(m, "empty file"), "%s", m);
    m = table_error("\x89PNG\r\n\x1a\n\x00\x01garbage", req, NULL, 0);
    CHECK_MSG(strstr(m, "line 1: no column 'file'"), "%s", m);
    double v;
    CHECK(table_parse_number(" 2.5 ", &v) == 0 && v == 2.5);
    CHECK(table_parse_number("2.5x", &v) == -1 && table_parse_number("", &v) == -1);
}

TEST(labels_are_sorted_and_shared) {
    char p[300];
    snprintf(p, sizeof p, "%s/l.csv", tmp);
    const char *text = "label,predicted\ntreated,treated\ncontrol,treated\ncontrol,control\n";
    write_file(p, text, strlen(text));
    CsvTable t;
    CHECK(csv_read(p, &t) == 0);
    Labels l = {0};
    labels_add_column(&l, &t, 1);
    labels_add_column(&l, &t, 0);
    CHECK(l.n == 2 && !strcmp(l.names[0], "control") && !strcmp(l.names[1], "treated"));
    int *a = labels_index(&l, &t, 0), *b = labels_index(&l, &t, 1);
    CHECK(a[0] == 1 && a[1] == 0 && a[2] == 0 && b[0] == 1 && b[1] == 1 && b[2] == 0);
    free(a); free(b);
    labels_free(&l);
    csv_free(&t);
}

/* tags of an SVG/XML fragment balance (self-closing allowed) and no '<' or '&' is stray: what an
 * unescaped label would break */
static int well_formed(const char *s) {
    const char *stack[64];
    size_t len[64];
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&') {
            const char *e = strchr(p, ';');
            if (!e || e - p > 8) return 0;
            continue;
        }
        if (*p != '<') continue;
        const char *e = strchr(p, '>');
        if (!e) return 0;
        for (const char *q = p + 1; q < e; q++) if (*q == '<') return 0;
        if (p[1] == '/') {
            size_t n = strcspn(p + 2, " >");
            if (!depth || len[depth - 1] != n || strncmp(stack[depth - 1], p + 2, n)) return 0;
            depth--;
        } else if (e[-1] != '/') {
            if (depth == 64) return 0;
            stack[depth] = p + 1;
            len[depth++] = strcspn(p + 1, " >");
        }
        p = e;
    }
    return depth == 0;
}

TEST(every_figure_is_well_formed_svg_with_hostile_names_and_bad_values) {
    const char *names[3] = {"a<b>", "\"q\" & 'r'", "</svg><script>alert(1)</script>"};
    double x[7] = {0, 1, NAN, 3, INFINITY, 5, -2}, y[7] = {1, -1, 2, NAN, 4, 0.5, 3};
    int g[7] = {0, 1, 2, 0, 1, 2, 0};
    double none[3] = {NAN, NAN, NAN};
    int g3[3] = {0, 0, 1};
    double counts[6] = {5, 1, 0, 7, NAN, 2};
    for (int variant = 0; variant < 2; variant++) {
        StrBuf b = {0};
        const double *vx = variant ? none : x, *vy = variant ? none : y;
        int n = variant ? 3 : 7;
        const int *gg = variant ? g3 : g;
        Series s[3] = {{names[0], vx, vy, n}, {names[1], vy, vx, n}, {names[2], vx, vx, n}};
        fig_lines(&b, s, 3, names[2], names[0], 1, names[1]);
        fig_scatter(&b, vx, vy, gg, n, names, 3, names[0], names[1], names[2]);
        fig_histograms(&b, vx, gg, n, names, 3, names[2], 0, names[0]);
        fig_densities(&b, vy, gg, n, names, 3, names[1], KDE_SILVERMAN, names[2]);
        fig_bars_line(&b, vx, vy, n, names[0], names[1], names[2], names[0], names[1]);
        fig_confusion(&b, counts, 2, 3, names, names, names[2]);
        CHECK_MSG(well_formed(sb_str(&b)), "variant %d", variant);
        CHECK(!strstr(sb_str(&b), "<script") && !strstr(sb_str(&b), "nan") && !strstr(sb_str(&b), "inf"));
        CHECK(count_of(sb_str(&b), "<svg ") == 6 && count_of(sb_str(&b), "</svg>") == 6);
        if (variant) CHECK(count_of(sb_str(&b), "no finite values") >= 4);
        sb_free(&b);
    }
}

TEST(long_series_are_binned_and_log_scale_is_used) {
    enum { N = 4000 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++) { x[i] = i; y[i] = exp(-i / 500.0); }
    Series s = {"loss", x, y, N};
    StrBuf b = {0};
    CHECK(fig_lines(&b, &s, 1, "kimg", "v", 1, "t") == 3);      /* ceil(4000 / 1500) */
    CHECK(strstr(sb_str(&b), ">0.001<") != NULL);                 /* a decade label */
    sb_free(&b);
}

static const char *page_of(const char *run, int strict, int *warnings, int *rc) {
    static char out[300];
    snprintf(out, sizeof out, "%s/page.html", tmp);
    unlink(out);
    *rc = report_write(run, out, strict, warnings);
    return out;
}

TEST(full_run_page_has_every_figure_escaped_and_is_deterministic) {
    char run[300];
    snprintf(run, sizeof run, "%s/run", tmp);
    mkdir(run, 0755);
    CHECK(make_report_run(run) == 0);
    int w, rc;
    const char *out = page_of(run, 1, &w, &rc);
    CHECK_MSG(rc == 0 && w == 0, "%s", mg_error_get());
    size_t n1, n2;
    char *a = read_all(out, &n1);
    if (!a) { CHECK(0); return; }
    CHECK(count_of(a, "<img ") == REPORT_RUN_IMAGES);
    CHECK(count_of(a, "<svg ") == REPORT_RUN_SVGS && count_of(a, "</svg>") == REPORT_RUN_SVGS);
    CHECK(count_of(a, "not computed (run") == 0);
    CHECK(count_of(a, "src=\"data:image/png;base64,iVBORw0KGgo") == REPORT_RUN_IMAGES);
    CHECK(!strstr(a, "src=\"http") && !strstr(a, "src=\"file") && !strstr(a, "href=\"http"));
    CHECK(!strstr(a, REPORT_HOSTILE_LABEL) && strstr(a, "&lt;/svg&gt;&lt;img src=&quot;x.png&quot;&gt;&amp;amp;"));
    CHECK(strstr(a, "&lt;b&gt;not bold&lt;/b&gt; &amp; co") != NULL);
    CHECK(strstr(a, "width=\"132\" height=\"132\" alt=\"samples_000060.png\"") != NULL);   /* newest, shown 2x */
    CHECK(strstr(a, "direction svm normal, factors -2;-1;0;1;2") && strstr(a, "direction PC 1, factors -3;0;3"));
    CHECK(strstr(a, "<td>length</td><td>%</td><td class=\"n\">-7.8</td><td>[-8.9, -6.7]</td><td class=\"n\">-8.2</td><td>yes</td><td class=\"n\">+4.9%</td>") != NULL);
    CHECK(strstr(a, "100 images, 90.0% with predicted = true class") != NULL);      /* logreg: 44 + 46 */
    CHECK(strstr(a, "100 images, 91.0% with predicted = true class") != NULL);      /* svm: 46 + 45 */
    /* the same inputs give the same bytes */
    char copy[300];
    snprintf(copy, sizeof copy, "%s/first.html", tmp);
    CHECK(rename(out, copy) == 0);
    page_of(run, 0, &w, &rc);
    char *b = read_all(out, &n2);
    CHECK(b && n1 == n2 && !memcmp(a, b, n1));
    free(a); free(b);
}

TEST(empty_run_says_not_computed_for_every_section) {
    char run[300];
    snprintf(run, sizeof run, "%s/empty", tmp);
    mkdir(run, 0755);
    int w, rc;
    const char *out = page_of(run, 1, &w, &rc);
    CHECK(rc == 0 && w == 0);
    size_t n;
    char *a = read_all(out, &n);
    if (!a) { CHECK(0); return; }
    /* config, log, samples, metrics, recon grid + errors, classify + confusion, PCA spectrum + projection,
     * t-SNE, distances, walks, effect */
    CHECK_MSG(count_of(a, "<p class=\"missing\">not computed (run <code>morphogan ") == 14, "%d",
              count_of(a, "<p class=\"missing\">not computed"));
    CHECK(count_of(a, "(not computed)</span>") == 11);
    CHECK(count_of(a, "<svg ") == 0 && count_of(a, "<img ") == 0);
    CHECK(strstr(a, "run <code>morphogan analyze</code>): no analysis/tsne.csv") != NULL);
    free(a);
    char file[300];
    snprintf(file, sizeof file, "%s/empty/log.csv", tmp);
    write_file(file, "x", 1);
    out = page_of(file, 0, &w, &rc);                     /* a file is not a run folder */
    CHECK(rc == -1 && strstr(mg_error_get(), "not a folder"));
    snprintf(file, sizeof file, "%s/nowhere", tmp);
    page_of(file, 0, &w, &rc);
    CHECK(rc == -1 && strstr(mg_error_get(), "nowhere: no such run folder"));
}

TEST(malformed_file_is_a_warning_or_with_strict_the_error) {
    char run[300], p[400];
    snprintf(run, sizeof run, "%s/bad", tmp);
    mkdir(run, 0755);
    CHECK(make_report_run(run) == 0);
    snprintf(p, sizeof p, "%s/analysis/tsne.csv", run);
    const char *bad = "file,label,x,y\na.png,control,1,2\nb.png,treated,abc,3\n";
    write_file(p, bad, strlen(bad));
    snprintf(p, sizeof p, "%s/samples_000099.png", run);          /* the newest grid, but not a PNG */
    write_file(p, "not a png", 9);
    int w, rc;
    int saved = quiet_begin();
    const char *out = page_of(run, 0, &w, &rc);
    quiet_end(saved);
    CHECK(rc == 0 && w == 2);
    size_t n;
    char *a = read_all(out, &n);
    if (!a) { CHECK(0); return; }
    CHECK(strstr(a, "<p class=\"warning\">") && strstr(a, "analysis/tsne.csv: line 3: column &#39;x&#39;: &#39;abc&#39; is not a number"));
    CHECK(strstr(a, "samples_000099.png: ") != NULL);
    CHECK(count_of(a, "<svg ") == REPORT_RUN_SVGS - 1 && count_of(a, "<img ") == REPORT_RUN_IMAGES - 1);
    free(a);
    page_of(run, 1, &w, &rc);
    CHECK(rc == -1 && strstr(mg_error_get(), "/bad/samples_000099.png"));   /* the first warning, in page order */
    CHECK(access(out, F_OK) != 0);                                      /* strict: nothing written */
}

/* Each CSV cut at many lengths and filled with garbage: the section warns or draws, never crashes
 * (ASan/UBSan run this too); a warning names the file. */
TEST(truncated_and_garbage_csv_never_crash) {
    static const struct { const char *rel; void (*section)(Report *); } files[] = {
        {"log.csv", section_training}, {"metrics.csv", section_metrics}, {"recon/errors.csv", section_recon},
        {"analysis/classify.csv", section_classify}, {"analysis/confusion_svm.csv", section_classify},
        {"analysis/pca_spectrum.csv", section_pca}, {"analysis/pca_projection.csv", section_pca},
        {"analysis/tsne.csv", section_tsne}, {"analysis/distances.csv", section_distances},
        {"walks/walks.csv", section_walks}, {"effect.csv", section_effect}, {"config.json", section_summary},
    };
    char src[300], run[300];
    snprintf(src, sizeof src, "%s/src", tmp);
    mkdir(src, 0755);
    CHECK(make_report_run(src) == 0);
    /* thousands of rewrites: on tmpfs when there is one (ext4 mounted with discard makes each ~4 ms) */
    if (access("/dev/shm", W_OK) == 0) snprintf(run, sizeof run, "/dev/shm/mg_test_report_fuzz_%d", (int)getpid());
    else snprintf(run, sizeof run, "%s/fuzz", tmp);
    mkdir(run, 0755);
    const char *subs[3] = {"analysis", "recon", "walks"};
    char p[400];
    for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", run, subs[i]); mkdir(p, 0755); }
    int saved = quiet_begin();                                  /* thousands of expected warnings */
    int runs = 0, warned = 0, bad_message = 0;
    unsigned seed = 12345;
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        size_t n;
        snprintf(p, sizeof p, "%s/%s", src, files[k].rel);
        char *good = read_all(p, &n);
        if (!good) { bad_message++; continue; }
        char *buf = malloc(n + 64);
        snprintf(p, sizeof p, "%s/%s", run, files[k].rel);
        size_t step = n > 300 ? n / 150 : 1;
        for (size_t cut = 0; cut <= n + 40; cut += step) {
            size_t len = cut <= n ? cut : n;
            memcpy(buf, good, len);
            if (cut > n) {                        /* garbage: bytes of every value, commas, quotes, NULs */
                len = n;
                for (int j = 0; j < 12; j++) {
                    seed = seed * 1103515245u + 12345u;
                    buf[seed % n] = (char)(seed >> 16);
                }
            }
            write_file(p, buf, len);
            Report r = {.run = run};
            files[k].section(&r);
            runs++;
            if (r.n_warnings) {
                warned++;
                if (!strstr(r.first_warning, files[k].rel)) bad_message++;
            }
            sb_free(&r.body);
            sb_free(&r.toc);
        }
        unlink(p);
        free(buf);
        free(good);
    }
    quiet_end(saved);
    printf("   %d truncated/garbage inputs, %d warned\n", runs, warned);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", run);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", run);
    CHECK(runs > 1000 && warned > runs / 4 && bad_message == 0);
}

int main(void) {
    snprintf(tmp, sizeof tmp, "/tmp/mg_test_report_%d", (int)getpid());
    mkdir(tmp, 0755);
    RUN(escape_makes_text_inert);
    RUN(base64_matches_rfc4648_vectors);
    RUN(kde_matches_scipy_gaussian_kde);
    RUN(kde_without_spread_has_no_bandwidth);
    RUN(ticks_are_round_numbers);
    RUN(csv_contract_errors_name_file_line_and_column);
    RUN(labels_are_sorted_and_shared);
    RUN(every_figure_is_well_formed_svg_with_hostile_names_and_bad_values);
    RUN(long_series_are_binned_and_log_scale_is_used);
    RUN(full_run_page_has_every_figure_escaped_and_is_deterministic);
    RUN(empty_run_says_not_computed_for_every_section);
    RUN(malformed_file_is_a_warning_or_with_strict_the_error);
    RUN(truncated_and_garbage_csv_never_crash);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmp);
    return test_summary();
}
