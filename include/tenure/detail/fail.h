// Fatal-error reporting for misuse of the handle library.
#pragma once

#include <typeinfo>

namespace tenure::detail {

// Prints "tenure: fatal: <demangled type>: <what>" to stderr and aborts.
// `type` names the static type of the handle involved, since the dynamic type
// of a destroyed object can no longer be read.
[[noreturn]] void fail(const std::type_info& type, const char* what) noexcept;

}  // namespace tenure::detail
