#include "tenure/detail/fail.h"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>

namespace tenure::detail {

void fail(const std::type_info& type, const char* what) noexcept {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::fprintf(stderr, "tenure: fatal: %s: %s\n",
               status == 0 && demangled ? demangled : type.name(), what);
  std::fflush(stderr);
  std::free(demangled);
  std::abort();
}

}  // namespace tenure::detail
