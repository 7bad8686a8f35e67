// One peer allocator running the shared workload in a process of its own
// (jemalloc and tcmalloc replace malloc process-wide when linked, so they
// cannot share a process with glibc's malloc). Each uses its own API with
// sized free where it has one, as tenure's pool does. Reads one free order
// per line ("lifo" or "shuffled"), runs one turn of the workload and
// answers "<ns per pair>", until end of input: tenure-alloc-bench asks turn
// by turn, alternating with the other allocators.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "alloc_workload.h"

#if defined(TENURE_PEER_MIMALLOC)
#include <mimalloc.h>
void* peer_allocate(std::size_t size) { return mi_malloc(size); }
void peer_free(void* p, std::size_t size) { mi_free_size(p, size); }
#elif defined(TENURE_PEER_JEMALLOC)
#include <jemalloc/jemalloc.h>
void* peer_allocate(std::size_t size) { return malloc(size); }
void peer_free(void* p, std::size_t size) { sdallocx(p, size, 0); }
#elif defined(TENURE_PEER_TCMALLOC)
#include <gperftools/tcmalloc.h>
void* peer_allocate(std::size_t size) { return tc_malloc(size); }
void peer_free(void* p, std::size_t size) { tc_free_sized(p, size); }
#else
#error \
    "define TENURE_PEER_MIMALLOC, TENURE_PEER_JEMALLOC or TENURE_PEER_TCMALLOC"
#endif

int main() {
  using namespace tenure::bench;
  Workload work;
  char order[32];
  while (std::scanf("%31s", order) == 1) {
    Order which =
        std::string(order) == "lifo" ? Order::kLifo : Order::kShuffled;
    std::printf("%.3f\n",
                time_pairs(work, which, kRounds, peer_allocate, peer_free));
    std::fflush(stdout);
  }
  return 0;
}
