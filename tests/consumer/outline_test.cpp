// The consumer's tests of outline.cpp, run in verification mode through
// tenure_verify_tests(): the test that builds an outline leaks its cycle and
// fails; the one that builds no cycle passes.
#include "outline.h"

#include <gtest/gtest.h>

namespace {

TEST(Outline, HeadingAloneIsFreed) {
  tenure::Ref<notes::Heading> heading = tenure::make<notes::Heading>("Intro");
  EXPECT_EQ(heading->title(), "Intro");
}

TEST(Outline, BuildsOneHeadingPerTitle) {
  tenure::Ref<notes::Outline> outline = notes::make_outline({"Intro", "End"});
  EXPECT_EQ(outline->size(), 2u);
}

}  // namespace
