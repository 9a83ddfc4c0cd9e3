/* morphogan analyze nn (nearest codes by cosine similarity) and morphogan analyze edit (reflection across a
 * hyperplane, walks along a direction, lerp/slerp, 3-point grids, vector arithmetic, style mixing), writing
 * codes that `generate --codes` renders.  Formulas: analysis/editing.h. */
#include "analysis/editing.h"
#include "analysis/features.h"
#include "analysis/latent_table.h"
#include "cli/analyze_sub.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/npy.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *cmd) {
    fprintf(stderr, "morphogan analyze %s: %s\n", cmd, mg_error_get());
    return 1;
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* a code [L*D] for a table row (file name or index) or a .npy holding one code ([D] only when L = 1 or
 * allow_w: then copied to every layer).  out: L*D floats.  *row: the table row or -1. */
static int get_code(const LatentTable *t, const char *q, float *out, int *row) {
    *row = -1;
    size_t ld = (size_t)t->L * t->D;
    if (ends_with(q, ".npy")) {
        NpyArray a;
        if (npy_read(q, NPY_F32, &a)) return -1;
        const float *v = a.data;
        if (a.numel == ld) memcpy(out, v, ld * sizeof(float));
        else if (a.numel == (size_t)t->D)
            for (int l = 0; l < t->L; l++) memcpy(out + (size_t)l * t->D, v, (size_t)t->D * sizeof(float));
        else {
            const char *s = npy_shape_str(&a);
            npy_free(&a);
            return mg_error_set("%s: shape %s is not one code of the table ([%d, %d] or [%d])", q, s, t->L, t->D, t->D);
        }
        for (size_t j = 0; j < ld; j++)
            if (!isfinite(out[j])) { npy_free(&a); return mg_error_set("%s: value %zu is not finite", q, j); }
        npy_free(&a);
        return 0;
    }
    int r = latent_table_find(t, q);
    if (r < 0) return mg_error_set("'%s' is neither a file of the table, a row number (0..%d) nor a .npy code", q, t->n - 1);
    memcpy(out, t->codes + (size_t)r * ld, ld * sizeof(float));
    *row = r;
    return 0;
}

/* the feature vector of a code [L*D] for the spec (a view) */
static const float *feature_of(const LatentTable *t, FeatureSpec f, const float *code, int *d) {
    *d = f.kind == FEAT_WPLUS ? t->L * t->D : t->D;
    return code + (f.kind == FEAT_LAYER ? (size_t)f.layer * t->D : 0);
}

/* ---------------- nn ---------------- */

static void nn_usage(FILE *f) {
    fprintf(f,
        "usage: morphogan analyze nn --table DIR --query FILE|INDEX|CODE.npy [options]\n"
        "The codes of the table most similar to the query by cosine similarity (the query's own row excluded).\n"
        "  --top N                 how many (default 8)\n"
        "  --features w|wplus|layer:K   what is compared (default w)\n"
        "  --out FILE.csv          also write rank,file,label,split,cosine there\n");
}

