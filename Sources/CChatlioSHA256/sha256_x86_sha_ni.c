// The compression function with the x86 SHA extensions (Intel SHA Extensions,
// and the SDM's SHA256RNDS2, SHA256MSG1 and SHA256MSG2). Compiled for every x86
// CPU; only called once CPUID said the CPU has SHA and SSE4.1.
#include "sha256_internal.h"

#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
#include <cpuid.h>
#include <immintrin.h>

int chatlio_sha256_cpu_has_x86_sha_ni(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // SSSE3 (ECX bit 9) for PSHUFB and PALIGNR, SSE4.1 (ECX bit 19) for PBLENDW.
    if (!(ecx & (1u << 9)) || !(ecx & (1u << 19))) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    // SHA: leaf 7, sub-leaf 0, EBX bit 29. These are SSE-register instructions,
    // so no OS support for wider (XSAVE) state is needed.
    return (ebx & (1u << 29)) != 0;
}

int chatlio_sha256_cpu_has_x86_bmi2(void) {
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & (1u << 8)) != 0;  // BMI2: leaf 7, sub-leaf 0, EBX bit 8
}

#define SHA_NI __attribute__((target("sha,sse4.1")))

// SHA256RNDS2 works on the state split in two registers, ABEF and CDGH (A and C
// in the top lane, F and H in the bottom one), and does two rounds with the two
// low lanes of its third operand, W[t] + K[t] in lane 0 and the next round's in
// lane 1. Its result is the new ABEF; the old ABEF is the new CDGH. So four
// rounds are two of them with the registers' roles swapped in between, which
// leaves `abef` and `cdgh` holding what their names say.
#define FOUR_ROUNDS(group, words)                                                               \
    do {                                                                                        \
        __m128i wk = _mm_add_epi32(words, _mm_loadu_si128(                                      \
            (const __m128i *)(const void *)&chatlio_sha256_round_constants[4 * (group)]));      \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                           \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));                  \
    } while (0)

// The schedule, four words a register with W[t] in lane 0: the next four words,
// W[t+16..t+19] = sigma1(W[t+14..t+17]) + W[t+9..t+12] + sigma0(W[t+1..t+4]) + W[t..t+3],
// replace the oldest four, w0 = W[t..t+3] (w1, w2, w3 being the next groups).
// SHA256MSG1(w0, w1) is W[t..t+3] + sigma0(W[t+1..t+4]); PALIGNR picks W[t+9..t+12]
// out of w2 and w3; SHA256MSG2 with w3 adds the sigma1 terms, computing the words
// the top two lanes need (W[t+16] and W[t+17]) itself.
#define NEXT_WORDS(w0, w1, w2, w3)                                                              \
    (w0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4)), w3))

// Sixteen rounds from four word groups, each group then replaced by the one
// sixteen words on.
#define SIXTEEN_ROUNDS_AND_NEXT_WORDS(group)                                                    \
    do {                                                                                        \
        FOUR_ROUNDS((group) + 0, w0); NEXT_WORDS(w0, w1, w2, w3);                               \
        FOUR_ROUNDS((group) + 1, w1); NEXT_WORDS(w1, w2, w3, w0);                               \
        FOUR_ROUNDS((group) + 2, w2); NEXT_WORDS(w2, w3, w0, w1);                               \
        FOUR_ROUNDS((group) + 3, w3); NEXT_WORDS(w3, w0, w1, w2);                               \
    } while (0)

SHA_NI void chatlio_sha256_blocks_x86_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // PSHUFB mask that reverses the bytes of each 32-bit lane: the message is big-endian.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // state[0..3] = A B C D and state[4..7] = E F G H, lane 0 first.
    __m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);             // lanes B A D C
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);             // lanes H G F E
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);            // lanes F E B A
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);         // lanes H G D C

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 0)), byte_swap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16)), byte_swap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 32)), byte_swap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 48)), byte_swap);
        SIXTEEN_ROUNDS_AND_NEXT_WORDS(0);
        SIXTEEN_ROUNDS_AND_NEXT_WORDS(4);
        SIXTEEN_ROUNDS_AND_NEXT_WORDS(8);
        FOUR_ROUNDS(12, w0);
        FOUR_ROUNDS(13, w1);
        FOUR_ROUNDS(14, w2);
        FOUR_ROUNDS(15, w3);
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    __m128i abef_reversed = _mm_shuffle_epi32(abef, 0x1B);    // lanes A B E F
    __m128i cdgh_swapped = _mm_shuffle_epi32(cdgh, 0xB1);     // lanes G H C D
    _mm_storeu_si128((__m128i *)(void *)&state[0], _mm_blend_epi16(abef_reversed, cdgh_swapped, 0xF0));  // A B C D
    _mm_storeu_si128((__m128i *)(void *)&state[4], _mm_alignr_epi8(cdgh_swapped, abef_reversed, 8));      // E F G H
}
#endif
