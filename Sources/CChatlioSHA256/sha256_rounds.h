// The scalar rounds of FIPS 180-4, section 6.2.2, step 3, shared by the C backends
// (portable, BMI2, AVX2); each includes this and compiles it for its own
// instruction set. Not part of the target's interface.
#ifndef CCHATLIO_SHA256_ROUNDS_H
#define CCHATLIO_SHA256_ROUNDS_H

#include <stdint.h>

static inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

// The functions of section 4.1.2, in forms with fewer operations and the same
// values (x86 has no three-operand rotate, so each rotate saved is a move saved too):
//   Ch(x,y,z)  = (x AND y) XOR (NOT x AND z)    = z XOR (x AND (y XOR z))
//   Σ0(x) = ROTR2(x) XOR ROTR13(x) XOR ROTR22(x) = ROTR2(x XOR ROTR11(x XOR ROTR9(x)))
//   Σ1(x) = ROTR6(x) XOR ROTR11(x) XOR ROTR25(x) = ROTR6(x XOR ROTR5(x XOR ROTR14(x)))
//   σ0(x) = ROTR7(x) XOR ROTR18(x) XOR SHR3(x)   = ROTR7(x XOR ROTR11(x)) XOR SHR3(x)
//   σ1(x) = ROTR17(x) XOR ROTR19(x) XOR SHR10(x) = ROTR17(x XOR ROTR2(x)) XOR SHR10(x)
// Maj is in SHA256_ROUND.
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); }
static inline uint32_t big_sigma0(uint32_t x) { return rotr(x ^ rotr(x ^ rotr(x, 9), 11), 2); }
static inline uint32_t big_sigma1(uint32_t x) { return rotr(x ^ rotr(x ^ rotr(x, 14), 5), 6); }
static inline uint32_t small_sigma0(uint32_t x) { return rotr(x ^ rotr(x, 11), 7) ^ (x >> 3); }
static inline uint32_t small_sigma1(uint32_t x) { return rotr(x ^ rotr(x, 2), 17) ^ (x >> 10); }

// One round of step 3; `wk` is W[t] + K[t]. Instead of shifting all eight working
// variables each round, the caller renames them: the value the standard calls `a`
// after this round lands in `h`'s variable and the new `e` in `d`'s, so the next
// round is SHA256_ROUND(h, a, b, c, d, e, f, g, ...).
//
// Maj(a,b,c) = (a AND b) XOR (a AND c) XOR (b AND c) = b XOR ((a XOR b) AND (b XOR c)),
// and this round's a XOR b is the next round's b XOR c: `bc` comes in holding
// b XOR c and `ab` leaves holding a XOR b, and the next round swaps the two names.
#define SHA256_ROUND(a, b, c, d, e, f, g, h, wk, bc, ab)                                        \
    do {                                                                                        \
        uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + (wk);                                   \
        ab = a ^ b;                                                                             \
        uint32_t t2 = big_sigma0(a) + (b ^ (ab & bc));                                          \
        d += t1;                                                                                \
        h = t1 + t2;                                                                            \
    } while (0)

// Rounds t...t+7 on working variables a...h, `bc` and `ab` (declared by the
// caller); WK(t) is the caller's macro for round t's W[t] + K[t].
#define SHA256_EIGHT_ROUNDS(t, WK)                                                              \
    do {                                                                                        \
        SHA256_ROUND(a, b, c, d, e, f, g, h, WK((t) + 0), bc, ab);                              \
        SHA256_ROUND(h, a, b, c, d, e, f, g, WK((t) + 1), ab, bc);                              \
        SHA256_ROUND(g, h, a, b, c, d, e, f, WK((t) + 2), bc, ab);                              \
        SHA256_ROUND(f, g, h, a, b, c, d, e, WK((t) + 3), ab, bc);                              \
        SHA256_ROUND(e, f, g, h, a, b, c, d, WK((t) + 4), bc, ab);                              \
        SHA256_ROUND(d, e, f, g, h, a, b, c, WK((t) + 5), ab, bc);                              \
        SHA256_ROUND(c, d, e, f, g, h, a, b, WK((t) + 6), bc, ab);                              \
        SHA256_ROUND(b, c, d, e, f, g, h, a, WK((t) + 7), ab, bc);                              \
    } while (0)

#endif
