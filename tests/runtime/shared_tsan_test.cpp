// The SharedObject registry under ThreadSanitizer, in verification mode (its
// own executable: see tests/CMakeLists.txt). Two threads make, pass on and
// drop chains of SharedObjects while the main thread scans the registry,
// breaking the scan's precondition on purpose. Every scan must either give
// up with an error or report exactly the one cycle made before the threads
// started: never a crash, never a cycle that is not there. Exits 0 when so
// and TSan saw no race; 1 on a wrong report; TSan makes it exit 66.
#include <atomic>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tenure/cycles.h"
#include "tenure/tenure.h"

namespace {

struct Node : tenure::SharedObject {
  explicit Node(tenure::Ref<Node> next) : next(std::move(next)) {}
  tenure::Ref<Node> next;
  void trace(tenure::Tracer& t) { t("next", next); }
};

// Chains handed from one worker to the other, so that last releases happen
// on both threads.
std::mutex g_mutex;
std::deque<tenure::Ref<Node>> g_passed;

void work(int rounds) {
  for (int i = 0; i < rounds; ++i) {
    tenure::Ref<Node> chain = tenure::make<Node>(
        tenure::make<Node>(tenure::make<Node>(tenure::Ref<Node>())));
    tenure::Ref<Node> middle = chain->next;  // a copy: counts move
    tenure::Ref<Node> taken;
    {
      std::lock_guard<std::mutex> lock(g_mutex);
      g_passed.push_back(std::move(chain));
      if (g_passed.size() > 4) {
        taken = std::move(g_passed.front());
        g_passed.pop_front();
      }
    }
    // taken, middle and chain go here, in that order: some last releases
    // wait for a scan to let go of the registry.
  }
}

}  // namespace

int main() {
  constexpr int kRounds = 3000;
  std::uint64_t mark = tenure::verify::shared_allocation_count();
  {
    tenure::Ref<Node> ring = tenure::make<Node>(tenure::Ref<Node>());
    ring->next = ring;  // the one leaked cycle, made before the threads
  }
  std::atomic<int> running{2};
  auto worker = [&] {
    work(kRounds);
    --running;
  };
  std::thread a(worker), b(worker);
  int steady = 0, refused = 0, wrong = 0;
  while (running > 0) {
    tenure::verify::SharedCycles scan =
        tenure::verify::find_shared_cycles(mark);
    if (!scan.error.empty()) {
      ++refused;
    } else if (scan.leaked == 1 && scan.cycles.size() == 1 &&
               scan.cycles[0].objects == 1) {
      ++steady;
    } else {
      ++wrong;
      std::fprintf(stderr, "wrong report: %zu leaked, %zu cycles\n",
                   scan.leaked, scan.cycles.size());
      std::fprintf(stderr, "%s",
                   tenure::verify::format_cycles(scan.cycles).c_str());
    }
  }
  a.join();
  b.join();
  g_passed.clear();
  tenure::verify::SharedCycles last = tenure::verify::find_shared_cycles(mark);
  if (!last.error.empty() || last.leaked != 1) ++wrong;
  std::printf("scans: %d steady, %d refused (error), %d wrong\n", steady,
              refused, wrong);
  return wrong == 0 ? 0 : 1;
}
