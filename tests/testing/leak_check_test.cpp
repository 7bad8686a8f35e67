// LeakSanitizer's reports as tenure reads them: types from allocation
// stacks, sites, and leaked blocks grouped into structures.
#include "tenure/testing/leak_check.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace tenure::testing {
namespace {

// The shape of a report from g++-12's libasan (report_objects=1): a
// make_shared'd block, a vector's buffer, and a `new` without a type.
constexpr const char* kGccReport = R"(
=================================================================
==16158==ERROR: LeakSanitizer: detected memory leaks

Indirect leak of 40 byte(s) in 1 object(s) allocated from:
    #0 0x7fd3544b94c8 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x55f562c481cd in std::__new_allocator<std::_Sp_counted_ptr_inplace<app::Parent, std::allocator<void>, (__gnu_cxx::_Lock_policy)2> >::allocate(unsigned long, void const*) /usr/include/c++/12/bits/new_allocator.h:137
    #2 0x55f562c438ac in std::shared_ptr<app::Parent> std::make_shared<app::Parent>() /usr/include/c++/12/bits/shared_ptr.h:1010
    #3 0x55f562c42458 in app::build() /src/app/tree.cpp:13
    #4 0x55f562c426a1 in main /src/app/main.cpp:18

Objects leaked above:
0x604000000010 (40 bytes)

Indirect leak of 16 byte(s) in 2 object(s) allocated from:
    #0 0x7fd3544b94c8 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x55f562c4846d in std::__new_allocator<std::shared_ptr<app::Child> >::allocate(unsigned long, void const*) /usr/include/c++/12/bits/new_allocator.h:137
    #2 0x55f562c42486 in app::build() /src/app/tree.cpp:14

Objects leaked above:
0x602000000010 (8 bytes)
0x602000000030 (8 bytes)

Direct leak of 4 byte(s) in 1 object(s) allocated from:
    #0 0x7fd3544b94c8 in operator new(unsigned long) ../../../../src/libsanitizer/asan/asan_new_delete.cpp:95
    #1 0x55f562c42486 in app::lose() /src/app/lose.cpp:7

Objects leaked above:
0x602000000050 (4 bytes)

SUMMARY: AddressSanitizer: 64 byte(s) leaked in 4 allocation(s).
)";

// clang-19's: columns after the line, BuildId on unsymbolized frames, a
// lambda's name from std::function's manager.
constexpr const char* kClangReport = R"(
==16580==ERROR: LeakSanitizer: detected memory leaks

Indirect leak of 16 byte(s) in 1 object(s) allocated from:
    #0 0x5651db0f5b2d in operator new(unsigned long) (/work/probe-clang+0x10cb2d) (BuildId: 314f322471a2da491d79bbcfdb8ca92d4cf76ae7)
    #1 0x5651db0f8859 in void std::_Function_base::_Base_manager<app::Timer::arm()::$_0>::_M_create<app::Timer::arm()::$_0>(std::_Any_data&, app::Timer::arm()::$_0&&, std::integral_constant<bool, false>) /usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/std_function.h:161:10
    #2 0x5651db0f80b9 in app::Timer::arm() /src/app/timer.cpp:15:47
    #3 0x7f4324f65249 in __libc_start_call_main csu/../sysdeps/nptl/libc_start_call_main.h:58:16

Objects leaked above:
0x502000000030 (16 bytes)

SUMMARY: AddressSanitizer: 16 byte(s) leaked in 1 allocation(s).
)";

TEST(LeakReportTest, ReadsGccReports) {
  absl::StatusOr<LeakReport> report = parse_leak_report(kGccReport);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->blocks.size(), 4u);
  EXPECT_TRUE(report->symbolized);
  EXPECT_EQ(report->blocks[0].address, 0x604000000010u);
  EXPECT_EQ(report->blocks[0].size, 40u);
  EXPECT_EQ(report->blocks[0].type, "app::Parent");
  EXPECT_EQ(report->blocks[0].site, "/src/app/tree.cpp:13");
  EXPECT_EQ(report->blocks[2].type, "std::shared_ptr<app::Child>");
  EXPECT_EQ(report->blocks[2].site, "/src/app/tree.cpp:14");
  EXPECT_EQ(report->blocks[3].type, "");  // a plain `new int`
  EXPECT_EQ(report->blocks[3].site, "/src/app/lose.cpp:7");
}

TEST(LeakReportTest, ReadsClangReports) {
  absl::StatusOr<LeakReport> report = parse_leak_report(kClangReport);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->blocks.size(), 1u);
  EXPECT_EQ(report->blocks[0].type, "app::Timer::arm()::$_0");
  EXPECT_EQ(report->blocks[0].site, "/src/app/timer.cpp:15");
}

TEST(LeakReportTest, UnsymbolizedStacksGiveUnknownTypesAndSites) {
  absl::StatusOr<LeakReport> report = parse_leak_report(
      "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x4c2f3d  (/bin/prog+0x4c2f3d)\n"
      "    #1 0x4c2f3e  (/bin/prog+0x4c2f3e)\n\n"
      "Objects leaked above:\n0x602000000010 (8 bytes)\n");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->symbolized);
  EXPECT_EQ(report->blocks[0].type, "");
  EXPECT_EQ(report->blocks[0].site, "??");
}

