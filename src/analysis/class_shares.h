/* The mode-collapse check of the training issue: the domain classifier (models/feature_net.h) labels
 * generated images, and every one of its classes must receive at least a given share of them (the issue:
 * 10,000 images, 10 classes, >= 4% each, a classifier with >= 90% test accuracy). */
#ifndef MG_CLASS_SHARES_H
#define MG_CLASS_SHARES_H
#include "models/feature_net.h"

/* count[k] = how many of the n images [n,1,28,28] in [-1,1] have arg-max logit k (ties: the lowest k) */
void class_shares_count(FeatNet *f, const float *images, long n, long count[FEATNET_CLASSES]);
/* 1 when each of the k classes has count >= min_share * n, else 0; *smallest = the class with the fewest */
int class_shares_pass(const long *count, int k, long n, double min_share, int *smallest);
/* images [n,c,s,s] in (-1,1) (c = 1, or 3 = RGB -> Rec. 601 luminance) -> [n,1,28,28] for the classifier:
 * a copy when s = 28, else prep_resize (area averaging down, bilinear up).  0, or -1 + mg_error. */
int class_shares_to_28(const float *x, long n, int c, int s, float *out);
#endif
