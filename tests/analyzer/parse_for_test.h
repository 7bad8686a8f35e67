// A translation unit parsed the way the analyzer's unit tests parse code:
// C++20, tenure's headers, Clang's own resource directory; it must compile.
#ifndef TENURE_TESTS_ANALYZER_PARSE_FOR_TEST_H
#define TENURE_TESTS_ANALYZER_PARSE_FOR_TEST_H

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <memory>

namespace tenure::analyzer {

inline std::unique_ptr<clang::ASTUnit> parseForTest(llvm::StringRef Code) {
  std::unique_ptr<clang::ASTUnit> AST =
      clang::tooling::buildASTFromCodeWithArgs(
          Code,
          {"-std=c++20", "-I" TENURE_INCLUDE_DIR,
           "-resource-dir=" TENURE_CLANG_RESOURCE_DIR},
          "input.cpp");
  EXPECT_TRUE(AST);
  if (AST) {
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  }
  return AST;
}

} // namespace tenure::analyzer

#endif
