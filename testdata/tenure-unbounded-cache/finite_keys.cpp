// Keys from a finite domain bound a container, however long it lives: enums,
// pairs of enums, bool, small integer types, and integer ids checked against
// a bound before the insertion. The same singleton's map keyed by any int
// is reported: the singleton is what makes these long-lived.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

enum class Stage { Parse, Check, Emit };
enum Level { Low, High };

class Timings {
public:
  static Timings &instance() {
    static Timings t;
    return t;
  }
  void add(Stage s, double ms) { byStage_[s] += ms; }
  void add(Stage s, Level l, double ms) { byPair_[{s, l}] += ms; }
  void add(Stage s, Level l, bool warm, double ms) {
    byTuple_[std::make_tuple(s, l, warm)] += ms;
  }
  void flag(bool on, int n) { byFlag_.emplace(on, n); }
  void byte(std::uint8_t b) { ++perByte_[b]; }
  void slot(int id, double v) {
    if (id < 0 || id >= kSlots)
      return;
    slots_[id] = v;
  }
  void small(int id, double v) {
    if (id > 255)
      return;
    smalls_[id] = v;
  }
  void any(int id, double v) {
    if (id < 0)
      return;
    byId_[id] = v;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'Timings::byId_' only grows: {{.*}} [tenure-unbounded-cache]
  }

private:
  static constexpr int kSlots = 32;
  std::map<Stage, double> byStage_;
  std::map<std::pair<Stage, Level>, double> byPair_;
  std::map<std::tuple<Stage, Level, bool>, double> byTuple_;
  std::map<bool, int> byFlag_;
  std::unordered_map<std::uint8_t, long> perByte_;
  std::map<int, double> slots_;
  std::map<int, double> smalls_;
  std::map<int, double> byId_;
};

void run() {
  Timings::instance().add(Stage::Parse, 1.0);
  Timings::instance().add(Stage::Check, High, 2.0);
  Timings::instance().add(Stage::Emit, Low, true, 3.0);
  Timings::instance().flag(true, 1);
  Timings::instance().byte(7);
  Timings::instance().slot(3, 4.0);
  Timings::instance().small(3, 4.0);
  Timings::instance().any(3, 4.0);
}
