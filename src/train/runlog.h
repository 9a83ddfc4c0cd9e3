/* The CSV files of a run folder (log.csv, snapshots.csv): created with a header, or - when a run
 * resumes at step S - cut back to the header and the rows with step <= S (rows an interrupted run
 * wrote after its last checkpoint), so a resumed run's log equals an uninterrupted one's. */
#ifndef MG_RUNLOG_H
#define MG_RUNLOG_H
#include <stdio.h>

/* Opens dir/name for appending; the first column of every row is the step.  NULL + mg_error. */
FILE *runlog_open(const char *dir, const char *name, const char *header, long resume_step);
#endif
