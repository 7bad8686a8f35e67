#include "tenure/tracer.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

#include "test_types.h"

namespace tenure::test {
namespace {

// Records what a trace visits, with the field names given.
class Recorder final : public Tracer {
 public:
  Recorder() : Tracer(/*clearing=*/false) {}
  std::vector<std::pair<Object*, std::string>> seen;

 private:
  void visit(Object& target, const char* field) override {
    seen.emplace_back(&target, field ? field : "");
  }
};

class Clearer final : public Tracer {
 public:
  Clearer() : Tracer(/*clearing=*/true) {}

 private:
  void visit(Object&, const char*) override {
    ADD_FAILURE() << "clearing never visits";
  }
};

struct Inner {
  Ref<Node> held;
  void trace(Tracer& t) { t("held", held); }
};

struct Everything : Object {
  Ref<Node> direct;
  Weak<Node> weak;
  Node* raw = nullptr;
  std::string text = "not traced";
  std::vector<int> numbers{1, 2, 3};
  std::vector<Ref<Node>> vec;
  std::deque<Ref<Node>> deq;
  std::list<Ref<Node>> lst;
  std::array<Ref<Node>, 2> arr;
  std::set<Ref<Node>> set;
  std::map<Ref<Node>, Ref<Node>> map;
  std::unordered_map<std::string, std::vector<Ref<Node>>> nested;
  std::optional<Ref<Node>> opt;
  std::variant<std::monostate, int, Ref<Node>> var;
  std::pair<Ref<Node>, int> pair;
  std::tuple<int, Ref<Node>, std::string> tuple;
  Inner inner;

  void trace(Tracer& t) override {
    TENURE_TRACE(t, direct);
    t(weak);
    t(raw);
    t(text);
    t(numbers);
    TENURE_TRACE(t, vec);
    t(deq);
    t(lst);
    t(arr);
    t(set);
    t(map);
    t(nested);
    t(opt);
    t(var);
    t(pair);
    t(tuple);
    t(inner);
  }
};

Ref<Everything> filled(std::vector<Ref<Node>>& expected) {
  auto n = [&expected] {
    expected.push_back(make<Node>());
    return expected.back();
  };
  Ref<Everything> e = make<Everything>();
  e->direct = n();
  e->weak = make<Node>();  // gone at once; weak handles are never visited
  e->vec = {n(), n()};
  e->deq = {n()};
  e->lst = {n()};
  e->arr = {n(), n()};
  e->set = {n()};
  Ref<Node> key = n();
  e->map[key] = n();
  e->nested["x"] = {n()};
  e->opt = n();
  e->var = n();
  e->pair = {n(), 1};
  std::get<1>(e->tuple) = n();
  e->inner.held = n();
  return e;
}

TEST(TracerTest, VisitsEveryStrongHandleInEveryContainer) {
  std::vector<Ref<Node>> expected;
  Ref<Everything> e = filled(expected);
  Recorder recorder;
  e->trace(recorder);
  std::multiset<Object*> seen;
  for (auto& [object, field] : recorder.seen) seen.insert(object);
  std::multiset<Object*> want;
  for (Ref<Node>& n : expected) want.insert(n.get());
  EXPECT_EQ(seen, want);
}

TEST(TracerTest, NamedFieldsAreReported) {
  std::vector<Ref<Node>> expected;
  Ref<Everything> e = filled(expected);
  Recorder recorder;
  e->trace(recorder);
  ASSERT_GE(recorder.seen.size(), 3u);
  EXPECT_EQ(recorder.seen[0].first, e->direct.get());
  EXPECT_EQ(recorder.seen[0].second, "direct");
  EXPECT_EQ(recorder.seen[1].second, "vec");
  EXPECT_EQ(recorder.seen[3].second, "");          // deq was traced unnamed
  EXPECT_EQ(recorder.seen.back().second, "held");  // Inner names its own
}

// A member object traced under a name lends it to the handles its own trace
// reports unnamed, and only to those.
TEST(TracerTest, AMemberObjectLendsItsNameToItsUnnamedHandles) {
  struct Twin {
    Ref<Node> left, right;
    void trace(Tracer& t) {
      t(left);
      t("right", right);
    }
  };
  struct Holder : Object {
    Twin twin;
    Ref<Node> after;
    void trace(Tracer& t) override {
      t("twin", twin);
      t(after);
    }
  };
  Ref<Holder> holder = make<Holder>();
  holder->twin = {make<Node>(), make<Node>()};
  holder->after = make<Node>();
  Recorder recorder;
  holder->trace(recorder);
  ASSERT_EQ(recorder.seen.size(), 3u);
  EXPECT_EQ(recorder.seen[0].second, "twin");
  EXPECT_EQ(recorder.seen[1].second, "right");
  EXPECT_EQ(recorder.seen[2].second, "");
  EXPECT_EQ(recorder.field(), nullptr);
}

TEST(TracerTest, ClearingDropsEveryStrongHandle) {
  LiveCounter::live = 0;
  std::vector<Ref<Node>> expected;
  Ref<Everything> e = filled(expected);
  Clearer clearer;
  e->trace(clearer);
  for (Ref<Node>& n : expected) EXPECT_EQ(n.use_count(), 1u);
  EXPECT_TRUE(e->vec.empty());
  EXPECT_TRUE(e->map.empty());
  EXPECT_FALSE(e->opt.has_value());
  EXPECT_FALSE(e->arr[0]);
  EXPECT_FALSE(std::get<1>(e->tuple));
  EXPECT_EQ(e->text, "not traced");
  EXPECT_EQ(e->numbers.size(), 3u);
  expected.clear();
  EXPECT_EQ(LiveCounter::live, 0);
}

TEST(TracerTest, AbseilHashContainers) {
  struct Registry : Object {
    absl::flat_hash_map<int, Ref<Node>> by_id;
    absl::flat_hash_set<Ref<Node>> members;  // hashed through AbslHashValue
    void trace(Tracer& t) override {
      t("by_id", by_id);
      t("members", members);
    }
  };
  Ref<Registry> r = make<Registry>();
  Ref<Node> a = make<Node>();
  Ref<Node> b = make<Node>();
  r->by_id[1] = a;
  r->members.insert(b);
  r->members.insert(b);
  EXPECT_EQ(r->members.size(), 1u);
  Recorder recorder;
  r->trace(recorder);
  ASSERT_EQ(recorder.seen.size(), 2u);
  EXPECT_EQ(recorder.seen[0], std::make_pair(static_cast<Object*>(a.get()),
                                             std::string("by_id")));
  EXPECT_EQ(recorder.seen[1], std::make_pair(static_cast<Object*>(b.get()),
                                             std::string("members")));
  Clearer clearer;
  r->trace(clearer);
  EXPECT_TRUE(r->by_id.empty());
  EXPECT_TRUE(r->members.empty());
  EXPECT_EQ(a.use_count(), 1u);
  EXPECT_EQ(b.use_count(), 1u);
}

}  // namespace
}  // namespace tenure::test
