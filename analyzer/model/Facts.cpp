//===- Facts.cpp - Per-TU ownership facts, JSON and merging ---------------===//

#include "analyzer/model/Facts.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FormatVariadic.h"

namespace tenure::analyzer {
namespace json = llvm::json;

namespace {

llvm::StringRef fieldKindName(FieldKind K) {
  switch (K) {
  case FieldKind::Strong:
    return "strong";
  case FieldKind::Member:
    return "member";
  case FieldKind::Callback:
    return "callback";
  }
  llvm_unreachable("unknown field kind");
}

llvm::StringRef valueKindName(ValueKind K) {
  switch (K) {
  case ValueKind::Other:
    return "other";
  case ValueKind::SelfHandle:
    return "self";
  case ValueKind::Param:
    return "param";
  case ValueKind::Lambda:
    return "lambda";
  case ValueKind::Cleared:
    return "cleared";
  }
  llvm_unreachable("unknown value kind");
}

json::Value toJSON(const Location &L) {
  return json::Object{{"file", L.File}, {"line", L.Line}, {"col", L.Column}};
}

json::Value toJSON(const Replacement &R) {
  return json::Object{{"file", R.File},
                      {"offset", R.Offset},
                      {"length", R.Length},
                      {"text", R.Text}};
}

// llvm::json reads 64-bit integers; facts hold 32-bit ones.
bool mapUnsigned(json::ObjectMapper &O, llvm::StringLiteral Key, unsigned &Out) {
  int64_t Value = -1;
  if (!O.map(Key, Value) || Value < 0 || Value > UINT32_MAX)
    return false;
  Out = static_cast<unsigned>(Value);
  return true;
}

json::Array stringArray(const std::vector<std::string> &Strings) {
  return json::Array(Strings);
}

// Duplicate detection keys. Everything that identifies the fact, locations
// included: the same statement seen from two TUs is one fact.
std::string key(const Location &L) {
  return llvm::formatv("{0}:{1}:{2}", L.File, L.Line, L.Column).str();
}
std::string key(const RecordFact &R) { return R.Name; }
std::string key(const FieldFact &F) {
  return F.Owner + "\n" + F.Field + "\n" + F.Target;
}
std::string key(const StoreFact &S) {
  return S.Owner + "\n" + S.Field + "\n" + key(S.Loc) + "\n" +
         valueKindName(S.Value).str() + "\n" + S.ValueType;
}
std::string key(const ContainerUseFact &U) {
  return U.Key + "\n" + key(U.Loc) + (U.Grows ? "+" : "-");
}
std::string key(const CallFact &C) {
  return C.Callee + "\n" + std::to_string(C.ArgIndex) + "\n" + key(C.Loc);
}

template <typename T>
void appendNew(std::vector<T> &Into, std::vector<T> &From,
               llvm::StringSet<> &Seen) {
  for (T &Item : From)
    if (Seen.insert(key(Item)).second)
      Into.push_back(std::move(Item));
}

} // namespace

// Readers, found by llvm::json through argument-dependent lookup.
bool fromJSON(const json::Value &V, ContainerFact &C, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("key", C.Key) && O.map("type", C.Type) &&
         O.map("loc", C.Loc) && O.map("holds_handles", C.HoldsHandles) &&
         O.map("cache_name", C.CacheName) && O.map("local", C.Local) &&
         O.map("public", C.Public) && O.map("methods", C.Methods) &&
         O.map("defined_methods", C.DefinedMethods) &&
         O.mapOptional("held_types", C.HeldTypes);
}

bool fromJSON(const json::Value &V, ContainerUseFact &U, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("key", U.Key) && O.map("loc", U.Loc) &&
         O.map("grows", U.Grows) && O.map("bounded", U.Bounded);
}

bool fromJSON(const json::Value &V, Location &L, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("file", L.File) && mapUnsigned(O, "line", L.Line) &&
         mapUnsigned(O, "col", L.Column);
}

bool fromJSON(const json::Value &V, Replacement &R, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("file", R.File) && mapUnsigned(O, "offset", R.Offset) &&
         mapUnsigned(O, "length", R.Length) && O.map("text", R.Text);
}

bool fromJSON(const json::Value &V, FieldKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (FieldKind Kind :
       {FieldKind::Strong, FieldKind::Member, FieldKind::Callback})
    if (S && *S == fieldKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected strong, member or callback");
  return false;
}

bool fromJSON(const json::Value &V, ValueKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (ValueKind Kind : {ValueKind::Other, ValueKind::SelfHandle,
                         ValueKind::Param, ValueKind::Lambda,
                         ValueKind::Cleared})
    if (S && *S == valueKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected other, self, param, lambda or cleared");
  return false;
}

bool fromJSON(const json::Value &V, RecordFact &R, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("name", R.Name) && O.map("loc", R.Loc) &&
         O.map("bases", R.Bases);
}

bool fromJSON(const json::Value &V, FieldFact &F, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("owner", F.Owner) && O.map("field", F.Field) &&
         O.map("target", F.Target) && O.map("kind", F.Kind) &&
         O.map("in_container", F.InContainer) &&
         O.map("type", F.TypeSpelling) && O.map("loc", F.Loc) &&
         O.mapOptional("weak_fix", F.WeakFix);
}

bool fromJSON(const json::Value &V, StoreFact &S, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("owner", S.Owner) && O.map("field", S.Field) &&
         O.map("loc", S.Loc) && O.map("value", S.Value) &&
         O.map("value_type", S.ValueType) && O.map("captures", S.Captures) &&
         O.map("captures_self", S.CapturesSelf) &&
         O.map("function", S.Function) && mapUnsigned(O, "param", S.ParamIndex) &&
         O.map("closes", S.Closes) &&
         O.map("into_other_object", S.IntoOtherObject) &&
         O.map("closes_with", S.ClosesWith) &&
         O.map("through", S.ThroughFields);
}

bool fromJSON(const json::Value &V, CallFact &C, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("callee", C.Callee) && mapUnsigned(O, "arg", C.ArgIndex) &&
         O.map("loc", C.Loc) && O.map("value", C.Value) &&
         O.map("value_type", C.ValueType) && O.map("captures", C.Captures) &&
         O.map("captures_self", C.CapturesSelf) && O.map("on_this", C.OnThis) &&
         O.map("through", C.ThroughFields);
}

json::Value toJSON(const Facts &F) {
  json::Array Records, Fields, Stores, Calls;
  for (const RecordFact &R : F.Records)
    Records.push_back(json::Object{{"name", R.Name},
                                   {"loc", toJSON(R.Loc)},
                                   {"bases", stringArray(R.Bases)}});
  for (const FieldFact &FF : F.Fields) {
    json::Array Fix;
    for (const Replacement &R : FF.WeakFix)
      Fix.push_back(toJSON(R));
    Fields.push_back(json::Object{{"owner", FF.Owner},
                                  {"field", FF.Field},
                                  {"target", FF.Target},
                                  {"kind", fieldKindName(FF.Kind)},
                                  {"in_container", FF.InContainer},
                                  {"type", FF.TypeSpelling},
                                  {"loc", toJSON(FF.Loc)},
                                  {"weak_fix", std::move(Fix)}});
  }
  for (const StoreFact &S : F.Stores)
    Stores.push_back(json::Object{{"owner", S.Owner},
                                  {"field", S.Field},
                                  {"loc", toJSON(S.Loc)},
                                  {"value", valueKindName(S.Value)},
                                  {"value_type", S.ValueType},
                                  {"captures", stringArray(S.Captures)},
                                  {"captures_self", S.CapturesSelf},
                                  {"function", S.Function},
                                  {"param", S.ParamIndex},
                                  {"closes", S.Closes},
                                  {"into_other_object", S.IntoOtherObject},
                                  {"closes_with", S.ClosesWith},
                                  {"through", stringArray(S.ThroughFields)}});
  for (const CallFact &C : F.Calls)
    Calls.push_back(json::Object{{"callee", C.Callee},
                                 {"arg", C.ArgIndex},
                                 {"loc", toJSON(C.Loc)},
                                 {"value", valueKindName(C.Value)},
                                 {"value_type", C.ValueType},
                                 {"captures", stringArray(C.Captures)},
                                 {"captures_self", C.CapturesSelf},
                                 {"on_this", C.OnThis},
                                 {"through", stringArray(C.ThroughFields)}});
  json::Array Containers, Uses;
  for (const ContainerFact &C : F.Containers)
    Containers.push_back(json::Object{{"key", C.Key},
                                      {"type", C.Type},
                                      {"loc", toJSON(C.Loc)},
                                      {"holds_handles", C.HoldsHandles},
                                      {"held_types", stringArray(C.HeldTypes)},
                                      {"cache_name", C.CacheName},
                                      {"local", C.Local},
                                      {"public", C.Public},
                                      {"methods", stringArray(C.Methods)},
                                      {"defined_methods",
                                       stringArray(C.DefinedMethods)}});
  for (const ContainerUseFact &U : F.ContainerUses)
    Uses.push_back(json::Object{{"key", U.Key},
                                {"loc", toJSON(U.Loc)},
                                {"grows", U.Grows},
                                {"bounded", U.Bounded}});
  return json::Object{{"version", FactsVersion},
                      {"records", std::move(Records)},
                      {"fields", std::move(Fields)},
                      {"stores", std::move(Stores)},
                      {"calls", std::move(Calls)},
                      {"containers", std::move(Containers)},
                      {"container_uses", std::move(Uses)}};
}

llvm::Expected<Facts> factsFromJSON(const json::Value &V,
                                    llvm::StringRef Origin) {
  const json::Object *Obj = V.getAsObject();
  std::optional<int64_t> Version = Obj ? Obj->getInteger("version") : std::nullopt;
  if (!Version)
    return llvm::createStringError("%s: not a tenure facts file (no version)",
                                   Origin.str().c_str());
  if (*Version != FactsVersion)
    return llvm::createStringError(
        "%s: facts version %lld, this tenure-analyze reads version %d",
        Origin.str().c_str(), static_cast<long long>(*Version), FactsVersion);
  Facts F;
  json::Path::Root Root("facts");
  json::ObjectMapper O(V, Root);
  if (!O.map("records", F.Records) || !O.map("fields", F.Fields) ||
      !O.map("stores", F.Stores) || !O.map("calls", F.Calls) ||
      !O.map("containers", F.Containers) ||
      !O.map("container_uses", F.ContainerUses)) {
    std::string Message;
    llvm::raw_string_ostream OS(Message);
    OS << Origin << ": malformed facts: " << llvm::toString(Root.getError());
    return llvm::createStringError(OS.str());
  }
  return F;
}

Facts mergeFacts(std::vector<Facts> Parts) {
  Facts All;
  llvm::StringSet<> Records, Fields, Stores, Calls, ContainerUses;
  llvm::StringMap<size_t> ContainerIndex;
  for (Facts &Part : Parts) {
    appendNew(All.Records, Part.Records, Records);
    appendNew(All.Fields, Part.Fields, Fields);
    appendNew(All.Stores, Part.Stores, Stores);
    appendNew(All.Calls, Part.Calls, Calls);
    // A container seen from several TUs: its class's functions defined in
    // any of them count.
    for (ContainerFact &C : Part.Containers) {
      auto [It, Inserted] = ContainerIndex.try_emplace(C.Key, All.Containers.size());
      if (Inserted) {
        All.Containers.push_back(std::move(C));
        continue;
      }
      std::vector<std::string> &Defined = All.Containers[It->second].DefinedMethods;
      for (std::string &Method : C.DefinedMethods)
        if (!llvm::is_contained(Defined, Method))
          Defined.push_back(std::move(Method));
    }
    appendNew(All.ContainerUses, Part.ContainerUses, ContainerUses);
  }
  return All;
}

std::string contentHash(llvm::StringRef Data) {
  auto Hash = llvm::BLAKE3::hash<16>(llvm::arrayRefFromStringRef(Data));
  return llvm::toHex(Hash, /*LowerCase=*/true);
}

} // namespace tenure::analyzer
