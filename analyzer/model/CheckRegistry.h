//===- CheckRegistry.h - What each tenure check is, in one place -*- C++
//-*-===//
//
// Every part that needs to know about a check asks its descriptor: the
// clang-tidy module registers the check under its name, tenure-analyze runs
// its whole-program step over the merged facts and orders findings by the
// evidence that confirms them, the SARIF writer takes its rule text, and the
// evidence matcher picks what runtime record can confirm it. Adding a check
// means adding its descriptor here and its class in checks/.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_MODEL_CHECKREGISTRY_H
#define TENURE_ANALYZER_MODEL_CHECKREGISTRY_H

#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <vector>

namespace tenure::analyzer {

/// What the test runs record that can confirm a check's findings.
enum class EvidenceKind {
  None,
  LeakedCycles, ///< Cycles the collector freed, by types and fields.
  Survivors,    ///< Objects of the types a finding names outliving a test.
  Copies,       ///< Handle copies counted at a source line.
};

struct CheckDescriptor {
  llvm::StringLiteral Name;
  /// One line: the SARIF rule's short description.
  llvm::StringLiteral Summary;
  /// A paragraph: the SARIF rule's full description and help;
  /// docs/checks/<Name>.md has the rest.
  llvm::StringLiteral Help;
  /// Null for checks that report per TU alone. Otherwise their findings over
  /// the facts of every TU: tenure-analyze's merge step (per TU, under
  /// clang-tidy, the check runs the same judgement on its own facts).
  std::vector<Finding> (*FindInMergedFacts)(const Facts &Merged) = nullptr;
  EvidenceKind Evidence = EvidenceKind::None;
};

/// Every check, in the order reports list their rules.
llvm::ArrayRef<CheckDescriptor> allChecks();

/// The descriptor named \p Name, or null (a compiler diagnostic, another
/// module's check).
const CheckDescriptor *findCheck(llvm::StringRef Name);

/// Each check, by the name its class in checks/ registers.
const CheckDescriptor &refCycleCheck();
const CheckDescriptor &unboundedCacheCheck();
const CheckDescriptor &needlessCopyCheck();
const CheckDescriptor &untracedFieldCheck();

} // namespace tenure::analyzer

#endif
