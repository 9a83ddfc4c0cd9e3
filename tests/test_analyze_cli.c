/* morphogan analyze end to end (run from the repository root, as tests/run.sh does): every output file with
 * its header and rows, reproducible outputs, W+ and per-layer features, SeFa / GANSpace / orthogonalised
 * directions, analyze edit (reflection flips the signed distance, walks move by class separations, lerp,
 * grid, mixing), analyze nn, and one-line errors for bad tables and options.  Small sizes: seconds. */
#include "analysis/latent_table.h"
#include "cli_harness.h"
#include "core/rng.h"
#include "io/npy.h"
#include "test.h"

enum { N = 240, L = 3, D = 16 };
static char table[320], table3[320], out[320];

/* class = i % 2; class 1 shifted along features 0-2; layers = w + small noise */
static void make_table(const char *path, int three_labels, int rows_in_csv) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", path);
    if (system(cmd)) return;
    Rng r = rng_new(4);
    float *w = malloc(sizeof(float) * N * D), *codes = malloc(sizeof(float) * N * L * D);
    rng_normal(&r, w, (size_t)N * D, 0, 1);
    rng_normal(&r, codes, (size_t)N * L * D, 0, 0.1f);
    static char names[N][24];
    const char *files[N], *labels[N];
    int split[N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 3; j++) w[i * D + j] += (i % 2) * 1.5f;
        for (int l = 0; l < L; l++)
            for (int j = 0; j < D; j++) codes[(i * L + l) * D + j] += w[i * D + j];
        snprintf(names[i], sizeof names[i], "cell_%03d.png", i);
        files[i] = names[i];
        labels[i] = three_labels && i % 7 == 0 ? "other" : i % 2 ? "treated" : "control";
        split[i] = (i / 2) % 5 == 0 ? LT_VAL : LT_TRAIN;
    }
    latent_table_write(path, N, L, D, codes, files, labels, split);
    if (rows_in_csv < N) {                      /* drop the last rows of table.csv */
        snprintf(cmd, sizeof cmd, "head -n %d %s/table.csv > %s/t && mv %s/t %s/table.csv", rows_in_csv + 1, path, path, path, path);
        if (system(cmd)) return;
    }
    free(w);
    free(codes);
}

static int file_lines(const char *name, const char *header) {
    char p[600], line[4096];
    snprintf(p, sizeof p, "%s/%s", out, name);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (!n && header && strncmp(line, header, strlen(header))) { fclose(f); return -2; }
        n++;
    }
    fclose(f);
    return n;
}

/* field `col` (0-based) of data row `row` (0-based) of a CSV in dir */
static double csv_field(const char *path, int row, int col) {
    char line[4096];
    FILE *f = fopen(path, "r");
    double v = NAN;
    for (int r = -1; f && fgets(line, sizeof line, f); r++) {
        if (r != row) continue;
        char *s = line;
        for (int c = 0; c < col && s; c++) { s = strchr(s, ','); if (s) s++; }
        if (s) v = atof(s);
    }
    if (f) fclose(f);
    return v;
}

