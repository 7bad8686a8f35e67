// A finding can be suppressed where it is reported.
#include <memory>

int read(std::shared_ptr<int> p) { return *p; } // NOLINT(tenure-needless-copy) clang-tidy-only: suppressed
