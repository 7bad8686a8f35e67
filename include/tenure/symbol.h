// tenure::intern and tenure::Symbol: strings stored once, compared by address.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <utility>

namespace tenure {

namespace detail {
struct SymbolEntry {
  std::size_t hash;
  std::size_t size;
  char data[1];  // `size` bytes and a terminating NUL
};
extern const SymbolEntry kEmptySymbol;
}  // namespace detail

// An interned string: two Symbols are equal exactly when their texts are,
// and comparing them compares one pointer. The hash is computed once, when
// the text is first interned. A Symbol is a pointer: copy it freely, use it
// as a key (std::hash and absl::Hash both take the stored hash), and share
// it across threads. Interned text is immortal (as in CPython 3.12): it stays
// valid, at the same address, until the process ends.
class Symbol {
 public:
  // The empty string, the same Symbol as intern("").
  Symbol() noexcept : entry_(&detail::kEmptySymbol) {}

  std::string_view view() const noexcept {
    return {entry_->data, entry_->size};
  }
  // NUL-terminated; text with embedded NULs is kept whole (use view()).
  const char* c_str() const noexcept { return entry_->data; }
  std::size_t size() const noexcept { return entry_->size; }
  bool empty() const noexcept { return entry_->size == 0; }
  std::size_t hash() const noexcept { return entry_->hash; }

  friend bool operator==(Symbol a, Symbol b) noexcept {
    return a.entry_ == b.entry_;
  }
  template <class H>
  friend H AbslHashValue(H state, Symbol symbol) {
    return H::combine(std::move(state), symbol.entry_->hash);
  }

 private:
  friend Symbol intern(std::string_view text);
  explicit Symbol(const detail::SymbolEntry* entry) noexcept : entry_(entry) {}

  const detail::SymbolEntry* entry_;
};

// The Symbol for `text`, stored on first use. Safe from any thread; looking
// up a string already interned takes no lock. Throws std::bad_alloc.
Symbol intern(std::string_view text);

// How many distinct strings have been interned.
std::size_t interned_count() noexcept;

}  // namespace tenure

template <>
struct std::hash<tenure::Symbol> {
  std::size_t operator()(tenure::Symbol symbol) const noexcept {
    return symbol.hash();
  }
};
