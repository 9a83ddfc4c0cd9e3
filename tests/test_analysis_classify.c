/* Classifiers of latent features: liblinear SVM and logistic regression (orientation, the decision function
 * mapped back to the original space, class weights), the MLP (learns what no line separates, reproducible,
 * early stopping), train/val/CV evaluation, and parity with scikit-learn on the same latent table:
 * LinearSVC accuracy within 1 point, LogisticRegression(liblinear) weights parallel. */
#include "analysis/evaluate.h"
#include "analysis/latent_table.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include "scratch_dir.h"
#include "test.h"
#include <string.h>



/* n rows of d features: class i % 2, class 1 shifted by `shift` along the first 3 features, scaled columns */
static void gaussian_classes(int n, int d, float shift, uint64_t seed, float *x, int *y) {
    Rng r = rng_new(seed);
    rng_normal(&r, x, (size_t)n * d, 0.f, 1.f);
    for (int i = 0; i < n; i++) {
        y[i] = i % 2;
        for (int j = 0; j < d; j++) {
            float *v = &x[(size_t)i * d + j];
            if (j < 3 && y[i]) *v += shift * (j == 1 ? -1.f : 1.f);
            *v = *v * (1.f + 0.5f * (j % 4)) + 0.3f * (float)j;      /* unequal scales and offsets */
        }
    }
}

static int *all_rows(int n) {
    int *r = malloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
}

TEST(linear_models_separable) {
    enum { N = 200, D = 5 };
    float x[N * D];
    int y[N];
    gaussian_classes(N, D, 6.f, 3, x, y);
    int *rows = all_rows(N);
    for (int k = 0; k < 2; k++) {
        ClassifierOptions o = classifier_default_options(k ? CLF_LOGREG : CLF_SVM);
        Classifier c;
        CHECK_MSG(classifier_fit(&o, x, D, y, rows, N, &c) == 0, "%s", mg_error_get());
        double s[N];
        classifier_decision(&c, x, rows, N, s);
        int ok = 0;
        for (int i = 0; i < N; i++) {
            ok += (s[i] > 0) == y[i];
            double f = c.b;                            /* the mapped-back function is the same function */
            for (int j = 0; j < D; j++) f += c.w[j] * x[i * D + j];
            CHECK_NEAR(f, s[i], 1e-6);
        }
        CHECK_MSG(ok == N, "%s: %d of %d", classifier_name(o.kind), ok, N);
        CHECK(c.w[0] > 0 && c.w[1] < 0);               /* towards class 1: +x0, -x1 */
        classifier_free(&c);
    }
    int y1[N];
    for (int i = 0; i < N; i++) y1[i] = 1;
    ClassifierOptions o = classifier_default_options(CLF_SVM);
    Classifier c;
    CHECK(classifier_fit(&o, x, D, y1, rows, N, &c) == -1 && strstr(mg_error_get(), "only one class"));
    free(rows);
}

TEST(class_weights_move_the_boundary) {
    enum { N = 400, D = 4 };
    float x[N * D];
    int y[N], rows[N], n = 0;
    gaussian_classes(N, D, 1.5f, 5, x, y);
    for (int i = 0; i < N; i++) if (y[i] == 0 || i % 10 == 1) rows[n++] = i;    /* 200 vs 20 */
    double recall[2];
    for (int k = 0; k < 2; k++) {
        ClassifierOptions o = classifier_default_options(CLF_SVM);
        o.balanced = k;
        Classifier c;
        CHECK(classifier_fit(&o, x, D, y, rows, n, &c) == 0);
        int *all = all_rows(N), tp = 0, p = 0;
        double *s = malloc(N * sizeof(double));
        classifier_decision(&c, x, all, N, s);
        for (int i = 0; i < N; i++) if (y[i]) { p++; tp += s[i] > 0; }
        recall[k] = (double)tp / p;
        free(s);
        free(all);
        classifier_free(&c);
    }
    CHECK_MSG(recall[1] > recall[0] + 0.1, "recall of the rare class: %.3f unweighted, %.3f balanced", recall[0], recall[1]);
}

