// The compression function with the message schedule in vector registers (AVX and
// AVX2) and the rounds in scalar C compiled for BMI2, after Intel's "Fast SHA-256
// Implementations on Intel Architecture Processors" (Gulley et al., 2012) and its
// sha256_rorx code: for x86 CPUs without the SHA extensions (Haswell to Cascade
// Lake, and valgrind's CPU). Compiled for every x86 CPU; only called once CPUID and
// XGETBV said the CPU and the OS have AVX2 and BMI2.
#include "sha256_internal.h"
#include "sha256_rounds.h"

#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
#include <cpuid.h>
#include <immintrin.h>

int chatlio_sha256_cpu_has_x86_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // AVX (ECX bit 28) and OSXSAVE (bit 27): the OS manages register state with XSAVE,
    // so XGETBV can tell whether it saves the upper halves of the ymm registers on a
    // context switch too (XCR0 bits 1 and 2, SSE and AVX state). Without that, a
    // CPU with AVX2 still cannot use it.
    if (!(ecx & (1u << 27)) || !(ecx & (1u << 28))) return 0;
    unsigned xcr0, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0_high) : "c"(0));
    if ((xcr0 & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & (1u << 5)) != 0 && (ebx & (1u << 8)) != 0;  // AVX2: EBX bit 5; BMI2: EBX bit 8
}

#define AVX2 __attribute__((target("avx2,bmi2")))

// K0...K63 (chatlio_sha256_round_constants) in groups of four, each group twice:
// one 32-byte load adds the same four constants to both blocks of a ymm register.
_Alignas(32) static const uint32_t round_constants_twice[128] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// W[t] + K[t] for the rounds, in the order the vector code makes them: group g
// (rounds 4g...4g+3) at wk[8g...8g+3] for one block and wk[8g+4...8g+7] for the
// block after it, the two halves of one ymm register.
enum { WK_WORDS = 128 };
#define STRIDED_WK(t) wk[((t) >> 2) * 8 + ((t) & 3)]

