#include "room.h"

namespace chat {

void Member::join(const tenure::Ref<Room>& room) {
  room_ = room;
  room->admit(tenure::Ref<Member>::from_this(this));
}

}  // namespace chat
