// Two threads, one allocating and one freeing, built with ThreadSanitizer
// (its own executable: see tests/CMakeLists.txt). Exits 0 when every block
// came back intact and TSan saw no race; TSan makes it exit 66 otherwise.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "tenure/tenure.h"

namespace {

struct Message : tenure::SharedObject {
  explicit Message(int id) : id(id) {}
  int id;
  char payload[40] = {};
};

struct Batch {
  std::vector<std::pair<unsigned char*, std::size_t>> blocks;
  std::vector<tenure::Ref<Message>> messages;
  std::list<int, tenure::PoolAllocator<int>> list;
};

// A bounded queue, so the two threads really overlap.
class Queue {
 public:
  void push(Batch batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return batches_.size() < 4; });
    batches_.push_back(std::move(batch));
    ready_.notify_one();
  }
  bool pop(Batch& batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !batches_.empty() || done_; });
    if (batches_.empty()) return false;
    batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Batch> batches_;
  bool done_ = false;
};

constexpr int kBatches = 400;
constexpr int kBlocksPerBatch = 500;

}  // namespace

int main() {
  Queue queue;
  std::atomic<bool> stop_stats{false};
  int failures = 0;

  std::thread producer([&] {
    for (int b = 0; b < kBatches; ++b) {
      Batch batch;
      for (int i = 0; i < kBlocksPerBatch; ++i) {
        std::size_t size = 1 + (static_cast<std::size_t>(b * 31 + i * 7) % 512);
        auto* p = static_cast<unsigned char*>(tenure::pool::allocate(size));
        std::memset(p, static_cast<int>(size & 0xFF), size);
        batch.blocks.emplace_back(p, size);
      }
      for (int i = 0; i < 50; ++i) {
        batch.messages.push_back(tenure::make<Message>(i));
        batch.list.push_back(i);
      }
      queue.push(std::move(batch));
      // Some blocks the producer frees itself, racing the remote frees
      // into the same pools.
      void* own = tenure::pool::allocate(64);
      tenure::pool::deallocate(own, 64);
    }
    queue.close();
  });

  std::thread consumer([&] {
    Batch batch;
    while (queue.pop(batch)) {
      for (auto [p, size] : batch.blocks) {
        for (std::size_t i = 0; i < size; ++i) {
          if (p[i] != static_cast<unsigned char>(size & 0xFF)) {
            ++failures;
            break;
          }
        }
        tenure::pool::deallocate(p, size);
      }
      batch = Batch();  // the messages and the list die here
    }
  });

  std::thread observer([&] {
    while (!stop_stats.load()) {
      tenure::pool::Stats stats = tenure::pool::stats();
      if (stats.bytes_in_use > stats.bytes_reserved) ++failures;
      std::this_thread::yield();
    }
  });

  producer.join();
  consumer.join();
  stop_stats = true;
  observer.join();

  // Both threads are gone; their pools were handed over with whatever the
  // other thread had freed into them. Nothing may still count as in use.
  tenure::pool::trim();
  tenure::pool::Stats stats = tenure::pool::stats();
  if (stats.bytes_in_use != 0) {
    std::fprintf(stderr, "pool_tsan_test: %zu bytes still in use\n%s",
                 stats.bytes_in_use, tenure::pool::format_stats(stats).c_str());
    return 1;
  }
  if (failures != 0) {
    std::fprintf(stderr, "pool_tsan_test: %d blocks came back damaged\n",
                 failures);
    return 1;
  }
  std::printf("pool_tsan_test: %d blocks and %d objects crossed threads\n",
              kBatches * kBlocksPerBatch, kBatches * 50);
  return 0;
}
