// A portfolio owns its bids through raw pointers it deletes in its
// destructor; each bid holds its portfolio strongly, handed to it through a
// factory and the constructor. The raw pointers are owning edges.
#include <memory>
#include <set>

class Portfolio;

class Bid {
public:
  static Bid *create(std::shared_ptr<Portfolio> p, double price) {
    return new Bid(std::move(p), price);
  }
  double price() const { return price_; }

private:
  Bid(std::shared_ptr<Portfolio> p, double price)
      : portfolio_(std::move(p)), price_(price) {}
  std::shared_ptr<Portfolio> portfolio_;
  // CHECK-FIXES: std::weak_ptr<Portfolio> portfolio_;
  double price_;
};

class Portfolio : public std::enable_shared_from_this<Portfolio> {
public:
  ~Portfolio() {
    for (Bid *b : bids_)
      delete b;
  }
  Bid *add(double price) {
    Bid *b = Bid::create(shared_from_this(), price);
    bids_.insert(b);
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: strong reference cycle Bid -portfolio_-> Portfolio -bids_-> Bid closed here: its objects are never freed by reference counting; make 'Bid::portfolio_' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :19:30: note: 'Bid::portfolio_' holds a strong handle to 'Portfolio'
    // CHECK-MESSAGES: :40:19: note: 'Portfolio::bids_' owns the 'Bid' objects it points to (deleted in '~Portfolio')
    return b;
  }

private:
  std::set<Bid *> bids_;
};

class Session;
class SessionImpl {
public:
  std::shared_ptr<Session> keep;
};
class Session : public std::enable_shared_from_this<Session> {
public:
  Session() : impl_(new SessionImpl) {}
  ~Session() { delete impl_; }
  void hold() {
    impl_->keep = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: strong reference cycle SessionImpl -keep-> Session -impl_-> SessionImpl closed here: {{.*}}; make 'SessionImpl::keep' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :46:28: note: 'SessionImpl::keep' holds a strong handle to 'Session'
    // CHECK-MESSAGES: :60:16: note: 'Session::impl_' owns the 'SessionImpl' it points to (deleted in '~Session')
  }

private:
  SessionImpl *impl_;
};
