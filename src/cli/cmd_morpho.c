/* morphogan morpho: outline morphometrics of valve images, and two-group comparison. */
#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "io/csv.h"
#include "morpho/batch.h"
#include "morpho/compare.h"
#include "morpho/contact_sheet.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void morpho_usage(FILE *f) {
    fprintf(f,
        "usage: morphogan morpho [options] INPUT...       measure every PNG of the inputs -> CSV\n"
        "       morphogan morpho compare DIR_A DIR_B [options]   measure two folders, compare B against A\n"
        "       morphogan morpho compare TABLE.csv [options]     compare two groups of a measures table\n"
        "An INPUT is a PNG file or a folder: its PNGs and its subfolders' PNGs (group = folder name).\n\n"
        "  -o FILE              output CSV (default morpho.csv; compare: compare.csv)\n"
        "  --harmonics N        elliptic Fourier harmonics (default 10, at most 20)\n"
        "  --contact-sheet FILE PNG sheet of the first images of each group with measured outlines\n"
        "  --sheet-n K          images per group on the sheet (default 8)\n"
        "  --threads N          worker threads (default: all cores)\n"
        "compare only:\n"
        "  --by COL             label column of TABLE.csv (default group)\n"
        "  --groups A,B         the reference group A and the compared group B (default: first two seen)\n"
        "  --columns C1,C2,...  columns to compare (default: length,width,area,perimeter,elongation,\n"
        "                       bending,lr_asymmetry)\n"
        "  --measures FILE      (folders) also write the measures CSV of both folders\n"
        "  --ks-max X           also print whether every column's Kolmogorov-Smirnov statistic is below X (PASS/FAIL)\n"
        "Units: pixels (multiply lengths by your micrometres-per-pixel calibration, areas by its square);\n"
        "bending in radians.  Flagged rows (ok = 0) have empty measures and are left out of compare.\n");
}

static int has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcasecmp(s + n - m, suf);
}

/* Sheet of the first k images of each group (groups in order of first appearance, at most 4). */
static int morpho_sheet(const ImageList *l, int k, int n_harm, const char *path) {
    const char *groups[4];
    int ng = 0;
    for (int i = 0; i < l->n && ng < 4; i++) {
        int seen = 0;
        for (int g = 0; g < ng; g++) seen |= !strcmp(groups[g], l->group[i]);
        if (!seen) groups[ng++] = l->group[i];
    }
    if (!ng) return mg_error_set("%s: no images for the contact sheet", path);
    int cols = k, cells = ng * k;
    Image *grid = calloc(cells, sizeof *grid);
    if (!grid) return mg_error_set("out of memory");
    int rc = 0, w = 0, h = 0;
    for (int g = 0; g < ng && rc == 0; g++) {
        int got = 0;
        for (int i = 0; i < l->n && got < k; i++) {
            if (strcmp(l->group[i], groups[g])) continue;
            if (image_read_png(l->path[i], &grid[g * k + got]) == 0) {
                if (!w) { w = grid[g * k + got].w; h = grid[g * k + got].h; }
                got++;
            }
        }
    }
    for (int i = 0; i < cells && rc == 0; i++)
        if (!grid[i].px) {
            rc = image_alloc(&grid[i], w ? w : 16, h ? h : 16, 1);
            if (rc == 0) memset(grid[i].px, 255, (size_t)grid[i].w * grid[i].h);
        }
    if (rc == 0) rc = contact_sheet_write(path, grid, cells, cols, n_harm);
    for (int i = 0; i < cells; i++) image_free(&grid[i]);
    free(grid);
    return rc;
}

static int split_list(char *s, const char **out, int max) {
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ",")) out[n++] = tok;
    return n;
}

