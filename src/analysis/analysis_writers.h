/* The CSV files of `morphogan analyze` (the report reads these exact names and columns; docs/analysis.md).
 * Every file is written atomically; each function returns 0, or -1 + mg_error naming the file. */
#ifndef MG_ANALYSIS_WRITERS_H
#define MG_ANALYSIS_WRITERS_H
#include "analysis/directions.h"
#include "analysis/evaluate.h"
#include "analysis/features.h"
#include "analysis/pca.h"

/* classify.csv: classifier,fold,accuracy,precision,recall,f1,specificity,auc; fold = train, val, cv_mean, cv_std */
int write_classify_csv(const char *path, int n, const char *const *names, const Evaluation *ev);
/* confusion_<classifier>.csv, the report's format: header ",<class0>,<class1>", rows "<true class>,count,count"
 * (columns = predicted class), for the held-out predictions: the val split when the table has one, else the
 * pooled out-of-fold predictions of the cross-validation, else the train split.  *which = "val", "cv", "train". */
int write_confusion_csv(const char *path, const char *const *classes, const Evaluation *ev, const char **which);
/* fold_confusions.csv: classifier,fold,true,<class0>,<class1> for every classifier and fold (train, val, cv) */
int write_fold_confusions_csv(const char *path, int n, const char *const *names, const char *const *classes,
                              const Evaluation *ev);
/* pca_spectrum.csv: component,eigenvalue,explained,cumulative (component from 1) */
int write_pca_spectrum_csv(const char *path, const Pca *p);
/* pca_coords.csv (and the same as pca_projection.csv, the name the report reads): file,label,pc1..pck; coords [n, k] */
int write_pca_coords_csv(const char *path, const LatentTable *t, const double *coords, int k);
/* tsne.csv: file,label,x,y[,z]; y [n, dims] */
int write_tsne_csv(const char *path, const LatentTable *t, const float *y, int dims);
/* distances.csv: file,label,split,predicted,distance (signed distance to the hyperplane, original space) */
int write_distances_csv(const char *path, const LatentTable *t, const double *distance);
/* distance_hist.csv: bin_lo,bin_hi,true_<c0>,true_<c1>,pred_<c0>,pred_<c1> over [min, max] of the distances */
int write_distance_hist_csv(const char *path, const LatentTable *t, const double *distance, int bins);
/* directions.csv: name,norm,class_separation,separation_sd,bias,cos_svm,features,file (cos_svm empty without svm) */
int write_directions_csv(const char *path, const Direction *d, int nd, const Direction *svm, FeatureSpec f);
#endif