int analyze_nn_main(int argc, char **argv) {
    const char *table = NULL, *query = NULL, *out = NULL;
    long top = 8;
    FeatureSpec fs = {FEAT_W, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { nn_usage(stdout); return 0; }
        if (!v) { fprintf(stderr, "morphogan analyze nn: unknown option '%s' (or missing value); see --help\n", a); return 2; }
        if (!strcmp(a, "--table")) table = v;
        else if (!strcmp(a, "--query")) query = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--features")) { if (feature_spec_parse(v, &fs)) return fail("nn") + 1; }
        else if (!strcmp(a, "--top")) {
            char *end;
            errno = 0;
            top = strtol(v, &end, 10);
            if (errno || *end || top < 1 || top > 100000) { fprintf(stderr, "morphogan analyze nn: --top needs a whole number from 1 to 100000\n"); return 2; }
        } else { fprintf(stderr, "morphogan analyze nn: unknown option '%s'; see --help\n", a); return 2; }
        i++;
    }
    if (!table || !query) { fprintf(stderr, "morphogan analyze nn: --table and --query are required; see --help\n"); return 2; }
    LatentTable t;
    if (latent_table_read(table, &t)) return fail("nn");
    if (fs.kind == FEAT_LAYER && fs.layer >= t.L) {
        mg_error_set("--features layer:%d: the codes have %d layers", fs.layer, t.L);
        latent_table_free(&t);
        return fail("nn");
    }
    float *q = mg_xmalloc((size_t)t.L * t.D * sizeof(float)), *x = NULL;
    int row, d, rc = 0;
    if (get_code(&t, query, q, &row) || features_extract(&t, fs, &x, &d)) rc = fail("nn");
    if (!rc) {
        int qd;
        const float *qf = feature_of(&t, fs, q, &qd);
        int *idx = mg_xmalloc((size_t)top * sizeof(int));
        double *sim = mg_xmalloc((size_t)top * sizeof(double));
        int m = nearest_by_cosine(x, t.n, d, qf, row, (int)top, idx, sim);
        AtomicFile af;
        FILE *f = out ? atomic_open(&af, out) : NULL;
        if (out && !f) rc = fail("nn");
        printf("nearest codes to %s (%s, cosine similarity):\nrank,file,label,split,cosine\n", query, feature_spec_str(fs));
        if (f) fputs("rank,file,label,split,cosine\n", f);
        for (int k = 0; k < m; k++) {
            FILE *o[2] = {stdout, f};
            for (int s = 0; s < 2; s++) {
                if (!o[s]) continue;
                fprintf(o[s], "%d,", k + 1);
                csv_write_field(o[s], t.file[idx[k]]);
                fputc(',', o[s]);
                csv_write_field(o[s], t.label[idx[k]]);
                fprintf(o[s], ",%s,%.6f\n", t.split[idx[k]] == LT_TRAIN ? "train" : "val", sim[k]);
            }
        }
        if (f && atomic_close(&af, 0)) rc = fail("nn");
        free(idx);
        free(sim);
    }
    free(q);
    free(x);
    latent_table_free(&t);
    return rc;
}

/* ---------------- edit ---------------- */

static void edit_usage(FILE *f) {
    fprintf(f,
        "usage: morphogan analyze edit --table DIR --out CODES.npy OPERATION [options]\n"
        "Edits latent codes and writes them as CODES.npy [M, L, D] (for generate --codes) with CODES.csv describing\n"
        "each output code (index,source,operation,factor,factor2,distance_before,distance_after).\n"
        "Operations along a direction of an analysis (--analysis ADIR --direction NAME: ADIR/direction_NAME.npy and\n"
        "its row of ADIR/directions.csv):\n"
        "  --reflect               x + 2 lambda u, lambda = -(bias + u.x): the mirror image across the hyperplane\n"
        "  --walk K1,K2,...        x + k alpha u for each k; alpha = the class separation along u (--units separation,\n"
        "                          the default) or 1 (--units raw)\n"
        "  --rows LIST             codes edited: file names, row numbers and the words all, train, val, separated\n"
        "                          by commas (default all)\n"
        "Operations on given codes (table file names, row numbers or .npy codes):\n"
        "  --lerp A,B | --slerp A,B    interpolation, --steps N codes from A to B (default 9)\n"
        "  --grid A,B,C            w = A + l2 (B - A) + l3 (C - A), l2, l3 in [0,1] in --steps N steps (default 11)\n"
        "  --arith A,B,C           A - B + C\n"
        "  --mix A,B --crossover C layers 0..C-1 from A, the others from B (style mixing of W+ codes)\n"
        "A direction found on w features moves every layer of a code; one found on layer:K moves layer K only.\n");
}

typedef struct EditDir {
    FeatureSpec fs;
    int dim;
    double *u;
    double bias, separation;
} EditDir;

