//===- FactsCache.h - Per-TU results kept across runs -----------*- C++ -*-===//
//
// tenure-analyze's bill is the parse. A worker's result (the TU's facts and
// per-TU findings) depends only on what the parse read and how: the source
// and every file it included, the compile command, the effective
// configuration and tenure's own version. The cache keeps each result under
// a key made of everything but the files' contents, together with the
// content hash of every file the parse read; a lookup is a hit only when
// each of those files still has its hash (ccache's "direct mode" manifest).
// Entries are written whole (temporary file and rename), so concurrent runs
// can share a directory; an entry that does not read back as one is
// recomputed, never trusted.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_FACTSCACHE_H
#define TENURE_ANALYZER_DRIVER_FACTSCACHE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace tenure::analyzer {

class FactsCache {
public:
  /// Opens (creating it when missing) the cache directory \p Dir.
  static llvm::Expected<FactsCache> open(llvm::StringRef Dir);

  /// The key of one TU: a hash of \p Parts (version, command, configuration).
  static std::string key(llvm::ArrayRef<std::string> Parts);

  /// The stored worker result for \p Key when every input it records still
  /// has its content hash; otherwise none (a miss, or a corrupt entry).
  std::optional<llvm::json::Value> lookup(llvm::StringRef Key);

  /// Stores \p Result (a worker result with its "inputs") under \p Key.
  /// Failing to write is not an error of the run: the entry is skipped and
  /// counted.
  void store(llvm::StringRef Key, const llvm::json::Value &Result);

  /// The caller found the result of a hit unreadable: it counts as corrupt.
  void noteCorrupt();

  struct Stats {
    size_t Hits = 0;
    size_t Misses = 0;
    size_t Corrupt = 0; ///< Entries that did not read back; recomputed.
    size_t Unwritten = 0;
  };
  Stats stats() const;
  llvm::StringRef directory() const { return Dir; }

  FactsCache(FactsCache &&Other);

private:
  explicit FactsCache(std::string Dir) : Dir(std::move(Dir)) {}
  std::string entryPath(llvm::StringRef Key) const;
  /// Content hash of \p File now ("" when unreadable), once per run.
  std::string currentHash(llvm::StringRef File);
  /// Whether \p Path exists now, once per run (units share most of the
  /// paths their includes passed over).
  bool existsNow(llvm::StringRef Path);

  std::string Dir;
  mutable std::mutex Lock;
  llvm::StringMap<std::string> Hashes;
  llvm::StringMap<bool> Existing;
  Stats Counts;
};

} // namespace tenure::analyzer

#endif
