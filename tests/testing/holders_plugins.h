// The code under test of holders_test.cpp: a legitimate registry and a
// leaking cache, both tenure::Objects, holding objects of the same type.
// Its own translation unit, so that evidence.holders_decide_the_cache
// analyses it without parsing GoogleTest.
#pragma once

#include <algorithm>
#include <map>
#include <vector>

#include "tenure/tenure.h"

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
  tenure::Ref<Entry> get(int id);
  void trace(tenure::Tracer& t) override { t("entries_", entries_); }

 private:
  std::map<int, tenure::Ref<Entry>> entries_;
};

// Both live for the whole program, each held by one global handle.
Registry& registry();
Cache& cache();

}  // namespace plugins
