// Casts that are not the self handle: a cast of another object's handle, a
// cast kept weakly.
#include <memory>
#include <vector>

struct Base : std::enable_shared_from_this<Base> {
  virtual ~Base() = default;
};

struct Room;
struct Guest {
  std::shared_ptr<Room> room;
  std::weak_ptr<Room> home;
};

struct Room : Base {
  std::vector<std::shared_ptr<Guest>> guests;
  void admit(const std::shared_ptr<Guest> &g, const std::shared_ptr<Base> &other) {
    g->room = std::static_pointer_cast<Room>(other);
    g->home = std::static_pointer_cast<Room>(shared_from_this());
    guests.push_back(g);
  }
};
