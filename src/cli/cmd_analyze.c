/* morphogan analyze: latent-space analysis of a latent table (codes.npy + table.csv): classifiers, metrics,
 * hyperplane distances, directions, PCA, t-SNE (analysis/analyze_run.h); `analyze nn` and `analyze edit` in
 * cmd_analyze_edit.c. */
#include "analysis/analyze_run.h"
#include "cli/analyze_sub.h"
#include "cli/commands.h"
#include "core/error.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
    fprintf(f,
        "usage: morphogan analyze --table DIR --out DIR [options]\n"
        "       morphogan analyze nn --table DIR --query FILE|INDEX|CODE.npy [--top 8]     (--help for each)\n"
        "       morphogan analyze edit --table DIR --analysis DIR --direction NAME --reflect|--walk K1,K2,.. --out CODES.npy\n"
        "Latent-space analysis of a latent table: DIR/codes.npy [N, L, D] and DIR/table.csv (file,label,split).\n"
        "Writes into --out: classify.csv, confusion_<classifier>.csv, distances.csv, distance_hist.csv,\n"
        "direction_<name>.npy + directions.csv, pca_spectrum.csv, pca_coords.csv, tsne.csv (docs/analysis.md).\n"
        "  --features w|wplus|layer:K   w = the first vector of each code (default), wplus = all L vectors, layer:K\n"
        "  --classes A,B          the two labels to compare, B = positive class (default: the table's two, sorted)\n"
        "  --classifier LIST      from svm,logreg,mlp (default svm,logreg)\n"
        "  --folds K              stratified K-fold cross-validation over all rows (default 5; 0 = none)\n"
        "  --C X                  liblinear C (default 1)     --class-weight none|balanced (default none)\n"
        "  --tol X                liblinear stopping tolerance (default 1e-4, scikit-learn's; larger is faster)\n"
        "  --mlp-hidden H1,H2 (256,64) --mlp-dropout P (0.2) --mlp-lr X (0.001) --mlp-epochs N (300)\n"
        "  --mlp-patience N (20) --mlp-batch N (64)\n"
        "  --tsne 0|2|3           t-SNE dimensions (default 2; 0 = none)   --perplexity X (30)\n"
        "  --tsne-iterations N    (1000)   --tsne-pca K   reduce to K principal components first when d > K (50; 0 = never)\n"
        "  --pcs K                principal components written to pca_coords.csv (10)\n"
        "  --hist-bins N          bins of distance_hist.csv (30)\n"
        "  --sefa A.npy           SeFa directions from the generator's style-affine weights [R, D] or [layers, R, D]\n"
        "  --sefa-k K (5)  --sefa-no-normalize   (SeFa normalises each weight row first)\n"
        "  --ganspace W.npy       GANSpace directions from mapped samples [M, D] or [M, L, D]   --ganspace-k K (5)\n"
        "  --orthogonal-to NAME|FILE.npy   also write every direction made orthogonal to this one (<name>_orth)\n"
        "  --seed S               seeds folds, liblinear, the MLP and t-SNE's random parts (default 1)\n"
        "  --threads N            CPU threads\n");
}

static int bad(const char *opt, const char *want) {
    fprintf(stderr, "morphogan analyze: %s needs %s\n", opt, want);
    return -1;
}

static int num(const char *opt, const char *v, double lo, double hi, double *out) {
    char *end = NULL;
    errno = 0;
    double x = v ? strtod(v, &end) : 0;
    if (!v || errno || *end || !(x >= lo && x <= hi)) {
        char want[96];
        snprintf(want, sizeof want, "a number from %g to %g", lo, hi);
        return bad(opt, want);
    }
    *out = x;
    return 0;
}

static int whole(const char *opt, const char *v, long lo, long hi, long *out) {
    char *end = NULL;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || *end || x < lo || x > hi) {
        char want[96];
        snprintf(want, sizeof want, "a whole number from %ld to %ld", lo, hi);
        return bad(opt, want);
    }
    *out = x;
    return 0;
}

