//===- Evidence.h - What test runs saw, as the analyzer reads it -*- C++ -*-===//
//
// The evidence file is written by the runtime's verification mode (schema in
// docs/evidence.md): the cycles tests leaked, the objects that outlived their
// test, and Ref copy counts by site. The analyzer never links the runtime; it
// reads the file with its own reader, as strict as the runtime's.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_EVIDENCE_H
#define TENURE_ANALYZER_EVIDENCE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <vector>

namespace tenure::analyzer {

/// The newest schema version this reader understands.
inline constexpr int64_t EvidenceVersion = 1;

struct EvidenceCycle {
  /// types[i] holds types[i+1] through fields[i]; the last holds the first.
  std::vector<std::string> Types;
  std::vector<std::string> Fields; ///< "" where trace() gave no name.
  uint64_t Count = 0;
  std::vector<std::string> Sites;
  std::vector<std::string> Tests;
};

struct EvidenceGrowth {
  std::string Type;
  std::string Site;
  uint64_t Count = 0;
  std::string Test;
};

struct EvidenceCopies {
  std::string Site; ///< "file:line"; "" for copy assignments.
  uint64_t Count = 0;
};

struct Evidence {
  std::vector<EvidenceCycle> Cycles;
  std::vector<EvidenceGrowth> Growth;
  std::vector<EvidenceCopies> Copies;

  bool empty() const {
    return Cycles.empty() && Growth.empty() && Copies.empty();
  }
};

/// Parses an evidence file's text; errors name \p Origin and what is wrong.
llvm::Expected<Evidence> parseEvidence(llvm::StringRef Text,
                                       llvm::StringRef Origin);
llvm::Expected<Evidence> readEvidence(llvm::StringRef Path);

} // namespace tenure::analyzer

#endif
