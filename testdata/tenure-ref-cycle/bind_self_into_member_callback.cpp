// std::bind of a member function with a strong self handle, stored in the
// object's own callback member: the same loop as a lambda capturing it.
#include <functional>
#include <memory>

class Peer : public std::enable_shared_from_this<Peer> {
public:
  void start() {
    on_data_ = std::bind(&Peer::handle, shared_from_this(), std::placeholders::_1);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Peer -on_data_-> Peer closed here: its objects are never freed by reference counting; bind a weak handle, or 'this' with a lifetime the owner ends, in the callable stored in 'Peer::on_data_' [tenure-ref-cycle]
    // CHECK-MESSAGES: :[[@LINE-2]]:14: note: 'Peer::on_data_' holds a std::bind that holds a strong handle to 'Peer'
  }
  void handle(int n) { total_ += n; }

private:
  std::function<void(int)> on_data_;
  int total_ = 0;
};
