/* Kernel dispatch by device.  Ops never dereference tensor data themselves: they call
 * KERNEL(dev, name)(args), which picks cpu_<name> today and will pick cuda_<name> when the CUDA
 * backend (a later issue) provides it.  Kernels take raw pointers and sizes, no Tensor. */
#ifndef MG_DISPATCH_H
#define MG_DISPATCH_H
#include "core/device.h"
#include "core/error.h"

static inline MgDevice kernel_check_dev(MgDevice d, const char *name) {
    MG_CHECK(d == MG_CPU, "kernel %s has no implementation for device %d in this build", name, (int)d);
    return d;
}
#define KERNEL(dev, name) (kernel_check_dev((dev), #name), cpu_##name)
#endif