// The 64 rounds of one block from its W + K, each a single load (the portable
// code adds K[t] and W[t] in every round, and computes W[t] in scalar registers
// between them). Not inlined: the two-block loop runs it twice, the one-block tail
// once more, and one copy of its 64 unrolled rounds (about 6 KB) is enough.
AVX2 __attribute__((noinline)) static void rounds_from_wk(uint32_t state[8], const uint32_t *wk) {
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    uint32_t bc = b ^ c, ab;
    SHA256_EIGHT_ROUNDS(0, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(8, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(16, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(24, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(32, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(40, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(48, STRIDED_WK);
    SHA256_EIGHT_ROUNDS(56, STRIDED_WK);
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

// Step 1, four words a register with W[t] in lane 0 (of each 128-bit half: every
// instruction here works within the halves, so a ymm register schedules two blocks
// at once). From x0...x3 = W[t-16..t-13], W[t-12..t-9], W[t-8..t-5], W[t-4..t-1],
// the next four, W[t..t+3] = σ1(W[t-2..t+1]) + W[t-7..t-4] + σ0(W[t-15..t-12]) + W[t-16..t-13].
// There is no vector rotate, so σ0 is three shifts right and two left. σ1 of W[t]
// and W[t+1] needs W[t-2] and W[t-1], which are here, but σ1 of W[t+2] and W[t+3]
// needs W[t] and W[t+1], which are being made: two passes, each over a pair. A pass
// copies each word of its pair into both halves of a 64-bit lane, where a 64-bit
// shift right by 17 or 19 leaves the 32-bit rotate in the low half; PSHUFB then
// moves the pair's two results to where they add and zeroes the rest.
#define DEFINE_NEXT_WORDS(name, V, P, XOR)                                                      \
    AVX2 static inline V name(V x0, V x1, V x2, V x3, V to_low_pair, V to_high_pair) {          \
        V w15 = P##alignr_epi8(x1, x0, 4);                                                      \
        V w7 = P##alignr_epi8(x3, x2, 4);                                                       \
        V s0 = XOR(XOR(XOR(P##srli_epi32(w15, 7), P##slli_epi32(w15, 25)),                      \
                       XOR(P##srli_epi32(w15, 18), P##slli_epi32(w15, 14))),                    \
                   P##srli_epi32(w15, 3));                                                      \
        V words = P##add_epi32(P##add_epi32(x0, w7), s0);                                       \
        V pair = P##shuffle_epi32(x3, 0xFA); /* W[t-2] W[t-2] W[t-1] W[t-1] */                 \
        V s1 = XOR(XOR(P##srli_epi32(pair, 10), P##srli_epi64(pair, 17)), P##srli_epi64(pair, 19)); \
        words = P##add_epi32(words, P##shuffle_epi8(s1, to_low_pair));                          \
        pair = P##shuffle_epi32(words, 0x50); /* W[t] W[t] W[t+1] W[t+1] */                     \
        s1 = XOR(XOR(P##srli_epi32(pair, 10), P##srli_epi64(pair, 17)), P##srli_epi64(pair, 19)); \
        return P##add_epi32(words, P##shuffle_epi8(s1, to_high_pair));                          \
    }

DEFINE_NEXT_WORDS(next_words_128, __m128i, _mm_, _mm_xor_si128)
DEFINE_NEXT_WORDS(next_words_256, __m256i, _mm256_, _mm256_xor_si256)

// PSHUFB masks (per 128-bit half): the bytes of each 32-bit word reversed (the
// message is big-endian); lanes 0 and 2 to lanes 0 and 1, zeros above; lanes 0
// and 2 to lanes 2 and 3, zeros below.
#define BYTE_SWAP 0x0c0d0e0f08090a0bLL, 0x0405060700010203LL
#define TO_LOW_PAIR -1LL, 0x0b0a090803020100LL
#define TO_HIGH_PAIR 0x0b0a090803020100LL, -1LL

// The schedule of the next four words into x0 (the oldest), then its W + K into
// `wk`, for group g; the callers rotate the names of x0...x3.
#define SCHEDULE_GROUP_128(g, x0, x1, x2, x3)                                                   \
    do {                                                                                        \
        x0 = next_words_128(x0, x1, x2, x3, to_low_pair, to_high_pair);                         \
        _mm_store_si128((__m128i *)(void *)&wk[8 * (g)],                                        \
            _mm_add_epi32(x0, _mm_load_si128((const __m128i *)(const void *)&round_constants_twice[8 * (g)]))); \
    } while (0)

#define SCHEDULE_GROUP_256(g, x0, x1, x2, x3)                                                   \
    do {                                                                                        \
        x0 = next_words_256(x0, x1, x2, x3, to_low_pair, to_high_pair);                         \
        _mm256_store_si256((__m256i *)(void *)&wk[8 * (g)],                                     \
            _mm256_add_epi32(x0, _mm256_load_si256((const __m256i *)(const void *)&round_constants_twice[8 * (g)]))); \
    } while (0)

// Groups 4...15 from groups 0...3 in x0...x3.
#define SCHEDULE_GROUPS_4_TO_15(WIDTH)                                                          \
    do {                                                                                        \
        SCHEDULE_GROUP_##WIDTH(4, x0, x1, x2, x3);  SCHEDULE_GROUP_##WIDTH(5, x1, x2, x3, x0);  \
        SCHEDULE_GROUP_##WIDTH(6, x2, x3, x0, x1);  SCHEDULE_GROUP_##WIDTH(7, x3, x0, x1, x2);  \
        SCHEDULE_GROUP_##WIDTH(8, x0, x1, x2, x3);  SCHEDULE_GROUP_##WIDTH(9, x1, x2, x3, x0);  \
        SCHEDULE_GROUP_##WIDTH(10, x2, x3, x0, x1); SCHEDULE_GROUP_##WIDTH(11, x3, x0, x1, x2); \
        SCHEDULE_GROUP_##WIDTH(12, x0, x1, x2, x3); SCHEDULE_GROUP_##WIDTH(13, x1, x2, x3, x0); \
        SCHEDULE_GROUP_##WIDTH(14, x2, x3, x0, x1); SCHEDULE_GROUP_##WIDTH(15, x3, x0, x1, x2); \
    } while (0)

// W + K of one block, into the first half of each group of `wk`.
AVX2 static inline void schedule_one_block(uint32_t wk[WK_WORDS], const uint8_t *block) {
    const __m128i byte_swap = _mm_set_epi64x(BYTE_SWAP);
    const __m128i to_low_pair = _mm_set_epi64x(TO_LOW_PAIR), to_high_pair = _mm_set_epi64x(TO_HIGH_PAIR);
    __m128i x[4];
    for (int g = 0; g < 4; g++) {
        x[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(block + 16 * g)), byte_swap);
        _mm_store_si128((__m128i *)(void *)&wk[8 * g],
            _mm_add_epi32(x[g], _mm_load_si128((const __m128i *)(const void *)&round_constants_twice[8 * g])));
    }
    __m128i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    SCHEDULE_GROUPS_4_TO_15(128);
}

// W + K of two blocks at once: `first` in the low half of each ymm register and
// of each group of `wk`, `second` in the high half.
AVX2 static inline void schedule_two_blocks(uint32_t wk[WK_WORDS], const uint8_t *first, const uint8_t *second) {
    const __m256i byte_swap = _mm256_set_epi64x(BYTE_SWAP, BYTE_SWAP);
    const __m256i to_low_pair = _mm256_set_epi64x(TO_LOW_PAIR, TO_LOW_PAIR);
    const __m256i to_high_pair = _mm256_set_epi64x(TO_HIGH_PAIR, TO_HIGH_PAIR);
    __m256i x[4];
    for (int g = 0; g < 4; g++) {
        __m256i both = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(first + 16 * g))),
            _mm_loadu_si128((const __m128i *)(const void *)(second + 16 * g)), 1);
        x[g] = _mm256_shuffle_epi8(both, byte_swap);
        _mm256_store_si256((__m256i *)(void *)&wk[8 * g],
            _mm256_add_epi32(x[g], _mm256_load_si256((const __m256i *)(const void *)&round_constants_twice[8 * g])));
    }
    __m256i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    SCHEDULE_GROUPS_4_TO_15(256);
}

AVX2 void chatlio_sha256_blocks_x86_avx2(uint32_t state[8], const uint8_t *data, size_t blocks) {
    _Alignas(32) uint32_t wk[WK_WORDS];
    for (; blocks >= 2; blocks -= 2, data += 128) {
        schedule_two_blocks(wk, data, data + 64);
        rounds_from_wk(state, wk);
        rounds_from_wk(state, wk + 4);
    }
    if (blocks == 1) {
        schedule_one_block(wk, data);
        rounds_from_wk(state, wk);
    }
}
#endif
