#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc) since start, when
/// interposition works on this platform (glibc); 0 elsewhere.
unsigned long long malloc_counter_allocations(void);
/// Whether the counter is live on this platform.
int malloc_counter_is_active(void);
#endif
