//===- Report.cpp - Findings and the text, JSON and SARIF writers ---------===//

#include "analyzer/io/Report.h"

#include "analyzer/model/CheckRegistry.h"
#include "analyzer/model/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include <set>

namespace tenure::analyzer {
namespace json = llvm::json;

namespace {

llvm::StringRef levelName(Level L) {
  return L == Level::Error ? "error" : "warning";
}

/// RFC 3986 percent-encoding of a path: everything but unreserved
/// characters and '/' is escaped (a space, '#', '%', non-ASCII bytes).
std::string percentEncoded(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' ||
        C == '/')
      Out += C;
    else
      Out += {'%', llvm::hexdigit(C >> 4), llvm::hexdigit(C & 15)};
  }
  return Out;
}

/// Under the root: relative to %SRCROOT%; elsewhere an absolute file URI. A
/// relative path (facts of build actions, --relative-paths) is relative to
/// the root already.
json::Object sarifArtifact(llvm::StringRef File, llvm::StringRef Root) {
  std::string Display = displayPath(File, Root);
  if (Display != File || (!File.empty() && llvm::sys::path::is_relative(File)))
    return json::Object{{"uri", percentEncoded(Display)},
                        {"uriBaseId", "%SRCROOT%"}};
  return json::Object{{"uri", "file://" + percentEncoded(File)}};
}

/// A location for SARIF; a diagnostic without a line (a compiler error
/// about a flag) has its file alone, with no region.
json::Value sarifLocation(const Location &L, llvm::StringRef Root) {
  json::Object Physical{{"artifactLocation", sarifArtifact(L.File, Root)}};
  if (L.Line >= 1)
    Physical["region"] = json::Object{{"startLine", L.Line},
                                      {"startColumn", std::max(L.Column, 1u)}};
  return json::Object{{"physicalLocation", std::move(Physical)}};
}

/// SARIF fixes: one artifactChange per file, byte offsets as the fix-its
/// have them.
json::Array sarifFixes(const Finding &F, llvm::StringRef Root) {
  std::vector<std::string> Files;
  for (const Replacement &R : F.Fix)
    if (!llvm::is_contained(Files, R.File))
      Files.push_back(R.File);
  json::Array Changes;
  for (const std::string &File : Files) {
    json::Array Replacements;
    for (const Replacement &R : F.Fix)
      if (R.File == File)
        Replacements.push_back(json::Object{
            {"deletedRegion",
             json::Object{{"byteOffset", R.Offset}, {"byteLength", R.Length}}},
            {"insertedContent", json::Object{{"text", R.Text}}}});
    Changes.push_back(
        json::Object{{"artifactLocation", sarifArtifact(File, Root)},
                     {"replacements", std::move(Replacements)}});
  }
  if (Changes.empty())
    return {};
  return json::Array{json::Object{{"artifactChanges", std::move(Changes)}}};
}

} // namespace

std::string displayPath(llvm::StringRef File, llvm::StringRef Root) {
  llvm::StringRef Relative = File;
  if (!Root.empty() && Relative.consume_front(Root) &&
      (Relative.consume_front("/") || Root.ends_with("/")))
    return Relative.str();
  return File.str();
}

json::Value toJSON(const Finding &F) {
  json::Array Notes, Fix;
  for (const Note &N : F.Notes)
    Notes.push_back(json::Object{{"file", N.Loc.File},
                                 {"line", N.Loc.Line},
                                 {"column", N.Loc.Column},
                                 {"message", N.Message}});
  for (const Replacement &R : F.Fix)
    Fix.push_back(json::Object{{"file", R.File},
                               {"offset", R.Offset},
                               {"length", R.Length},
                               {"text", R.Text}});
  return json::Object{{"check", F.Check},
                      {"level", levelName(F.Severity)},
                      {"file", F.Loc.File},
                      {"line", F.Loc.Line},
                      {"column", F.Loc.Column},
                      {"message", F.Message},
                      {"notes", std::move(Notes)},
                      {"fix", std::move(Fix)},
                      {"key", F.Key},
                      {"context", F.Context}};
}

