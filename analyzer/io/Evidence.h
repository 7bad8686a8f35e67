//===- Evidence.h - What test runs saw, as the analyzer reads it -*- C++
//-*-===//
//
// The evidence file is written by the runtime's verification mode (schema in
// docs/evidence.md): the cycles tests leaked, the objects that outlived their
// test, Ref copy counts by site, and (schema version 2) what LeakSanitizer
// found unreachable after each test. The analyzer never links the runtime;
// it reads the file with llvm::json, and the runtime's hand-written reader
// accepts and reads exactly what this one does (testdata/evidence/ and the
// differential fuzz target hold the two to it).
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
inline constexpr int64_t EvidenceVersion = 2;

struct EvidenceCycle {
  /// types[i] holds types[i+1] through fields[i]; the last holds the first.
  std::vector<std::string> Types;
  std::vector<std::string> Fields; ///< "" where trace() gave no name.
  uint64_t Count = 0;
  std::vector<std::string> Sites;
  std::vector<std::string> Tests;
};

/// The shape of the retention path of sampled survivors: Types[0] is held
/// from outside the heap, Fields[i] is the field of Types[i-1] that holds
/// Types[i] (Fields[0] is ""), the last type is the survivor's.
struct EvidenceHolder {
  std::vector<std::string> Types;
  std::vector<std::string> Fields;
  uint64_t Count = 0; ///< Sampled survivors held this way.
};

struct EvidenceGrowth {
  std::string Type;
  std::string Site;
  uint64_t Count = 0;
  std::string Test;
  /// Optional: who holds a sample of them (verification mode).
  std::vector<EvidenceHolder> Holders;
};

struct EvidenceCopies {
  std::string Site; ///< "file:line"; "" for copy assignments.
  uint64_t Count = 0;
};

/// Blocks LeakSanitizer found unreachable after a test that point to each
/// other: one shape of leaked structure, typed from allocation stacks.
struct EvidenceLeak {
  std::vector<std::string> Types; ///< Types of its blocks, where known.
  std::vector<std::string> Cycle; ///< Those of blocks on a pointer cycle.
  uint64_t Count = 0;             ///< Structures of this shape.
  uint64_t Blocks = 0;
  uint64_t Bytes = 0;
  std::vector<std::string> Sites; ///< "file:line"; "??" when unknown.
  std::vector<std::string> Tests;
};

struct Evidence {
  std::vector<EvidenceCycle> Cycles;
  std::vector<EvidenceGrowth> Growth;
  std::vector<EvidenceCopies> Copies;
  std::vector<EvidenceLeak> Leaks;

  bool empty() const {
    return Cycles.empty() && Growth.empty() && Copies.empty() && Leaks.empty();
  }
};

/// Containers nest at most this deep in an evidence file (both readers).
inline constexpr int EvidenceMaxDepth = 64;

/// Parses an evidence file's text; errors name \p Origin and what is wrong.
llvm::Expected<Evidence> parseEvidence(llvm::StringRef Text,
                                       llvm::StringRef Origin);
llvm::Expected<Evidence> readEvidence(llvm::StringRef Path);

} // namespace tenure::analyzer

#endif
