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