namespace {

/// What the runtime saw, for the JSON report.
json::Value runtimeJSON(const Finding &F) {
  if (!F.Confirmed)
    return nullptr;
  return json::Object{{"summary", F.Confirmed->Summary},
                      {"count", static_cast<int64_t>(std::min<uint64_t>(
                                    F.Confirmed->Count, INT64_MAX))},
                      {"tests", F.Confirmed->Tests},
                      {"runtime_only", F.RuntimeOnly}};
}

} // namespace

llvm::Expected<Finding> findingFromJSON(const json::Value &V,
                                        llvm::StringRef Origin) {
  auto Malformed = [&](llvm::StringRef What) {
    return llvm::createStringError(
        llvm::formatv("{0}: malformed finding: {1}", Origin, What).str());
  };
  const json::Object *O = V.getAsObject();
  if (!O)
    return Malformed("not an object");
  Finding F;
  auto Str = [&](const json::Object &Obj, llvm::StringRef Key,
                 std::string &Out) {
    std::optional<llvm::StringRef> S = Obj.getString(Key);
    if (S)
      Out = S->str();
    return S.has_value();
  };
  auto Num = [&](const json::Object &Obj, llvm::StringRef Key, unsigned &Out) {
    std::optional<int64_t> N = Obj.getInteger(Key);
    if (!N || *N < 0 || *N > UINT32_MAX)
      return false;
    Out = static_cast<unsigned>(*N);
    return true;
  };
  std::string LevelText;
  if (!Str(*O, "check", F.Check) || !Str(*O, "level", LevelText) ||
      !Str(*O, "file", F.Loc.File) || !Num(*O, "line", F.Loc.Line) ||
      !Num(*O, "column", F.Loc.Column) || !Str(*O, "message", F.Message) ||
      !Str(*O, "key", F.Key))
    return Malformed(
        "missing check, level, file, line, column, message or key");
  F.Severity = LevelText == "error" ? Level::Error : Level::Warning;
  // Optional: compiler diagnostics and findings at file scope have none.
  Str(*O, "context", F.Context);
  if (const json::Array *Notes = O->getArray("notes"))
    for (const json::Value &NV : *Notes) {
      const json::Object *NO = NV.getAsObject();
      Note N;
      if (!NO || !Str(*NO, "file", N.Loc.File) ||
          !Num(*NO, "line", N.Loc.Line) || !Num(*NO, "column", N.Loc.Column) ||
          !Str(*NO, "message", N.Message))
        return Malformed("bad note");
      F.Notes.push_back(std::move(N));
    }
  if (const json::Array *Fix = O->getArray("fix"))
    for (const json::Value &RV : *Fix) {
      const json::Object *RO = RV.getAsObject();
      Replacement R;
      if (!RO || !Str(*RO, "file", R.File) || !Num(*RO, "offset", R.Offset) ||
          !Num(*RO, "length", R.Length) || !Str(*RO, "text", R.Text))
        return Malformed("bad fix");
      F.Fix.push_back(std::move(R));
    }
  return F;
}

void sortAndDeduplicate(std::vector<Finding> &Findings) {
  auto Key = [](const Finding &F) {
    return std::tie(F.Loc, F.Check, F.Message);
  };
  llvm::stable_sort(Findings, [&](const Finding &A, const Finding &B) {
    return Key(A) < Key(B);
  });
  // Each TU may add notes of its own (a by-value parameter's callers).
  std::vector<Finding> Unique;
  for (Finding &F : Findings) {
    if (Unique.empty() || Key(Unique.back()) != Key(F)) {
      Unique.push_back(std::move(F));
      continue;
    }
    for (Note &N : F.Notes)
      if (!llvm::any_of(Unique.back().Notes, [&](const Note &Kept) {
            return Kept.Loc == N.Loc && Kept.Message == N.Message;
          }))
        Unique.back().Notes.push_back(std::move(N));
  }
  Findings = std::move(Unique);
}

void writeText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root) {
  for (const Finding &F : Findings) {
    // A diagnostic without a line (a compiler error about a flag) names the
    // translation unit it came from, as clang names the file.
    OS << displayPath(F.Loc.File, Root);
    if (F.Loc.Line)
      OS << ':' << F.Loc.Line << ':' << F.Loc.Column;
    OS << ": " << levelName(F.Severity) << ": " << F.Message;
    if (F.RuntimeOnly)
      OS << " [runtime-only]";
    else if (F.Confirmed)
      OS << " [confirmed at runtime: " << F.Confirmed->Summary << ']';
    OS << " [" << F.Check << "]\n";
    for (const Note &N : F.Notes)
      OS << displayPath(N.Loc.File, Root) << ':' << N.Loc.Line << ':'
         << N.Loc.Column << ": note: " << N.Message << '\n';
  }
}

