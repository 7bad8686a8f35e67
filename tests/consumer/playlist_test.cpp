// The playlist's tests: they pass their assertions, and under LeakSanitizer
// (tenure_verify_tests SANITIZE) the first two fail on what they leak.
#include "playlist.h"

#include <gtest/gtest.h>

namespace media {
namespace {

TEST(Playlist, KeepsItsTracks) {
  auto playlist = std::make_shared<Playlist>();
  playlist->add("intro");
  playlist->add("outro");
  EXPECT_EQ(playlist->size(), 2u);
}

TEST(Playlist, PlayerCountsPlays) {
  auto player = std::make_shared<Player>();
  player->start();
  player->play();
  EXPECT_EQ(player->plays(), 1);
}

TEST(Playlist, EmptyPlaylistIsFreed) {
  auto playlist = std::make_shared<Playlist>();
  EXPECT_EQ(playlist->size(), 0u);
}

}  // namespace
}  // namespace media
