// tenure_analyze() through find_package (run_analyze.cmake): a chat room and
// its members, with the retention bug planted across two files: room.cpp
// stores each member, member.cpp gives each member a strong handle back.
#pragma once

#include <tenure/tenure.h>

#include <string>
#include <vector>

namespace chat {

class Room;

class Member : public tenure::Object {
 public:
  explicit Member(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  void join(const tenure::Ref<Room>& room);

  void trace(tenure::Tracer& t) override { t("room", room_); }

 private:
  std::string name_;
  tenure::Ref<Room> room_;  // FIXED: tenure::Weak<Room> room_;
};

class Room : public tenure::Object {
 public:
  void admit(tenure::Ref<Member> member);
  std::size_t size() const { return members_.size(); }

  void trace(tenure::Tracer& t) override { t("members", members_); }

 private:
  std::vector<tenure::Ref<Member>> members_;
};

}  // namespace chat
