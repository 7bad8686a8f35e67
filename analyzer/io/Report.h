//===- Report.h - Findings and the text, JSON and SARIF writers -*- C++ -*-===//

#ifndef TENURE_ANALYZER_REPORT_H
#define TENURE_ANALYZER_REPORT_H

#include "analyzer/model/Finding.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tenure::analyzer {

llvm::json::Value toJSON(const Finding &F);
llvm::Expected<Finding> findingFromJSON(const llvm::json::Value &V,
                                        llvm::StringRef Origin);

/// \p File relative to \p Root when it is under it, else unchanged.
std::string displayPath(llvm::StringRef File, llvm::StringRef Root);

/// Paths in reports are shown relative to \p Root when they are under it.
void writeText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root);
void writeJSON(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root);
/// SARIF 2.1.0 as GitHub code scanning reads it.
void writeSARIF(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                llvm::StringRef Root);

/// The tenure-ref-cycle findings as one Graphviz DOT graph: a node per
/// record, an edge per field on a cycle; the edge to make weak is bold, and
/// cycles the runtime confirmed are red.
void writeCycleGraph(llvm::raw_ostream &OS,
                     const std::vector<Finding> &Findings);

/// Sorts by location and joins duplicates (a header's finding seen from
/// several TUs) into one that keeps the notes of each.
void sortAndDeduplicate(std::vector<Finding> &Findings);

} // namespace tenure::analyzer

#endif
