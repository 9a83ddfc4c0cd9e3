/* Metrics of a binary classifier from its decision values.
 *
 * y[i] = 1 for the positive class, 0 for the negative one; score[i] = decision value, predicted positive
 * when score > 0 (the convention of liblinear and scikit-learn's decision_function).
 *   accuracy    (tp + tn) / n
 *   precision   tp / (tp + fp)        0 when nothing is predicted positive (scikit-learn's zero_division=0)
 *   recall      tp / (tp + fn)        sensitivity; 0 when there is no positive
 *   specificity tn / (tn + fp)        0 when there is no negative
 *   f1          2 p r / (p + r)       0 when p + r = 0
 *   auc         area under the ROC curve = P(score_pos > score_neg) + P(equal) / 2 (tied scores count
 *               one half: the trapezoid of scikit-learn's roc_auc_score); NAN when a class is absent. */
#ifndef MG_BINARY_METRICS_H
#define MG_BINARY_METRICS_H

typedef struct BinaryMetrics {
    long tn, fp, fn, tp;
    double accuracy, precision, recall, specificity, f1, auc;
} BinaryMetrics;

void binary_metrics(const int *y, const double *score, long n, BinaryMetrics *m);
double roc_auc(const int *y, const double *score, long n);
#endif