static int load_direction(const char *adir, const char *name, const LatentTable *t, EditDir *e) {
    char p[4200];
    snprintf(p, sizeof p, "%.4000s/directions.csv", adir);
    CsvTable c;
    if (csv_read(p, &c)) return -1;
    int cn = csv_column(&c, "name"), cb = csv_column(&c, "bias"), cs = csv_column(&c, "class_separation"),
        cf = csv_column(&c, "features"), row = -1;
    if (cn < 0 || cb < 0 || cs < 0 || cf < 0) { csv_free(&c); return mg_error_set("%s: lacks name,bias,class_separation,features", p); }
    for (int r = 0; r < c.n_rows; r++) if (!strcmp(c.rows[r][cn], name)) row = r;
    if (row < 0) { csv_free(&c); return mg_error_set("%s: no direction named '%s'", p, name); }
    char *end1, *end2;
    e->bias = strtod(c.rows[row][cb], &end1);
    e->separation = strtod(c.rows[row][cs], &end2);
    int bad = *end1 || *end2 || !isfinite(e->bias) || !isfinite(e->separation) || feature_spec_parse(c.rows[row][cf], &e->fs);
    csv_free(&c);
    if (bad) return mg_error_set("%s: row '%s' has a bad bias, class_separation or features value", p, name);
    if (e->fs.kind == FEAT_LAYER && e->fs.layer >= t->L)
        return mg_error_set("%s: direction %s is for layer %d, the codes have %d layers", p, name, e->fs.layer, t->L);
    snprintf(p, sizeof p, "%.4000s/direction_%.100s.npy", adir, name);
    NpyArray a;
    if (npy_read(p, NPY_F64, &a)) return -1;
    e->dim = e->fs.kind == FEAT_WPLUS ? t->L * t->D : t->D;
    if ((int)a.numel != e->dim) {
        size_t got = a.numel;
        npy_free(&a);
        return mg_error_set("%s: %zu values, the codes need %d for %s", p, got, e->dim, feature_spec_str(e->fs));
    }
    e->u = a.data;
    return 0;
}

/* adds s * u to a code [L*D] as the direction's features say */
static void add_step(const LatentTable *t, const EditDir *e, double s, float *code) {
    if (e->fs.kind == FEAT_WPLUS) { for (int j = 0; j < e->dim; j++) code[j] += (float)(s * e->u[j]); return; }
    for (int l = 0; l < t->L; l++) {
        if (e->fs.kind == FEAT_LAYER && l != e->fs.layer) continue;
        for (int j = 0; j < t->D; j++) code[(size_t)l * t->D + j] += (float)(s * e->u[j]);
    }
}

static double signed_distance(const LatentTable *t, const EditDir *e, const float *code) {
    int d;
    const float *x = feature_of(t, e->fs, code, &d);
    double s = e->bias;
    for (int j = 0; j < d; j++) s += e->u[j] * x[j];
    return s;
}

/* rows of a comma list of file names, row numbers and the words all, train, val; malloc'd list, *n */
static int parse_rows(const LatentTable *t, const char *spec, int **rows, int *n) {
    int cap = t->n + 16;
    *rows = mg_xmalloc((size_t)cap * sizeof(int));
    *n = 0;
    char *buf = strdup(spec);
    int rc = 0;
    for (char *s = strtok(buf, ","); s && !rc; s = strtok(NULL, ",")) {
        int word = !strcmp(s, "all") ? 2 : !strcmp(s, "train") ? LT_TRAIN : !strcmp(s, "val") ? LT_VAL : -1;
        int r = word < 0 ? latent_table_find(t, s) : -1;
        if (word < 0 && r < 0) { rc = mg_error_set("--rows: '%s' is neither a file of the table nor a row number", s); break; }
        for (int i = 0; i < t->n; i++) {
            if (word < 0 ? i != r : word != 2 && t->split[i] != word) continue;
            if (*n == cap) { cap *= 2; *rows = realloc(*rows, (size_t)cap * sizeof(int)); if (!*rows) mg_fatal("out of memory"); }
            (*rows)[(*n)++] = i;
        }
    }
    free(buf);
    if (!rc && !*n) rc = mg_error_set("--rows %s: no such rows", spec);
    return rc;
}

/* exactly `want` non-empty comma-separated parts of v */
static int split_codes(const char *v, char parts[3][1024], int want) {
    int n = 0;
    const char *s = v;
    for (;;) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        if (!len || len >= 1024 || n == want) return -1;
        memcpy(parts[n], s, len);
        parts[n++][len] = 0;
        if (!c) break;
        s = c + 1;
    }
    return n == want ? 0 : -1;
}

