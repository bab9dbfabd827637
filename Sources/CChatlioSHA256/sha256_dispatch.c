// Which backend runs: chosen once per process, at the first compression.
#include "CChatlioSHA256.h"
#include "sha256_internal.h"

#include <stdlib.h>

typedef void (*blocks_function)(uint32_t *, const uint8_t *, size_t);

#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
// 0 until asked; then 1 (no) or 2 (yes). CPUID is slow (in a virtual machine it traps
// to the hypervisor), so it runs once; racing first callers get the same answer.
static int cpu_has_x86_sha_ni_plus_one;

static int cpu_has_x86_sha_ni(void) {
    int cached = __atomic_load_n(&cpu_has_x86_sha_ni_plus_one, __ATOMIC_RELAXED);
    if (cached == 0) {
        cached = chatlio_sha256_cpu_has_x86_sha_ni() + 1;
        __atomic_store_n(&cpu_has_x86_sha_ni_plus_one, cached, __ATOMIC_RELAXED);
    }
    return cached - 1;
}
#endif

int chatlio_sha256_backend_is_available(chatlio_sha256_backend backend) {
    switch (backend) {
    case CHATLIO_SHA256_BACKEND_PORTABLE:
        return 1;
    case CHATLIO_SHA256_BACKEND_X86_SHA_NI:
#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
        return cpu_has_x86_sha_ni();
#else
        return 0;
#endif
    }
    return 0;
}

chatlio_sha256_backend chatlio_sha256_choose_backend(const char *portable_override) {
    int forced = portable_override != NULL && portable_override[0] != '\0' &&
                 !(portable_override[0] == '0' && portable_override[1] == '\0');
    if (!forced && chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_SHA_NI)) {
        return CHATLIO_SHA256_BACKEND_X86_SHA_NI;
    }
    return CHATLIO_SHA256_BACKEND_PORTABLE;
}

static blocks_function function_for(chatlio_sha256_backend backend) {
#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
    if (backend == CHATLIO_SHA256_BACKEND_X86_SHA_NI && cpu_has_x86_sha_ni()) {
        return chatlio_sha256_blocks_x86_sha_ni;
    }
#else
    (void)backend;
#endif
    return chatlio_sha256_blocks_portable;
}

// 0 until the first choice; then the backend plus one. Threads racing to the first
// choice make the same one, so relaxed atomics are enough (they publish no other memory).
static int automatic_backend_plus_one;

chatlio_sha256_backend chatlio_sha256_automatic_backend(void) {
    int cached = __atomic_load_n(&automatic_backend_plus_one, __ATOMIC_RELAXED);
    if (cached != 0) return (chatlio_sha256_backend)(cached - 1);
    chatlio_sha256_backend chosen = chatlio_sha256_choose_backend(getenv("CHATLIO_SHA256_PORTABLE"));
    __atomic_store_n(&automatic_backend_plus_one, (int)chosen + 1, __ATOMIC_RELAXED);
    return chosen;
}

static blocks_function automatic_function;

void chatlio_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    blocks_function function = __atomic_load_n(&automatic_function, __ATOMIC_RELAXED);
    if (function == NULL) {
        function = function_for(chatlio_sha256_automatic_backend());
        __atomic_store_n(&automatic_function, function, __ATOMIC_RELAXED);
    }
    function(state, data, blocks);
}

void chatlio_sha256_blocks_using(chatlio_sha256_backend backend, uint32_t state[8], const uint8_t *data, size_t blocks) {
    function_for(backend)(state, data, blocks);
}
