#include "tenure/free_list.h"

namespace tenure::detail {
namespace {

// This thread's free lists. Each list is a thread_local that links itself in
// when first used and out when the thread ends.
thread_local FreeListBase* t_free_lists = nullptr;

}  // namespace

FreeListBase::FreeListBase() noexcept : next_(t_free_lists) {
  if (next_) next_->prev_ = this;
  t_free_lists = this;
}

FreeListBase::~FreeListBase() {
  if (prev_) prev_->next_ = next_;
  if (next_) next_->prev_ = prev_;
  if (t_free_lists == this) t_free_lists = next_;
}

void clear_free_lists() noexcept {
  for (FreeListBase* list = t_free_lists; list; list = list->next_) {
    list->clear();
  }
}

}  // namespace tenure::detail
