// Shared by the backends of CChatlioSHA256; not part of its interface.
#ifndef CCHATLIO_SHA256_INTERNAL_H
#define CCHATLIO_SHA256_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/// The 64 round constants K0...K63 (FIPS 180-4, section 4.2.2): the first 32
/// bits of the fractional parts of the cube roots of the first 64 primes.
extern const uint32_t chatlio_sha256_round_constants[64];

void chatlio_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

#if defined(__x86_64__) || defined(__i386__)
#define CHATLIO_SHA256_HAVE_X86_SHA_NI 1
/// Needs SHA and SSE4.1 (which implies SSSE3); check with chatlio_sha256_cpu_has_x86_sha_ni.
void chatlio_sha256_blocks_x86_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks);
int chatlio_sha256_cpu_has_x86_sha_ni(void);
/// The portable code compiled for BMI2; check with chatlio_sha256_cpu_has_x86_bmi2.
void chatlio_sha256_blocks_x86_bmi2(uint32_t state[8], const uint8_t *data, size_t blocks);
int chatlio_sha256_cpu_has_x86_bmi2(void);
/// The message schedule in AVX2 registers (two blocks at a time) and the rounds
/// with BMI2; check with chatlio_sha256_cpu_has_x86_avx2 (which checks the OS's
/// ymm support too).
void chatlio_sha256_blocks_x86_avx2(uint32_t state[8], const uint8_t *data, size_t blocks);
int chatlio_sha256_cpu_has_x86_avx2(void);
#endif

#endif
