#include "core/device.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

void *device_alloc(MgDevice dev, size_t bytes) {
    MG_CHECK(dev == MG_CPU, "device %d not built into this binary", (int)dev);
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 64)) mg_fatal("out of memory allocating %zu bytes", bytes);
    return p;
}

void device_free(MgDevice dev, void *p) {
    MG_CHECK(dev == MG_CPU, "device %d not built into this binary", (int)dev);
    free(p);
}

void device_copy(MgDevice dd, void *dst, MgDevice sd, const void *src, size_t bytes) {
    MG_CHECK(dd == MG_CPU && sd == MG_CPU, "device copy %d->%d not built into this binary", (int)sd, (int)dd);
    memmove(dst, src, bytes);
}
