/* Latent-space analysis, the basics: binary metrics and ROC AUC against hand-computed values (ties
 * included), stratified folds, standardisation and its map back to the original space, the latent table
 * reader (round trip, every validation error as one line naming the file), feature extraction. */
#include "analysis/binary_metrics.h"
#include "analysis/evaluate.h"
#include "analysis/features.h"
#include "analysis/latent_table.h"
#include "core/error.h"
#include "io/npy.h"
#include "scratch_dir.h"
#include "test.h"
#include <string.h>
#include <unistd.h>


static int msg_has(const char *s) { return strstr(mg_error_get(), s) && !strchr(mg_error_get(), '\n'); }

TEST(metrics_hand_computed) {
    /* pred = score > 0: tp = 3 (0,1,7), fn = 1 (2), fp = 2 (4,6), tn = 2 (3,5) */
    int y[8] = {1, 1, 1, 0, 0, 0, 0, 1};
    double s[8] = {2, 0.5, -1, -0.5, 1, -2, 0.5, 0.5};
    BinaryMetrics m;
    binary_metrics(y, s, 8, &m);
    CHECK(m.tp == 3 && m.fn == 1 && m.fp == 2 && m.tn == 2);
    CHECK_NEAR(m.accuracy, 5.0 / 8, 1e-12);
    CHECK_NEAR(m.precision, 3.0 / 5, 1e-12);
    CHECK_NEAR(m.recall, 3.0 / 4, 1e-12);
    CHECK_NEAR(m.specificity, 2.0 / 4, 1e-12);
    CHECK_NEAR(m.f1, 2 * 0.6 * 0.75 / 1.35, 1e-12);
    /* AUC by pairs: p=2 beats 4; p=0.5 beats -0.5,-2 and ties 0.5 (2.5), twice; p=-1 beats -2: 10 / 16 */
    CHECK_NEAR(m.auc, 10.0 / 16, 1e-12);
    /* all scores tied: 0.5; perfect and reversed rankings: 1 and 0; one class only: NAN */
    double same[4] = {1, 1, 1, 1}, up[4] = {-2, -1, 1, 2};
    int yy[4] = {0, 0, 1, 1}, one[4] = {1, 1, 1, 1};
    CHECK_NEAR(roc_auc(yy, same, 4), 0.5, 1e-12);
    CHECK_NEAR(roc_auc(yy, up, 4), 1.0, 1e-12);
    int rev[4] = {1, 1, 0, 0};
    CHECK_NEAR(roc_auc(rev, up, 4), 0.0, 1e-12);
    CHECK(isnan(roc_auc(one, up, 4)));
    /* nothing predicted positive: precision 0 (zero_division = 0), f1 0 */
    double neg[4] = {-1, -1, -1, -1};
    binary_metrics(yy, neg, 4, &m);
    CHECK(m.precision == 0 && m.recall == 0 && m.f1 == 0 && m.specificity == 1 && m.accuracy == 0.5);
}

TEST(stratified_folds_balance) {
    int y[23], fold[23];
    for (int i = 0; i < 23; i++) y[i] = i < 13;          /* 13 of class 1, 10 of class 0 */
    CHECK(stratified_folds(y, 23, 5, 7, fold) == 0);
    for (int k = 0; k < 5; k++) {
        int c0 = 0, c1 = 0;
        for (int i = 0; i < 23; i++) if (fold[i] == k) { c0 += !y[i]; c1 += y[i]; }
        CHECK(c0 == 2);                                  /* 10 / 5 */
        CHECK(c1 == 2 || c1 == 3);                       /* 13 / 5 */
    }
    int f2[23];
    CHECK(stratified_folds(y, 23, 5, 7, f2) == 0 && !memcmp(fold, f2, sizeof fold));   /* seeded */
    CHECK(stratified_folds(y, 23, 5, 8, f2) == 0 && memcmp(fold, f2, sizeof fold));
    CHECK(stratified_folds(y, 23, 11, 7, f2) == -1 && msg_has("fewer than the 11 folds"));
}

TEST(standardizer_and_unmap) {
    float x[4 * 3] = {1, 2, 10, 3, 2, 20, 5, 2, 30, 100, 100, 100};   /* column 1 constant on rows 0-2 */
    int rows[3] = {0, 1, 2};
    Standardizer s;
    standardizer_fit(&s, x, 3, rows, 3);
    CHECK_NEAR(s.mean[0], 3, 1e-12);
    CHECK_NEAR(s.scale[0], sqrt(8.0 / 3), 1e-12);        /* population std */
    CHECK(s.scale[1] == 1.0);                            /* constant: 1 */
    CHECK_NEAR(s.scale[2], sqrt(200.0 / 3), 1e-12);
    double z[3];
    standardizer_apply(&s, x, (int[]){3}, 1, z);
    CHECK_NEAR(z[0], 97 / sqrt(8.0 / 3), 1e-9);
    CHECK_NEAR(z[1], 98, 1e-12);
    /* a function on standardised features equals the unmapped one on the originals */
    double ws[3] = {1, 2, -0.5}, bs = 0.25, w[3], b;
    standardizer_unmap(&s, ws, bs, w, &b);
    CHECK_NEAR(w[0], 1 / sqrt(8.0 / 3), 1e-12);
    CHECK_NEAR(b, 0.25 - (3 / sqrt(8.0 / 3) + 2 * 2 - 0.5 * 20 / sqrt(200.0 / 3)), 1e-12);
    for (int r = 0; r < 4; r++) {
        double fz = bs, fx = b;
        standardizer_apply(&s, x, &r, 1, z);
        for (int j = 0; j < 3; j++) { fz += ws[j] * z[j]; fx += w[j] * x[r * 3 + j]; }
        CHECK_NEAR(fx, fz, 1e-9);
    }
    standardizer_free(&s);
}