int analyze_edit_main(int argc, char **argv) {
    const char *table = NULL, *out = NULL, *adir = NULL, *dname = NULL, *rows_spec = "all", *walk = NULL;
    const char *pair = NULL, *grid = NULL, *arith = NULL, *mix = NULL;
    int reflect = 0, slerp = 0, units_raw = 0;
    long steps = -1, crossover = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { edit_usage(stdout); return 0; }
        if (!strcmp(a, "--reflect")) { reflect = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan analyze edit: unknown option '%s' (or missing value); see --help\n", a); return 2; }
        if (!strcmp(a, "--table")) table = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--analysis")) adir = v;
        else if (!strcmp(a, "--direction")) dname = v;
        else if (!strcmp(a, "--rows")) rows_spec = v;
        else if (!strcmp(a, "--walk")) walk = v;
        else if (!strcmp(a, "--lerp") || !strcmp(a, "--slerp")) { pair = v; slerp = !strcmp(a, "--slerp"); }
        else if (!strcmp(a, "--grid")) grid = v;
        else if (!strcmp(a, "--arith")) arith = v;
        else if (!strcmp(a, "--mix")) mix = v;
        else if (!strcmp(a, "--units")) {
            if (!strcmp(v, "raw")) units_raw = 1;
            else if (strcmp(v, "separation")) { fprintf(stderr, "morphogan analyze edit: --units is separation or raw\n"); return 2; }
        } else if (!strcmp(a, "--steps") || !strcmp(a, "--crossover")) {
            char *end;
            errno = 0;
            long x = strtol(v, &end, 10);
            if (errno || *end || x < (a[2] == 's' ? 2 : 0) || x > 10000) {
                fprintf(stderr, "morphogan analyze edit: %s needs a whole number (%s)\n", a, a[2] == 's' ? "2 to 10000" : "0 to the layers");
                return 2;
            }
            if (a[2] == 's') steps = x; else crossover = x;
        } else { fprintf(stderr, "morphogan analyze edit: unknown option '%s'; see --help\n", a); return 2; }
        i++;
    }
    int nops = reflect + !!walk + !!pair + !!grid + !!arith + !!mix;
    if (!table || !out || nops != 1) {
        fprintf(stderr, "morphogan analyze edit: --table, --out and exactly one operation are required; see --help\n");
        return 2;
    }
    if (!ends_with(out, ".npy")) { fprintf(stderr, "morphogan analyze edit: --out must end in .npy\n"); return 2; }
    if ((reflect || walk) && (!adir || !dname)) {
        fprintf(stderr, "morphogan analyze edit: --reflect and --walk need --analysis DIR and --direction NAME\n");
        return 2;
    }
    if (mix && crossover < 0) { fprintf(stderr, "morphogan analyze edit: --mix needs --crossover C\n"); return 2; }
    double factors[256];
    int nf = 0;
    if (walk) {
        char *buf = strdup(walk), *end;
        for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
            errno = 0;
            double k = strtod(s, &end);
            if (errno || *end || !isfinite(k) || nf == 256) { free(buf); fprintf(stderr, "morphogan analyze edit: --walk needs up to 256 numbers separated by commas\n"); return 2; }
            factors[nf++] = k;
        }
        free(buf);
        if (!nf) { fprintf(stderr, "morphogan analyze edit: --walk lists nothing\n"); return 2; }
    }
    LatentTable t;
    if (latent_table_read(table, &t)) return fail("edit");
    size_t ld = (size_t)t.L * t.D;
    EditDir e = {0};
    int rc = 0, m = 0, *rows = NULL, nrows = 0;
    float *codes = NULL;
    AtomicFile af;
    char csvp[4200];
    snprintf(csvp, sizeof csvp, "%.*s.csv", (int)strlen(out) - 4, out);
    FILE *f = NULL;
    if ((reflect || walk) && load_direction(adir, dname, &t, &e)) rc = -1;
    if (!rc && (reflect || walk)) rc = parse_rows(&t, rows_spec, &rows, &nrows);
    if (!rc && !(f = atomic_open(&af, csvp))) rc = -1;
    if (!rc) fputs("index,source,operation,factor,factor2,distance_before,distance_after\n", f);
    if (!rc && (reflect || walk)) {
        double alpha = units_raw ? 1.0 : e.separation;
        if (walk && !units_raw && !(fabs(alpha) > 0)) rc = mg_error_set("direction %s: class separation is 0; use --units raw", dname);
        int per = reflect ? 1 : nf;
        codes = mg_xmalloc((size_t)nrows * per * ld * sizeof(float));
        for (int r = 0; !rc && r < nrows; r++) {
            const float *src = t.codes + (size_t)rows[r] * ld;
            double before = signed_distance(&t, &e, src);
            for (int k = 0; k < per; k++, m++) {
                float *o = codes + (size_t)m * ld;
                memcpy(o, src, ld * sizeof(float));
                double s = reflect ? -2 * before : factors[k] * alpha;      /* u unit: lambda = -(bias + u.x) */
                add_step(&t, &e, s, o);
                fprintf(f, "%d,", m);
                csv_write_field(f, t.file[rows[r]]);
                fprintf(f, ",%s,%.6g,,%.7g,%.7g\n", reflect ? "reflect" : "walk", reflect ? 2.0 : factors[k], before,
                        signed_distance(&t, &e, o));
            }
        }
    } else if (!rc) {
        char parts[3][1024];
        int want = grid || arith ? 3 : 2;
        const char *v = pair ? pair : grid ? grid : arith ? arith : mix;
        if (split_codes(v, parts, want)) rc = mg_error_set("the operation needs %d codes separated by commas", want);
        float *in = mg_xmalloc(3 * ld * sizeof(float));
        int row;
        for (int k = 0; !rc && k < want; k++) rc = get_code(&t, parts[k], in + k * ld, &row);
        if (!rc && mix && crossover > t.L) rc = mg_error_set("--crossover %ld: the codes have %d layers", crossover, t.L);
        if (!rc) {
            const char *op = pair ? (slerp ? "slerp" : "lerp") : grid ? "grid" : arith ? "arith" : "mix";
            int count = pair ? (int)(steps > 0 ? steps : 9) : grid ? (int)((steps > 0 ? steps : 11) * (steps > 0 ? steps : 11)) : 1;
            codes = mg_xmalloc((size_t)count * ld * sizeof(float));
            if (pair)
                for (int s = 0; s < count; s++) {
                    double tt = (double)s / (count - 1);
                    if (slerp) slerp_code(in, in + ld, tt, (int)ld, codes + (size_t)s * ld);
                    else lerp_code(in, in + ld, tt, (int)ld, codes + (size_t)s * ld);
                }
            else if (grid) grid3_codes(in, in + ld, in + 2 * ld, (int)(steps > 0 ? steps : 11), (int)ld, codes);
            else if (arith) arithmetic_code(in, in + ld, in + 2 * ld, (int)ld, codes);
            else
                for (int l = 0; l < t.L; l++)
                    memcpy(codes + (size_t)l * t.D, in + (l < crossover ? 0 : ld) + (size_t)l * t.D, (size_t)t.D * sizeof(float));
            int side = grid ? (int)(steps > 0 ? steps : 11) : 1;
            for (m = 0; m < count; m++) {
                fprintf(f, "%d,", m);
                char src[2100];
                snprintf(src, sizeof src, "%s", v);
                csv_write_field(f, src);
                double factor = pair ? (double)m / (count - 1) : grid ? (double)(m / side) / (side - 1) : mix ? (double)crossover : 1;
                fprintf(f, ",%s,%.6g,", op, factor);
                if (grid) fprintf(f, "%.6g", (double)(m % side) / (side - 1));
                fputs(",,\n", f);
            }
        }
        free(in);
    }
    if (!rc) rc = npy_write(out, NPY_F32, 3, (int64_t[]){m, t.L, t.D}, codes);
    if (f) { if (atomic_close(&af, rc != 0) && !rc) rc = -1; }
    if (!rc) printf("wrote %d codes [%d x %d] to %s (described in %s)\n", m, t.L, t.D, out, csvp);
    free(codes);
    free(rows);
    free(e.u);
    latent_table_free(&t);
    return rc ? fail("edit") : 0;
}
