#include "core/arena.h"
#include "core/error.h"
#include <stdint.h>
#include <stdlib.h>

typedef struct Chunk {
    struct Chunk *next;
    size_t size, used;
    unsigned char *mem;
} Chunk;

struct Arena {
    Chunk *head, *cur;     /* chunks form a list; cur is the one being filled */
    size_t chunk_bytes, used, peak;
};

static Chunk *chunk_new(size_t size) {
    Chunk *c = mg_xcalloc(1, sizeof *c);
    if (posix_memalign((void **)&c->mem, 64, size)) mg_fatal("out of memory: arena chunk of %zu bytes", size);
    c->size = size;
    return c;
}

Arena *arena_new(size_t chunk_bytes) {
    Arena *a = mg_xcalloc(1, sizeof *a);
    a->chunk_bytes = chunk_bytes ? chunk_bytes : (64u << 20);
    a->head = a->cur = chunk_new(a->chunk_bytes);
    return a;
}

void *arena_alloc(Arena *a, size_t bytes) {
    bytes = (bytes + 63) & ~(size_t)63;
    if (!bytes) bytes = 64;
    for (;;) {
        Chunk *c = a->cur;
        if (c->used + bytes <= c->size) {
            void *p = c->mem + c->used;
            c->used += bytes;
            a->used += bytes;
            if (a->used > a->peak) a->peak = a->used;
            return p;
        }
        if (c->next && c->next->size >= bytes) { /* reuse a chunk kept from an earlier step */
            a->cur = c->next;
            continue;
        }
        /* a new chunk, inserted after cur so that kept chunks stay in the list */
        size_t sz = bytes > a->chunk_bytes ? bytes : a->chunk_bytes;
        Chunk *n = chunk_new(sz);
        n->next = c->next;
        c->next = n;
        a->cur = n;
    }
}

void arena_reset(Arena *a) {
    for (Chunk *c = a->head; c; c = c->next) c->used = 0;
    a->cur = a->head;
    a->used = 0;
}

size_t arena_used(const Arena *a) { return a->used; }
size_t arena_peak(const Arena *a) { return a->peak; }

void arena_free(Arena *a) {
    if (!a) return;
    for (Chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c->mem);
        free(c);
    }
    free(a);
}
