// Stands in for the cxxabi.h that libc++abi-19-dev installs into LLVM's
// include folder: found before the C++ library's own, it breaks every TU that
// includes <cxxabi.h> (GoogleTest does).
#error "an LLVM-style include folder shadows the C++ library's <cxxabi.h>"
