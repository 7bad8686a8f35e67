// Build-mode switches shared by the handle library and the runtime.
#pragma once

// TENURE_CHECKS turns on the misuse checks (owner thread, refcount underflow,
// use after destruction, stale weak handles). They abort with a one-line
// message naming the type. Default: on unless NDEBUG.
#ifndef TENURE_CHECKS
#ifdef NDEBUG
#define TENURE_CHECKS 0
#else
#define TENURE_CHECKS 1
#endif
#endif

// TENURE_VERIFY (the CMake option of the same name) turns on verification
// mode for test builds: allocation sites recorded by make<T>, per-site Ref
// copy counts, sites in snapshots and cycle reports. Off, none of it costs a
// byte or an instruction.
#ifndef TENURE_VERIFY
#define TENURE_VERIFY 0
#endif

namespace tenure::detail {
// Ref and make compile differently in the two modes, so a program must not
// mix them. Each translation unit that includes tenure refers to a symbol
// that only a runtime built in the same mode defines: a mix fails to link,
// naming the mode that is missing, instead of misbehaving silently.
#if TENURE_VERIFY
extern const int runtime_built_with_TENURE_VERIFY;
[[gnu::used]] static const int* const kModeTag =
    &runtime_built_with_TENURE_VERIFY;
#else
extern const int runtime_built_without_TENURE_VERIFY;
[[gnu::used]] static const int* const kModeTag =
    &runtime_built_without_TENURE_VERIFY;
#endif
}  // namespace tenure::detail
