// The intern table under ThreadSanitizer (its own executable: see
// tests/CMakeLists.txt). First, two threads intern the same texts in
// opposite orders, so that each looks up, without the lock, entries the
// other is adding and tables the other is replacing as they grow (from 1024
// slots to 65,536), while a third thread keeps reading symbols made before
// they started: every thread must get the same symbol for the same text.
// Then one thread interns new texts while another looks up the newest ones,
// learning how far the first got through a relaxed counter: the lookups
// that find the texts take no lock, so only the table's own release and
// acquire order the entries' bytes before the reader's reads (with a relaxed
// store of the slot, TSan reports a race here). Exits 0 when all agree and
// TSan saw no race; 1 on a disagreement; TSan makes it exit 66.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tenure/symbol.h"

namespace {

constexpr int kTexts = 20'000;

// Lengths from 1 to 48, so that both the inline and the long path race.
std::string text(int i) {
  std::string t = std::to_string(i) + ":";
  t.resize(1 + i % 48, static_cast<char>('a' + i % 26));
  return t + std::to_string(i);
}

}  // namespace

int main() {
  std::vector<std::string> texts;
  for (int i = 0; i < kTexts; ++i) texts.push_back(text(i));
  std::vector<tenure::Symbol> early;
  for (int i = 0; i < 100; ++i) early.push_back(tenure::intern(texts[i]));

  std::vector<tenure::Symbol> up(kTexts), down(kTexts);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread reader([&] {
    while (!done.load()) {
      for (int i = 0; i < 100; ++i) {
        if (!(tenure::intern(texts[i]) == early[i])) ++wrong;
      }
    }
  });
  std::thread forward([&] {
    for (int i = 0; i < kTexts; ++i) up[i] = tenure::intern(texts[i]);
  });
  std::thread backward([&] {
    for (int i = kTexts - 1; i >= 0; --i) down[i] = tenure::intern(texts[i]);
  });
  forward.join();
  backward.join();
  done = true;
  reader.join();
  for (int i = 0; i < kTexts; ++i) {
    if (!(up[i] == down[i]) || up[i].view() != texts[i]) ++wrong;
  }
  if (tenure::interned_count() < static_cast<std::size_t>(kTexts)) ++wrong;

  constexpr int kNew = 20'000;
  std::vector<std::string> fresh;
  for (int i = 0; i < kNew; ++i) fresh.push_back("new/" + text(i));
  std::atomic<int> made{0};
  std::thread writer([&] {
    for (int i = 0; i < kNew; ++i) {
      tenure::intern(fresh[i]);
      made.store(i + 1, std::memory_order_relaxed);
    }
  });
  std::thread looker([&] {
    for (int seen = 0; seen < kNew;) {
      seen = made.load(std::memory_order_relaxed);
      for (int i = seen > 8 ? seen - 8 : 0; i < seen; ++i) {
        if (tenure::intern(fresh[i]).view() != fresh[i]) ++wrong;
      }
    }
  });
  writer.join();
  looker.join();
  std::printf("%d disagreements\n", wrong.load());
  return wrong.load() == 0 ? 0 : 1;
}
