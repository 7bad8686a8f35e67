// Interning: symbols, hash-consed values and the shared small integers.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "runtime/symbol_table.h"
#include "tenure/tenure.h"

namespace tenure {
namespace {

TEST(SymbolTest, EqualTextGivesTheSameSymbol) {
  std::string text = "a symbol";
  Symbol a = intern(text);
  Symbol b = intern(std::string("a ") + "symbol");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.c_str(), b.c_str());  // one stored copy
  EXPECT_EQ(a.view(), "a symbol");
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_FALSE(a == intern("another symbol"));
}

TEST(SymbolTest, StorageIsStableWhileTheTableGrows) {
  Symbol first = intern("first");
  const char* where = first.c_str();
  std::vector<Symbol> many;
  for (int i = 0; i < 20'000; ++i) many.push_back(intern(std::to_string(i)));
  EXPECT_EQ(intern("first").c_str(), where);
  EXPECT_EQ(std::string(first.c_str()), "first");
  for (int i = 0; i < 20'000; ++i) {
    EXPECT_EQ(intern(std::to_string(i)), many[i]);
  }
  EXPECT_GE(interned_count(), 20'001u);
}

TEST(SymbolTest, EmbeddedNulsAreKept) {
  std::string_view with_nul("a\0b", 3);
  Symbol s = intern(with_nul);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.view(), with_nul);
  EXPECT_FALSE(s == intern("a"));
  EXPECT_EQ(s, intern(std::string("a\0b", 3)));
}

// intern() hashes and compares texts of up to 32 bytes with overlapping
// word loads: every length, and a difference at every position of it, must
// still tell texts apart, and equal texts in other storage must agree.
TEST(SymbolTest, EveryLengthAndPositionIsCompared) {
  for (std::size_t n = 1; n <= 40; ++n) {
    std::string base(n, 'x');
    for (std::size_t i = 0; i < n; ++i)
      base[i] = static_cast<char>('a' + i % 26);
    Symbol s = intern(base);
    std::string copy = base;  // other storage, same text
    EXPECT_EQ(intern(copy), s) << n;
    EXPECT_EQ(intern(copy).hash(), s.hash()) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = base;
      other[i] = '#';
      Symbol t = intern(other);
      EXPECT_FALSE(t == s) << "length " << n << ", position " << i;
      EXPECT_EQ(t.view(), other);
    }
    // A prefix is another text, even when it shares the storage.
    EXPECT_FALSE(intern(std::string_view(base).substr(0, n - 1)) == s) << n;
  }
}

// The same storage reused for another text (a buffer refilled, or freed and
// handed out again at the same address) gets the symbol of what it holds.
TEST(SymbolTest, StorageReusedForAnotherText) {
  char buffer[48];
  for (int round = 0; round < 3; ++round) {
    for (std::size_t n : {3u, 7u, 12u, 20u, 31u, 44u}) {
      std::memset(buffer, 'a' + round, n);
      std::string_view view(buffer, n);
      EXPECT_EQ(intern(view).view(), view);
      EXPECT_EQ(intern(view), intern(std::string(view)));
      buffer[n / 2] = '!';
      EXPECT_EQ(intern(view).view(), view);
    }
  }
}

// The table keeps the top 16 bits of each hash beside the entry's address
// and compares the bytes only when they match. Texts forced onto one hash
// share a slot and a tag: each must still get its own symbol, found again
// behind the others in the probe sequence, at the lengths where the inline
// compare changes its loads (3/4, 7/8, 15/16) and where intern() leaves the
// inline path (32/33). A second hash with the same tag and the next slot
// interleaves its texts with the first's.
TEST(SymbolTest, TextsWithOneHashAreToldApartByTheirBytes) {
  constexpr std::size_t kHash = 0x5eed'0000'0000'1000;
  using detail::intern_with_hash_for_testing;
  std::vector<std::string> texts;
  for (std::size_t n :
       {1u, 2u, 3u, 4u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 40u, 100u}) {
    // '\x01' starts none of the texts interned elsewhere in these tests.
    std::string base(n, '\x01');
    texts.push_back(base);
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = base;
      other[i] = '\x02';
      texts.push_back(other);
    }
  }
  std::vector<const detail::SymbolEntry*> entries;
  for (std::size_t k = 0; k < texts.size(); ++k) {
    entries.push_back(intern_with_hash_for_testing(texts[k], kHash + k % 2));
    EXPECT_EQ(std::string_view(entries.back()->data, entries.back()->size),
              texts[k]);
    EXPECT_EQ(entries.back()->hash, kHash + k % 2);
  }
  for (std::size_t k = 0; k < texts.size(); ++k) {
    std::string copy = texts[k];  // other storage, the same text
    EXPECT_EQ(intern_with_hash_for_testing(copy, kHash + k % 2), entries[k])
        << "text " << k << " of length " << copy.size();
    for (std::size_t j = 0; j < k; ++j) EXPECT_NE(entries[j], entries[k]);
  }
}

