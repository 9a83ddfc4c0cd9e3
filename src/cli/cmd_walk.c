/* morphogan walk: images along a latent direction of a StyleGAN2 model, measured by morpho, and the
 * change of each measure per unit of walk (analysis/walk_effect.h) beside the synthetic truth. */
#include "analysis/walk_effect.h"
#include "cli/commands.h"
#include "core/error.h"
#include "io/csv.h"
#include "io/image.h"
#include "io/npy.h"
#include "morpho/measure.h"
#include "train/model_build.h"
#include "train/model_stylegan2.h"
#include "train/samples.h"
#include "train/sg2_sample.h"
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAXF 64
#define NMEAS 5
static const char *const meas_name[NMEAS] = {"length", "width", "area", "elongation", "bending"};
static const char *const truth_col[NMEAS] = {"length_px", "width_px", "area_px", NULL, "bending"};
static const int meas_relative[NMEAS] = {1, 1, 1, 1, 0};

typedef struct {
    const char *ckpt, *table, *direction, *outdir, *truth, *groups, *seeds, *effect;
    double factors[MAXF], separation;
    int nf, nbases, strips, no_ema;
} WalkOpts;

static void usage(void) {
    printf("usage: morphogan walk --ckpt FILE --direction U.npy --outdir DIR (--table DIR | --seeds 0-199 --separation S)\n"
           "                      [--groups control,treated] [--factors -1,-0.5,0,0.5,1] [--bases 200] [--strips 8]\n"
           "                      [--truth truth.csv] [--no-ema]\n"
           "Walks codes x + k s u along the unit direction u (U.npy, [D] or [L,D]) of a StyleGAN2 model, renders and\n"
           "measures every image (morpho), and prints each measure's change per unit of walk with a 95%% CI.\n"
           "  --table DIR    a latent table (DIR/codes.npy [N,L,D] + DIR/table.csv file,label,split): s = the class\n"
           "                 separation (mean of group B - mean of group A) along u, so k = 1 moves one class separation\n"
           "                 from A towards B; the walks start at group A's codes (validation split when there is one)\n"
           "  --seeds LIST   start from sampled codes instead (then give --separation S, the step of k = 1)\n"
           "  --truth FILE   truth.csv of morphogan synth: the true effect (B vs A) is printed beside the measured one\n"
           "Writes DIR/effect.csv (or --effect FILE: measure,unit,per_unit,ci_low,ci_high,true_effect), DIR/walks.csv and\n"
           "DIR/walk_NNN.png strips.\n");
}

static int parse_list(const char *v, double *out, int max) {
    int n = 0;
    for (const char *p = v; *p && n < max;) {
        char *end;
        errno = 0;
        out[n] = strtod(p, &end);
        if (end == p || errno || !isfinite(out[n])) return -1;
        n++;
        p = end;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return n;
}

static int parse(int argc, char **argv, WalkOpts *o) {
    *o = (WalkOpts){.groups = "control,treated", .nbases = 200, .strips = 8, .separation = NAN};
    o->nf = parse_list("-1,-0.5,0,0.5,1", o->factors, MAXF);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 1; }
        if (!strcmp(a, "--no-ema")) { o->no_ema = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan walk: %s needs a value; see morphogan walk --help\n", a); return 2; }
        i++;
        if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--table")) o->table = v;
        else if (!strcmp(a, "--direction")) o->direction = v;
        else if (!strcmp(a, "--outdir") || !strcmp(a, "-o")) o->outdir = v;
        else if (!strcmp(a, "--truth")) o->truth = v;
        else if (!strcmp(a, "--effect")) o->effect = v;
        else if (!strcmp(a, "--groups")) o->groups = v;
        else if (!strcmp(a, "--seeds")) o->seeds = v;
        else if (!strcmp(a, "--factors")) {
            if ((o->nf = parse_list(v, o->factors, MAXF)) < 2) { fprintf(stderr, "morphogan walk: --factors takes 2 to %d numbers, e.g. --factors -10,0,10\n", MAXF); return 2; }
        } else if (!strcmp(a, "--separation")) {
            char *end;
            o->separation = strtod(v, &end);
            if (*end || !(o->separation > 0)) { fprintf(stderr, "morphogan walk: --separation needs a positive number, e.g. --separation 1.5\n"); return 2; }
        } else if (!strcmp(a, "--bases") || !strcmp(a, "--strips")) {
            char *end;
            long x = strtol(v, &end, 10);
            if (*end || x < (strcmp(a, "--bases") ? 0 : 2) || x > 100000) { fprintf(stderr, "morphogan walk: %s needs a whole number, e.g. %s 100\n", a, a); return 2; }
            if (!strcmp(a, "--bases")) o->nbases = (int)x; else o->strips = (int)x;
        } else { fprintf(stderr, "morphogan walk: unknown option '%s'; see morphogan walk --help\n", a); return 2; }
    }
    if (!o->ckpt || !o->direction || !o->outdir) { fprintf(stderr, "morphogan walk: give --ckpt, --direction and --outdir; see morphogan walk --help\n"); return 2; }
    if (!o->table == !o->seeds) { fprintf(stderr, "morphogan walk: give either --table DIR or --seeds LIST\n"); return 2; }
    if (o->seeds && isnan(o->separation)) { fprintf(stderr, "morphogan walk: with --seeds, give --separation S (the length of one unit of walk)\n"); return 2; }
    return 0;
}

