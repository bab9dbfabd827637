// Interposes glibc's allocator entry points in the benchmark executable to count allocations.
// The real work is done by glibc's __libc_* functions; nothing is changed but a relaxed counter.
#include <stdlib.h>
#include "MallocCounter.h"
#if defined(__linux__) && defined(__GLIBC__)
#include <stddef.h>
#include <errno.h>
#include <stdatomic.h>
#include <malloc.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static _Atomic unsigned long long allocations = 0;

static inline void count(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

void *malloc(size_t size) { count(); return __libc_malloc(size); }
void *calloc(size_t count_, size_t size) { count(); return __libc_calloc(count_, size); }
void *realloc(void *pointer, size_t size) { count(); return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return ENOMEM;
    *out = pointer;
    return 0;
}
void *aligned_alloc(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }

unsigned long long malloc_counter_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
int malloc_counter_is_active(void) { return 1; }
unsigned long long malloc_counter_heap_in_use_bytes(void) {
    struct mallinfo2 info = mallinfo2();
    return (unsigned long long)info.uordblks + (unsigned long long)info.hblkhd;
}
#else
unsigned long long malloc_counter_allocations(void) { return 0; }
int malloc_counter_is_active(void) { return 0; }
unsigned long long malloc_counter_heap_in_use_bytes(void) { return 0; }
#endif
