// The intern table's internals that the tests reach
// (tests/runtime/intern_test.cpp): the length up to which texts take the
// inline hash and compare, and hooks that force hashes and read the size of
// the live table.
#pragma once

#include <cstddef>
#include <string_view>

#include "tenure/symbol.h"

namespace tenure::detail {

// Texts of 1 to kShort bytes are hashed and compared inline, with word
// loads; longer ones with absl::Hash and memcmp.
inline constexpr std::size_t kShort = 32;

// The hash intern() computes for `text` (what Symbol::hash() returns).
std::size_t hash_for_testing(std::string_view text);

// intern() as if `text` hashed to `hash`, through the same probe and compare:
// many texts given one hash collide in slot and tag. The entry returned is
// the Symbol's storage (its `data` is the Symbol's c_str()). A text interned
// here must not also be interned through intern(), which would look for it
// under its own hash.
const SymbolEntry* intern_with_hash_for_testing(std::string_view text,
                                                std::size_t hash);

// Slots in the live table (a power of two; it doubles past half full).
std::size_t table_capacity_for_testing();

}  // namespace tenure::detail
