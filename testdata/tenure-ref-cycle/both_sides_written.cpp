// No self-handle anywhere, but both edges between two types are written:
// a connection and its current request hold each other.
#include <memory>

struct Connection;
struct Request {
  std::shared_ptr<Connection> connection;
};
struct Connection {
  std::shared_ptr<Request> current;
};

void begin(std::shared_ptr<Connection> c, std::shared_ptr<Request> r) {
  c->current = r;
  r->connection = c;
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: strong reference cycle Request -connection-> Connection -current-> Request closed here: {{.*}}; make 'Request::connection' a weak handle [tenure-ref-cycle]
}

void accept(std::shared_ptr<Connection> c) { c->current = std::make_shared<Request>(); }
void adopt(std::shared_ptr<Request> r, std::shared_ptr<Connection> other) { r->connection = other; }
