// The intern table: open addressing with linear probing, read without a
// lock. Writers (first-time interns) take a mutex; a table that grows is
// replaced by one twice its size and the old one is kept, because a reader
// may still be probing it: the retired tables together are never larger than
// the live one.
#include "tenure/symbol.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace tenure {
namespace detail {

const SymbolEntry kEmptySymbol{0, 0, {0}};

namespace {

struct Slot {
  std::atomic<std::size_t> hash{0};
  std::atomic<const SymbolEntry*> entry{nullptr};
};

struct Table {
  explicit Table(std::size_t capacity)
      : mask(capacity - 1), slots(new Slot[capacity]) {}
  std::size_t mask;
  std::unique_ptr<Slot[]> slots;
};

std::size_t hash_of(std::string_view text) {
  return absl::Hash<absl::string_view>{}(
      absl::string_view(text.data(), text.size()));
}

const SymbolEntry* find(const Table& table, std::string_view text,
                        std::size_t hash) {
  for (std::size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
    const SymbolEntry* entry =
        table.slots[i].entry.load(std::memory_order_acquire);
    if (!entry) return nullptr;
    if (table.slots[i].hash.load(std::memory_order_relaxed) == hash &&
        entry->size == text.size() &&
        std::memcmp(entry->data, text.data(), text.size()) == 0) {
      return entry;
    }
  }
}

void place(Table& table, const SymbolEntry* entry) {
  std::size_t i = entry->hash & table.mask;
  while (table.slots[i].entry.load(std::memory_order_relaxed)) {
    i = (i + 1) & table.mask;
  }
  table.slots[i].hash.store(entry->hash, std::memory_order_relaxed);
  table.slots[i].entry.store(entry, std::memory_order_release);
}

struct Interns {
  std::atomic<Table*> table{new Table(1024)};
  std::mutex mutex;  // writers only
  std::size_t count = 0;
  std::vector<std::unique_ptr<Table>> retired;
};

Interns& interns() {
  static Interns* const state = new Interns;  // immortal, as its symbols
  return *state;
}

}  // namespace
}  // namespace detail

Symbol intern(std::string_view text) {
  using namespace detail;
  if (text.empty()) return Symbol();
  std::size_t hash = hash_of(text);
  Interns& state = interns();
  if (const SymbolEntry* entry =
          find(*state.table.load(std::memory_order_acquire), text, hash)) {
    return Symbol(entry);
  }

  std::lock_guard<std::mutex> lock(state.mutex);
  Table* table = state.table.load(std::memory_order_relaxed);
  if (const SymbolEntry* entry = find(*table, text, hash)) return Symbol(entry);
  // Keep the load at most one half, so probes stay short.
  if (2 * (state.count + 1) > table->mask + 1) {
    auto grown = std::make_unique<Table>(2 * (table->mask + 1));
    for (std::size_t i = 0; i <= table->mask; ++i) {
      if (const SymbolEntry* entry =
              table->slots[i].entry.load(std::memory_order_relaxed)) {
        place(*grown, entry);
      }
    }
    state.retired.reserve(state.retired.size() + 1);
    // One retired table per doubling, kept for lock-free readers: it grows
    // with the logarithm of the symbols, on purpose.
    state.retired.emplace_back(table);  // NOLINT(tenure-unbounded-cache)
    table = grown.release();
    state.table.store(table, std::memory_order_release);
  }
  void* memory = ::operator new(offsetof(SymbolEntry, data) + text.size() + 1);
  auto* entry = static_cast<SymbolEntry*>(memory);
  entry->hash = hash;
  entry->size = text.size();
  std::memcpy(entry->data, text.data(), text.size());
  entry->data[text.size()] = '\0';
  place(*table, entry);
  ++state.count;
  return Symbol(entry);
}

std::size_t interned_count() noexcept {
  detail::Interns& state = detail::interns();
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.count;
}

}  // namespace tenure
