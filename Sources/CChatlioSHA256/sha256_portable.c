// The compression function of FIPS 180-4, section 6.2.2, in C: the fallback on
// CPUs without SHA instructions (plain, or with BMI2's rotates on x86).
#include "sha256_internal.h"

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

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

// The functions of section 4.1.2, in forms with fewer operations and the same
// values (x86 has no three-operand rotate, so each rotate saved is a move saved too):
//   Ch(x,y,z)  = (x AND y) XOR (NOT x AND z)    = z XOR (x AND (y XOR z))
//   Σ0(x) = ROTR2(x) XOR ROTR13(x) XOR ROTR22(x) = ROTR2(x XOR ROTR11(x XOR ROTR9(x)))
//   Σ1(x) = ROTR6(x) XOR ROTR11(x) XOR ROTR25(x) = ROTR6(x XOR ROTR5(x XOR ROTR14(x)))
//   σ0(x) = ROTR7(x) XOR ROTR18(x) XOR SHR3(x)   = ROTR7(x XOR ROTR11(x)) XOR SHR3(x)
//   σ1(x) = ROTR17(x) XOR ROTR19(x) XOR SHR10(x) = ROTR17(x XOR ROTR2(x)) XOR SHR10(x)
// Maj is in ROUND.
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); }
static inline uint32_t big_sigma0(uint32_t x) { return rotr(x ^ rotr(x ^ rotr(x, 9), 11), 2); }
static inline uint32_t big_sigma1(uint32_t x) { return rotr(x ^ rotr(x ^ rotr(x, 14), 5), 6); }
static inline uint32_t small_sigma0(uint32_t x) { return rotr(x ^ rotr(x, 11), 7) ^ (x >> 3); }
static inline uint32_t small_sigma1(uint32_t x) { return rotr(x ^ rotr(x, 2), 17) ^ (x >> 10); }

static inline uint32_t load_big_endian(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// One round, t, of step 3. Instead of shifting all eight working variables each
// round, the caller renames them: the value the standard calls `a` after this
// round lands in `h`'s variable and the new `e` in `d`'s, so the next round is
// ROUND(h, a, b, c, d, e, f, g, ...).
//
// Maj(a,b,c) = (a AND b) XOR (a AND c) XOR (b AND c) = b XOR ((a XOR b) AND (b XOR c)),
// and this round's a XOR b is the next round's b XOR c: `bc` comes in holding
// b XOR c and `ab` leaves holding a XOR b, and the next round swaps the two names.
#define ROUND(a, b, c, d, e, f, g, h, t, bc, ab)                                                \
    do {                                                                                        \
        uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + chatlio_sha256_round_constants[t] + w[(t) & 15]; \
        ab = a ^ b;                                                                             \
        uint32_t t2 = big_sigma0(a) + (b ^ (ab & bc));                                          \
        d += t1;                                                                                \
        h = t1 + t2;                                                                            \
    } while (0)

// Step 1 for t >= 16, over a 16-word window: w[t & 15] still holds W(t-16).
#define EXPAND(t)                                                                               \
    (w[(t) & 15] += small_sigma1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + small_sigma0(w[((t) - 15) & 15]))

#define EIGHT_ROUNDS(t)                                                                         \
    do {                                                                                        \
        ROUND(a, b, c, d, e, f, g, h, (t) + 0, bc, ab);                                         \
        ROUND(h, a, b, c, d, e, f, g, (t) + 1, ab, bc);                                         \
        ROUND(g, h, a, b, c, d, e, f, (t) + 2, bc, ab);                                         \
        ROUND(f, g, h, a, b, c, d, e, (t) + 3, ab, bc);                                         \
        ROUND(e, f, g, h, a, b, c, d, (t) + 4, bc, ab);                                         \
        ROUND(d, e, f, g, h, a, b, c, (t) + 5, ab, bc);                                         \
        ROUND(c, d, e, f, g, h, a, b, (t) + 6, bc, ab);                                         \
        ROUND(b, c, d, e, f, g, h, a, (t) + 7, ab, bc);                                         \
    } while (0)

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
