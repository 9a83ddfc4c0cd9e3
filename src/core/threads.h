/* Thread count of the CPU kernels (OpenMP loops and OpenBLAS, which share libgomp's pool).
 * Set by --threads N on the command line, or MORPHOGAN_THREADS, else OMP_NUM_THREADS, else all cores. */
#ifndef MG_THREADS_H
#define MG_THREADS_H
void mg_set_threads(int n);
int mg_get_threads(void);
void mg_threads_from_env(void);   /* applies MORPHOGAN_THREADS if set */

/* How idle OpenMP threads wait between parallel regions.  libgomp reads OMP_WAIT_POLICY and
 * GOMP_SPINCOUNT once, when it is loaded, so the CLI calls this first thing in main(): when neither is
 * set, it sets GOMP_SPINCOUNT=30000 (spin that many iterations, then sleep; libgomp's default is
 * 300000) and re-executes the program (once).  A user's own setting is always respected.  Returns only
 * if nothing was done.  Why 30000 (BENCHMARKS.md): on a quiet machine spinning trains 15-18 % faster
 * than passive waiting (session 9, course DCGAN) and 30000 is as fast as 300000; on session 1's loaded
 * 2-vCPU machine, whose vCPUs shared a core, libgomp's long default spin cost 20-40 %, and a spin ten
 * times shorter bounds that loss.  OMP_WAIT_POLICY=passive restores the old default. */
void mg_default_wait_policy(char **argv);
/* the same with OMP_WAIT_POLICY=passive: the long tests, which CI may run beside other processes */
void mg_prefer_passive_wait(char **argv);
#endif
