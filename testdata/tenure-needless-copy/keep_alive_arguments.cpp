// A by-value handle is a keep-alive when its original can be dropped while
// the copy is in use: a parameter whose caller passes a container element or
// a member that the callee erases or resets, and a local copy of a member
// that a virtual call may reset. A const reference there dangles, so none of
// them is reported. A callee that can drop nothing, or a caller that passes
// a handle it owns, keeps the finding.
//
// The fixed file is built with AddressSanitizer and run: it must run clean.
// With clang-tidy's own fixes applied instead, it reads freed memory.
// RUN-FIXED: asan
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Session {
  std::string name;
  int hits = 0;
};
using SessionPtr = std::shared_ptr<Session>;

struct Listener {
  virtual ~Listener() = default;
  // Does nothing here; an override may drop whatever it likes.
  virtual void changed() {}
};

class Registry {
public:
  void open(const std::string &name, int hits) {
    sessions_[name] = std::make_shared<Session>(Session{name, hits});
  }

  // Callers pass sessions_[name]; erasing it frees the session unless the
  // parameter holds its own count.
  int close(SessionPtr s) { // clang-tidy-only: keep-alive: a caller passes an element close() erases
    sessions_.erase(s->name);
    return s->hits;
  }
  int close_by_name(const std::string &name) { return close(sessions_.at(name)); }

  // A caller passes current_, which finish() resets.
  int finish(SessionPtr s) { // clang-tidy-only: keep-alive: a caller passes the member finish() resets
    current_.reset();
    return s->hits;
  }
  int finish_current() { return finish(current_); }

  // A caller passes shown_; the virtual call may reset it (the empty base
  // implementation proves nothing about the override).
  int refresh(SessionPtr s) { // clang-tidy-only: keep-alive: a virtual call may reset the member it is fed from
    listener_->changed();
    return s->hits;
  }
  int refresh_shown() { return refresh(shown_); }

  // The same through a local copy of the member.
  int peek() {
    SessionPtr keep = shown_;
    listener_->changed();
    return keep->hits;
  }

  // Fed from a member too, but weigh() can drop nothing: reported.
  static int weigh(SessionPtr s) { return s->hits * 2; }
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: parameter 's' copies a strong handle on every call but is only read; take it by const reference [tenure-needless-copy]
  // CHECK-FIXES: {{^}}  static int weigh(const SessionPtr& s) { return s->hits * 2; }
  int weigh_current() const { return weigh(current_); }

  // Fed from a member, but the library calls it makes are given strings
  // only: nothing there can drop a session. Reported.
  std::size_t name_length(SessionPtr s) {
    // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: parameter 's' copies {{.*}}
    return std::string(s->name).append("!").size();
  }
  // CHECK-FIXES: {{^}}  std::size_t name_length(const SessionPtr& s) {
  std::size_t shown_name_length() { return name_length(shown_); }

  // Runs code that could drop things, but touches no session and every
  // caller passes a handle it owns: reported.
  int count(SessionPtr s) {
    // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: parameter 's' copies {{.*}}
    log_.push_back(s->name);
    return s->hits;
  }
  // CHECK-FIXES: {{^}}  int count(const SessionPtr& s) {
  int count_fresh() {
    SessionPtr fresh = std::make_shared<Session>(Session{"fresh", 3});
    int n = count(fresh);
    return n + fresh->hits - 3;
  }

  SessionPtr current_;
  SessionPtr shown_;
  Listener *listener_ = nullptr;

private:
  std::map<std::string, SessionPtr> sessions_;
  std::vector<std::string> log_;
};

// The override the virtual call above may reach.
struct Clearing : Listener {
  Registry *registry = nullptr;
  void changed() override { registry->shown_.reset(); }
};

int main() {
  Registry r;
  Clearing clearing;
  clearing.registry = &r;
  r.listener_ = &clearing;
  int total = 0;
  r.open("a", 1);
  total += r.close_by_name("a");
  r.current_ = std::make_shared<Session>(Session{"b", 2});
  total += r.weigh_current();
  total += r.finish_current();
  r.shown_ = std::make_shared<Session>(Session{"c", 4});
  total += r.refresh_shown();
  r.shown_ = std::make_shared<Session>(Session{"d", 8});
  total += r.peek();
  r.shown_ = std::make_shared<Session>(Session{"e", 0});
  total += static_cast<int>(r.shown_name_length());
  total += r.count_fresh();
  return total == 1 + 4 + 2 + 4 + 8 + 2 + 3 ? 0 : 1;
}
