//===- Worker.h - The per-TU step and the processes that run it -*- C++ -*-===//
//
// Each translation unit is analysed by a worker: this same binary run with
// --emit-facts=<result> <file>, which writes one JSON result (the protocol
// between the per-TU step and the merge step, also what a build system runs
// as its own action):
//
//   {"version": <FactsVersion>, "file": "<canonical path>",
//    "facts": {...}, "findings": [<finding>...], "parse_errors": <n>,
//    "inputs": [{"file": ..., "hash": ...}],  (every file read: the cache)
//    "shadowing": ["<path>", ...],  (files an #include passed over: if one
//                                     appears, the parse would read it;
//                                     empty with --relative-paths)
//    "sources": {"<canonical path>": "<content hash>", ...},
//    "timings": [{"phase": ..., "wall": s, "user": s, "sys": s}...]}
//                                              (with --timings only)
//
// "sources" holds the hash of every file a finding or fix-it is in, as the
// analysis read it: --fix writes only those files, and only while their
// content is still that.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_WORKER_H
#define TENURE_ANALYZER_DRIVER_WORKER_H

#include "analyzer/driver/FactsCache.h"
#include "analyzer/driver/Options.h"
#include "analyzer/driver/Timings.h"
#include "analyzer/model/Facts.h"
#include "analyzer/model/Finding.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

struct TUResult {
  std::string File;
  Facts TUFacts;
  std::vector<Finding> Findings;
  int ParseErrors = 0;
  /// File -> contentHash() of the text the analysis read.
  llvm::StringMap<std::string> Sources;
  /// With --timings: where the per-TU step's time went (none for a result
  /// from the cache).
  Timings Times;
};

/// The per-TU step: analyses \p File in this process and writes its result
/// to O.EmitFacts. Returns the step's exit code (2 on compiler errors).
int emitFacts(const Options &O,
              const clang::tooling::CompilationDatabase &Compilations,
              const std::string &File);

llvm::Expected<TUResult> readTUResult(llvm::StringRef Path);
/// The same from parsed JSON (a cache entry); \p Path names it in errors.
llvm::Expected<TUResult> tuResultFromJSON(const llvm::json::Value &V,
                                          llvm::StringRef Path);

struct WorkerRun {
  std::vector<TUResult> Results; ///< In the order of the files.
  /// One line per worker that produced no result, with the reason (also
  /// said on stderr as it happened).
  std::vector<std::string> Failures;
};

/// Runs one worker per file, O.Jobs at a time, and reads their results;
/// with \p Cache, a unit whose inputs are unchanged is not run again.
llvm::Expected<WorkerRun>
runWorkers(const Options &O, llvm::ArrayRef<std::string> Files,
           const clang::tooling::CompilationDatabase &Compilations,
           FactsCache *Cache);

} // namespace tenure::analyzer

#endif
