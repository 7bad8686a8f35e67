// SPLIT
// The types are declared in headers; the parent's half of the cycle is
// written in one .cpp, the child's (through its constructor) in another.
// Only the merge step of tenure-analyze sees both.

//--- playlist.h
#pragma once
#include <tenure/tenure.h>
#include <vector>
class Track;
class Playlist : public tenure::Object {
public:
  void add_track();
  void trace(tenure::Tracer &t) override { t(tracks_); }
private:
  std::vector<tenure::Ref<Track>> tracks_;
};

//--- track.h
#pragma once
#include <tenure/tenure.h>
class Playlist;
class Track : public tenure::Object {
public:
  explicit Track(tenure::Ref<Playlist> list);
  void trace(tenure::Tracer &t) override;
private:
  tenure::Ref<Playlist> list_;
};

//--- playlist.cpp
#include "playlist.h"
#include "track.h"
void Playlist::add_track() {
  tracks_.push_back(tenure::make<Track>(tenure::Ref<Playlist>::from_this(this)));
  // CHECK-MESSAGES: playlist.cpp:[[@LINE-1]]:21: warning: strong reference cycle Track -list_-> Playlist -tracks_-> Track closed here: {{.*}}; make 'Track::list_' a weak handle [tenure-ref-cycle]
  // CHECK-MESSAGES: track.h:28:25: note: 'Track::list_' holds a strong handle to 'Playlist'
  // CHECK-MESSAGES: playlist.h:16:35: note: 'Playlist::tracks_' holds strong handles to 'Track' in a 'std::vector<tenure::Ref<Track>>'
}

//--- track.cpp
#include "track.h"
#include "playlist.h"
Track::Track(tenure::Ref<Playlist> list) : list_(std::move(list)) {}
void Track::trace(tenure::Tracer &t) { t(list_); }
