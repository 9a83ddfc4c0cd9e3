/* The generator of a `morphogan train-course` checkpoint, for the metrics (perceptual path length,
 * samples to score): loads G (weights and BN running statistics; D and the optimizer state are read
 * to satisfy the checkpoint's completeness check and dropped). */
#ifndef MG_COURSE_GENERATOR_H
#define MG_COURSE_GENERATOR_H
#include "models/dcgan_course.h"

int course_generator_load(const char *path, DcganG *g);        /* 0, or -1 + mg_error */
/* z [n, z_dim] -> images [n, 784] in (-1,1), BN in evaluation mode, no graph; resets the tensor arena. */
void course_generator_run(DcganG *g, const float *z, int n, float *out);
#endif
