// A handle handed to storage that keeps only a weak handle: moving it gains
// nothing (a weak handle is made from a const reference), so the advice is a
// const reference, not std::move.
#include <memory>
#include <vector>

struct Peer {
  int id = 0;
};
using PeerPtr = std::shared_ptr<Peer>;

struct Watch {
  Watch(const PeerPtr &p, int tag) : peer(p), tag(tag) {}
  std::weak_ptr<Peer> peer;
  int tag;
};

class Tracker {
public:
  void watch(PeerPtr p, int tag) { watches_.emplace_back(p, tag); }
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: parameter 'p' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  // CHECK-FIXES: {{^}}  void watch(const PeerPtr& p, int tag) { watches_.emplace_back(p, tag); }
  void remember(PeerPtr p) { seen_.push_back(p); }
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: parameter 'p' copies {{.*}}
  // CHECK-FIXES: {{^}}  void remember(const PeerPtr& p) { seen_.push_back(p); }
  void last(PeerPtr p) { last_ = p; }
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: parameter 'p' copies {{.*}}
  // CHECK-FIXES: {{^}}  void last(const PeerPtr& p) { last_ = p; }

private:
  std::vector<Watch> watches_;
  std::vector<std::weak_ptr<Peer>> seen_;
  std::weak_ptr<Peer> last_;
};
