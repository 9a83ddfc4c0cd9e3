/* Bump allocator for the activations, gradients and graph nodes of one training step.
 * arena_reset() makes all of it reusable without freeing: after the first step no malloc happens
 * in the hot loop.  Allocations are 64-byte aligned (AVX-512 friendly).  Memory is host memory;
 * a device backend gives its own arena (see core/device.h). */
#ifndef MG_ARENA_H
#define MG_ARENA_H
#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(size_t chunk_bytes);
void *arena_alloc(Arena *a, size_t bytes);   /* never NULL (fatal on OOM), 64-byte aligned, uninitialised */
void arena_reset(Arena *a);                  /* everything allocated so far becomes free; chunks are kept */
size_t arena_used(const Arena *a);           /* bytes in use since the last reset */
size_t arena_peak(const Arena *a);           /* high-water mark over the arena's life */
void arena_free(Arena *a);
#endif
