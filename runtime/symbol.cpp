// The intern table: open addressing with linear probing over 8-byte slots,
// read without a lock. A slot holds an entry's address in its low 48 bits
// and the top 16 bits of the entry's hash above them, so a probe that does
// not match is decided inside the table, and the table is half the size it
// would be with the hash beside the pointer: at 10,000 symbols it is 256 KiB
// and stays in the second-level cache. Entries (the Symbols' storage) are
// packed in chunks, never moved or freed.
//
// Writers (first-time interns) take a mutex; a table that grows is replaced
// by one twice its size and the old one is kept, because a reader may still
// be probing it: the retired tables together are never larger than the live
// one.
#include "tenure/symbol.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "symbol_table.h"
#include "tenure/detail/sanitizer.h"

namespace tenure {
namespace detail {

const SymbolEntry kEmptySymbol{0, 0, {0}};

namespace {

static_assert(sizeof(void*) == 8, "the intern table tags 64-bit addresses");

using Slot = std::atomic<std::uint64_t>;  // 0: empty
constexpr int kTagShift = 48;
constexpr std::uint64_t kAddressMask = (std::uint64_t{1} << kTagShift) - 1;

std::uint64_t tag_of(std::size_t hash) { return hash & ~kAddressMask; }

const SymbolEntry* entry_of(std::uint64_t slot) {
  return reinterpret_cast<const SymbolEntry*>(slot & kAddressMask);
}

struct Table {
  std::size_t mask;
  Slot* slots;
};

// The first table lives in static storage: a lookup needs no guard for a
// function-local static, only the one atomic load of the live table.
constexpr std::size_t kFirstCapacity = 1024;
alignas(64) constinit Slot first_slots[kFirstCapacity];
constinit Table first_table{kFirstCapacity - 1, first_slots};
constinit std::atomic<const Table*> live_table{&first_table};

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

// A text of 1 to kShort bytes as four words that together hold every byte,
// read without touching a byte outside it. The hash and the compare both
// take these words, so a lookup reads the caller's text once.
struct Words {
  std::uint64_t w[4];
};

// From 8 bytes on: four 8-byte loads at 0, min(n - 8, 8), n - 8 - that and
// n - 8, overlapping, with no branch on the length. The offsets are worked
// out once per lookup, for the text and the entry it is compared with.
struct WordSpots {
  explicit WordSpots(std::size_t n)
      : second(n - 8 < 8 ? n - 8 : 8), third(n - 8 - second), last(n - 8) {}
  Words read(const char* p) const {
    return {{load<std::uint64_t>(p), load<std::uint64_t>(p + second),
             load<std::uint64_t>(p + third), load<std::uint64_t>(p + last)}};
  }
  std::size_t second, third, last;
};

// Below 8 bytes: two 4-byte loads, or single bytes, in one word.
struct TinySpots {
  Words read(const char* p) const {
    std::uint64_t w;
    if (n >= 4) {
      w = load<std::uint32_t>(p) | std::uint64_t{load<std::uint32_t>(p + n - 4)}
                                       << 32;
    } else {
      auto byte = [&](std::size_t i) {
        return std::uint64_t{static_cast<unsigned char>(p[i])};
      };
      w = byte(0) << 16 | byte(n >> 1) << 8 | byte(n - 1);
    }
    return {{w, w, w, w}};
  }
  std::size_t n;
};

Words words_of(const char* p, std::size_t n) {
  return n >= 8 ? WordSpots(n).read(p) : TinySpots{n}.read(p);
}

// Two independent products folded and joined (wyhash's mixing, two
// multiplies that run side by side); the length enters too, because the
// words of texts of different lengths can be the same. A third product
// joining the two measured slower and spread the bench's texts no better.
[[gnu::always_inline]] inline std::size_t hash_words(const Words& words,
                                                     std::size_t n) {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full;
  constexpr std::uint64_t k1 = 0xe7037ed1a0b428dbull;
  constexpr std::uint64_t k2 = 0x8ebc6af09c88c6e3ull;
  constexpr std::uint64_t k3 = 0x589965cc75374cc3ull;
  return mix(words.w[0] ^ k0 ^ n, words.w[1] ^ k1) ^
         mix(words.w[2] ^ k2, words.w[3] ^ k3);
}

[[gnu::always_inline]] inline bool same_words(const Words& a, const Words& b) {
  return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) |
          (a.w[3] ^ b.w[3])) == 0;
}

// Texts up to kShort bytes (nearly every identifier) are hashed inline;
// longer ones with absl::Hash. The hash is computed once per intern that
// misses and kept in the Symbol.
std::size_t hash_of(std::string_view text) {
  if (text.size() - 1 < kShort) {
    return hash_words(words_of(text.data(), text.size()), text.size());
  }
  return absl::Hash<absl::string_view>{}(
      absl::string_view(text.data(), text.size()));
}

const SymbolEntry* find(const Table& table, std::string_view text,
                        std::size_t hash) {
  std::uint64_t tag = tag_of(hash);
  for (std::size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
    std::uint64_t slot = table.slots[i].load(std::memory_order_acquire);
    if (slot == 0) return nullptr;
    if ((slot & ~kAddressMask) != tag) continue;
    const SymbolEntry* entry = entry_of(slot);
    if (entry->size == text.size() &&
        std::memcmp(entry->data, text.data(), text.size()) == 0) {
      return entry;
    }
  }
}

void place(const Table& table, const SymbolEntry* entry) {
  std::size_t i = entry->hash & table.mask;
  while (table.slots[i].load(std::memory_order_relaxed)) {
    i = (i + 1) & table.mask;
  }
  table.slots[i].store(
      tag_of(entry->hash) | reinterpret_cast<std::uintptr_t>(entry),
      std::memory_order_release);
}

// A table of `capacity` empty slots (a power of two).
Table* new_table(std::size_t capacity) {
  auto slots = std::make_unique<Slot[]>(capacity);
  auto* table = new Table{capacity - 1, slots.get()};
  slots.release();
  return table;
}

// Entries packed one after the other in chunks, 8-byte aligned, without a
// per-entry allocation header. Each chunk's first word points to the one
// before, so every entry stays reachable for LeakSanitizer (the table's
// tagged words do not look like pointers to it); under ASan the space not
// yet handed out is poisoned.
class Arena {
 public:
  SymbolEntry* allocate(std::size_t text_size) {
    std::size_t bytes =
        (offsetof(SymbolEntry, data) + text_size + 1 + 7) & ~std::size_t{7};
    if (bytes > kChunk / 4) return static_cast<SymbolEntry*>(chunk(bytes));
    if (bytes > static_cast<std::size_t>(end_ - next_)) {
      next_ = static_cast<char*>(chunk(kChunk - kHeader));
      end_ = next_ + (kChunk - kHeader);
      poison(next_, end_ - next_);
    }
    char* entry = next_;
    next_ += bytes;
    unpoison(entry, bytes);
    return reinterpret_cast<SymbolEntry*>(entry);
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  static constexpr std::size_t kHeader = 16;

  // `bytes` usable bytes after a header that links the chunk to the last.
  void* chunk(std::size_t bytes) {
    char* memory = static_cast<char*>(::operator new(kHeader + bytes));
    auto end = reinterpret_cast<std::uintptr_t>(memory + kHeader + bytes);
    if (end - 1 > kAddressMask) {
      std::fprintf(stderr,
                   "tenure: fatal: intern: an address above 2^48 (%p) cannot "
                   "be kept in the intern table\n",
                   static_cast<void*>(memory));
      std::abort();
    }
    std::memcpy(memory, &chunks_, sizeof chunks_);
    chunks_ = memory;
    return memory + kHeader;
  }

  char* next_ = nullptr;
  char* end_ = nullptr;
  void* chunks_ = nullptr;
};

struct Writers {
  std::mutex mutex;
  std::size_t count = 0;
  Arena arena;
  std::vector<const Table*> retired;
};

Writers& writers() {
  static Writers* const state = new Writers;  // immortal, as its symbols
  return *state;
}

// A first intern of `text` (or one the live table did not show yet).
[[gnu::noinline]] const SymbolEntry* intern_missing(std::string_view text,
                                                    std::size_t hash) {
  Writers& state = writers();
  std::lock_guard<std::mutex> lock(state.mutex);
  const Table* table = live_table.load(std::memory_order_relaxed);
  if (const SymbolEntry* entry = find(*table, text, hash)) return entry;
  // Keep the load at most one half, so probes stay short.
  if (2 * (state.count + 1) > table->mask + 1) {
    state.retired.reserve(state.retired.size() + 1);
    Table* grown = new_table(2 * (table->mask + 1));
    for (std::size_t i = 0; i <= table->mask; ++i) {
      if (std::uint64_t slot =
              table->slots[i].load(std::memory_order_relaxed)) {
        place(*grown, entry_of(slot));
      }
    }
    // One retired table per doubling, kept for lock-free readers: it grows
    // with the logarithm of the symbols, on purpose.
    state.retired.push_back(table);  // NOLINT(tenure-unbounded-cache)
    table = grown;
    live_table.store(table, std::memory_order_release);
  }
  SymbolEntry* entry = state.arena.allocate(text.size());
  entry->hash = hash;
  entry->size = text.size();
  std::memcpy(entry->data, text.data(), text.size());
  entry->data[text.size()] = '\0';
  place(*table, entry);
  ++state.count;
  return entry;
}

// The lookup of every text the inline path does not settle: find(), or
// failing that, a first intern.
[[gnu::noinline]] const SymbolEntry* find_or_add(std::string_view text,
                                                 std::size_t hash) {
  if (const SymbolEntry* entry =
          find(*live_table.load(std::memory_order_acquire), text, hash)) {
    return entry;
  }
  return intern_missing(text, hash);
}

// The lookup of a text of 1 to kShort bytes whose words and hash are known:
// the whole of intern() for a text already interned. The text's words stay
// in registers from the hash to the compare. (Reading them again for the
// compare, so that the loop needs no saved registers, measured slower.)
template <class Spots>
[[gnu::always_inline]] inline const SymbolEntry* intern_short(
    std::string_view text, const Spots& spots, const Words& words,
    std::size_t hash) {
  std::size_t n = text.size();
  const Table* table = live_table.load(std::memory_order_acquire);
  std::size_t mask = table->mask;
  const Slot* slots = table->slots;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    std::uint64_t slot = slots[i].load(std::memory_order_acquire);
    if (slot == 0) return intern_missing(text, hash);
    if (((slot ^ hash) & ~kAddressMask) != 0) continue;  // another tag
    const SymbolEntry* entry = entry_of(slot);
    if (entry->size == n && same_words(spots.read(entry->data), words)) {
      return entry;
    }
  }
}

// Texts of 1 to 7 bytes: out of line, so that the path of 8 to kShort bytes
// carries none of their code.
[[gnu::noinline]] const SymbolEntry* intern_tiny(std::string_view text) {
  TinySpots spots{text.size()};
  Words words = spots.read(text.data());
  return intern_short(text, spots, words, hash_words(words, text.size()));
}

// The empty text and texts longer than kShort: out of line, so that the
// short path saves no registers.
[[gnu::noinline]] const SymbolEntry* intern_other(std::string_view text) {
  if (text.empty()) return &kEmptySymbol;
  return find_or_add(text, hash_of(text));
}

}  // namespace

std::size_t hash_for_testing(std::string_view text) { return hash_of(text); }

const SymbolEntry* intern_with_hash_for_testing(std::string_view text,
                                                std::size_t hash) {
  std::size_t n = text.size();
  if (n - 8 <= kShort - 8) {
    WordSpots spots(n);
    return intern_short(text, spots, spots.read(text.data()), hash);
  }
  if (n - 1 < 7) {
    TinySpots spots{n};
    return intern_short(text, spots, spots.read(text.data()), hash);
  }
  return find_or_add(text, hash);
}

std::size_t table_capacity_for_testing() {
  return live_table.load(std::memory_order_acquire)->mask + 1;
}

}  // namespace detail

Symbol intern(std::string_view text) {
  using namespace detail;
  std::size_t n = text.size();
  if (n - 8 <= kShort - 8) {
    WordSpots spots(n);
    Words words = spots.read(text.data());
    return Symbol(intern_short(text, spots, words, hash_words(words, n)));
  }
  if (n - 1 < 7) return Symbol(intern_tiny(text));
  return Symbol(intern_other(text));
}

std::size_t interned_count() noexcept {
  detail::Writers& state = detail::writers();
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.count;
}

}  // namespace tenure
