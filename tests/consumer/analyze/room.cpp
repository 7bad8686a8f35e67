#include "room.h"

namespace chat {

void Room::admit(tenure::Ref<Member> member) {
  members_.push_back(std::move(member));
}

}  // namespace chat