static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

TEST(latent_table_round_trip_and_features) {
    float codes[3 * 2 * 4];
    for (int i = 0; i < 24; i++) codes[i] = (float)i;
    const char *files[3] = {"a.png", "b,c.png", "d.png"}, *labels[3] = {"treated", "control", "treated"};
    int split[3] = {LT_TRAIN, LT_VAL, LT_TRAIN};
    CHECK(latent_table_write(tmpdir, 3, 2, 4, codes, files, labels, split) == 0);
    LatentTable t;
    CHECK_MSG(latent_table_read(tmpdir, &t) == 0, "%s", mg_error_get());
    CHECK(t.n == 3 && t.L == 2 && t.D == 4 && !memcmp(t.codes, codes, sizeof codes));
    CHECK(!strcmp(t.file[1], "b,c.png") && t.split[1] == LT_VAL);
    CHECK(t.n_classes == 2 && !strcmp(t.classes[0], "control") && t.y[0] == 1 && t.y[1] == 0);
    CHECK(latent_table_find(&t, "d.png") == 2 && latent_table_find(&t, "1") == 1 && latent_table_find(&t, "3") == -1);
    CHECK(latent_table_count(&t, LT_TRAIN, 1) == 2 && latent_table_count(&t, -1, 0) == 1);
    float *x;
    int d;
    FeatureSpec f;
    CHECK(feature_spec_parse("w", &f) == 0 && features_extract(&t, f, &x, &d) == 0 && d == 4);
    CHECK(x[4] == 8 && x[7] == 11);                      /* row 1, layer 0 */
    free(x);
    CHECK(feature_spec_parse("layer:1", &f) == 0 && features_extract(&t, f, &x, &d) == 0 && d == 4 && x[0] == 4);
    free(x);
    CHECK(feature_spec_parse("wplus", &f) == 0 && features_extract(&t, f, &x, &d) == 0 && d == 8 && x[8] == 8);
    free(x);
    CHECK(feature_spec_parse("layer:2", &f) == 0 && features_extract(&t, f, &x, &d) == -1 && msg_has("2 layers"));
    CHECK(feature_spec_parse("layer:x", &f) == -1 && feature_spec_parse("W", &f) == -1);
    /* choosing and ordering classes */
    CHECK(latent_table_select_classes(&t, 2, (const char *[]){"treated", "control"}) == 0);
    CHECK(t.y[0] == 0 && t.y[1] == 1 && !strcmp(t.classes[1], "control"));
    CHECK(latent_table_select_classes(&t, 1, (const char *[]){"control"}) == 0 && t.n == 1 && !strcmp(t.file[0], "b,c.png"));
    CHECK(latent_table_select_classes(&t, 1, (const char *[]){"other"}) == -1 && msg_has("'other'"));
    latent_table_free(&t);
}

TEST(latent_table_errors) {
    float codes[3 * 4] = {0};
    int64_t sh[2] = {3, 4};
    CHECK(npy_write(P("codes.npy"), NPY_F32, 2, sh, codes) == 0);     /* [N, D] is read as L = 1 */
    write_text(P("table.csv"), "file,label,split,extra\na,x,train,1\nb,y,val,2\nc,x,train,3\n");
    LatentTable t;
    CHECK(latent_table_read(tmpdir, &t) == 0 && t.L == 1 && t.D == 4);
    latent_table_free(&t);
    struct { const char *csv, *msg; } bad[] = {
        {"file,label,split\na,x,train\nb,y,val\n", "2 rows but"},
        {"file,label,split\na,x,train\nb,y,val\nc,x,train\nd,x,train\n", "4 rows but"},
        {"file,label\na,x\nb,y\nc,x\n", "missing 'split'"},
        {"name,label,split\na,x,train\nb,y,val\nc,x,train\n", "missing 'file'"},
        {"file,label,split\na,x,train\nb,y,test\nc,x,train\n", "row 2: split 'test'"},
        {"file,label,split\na,x,train\nb,,val\nc,x,train\n", "row 2: empty label"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_text(P("table.csv"), bad[k].csv);
        CHECK_MSG(latent_table_read(tmpdir, &t) == -1 && msg_has("table.csv") && msg_has(bad[k].msg), "case %zu: %s", k,
                  mg_error_get());
    }
    write_text(P("table.csv"), "file,label,split\na,x,train\nb,y,val\nc,x,train\n");
    codes[5] = NAN;
    CHECK(npy_write(P("codes.npy"), NPY_F32, 2, sh, codes) == 0);
    CHECK(latent_table_read(tmpdir, &t) == -1 && msg_has("codes.npy: code 1, value 1 is not finite"));
    CHECK(npy_write(P("codes.npy"), NPY_F32, 1, (int64_t[]){12}, codes) == 0);
    CHECK(latent_table_read(tmpdir, &t) == -1 && msg_has("codes.npy: codes must be [N, L, D]"));
    unlink(P("codes.npy"));
    CHECK(latent_table_read(tmpdir, &t) == -1 && msg_has("codes.npy: cannot open"));
    CHECK(latent_table_read("/nonexistent_mg_dir", &t) == -1 && msg_has("/nonexistent_mg_dir/codes.npy"));
}

int main(void) {
    if (scratch_begin("anb")) return 1;
    RUN(metrics_hand_computed);
    RUN(stratified_folds_balance);
    RUN(standardizer_and_unmap);
    RUN(latent_table_round_trip_and_features);
    RUN(latent_table_errors);
    scratch_end();
    return test_summary();
}
