// Plain std::shared_ptr code with two retention bugs planted, for the
// LeakSanitizer witness (tenure_verify_tests SANITIZE): a track holds its
// playlist strongly while the playlist holds its tracks, and a player keeps
// a callback that captures the player itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace media {

class Playlist;

class Track {
 public:
  Track(std::string title, std::shared_ptr<Playlist> playlist);
  const std::string& title() const { return title_; }

 private:
  std::string title_;
  std::shared_ptr<Playlist> playlist_;  // the planted bug: strong, to its owner
};

class Playlist : public std::enable_shared_from_this<Playlist> {
 public:
  void add(const std::string& title);
  std::size_t size() const { return tracks_.size(); }

 private:
  std::vector<std::shared_ptr<Track>> tracks_;
};

class Player : public std::enable_shared_from_this<Player> {
 public:
  // Counts plays from now on; the planted bug: the callback keeps the
  // player alive.
  void start();
  void play() {
    if (on_play_) on_play_();
  }
  int plays() const { return plays_; }

 private:
  std::function<void()> on_play_;
  int plays_ = 0;
};

}  // namespace media