int cmd_morpho(int argc, char **argv) {
    const char *out = NULL, *sheet = NULL, *by = "group", *measures_out = NULL;
    char *groups_arg = NULL, *columns_arg = NULL;
    int n_harm = 10, sheet_n = 8, compare = 0;
    double ks_max = 0;
    const char **inputs = calloc(argc, sizeof(char *));
    int n_in = 0;
    if (!inputs) return 1;
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "compare")) { compare = 1; first = 2; }
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() do { if (!v) { fprintf(stderr, "morphogan morpho: %s needs a value; see 'morphogan morpho --help'\n", a); free(inputs); return 2; } i++; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { morpho_usage(stdout); free(inputs); return 0; }
        else if (!strcmp(a, "-o") || !strcmp(a, "--out")) { NEED_VALUE(); out = v; }
        else if (!strcmp(a, "--harmonics")) {
            NEED_VALUE();
            n_harm = atoi(v);
            if (n_harm < 1 || n_harm > MORPHO_MAX_HARM) { fprintf(stderr, "morphogan morpho: --harmonics takes 1..%d, e.g. --harmonics 10\n", MORPHO_MAX_HARM); free(inputs); return 2; }
        }
        else if (!strcmp(a, "--contact-sheet")) { NEED_VALUE(); sheet = v; }
        else if (!strcmp(a, "--sheet-n")) {
            NEED_VALUE();
            sheet_n = atoi(v);
            if (sheet_n < 1 || sheet_n > 64) { fprintf(stderr, "morphogan morpho: --sheet-n takes 1..64\n"); free(inputs); return 2; }
        }
        else if (!strcmp(a, "--threads")) {
            NEED_VALUE();
            if (atoi(v) < 1) { fprintf(stderr, "morphogan morpho: --threads takes a positive integer\n"); free(inputs); return 2; }
            mg_set_threads(atoi(v));
        }
        else if (!strcmp(a, "--by")) { NEED_VALUE(); by = v; }
        else if (!strcmp(a, "--groups")) { NEED_VALUE(); groups_arg = argv[i]; }
        else if (!strcmp(a, "--columns")) { NEED_VALUE(); columns_arg = argv[i]; }
        else if (!strcmp(a, "--measures")) { NEED_VALUE(); measures_out = v; }
        else if (!strcmp(a, "--ks-max")) {
            NEED_VALUE();
            ks_max = atof(v);
            if (!(ks_max > 0 && ks_max <= 1)) { fprintf(stderr, "morphogan morpho: --ks-max takes a number in (0, 1], e.g. --ks-max 0.15\n"); free(inputs); return 2; }
        }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "morphogan morpho: unknown option '%s'; type 'morphogan morpho --help'\n", a); free(inputs); return 2; }
        else inputs[n_in++] = a;
