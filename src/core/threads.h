/* Thread count of the CPU kernels (OpenMP loops and OpenBLAS, which share libgomp's pool).
 * Set by --threads N on the command line, or MORPHOGAN_THREADS, else OMP_NUM_THREADS, else all cores. */
#ifndef MG_THREADS_H
#define MG_THREADS_H
void mg_set_threads(int n);
int mg_get_threads(void);
void mg_threads_from_env(void);   /* applies MORPHOGAN_THREADS if set */

/* libgomp's default spin-waiting costs 20-40% on 2-vCPU machines whose vCPUs share a core (the
 * spinning thread takes the sibling's execution units; see BENCHMARKS.md).  libgomp reads
 * OMP_WAIT_POLICY once, when it is loaded, so the CLI calls this first thing in main(): when neither
 * OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, it sets OMP_WAIT_POLICY=passive and re-executes the
 * program (once).  A user's own setting is always respected.  Returns only if nothing was done. */
void mg_prefer_passive_wait(char **argv);
#endif
