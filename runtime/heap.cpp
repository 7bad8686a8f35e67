#include "heap.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <typeinfo>

#include "allocation.h"
#include "tenure/detail/fail.h"
#include "tenure/detail/sanitizer.h"
#include "tenure/weak.h"

namespace tenure {
namespace detail {
namespace {

thread_local Heap* t_heap = nullptr;

// Ends this thread's heap when the thread exits. Objects still alive then
// (held by globals, or leaked) keep the heap: a global released later during
// static destruction must still find its heap.
struct HeapOwner {
  ~HeapOwner() {
    if (!t_heap) return;
    t_heap->quarantine.release_all();
    if (t_heap->size() == 0) {
      delete t_heap;
      t_heap = nullptr;
    } else {
      t_heap->retired = true;
    }
  }
};
thread_local HeapOwner t_heap_owner;

}  // namespace

// Under ASan a held block is poisoned: a stale handle is then reported by
// ASan itself, with the stacks of the use and of the free.
void Quarantine::hold(Block block) noexcept {
  if (size_ == kCapacity) {
    Block& oldest = blocks_[next_];
    unpoison(oldest.address, oldest.size);
    free_block(oldest.address, oldest.size, oldest.align);
  } else {
    ++size_;
  }
  poison(block.address, block.size);
  blocks_[next_] = block;
  next_ = (next_ + 1) % kCapacity;
}

void Quarantine::release_all() noexcept {
  for (std::size_t i = 0; i < size_; ++i) {
    Block& block = blocks_[(next_ + kCapacity - size_ + i) % kCapacity];
    unpoison(block.address, block.size);
    free_block(block.address, block.size, block.align);
  }
  size_ = 0;
}

void Heap::add(Object& object, std::uint32_t list) {
  std::vector<Object*>& objects = lists[list];
  if (objects.size() >= kMaxListSize) {
    throw std::length_error("tenure: too many objects in one generation");
  }
  std::uint32_t index = static_cast<std::uint32_t>(objects.size());
  objects.push_back(&object);
  ObjectAccess::slot(object) = make_slot(list, index);
}

bool Heap::holds(const Object& object) const noexcept {
  std::uint32_t slot = ObjectAccess::slot(const_cast<Object&>(object));
  std::uint32_t list = list_of(slot);
  if (list >= kLists) return false;
  const std::vector<Object*>& objects = lists[list];
  std::uint32_t index = slot & kIndexMask;
  return index < objects.size() && objects[index] == &object;
}

std::size_t Heap::size() const noexcept {
  std::size_t total = 0;
  for (const std::vector<Object*>& objects : lists) total += objects.size();
  return total;
}

namespace {

[[noreturn]] void heap_fatal(const char* what) noexcept {
  std::fprintf(stderr, "tenure: fatal: heap: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

[[noreturn]] void heap_fatal(const char* what, std::uint32_t list,
                             std::size_t index) noexcept {
  std::fprintf(stderr, "tenure: fatal: heap: list %u, index %zu: %s\n", list,
               index, what);
  std::fflush(stderr);
  std::abort();
}

void validate_list(const Heap& heap, std::uint32_t list) noexcept {
  const std::vector<Object*>& objects = heap.lists[list];
  for (std::size_t i = 0; i < objects.size(); ++i) {
    Object* object = objects[i];
    if (!object) heap_fatal("null entry", list, i);
    if (ObjectAccess::slot(*object) !=
        make_slot(list, static_cast<std::uint32_t>(i))) {
      heap_fatal("the object's slot names another place", list, i);
    }
    std::uint32_t count = ObjectAccess::count(*object);
    if (count == kDestroyedCount) heap_fatal("destroyed object", list, i);
    if (count == 0) heap_fatal("tracked object with a count of 0", list, i);
    const WeakControl* weak = ObjectAccess::weak(*object);
    if (weak && weak->target != object) {
      heap_fatal("its weak control points at another object", list, i);
    }
  }
}

}  // namespace

void validate_heap(const Heap& heap, int last_generation) noexcept {
  if (heap.busy()) heap_fatal("validated during a collection or cascade");
  if (heap.dying) heap_fatal("objects are waiting to be destroyed");
  if (!heap.lists[kCollectingList].empty()) {
    heap_fatal("collecting list not empty", kCollectingList, 0);
  }
  for (int gen = 0; gen <= last_generation; ++gen) {
    validate_list(heap, static_cast<std::uint32_t>(gen));
  }
  if (last_generation == kGenerations - 1) validate_list(heap, kPermanentList);
}

Heap& current_heap() {
  if (!t_heap) {
    t_heap = new Heap;
    (void)&t_heap_owner;  // registers the thread-exit hook
  }
  return *t_heap;
}

Heap* current_heap_if_any() noexcept { return t_heap; }

#if TENURE_VERIFY
void track(Object* object, const char* file, std::uint32_t line,
           std::size_t size) {
  Heap& heap = current_heap();
  heap.sites.reserve(heap.sites.size() + 1);  // may throw, before any change
  heap.add(*object, 0);
  std::size_t bytes = block_bytes(size);
  heap.sites[object] =
      Site{file, line, static_cast<std::uint32_t>(bytes), ++heap.makes};
  heap.traced_bytes += bytes;
  heap.traced_peak_bytes = std::max(heap.traced_peak_bytes, heap.traced_bytes);
  ++heap.count[0];
  collect_if_due(heap);
}
#else
void track(Object* object) {
  Heap& heap = current_heap();
  heap.add(*object, 0);
  ++heap.makes;
  ++heap.count[0];
  collect_if_due(heap);
}
#endif

void release_last(Object* object) noexcept {
  Heap& heap = *t_heap;  // the owner's: checked builds verified it
  forget(heap, *object);
  // The weak field is free now; it links the object into the dying list.
  ObjectAccess::weak(*object) = reinterpret_cast<WeakControl*>(heap.dying);
  heap.dying = object;
  if (!heap.destroying) run_destructions(heap);
}

void run_destructions(Heap& heap) noexcept {
  heap.destroying = true;
  while (Object* object = heap.dying) {
    heap.dying = reinterpret_cast<Object*>(ObjectAccess::weak(*object));
    ObjectAccess::weak(*object) = nullptr;
    ObjectAccess::destroy(object);
  }
  heap.destroying = false;
}

namespace {

void check_owner(const Object& object, const std::type_info& type) noexcept {
  Heap* heap = t_heap;
  if (heap && heap->holds(object)) {
    // The counts of a collection that decides would no longer add up.
    if (heap->deciding) {
      fail(type,
           "handle copied, made or dropped inside trace() during a "
           "collection (trace must only report the handles it owns)");
    }
    return;
  }
  fail(type,
       "used on a thread other than the one that made it "
       "(use tenure::SharedObject to share across threads)");
}

}  // namespace

void check_retain(const Object& object, const std::type_info& type) noexcept {
  std::uint32_t count = ObjectAccess::count(object);
  std::uint32_t slot = ObjectAccess::slot(const_cast<Object&>(object));
  if (count == kDestroyedCount) {
    fail(type, "handle taken to an object that was already destroyed");
  }
  if (slot == kSlotUntracked) {
    fail(type,
         "handle taken to an object not made by tenure::make, or "
         "still under construction");
  }
  if (slot == kSlotDying) {
    fail(type,
         "handle taken to an object whose count reached zero (a "
         "destructor resurrecting an object it does not own)");
  }
  check_owner(object, type);
}

void check_release(const Object& object, const std::type_info& type) noexcept {
  std::uint32_t count = ObjectAccess::count(object);
  if (count == kDestroyedCount) {
    fail(type,
         "refcount underflow: handle released after its object was "
         "destroyed");
  }
  if (count == 0) {
    fail(type, "refcount underflow: released more often than held");
  }
  check_owner(object, type);
}

void check_adopt(const Object& object, const std::type_info& type) noexcept {
  std::uint32_t count = ObjectAccess::count(object);
  if (count == 0 || count == kDestroyedCount) {
    fail(type,
         "adopt() of an object with no count to take over (adopt "
         "only what detach() gave up)");
  }
  check_owner(object, type);
}

WeakControl* weak_control_of(Object& target) {
  WeakControl*& control = ObjectAccess::weak(target);
  if (control) return control;
  bool dying = ObjectAccess::slot(target) == kSlotDying;
  auto* created = static_cast<WeakControl*>(allocate_block(
      sizeof(WeakControl), std::align_val_t{alignof(WeakControl)}));
  // A Weak made to an object already on its way out is born expired; its
  // weak field is busy linking the dying list.
  *created = WeakControl{dying ? nullptr : &target, 0, kWeakLive};
  if (!dying) control = created;
  return created;
}

void free_weak_control(WeakControl* control) noexcept {
  if (control->target) ObjectAccess::weak(*control->target) = nullptr;
  // Volatile: the block is dead to the compiler from here on, but a stale
  // Weak must still find the mark while the block sits in quarantine.
  *static_cast<volatile std::uint32_t*>(&control->state) = kWeakFreed;
  retire_block(control, sizeof(WeakControl),
               std::align_val_t{alignof(WeakControl)});
}

void check_weak_control(const WeakControl& control,
                        const std::type_info& type) noexcept {
  if (control.state != kWeakLive) {
    fail(type,
         "Weak used after its control data was freed (a dangling or "
         "bitwise-copied Weak)");
  }
}

}  // namespace detail

void Object::trace(Tracer&) {}

Object::~Object() {
  // An object with Weaks that was never made by tenure::make (a member or
  // a stack object) still has to expire them.
  if (gc_slot_ == detail::kSlotUntracked) detail::detach_weak(*this);
  // Volatile: stores into a dying object are otherwise dead to the compiler.
  *static_cast<volatile std::uint32_t*>(&refcount_) = detail::kDestroyedCount;
}

}  // namespace tenure
