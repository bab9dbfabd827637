// The compression function of FIPS 180-4, section 6.2.2, in C: the fallback on
// CPUs without SHA instructions (plain, or with BMI2's rotates on x86).
#include "sha256_internal.h"
#include "sha256_rounds.h"

const uint32_t chatlio_sha256_round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t load_big_endian(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// W[t] + K[t] for SHA256_EIGHT_ROUNDS, from the 16-word window `w`.
#define WINDOW_WK(t) (chatlio_sha256_round_constants[t] + w[(t) & 15])
#define EIGHT_ROUNDS(t) SHA256_EIGHT_ROUNDS(t, WINDOW_WK)

// Step 1 for t >= 16, over a 16-word window: w[t & 15] still holds W(t-16).
#define EXPAND(t)                                                                               \
    (w[(t) & 15] += small_sigma1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + small_sigma0(w[((t) - 15) & 15]))

#define EXPAND_EIGHT(t)                                                                         \
    do {                                                                                        \
        EXPAND((t) + 0); EXPAND((t) + 1); EXPAND((t) + 2); EXPAND((t) + 3);                     \
        EXPAND((t) + 4); EXPAND((t) + 5); EXPAND((t) + 6); EXPAND((t) + 7);                     \
    } while (0)

// The body of every C backend; each wrapper below compiles it for its own
// instruction set.
__attribute__((always_inline)) static inline void compress_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32_t w[16];
    for (; blocks > 0; blocks--, data += 64) {
        for (int t = 0; t < 16; t++) w[t] = load_big_endian(data + 4 * t);
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        uint32_t bc = b ^ c, ab;
        EIGHT_ROUNDS(0);
        EIGHT_ROUNDS(8);
        // Eight schedule words, then their rounds: a word overwrites only the one
        // 16 back from itself, which no later word of the eight reads. Written out
        // rather than looped so every index into `w` is a constant.
        EXPAND_EIGHT(16); EIGHT_ROUNDS(16);
        EXPAND_EIGHT(24); EIGHT_ROUNDS(24);
        EXPAND_EIGHT(32); EIGHT_ROUNDS(32);
        EXPAND_EIGHT(40); EIGHT_ROUNDS(40);
        EXPAND_EIGHT(48); EIGHT_ROUNDS(48);
        EXPAND_EIGHT(56); EIGHT_ROUNDS(56);
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

void chatlio_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    compress_blocks(state, data, blocks);
}

#ifdef CHATLIO_SHA256_HAVE_X86_SHA_NI
// The same C with BMI2's RORX, a rotate that leaves its source alone, which
// saves the register copies plain x86-64 needs around each rotate (about a tenth
// of the instructions). For x86 CPUs without the SHA extensions, and for
// valgrind, which hides them.
__attribute__((target("bmi2"))) void chatlio_sha256_blocks_x86_bmi2(uint32_t state[8], const uint8_t *data, size_t blocks) {
    compress_blocks(state, data, blocks);
}
#endif
