#include "playlist.h"

#include <utility>

namespace media {

Track::Track(std::string title, std::shared_ptr<Playlist> playlist)
    : title_(std::move(title)), playlist_(std::move(playlist)) {}

void Playlist::add(const std::string& title) {
  tracks_.push_back(std::make_shared<Track>(title, shared_from_this()));
}

void Player::start() {
  std::shared_ptr<Player> self = shared_from_this();
  on_play_ = [self] { ++self->plays_; };
}

}  // namespace media
