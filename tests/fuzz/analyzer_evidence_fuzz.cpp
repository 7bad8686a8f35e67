// libFuzzer target for tenure-analyze's evidence reader (analyzer/Evidence.h,
// not the runtime's): any input either fails with one line naming the file,
// or reads into evidence that keeps the reader's promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzer/io/Evidence.h"

using namespace tenure::analyzer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *Data,
                                      std::size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<Evidence> Parsed = parseEvidence(Text, "fuzz.json");
  if (!Parsed) {
    std::string Message = llvm::toString(Parsed.takeError());
    if (!llvm::StringRef(Message).starts_with("fuzz.json") ||
        Message.find('\n') != std::string::npos)
      std::abort();  // Errors are one line that names the file.
    return 0;
  }
  // The matcher walks a cycle's types and fields in step.
  for (const EvidenceCycle &C : Parsed->Cycles)
    if (C.Types.empty() || C.Fields.size() != C.Types.size()) std::abort();
  return 0;
}