// The table doubles past half full: symbols made before, and a chain of
// texts that share one hash, are found again in the grown table.
TEST(SymbolTest, SymbolsAreFoundAfterTheTableGrows) {
  constexpr std::size_t kHash = 0x0b57'0000'0000'0777;
  using detail::intern_with_hash_for_testing;
  std::vector<std::string> chain;
  std::vector<const detail::SymbolEntry*> chained;
  for (int i = 0; i < 50; ++i) {
    chain.push_back(absl::StrCat("\x01grow/", i));
    chained.push_back(intern_with_hash_for_testing(chain.back(), kHash));
  }
  std::size_t before = detail::table_capacity_for_testing();
  std::vector<Symbol> made;
  for (std::size_t i = 0; i < before; ++i) {
    made.push_back(intern(absl::StrCat("grows/", i)));
  }
  EXPECT_GE(detail::table_capacity_for_testing(), 2 * before);
  for (std::size_t i = 0; i < made.size(); ++i) {
    EXPECT_EQ(intern(absl::StrCat("grows/", i)), made[i]) << i;
    EXPECT_EQ(made[i].view(), absl::StrCat("grows/", i));
  }
  for (std::size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(intern_with_hash_for_testing(chain[i], kHash), chained[i]) << i;
  }
}

// Long texts: hashed with absl, compared with memcmp; past a quarter of
// the entries' 64 KiB chunks each gets storage of its own.
TEST(SymbolTest, LongTextsAreKeptWhole) {
  for (std::size_t n : {33u, 1000u, 16'000u, 16'400u, 100'000u}) {
    std::string text(n, 'L');
    text[n / 3] = '1';
    Symbol s = intern(text);
    EXPECT_EQ(s.view(), text);
    EXPECT_EQ(s.c_str()[n], '\0');
    EXPECT_EQ(intern(std::string(text)), s);
    std::string last = text;
    last[n - 1] = 'M';
    EXPECT_FALSE(intern(last) == s) << n;
    EXPECT_EQ(s.hash(), detail::hash_for_testing(text));
  }
}

TEST(SymbolTest, EmptyTextIsTheDefaultSymbol) {
  EXPECT_EQ(intern(""), Symbol());
  EXPECT_TRUE(Symbol().empty());
  EXPECT_STREQ(Symbol().c_str(), "");
}

TEST(SymbolTest, UsableAsAHashKey) {
  absl::flat_hash_map<Symbol, int> counts;
  std::unordered_set<Symbol> seen;
  for (const char* word : {"x", "y", "x", "z", "x"}) {
    ++counts[intern(word)];
    seen.insert(intern(word));
  }
  EXPECT_EQ(counts[intern("x")], 3);
  EXPECT_EQ(seen.size(), 3u);
}

TEST(SymbolTest, ThreadsAgreeOnSymbols) {
  std::vector<Symbol> mine(1000), theirs(1000);
  std::thread other([&] {
    for (int i = 0; i < 1000; ++i) theirs[i] = intern(absl::StrCat("t", i));
  });
  for (int i = 0; i < 1000; ++i) mine[i] = intern(absl::StrCat("t", i));
  other.join();
  EXPECT_EQ(mine, theirs);
}

TEST(InternerTest, EqualValuesShareOneObject) {
  Interner<std::vector<int>> shapes;
  Ref<const Interned<std::vector<int>>> a = shapes.intern({2, 3});
  Ref<const Interned<std::vector<int>>> b = shapes.intern({2, 3});
  Ref<const Interned<std::vector<int>>> c = shapes.intern({3, 2});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a->value().at(1), 3);
  EXPECT_EQ((*a)->size(), 2u);
  EXPECT_EQ(**c, (std::vector<int>{3, 2}));
  EXPECT_EQ(shapes.size(), 2u);
}

TEST(InternerTest, TheTableDoesNotKeepValuesAlive) {
  Interner<std::string> names;
  Ref<const Interned<std::string>> kept = names.intern("kept");
  names.intern("dropped");  // the only handle goes at once
  EXPECT_EQ(names.size(), 1u);
  EXPECT_EQ(gc::collect(), 0u);
  Ref<const Interned<std::string>> again = names.intern("dropped");
  EXPECT_EQ(again->value(), "dropped");
  EXPECT_EQ(names.size(), 2u);
}

TEST(InternerTest, ValuesMayOutliveTheInterner) {
  Ref<const Interned<std::string>> survivor;
  {
    Interner<std::string> names;
    survivor = names.intern("survivor");
  }
  EXPECT_EQ(survivor->value(), "survivor");
}

TEST(SmallIntTest, SmallIntegersAreShared) {
  for (std::int64_t v : {-5, 0, 1, 256}) {
    Ref<const Int> a = box(v);
    Ref<const Int> b = box(v);
    EXPECT_EQ(a, b) << v;
    EXPECT_EQ(a->value(), v);
  }
  EXPECT_NE(box(257), box(257));
  EXPECT_NE(box(-6), box(-6));
  EXPECT_EQ(box(1000)->value(), 1000);
}

TEST(SmallIntTest, SharedAcrossThreads) {
  Ref<const Int> here = box(42);
  Ref<const Int> there;
  std::thread([&] { there = box(42); }).join();
  EXPECT_EQ(here, there);
}

}  // namespace
}  // namespace tenure
