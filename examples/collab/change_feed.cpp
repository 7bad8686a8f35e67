#include "collab/change_feed.h"

#include <algorithm>
#include <utility>

namespace collab {

Subscriber::Subscriber(std::shared_ptr<ChangeFeed> feed, Notify notify)
    : feed_(std::move(feed)), notify_(std::move(notify)) {}

void Subscriber::cancel() {
  if (feed_) feed_->remove(this);
}

std::shared_ptr<Subscriber> ChangeFeed::subscribe(Subscriber::Notify notify) {
  auto subscriber =
      std::make_shared<Subscriber>(shared_from_this(), std::move(notify));
  subscribers_.push_back(subscriber);
  return subscriber;
}

void ChangeFeed::publish(const std::string& change) {
  for (const std::shared_ptr<Subscriber>& subscriber : subscribers_) {
    subscriber->receive(change);
  }
}

void ChangeFeed::remove(const Subscriber* subscriber) {
  std::erase_if(subscribers_,
                [subscriber](const std::shared_ptr<Subscriber>& s) {
                  return s.get() == subscriber;
                });
}

}  // namespace collab
