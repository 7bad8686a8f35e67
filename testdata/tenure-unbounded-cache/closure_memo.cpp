// A memoize() helper returns a closure that owns its table and inserts every
// new argument; the closures are kept in std::function members, so the
// tables live as long as the engine and grow with every new argument.
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace calc {

template <typename R, typename... A>
std::function<R(A...)> memoize(std::function<R(A...)> f) {
  auto table = std::make_shared<std::map<std::tuple<A...>, R>>();
  return [=](A... a) -> R {
    std::tuple<A...> key(a...);
    auto it = table->find(key);
    if (it != table->end())
      return it->second;
    R value = f(a...);
    table->emplace(key, value);
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'calc::memoize::table' only grows: {{.*}} [tenure-unbounded-cache]
    // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: the closure 'calc::memoize' returns owns it; it is kept in 'calc::Engine::density_' here
    return value;
  };
}

// The same helper with the table held by value in a mutable lambda.
template <typename R, typename A>
std::function<R(A)> memoizeByValue(std::function<R(A)> f) {
  std::map<A, R> seen;
  return [f, seen](A a) mutable -> R {
    if (auto it = seen.find(a); it != seen.end())
      return it->second;
    return seen[a] = f(a);
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'calc::memoizeByValue::seen' only grows: {{.*}} [tenure-unbounded-cache]
    // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: the closure 'calc::memoizeByValue' returns owns it; it is kept in 'calc::Engine::viscosity_' here
  };
}

// Bounded: evicts the oldest entry once the table is full.
template <typename R, typename A>
std::function<R(A)> memoizeBounded(std::function<R(A)> f, std::size_t cap) {
  auto table = std::make_shared<std::map<A, R>>();
  auto order = std::make_shared<std::list<A>>();
  return [=](A a) -> R {
    if (auto it = table->find(a); it != table->end())
      return it->second;
    if (table->size() >= cap) {
      table->erase(order->back());
      order->pop_back();
    }
    order->push_front(a);
    return (*table)[a] = f(a);
  };
}

// Remembers only the last argument: no table at all.
template <typename R, typename A>
std::function<R(A)> memoizeLast(std::function<R(A)> f) {
  A last{};
  R result{};
  bool valid = false;
  return [=](A a) mutable -> R {
    if (valid && a == last)
      return result;
    last = a;
    valid = true;
    return result = f(a);
  };
}

double density(double t, double p) { return t * p; }
double viscosity(double t) { return t / 2; }
std::string label(int n) { return std::to_string(n); }

class Engine {
public:
  Engine() { setUp(); }
  double rho(double t, double p) { return density_(t, p); }
  double mu(double t) { return viscosity_(t); }
  double mu2(double t) { return bounded_(t); }
  double mu3(double t) { return last_(t); }

private:
  void setUp() {
    density_ = memoize(std::function<double(double, double)>(density));
    viscosity_ = memoizeByValue(std::function<double(double)>(viscosity));
    bounded_ = memoizeBounded(std::function<double(double)>(viscosity), 64);
    last_ = memoizeLast(std::function<double(double)>(viscosity));
  }
  std::function<double(double, double)> density_;
  std::function<double(double)> viscosity_;
  std::function<double(double)> bounded_;
  std::function<double(double)> last_;
};

// A memoised function used for one computation and dropped: the table dies
// with the local closure.
template <typename R, typename A>
std::function<R(A)> memoizeScoped(std::function<R(A)> f) {
  std::map<A, R> seen;
  return [f, seen](A a) mutable -> R {
    if (auto it = seen.find(a); it != seen.end())
      return it->second;
    return seen[a] = f(a);
  };
}
std::string labels() {
  auto memo = memoizeScoped(std::function<std::string(int)>(label));
  return memo(1) + memo(2) + memo(1);
}

} // namespace calc

double use() {
  calc::Engine e;
  return e.rho(300, 1) + e.mu(300) + e.mu2(1) + e.mu3(2) +
         static_cast<double>(calc::labels().size());
}
