//===- FactsCache.cpp -----------------------------------------------------===//

#include "analyzer/driver/FactsCache.h"

#include "analyzer/model/Facts.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace tenure::analyzer {
namespace {

// The layout of an entry; bump it when it changes (old entries then miss).
constexpr int EntryVersion = 2;

} // namespace

llvm::Expected<FactsCache> FactsCache::open(llvm::StringRef Dir) {
  if (Dir.empty())
    return llvm::createStringError("--cache-dir: the directory name is empty");
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return llvm::createStringError(
        Dir + ": cannot use as a cache directory: " + EC.message());
  if (!llvm::sys::fs::is_directory(Dir))
    return llvm::createStringError(Dir + ": not a directory");
  return FactsCache(Dir.str());
}

FactsCache::FactsCache(FactsCache &&Other)
    : Dir(std::move(Other.Dir)), Hashes(std::move(Other.Hashes)),
      Existing(std::move(Other.Existing)), Counts(Other.Counts) {}

std::string FactsCache::key(llvm::ArrayRef<std::string> Parts) {
  llvm::BLAKE3 Hasher;
  for (const std::string &Part : Parts) {
    // Length-prefixed, so no two lists of parts hash alike.
    std::string Length = std::to_string(Part.size()) + ":";
    Hasher.update(Length);
    Hasher.update(Part);
  }
  return llvm::toHex(Hasher.final<16>(), /*LowerCase=*/true);
}

std::string FactsCache::entryPath(llvm::StringRef Key) const {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key.str() + ".json");
  return std::string(Path);
}

namespace {

// What \p Compute says of \p Key, asked once per run. The question runs
// outside the lock: two threads may both ask, and the first answer stays.
template <typename T, typename ComputeT>
T once(std::mutex &Lock, llvm::StringMap<T> &Memo, llvm::StringRef Key,
       ComputeT Compute) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Memo.find(Key);
    if (It != Memo.end())
      return It->second;
  }
  T Value = Compute();
  std::lock_guard<std::mutex> Guard(Lock);
  return Memo.try_emplace(Key, std::move(Value)).first->second;
}

} // namespace

std::string FactsCache::currentHash(llvm::StringRef File) {
  return once(Lock, Hashes, File, [&] {
    std::string Hash;
    if (auto Buffer =
            llvm::MemoryBuffer::getFile(File, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false))
      Hash = contentHash((*Buffer)->getBuffer());
    return Hash;
  });
}

bool FactsCache::existsNow(llvm::StringRef Path) {
  return once(Lock, Existing, Path,
              [&] { return llvm::sys::fs::exists(Path); });
}

std::optional<llvm::json::Value> FactsCache::lookup(llvm::StringRef Key) {
  auto Count = [&](size_t Stats::*Field) {
    std::lock_guard<std::mutex> Guard(Lock);
    ++(Counts.*Field);
  };
  auto Buffer = llvm::MemoryBuffer::getFile(entryPath(Key));
  if (!Buffer) {
    Count(&Stats::Misses);
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> Entry =
      llvm::json::parse((*Buffer)->getBuffer());
  const llvm::json::Object *O = Entry ? Entry->getAsObject() : nullptr;
  const llvm::json::Array *Inputs = O ? O->getArray("inputs") : nullptr;
  const llvm::json::Array *Shadowing = O ? O->getArray("shadowing") : nullptr;
  const llvm::json::Value *Result = O ? O->get("result") : nullptr;
  if (!Entry)
    llvm::consumeError(Entry.takeError());
  if (!O || O->getInteger("tenure_cache") != EntryVersion ||
      O->getString("key") != Key || !Inputs || Inputs->empty() || !Shadowing ||
      !Result || !Result->getAsObject()) {
    Count(&Stats::Corrupt);
    return std::nullopt;
  }
  for (const llvm::json::Value &Input : *Inputs) {
    const llvm::json::Object *I = Input.getAsObject();
    std::optional<llvm::StringRef> File =
        I ? I->getString("file") : std::nullopt;
    std::optional<llvm::StringRef> Hash =
        I ? I->getString("hash") : std::nullopt;
    if (!File || !Hash) {
      Count(&Stats::Corrupt);
      return std::nullopt;
    }
    if (currentHash(*File) != *Hash) {
      Count(&Stats::Misses);
      return std::nullopt;
    }
  }
  for (const llvm::json::Value &Path : *Shadowing) {
    std::optional<llvm::StringRef> File = Path.getAsString();
    if (!File) {
      Count(&Stats::Corrupt);
      return std::nullopt;
    }
    // A header (or include folder) that now comes first on the path.
    if (existsNow(*File)) {
      Count(&Stats::Misses);
      return std::nullopt;
    }
  }
  Count(&Stats::Hits);
  return *Result;
}

void FactsCache::store(llvm::StringRef Key, const llvm::json::Value &Result) {
  const llvm::json::Object *R = Result.getAsObject();
  const llvm::json::Array *Inputs = R ? R->getArray("inputs") : nullptr;
  const llvm::json::Array *Shadowing = R ? R->getArray("shadowing") : nullptr;
  bool Written = false;
  if (Inputs && !Inputs->empty() && Shadowing) {
    llvm::json::Object Entry{{"tenure_cache", EntryVersion},
                             {"key", Key},
                             {"inputs", llvm::json::Array(*Inputs)},
                             {"shadowing", llvm::json::Array(*Shadowing)},
                             {"result", llvm::json::Value(Result)}};
    std::string Path = entryPath(Key);
    Written = !llvm::sys::fs::create_directories(
                  llvm::sys::path::parent_path(Path)) &&
              !llvm::errorToBool(
                  llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
                    OS << llvm::json::Value(std::move(Entry));
                    return llvm::Error::success();
                  }));
  }
  if (!Written) {
    std::lock_guard<std::mutex> Guard(Lock);
    ++Counts.Unwritten;
  }
}

void FactsCache::noteCorrupt() {
  std::lock_guard<std::mutex> Guard(Lock);
  --Counts.Hits;
  ++Counts.Corrupt;
}

FactsCache::Stats FactsCache::stats() const {
  std::lock_guard<std::mutex> Guard(Lock);
  return Counts;
}

} // namespace tenure::analyzer
