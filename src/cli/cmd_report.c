/* morphogan report: one self-contained HTML page of a run folder. */
#include "cli/commands.h"
#include "core/error.h"
#include "report/report.h"
#include <stdio.h>
#include <string.h>

static void report_usage(FILE *f) {
    fprintf(f,
        "usage: morphogan report RUN [-o FILE] [--strict]\n"
        "Writes one self-contained HTML page (images embedded, opens offline) of what the run folder RUN holds:\n"
        "run summary, training curves, samples, metrics during training, reconstructions, classification\n"
        "metrics and confusion matrices, PCA spectrum, t-SNE map, distances to the hyperplane, walks and the\n"
        "morphometric effect table.  A section whose files are absent says \"not computed\" and which command\n"
        "makes them; the files and their columns are listed in docs/report.md.\n\n"
        "  -o, --out FILE   output page (default RUN/report.html)\n"
        "  --strict         a malformed input file is an error (default: a warning on stderr and in the page,\n"
        "                   and its section is left out)\n");
}

int cmd_report(int argc, char **argv) {
    const char *run = NULL, *out = NULL;
    int strict = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { report_usage(stdout); return 0; }
        else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (i + 1 >= argc) { fprintf(stderr, "morphogan report: %s needs a file name, e.g. -o report.html\n", a); return 2; }
            out = argv[++i];
        }
        else if (!strcmp(a, "--strict")) strict = 1;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "morphogan report: unknown option '%s'; type 'morphogan report --help'\n", a); return 2; }
        else if (run) { fprintf(stderr, "morphogan report: one run folder only ('%s' and '%s')\n", run, a); return 2; }
        else run = a;
    }
    if (!run) { fprintf(stderr, "morphogan report: give the run folder, e.g. morphogan report runs/demo\n"); return 2; }
    char def[4200];
    if (!out) {
        if (snprintf(def, sizeof def, "%s/report.html", run) >= (int)sizeof def) {
            fprintf(stderr, "morphogan report: %s: path too long\n", run);
            return 1;
        }
        out = def;
    }
    int warnings = 0;
    if (report_write(run, out, strict, &warnings)) {
        fprintf(stderr, "morphogan report: %s\n", mg_error_get());
        return 1;
    }
    if (warnings) printf("wrote %s (%d warning%s above: those sections are left out)\n", out, warnings, warnings == 1 ? "" : "s");
    else printf("wrote %s\n", out);
    return 0;
}
