// Raw pointers the owner does not delete: observers registered with a hub
// that holds them strongly back, and a cursor into a list.
#include <memory>
#include <vector>

class Hub;
class Observer {
public:
  std::shared_ptr<Hub> hub;
};

class Hub : public std::enable_shared_from_this<Hub> {
public:
  ~Hub() { observers_.clear(); }
  void add(Observer *o) {
    o->hub = shared_from_this();
    observers_.push_back(o);
  }

private:
  std::vector<Observer *> observers_;
};

class Cursor;
class Document : public std::enable_shared_from_this<Document> {
public:
  ~Document() { delete scratch_; }
  void open(Cursor *c);

private:
  Cursor *current_ = nullptr;
  int *scratch_ = nullptr;
};
class Cursor {
public:
  std::shared_ptr<Document> doc;
};
void Document::open(Cursor *c) {
  c->doc = shared_from_this();
  current_ = c;
}
