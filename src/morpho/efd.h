/* Elliptic Fourier descriptors of a closed outline (Kuhl & Giardina 1982, "Elliptic Fourier features of
 * a closed contour", CGIP 18:236-258).  coef: n_harm rows of (a_n, b_n, c_n, d_n):
 *   x(t) = A0 + sum_n a_n cos(2 pi n t / T) + b_n sin(2 pi n t / T),  y(t) likewise with c_n, d_n,
 * t = arc length along the polygon, T = its total length. */
#ifndef MG_EFD_H
#define MG_EFD_H

/* xy: n points (x, y) as doubles, the polygon is closed implicitly.  Returns 0, -1 if degenerate. */
int efd_compute(const double *xy, int n, int n_harm, double (*coef)[4]);

/* Normalises in place for size, rotation and starting point (Kuhl & Giardina's procedure, as in
 * pyefd.normalize_efd): after it a_1 = 1 and b_1 = c_1 = 0; |d_1| = minor/major axis ratio of the
 * first-harmonic ellipse.  The remaining 180-degree ambiguity (sign of the even harmonics) is fixed by
 * making the even-harmonic coefficient of largest magnitude non-negative. */
void efd_normalize(double (*coef)[4], int n_harm);
#endif
