// A user's test binary in verification mode (tenure::testing_main_verify):
// the listener fails a test that leaves a cycle of SharedObjects behind.
// tests/CMakeLists.txt runs each test on its own and checks the verdict
// and the message.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tenure/tenure.h"
#include "tenure/testing/cycle_check.h"

namespace app {

struct Session;

// Shared between the threads of a server: a peer and the session it runs.
struct Peer : tenure::SharedObject {
  tenure::Ref<Session> session;
  void trace(tenure::Tracer& t) { TENURE_TRACE(t, session); }
};
struct Session : tenure::SharedObject {
  tenure::Ref<Peer> owner;
  void trace(tenure::Tracer& t) { TENURE_TRACE(t, owner); }
};

// Holds no handles, so it needs no trace.
struct Config : tenure::SharedObject {
  std::string name = "default";
};
tenure::Ref<Config> g_config;

// A process-wide directory of configurations.
struct Directory : tenure::SharedObject {
  std::vector<tenure::Ref<Config>> configs;
  void trace(tenure::Tracer& t) { TENURE_TRACE(t, configs); }
};
tenure::Ref<Directory> g_directory;

// A SharedObject type without a trace member, and one that traces it.
struct Room;
struct Blob : tenure::SharedObject {
  tenure::Ref<Room> room;  // not reported: Blob has no trace
};
struct Room : tenure::SharedObject {
  tenure::Ref<Room> next;
  tenure::Ref<Blob> blob;
  void trace(tenure::Tracer& t) {
    TENURE_TRACE(t, next);
    TENURE_TRACE(t, blob);
  }
};

// A collectable object on the test thread's heap that holds a SharedObject.
struct Holder : tenure::Object {
  tenure::Ref<Peer> peer;
  tenure::Ref<Holder> self;
  void trace(tenure::Tracer& t) override {
    TENURE_TRACE(t, peer);
    TENURE_TRACE(t, self);
  }
};
tenure::Ref<Holder> g_holder;

// A peer and a session that hold each other; returns the peer.
tenure::Ref<Peer> connected_pair() {
  tenure::Ref<Peer> peer = tenure::make<Peer>();
  peer->session = tenure::make<Session>();
  peer->session->owner = peer;
  return peer;
}

// Stands for a thread that is still running when the test ends: each time
// the listener's scan traces it, another thread takes a handle to it.
struct Busy : tenure::SharedObject {
  tenure::Ref<Busy> self;
  void trace(tenure::Tracer& t);
};
std::mutex g_busy_mutex;
std::vector<tenure::Ref<Busy>> g_busy_handles;
void Busy::trace(tenure::Tracer& t) {
  TENURE_TRACE(t, self);
  std::thread([this] {
    tenure::Ref<Busy> handle = tenure::Ref<Busy>::from_this(this);
    std::lock_guard<std::mutex> lock(g_busy_mutex);
    g_busy_handles.push_back(std::move(handle));
  }).join();
}

}  // namespace app

namespace {

TEST(SharedCycles, LeaksAPeerSessionCycle) { app::connected_pair(); }

TEST(SharedCycles, GlobalKeepsAConfig) {
  app::g_config = tenure::make<app::Config>();
}

// Not a cycle: quiet, unless the test says it should have been freed.
TEST(SharedCycles, ExpectFreedNamesAGlobalHolder) {
  app::g_config = tenure::make<app::Config>();
  tenure::testing::expect_freed(*app::g_config);
}

TEST(SharedCycles, ExpectFreedNamesTheSharedHolder) {
  app::g_directory = tenure::make<app::Directory>();
  tenure::Ref<app::Config> config = tenure::make<app::Config>();
  app::g_directory->configs.push_back(config);
  tenure::testing::expect_freed(*config);
}

TEST(SharedCycles, ExpectFreedPassesWhenFreed) {
  tenure::Ref<app::Config> config = tenure::make<app::Config>();
  tenure::testing::expect_freed(*config);
}

TEST(SharedCycles, BrokenCycleIsQuiet) {
  tenure::Ref<app::Peer> peer = app::connected_pair();
  EXPECT_EQ(peer.use_count(), 2u);
  peer->session.reset();  // the session drops its owner as it goes
}

TEST(SharedCycles, CycleMadeOnJoinedThreads) {
  tenure::Ref<app::Peer> peer;
  std::thread accept([&] { peer = tenure::make<app::Peer>(); });
  accept.join();
  std::thread open([&] {
    tenure::Ref<app::Session> session = tenure::make<app::Session>();
    session->owner = peer;
    peer->session = std::move(session);
  });
  open.join();
}

// Held by a collectable object that a global holds: reachable, not leaked.
TEST(SharedCycles, CycleHeldByAHeapObjectIsQuiet) {
  app::g_holder = tenure::make<app::Holder>();
  app::g_holder->peer = app::connected_pair();
}

// The holder is itself in a heap cycle: the collector reports and frees it,
// which leaves the SharedObject cycle held by nothing else.
TEST(SharedCycles, CycleHeldByLeakedHeapObject) {
  tenure::Ref<app::Holder> holder = tenure::make<app::Holder>();
  holder->self = holder;
  holder->peer = app::connected_pair();
}

// Blob has no trace: its handle to the Room is invisible, so the Room looks
// held from outside and the cycle through them cannot be told.
TEST(SharedCycles, CycleThroughAnUntracedTypeIsNotSeen) {
  tenure::Ref<app::Room> room = tenure::make<app::Room>();
  room->blob = tenure::make<app::Blob>();
  room->blob->room = room;
}

// Two Rooms in a cycle: an untraced Blob they hold is reported as held by
// them (a traced handle leads to it), though its own handles are unknown.
TEST(SharedCycles, UntracedObjectHeldByACycle) {
  tenure::Ref<app::Room> first = tenure::make<app::Room>();
  first->next = tenure::make<app::Room>();
  first->next->next = first;
  first->blob = tenure::make<app::Blob>();
}

TEST(SharedCycles, ScanRacesWithAnotherThread) {
  tenure::Ref<app::Busy> busy = tenure::make<app::Busy>();
  busy->self = busy;
}

}  // namespace
