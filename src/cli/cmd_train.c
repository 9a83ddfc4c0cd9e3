/* morphogan train: options (train/config.h) -> a resolved config -> train/train_loop.c. */
#include "cli/commands.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include "train/config.h"
#include "train/train_loop.h"
#include <stdio.h>
#include <stdlib.h>

int cmd_train(int argc, char **argv) {
    TrainConfig *c = mg_xmalloc(sizeof *c), *saved = NULL;
    int rc = 2, r;
    train_config_defaults(c);
    if ((r = train_config_argv(c, argc, argv, 0))) { rc = r > 0 ? 0 : 2; goto out; }
    if (c->resume[0]) {                         /* the checkpoint's config is the base */
        char *arch = ckpt_read_arch(c->resume);
        if (!arch) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); rc = 1; goto out; }
        saved = mg_xmalloc(sizeof *saved);
        train_config_defaults(saved);
        r = train_config_json(saved, arch, c->resume);
        free(arch);
        if (r) { fprintf(stderr, "morphogan: %s (not a checkpoint of morphogan train)\n", mg_error_get()); rc = 1; goto out; }
        TrainConfig *base = mg_xmalloc(sizeof *base);
        *base = *saved;
        snprintf(base->resume, TC_PATH, "%s", c->resume);
        snprintf(base->config, TC_PATH, "%s", c->config);
        free(c);
        c = base;
    }
    if (c->config[0] && train_config_file(c, c->config)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto out; }
    if (train_config_argv(c, argc, argv, 1)) goto out;
    if (train_config_resolve(c)) { fprintf(stderr, "%s\n", mg_error_get()); goto out; }
    if (saved && train_config_same_run(c, saved, c->resume)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); rc = 1; goto out; }
    rc = train_run(c);
out:
    free(c);
    free(saved);
    return rc;
}
