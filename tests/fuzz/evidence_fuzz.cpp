// libFuzzer target for the evidence reader and merger: any input either
// fails with a one-line error or parses into evidence that writes back out,
// reads back in unchanged, and merges with itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tenure/testing/evidence.h"

using tenure::testing::Evidence;
using tenure::testing::merge;
using tenure::testing::parse_evidence;
using tenure::testing::to_json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Evidence> parsed = parse_evidence(text);
  if (!parsed.ok()) {
    absl::string_view message = parsed.status().message();
    if (message.empty() || message.find('\n') != absl::string_view::npos) {
      std::abort();  // errors are one non-empty line
    }
    return 0;
  }
  std::string json = to_json(*parsed);
  absl::StatusOr<Evidence> again = parse_evidence(json);
  if (!again.ok() || to_json(*again) != json) std::abort();
  Evidence doubled = *parsed;
  merge(doubled, *again);
  absl::StatusOr<Evidence> merged = parse_evidence(to_json(doubled));
  if (!merged.ok() || merged->cycles.size() != parsed->cycles.size() ||
      merged->copies.size() != parsed->copies.size()) {
    std::abort();
  }
  return 0;
}
