// tenure::Interner<T>: hash-consing of immutable values handed out as Refs.
#pragma once

#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "tenure/make.h"
#include "tenure/object.h"
#include "tenure/ref.h"

namespace tenure {

template <class T, class Hash, class Eq>
class Interner;

namespace detail {
template <class T, class Hash, class Eq>
struct InternTable;
}  // namespace detail

// One interned value: immutable, shared by every holder of an equal value.
template <class T, class Hash = absl::Hash<T>, class Eq = std::equal_to<T>>
class Interned final : public Object {
  struct Key {};

 public:
  // For tenure::make, called by Interner only (Key is private).
  Interned(Key, T value, detail::InternTable<T, Hash, Eq>* table)
      : value_(std::move(value)), table_(table) {
    ++table_->holders;
  }
  ~Interned() override;

  const T& value() const noexcept { return value_; }
  const T& operator*() const noexcept { return value_; }
  const T* operator->() const noexcept { return &value_; }

 private:
  friend class Interner<T, Hash, Eq>;
  const T value_;
  detail::InternTable<T, Hash, Eq>* table_;
};

namespace detail {

// Shared by an Interner and its values, freed by whichever goes last: the
// values may outlive the interner, and the table must not keep them alive.
template <class T, class Hash, class Eq>
struct InternTable {
  using Value = Interned<T, Hash, Eq>;
  struct ValueHash {
    using is_transparent = void;
    std::size_t operator()(const T& v) const { return Hash{}(v); }
    std::size_t operator()(const Value* v) const { return Hash{}(v->value()); }
  };
  struct ValueEq {
    using is_transparent = void;
    static const T& key(const T& v) { return v; }
    static const T& key(const Value* v) { return v->value(); }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return Eq{}(key(a), key(b));
    }
  };

  // Raw pointers: the table's reference does not keep a value alive; a
  // value's destructor takes it out.
  absl::flat_hash_set<const Value*, ValueHash, ValueEq> values;
  std::size_t holders = 0;  // the interner and each live value

  void release() noexcept {
    if (--holders == 0) delete this;
  }
};

}  // namespace detail

template <class T, class Hash, class Eq>
Interned<T, Hash, Eq>::~Interned() {
  table_->values.erase(this);
  table_->release();
}

// Hands out one shared, immutable object per distinct value: equal values
// give the same object, so they compare by address and are stored once.
// The interner holds its values weakly: a value lives while some Ref holds
// it, and interning an equal value after that makes a new one. T must be
// hashable by Hash and comparable by Eq, and hold no tenure handles (the
// values are never traced). Like tenure::Object, an interner and its values
// belong to the thread that made them.
//
//   tenure::Interner<std::vector<int>> shapes;
//   tenure::Ref<const tenure::Interned<std::vector<int>>> a =
//       shapes.intern({2, 3});
//   assert(a == shapes.intern({2, 3}));
template <class T, class Hash = absl::Hash<T>, class Eq = std::equal_to<T>>
class Interner {
 public:
  using Value = Interned<T, Hash, Eq>;

  Interner() : table_(new detail::InternTable<T, Hash, Eq>) {
    table_->holders = 1;
  }
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;
  ~Interner() { table_->release(); }

  // The shared object equal to `value`, made on first request. Throws
  // std::bad_alloc (nothing is interned then).
  Ref<const Value> intern(const T& value) {
    auto found = table_->values.find(value);
    if (found != table_->values.end()) {
      return Ref<const Value>::from_this(*found);
    }
    Ref<Value> made = make<Value>(typename Value::Key{}, value, table_);
    table_->values.insert(made.get());
    return made;
  }

  // Values alive now.
  std::size_t size() const noexcept { return table_->values.size(); }

 private:
  detail::InternTable<T, Hash, Eq>* table_;
};

}  // namespace tenure
