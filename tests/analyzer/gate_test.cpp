// The gate's rules (decide()): what is reported, what a baseline records,
// and the exit code, without running a compiler.
#include "analyzer/driver/Gate.h"
#include "analyzer/io/Evidence.h"

#include "gtest/gtest.h"

namespace tenure::analyzer {
namespace {

Finding finding(std::string Check, unsigned Line, std::string Context) {
  Finding F;
  F.Check = std::move(Check);
  F.Loc = {"/src/app/scene.cpp", Line, 5};
  F.Message = "a finding";
  F.Key = "line text " + Context;
  F.Context = std::move(Context);
  return F;
}

Finding copyAt(unsigned Line, std::string Context = "Scene::weigh") {
  return finding("tenure-needless-copy", Line, std::move(Context));
}

Finding confirmed(Finding F, uint64_t Count) {
  F.Confirmed = Confirmation{"seen", Count, {"Suite.Test"}};
  return F;
}

Finding compilerError() {
  Finding F = finding("clang-diagnostic-error", 3, "");
  F.Severity = Level::Error;
  return F;
}

constexpr llvm::StringLiteral Root = "/src";

GateDecision run(std::vector<Finding> Findings, GateOptions Options = {},
                 const Baseline *Accepted = nullptr, bool Complete = true) {
  return decide(std::move(Findings), Options, Accepted, nullptr, Complete,
                Root);
}

TEST(Gate, CleanRunExitsZero) {
  GateDecision D = run({});
  EXPECT_EQ(D.ExitCode, ExitClean);
  EXPECT_TRUE(D.Reported.empty());
  EXPECT_FALSE(D.WriteBaseline);
}

TEST(Gate, AFindingFailsTheGate) {
  GateDecision D = run({copyAt(10)});
  EXPECT_EQ(D.ExitCode, ExitFindings);
  EXPECT_EQ(D.Reported.size(), 1u);
}

TEST(Gate, CompilerErrorsAreNotFindingsButAnIncompleteRunExitsTwo) {
  EXPECT_TRUE(isCompilerError(compilerError()));
  EXPECT_FALSE(isCompilerError(copyAt(1)));
  // Shown (the user must see it), never what fails the gate as a finding.
  GateDecision D = run({compilerError()}, {}, nullptr, /*Complete=*/false);
  EXPECT_EQ(D.ExitCode, ExitError);
  EXPECT_EQ(D.Reported.size(), 1u);
  // Complete runs cannot have compiler errors; should one come through, it
  // still does not count as a finding.
  EXPECT_EQ(run({compilerError()}).ExitCode, ExitClean);
}

TEST(Gate, FailOnConfirmed) {
  GateOptions O;
  O.FailOnLevel = FailOn::Confirmed;
  EXPECT_EQ(run({copyAt(10)}, O).ExitCode, ExitClean);
  EXPECT_EQ(run({copyAt(10)}, O).Reported.size(), 1u); // Shown, passes.
  EXPECT_EQ(run({confirmed(copyAt(10), 4)}, O).ExitCode, ExitFindings);
  Finding RuntimeOnly = finding("tenure-ref-cycle", 3, "Ring::next");
  RuntimeOnly.RuntimeOnly = true;
  EXPECT_EQ(run({RuntimeOnly}, O).ExitCode, ExitFindings);
}

TEST(Gate, BaselineAcceptsWhatItRecorded) {
  Baseline B = makeBaseline({copyAt(10)}, Root);
  GateDecision D = run({copyAt(42)}, {}, &B);
  EXPECT_TRUE(D.Reported.empty());
  EXPECT_EQ(D.ExitCode, ExitClean);
  ASSERT_TRUE(D.BaselineCounts);
  EXPECT_EQ(*D.BaselineCounts, std::make_pair(size_t(1), size_t(0)));

  D = run({copyAt(42), copyAt(50, "Scene::add")}, {}, &B);
  ASSERT_EQ(D.Reported.size(), 1u);
  EXPECT_EQ(D.Reported[0].Context, "Scene::add");
  EXPECT_EQ(D.ExitCode, ExitFindings);

  D = run({}, {}, &B);
  EXPECT_EQ(*D.BaselineCounts, std::make_pair(size_t(0), size_t(1)));
}

TEST(Gate, WriteBaselineAloneRecordsEverythingAndPasses) {
  GateOptions O;
  O.WritesBaseline = true;
  GateDecision D = run({copyAt(10), copyAt(20, "Scene::add")}, O);
  EXPECT_TRUE(D.WriteBaseline);
  EXPECT_EQ(D.Recorded.size(), 2u);
  EXPECT_EQ(D.Reported.size(), 2u);
  EXPECT_EQ(D.ExitCode, ExitClean);
}

TEST(Gate, WriteBaselineWithBaselineOnlyPrunes) {
  GateOptions O;
  O.WritesBaseline = true;
  Baseline B = makeBaseline({copyAt(10), copyAt(20, "Scene::gone")}, Root);
  GateDecision D = run({copyAt(11), copyAt(30, "Scene::add")}, O, &B);
  ASSERT_EQ(D.Recorded.size(), 1u); // The fixed entry drops out...
  EXPECT_EQ(D.Recorded[0].Context, "Scene::weigh");
  ASSERT_EQ(D.Reported.size(), 1u); // ...the new one is not accepted...
  EXPECT_EQ(D.Reported[0].Context, "Scene::add");
  EXPECT_EQ(D.ExitCode, ExitFindings); // ...and still fails.
}

TEST(Gate, AnIncompleteRunRecordsNothing) {
  GateOptions O;
  O.WritesBaseline = true;
  GateDecision D = run({copyAt(10)}, O, nullptr, /*Complete=*/false);
  EXPECT_FALSE(D.WriteBaseline);
  EXPECT_EQ(D.ExitCode, ExitError);
}

TEST(Gate, OnlyConfirmedNarrowsTheReportNotTheBaseline) {
  GateOptions O;
  O.OnlyConfirmed = true;
  O.WritesBaseline = true;
  GateDecision D =
      run({copyAt(10), confirmed(copyAt(20, "Scene::add"), 3), compilerError()},
          O, nullptr, /*Complete=*/false);
  ASSERT_EQ(D.Reported.size(), 2u); // The confirmed one and the error.
  EXPECT_EQ(D.Reported[0].Context, "Scene::add");
  EXPECT_EQ(D.Recorded.size(), 3u);

  Baseline B = makeBaseline({copyAt(10)}, Root);
  D = run({copyAt(10)}, O, &B);
  EXPECT_EQ(*D.BaselineCounts, std::make_pair(size_t(1), size_t(0)));
}

TEST(Gate, EvidenceOrdersWhatTheRuntimeProvedFirst) {
  Evidence Seen; // What it holds was matched before; given, it orders.
  std::vector<Finding> In = {copyAt(1, "a"), confirmed(copyAt(2, "b"), 5),
                             confirmed(finding("tenure-ref-cycle", 3, "c"), 1),
                             confirmed(copyAt(4, "d"), 50)};
  GateDecision D = decide(In, {}, nullptr, &Seen, true, Root);
  std::vector<std::string> Order;
  for (const Finding &F : D.Reported)
    Order.push_back(F.Context);
  EXPECT_EQ(Order, (std::vector<std::string>{"c", "d", "b", "a"}));
  D = decide(In, {}, nullptr, nullptr, true, Root);
  EXPECT_EQ(D.Reported[0].Context, "a"); // No evidence: order kept.
}

} // namespace
} // namespace tenure::analyzer