TEST(mlp_learns_a_ring) {
    enum { N = 600, D = 2 };
    float x[N * D];
    int y[N], split[N];
    Rng r = rng_new(11);
    for (int i = 0; i < N; i++) {              /* class 1 = a ring around class 0: no line separates them */
        y[i] = i % 2;
        float a = 6.2831853f * rng_uniform1(&r), rad = y[i] ? 2.f + 0.3f * rng_uniform1(&r) : 0.8f * rng_uniform1(&r);
        x[i * 2] = rad * cosf(a);
        x[i * 2 + 1] = rad * sinf(a);
        split[i] = (i / 2) % 4 == 0 ? LT_VAL : LT_TRAIN;      /* both classes in each split */
    }
    ClassifierOptions o = classifier_default_options(CLF_MLP);
    o.hidden1 = 32; o.hidden2 = 16; o.max_epochs = 200; o.lr = 3e-3f;
    Evaluation e, e2, lin;
    CHECK_MSG(evaluate_classifier(&o, x, D, y, split, N, 0, &e) == 0, "%s", mg_error_get());
    CHECK_MSG(e.val.accuracy > 0.95, "mlp val accuracy %.3f", e.val.accuracy);
    CHECK(e.fitted.best_epoch >= 1 && e.fitted.best_epoch <= e.fitted.epochs && e.fitted.epochs <= 200);
    CHECK(evaluate_classifier(&o, x, D, y, split, N, 0, &e2) == 0);
    CHECK(!memcmp(e.score, e2.score, N * sizeof(double)));            /* same seed, same numbers */
    ClassifierOptions ol = classifier_default_options(CLF_SVM);
    CHECK(evaluate_classifier(&ol, x, D, y, split, N, 0, &lin) == 0);
    CHECK_MSG(lin.val.accuracy < 0.75, "a line should not separate the ring (%.3f)", lin.val.accuracy);
    printf("     ring: mlp val accuracy %.3f (kept epoch %d of %d), linear SVM %.3f\n", e.val.accuracy,
           e.fitted.best_epoch, e.fitted.epochs, lin.val.accuracy);
    evaluation_free(&e); evaluation_free(&e2); evaluation_free(&lin);
}

TEST(evaluation_folds) {
    enum { N = 300, D = 6 };
    float x[N * D];
    int y[N], split[N];
    gaussian_classes(N, D, 1.f, 9, x, y);
    for (int i = 0; i < N; i++) split[i] = (i / 2) % 3 == 0 ? LT_VAL : LT_TRAIN;
    ClassifierOptions o = classifier_default_options(CLF_LOGREG);
    Evaluation e;
    CHECK(evaluate_classifier(&o, x, D, y, split, N, 5, &e) == 0);
    CHECK(e.has_val && e.folds == 5);
    CHECK(e.train.tp + e.train.tn + e.train.fp + e.train.fn == 200 && e.val.tp + e.val.tn + e.val.fp + e.val.fn == 100);
    CHECK(e.cv_pooled.tp + e.cv_pooled.tn + e.cv_pooled.fp + e.cv_pooled.fn == N);   /* each row once */
    double m = 0;
    for (int k = 0; k < 5; k++) m += e.cv[k].accuracy;
    CHECK_NEAR(e.cv_mean.accuracy, m / 5, 1e-12);
    CHECK(e.cv_std.accuracy > 0 && e.cv_mean.accuracy > 0.6);
    evaluation_free(&e);
}