TEST(LeakReportTest, BadReportsAreOneLineErrors) {
  // Without report_objects=1 the blocks cannot be named.
  absl::StatusOr<LeakReport> no_objects = parse_leak_report(
      "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x4c2f3d in f() /a.cpp:1\n\nSUMMARY: x\n");
  ASSERT_FALSE(no_objects.ok());
  EXPECT_NE(no_objects.status().message().find("report_objects=1"),
            absl::string_view::npos);
  for (const char* bad :
       {"Direct leak of 8 byte(s) in 1 object(s) allocated from:\n    #0 zz\n",
        "Objects leaked above:\n0x10 (8 bytes)\n",
        "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
        "    #0 0x1 in f() /a.cpp:1\n\nObjects leaked above:\n0x10 (eight "
        "bytes)\n",
        "Sideways leak of 8 byte(s) in 1 object(s) allocated from:\n"}) {
    absl::StatusOr<LeakReport> report = parse_leak_report(bad);
    ASSERT_FALSE(report.ok()) << bad;
    EXPECT_EQ(report.status().message().find('\n'), absl::string_view::npos);
  }
  absl::StatusOr<LeakReport> none = parse_leak_report("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->blocks.empty());
}

TEST(LeakReportTest, TypesFromFrames) {
  EXPECT_EQ(
      type_from_frame(
          "std::__shared_count<(__gnu_cxx::_Lock_policy)2>::__shared_count<"
          "app::Node*>(app::Node*)::_Sp_counted_ptr<app::Node*, "
          "(__gnu_cxx::_Lock_policy)2>",
          false),
      "app::Node");
  EXPECT_EQ(type_from_frame(
                "std::__1::__shared_ptr_emplace<(anonymous namespace)::Ring, "
                "std::__1::allocator<(anonymous "
                "namespace)::Ring>>::__shared_ptr_emplace()",
                false),
            "(anonymous namespace)::Ring");
  EXPECT_EQ(type_from_frame("std::_MakeUniq<app::Widget>::__single_object "
                            "std::make_unique<app::Widget, int>(int&&)",
                            false),
            "app::Widget");
  EXPECT_EQ(type_from_frame("_M_create<app::Timer::arm()::<lambda()> >", false),
            "app::Timer::arm()::<lambda()>");
  EXPECT_EQ(type_from_frame("app::build()", false), "");
  EXPECT_EQ(
      type_from_frame(
          "std::__new_allocator<std::_Rb_tree_node<std::pair<int const, int> > "
          ">::allocate(unsigned long, void const*)",
          true),
      "std::_Rb_tree_node<std::pair<int const, int> >");
  EXPECT_EQ(type_from_frame("std::vector<int>::push_back(int const&)", true),
            "");
}

TEST(LeakStructureTest, GroupsBlocksAndFindsTheirCycles) {
  // 0 <-> 1 -> 2 (a cycle and what hangs off it), 3 alone, 4 -> 4.
  std::vector<LeakedBlock> blocks(5);
  const char* types[] = {"Parent", "Child", "std::string", "", "Self"};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].size = 8;
    blocks[i].type = types[i];
    blocks[i].site = "a.cpp:" + std::to_string(i);
  }
  std::vector<std::vector<std::size_t>> edges = {{1}, {0, 2}, {}, {}, {4}};
  std::vector<LeakEvidence> leaks = leaked_structures(blocks, edges, "T.Leaks");
  ASSERT_EQ(leaks.size(), 3u);
  EXPECT_EQ(leaks[0].types,
            (std::vector<std::string>{"Child", "Parent", "std::string"}));
  EXPECT_EQ(leaks[0].cycle, (std::vector<std::string>{"Child", "Parent"}));
  EXPECT_EQ(leaks[0].blocks, 3u);
  EXPECT_EQ(leaks[0].bytes, 24u);
  EXPECT_EQ(leaks[0].tests, (std::vector<std::string>{"T.Leaks"}));
  EXPECT_TRUE(leaks[1].types.empty());
  EXPECT_TRUE(leaks[1].cycle.empty());
  EXPECT_EQ(leaks[1].sites, (std::vector<std::string>{"a.cpp:3"}));
  EXPECT_EQ(leaks[2].cycle, (std::vector<std::string>{"Self"}));
}

TEST(LeakStructureTest, ALongRingIsOneCycleWithoutDeepRecursion) {
  constexpr std::size_t kNodes = 200000;
  std::vector<LeakedBlock> blocks(kNodes);
  std::vector<std::vector<std::size_t>> edges(kNodes);
  for (std::size_t i = 0; i < kNodes; ++i) {
    blocks[i].type = "Node";
    edges[i] = {(i + 1) % kNodes};
  }
  std::vector<LeakEvidence> leaks = leaked_structures(blocks, edges, "T.Ring");
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].cycle, (std::vector<std::string>{"Node"}));
  EXPECT_EQ(leaks[0].blocks, kNodes);
}

TEST(LeakStructureTest, PointersBetweenBlocksCountInteriorOnes) {
  void** a = static_cast<void**>(std::calloc(4, sizeof(void*)));
  void** b = static_cast<void**>(std::calloc(2, sizeof(void*)));
  a[1] = reinterpret_cast<char*>(b) + 8;  // into b, not at its start
  b[0] = a;
  std::vector<LeakedBlock> blocks = {
      {reinterpret_cast<std::uintptr_t>(a), 4 * sizeof(void*), "A", "x:1"},
      {reinterpret_cast<std::uintptr_t>(b), 2 * sizeof(void*), "B", "x:2"}};
  std::vector<std::vector<std::size_t>> edges = pointers_between(blocks);
  EXPECT_EQ(edges[0], (std::vector<std::size_t>{1}));
  EXPECT_EQ(edges[1], (std::vector<std::size_t>{0}));
  std::free(a);
  std::free(b);
}

}  // namespace
}  // namespace tenure::testing
