/* A small synthetic run folder with every file `morphogan report` reads (docs/report.md), for
 * tests/test_report*.c.  make_report_run(dir) writes it; REPORT_RUN_IMAGES and REPORT_RUN_SVGS are the
 * numbers of <img> and <svg> its report must hold.  One t-SNE label is hostile markup: if it were not
 * escaped, the page would gain an <img> that cannot load. */
#ifndef MG_REPORT_RUN_H
#define MG_REPORT_RUN_H
#include "io/image.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define REPORT_RUN_IMAGES 4     /* newest samples grid, recon grid, two walks */
#define REPORT_RUN_SVGS 11      /* curves, 2 metrics, recon density, 2 confusions, PCA bars + scatter, t-SNE, 2 histograms */
#define REPORT_HOSTILE_LABEL "</svg><img src=\"x.png\">&amp;"

__attribute__((unused)) static int rr_write(const char *dir, const char *rel, const char *text) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* a w x h RGB test pattern (value pattern k) */
static int rr_png(const char *dir, const char *rel, int w, int h, int k) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    Image im;
    if (image_alloc(&im, w, h, 3)) return -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) im.px[(y * w + x) * 3 + c] = (uint8_t)((x * (c + 1) * 7 + y * 5 + k * 40) & 255);
    int rc = image_write_png(p, &im);
    image_free(&im);
    return rc;
}

/* deterministic pseudo-random numbers in (0, 1) for the tables */
static double rr_u(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xFFFF) / 65536.0 + 1e-6;
}

