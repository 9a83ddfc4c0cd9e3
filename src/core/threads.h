/* Thread count of the CPU kernels (OpenMP loops and OpenBLAS, which share libgomp's pool).
 * Set by --threads N on the command line, or MORPHOGAN_THREADS, else OMP_NUM_THREADS, else all cores. */
#ifndef MG_THREADS_H
#define MG_THREADS_H
void mg_set_threads(int n);
int mg_get_threads(void);
void mg_threads_from_env(void);   /* applies MORPHOGAN_THREADS if set */
#endif
