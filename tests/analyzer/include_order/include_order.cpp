// Compiled with a folder holding a stand-in cxxabi.h added the way the
// analyzer adds LLVM's include folders: the C++ library's header must win.
#include <cxxabi.h>
#include <gtest/gtest.h>

int main() { return abi::__cxa_demangle == nullptr; }
