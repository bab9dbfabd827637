#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc) since start, when
/// interposition works on this platform (glibc); 0 elsewhere.
unsigned long long malloc_counter_allocations(void);
/// Bytes malloc has handed out and not had back (glibc's mallinfo2: arena and mmap'd blocks in use); 0
/// elsewhere. Unlike RSS it does not count freed memory the allocator keeps, so it tells a leak from
/// fragmentation.
unsigned long long malloc_counter_heap_in_use_bytes(void);
/// Whether the counter is live on this platform.
int malloc_counter_is_active(void);
#endif
