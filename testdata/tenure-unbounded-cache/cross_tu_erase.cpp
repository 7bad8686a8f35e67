// SPLIT
// The class inserts in one .cpp and erases in another: the merge step sees
// both, and the session table is not reported; the history table, erased
// nowhere, is.

//--- sessions.h
#pragma once
#include <map>
#include <memory>
#include <string>
struct Session { std::string user; };
class Sessions {
public:
  void open(int id);
  void close(int id);
  void remember(int id);
private:
  std::map<int, std::shared_ptr<Session>> live_;
  std::map<int, std::shared_ptr<Session>> history_;
};

//--- open.cpp
#include "sessions.h"
void Sessions::open(int id) { live_[id] = std::make_shared<Session>(); }
void Sessions::remember(int id) { history_[id] = live_[id]; }
// CHECK-MESSAGES: open.cpp:[[@LINE-1]]:35: warning: 'Sessions::history_' only grows: {{.*}} [tenure-unbounded-cache]

//--- close.cpp
#include "sessions.h"
void Sessions::close(int id) { live_.erase(id); }
