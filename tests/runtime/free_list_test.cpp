// Free lists: shells reused, bounded, counted and emptied by a full
// collection.
#include "tenure/free_list.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tenure/tenure.h"

namespace tenure {
namespace {

class Point : public FreeListed<Point, 4> {
 public:
  Point(double x, double y) : x(x), y(y) {}
  double x;
  double y;
};

class Point3 : public Point {  // larger: not served by Point's list
 public:
  Point3(double x, double y, double z) : Point(x, y), z(z) {}
  double z;
};

struct Message : FreeListed<Message, 8, SharedObject> {
  int id = 0;
};

TEST(FreeListTest, ReusesShellsOfTheSameType) {
  gc::collect();
  FreeListStats before = Point::free_list_stats();
  EXPECT_EQ(before.size, 0u);
  EXPECT_EQ(before.capacity, 4u);

  Ref<Point> a = make<Point>(1, 2);
  const Point* first = a.get();
  a.reset();
  EXPECT_EQ(Point::free_list_stats().size, 1u);

  Ref<Point> b = make<Point>(3, 4);
  EXPECT_EQ(b.get(), first);  // the same shell, freshly constructed
  EXPECT_EQ(b->x, 3);
  EXPECT_EQ(b->y, 4);
  FreeListStats after = Point::free_list_stats();
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.misses, before.misses + 1);
}

TEST(FreeListTest, KeepsAtMostItsCapacity) {
  gc::collect();
  std::vector<Ref<Point>> points;
  for (int i = 0; i < 10; ++i) points.push_back(make<Point>(i, i));
  points.clear();
  EXPECT_EQ(Point::free_list_stats().size, 4u);
}

TEST(FreeListTest, AFullCollectionEmptiesIt) {
  gc::collect();
  std::vector<Ref<Point>> points;
  for (int i = 0; i < 3; ++i) points.push_back(make<Point>(i, i));
  points.clear();
  EXPECT_EQ(Point::free_list_stats().size, 3u);
  gc::collect(0);  // a young collection leaves it
  EXPECT_EQ(Point::free_list_stats().size, 3u);
  gc::collect();
  EXPECT_EQ(Point::free_list_stats().size, 0u);
}

TEST(FreeListTest, SubclassesAllocateAsUsual) {
  gc::collect();
  FreeListStats before = Point::free_list_stats();
  Ref<Point3> p = make<Point3>(1, 2, 3);
  p.reset();
  FreeListStats after = Point::free_list_stats();
  EXPECT_EQ(after.size, 0u);
  EXPECT_EQ(after.hits + after.misses, before.hits + before.misses);
}

TEST(FreeListTest, SharedObjectsUseTheListOfTheFreeingThread) {
  std::vector<Ref<Message>> made;
  for (int i = 0; i < 5; ++i) made.push_back(make<Message>());
  std::thread([&] {
    made.clear();
    EXPECT_EQ(Message::free_list_stats().size, 5u);
    Ref<Message> reused = make<Message>();
    EXPECT_EQ(Message::free_list_stats().hits, 1u);
  }).join();  // the thread's list goes back to the pool when it ends
  EXPECT_EQ(Message::free_list_stats().size, 0u);
}

}  // namespace
}  // namespace tenure