TEST(full_run_outputs) {
    char args[1200];
    snprintf(args, sizeof args, "analyze --table %s --out %s --classifier svm,logreg,mlp --folds 3 --tsne 2 "
             "--perplexity 10 --tsne-iterations 300 --mlp-epochs 30 --pcs 4 --threads 2", table, out);
    CHECK(run(args) == 0);
    int m;
    CHECK(count_lines("out.txt", "svm    train accuracy", &m) > 0 && m == 1);
    CHECK(count_lines("out.txt", "PCA: explained variance PC1", &m) > 0 && m == 1);
    CHECK(count_lines("out.txt", "trustworthiness(k=10)", &m) > 0 && m == 1);
    CHECK(file_lines("classify.csv", "classifier,fold,accuracy,precision,recall,f1,specificity,auc") == 1 + 3 * 4);
    CHECK(file_lines("confusion_svm.csv", ",control,treated\n") == 3);       /* the report's format: val predictions */
    CHECK(file_lines("confusion_mlp.csv", ",control,treated\n") == 3);
    CHECK(file_lines("fold_confusions.csv", "classifier,fold,true,control,treated") == 1 + 3 * 6);
    CHECK(count_lines("out.txt", "confusion_<classifier>.csv: the val predictions", &m) > 0 && m == 1);
    CHECK(file_lines("pca_spectrum.csv", "component,eigenvalue,explained,cumulative") == 1 + D);
    CHECK(file_lines("pca_coords.csv", "file,label,pc1,pc2,pc3,pc4\n") == 1 + N);
    CHECK(file_lines("pca_projection.csv", "file,label,pc1,pc2,pc3,pc4\n") == 1 + N);
    CHECK(file_lines("tsne.csv", "file,label,x,y\n") == 1 + N);
    CHECK(file_lines("distances.csv", "file,label,split,predicted,distance") == 1 + N);
    CHECK(file_lines("distance_hist.csv", "bin_lo,bin_hi,true_control,true_treated,pred_control,pred_treated") == 31);
    CHECK(file_lines("directions.csv", "name,norm,class_separation,separation_sd,bias,cos_svm,features,file") == 1 + 6);
    char p[600];
    snprintf(p, sizeof p, "%s/confusion_svm.csv", out);
    double cells = csv_field(p, 0, 1) + csv_field(p, 0, 2) + csv_field(p, 1, 1) + csv_field(p, 1, 2);
    CHECK(cells == N / 5);                               /* the 48 val rows */
    snprintf(p, sizeof p, "%s/classify.csv", out);
    double val_acc = csv_field(p, 1, 2);                 /* svm, val */
    CHECK_MSG(val_acc > 0.85, "svm val accuracy %.3f", val_acc);
    snprintf(p, sizeof p, "%s/direction_svm.npy", out);
    NpyArray a;
    CHECK(npy_read(p, NPY_F64, &a) == 0 && a.ndim == 1 && a.shape[0] == D);
    double s = 0;
    for (int j = 0; j < D; j++) s += ((double *)a.data)[j] * ((double *)a.data)[j];
    CHECK_NEAR(s, 1, 1e-6);
    CHECK(((double *)a.data)[0] > 0.3);                  /* towards the shifted features */
    npy_free(&a);
    /* the same command again: the same files */
    char again[400], cmd[1600];
    snprintf(again, sizeof again, "%s_again", out);
    snprintf(args, sizeof args, "analyze --table %s --out %s --classifier svm,logreg,mlp --folds 3 --tsne 2 "
             "--perplexity 10 --tsne-iterations 300 --mlp-epochs 30 --pcs 4 --threads 2", table, again);
    CHECK(run(args) == 0);
    const char *files[] = {"classify.csv", "tsne.csv", "distances.csv", "directions.csv", "pca_coords.csv", "direction_svm.npy",
                           "confusion_mlp.csv"};
    for (int k = 0; k < 7; k++) {
        snprintf(cmd, sizeof cmd, "cmp -s %s/%s %s/%s", out, files[k], again, files[k]);
        CHECK_MSG(system(cmd) == 0, "%s differs between two identical runs", files[k]);
    }
}

TEST(wplus_layer_sefa_ganspace_orthogonal) {
    char args[1600], p[600];
    /* SeFa weights [2 layers, 5 rows, D], GANSpace samples [50, L, D] */
    float A[2 * 5 * D], W[50 * L * D];
    Rng r = rng_new(8);
    rng_normal(&r, A, sizeof A / sizeof A[0], 0, 1);
    rng_normal(&r, W, sizeof W / sizeof W[0], 0, 1);
    snprintf(p, sizeof p, "%s/A.npy", dir);
    CHECK(npy_write(p, NPY_F32, 3, (int64_t[]){2, 5, D}, A) == 0);
    snprintf(p, sizeof p, "%s/W.npy", dir);
    CHECK(npy_write(p, NPY_F32, 3, (int64_t[]){50, L, D}, W) == 0);
    snprintf(args, sizeof args, "analyze --table %s --out %s/wp --features wplus --classifier svm --folds 0 --tsne 0 "
             "--sefa %s/A.npy --sefa-k 3 --ganspace %s/W.npy --ganspace-k 2 --orthogonal-to mean_diff", table, dir, dir, dir);
    CHECK(run(args) == 0);
    snprintf(p, sizeof p, "%s/wp/direction_sefa3.npy", dir);
    NpyArray a, b;
    CHECK(npy_read(p, NPY_F64, &a) == 0 && a.ndim == 2 && a.shape[0] == L && a.shape[1] == D);
    npy_free(&a);
    snprintf(p, sizeof p, "%s/wp/direction_ganspace2.npy", dir);
    CHECK(npy_read(p, NPY_F64, &a) == 0 && a.numel == L * D);
    npy_free(&a);
    /* svm_orth is orthogonal to mean_diff */
    snprintf(p, sizeof p, "%s/wp/direction_svm_orth.npy", dir);
    CHECK(npy_read(p, NPY_F64, &a) == 0);
    snprintf(p, sizeof p, "%s/wp/direction_mean_diff.npy", dir);
    CHECK(npy_read(p, NPY_F64, &b) == 0 && a.numel == b.numel && a.numel == L * D);
    double dot = 0;
    for (size_t j = 0; j < a.numel && a.numel == b.numel; j++) dot += ((double *)a.data)[j] * ((double *)b.data)[j];
    CHECK_NEAR(dot, 0, 1e-6);
    npy_free(&a);
    npy_free(&b);
    int m;
    CHECK(count_lines("out.txt", "SeFa: 3 directions from 10 weight rows", &m) > 0 && m == 1);
    snprintf(args, sizeof args, "analyze --table %s --out %s/l2 --features layer:2 --classifier logreg --folds 2 --tsne 2 "
             "--tsne-pca 8 --perplexity 10 --tsne-iterations 250", table, dir);
    CHECK(run(args) == 0);
    CHECK(count_lines("out.txt", "features layer:2 (16)", &m) > 0 && m == 1);
    CHECK(count_lines("out.txt", "input 8 dims = principal components", &m) > 0 && m == 1);
}

