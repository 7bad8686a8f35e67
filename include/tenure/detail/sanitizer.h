// AddressSanitizer hooks for memory the runtime manages itself. Without ASan
// they compile to nothing.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define TENURE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TENURE_ASAN 1
#endif
#endif
#ifndef TENURE_ASAN
#define TENURE_ASAN 0
#endif

#if TENURE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace tenure::detail {

// A poisoned range makes any access by user code an ASan error report
// (use-after-poison), which is how freed pool blocks stay visible to ASan.
inline void poison(const void* address, std::size_t size) noexcept {
#if TENURE_ASAN
  ASAN_POISON_MEMORY_REGION(address, size);
#else
  (void)address, (void)size;
#endif
}

inline void unpoison(const void* address, std::size_t size) noexcept {
#if TENURE_ASAN
  ASAN_UNPOISON_MEMORY_REGION(address, size);
#else
  (void)address, (void)size;
#endif
}

#if !TENURE_ASAN
// A runtime built without the sanitizer can still run in a program that has
// it (tenure_verify_tests SANITIZE builds the tests, not tenure): there the
// weak references find LeakSanitizer, elsewhere they are null.
extern "C" {
void __lsan_register_root_region(const void* p, std::size_t size)
    __attribute__((weak));
void __lsan_unregister_root_region(const void* p, std::size_t size)
    __attribute__((weak));
}
#endif

// Memory the runtime maps itself is invisible to LeakSanitizer unless
// registered: pointers held there (a std::string's buffer inside a pooled
// object) would otherwise be reported as leaks.
inline void register_root_region(const void* address,
                                 std::size_t size) noexcept {
#if TENURE_ASAN
  __lsan_register_root_region(address, size);
#else
  if (__lsan_register_root_region) __lsan_register_root_region(address, size);
#endif
}

inline void unregister_root_region(const void* address,
                                   std::size_t size) noexcept {
#if TENURE_ASAN
  __lsan_unregister_root_region(address, size);
#else
  if (__lsan_unregister_root_region)
    __lsan_unregister_root_region(address, size);
#endif
}

}  // namespace tenure::detail
