#include "holders_plugins.h"

namespace plugins {

tenure::Ref<Entry> Cache::get(int id) {
  auto found = entries_.find(id);
  if (found != entries_.end()) return found->second;
  tenure::Ref<Entry> made = tenure::make<Entry>(id);
  entries_[id] = made;
  return made;
}

Registry& registry() {
  static auto* registry = new tenure::Ref<Registry>(tenure::make<Registry>());
  return **registry;
}

Cache& cache() {
  static auto* cache = new tenure::Ref<Cache>(tenure::make<Cache>());
  return **cache;
}

}  // namespace plugins
