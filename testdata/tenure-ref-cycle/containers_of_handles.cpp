// Handles inside maps, optionals, variants and pairs still own.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

struct Registry;
struct Entry {
  std::optional<std::shared_ptr<Registry>> registry;
};
struct Registry : std::enable_shared_from_this<Registry> {
  std::map<std::string, std::variant<int, std::pair<int, std::shared_ptr<Entry>>>> entries;
  void put(const std::string &key, std::shared_ptr<Entry> e) {
    e->registry = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: strong reference cycle Entry -registry-> Registry -entries-> Entry closed here: {{.*}}; hold weak handles in 'Entry::registry' [tenure-ref-cycle]
    entries[key] = std::make_pair(1, e);
  }
};
