// SHA-256 compression (FIPS 180-4, section 6.2.2) over whole 64-byte blocks.
//
// Padding, lengths and partial blocks are the caller's business (ChatlioXDMMapper's
// SHA256 type); this target only turns the chaining state and N blocks into the next
// state, as fast as the CPU allows. The backend is chosen once, at run time, from
// what CPUID (and, for AVX2, XGETBV) says, fastest first:
//   1. the x86 SHA extensions (SHA-NI, with SSE4.1): the rounds in hardware;
//   2. AVX2 with BMI2: the message schedule in vector registers, two blocks at a
//      time, and the rounds in C with RORX (x86 CPUs without SHA-NI, and valgrind,
//      which hides SHA-NI but emulates AVX2);
//   3. BMI2: the portable C compiled to use RORX (x86 CPUs without AVX2);
//   4. portable C: every other CPU, and every non-x86 build.
// AVX2 alone also needs XGETBV: CPUID says what the CPU can do, but the ymm
// registers are usable only once the OS saves their upper halves on a context
// switch (XCR0 bits 1 and 2); without that, AVX instructions fault. SHA-NI works on
// xmm registers and BMI2 on general ones, which every x86-64 OS saves, so CPUID
// alone decides those.
// Setting CHATLIO_SHA256_PORTABLE=1 in the environment forces the portable code
// (read once, at the first compression), so a whole test run can cover it.
#ifndef CCHATLIO_SHA256_H
#define CCHATLIO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#pragma clang assume_nonnull begin

#ifdef __cplusplus
extern "C" {
#endif

/// The implementations of the compression function.
typedef enum chatlio_sha256_backend {
    /// Plain C, on every CPU.
    CHATLIO_SHA256_BACKEND_PORTABLE = 0,
    /// SHA256RNDS2 / SHA256MSG1 / SHA256MSG2 (the x86 SHA extensions) with SSE4.1.
    CHATLIO_SHA256_BACKEND_X86_SHA_NI = 1,
    /// The portable C compiled for x86 BMI2 (RORX): x86 CPUs without the SHA extensions.
    CHATLIO_SHA256_BACKEND_X86_BMI2 = 2,
    /// The message schedule in AVX2 registers, two blocks at a time, and the rounds
    /// with BMI2: x86 CPUs without the SHA extensions but with AVX2 and an OS that
    /// saves ymm state.
    CHATLIO_SHA256_BACKEND_X86_AVX2 = 3,
} chatlio_sha256_backend;

/// Compresses `blocks` 64-byte blocks at `data` into `state` (H0...H7, native
/// integers), with the backend chosen for this process (see
/// chatlio_sha256_automatic_backend). `data` needs no alignment.
void chatlio_sha256_blocks(uint32_t state[_Nonnull 8], const uint8_t *data, size_t blocks);

/// The same with a given backend; one this CPU lacks falls back to the portable code.
void chatlio_sha256_blocks_using(chatlio_sha256_backend backend, uint32_t state[_Nonnull 8], const uint8_t *data, size_t blocks);

/// Whether this build and this CPU can run `backend`.
int chatlio_sha256_backend_is_available(chatlio_sha256_backend backend);

/// The backend chatlio_sha256_blocks uses in this process: chosen at its first
/// use from the CPU and CHATLIO_SHA256_PORTABLE, then fixed.
chatlio_sha256_backend chatlio_sha256_automatic_backend(void);

/// The choice chatlio_sha256_automatic_backend makes, for a given value of
/// CHATLIO_SHA256_PORTABLE (NULL when unset): the plain portable code when the
/// value is set to anything but "" or "0", else the fastest available backend
/// (SHA extensions, then AVX2, then BMI2, then plain portable).
chatlio_sha256_backend chatlio_sha256_choose_backend(const char *_Nullable portable_override);

#ifdef __cplusplus
}
#endif

#pragma clang assume_nonnull end

#endif
