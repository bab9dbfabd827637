// Which backend runs: chosen once per process, at the first compression.
#include "CChatlioSHA256.h"
#include "sha256_internal.h"

#include <stdlib.h>

typedef void (*blocks_function)(uint32_t *, const uint8_t *, size_t);

enum { FEATURES_KNOWN = 1, FEATURE_SHA_NI = 2, FEATURE_BMI2 = 4, FEATURE_AVX2 = 8 };

// 0 until asked, then FEATURES_KNOWN plus what the CPU and the OS allow. CPUID is
// slow (in a virtual machine it traps to the hypervisor), so the checks run once;
// first callers racing here get the same answer, so relaxed atomics are enough.
// FEATURE_AVX2 means AVX2 and BMI2 on the CPU and ymm state saved by the OS: its
// check reads CPUID leaf 1 for OSXSAVE (XGETBV itself faults without it), XGETBV
// for XCR0 bits 1 and 2, then leaf 7. SHA-NI (xmm registers) and BMI2 (general
// registers) need only CPUID, as every x86-64 OS saves that state.
static int cpu_features_cache;

static int cpu_features(void) {
    int cached = __atomic_load_n(&cpu_features_cache, __ATOMIC_RELAXED);
    if (cached == 0) {
        cached = FEATURES_KNOWN;
#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
        if (chatlio_sha256_cpu_has_x86_sha_ni()) cached |= FEATURE_SHA_NI;
        if (chatlio_sha256_cpu_has_x86_bmi2()) cached |= FEATURE_BMI2;
        if (chatlio_sha256_cpu_has_x86_avx2()) cached |= FEATURE_AVX2;
#endif
        __atomic_store_n(&cpu_features_cache, cached, __ATOMIC_RELAXED);
    }
    return cached;
}

int chatlio_sha256_backend_is_available(chatlio_sha256_backend backend) {
    switch (backend) {
    case CHATLIO_SHA256_BACKEND_PORTABLE:
        return 1;
    case CHATLIO_SHA256_BACKEND_X86_SHA_NI:
        return (cpu_features() & FEATURE_SHA_NI) != 0;
    case CHATLIO_SHA256_BACKEND_X86_BMI2:
        return (cpu_features() & FEATURE_BMI2) != 0;
    case CHATLIO_SHA256_BACKEND_X86_AVX2:
        return (cpu_features() & FEATURE_AVX2) != 0;
    }
    return 0;
}

// Fastest first. SHA-NI does the rounds in hardware and beats everything else here.
// AVX2 comes before BMI2 because it makes the message schedule four words an
// instruction, two blocks a pass, and runs the same BMI2 rounds from one W + K load
// each (callgrind, one call: 2,051 instructions for one block and 1,832 a block for
// two, against BMI2's 2,761 and 2,721 and plain C's 3,013 and 2,977). Its rounds use
// RORX, so the AVX2 check requires BMI2 too. BMI2 alone is the portable C with RORX;
// plain portable C is what is left.
chatlio_sha256_backend chatlio_sha256_choose_backend(const char *portable_override) {
    int forced = portable_override != NULL && portable_override[0] != '\0' &&
                 !(portable_override[0] == '0' && portable_override[1] == '\0');
    if (forced) return CHATLIO_SHA256_BACKEND_PORTABLE;
    if (chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_SHA_NI)) return CHATLIO_SHA256_BACKEND_X86_SHA_NI;
    if (chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_AVX2)) return CHATLIO_SHA256_BACKEND_X86_AVX2;
    if (chatlio_sha256_backend_is_available(CHATLIO_SHA256_BACKEND_X86_BMI2)) return CHATLIO_SHA256_BACKEND_X86_BMI2;
    return CHATLIO_SHA256_BACKEND_PORTABLE;
}

static blocks_function function_for(chatlio_sha256_backend backend) {
    if (!chatlio_sha256_backend_is_available(backend)) return chatlio_sha256_blocks_portable;
    switch (backend) {
#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
    case CHATLIO_SHA256_BACKEND_X86_SHA_NI:
        return chatlio_sha256_blocks_x86_sha_ni;
    case CHATLIO_SHA256_BACKEND_X86_BMI2:
        return chatlio_sha256_blocks_x86_bmi2;
    case CHATLIO_SHA256_BACKEND_X86_AVX2:
        return chatlio_sha256_blocks_x86_avx2;
#endif
    default:
        return chatlio_sha256_blocks_portable;
    }
}

// 0 until the first choice; then the backend plus one (relaxed, as above).
static int automatic_backend_plus_one;

chatlio_sha256_backend chatlio_sha256_automatic_backend(void) {
    int cached = __atomic_load_n(&automatic_backend_plus_one, __ATOMIC_RELAXED);
    if (cached != 0) return (chatlio_sha256_backend)(cached - 1);
    chatlio_sha256_backend chosen = chatlio_sha256_choose_backend(getenv("CHATLIO_SHA256_PORTABLE"));
    __atomic_store_n(&automatic_backend_plus_one, (int)chosen + 1, __ATOMIC_RELAXED);
    return chosen;
}

// NULL until the first compression, then the automatic backend's function. It
// points at code only, so publishing it needs no ordering either.
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
