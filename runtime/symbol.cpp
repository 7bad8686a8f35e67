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

template <class Word>
Word load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// wyhash's mixing step: the two halves of a 128-bit product folded.
__extension__ typedef unsigned __int128 Wide;  // GCC and Clang, 64-bit
std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Wide product = static_cast<Wide>(a) * b;
  return static_cast<std::uint64_t>(product) ^
         static_cast<std::uint64_t>(product >> 64);
}

// Texts up to 32 bytes (nearly every identifier) are hashed inline as
// wyhash does (final version 4), with overlapping loads that read no byte
// outside the text; longer ones with absl::Hash. The hash is computed once
// per intern that misses and kept in the Symbol.
std::size_t hash_of(std::string_view text) {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full;
  constexpr std::uint64_t k1 = 0xe7037ed1a0b428dbull;
  constexpr std::uint64_t k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = text.data();
  std::size_t n = text.size();
  if (n > 32) {
    return absl::Hash<absl::string_view>{}(absl::string_view(p, n));
  }
  std::uint64_t seed = mix(k0, k1);
  std::uint64_t a, b;
  if (n > 16) {
    seed = mix(load<std::uint64_t>(p) ^ k1, load<std::uint64_t>(p + 8) ^ seed);
    a = load<std::uint64_t>(p + n - 16);
    b = load<std::uint64_t>(p + n - 8);
  } else if (n >= 8) {
    a = load<std::uint64_t>(p);
    b = load<std::uint64_t>(p + n - 8);
  } else if (n >= 4) {
    a = load<std::uint32_t>(p);
    b = load<std::uint32_t>(p + n - 4);
  } else {
    auto byte = [&](std::size_t i) {
      return std::uint64_t{static_cast<unsigned char>(p[i])};
    };
    a = (byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1);
    b = 0;
  }
  return mix(k1 ^ n, mix(a ^ k1, b ^ seed ^ k2));
}

// Whether `stored` holds `text`'s bytes. Up to 32 bytes in at most four
// overlapping 8-byte compares (or two 4-byte ones, or bytes), inline: a
// call to memcmp costs as much as the compare of an identifier.
bool same_bytes(const char* stored, std::string_view text) {
  const char* p = text.data();
  std::size_t n = text.size();
  auto differ = [&](std::size_t at) {
    return load<std::uint64_t>(stored + at) ^ load<std::uint64_t>(p + at);
  };
  if (n > 32) return std::memcmp(stored, p, n) == 0;
  if (n >= 16) {
    std::uint64_t diff = differ(0) | differ(8) | differ(n - 16) | differ(n - 8);
    return diff == 0;
  }
  if (n >= 8) return (differ(0) | differ(n - 8)) == 0;
  if (n >= 4) {
    return ((load<std::uint32_t>(stored) ^ load<std::uint32_t>(p)) |
            (load<std::uint32_t>(stored + n - 4) ^
             load<std::uint32_t>(p + n - 4))) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (stored[i] != p[i]) return false;
  }
  return true;
}

const SymbolEntry* find(const Table& table, std::string_view text,
                        std::size_t hash) {
  for (std::size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
    const SymbolEntry* entry =
        table.slots[i].entry.load(std::memory_order_acquire);
    if (!entry) return nullptr;
    if (table.slots[i].hash.load(std::memory_order_relaxed) == hash &&
        entry->size == text.size() && same_bytes(entry->data, text)) {
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