#undef NEED_VALUE
    }
    int rc = 0;
    ImageList l = {0};
    Measures *m = NULL;
    CsvTable t = {0};
    if (!compare) {
        if (!n_in) { fprintf(stderr, "morphogan morpho: no input; type e.g. 'morphogan morpho data/synth -o morpho.csv'\n"); free(inputs); return 2; }
        for (int i = 0; i < n_in && rc == 0; i++) rc = image_list_add(&l, inputs[i]);
        if (rc == 0 && l.n == 0) rc = mg_error_set("%s: no PNG images found", inputs[0]);
        if (rc == 0 && !(m = malloc(sizeof *m * l.n))) rc = mg_error_set("out of memory");
        if (rc == 0) {
            double t0 = omp_get_wtime();
            measure_all(&l, n_harm, m);
            double t1 = omp_get_wtime();
            int ok = 0;
            for (int i = 0; i < l.n; i++) ok += m[i].flag == SEG_OK;
            if (!out) out = "morpho.csv";
            rc = write_measures_csv(out, &l, m, n_harm);
            if (rc == 0)
                printf("measured %d images in %.2f s (%d threads): %d ok, %d flagged -> %s\n", l.n, t1 - t0,
                       mg_get_threads(), ok, l.n - ok, out);
        }
        if (rc == 0 && sheet && (rc = morpho_sheet(&l, sheet_n, n_harm, sheet)) == 0) printf("contact sheet: %s\n", sheet);
        goto done;
    }
    /* compare */
    const char *ga = NULL, *gb = NULL, *cols[64];
    char b1[4096], b2[4096];          /* folder names of the two inputs: the group labels point here */
    int n_cols = 0;
    static const char *const default_cols[] = {"length", "width", "area", "perimeter", "elongation", "bending", "lr_asymmetry"};
    if (columns_arg) n_cols = split_list(columns_arg, cols, 64);
    else { n_cols = 7; for (int k = 0; k < 7; k++) cols[k] = default_cols[k]; }
    const char *gl[2];
    if (groups_arg) {
        if (split_list(groups_arg, gl, 2) != 2) { fprintf(stderr, "morphogan morpho: --groups takes two names, e.g. --groups control,treated\n"); rc = 2; goto done_usage; }
        ga = gl[0]; gb = gl[1];
    }
    if (n_in == 1 && has_suffix(inputs[0], ".csv")) {
        if ((rc = csv_read(inputs[0], &t))) goto done;
    } else if (n_in == 2) {
        for (int i = 0; i < 2 && rc == 0; i++) rc = image_list_add(&l, inputs[i]);
        if (rc) goto done;
        if (!(m = malloc(sizeof *m * (l.n + 1)))) { rc = mg_error_set("out of memory"); goto done; }
        /* the group of an image = which input folder it came from */
        ImageList l1 = {0};
        if ((rc = image_list_add(&l1, inputs[0]))) goto done;
        int n1 = l1.n;
        image_list_free(&l1);
        snprintf(b1, sizeof b1, "%s", inputs[0]);
        snprintf(b2, sizeof b2, "%s", inputs[1]);
        for (char *s = b1 + strlen(b1); s > b1 && s[-1] == '/';) *--s = 0;
        for (char *s = b2 + strlen(b2); s > b2 && s[-1] == '/';) *--s = 0;
        const char *na = strrchr(b1, '/') ? strrchr(b1, '/') + 1 : b1, *nb = strrchr(b2, '/') ? strrchr(b2, '/') + 1 : b2;
        if (!strcmp(na, nb)) { na = inputs[0]; nb = inputs[1]; }
        for (int i = 0; i < l.n; i++) { free(l.group[i]); l.group[i] = strdup(i < n1 ? na : nb); }
        double t0 = omp_get_wtime();
        measure_all(&l, n_harm, m);
        printf("measured %d images in %.2f s (%d threads)\n", l.n, omp_get_wtime() - t0, mg_get_threads());
        char tmpname[4200];           /* without --measures, a temporary table next to the output */
        snprintf(tmpname, sizeof tmpname, "%s.measures.tmp", out ? out : "compare.csv");
        const char *tmpcsv = measures_out ? measures_out : tmpname;
        if ((rc = write_measures_csv(tmpcsv, &l, m, n_harm))) goto done;
        rc = csv_read(tmpcsv, &t);
        if (!measures_out) remove(tmpcsv);
        if (rc) goto done;
        if (!ga) { ga = na; gb = nb; }
        if (sheet && (rc = morpho_sheet(&l, sheet_n, n_harm, sheet)) == 0) printf("contact sheet: %s\n", sheet);
        if (rc) goto done;
    } else {
        fprintf(stderr, "morphogan morpho compare: give two folders or one CSV; e.g. 'morphogan morpho compare data/control data/treated'\n");
        rc = 2;
        goto done_usage;
    }
    if (!ga && (rc = compare_find_groups(&t, by, &ga, &gb))) goto done;
    CompareResult *res = calloc(n_cols, sizeof *res);
    if (!res) { rc = mg_error_set("out of memory"); goto done; }
    if ((rc = compare_table(&t, by, ga, gb, cols, n_cols, res)) == 0) {
        compare_print(stdout, ga, gb, res, n_cols);
        if (ks_max > 0) {                 /* do the two sets have the same distribution of every measure? */
            int pass = 1;
            printf("KS check (each < %g):", ks_max);
            for (int k = 0; k < n_cols; k++) {
                int ok = res[k].ok && res[k].g.ks < ks_max;
                pass &= ok;
                printf(" %s %.3f %s%s", res[k].column, res[k].g.ks, ok ? "ok" : "FAIL", k + 1 < n_cols ? ";" : "");
            }
            printf(" -> %s\n", pass ? "PASS" : "FAIL");
        }
        if (!out) out = "compare.csv";
        if ((rc = compare_write_csv(out, ga, gb, res, n_cols)) == 0) printf("-> %s\n", out);
    }
    free(res);
done:
    if (rc == -1 || rc == 1) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); rc = 1; }
done_usage:
    csv_free(&t);
    image_list_free(&l);
    free(m);
    free(inputs);
    return rc;
}