/* the same table through morphogan and scikit-learn */
TEST(sklearn_parity) {
    if (!have_sklearn()) return;
    enum { N = 1200, L = 2, D = 48 };
    float *codes = malloc(sizeof(float) * N * L * D), *x = malloc(sizeof(float) * N * D);
    int y[N], split[N];
    gaussian_classes(N, D, 0.8f, 21, x, y);
    const char *files[N], *labels[N];
    static char names[N][24];
    for (int i = 0; i < N; i++) {
        for (int l = 0; l < L; l++) memcpy(codes + ((size_t)i * L + l) * D, x + (size_t)i * D, D * sizeof(float));
        snprintf(names[i], 24, "im%d.png", i);
        files[i] = names[i];
        labels[i] = y[i] ? "treated" : "control";
        split[i] = (i / 2) % 4 == 3 ? LT_VAL : LT_TRAIN;
    }
    CHECK(latent_table_write(tmpdir, N, L, D, codes, files, labels, split) == 0);
    Evaluation e[2];
    double w_ours[D];
    for (int k = 0; k < 2; k++) {
        ClassifierOptions o = classifier_default_options(k ? CLF_LOGREG : CLF_SVM);
        CHECK(evaluate_classifier(&o, x, D, y, split, N, 0, &e[k]) == 0);
    }
    for (int j = 0; j < D; j++) w_ours[j] = e[1].fitted.ws[j];
    char cmd[2048], out[256];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 - <<'EOF'\n"
             "import numpy as np, csv, warnings\n"
             "warnings.filterwarnings('ignore')\n"
             "from sklearn.svm import LinearSVC\n"
             "from sklearn.linear_model import LogisticRegression\n"
             "from sklearn.preprocessing import StandardScaler\n"
             "d='%s'\n"
             "c=np.load(d+'/codes.npy')[:,0,:]\n"
             "rows=list(csv.DictReader(open(d+'/table.csv')))\n"
             "y=np.array([r['label']=='treated' for r in rows]).astype(int)\n"
             "tr=np.array([r['split']=='train' for r in rows])\n"
             "s=StandardScaler().fit(c[tr]); z=s.transform(c)\n"
             "svm=LinearSVC(C=1.0,random_state=0).fit(z[tr],y[tr])\n"
             "lr=LogisticRegression(C=1.0,solver='liblinear',tol=1e-4).fit(z[tr],y[tr])\n"
             "np.save(d+'/lr_w.npy', lr.coef_[0].astype(np.float64))\n"
             "print('%%.6f %%.6f %%.6f' %% (svm.score(z[~tr],y[~tr]), svm.score(z[tr],y[tr]), lr.score(z[~tr],y[~tr])))\n"
             "EOF", tmpdir);
    FILE *p = popen(cmd, "r");
    double sk_val = -1, sk_train = -1, lr_val = -1;
    if (p && fgets(out, sizeof out, p)) sscanf(out, "%lf %lf %lf", &sk_val, &sk_train, &lr_val);
    CHECK(p && pclose(p) == 0);
    CHECK(sk_val >= 0);
    printf("     LinearSVC val accuracy: scikit-learn %.4f, morphogan %.4f (train %.4f / %.4f); logistic %.4f / %.4f\n",
           sk_val, e[0].val.accuracy, sk_train, e[0].train.accuracy, lr_val, e[1].val.accuracy);
    CHECK_MSG(fabs(sk_val - e[0].val.accuracy) <= 0.01, "SVM val accuracy differs by more than 1 point");
    CHECK(fabs(sk_train - e[0].train.accuracy) <= 0.01);
    CHECK(fabs(lr_val - e[1].val.accuracy) <= 0.01);
    char wp[600];
    snprintf(wp, sizeof wp, "%s/lr_w.npy", tmpdir);
    FILE *f = fopen(wp, "rb");
    double w_sk[D];
    CHECK(f && fseek(f, 128, SEEK_SET) == 0 && fread(w_sk, sizeof(double), D, f) == D);
    if (f) fclose(f);
    double dot = 0, a = 0, b = 0;
    for (int j = 0; j < D; j++) { dot += w_sk[j] * w_ours[j]; a += w_sk[j] * w_sk[j]; b += w_ours[j] * w_ours[j]; }
    CHECK_MSG(dot / sqrt(a * b) > 0.9999, "cosine of the logistic weights %.6f", dot / sqrt(a * b));
    CHECK_NEAR(sqrt(b), sqrt(a), 1e-3);
    evaluation_free(&e[0]);
    evaluation_free(&e[1]);
    free(codes);
    free(x);
}

int main(int argc, char **argv) {
    (void)argc;
    mg_prefer_passive_wait(argv);     /* as the CLI: spin-waiting threads crawl on a loaded 2-core machine */
    if (scratch_begin("anc")) return 1;
    RUN(linear_models_separable);
    RUN(class_weights_move_the_boundary);
    RUN(mlp_learns_a_ring);
    RUN(evaluation_folds);
    RUN(sklearn_parity);
    scratch_end();
    return test_summary();
}
