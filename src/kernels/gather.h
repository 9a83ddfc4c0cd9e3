/* Per-sample pixel remapping kernels (raw pointers).  Images are N*C contiguous planes of HW
 * pixels; map is [N, HW] and is shared by the C planes of a sample:
 *   gather:      y[n,c,p]  = map[n,p] >= 0 ? x[n,c,map[n,p]] : 0
 *   scatter_add: gx[n,c,q] = sum of g[n,c,p] over the p with map[n,p] == q, in increasing p
 * (scatter_add is gather's transpose).  Each plane is handled by one thread in a fixed order, so
 * results do not depend on the thread count.  CPU versions: kernels/cpu/gather.c, with the
 * single-threaded plain loops ref_* the tests compare them against. */
#ifndef MG_K_GATHER_H
#define MG_K_GATHER_H
void cpu_gather_pixels(int N, int C, int HW, const int *map, const float *x, float *y);
void cpu_scatter_add_pixels(int N, int C, int HW, const int *map, const float *g, float *gx);
void ref_gather_pixels(int N, int C, int HW, const int *map, const float *x, float *y);
void ref_scatter_add_pixels(int N, int C, int HW, const int *map, const float *g, float *gx);
#endif
