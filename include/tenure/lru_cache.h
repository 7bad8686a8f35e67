// tenure::LruCache<K, V>: a cache with a bound, evicting the least recently
// used entry.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <stdexcept>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "tenure/pool_allocator.h"

namespace tenure {

// The bounded replacement for a map used as a cache that only grows (what
// the analyzer's tenure-unbounded-cache check suggests). At most capacity()
// entries; putting one more evicts the entry used least recently, which
// drops its value (and so a Ref's count). Not thread-safe, like the standard
// containers.
template <class K, class V, class Hash = absl::Hash<K>,
          class Eq = std::equal_to<K>>
class LruCache {
 public:
  // Throws std::invalid_argument for a capacity of 0.
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) {
      throw std::invalid_argument(
          "tenure::LruCache: capacity must be at least 1");
    }
  }

  // The value for `key`, now the most recently used, or nullptr. The pointer
  // stays valid until that entry is evicted or erased.
  V* get(const K& key) {
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    entries_.splice(entries_.begin(), entries_, found->second);
    return &found->second->second;
  }

  // Inserts or replaces the value for `key`, as the most recently used;
  // evicts the least recently used entry when the cache is full.
  void put(const K& key, V value) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->second = std::move(value);
      entries_.splice(entries_.begin(), entries_, found->second);
      return;
    }
    if (index_.size() == capacity_) {
      ++evictions_;
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
    entries_.emplace_front(key, std::move(value));
    try {
      index_.emplace(key, entries_.begin());
    } catch (...) {
      entries_.pop_front();
      throw;
    }
  }

  // Removes `key`; returns whether it was there.
  bool erase(const K& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return false;
    entries_.erase(found->second);
    index_.erase(found);
    return true;
  }

  void clear() noexcept {
    index_.clear();
    entries_.clear();
  }

  bool contains(const K& key) const { return index_.contains(key); }
  std::size_t size() const noexcept { return index_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t hits() const noexcept { return hits_; }
  std::size_t misses() const noexcept { return misses_; }
  std::size_t evictions() const noexcept { return evictions_; }

 private:
  using Entry = std::pair<K, V>;
  using Entries = std::list<Entry, PoolAllocator<Entry>>;  // front: newest

  std::size_t capacity_;
  Entries entries_;
  absl::flat_hash_map<K, typename Entries::iterator, Hash, Eq> index_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  std::size_t evictions_ = 0;
};

}  // namespace tenure
