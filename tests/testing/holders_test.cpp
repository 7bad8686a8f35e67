// A user's test binary in verification mode (tenure::testing_main_verify):
// a legitimate registry and a leaking cache, both tenure::Objects, hold
// objects of the same type. The listener records who holds what survives
// each test, and names the holder of an object expected to be freed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "tenure/tenure.h"
#include "tenure/testing/cycle_check.h"

namespace plugins {

struct Entry : tenure::Object {
  explicit Entry(int id) : id(id) {}
  int id;
};

// Plugins stay registered until they are unregistered: keeping them is its
// job.
class Registry : public tenure::Object {
 public:
  void add(tenure::Ref<Entry> entry) { entries_.push_back(std::move(entry)); }
  void remove(int id) {
    std::erase_if(entries_,
                  [id](const tenure::Ref<Entry>& e) { return e->id == id; });
  }
  void trace(tenure::Tracer& t) override { t("entries_", entries_); }

 private:
  std::vector<tenure::Ref<Entry>> entries_;
};

// Remembers every entry it ever made, and never forgets one.
class Cache : public tenure::Object {
 public:
  tenure::Ref<Entry> get(int id) {
    auto found = entries_.find(id);
    if (found != entries_.end()) return found->second;
    tenure::Ref<Entry> made = tenure::make<Entry>(id);
    entries_[id] = made;
    return made;
  }
  void trace(tenure::Tracer& t) override { t("entries_", entries_); }

 private:
  std::map<int, tenure::Ref<Entry>> entries_;
};

// Both live for the whole program, each held by one global handle.
Registry& registry() {
  static auto* registry = new tenure::Ref<Registry>(tenure::make<Registry>());
  return **registry;
}
Cache& cache() {
  static auto* cache = new tenure::Ref<Cache>(tenure::make<Cache>());
  return **cache;
}

}  // namespace plugins

namespace {

TEST(Holders, RegistryKeepsWhatItRegisters) {
  for (int id = 0; id < 3; ++id)
    plugins::registry().add(tenure::make<plugins::Entry>(id));
}

TEST(Holders, CacheKeepsWhatItLooksUp) {
  for (int id = 0; id < 5; ++id) plugins::cache().get(id);
}

TEST(Holders, ExpectFreedPassesWhenFreed) {
  tenure::Ref<plugins::Entry> entry = tenure::make<plugins::Entry>(100);
  tenure::testing::expect_freed(*entry);
}

TEST(Holders, ExpectFreedNamesTheHolder) {
  tenure::Ref<plugins::Entry> entry = plugins::cache().get(42);
  tenure::testing::expect_freed(*entry);
}

}  // namespace