static int make_report_run(const char *dir) {
    char p[600];
    const char *subs[3] = {"analysis", "recon", "walks"};
    for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", dir, subs[i]); mkdir(p, 0755); }
    int rc = 0;
    rc |= rr_write(dir, "config.json", "{\n  \"cfg\": \"dcgan\",\n  \"lr\": 0.0002,\n  \"betas\": [0.5, 0.999],\n"
                                      "  \"note\": \"<b>not bold</b> & co\"\n}\n");
    FILE *f;
    unsigned s = 1;
    snprintf(p, sizeof p, "%s/log.csv", dir);
    if (!(f = fopen(p, "w"))) return -1;
    fprintf(f, "step,kimg,loss_d,loss_g,gp,seconds\n");
    for (int i = 1; i <= 60; i++)
        fprintf(f, "%d,%.3f,%.5f,%.5f,%.5f,%.2f\n", i, i * 0.064, 1.4 * exp(-i / 30.0) + 0.1 * rr_u(&s),
                0.7 + 0.2 * rr_u(&s), 0.01 * rr_u(&s), i * 0.1);
    rc |= fclose(f);
    rc |= rr_png(dir, "samples_000010.png", 40, 40, 0);
    rc |= rr_png(dir, "samples_000060.png", 66, 66, 1);            /* the newest: 66 px wide */
    rc |= rr_write(dir, "metrics.csv", "step,kimg,metric,value\n20,1.28,fid,80.5\n20,1.28,kid,0.051\n"
                                       "40,2.56,fid,61.2\n40,2.56,kid,0.032\n60,3.84,fid,50.1\n60,3.84,kid,0.024\n");
    rc |= rr_png(dir, "recon/grid.png", 130, 66, 2);
    snprintf(p, sizeof p, "%s/recon/errors.csv", dir);
    if (!(f = fopen(p, "w"))) return -1;
    fprintf(f, "file,label,split,l1,l2,perceptual\n");
    static const char *const cls[3] = {"control", "treated", "generated"};
    for (int i = 0; i < 90; i++)
        fprintf(f, "img_%03d.png,%s,%s,%.5f,%.5f,%.4f\n", i, cls[i % 3], i % 5 ? "train" : "val",
                0.04 + 0.02 * (i % 3) + 0.01 * rr_u(&s), 0.003 * rr_u(&s), 0.1 + 0.05 * rr_u(&s));
    rc |= fclose(f);
    rc |= rr_write(dir, "analysis/classify.csv",
                   "classifier,fold,accuracy,precision,recall,f1,specificity,auc\n"
                   "svm,train,0.95,0.94,0.96,0.95,0.94,0.99\nsvm,val,0.91,0.90,0.92,0.91,0.90,0.97\n"
                   "logreg,cv-mean,0.90,0.89,0.91,0.90,0.89,0.96\nmlp,val,0.88,,,,,\n");
    rc |= rr_write(dir, "analysis/confusion_svm.csv", ",control,treated\ncontrol,46,4\ntreated,5,45\n");
    rc |= rr_write(dir, "analysis/confusion_logreg.csv", ",control,treated\ncontrol,44,6\ntreated,4,46\n");
    snprintf(p, sizeof p, "%s/analysis/pca_spectrum.csv", dir);
    if (!(f = fopen(p, "w"))) return -1;
    fprintf(f, "component,eigenvalue,explained,cumulative\n");
    double total = 0, cum = 0;
    for (int k = 1; k <= 20; k++) total += 1.0 / (k * k);
    for (int k = 1; k <= 20; k++) { cum += 1.0 / (k * k) / total; fprintf(f, "%d,%.6f,%.6f,%.6f\n", k, 4.0 / (k * k), 1.0 / (k * k) / total, cum); }
    rc |= fclose(f);
    FILE *g;
    snprintf(p, sizeof p, "%s/analysis/tsne.csv", dir);
    if (!(f = fopen(p, "w"))) return -1;
    snprintf(p, sizeof p, "%s/analysis/pca_projection.csv", dir);
    if (!(g = fopen(p, "w"))) { fclose(f); return -1; }
    fprintf(f, "file,label,x,y\n");
    fprintf(g, "file,label,pc1,pc2,pc3\n");
    for (int i = 0; i < 120; i++) {
        int t = i % 2;
        double a = 6.283 * rr_u(&s), r = 3 * rr_u(&s);
        fprintf(f, "img_%03d.png,%s,%.4f,%.4f\n", i, t ? "treated" : "control", (t ? 8 : -8) + r * cos(a), r * sin(a));
        fprintf(g, "img_%03d.png,%s,%.4f,%.4f,%.4f\n", i, t ? "treated" : "control", (t ? 1 : -1) + rr_u(&s),
                rr_u(&s) - 0.5, rr_u(&s));
    }
    fprintf(f, "odd.png,\"</svg><img src=\"\"x.png\"\">&amp;\",0,9\n");   /* REPORT_HOSTILE_LABEL, CSV-quoted */
    rc |= fclose(f);
    rc |= fclose(g);
    snprintf(p, sizeof p, "%s/analysis/distances.csv", dir);
    if (!(f = fopen(p, "w"))) return -1;
    fprintf(f, "file,label,split,predicted,distance\n");
    for (int i = 0; i < 100; i++) {
        int t = i % 2;
        double d = (t ? 1.2 : -1.2) + 1.5 * (rr_u(&s) - 0.5) * 2;
        fprintf(f, "img_%03d.png,%s,%s,%s,%.4f\n", i, t ? "treated" : "control", i % 4 ? "train" : "val",
                d > 0 ? "treated" : "control", d);
    }
    rc |= fclose(f);
    rc |= rr_png(dir, "walks/walk_svm.png", 200, 40, 3);
    rc |= rr_png(dir, "walks/walk_pca1.png", 200, 40, 4);
    rc |= rr_write(dir, "walks/walks.csv", "file,direction,factors\nwalk_svm.png,svm normal,-2;-1;0;1;2\n"
                                           "walks/walk_pca1.png,PC 1,-3;0;3\n");
    rc |= rr_write(dir, "effect.csv", "measure,unit,per_unit,ci_low,ci_high,true_effect\n"
                                      "length,%,-7.8,-8.9,-6.7,-8.2\nbending,rad,0.021,0.017,0.025,0.022\n"
                                      "width,%,0.4,-0.6,1.4,\n");
    return rc ? -1 : 0;
}
#endif