TEST(edit_and_nn) {
    char args[1600], p[600];
    snprintf(args, sizeof args, "analyze edit --table %s --analysis %s --direction svm --reflect --rows 0,cell_003.png,val "
             "--out %s/refl.npy", table, out, dir);
    CHECK(run(args) == 0);
    snprintf(p, sizeof p, "%s/refl.csv", dir);
    int rows = 0;
    for (int r = 0; r < 60; r++) {
        double before = csv_field(p, r, 5), after = csv_field(p, r, 6);
        if (isnan(before)) break;
        CHECK_NEAR(after, -before, 1e-4);
        rows++;
    }
    CHECK(rows == 2 + N / 5);                            /* 0, cell_003 and the 48 val rows */
    snprintf(p, sizeof p, "%s/refl.npy", dir);
    NpyArray a;
    CHECK(npy_read(p, NPY_F32, &a) == 0 && a.ndim == 3 && a.shape[0] == rows && a.shape[1] == L && a.shape[2] == D);
    npy_free(&a);
    /* walks: the signed distance moves by k class separations */
    snprintf(args, sizeof args, "analyze edit --table %s --analysis %s --direction svm --walk -1,0,2.5 --rows 5 --out %s/walk.npy",
             table, out, dir);
    CHECK(run(args) == 0);
    char dp[600];
    snprintf(dp, sizeof dp, "%s/directions.csv", out);
    double sep = csv_field(dp, 0, 2);
    snprintf(p, sizeof p, "%s/walk.csv", dir);
    for (int r = 0; r < 3; r++) {
        double k = csv_field(p, r, 3), before = csv_field(p, r, 5), after = csv_field(p, r, 6);
        CHECK_NEAR(after - before, k * sep, 1e-4);
    }
    snprintf(args, sizeof args, "analyze edit --table %s --lerp 0,1 --steps 5 --out %s/lerp.npy", table, dir);
    CHECK(run(args) == 0);
    snprintf(p, sizeof p, "%s/lerp.npy", dir);
    CHECK(npy_read(p, NPY_F32, &a) == 0 && a.shape[0] == 5);
    npy_free(&a);
    snprintf(args, sizeof args, "analyze edit --table %s --grid 0,1,%s/lerp.npy --steps 4 --out %s/grid.npy", table, dir, dir);
    CHECK(run(args) != 0 && one_line_error_with("shape [5,3,16] is not one code"));
    snprintf(args, sizeof args, "analyze edit --table %s --grid 0,1,2 --steps 4 --out %s/grid.npy", table, dir);
    CHECK(run(args) == 0);
    snprintf(p, sizeof p, "%s/grid.npy", dir);
    CHECK(npy_read(p, NPY_F32, &a) == 0 && a.shape[0] == 16);
    npy_free(&a);
    snprintf(args, sizeof args, "analyze edit --table %s --mix 0,1 --crossover 1 --out %s/mix.npy", table, dir);
    CHECK(run(args) == 0);
    snprintf(p, sizeof p, "%s/mix.npy", dir);
    LatentTable t;
    CHECK(latent_table_read(table, &t) == 0);
    CHECK(npy_read(p, NPY_F32, &a) == 0 && a.numel == L * D);
    if (a.numel == L * D) {
        CHECK(!memcmp(a.data, t.codes, D * sizeof(float)));                                   /* layer 0 from code 0 */
        CHECK(!memcmp((float *)a.data + D, t.codes + L * D + D, (L - 1) * D * sizeof(float))); /* the rest from code 1 */
    }
    npy_free(&a);
    latent_table_free(&t);
    snprintf(args, sizeof args, "analyze nn --table %s --query cell_010.png --top 4 --out %s/nn.csv", table, dir);
    CHECK(run(args) == 0);
    int m;
    CHECK(count_lines("nn.csv", NULL, &m) == 5);
    CHECK(count_lines("out.txt", "cell_010.png,", &m) >= 0 && m == 0);   /* the query itself is not listed */
    CHECK(count_lines("out.txt", "\n", &m) == 6);
}

