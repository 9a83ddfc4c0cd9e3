#include "train/gan_model.h"
#include <string.h>

void gan_model_free(GanModel *m) {
    if (m->free_impl) m->free_impl(m);
    params_free(m->buffers);
    memset(m, 0, sizeof *m);
}
