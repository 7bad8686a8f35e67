//===- Timings.cpp --------------------------------------------------------===//

#include "analyzer/driver/Timings.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tenure::analyzer {

PhaseTime PhaseTime::between(llvm::TimeRecord Start,
                             const llvm::TimeRecord &End) {
  llvm::TimeRecord T = End;
  T -= Start;
  return {T.getWallTime(), T.getUserTime(), T.getSystemTime()};
}

PhaseTime PhaseTime::since(const llvm::TimeRecord &Start) {
  return between(Start, llvm::TimeRecord::getCurrentTime(/*Start=*/false));
}

PhaseTime &PhaseTime::operator+=(const PhaseTime &Other) {
  Wall += Other.Wall;
  User += Other.User;
  System += Other.System;
  return *this;
}

PhaseTime &PhaseTime::operator-=(const PhaseTime &Other) {
  Wall -= Other.Wall;
  User -= Other.User;
  System -= Other.System;
  return *this;
}

void Timings::add(llvm::StringRef Phase, const PhaseTime &Time) {
  auto It =
      llvm::find_if(Phases, [&](const auto &P) { return P.first == Phase; });
  if (It == Phases.end())
    Phases.emplace_back(Phase.str(), Time);
  else
    It->second += Time;
}

void Timings::add(const Timings &Other) {
  for (const auto &[Phase, Time] : Other.Phases)
    add(Phase, Time);
}

PhaseTime Timings::total() const {
  PhaseTime Sum;
  for (const auto &P : Phases)
    Sum += P.second;
  return Sum;
}

llvm::json::Value Timings::toJSON() const {
  llvm::json::Array Out;
  for (const auto &[Phase, Time] : Phases)
    Out.push_back(llvm::json::Object{{"phase", Phase},
                                     {"wall", Time.Wall},
                                     {"user", Time.User},
                                     {"sys", Time.System}});
  return Out;
}

llvm::Expected<Timings> Timings::fromJSON(const llvm::json::Value &V,
                                          llvm::StringRef Path) {
  Timings T;
  const llvm::json::Array *Phases = V.getAsArray();
  if (!Phases)
    return llvm::createStringError(Path + ": \"timings\" is not an array");
  for (const llvm::json::Value &Entry : *Phases) {
    const llvm::json::Object *O = Entry.getAsObject();
    std::optional<llvm::StringRef> Phase =
        O ? O->getString("phase") : std::nullopt;
    std::optional<double> Wall = O ? O->getNumber("wall") : std::nullopt;
    std::optional<double> User = O ? O->getNumber("user") : std::nullopt;
    std::optional<double> Sys = O ? O->getNumber("sys") : std::nullopt;
    if (!Phase || !Wall || !User || !Sys)
      return llvm::createStringError(
          Path + ": a \"timings\" entry needs phase, wall, user and sys");
    T.add(*Phase, {*Wall, *User, *Sys});
  }
  return T;
}

namespace {

void printValue(llvm::raw_ostream &OS, double Value, double Total) {
  if (Total < 1e-7) // Avoid dividing by zero.
    OS << "        -----     ";
  else
    OS << llvm::format("  %7.4f (%5.1f%%)", Value, Value * 100 / Total);
}

void printRow(llvm::raw_ostream &OS, const PhaseTime &T, const PhaseTime &Of,
              llvm::StringRef Name) {
  printValue(OS, T.User, Of.User);
  printValue(OS, T.System, Of.System);
  printValue(OS, T.User + T.System, Of.User + Of.System);
  printValue(OS, T.Wall, Of.Wall);
  OS << "  " << Name << '\n';
}

} // namespace

void Timings::print(llvm::raw_ostream &OS, llvm::StringRef Title) const {
  // The layout of llvm::TimerGroup::print (-ftime-report), whose records
  // cannot be made from times summed over other processes.
  const llvm::StringRef Rule = "===-------------------------------------------"
                               "------------------------------===\n";
  PhaseTime Total = total();
  OS << Rule;
  OS.indent(std::max<int>(0, (80 - Title.size()) / 2)) << Title << '\n';
  OS << Rule;
  OS << llvm::format("  Total Execution Time: %5.4f seconds (%5.4f wall "
                     "clock)\n\n",
                     Total.User + Total.System, Total.Wall);
  OS << "   ---User Time---   --System Time--   --User+System--"
        "   ---Wall Time---  --- Name ---\n";
  for (const auto &[Phase, Time] : Phases)
    printRow(OS, Time, Total, Phase);
  printRow(OS, Total, Total, "Total");
  OS << '\n';
}

llvm::Expected<Timings> readCheckProfiles(llvm::StringRef Prefix) {
  Timings T;
  std::error_code EC;
  std::vector<std::string> Files;
  for (llvm::sys::fs::directory_iterator It(Prefix, EC), End; It != End && !EC;
       It.increment(EC))
    Files.push_back(It->path());
  if (EC)
    return llvm::createStringError(Prefix + ": " + EC.message());
  for (const std::string &File : Files) {
    auto Text = llvm::MemoryBuffer::getFile(File);
    if (!Text)
      return llvm::createStringError(File + ": " + Text.getError().message());
    // {"file": "<unescaped path>", "timestamp": ..., "profile": {...}}: the
    // path may not be valid JSON, the profile object after it is.
    llvm::StringRef Body = (*Text)->getBuffer();
    size_t At = Body.rfind("\"profile\":");
    llvm::Expected<llvm::json::Value> Profile =
        At == llvm::StringRef::npos
            ? llvm::createStringError("no profile")
            : llvm::json::parse(Body.substr(At + 10).rtrim().drop_back());
    if (!Profile || !Profile->getAsObject())
      return llvm::createStringError(
          File + ": not a clang-tidy check profile" +
          (Profile ? "" : ": " + llvm::toString(Profile.takeError())));
    llvm::StringMap<PhaseTime> Checks;
    std::vector<std::string> Order;
    for (const auto &[Key, Value] : *Profile->getAsObject()) {
      // "time.clang-tidy.<check>.wall" (and .user, .sys)
      llvm::StringRef Name = Key;
      if (!Name.consume_front("time.clang-tidy."))
        continue;
      auto [Check, Field] = Name.rsplit('.');
      double Seconds = Value.getAsNumber().value_or(0);
      auto [It, New] = Checks.try_emplace(Check);
      if (New)
        Order.push_back(Check.str());
      if (Field == "wall")
        It->second.Wall = Seconds;
      else if (Field == "user")
        It->second.User = Seconds;
      else if (Field == "sys")
        It->second.System = Seconds;
    }
    llvm::sort(Order);
    for (const std::string &Check : Order)
      T.add("check " + Check, Checks.lookup(Check));
    llvm::sys::fs::remove(File);
  }
  return T;
}

} // namespace tenure::analyzer