void writeJSON(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               llvm::StringRef Root) {
  json::Array Items;
  for (const Finding &F : Findings) {
    json::Value V = toJSON(F);
    json::Object &O = *V.getAsObject();
    O["file"] = displayPath(F.Loc.File, Root);
    O["confirmed"] = runtimeJSON(F);
    for (json::Value &NV : *O.getArray("notes")) {
      json::Object &NO = *NV.getAsObject();
      NO["file"] = displayPath(*NO.getString("file"), Root);
    }
    Items.push_back(std::move(V));
  }
  OS << llvm::formatv(
      "{0:2}\n", json::Value(json::Object{{"version", 1},
                                          {"findings", std::move(Items)}}));
}

bool isCompilerError(const Finding &F) {
  return F.Severity == Level::Error &&
         llvm::StringRef(F.Check).starts_with("clang-diagnostic-");
}

void writeSARIF(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                llvm::StringRef Root, const SarifInvocation &Invocation) {
  // Compiler errors are why the run failed, not alerts: they go to the
  // invocation's notifications, which hold location-less ones too.
  std::vector<const Finding *> Alerts, Errors;
  for (const Finding &F : Findings)
    (isCompilerError(F) ? Errors : Alerts).push_back(&F);

  // One rule per check that appears, known checks first in a stable order.
  std::vector<std::string> RuleIds;
  for (const CheckDescriptor &Check : allChecks())
    RuleIds.push_back(Check.Name.str());
  for (const Finding *F : Alerts)
    if (!llvm::is_contained(RuleIds, F->Check))
      RuleIds.push_back(F->Check);

  json::Array Rules;
  for (const std::string &Id : RuleIds) {
    const CheckDescriptor *Info = findCheck(Id);
    if (!Info) {
      Rules.push_back(json::Object{
          {"id", Id},
          {"shortDescription", json::Object{{"text", "Compiler diagnostic"}}},
          {"help", json::Object{{"text", "A diagnostic of the compiler."}}},
          {"defaultConfiguration", json::Object{{"level", "warning"}}}});
      continue;
    }
    std::string HelpUri = (llvm::Twine(DocsUrl) + Info->Name + ".md").str();
    std::string Markdown =
        llvm::formatv("**{0}**\n\n{1}\n\nMore: [{2}]({3})", Info->Summary,
                      Info->Help, Info->Name, HelpUri);
    Rules.push_back(json::Object{
        {"id", Id},
        {"shortDescription", json::Object{{"text", Info->Summary}}},
        {"fullDescription", json::Object{{"text", Info->Help}}},
        {"help", json::Object{{"text", Info->Help}, {"markdown", Markdown}}},
        {"helpUri", HelpUri},
        {"defaultConfiguration", json::Object{{"level", "warning"}}}});
  }

  json::Array Results;
  for (const Finding *FP : Alerts) {
    const Finding &F = *FP;
    json::Array Related;
    int Id = 1;
    for (const Note &N : F.Notes) {
      json::Value Loc = sarifLocation(N.Loc, Root);
      json::Object &LO = *Loc.getAsObject();
      LO["id"] = Id++;
      LO["message"] = json::Object{{"text", N.Message}};
      Related.push_back(std::move(Loc));
    }
    std::string Fingerprint;
    llvm::raw_string_ostream(Fingerprint) << llvm::format_hex_no_prefix(
        llvm::xxh3_64bits(F.Check + "\n" + displayPath(F.Loc.File, Root) +
                          "\n" + F.Key),
        16, /*Upper=*/true);
    size_t RuleIndex = llvm::find(RuleIds, F.Check) - RuleIds.begin();
    // What the tests proved ranks above what the analysis predicts.
    Level Shown = F.Confirmed ? Level::Error : F.Severity;
    json::Object Properties;
    if (F.Confirmed) {
      Properties["tenure/confirmed"] = true;
      Properties["tenure/runtime"] = F.Confirmed->Summary;
      Properties["tenure/runtimeCount"] = static_cast<int64_t>(
          std::min<uint64_t>(F.Confirmed->Count, INT64_MAX));
      if (F.RuntimeOnly)
        Properties["tenure/runtimeOnly"] = true;
    }
    json::Object Result{{"ruleId", F.Check},
                        {"ruleIndex", static_cast<int64_t>(RuleIndex)},
                        {"level", levelName(Shown)},
                        {"properties", std::move(Properties)},
                        {"message", json::Object{{"text", F.Message}}},
                        {"locations", json::Array{sarifLocation(F.Loc, Root)}},
                        {"relatedLocations", std::move(Related)},
                        {"partialFingerprints",
                         json::Object{{"tenureFindingKey/v1", Fingerprint}}}};
    if (json::Array Fixes = sarifFixes(F, Root); !Fixes.empty())
      Result["fixes"] = std::move(Fixes);
    Results.push_back(std::move(Result));
  }

  json::Array Notifications;
  for (const Finding *F : Errors) {
    json::Object Notification{{"level", "error"},
                              {"message", json::Object{{"text", F->Message}}}};
    if (!F->Loc.File.empty())
      Notification["locations"] = json::Array{sarifLocation(F->Loc, Root)};
    Notifications.push_back(std::move(Notification));
  }
  for (const std::string &Message : Invocation.Errors)
    Notifications.push_back(json::Object{
        {"level", "error"}, {"message", json::Object{{"text", Message}}}});

  json::Object Run{
      {"tool",
       json::Object{{"driver", json::Object{{"name", "tenure-analyze"},
                                            {"version", Version},
                                            {"rules", std::move(Rules)}}}}},
      {"invocations",
       json::Array{json::Object{
           {"executionSuccessful", Invocation.ExitCode != 2},
           {"exitCode", Invocation.ExitCode},
           {"toolExecutionNotifications", std::move(Notifications)}}}},
      {"results", std::move(Results)}};
  if (!Root.empty())
    Run["originalUriBaseIds"] = json::Object{
        {"%SRCROOT%",
         json::Object{
             {"uri", "file://" + percentEncoded(Root.rtrim('/')) + "/"}}}};
  OS << llvm::formatv(
      "{0:2}\n",
      json::Value(json::Object{
          {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::Array{std::move(Run)}}}));
}

