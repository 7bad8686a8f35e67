//===- EvidenceMatch.h - Static findings confirmed by test runs -*- C++ -*-===//
//
// Joins the static findings with what the verification mode saw at runtime.
// Matching is by names, never by line, so evidence from a build a few edits
// old still applies:
// - a tenure-ref-cycle finding by the types and fields of a leaked cycle
//   (either rotation; a field the runtime could not name matches any), or,
//   when the collector could not see the cycle (an edge no trace() visits,
//   such as a lambda in a std::function), by every type on it having
//   objects that outlived their test;
// - a tenure-unbounded-cache finding by objects of a type it holds that
//   outlived their test;
// - a tenure-needless-copy finding by the copies counted at the lines of its
//   statement or of the calls its notes point to (copies have no other name
//   than their site).
// - a tenure-ref-cycle finding, too, by a structure LeakSanitizer found
//   unreachable after a test whose blocks on a pointer cycle include an
//   object of every type on the finding's loop (std::shared_ptr code, which
//   tenure's collector never sees).
// Leaked cycles no finding explains become findings of their own, at the
// declaration of the first type, when the analysed code declares the types.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_EVIDENCEMATCH_H
#define TENURE_ANALYZER_EVIDENCEMATCH_H

#include "analyzer/io/Evidence.h"
#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include "llvm/ADT/FunctionExtras.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

struct MatchSummary {
  /// Runtime cycles made into findings.
  std::vector<Finding> RuntimeOnly;
  /// Runtime cycles through types the analysed code does not declare.
  std::vector<std::string> UnknownCycles;
  /// Evidence records that matched a finding or a declared type.
  size_t RecordsUsed = 0;
};

/// Returns the text of a source file ("" when unreadable).
using SourceText = llvm::function_ref<llvm::StringRef(llvm::StringRef File)>;

/// Sets Finding::Confirmed on the findings \p E confirms and makes findings
/// of the leaked cycles none of them explains, located with \p F's records.
MatchSummary matchEvidence(std::vector<Finding> &Findings, const Evidence &E,
                           const Facts &F, SourceText Source);

/// A type name as both halves can spell it: no anonymous-namespace
/// qualifier (Clang and the C++ ABI's demangler spell it differently), no
/// file tag, no blanks.
std::string comparableTypeName(llvm::StringRef Name);

/// Whether two paths name the same file, one possibly relative to a
/// directory the other spells out ("src/a.cpp" and "/w/src/a.cpp"), or
/// relative to a build directory ("../../src/a.cpp").
bool sameFile(llvm::StringRef A, llvm::StringRef B);

} // namespace tenure::analyzer

#endif
