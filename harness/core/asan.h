// SAVEFUZZ_ASAN is defined where AddressSanitizer instruments the code (GCC and clang spell it
// differently).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define SAVEFUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAVEFUZZ_ASAN 1
#endif
#endif