static int parse(int argc, char **argv, AnalyzeOptions *o, char *classes_buf, size_t cap) {
    *o = analyze_default_options();
    long x;
    double f;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); exit(0); }
        else if (!strcmp(a, "--sefa-no-normalize")) { o->sefa_no_normalize = 1; continue; }
        else if (!v) { fprintf(stderr, "morphogan analyze: unknown option '%s' (or missing value); see --help\n", a); return -1; }
        else if (!strcmp(a, "--table")) o->table_dir = v;
        else if (!strcmp(a, "--out")) o->out_dir = v;
        else if (!strcmp(a, "--features")) { if (feature_spec_parse(v, &o->features)) { fprintf(stderr, "morphogan analyze: %s\n", mg_error_get()); return -1; } }
        else if (!strcmp(a, "--classes")) {
            snprintf(classes_buf, cap, "%s", v);
            char *comma = strchr(classes_buf, ',');
            if (!comma || comma == classes_buf || !comma[1] || strchr(comma + 1, ','))
                return bad(a, "two labels, e.g. --classes control,treated");
            *comma = 0;
            o->classes[0] = classes_buf;
            o->classes[1] = comma + 1;
        } else if (!strcmp(a, "--classifier")) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", v);
            o->n_clf = 0;
            for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
                ClassifierKind k;
                if (classifier_parse(t, &k)) { fprintf(stderr, "morphogan analyze: %s\n", mg_error_get()); return -1; }
                for (int c = 0; c < o->n_clf; c++) if (o->clf[c] == k) return bad(a, "each classifier once");
                if (o->n_clf == ANALYZE_MAX_CLF) return bad(a, "at most svm,logreg,mlp");
                o->clf[o->n_clf++] = k;
            }
            if (!o->n_clf) return bad(a, "a list from svm,logreg,mlp");
        }
        else if (!strcmp(a, "--folds")) { if (whole(a, v, 0, 100, &x)) return -1; o->folds = (int)x; }
        else if (!strcmp(a, "--C")) { if (num(a, v, 1e-9, 1e9, &o->clf_opt.C)) return -1; }
        else if (!strcmp(a, "--tol")) { if (num(a, v, 1e-12, 10, &o->clf_opt.eps)) return -1; }
        else if (!strcmp(a, "--class-weight")) {
            if (!strcmp(v, "balanced")) o->clf_opt.balanced = 1;
            else if (!strcmp(v, "none")) o->clf_opt.balanced = 0;
            else return bad(a, "none or balanced");
        }
        else if (!strcmp(a, "--mlp-hidden")) {
            int h1, h2, nc = 0;
            if (sscanf(v, "%d,%d%n", &h1, &h2, &nc) != 2 || v[nc] || h1 < 1 || h2 < 1 || h1 > 65536 || h2 > 65536)
                return bad(a, "two sizes, e.g. 256,64");
            o->clf_opt.hidden1 = h1;
            o->clf_opt.hidden2 = h2;
        }
        else if (!strcmp(a, "--mlp-dropout")) { if (num(a, v, 0, 0.95, &f)) return -1; o->clf_opt.dropout = (float)f; }
        else if (!strcmp(a, "--mlp-lr")) { if (num(a, v, 1e-7, 1, &f)) return -1; o->clf_opt.lr = (float)f; }
        else if (!strcmp(a, "--mlp-epochs")) { if (whole(a, v, 1, 100000, &x)) return -1; o->clf_opt.max_epochs = (int)x; }
        else if (!strcmp(a, "--mlp-patience")) { if (whole(a, v, 1, 100000, &x)) return -1; o->clf_opt.patience = (int)x; }
        else if (!strcmp(a, "--mlp-batch")) { if (whole(a, v, 1, 65536, &x)) return -1; o->clf_opt.batch = (int)x; }
        else if (!strcmp(a, "--tsne")) {
            if (whole(a, v, 0, 3, &x) || x == 1) return bad(a, "0 (none), 2 or 3");
            o->tsne_dims = (int)x;
        }
        else if (!strcmp(a, "--perplexity")) { if (num(a, v, 1, 1000, &o->perplexity)) return -1; }
        else if (!strcmp(a, "--tsne-iterations")) { if (whole(a, v, 1, 100000, &x)) return -1; o->tsne_iterations = (int)x; }
        else if (!strcmp(a, "--tsne-pca")) { if (whole(a, v, 0, 100000, &x)) return -1; o->tsne_pca = (int)x; }
        else if (!strcmp(a, "--pcs")) { if (whole(a, v, 1, 100000, &x)) return -1; o->pca_coords = (int)x; }
        else if (!strcmp(a, "--hist-bins")) { if (whole(a, v, 1, 10000, &x)) return -1; o->hist_bins = (int)x; }
        else if (!strcmp(a, "--sefa")) o->sefa_weights = v;
        else if (!strcmp(a, "--sefa-k")) { if (whole(a, v, 1, 100000, &x)) return -1; o->sefa_k = (int)x; }
        else if (!strcmp(a, "--ganspace")) o->ganspace_samples = v;
        else if (!strcmp(a, "--ganspace-k")) { if (whole(a, v, 1, 100000, &x)) return -1; o->ganspace_k = (int)x; }
        else if (!strcmp(a, "--orthogonal-to")) o->orthogonal_to = v;
        else if (!strcmp(a, "--seed")) { if (whole(a, v, 0, 2147483647L, &x)) return -1; o->seed = (uint64_t)x; }
        else { fprintf(stderr, "morphogan analyze: unknown option '%s'; see morphogan analyze --help\n", a); return -1; }
        i++;
    }
    if (!o->table_dir || !o->out_dir) {
        fprintf(stderr, "morphogan analyze: --table and --out are required; see morphogan analyze --help\n");
        return -1;
    }
    return 0;
}

int cmd_analyze(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "nn")) return analyze_nn_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "edit")) return analyze_edit_main(argc - 1, argv + 1);
    AnalyzeOptions o;
    char classes[512];
    if (parse(argc, argv, &o, classes, sizeof classes)) return 2;
    if (analyze_run(&o, stdout)) {
        fflush(stdout);
        fprintf(stderr, "morphogan analyze: %s\n", mg_error_get());
        return 1;
    }
    return 0;
}
