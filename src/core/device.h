/* Where tensor memory lives.  Only MG_CPU is built today; the CUDA backend (a later issue) adds
 * MG_CUDA.  Code outside src/kernels never dereferences tensor data of a non-CPU device: ops
 * call kernels through kernel_table(dev) (kernels/kernels.h), and memory is allocated through
 * device_alloc/device_free, so a second backend only adds a table and an allocator. */
#ifndef MG_DEVICE_H
#define MG_DEVICE_H
#include <stddef.h>

typedef enum { MG_CPU = 0, MG_CUDA = 1 } MgDevice;

void *device_alloc(MgDevice dev, size_t bytes);      /* persistent storage (parameters) */
void device_free(MgDevice dev, void *p);
void device_copy(MgDevice dst_dev, void *dst, MgDevice src_dev, const void *src, size_t bytes);
#endif
