/* Background (illumination) estimate of a brightfield image: a quadratic surface
 * b(x, y) = c0 + c1 x + c2 y + c3 x^2 + c4 xy + c5 y^2 fitted by least squares, refitted twice without
 * the pixels whose residual exceeds 2.5 robust sigmas (the object, debris, halo).  Works for any
 * object covering well under half the image; no assumption about how the object looks. */
#ifndef MG_BACKGROUND_H
#define MG_BACKGROUND_H
/* gray, bg, scratch: w*h floats.  *noise_sigma: robust sigma (1.4826 MAD) of the residuals. */
void background_fit(const float *gray, int w, int h, float *bg, float *scratch, float *noise_sigma);
/* Solves the n x n system A x = b (row-major, n <= 8) by Gaussian elimination with partial pivoting;
 * A and b are overwritten.  Returns -1 when singular. */
int solve_small(double *A, double *b, double *x, int n);
#endif