void writeCycleGraph(llvm::raw_ostream &OS,
                     const std::vector<Finding> &Findings) {
  auto Quoted = [](llvm::StringRef S) {
    std::string Out = "\"";
    for (char C : S) {
      if (C == '"' || C == '\\')
        Out += '\\';
      Out += C;
    }
    return Out + "\"";
  };
  OS << "// Reference cycles found by tenure-analyze. Render with:\n"
     << "//   dot -Tsvg <this file> -o cycles.svg\n"
     << "digraph tenure_cycles {\n"
     << "  rankdir=LR;\n"
     << "  node [shape=box, fontname=\"Helvetica\"];\n"
     << "  edge [fontname=\"Helvetica\"];\n";
  std::set<std::string> Nodes, Edges;
  for (const Finding &F : Findings) {
    if (F.Check != refCycleCheck().Name || F.Types.empty() ||
        F.Types.size() != F.Fields.size())
      continue;
    std::string Color = F.Confirmed ? "red" : "black";
    for (size_t I = 0; I < F.Types.size(); ++I) {
      const std::string &From = F.Types[I];
      const std::string &To = F.Types[(I + 1) % F.Types.size()];
      if (Nodes.insert(From).second)
        OS << "  " << Quoted(From) << ";\n";
      std::string Label = F.Fields[I].empty() ? "?" : F.Fields[I];
      // A static finding's first edge is its back edge, the one to weaken.
      bool Back = I == 0 && !F.RuntimeOnly;
      std::string Edge = llvm::formatv(
          "  {0} -> {1} [label={2}, color={3}, fontcolor={3}{4}];\n",
          Quoted(From), Quoted(To),
          Quoted(Back && F.Confirmed ? Label + " (" + F.Confirmed->Summary + ")"
                                     : Label),
          Color, Back ? ", penwidth=2.5, style=bold" : "");
      if (Edges.insert(Edge).second)
        OS << Edge;
    }
  }
  OS << "}\n";
}

} // namespace tenure::analyzer
