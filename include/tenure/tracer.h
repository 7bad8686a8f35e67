// tenure::Tracer: how an object reports the strong handles it owns.
#pragma once

#include <concepts>
#include <iterator>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "tenure/object.h"
#include "tenure/ref.h"
#include "tenure/weak.h"

namespace tenure {

namespace detail {

template <class T>
inline constexpr bool kIsRef = false;
template <class T>
inline constexpr bool kIsRef<Ref<T>> = true;
template <class T>
inline constexpr bool kIsWeak = false;
template <class T>
inline constexpr bool kIsWeak<Weak<T>> = true;
template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class T>
inline constexpr bool kIsVariant = false;
template <class... Ts>
inline constexpr bool kIsVariant<std::variant<Ts...>> = true;
template <class T>
concept TupleLike =
    requires { std::tuple_size<T>::value; } && !std::ranges::range<T>;
template <class T>
concept Clearable = std::ranges::range<T> && requires(T& c) { c.clear(); };
template <class T>
inline constexpr bool kAlwaysFalse = false;

}  // namespace detail

// Passed to Object::trace. Call it on every strong handle the object owns,
// directly or inside standard or Abseil containers, optionals, variants,
// pairs, tuples and member objects that have a trace(Tracer&) of their own:
//
//   void trace(tenure::Tracer& t) override { t("next", next); t(kids); }
//
// The named form lets cycle reports say which field closes a cycle. Weak
// handles and scalars (raw pointers included) are accepted and ignored.
//
// The collector uses two kinds of tracer: one that visits the handles, and
// one that clears them (containers are emptied, handles reset) to break the
// cycles of garbage. So trace must only report, never act on, the handles.
class Tracer {
 public:
  template <class T>
  void operator()(T& value) {
    trace_value(value, field_);
  }
  // The name travels down to visit() as an argument, not through a member:
  // the collector's passes report every handle of every object, and a store
  // per field was a tenth of their work.
  template <class T>
  void operator()(const char* field, T& value) {
    trace_value(value, field);
  }

  bool clearing() const noexcept { return clearing_; }
  // Inside the trace() of a member object reached through a named call, that
  // name; otherwise nullptr.
  const char* field() const noexcept { return field_; }

 protected:
  explicit Tracer(bool clearing) noexcept : clearing_(clearing) {}
  ~Tracer() = default;

  // Called for each non-null strong handle to a collectable object while
  // visiting (never while clearing). `field`: the name of the innermost
  // named call around the handle, or nullptr.
  virtual void visit(Object& target, const char* field) = 0;
#if TENURE_VERIFY
  // Verification mode also reports strong handles to SharedObjects, for the
  // scan of live SharedObjects (verify::find_shared_cycles). The collector
  // ignores them: SharedObjects are not collected.
  virtual void visit_shared(SharedObject& /*target*/, const char* /*field*/) {}
#endif

 private:
  template <class T>
  void trace_value(T& value, const char* field) {
    using U = std::remove_cv_t<T>;
    if constexpr (detail::kIsRef<U>) {
      if constexpr (detail::kIsCollectable<typename U::element_type>) {
        if (!value) return;
        if constexpr (!std::is_const_v<T>) {
          if (clearing_) return value.reset();
        }
        if (!clearing_) {
          visit(const_cast<Object&>(static_cast<const Object&>(*value)), field);
        }
      } else {
#if TENURE_VERIFY
        if (value && !clearing_) {
          visit_shared(const_cast<SharedObject&>(
                           static_cast<const SharedObject&>(*value)),
                       field);
        }
#endif
      }
    } else if constexpr (detail::kIsWeak<U> || std::is_scalar_v<U> ||
                         std::is_empty_v<U>) {
      // Weak handles do not own; raw pointers, numbers and empty types
      // (std::monostate) hold nothing.
    } else if constexpr (detail::kIsOptional<U>) {
      if (!value) return;
      if constexpr (!std::is_const_v<T>) {
        if (clearing_) return value.reset();
      }
      trace_value(*value, field);
    } else if constexpr (detail::kIsVariant<U>) {
      if (value.valueless_by_exception()) return;
      std::visit(
          [this, field](auto& alternative) { trace_value(alternative, field); },
          value);
    } else if constexpr (detail::HasTrace<U>) {
      const char* outer = field_;
      field_ = field;
      const_cast<U&>(value).trace(*this);
      field_ = outer;
    } else if constexpr (std::ranges::range<U>) {
      using Element = std::ranges::range_value_t<U>;
      if constexpr (!std::is_scalar_v<Element>) {  // strings, vector<int>
        if constexpr (detail::Clearable<U> && !std::is_const_v<T>) {
          if (clearing_) return value.clear();
        }
        for (auto& element : value) trace_value(element, field);
      }
    } else if constexpr (detail::TupleLike<U>) {
      std::apply(
          [this, field](auto&... part) { (trace_value(part, field), ...); },
          value);
    } else {
      static_assert(detail::kAlwaysFalse<U>,
                    "tenure::Tracer cannot see inside this type: trace its "
                    "handle fields one by one, or give it a "
                    "trace(tenure::Tracer&) member");
    }
  }

  const bool clearing_;
  const char* field_ = nullptr;
};

}  // namespace tenure

// Traces a field under its own name: TENURE_TRACE(t, next) is t("next", next).
#define TENURE_TRACE(tracer, field) (tracer)(#field, field)
