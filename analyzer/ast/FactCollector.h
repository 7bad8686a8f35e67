//===- FactCollector.h - Ownership facts of one AST -------------*- C++ -*-===//

#ifndef TENURE_ANALYZER_FACTCOLLECTOR_H
#define TENURE_ANALYZER_FACTCOLLECTOR_H

#include "analyzer/ast/HandleTypes.h"
#include "analyzer/model/Facts.h"

namespace clang {
class ASTContext;
} // namespace clang

namespace tenure::analyzer {

/// Executors that keep the handlers given to them (or to I/O objects made on
/// them) until they run: Boost.Asio's and standalone Asio's. Option
/// RetainingSinks of tenure-ref-cycle, ';'-separated.
inline constexpr llvm::StringLiteral DefaultRetainingSinks =
    "::boost::asio::io_context;::boost::asio::io_context::strand;"
    "::boost::asio::strand;::boost::asio::thread_pool;"
    "::asio::io_context;::asio::io_context::strand;::asio::strand;"
    "::asio::thread_pool";

/// Walks a whole translation unit (system headers skipped) and returns its
/// ownership facts. \p RetainingSinks names executor types (see above); an
/// object owning one by value is kept alive by the handlers it holds.
Facts collectFacts(clang::ASTContext &Ctx, const HandleTypes &Handles,
                   llvm::ArrayRef<std::string> RetainingSinks = {});

} // namespace tenure::analyzer

#endif