/* group names "A,B" */
static int two_groups(const char *v, char *a, char *b, size_t cap) {
    const char *c = strchr(v, ',');
    if (!c || c == v || !c[1] || strchr(c + 1, ',') || (size_t)(c - v) >= cap || strlen(c + 1) >= cap) return -1;
    memcpy(a, v, c - v);
    a[c - v] = 0;
    strcpy(b, c + 1);
    return 0;
}

/* mean of a truth column per group; -1 when absent */
static int truth_means(const CsvTable *t, const char *col, const char *ga, const char *gb, double *ma, double *mb) {
    int c = csv_column(t, col), g = csv_column(t, "group");
    if (c < 0 || g < 0) return -1;
    double s[2] = {0}, n[2] = {0};
    for (int r = 0; r < t->n_rows; r++) {
        int k = !strcmp(t->rows[r][g], ga) ? 0 : !strcmp(t->rows[r][g], gb) ? 1 : -1;
        char *end;
        double x = strtod(t->rows[r][c], &end);
        if (k < 0 || *end || end == t->rows[r][c]) continue;
        s[k] += x;
        n[k]++;
    }
    if (!n[0] || !n[1]) return -1;
    *ma = s[0] / n[0];
    *mb = s[1] / n[1];
    return 0;
}

int cmd_walk(int argc, char **argv) {
    WalkOpts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc == 1 ? 0 : rc;
    char ga[128], gb[128];
    if (two_groups(o.groups, ga, gb, sizeof ga)) { fprintf(stderr, "morphogan walk: --groups takes two names, e.g. --groups control,treated\n"); return 2; }
    TrainConfig c;
    GanModel m;
    Ema ema;
    if (train_load_model(o.ckpt, &c, &m, &ema)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return 1; }
    rc = 1;
    NpyArray u = {0}, codes = {0};
    CsvTable tab = {0}, truth = {0};
    float *ud = NULL, *base = NULL;
    double *vals = NULL;
    Sg2 *g = gan_stylegan2_net(&m);
    if (!g) { mg_error_set("%s: not a StyleGAN2 checkpoint (train --cfg stylegan2)", o.ckpt); goto fail; }
    if (ema.shadow && !o.no_ema) memcpy(m.g_ps->values, ema.shadow, m.g_ps->total * sizeof(float));
    const int L = g->num_ws, D = g->s.w_dim;
    /* the direction as a unit vector over [L,D] */
    if (npy_read(o.direction, NPY_F32, &u)) goto fail;
    const int uL = u.ndim == 1 ? 1 : (int)u.shape[0];
    if (!((u.ndim == 1 && u.shape[0] == D) || (u.ndim == 2 && u.shape[1] == D && (u.shape[0] == 1 || u.shape[0] == L)))) {
        mg_error_set("%s: a direction of shape %s; the model needs [%d], [1,%d] or [%d,%d]", o.direction, npy_shape_str(&u), D, D, L, D);
        goto fail;
    }
    /* one vector [D]: the same unit u in every style slot, and a code's position along it is the mean of
     * its slots' projections (= w.u for W codes); [L,D]: a unit vector of W+ */
    ud = mg_xmalloc(sizeof(float) * L * D);
    double norm = 0;
    for (int l = 0; l < L; l++)
        for (int d = 0; d < D; d++) norm += pow(ud[l * D + d] = ((float *)u.data)[(uL == 1 ? 0 : l) * D + d], 2);
    if (uL == 1) norm /= L;
    if (!(norm > 0)) { mg_error_set("%s: the direction is zero", o.direction); goto fail; }
    for (int k = 0; k < L * D; k++) ud[k] = (float)(ud[k] / sqrt(norm));
    const double proj_scale = uL == 1 ? 1.0 / L : 1.0;
    /* starting codes and the length of one unit */
    int nb = 0;
    base = mg_xmalloc(sizeof(float) * (size_t)o.nbases * L * D);
    if (o.table) {
        char p[4200];
        snprintf(p, sizeof p, "%s/codes.npy", o.table);
        if (npy_read(p, NPY_F32, &codes)) goto fail;
        snprintf(p, sizeof p, "%s/table.csv", o.table);
        if (csv_read(p, &tab)) goto fail;
        const int cL = codes.ndim == 3 ? (int)codes.shape[1] : 1;
        if (!((codes.ndim == 3 && codes.shape[2] == D && (cL == 1 || cL == L)) || (codes.ndim == 2 && codes.shape[1] == D))) {
            mg_error_set("%s/codes.npy: codes of shape %s; the model needs [N,%d,%d] or [N,1,%d]", o.table, npy_shape_str(&codes), L, D, D);
            goto fail;
        }
        const int lab = csv_column(&tab, "label"), spl = csv_column(&tab, "split");
        if (lab < 0 || tab.n_rows != codes.shape[0]) {
            mg_error_set("%s/table.csv: needs a label column and one row per code (%d rows, %lld codes)", o.table, tab.n_rows, (long long)codes.shape[0]);
            goto fail;
        }
        double proj[2] = {0}, cnt[2] = {0};
        int have_val = 0;
        for (int r = 0; r < tab.n_rows; r++) {
            const char *lb = tab.rows[r][lab];
            int k = !strcmp(lb, ga) ? 0 : !strcmp(lb, gb) ? 1 : -1;
            if (k < 0) continue;
            const float *x = (const float *)codes.data + (size_t)r * cL * D;
            double s = 0;
            for (int l = 0; l < L; l++)
                for (int d = 0; d < D; d++) s += (double)x[(cL == 1 ? 0 : l) * D + d] * ud[l * D + d];
            proj[k] += s * proj_scale;
            cnt[k]++;
            if (k == 0 && spl >= 0 && !strcmp(tab.rows[r][spl], "val")) have_val = 1;
        }
        if (!cnt[0] || !cnt[1]) { mg_error_set("%s/table.csv: no codes labelled %s or %s (see --groups)", o.table, ga, gb); goto fail; }
        o.separation = proj[1] / cnt[1] - proj[0] / cnt[0];
        if (o.separation < 0) {                  /* point u from A to B */
            for (int k = 0; k < L * D; k++) ud[k] = -ud[k];
            o.separation = -o.separation;
        }
        for (int r = 0; r < tab.n_rows && nb < o.nbases; r++) {
            if (strcmp(tab.rows[r][lab], ga) || (have_val && strcmp(tab.rows[r][spl], "val"))) continue;
            const float *x = (const float *)codes.data + (size_t)r * cL * D;
            for (int l = 0; l < L; l++) memcpy(base + ((size_t)nb * L + l) * D, x + (cL == 1 ? 0 : l) * D, sizeof(float) * D);
            nb++;
        }
        printf("direction %s: class separation %.4f along it (%s -> %s); %d walks from %s codes%s\n", o.direction, o.separation,
               ga, gb, nb, ga, have_val ? " of the validation split" : "");
    } else {
        long *seeds = mg_xmalloc(sizeof(long) * o.nbases);
        int n = 0;
        for (const char *p = o.seeds; *p && n < o.nbases;) {
            char *end;
            long a = strtol(p, &end, 10), b = a;
            if (end == p || a < 0) break;
            if (*end == '-') b = strtol(end + 1, &end, 10);
            for (long s = a; s <= b && n < o.nbases; s++) seeds[n++] = s;
            p = *end == ',' ? end + 1 : end;
            if (*end && *end != ',') break;
        }
        if (n < 2) { free(seeds); mg_error_set("--seeds %s: give at least 2 seeds, e.g. --seeds 0-199", o.seeds); goto fail; }
        mg_step_reset();
        Tensor *z, *w;
        sg2_codes_for_seeds(g, seeds, n, 1.0f, -1, &z, &w);
        free(seeds);
        for (int i = 0; i < n; i++)
            for (int l = 0; l < L; l++) memcpy(base + ((size_t)i * L + l) * D, w->data + (size_t)i * D, sizeof(float) * D);
        nb = n;
    }
    if (nb < 2) { mg_error_set("fewer than 2 starting codes"); goto fail; }
    if (mkdir(o.outdir, 0777) && errno != EEXIST) { mg_error_set("%s: cannot create: %s", o.outdir, strerror(errno)); goto fail; }
    /* render and measure, walk by walk */
    vals = mg_xmalloc(sizeof(double) * NMEAS * nb * o.nf);
    char path[4400];
    snprintf(path, sizeof path, "%s/walks.csv", o.outdir);
    FILE *wc = fopen(path, "w");
    if (!wc) { mg_error_set("%s: cannot write", path); goto fail; }
    fprintf(wc, "file,direction,factors\n");
    int measured = 0;
    for (int b = 0; b < nb; b++) {
        mg_step_reset();
        Tensor *ws = tensor_new(TSHAPE(o.nf, L, D));
        for (int j = 0; j < o.nf; j++)
            for (int k = 0; k < L * D; k++)
                ws->data[(size_t)j * L * D + k] = base[(size_t)b * L * D + k] + (float)(o.factors[j] * o.separation) * ud[k];
        Tensor *img = sg2_render(g, ws);                                        /* [nf,C,R,R] */
#pragma omp parallel for schedule(dynamic, 1)
        for (int j = 0; j < o.nf; j++) {
            Image im = {0};
            MorphoWork wk;
            Measures ms = {0};
            morpho_work_init(&wk);
            int ok = !samples_image(img, j, &im) && morpho_measure_image(&im, &wk, 10, &ms) == 0 && ms.flag == SEG_OK;
            const double v[NMEAS] = {ms.length, ms.width, ms.area, ms.elongation, ms.bending};
            for (int q = 0; q < NMEAS; q++) vals[((size_t)q * nb + b) * o.nf + j] = ok ? v[q] : NAN;
            image_free(&im);
            morpho_work_free(&wk);
        }
        for (int j = 0; j < o.nf; j++) measured += !isnan(vals[(size_t)b * o.nf + j]);
        if (b < o.strips) {
            snprintf(path, sizeof path, "%s/walk_%03d.png", o.outdir, b);
            if (samples_write_grid(path, img, o.nf)) { fclose(wc); goto fail; }
            fprintf(wc, "walk_%03d.png,", b);
            csv_write_field(wc, o.direction);
            fputc(',', wc);
            char fl[1024] = "";
            for (int j = 0; j < o.nf; j++) snprintf(fl + strlen(fl), sizeof fl - strlen(fl), "%s%g", j ? " " : "", o.factors[j]);
            csv_write_field(wc, fl);
            fputc('\n', wc);
        }
    }
    if (fclose(wc)) { mg_error_set("%s/walks.csv: cannot write", o.outdir); goto fail; }
    printf("%d walks x %d factors rendered; %d of %d images measured (the others failed segmentation)\n", nb, o.nf, measured,
           nb * o.nf);
    if (o.truth && csv_read(o.truth, &truth)) goto fail;
    char final[4300];
    if (o.effect) snprintf(final, sizeof final, "%s", o.effect);
    else snprintf(final, sizeof final, "%s/effect.csv", o.outdir);
    snprintf(path, sizeof path, "%s.tmp", final);
    FILE *ef = fopen(path, "w");
    if (!ef) { mg_error_set("%s: cannot write", path); goto fail; }
    fprintf(ef, "measure,unit,per_unit,ci_low,ci_high,true_effect\n");
    printf("change per unit of walk (1 unit = one class separation, %s -> %s), 95%% CI over walks:\n", ga, gb);
    for (int q = 0; q < NMEAS; q++) {
        WalkEffect e;
        const int rel = meas_relative[q];
        const double sc = rel ? 100.0 : 1.0;
        const char *unit = rel ? "% per unit" : "rad per unit";
        int ok = walk_effect(o.factors, o.nf, vals + (size_t)q * nb * o.nf, nb, rel, &e) == 0;
        double ta, tb, te = NAN;
        if (truth.n_rows && truth_col[q] && !truth_means(&truth, truth_col[q], ga, gb, &ta, &tb)) te = rel ? 100 * (tb - ta) / ta : tb - ta;
        if (!ok) { printf("  %-10s  (fewer than 2 measured walks: no row in effect.csv)\n", meas_name[q]); continue; }
        fprintf(ef, "%s,%s,%.6g,%.6g,%.6g,", meas_name[q], unit, sc * e.per_unit, sc * e.ci_lo, sc * e.ci_hi);
        if (!isnan(te)) fprintf(ef, "%.6g", te);
        fputc('\n', ef);
        printf("  %-10s %+9.3f%s  [%+.3f, %+.3f]  (%d walks)", meas_name[q], sc * e.per_unit, rel ? " %" : " rad", sc * e.ci_lo,
               sc * e.ci_hi, e.n_walks);
        if (!isnan(te)) printf("   true effect %+.3f%s", te, rel ? " %" : " rad");
        printf("\n");
    }
    if (fclose(ef) || rename(path, final)) { mg_error_set("%s: cannot write", final); goto fail; }
    printf("-> %s, %s/walks.csv, %s/walk_*.png\n", final, o.outdir, o.outdir);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "morphogan: %s\n", mg_error_get());
out:
    free(ud);
    free(base);
    free(vals);
    npy_free(&u);
    npy_free(&codes);
    csv_free(&tab);
    csv_free(&truth);
    if (ema.shadow) ema_free(&ema);
    gan_model_free(&m);
    return rc;
}