TEST(one_line_errors) {
    char args[1600];
    struct { const char *args, *msg; } cases[] = {
        {"analyze --out X", "--table and --out are required"},
        {"analyze --table /nonexistent_mg --out X", "/nonexistent_mg/codes.npy: cannot open"},
        {"analyze --table T3 --out X", "the table has 3 (control, other, treated); choose two with --classes"},
        {"analyze --table T --out X --classes control,nothing", "label 'nothing' does not occur"},
        {"analyze --table T --out X --features layer:7", "layer:7: the codes have 3 layers"},
        {"analyze --table T --out X --classifier svm,forest", "'forest' is not svm, logreg or mlp"},
        {"analyze --table T --out X --perplexity 100 --classifier svm --folds 0", "perplexity 100 needs more than 301 codes"},
        {"analyze --table T --out X --tsne 1", "--tsne needs 0 (none), 2 or 3"},
        {"analyze --table T --out X --sefa T/table.csv", "not a .npy file"},
        {"analyze edit --table T --reflect --out X.npy", "need --analysis DIR and --direction NAME"},
        {"analyze edit --table T --analysis OUT --direction nothing --reflect --out X.npy", "no direction named 'nothing'"},
        {"analyze edit --table T --lerp 0,999 --out X.npy", "'999' is neither a file of the table"},
        {"analyze nn --table T --query nothing.png", "'nothing.png' is neither a file"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char a[800];
        snprintf(a, sizeof a, "%s", cases[k].args);
        /* substitute the table folders */
        char *s;
        while ((s = strstr(a, " X"))) { char rest[800]; snprintf(rest, sizeof rest, "%s", s + 2); snprintf(s + 1, sizeof a - (s + 1 - a), "%s/x%s", dir, rest); }
        while ((s = strstr(a, "OUT"))) { char rest[800]; snprintf(rest, sizeof rest, "%s", s + 3); snprintf(s, sizeof a - (s - a), "%s%s", out, rest); }
        while ((s = strstr(a, "T3 "))) { char rest[800]; snprintf(rest, sizeof rest, "%s", s + 2); snprintf(s, sizeof a - (s - a), "%s%s", table3, rest); }
        while ((s = strstr(a, " T ")) || (s = strstr(a, " T/"))) { char rest[800]; snprintf(rest, sizeof rest, "%s", s + 2); snprintf(s + 1, sizeof a - (s + 1 - a), "%s%s", table, rest); }
        snprintf(args, sizeof args, "%s", a);
        int rc = run(args);
        CHECK_MSG(rc != 0 && one_line_error_with(cases[k].msg), "case %zu (%s): exit %d", k, args, rc);
    }
    /* a table whose CSV lost rows */
    char bad[400];
    snprintf(bad, sizeof bad, "%s/short", dir);
    make_table(bad, 0, N - 3);
    snprintf(args, sizeof args, "analyze --table %s --out %s/x", bad, dir);
    CHECK(run(args) != 0 && one_line_error_with("table.csv: 237 rows but"));
}

int main(void) {
    if (cli_begin("analyze")) return 1;
    snprintf(table, sizeof table, "%s/table", dir);
    snprintf(table3, sizeof table3, "%s/table3", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    make_table(table, 0, N);
    make_table(table3, 1, N);
    RUN(full_run_outputs);
    RUN(wplus_layer_sefa_ganspace_orthogonal);
    RUN(edit_and_nn);
    RUN(one_line_errors);
    cli_end();
    return test_summary();
}
