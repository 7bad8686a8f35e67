// A lambda capturing a handle (a parameter, a local, by name or by [=]) is
// stored in that handle's own callback member: the object holds a closure
// that holds the object.
#include <functional>
#include <memory>

struct Subscriber {
  std::function<void(int)> notify;
  int seen = 0;
};

void subscribe(std::shared_ptr<Subscriber> sub) {
  sub->notify = [=](int n) { sub->seen += n; };
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: strong reference cycle Subscriber -notify-> Subscriber closed here: its objects are never freed by reference counting; capture a weak handle in the lambda stored in 'Subscriber::notify' [tenure-ref-cycle]
  // CHECK-MESSAGES: :[[@LINE-2]]:15: note: 'Subscriber::notify' holds a lambda that captures a strong handle to 'Subscriber'
}

struct Counter {
  std::function<void(int)> notify;
  int seen = 0;
};

std::shared_ptr<Counter> make_counter() {
  auto counter = std::make_shared<Counter>();
  counter->notify = [counter](int n) { counter->seen += n; };
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: strong reference cycle Counter -notify-> Counter closed here: {{.*}} [tenure-ref-cycle]
  // CHECK-MESSAGES: :[[@LINE-2]]:19: note: 'Counter::notify' holds a lambda that captures a strong handle to 'Counter'
  return counter;
}
