// Misuse aborts with one line naming the type, in checked builds.
#include <gtest/gtest.h>

#include <cstring>
#include <new>
#include <thread>

#include "test_types.h"

#if TENURE_CHECKS

// Under ASan freed blocks (and the checked builds' quarantine) are poisoned:
// a use of a destroyed object is then reported by ASan itself, with the
// stacks of the use and of the free, before tenure's own check can run.
#if defined(__SANITIZE_ADDRESS__)
#define AFTER_FREE(message) "AddressSanitizer: use-after-poison"
#else
#define AFTER_FREE(message) message
#endif

namespace tenure::test {
namespace {

using MisuseDeathTest = ::testing::Test;

TEST_F(MisuseDeathTest, RefUsedOnAnotherThread) {
  Ref<Node> n = make<Node>();
  EXPECT_DEATH(std::thread([&n] { Ref<Node> copy = n; }).join(),
               "tenure: fatal: tenure::test::Node: used on a thread other "
               "than the one that made it");
}

TEST_F(MisuseDeathTest, RefcountUnderflow) {
  EXPECT_DEATH(
      {
        Ref<Node> n = make<Node>();
        Node* raw = n.get();
        Ref<Node> extra = Ref<Node>::adopt(raw);  // adopts a count never given
        extra.reset();                            // frees the object under n
        n.reset();
      },
      AFTER_FREE("tenure: fatal: tenure::test::Node: refcount underflow"));
}

TEST_F(MisuseDeathTest, HandleToAnObjectNotMadeByMake) {
  struct Local : Object {};
  EXPECT_DEATH(
      {
        Local on_stack;
        Ref<Local> r = Ref<Local>::from_this(&on_stack);
      },
      "Local: handle taken to an object not made by tenure::make");
}

TEST_F(MisuseDeathTest, HandleTakenDuringConstruction) {
  struct Early : Object {
    Early() { Ref<Early> self = Ref<Early>::from_this(this); }
  };
  EXPECT_DEATH(make<Early>(),
               "Early: handle taken to an object not made by "
               "tenure::make, or still under construction");
}

TEST_F(MisuseDeathTest, AdoptWithoutACount) {
  EXPECT_DEATH(
      {
        Ref<Node> n = make<Node>();
        Node* raw = n.get();
        n.reset();
        Ref<Node> back = Ref<Node>::adopt(raw);
      },
      AFTER_FREE("tenure::test::Node: adopt\\(\\) of an object with no count"));
}

TEST_F(MisuseDeathTest, WeakLockedAfterItsControlDataIsGone) {
  EXPECT_DEATH(
      {
        Ref<Node> n = make<Node>();
        Weak<Node> w = n;
        // A bitwise copy does not count itself, so it outlives the control
        // data the real Weak frees.
        alignas(Weak<Node>) unsigned char bytes[sizeof(Weak<Node>)];
        std::memcpy(bytes, static_cast<void*>(&w), sizeof w);
        w.reset();
        n.reset();
        std::launder(reinterpret_cast<Weak<Node>*>(bytes))->lock();
      },
      AFTER_FREE("tenure: fatal: tenure::test::Node: Weak used after its "
                 "control data was freed"));
}

TEST_F(MisuseDeathTest, TraceThatReportsTooManyReferences) {
  struct Liar : Object {
    Ref<Liar> other;
    void trace(Tracer& t) override {
      t(other);
      t(other);  // one handle reported twice
    }
  };
  EXPECT_DEATH(
      {
        Ref<Liar> a = make<Liar>();
        Ref<Liar> b = make<Liar>();
        a->other = b;
        b.reset();
        gc::collect();
      },
      "Liar: trace\\(\\) reported more references to this object than its "
      "count");
}

TEST(MisuseDeathTest, TraceThatCopiesAHandleDuringACollection) {
  struct Copier : Object {
    Ref<Copier> other;
    void trace(Tracer& t) override {
      Ref<Copier> copy = other;  // a trace must only report
      t(other);
    }
  };
  EXPECT_DEATH(
      {
        Ref<Copier> a = make<Copier>();
        a->other = a;
        gc::collect();
      },
      "Copier: handle copied, made or dropped inside trace\\(\\) during a "
      "collection");
}

}  // namespace
}  // namespace tenure::test

#endif  // TENURE_CHECKS
