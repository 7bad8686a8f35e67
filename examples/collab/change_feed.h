// Tells subscribers about changes to documents, e.g. to push them to other
// users' screens. Plain std::shared_ptr code, as a service's notification
// layer often is: tenure's runtime does not see these objects, only the
// analyzer does.
//
// Demo code with a retention bug planted on purpose: a subscriber holds a
// strong handle to its feed, and the feed holds its subscribers. The fix:
// make Subscriber::feed_ a std::weak_ptr.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace collab {

class ChangeFeed;

class Subscriber {
 public:
  using Notify = std::function<void(const std::string& change)>;

  Subscriber(std::shared_ptr<ChangeFeed> feed, Notify notify);

  // Stops receiving changes.
  void cancel();
  void receive(const std::string& change) { notify_(change); }

 private:
  std::shared_ptr<ChangeFeed> feed_;  // the planted bug: strong, to its owner
  Notify notify_;
};

class ChangeFeed : public std::enable_shared_from_this<ChangeFeed> {
 public:
  // A subscriber that calls `notify` for every change published from now on,
  // until it is cancelled.
  std::shared_ptr<Subscriber> subscribe(Subscriber::Notify notify);
  void publish(const std::string& change);
  std::size_t subscriber_count() const { return subscribers_.size(); }

 private:
  friend class Subscriber;
  void remove(const Subscriber* subscriber);

  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace collab
