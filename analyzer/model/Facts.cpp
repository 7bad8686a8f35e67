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
  case FieldKind::Raw:
    return "raw";
  }
  llvm_unreachable("unknown field kind");
}

llvm::StringRef objectKindName(ObjectKind K) {
  switch (K) {
  case ObjectKind::This:
    return "this";
  case ObjectKind::Param:
    return "param";
  case ObjectKind::Alloc:
    return "alloc";
  case ObjectKind::Member:
    return "member";
  case ObjectKind::Result:
    return "result";
  case ObjectKind::Closure:
    return "closure";
  case ObjectKind::Opaque:
    return "opaque";
  }
  llvm_unreachable("unknown object kind");
}

llvm::StringRef edgeKindName(HeapEdgeKind K) {
  switch (K) {
  case HeapEdgeKind::Field:
    return "field";
  case HeapEdgeKind::Capture:
    return "capture";
  case HeapEdgeKind::Pending:
    return "pending";
  }
  llvm_unreachable("unknown edge kind");
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

llvm::StringRef useKindName(ContainerUseKind K) {
  switch (K) {
  case ContainerUseKind::Insert:
    return "insert";
  case ContainerUseKind::Erase:
    return "erase";
  case ContainerUseKind::Clear:
    return "clear";
  case ContainerUseKind::Escape:
    return "escape";
  }
  llvm_unreachable("unknown container use kind");
}

llvm::StringRef lifetimeKindName(LifetimeKind K) {
  switch (K) {
  case LifetimeKind::StaticObject:
    return "static";
  case LifetimeKind::HeldBy:
    return "held_by";
  case LifetimeKind::MadeAsValue:
    return "value";
  }
  llvm_unreachable("unknown lifetime kind");
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
bool mapUnsigned(json::ObjectMapper &O, llvm::StringLiteral Key,
                 unsigned &Out) {
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
  return U.Key + "\n" + key(U.Loc) + "\n" + useKindName(U.Kind).str();
}
std::string key(const LifetimeFact &L) {
  return L.Record + "\n" + lifetimeKindName(L.Kind).str() + "\n" + L.By;
}
std::string key(const ClosureStoreFact &C) {
  return C.Factory + "\n" + C.Into + "\n" + key(C.Loc);
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
bool fromJSON(const json::Value &V, Location &L, json::Path P);

bool fromJSON(const json::Value &V, ContainerUseKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (ContainerUseKind Kind :
       {ContainerUseKind::Insert, ContainerUseKind::Erase,
        ContainerUseKind::Clear, ContainerUseKind::Escape})
    if (S && *S == useKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected insert, erase, clear or escape");
  return false;
}

bool fromJSON(const json::Value &V, LifetimeKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (LifetimeKind Kind : {LifetimeKind::StaticObject, LifetimeKind::HeldBy,
                            LifetimeKind::MadeAsValue})
    if (S && *S == lifetimeKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected static, held_by or value");
  return false;
}

bool fromJSON(const json::Value &V, ContainerFact &C, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("key", C.Key) && O.map("type", C.Type) &&
         O.map("loc", C.Loc) && mapUnsigned(O, "depth", C.Depth) &&
         O.map("holds_handles", C.HoldsHandles) &&
         O.map("held_types", C.HeldTypes) && O.map("cache_name", C.CacheName) &&
         O.map("keyed", C.Keyed) && O.map("finite_keys", C.FiniteKeys) &&
         O.map("static_storage", C.StaticStorage) &&
         O.map("owner_record", C.OwnerRecord) && O.map("factory", C.Factory) &&
         O.map("factory_name", C.FactoryName) && O.map("kept_in", C.KeptIn) &&
         O.map("kept_at", C.KeptAt) && O.map("local", C.Local) &&
         O.map("public", C.Public) && O.map("methods", C.Methods) &&
         O.map("defined_methods", C.DefinedMethods);
}

bool fromJSON(const json::Value &V, ContainerUseFact &U, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("key", U.Key) && O.map("loc", U.Loc) &&
         O.map("kind", U.Kind) && O.map("bounded", U.Bounded) &&
         O.map("memo", U.Memo) && O.map("only_on_reset", U.OnlyOnReset) &&
         O.map("in_destructor", U.InDestructor) &&
         O.map("function", U.Function);
}

bool fromJSON(const json::Value &V, LifetimeFact &L, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("record", L.Record) && O.map("kind", L.Kind) &&
         O.map("by", L.By) && O.map("loc", L.Loc);
}

bool fromJSON(const json::Value &V, ClosureStoreFact &C, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("factory", C.Factory) && O.map("into", C.Into) &&
         O.map("loc", C.Loc);
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
  for (FieldKind Kind : {FieldKind::Strong, FieldKind::Member,
                         FieldKind::Callback, FieldKind::Raw})
    if (S && *S == fieldKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected strong, member, callback or raw");
  return false;
}

bool fromJSON(const json::Value &V, ObjectKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (ObjectKind Kind :
       {ObjectKind::This, ObjectKind::Param, ObjectKind::Alloc,
        ObjectKind::Member, ObjectKind::Result, ObjectKind::Closure,
        ObjectKind::Opaque})
    if (S && *S == objectKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected an object kind");
  return false;
}

bool fromJSON(const json::Value &V, HeapEdgeKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (HeapEdgeKind Kind :
       {HeapEdgeKind::Field, HeapEdgeKind::Capture, HeapEdgeKind::Pending})
    if (S && *S == edgeKindName(Kind)) {
      K = Kind;
      return true;
    }
  P.report("expected field, capture or pending");
  return false;
}

// Object numbers refer into the function's own objects.
bool mapObject(json::ObjectMapper &O, llvm::StringLiteral Key, int &Out,
               size_t Objects, json::Path P) {
  int64_t Value = -1;
  if (!O.map(Key, Value))
    return false;
  if (Value < -1 || Value >= static_cast<int64_t>(Objects)) {
    P.field(Key).report("no such object");
    return false;
  }
  Out = static_cast<int>(Value);
  return true;
}

bool fromJSON(const json::Value &V, HeapObject &H, json::Path P) {
  json::ObjectMapper O(V, P);
  int64_t Index = -1;
  if (!(O && O.map("kind", H.Kind) && O.map("index", Index) &&
        O.map("field", H.Field) && O.map("type", H.Type) &&
        O.map("loc", H.Loc) && O.map("bind", H.Bind)))
    return false;
  if (Index < -1 || Index > INT32_MAX) {
    P.field("index").report("out of range");
    return false;
  }
  H.Index = static_cast<int>(Index);
  return true;
}

bool fromJSON(const json::Value &V, FunctionFact &F, json::Path P) {
  json::ObjectMapper O(V, P);
  const json::Object *Obj = V.getAsObject();
  if (!O || !O.map("key", F.Key) || !O.map("objects", F.Objects))
    return false;
  size_t N = F.Objects.size();
  for (size_t I = 0; I < N; ++I)
    if (F.Objects[I].Kind == ObjectKind::Member &&
        (F.Objects[I].Index < 0 ||
         static_cast<size_t>(F.Objects[I].Index) >= I)) {
      P.field("objects").index(I).report("a member's parent must come first");
      return false;
    }
  const json::Array *Edges = Obj->getArray("edges");
  const json::Array *Calls = Obj->getArray("calls");
  if (!Edges || !Calls) {
    P.report("expected edges and calls");
    return false;
  }
  for (size_t I = 0; I < Edges->size(); ++I) {
    json::Path EP = P.field("edges").index(I);
    json::ObjectMapper EO((*Edges)[I], EP);
    HeapEdge E;
    if (!EO || !EO.map("kind", E.Kind) || !EO.map("owner", E.Owner) ||
        !EO.map("field", E.Field) || !EO.map("loc", E.Loc) ||
        !mapObject(EO, "from", E.From, N, EP) ||
        !mapObject(EO, "to", E.To, N, EP))
      return false;
    F.Edges.push_back(std::move(E));
  }
  for (size_t I = 0; I < Calls->size(); ++I) {
    json::Path CP = P.field("calls").index(I);
    json::ObjectMapper CO((*Calls)[I], CP);
    HeapCall C;
    std::vector<int64_t> Args;
    if (!CO || !CO.map("callee", C.Callee) || !CO.map("loc", C.Loc) ||
        !CO.map("args", Args) ||
        !mapObject(CO, "receiver", C.Receiver, N, CP) ||
        !mapObject(CO, "result", C.Result, N, CP))
      return false;
    for (int64_t A : Args) {
      if (A < -1 || A >= static_cast<int64_t>(N)) {
        CP.field("args").report("no such object");
        return false;
      }
      C.Args.push_back(static_cast<int>(A));
    }
    F.Calls.push_back(std::move(C));
  }
  return mapObject(O, "returns", F.Returns, N, P);
}

bool fromJSON(const json::Value &V, ValueKind &K, json::Path P) {
  std::optional<llvm::StringRef> S = V.getAsString();
  for (ValueKind Kind :
       {ValueKind::Other, ValueKind::SelfHandle, ValueKind::Param,
        ValueKind::Lambda, ValueKind::Cleared})
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
         O.mapOptional("weak_fix", F.WeakFix) &&
         O.mapOptional("deleted_in", F.DeletedIn);
}

bool fromJSON(const json::Value &V, StoreFact &S, json::Path P) {
  json::ObjectMapper O(V, P);
  return O && O.map("owner", S.Owner) && O.map("field", S.Field) &&
         O.map("loc", S.Loc) && O.map("value", S.Value) &&
         O.map("value_type", S.ValueType) && O.map("captures", S.Captures) &&
         O.map("captures_self", S.CapturesSelf) &&
         O.map("function", S.Function) &&
         mapUnsigned(O, "param", S.ParamIndex) && O.map("closes", S.Closes) &&
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
                                  {"weak_fix", std::move(Fix)},
                                  {"deleted_in", FF.DeletedIn}});
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
  json::Array Containers, Uses, Lifetimes, ClosureStores;
  for (const ContainerFact &C : F.Containers)
    Containers.push_back(
        json::Object{{"key", C.Key},
                     {"type", C.Type},
                     {"loc", toJSON(C.Loc)},
                     {"depth", C.Depth},
                     {"holds_handles", C.HoldsHandles},
                     {"held_types", stringArray(C.HeldTypes)},
                     {"cache_name", C.CacheName},
                     {"keyed", C.Keyed},
                     {"finite_keys", C.FiniteKeys},
                     {"static_storage", C.StaticStorage},
                     {"owner_record", C.OwnerRecord},
                     {"factory", C.Factory},
                     {"factory_name", C.FactoryName},
                     {"kept_in", C.KeptIn},
                     {"kept_at", toJSON(C.KeptAt)},
                     {"local", C.Local},
                     {"public", C.Public},
                     {"methods", stringArray(C.Methods)},
                     {"defined_methods", stringArray(C.DefinedMethods)}});
  for (const ContainerUseFact &U : F.ContainerUses)
    Uses.push_back(json::Object{{"key", U.Key},
                                {"loc", toJSON(U.Loc)},
                                {"kind", useKindName(U.Kind)},
                                {"bounded", U.Bounded},
                                {"memo", U.Memo},
                                {"only_on_reset", U.OnlyOnReset},
                                {"in_destructor", U.InDestructor},
                                {"function", U.Function}});
  for (const LifetimeFact &L : F.Lifetimes)
    Lifetimes.push_back(json::Object{{"record", L.Record},
                                     {"kind", lifetimeKindName(L.Kind)},
                                     {"by", L.By},
                                     {"loc", toJSON(L.Loc)}});
  for (const ClosureStoreFact &C : F.ClosureStores)
    ClosureStores.push_back(json::Object{
        {"factory", C.Factory}, {"into", C.Into}, {"loc", toJSON(C.Loc)}});
  json::Array Functions;
  for (const FunctionFact &FF : F.Functions) {
    json::Array Objects, Edges, Calls;
    for (const HeapObject &H : FF.Objects)
      Objects.push_back(json::Object{{"kind", objectKindName(H.Kind)},
                                     {"index", H.Index},
                                     {"field", H.Field},
                                     {"type", H.Type},
                                     {"loc", toJSON(H.Loc)},
                                     {"bind", H.Bind}});
    for (const HeapEdge &E : FF.Edges)
      Edges.push_back(json::Object{{"kind", edgeKindName(E.Kind)},
                                   {"from", E.From},
                                   {"to", E.To},
                                   {"owner", E.Owner},
                                   {"field", E.Field},
                                   {"loc", toJSON(E.Loc)}});
    for (const HeapCall &C : FF.Calls)
      Calls.push_back(json::Object{{"callee", C.Callee},
                                   {"receiver", C.Receiver},
                                   {"args", json::Array(C.Args)},
                                   {"result", C.Result},
                                   {"loc", toJSON(C.Loc)}});
    Functions.push_back(json::Object{{"key", FF.Key},
                                     {"objects", std::move(Objects)},
                                     {"edges", std::move(Edges)},
                                     {"calls", std::move(Calls)},
                                     {"returns", FF.Returns}});
  }
  return json::Object{{"version", FactsVersion},
                      {"functions", std::move(Functions)},
                      {"records", std::move(Records)},
                      {"fields", std::move(Fields)},
                      {"stores", std::move(Stores)},
                      {"calls", std::move(Calls)},
                      {"containers", std::move(Containers)},
                      {"container_uses", std::move(Uses)},
                      {"lifetimes", std::move(Lifetimes)},
                      {"closure_stores", std::move(ClosureStores)}};
}

llvm::Expected<Facts> factsFromJSON(const json::Value &V,
                                    llvm::StringRef Origin) {
  const json::Object *Obj = V.getAsObject();
  std::optional<int64_t> Version =
      Obj ? Obj->getInteger("version") : std::nullopt;
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
      !O.map("container_uses", F.ContainerUses) ||
      !O.map("lifetimes", F.Lifetimes) ||
      !O.map("closure_stores", F.ClosureStores) ||
      !O.map("functions", F.Functions)) {
    std::string Message;
    llvm::raw_string_ostream OS(Message);
    OS << Origin << ": malformed facts: " << llvm::toString(Root.getError());
    return llvm::createStringError(OS.str());
  }
  return F;
}

Facts mergeFacts(std::vector<Facts> Parts) {
  Facts All;
  llvm::StringSet<> Records, Stores, Calls, ContainerUses, Lifetimes,
      ClosureStores, Functions;
  llvm::StringMap<size_t> ContainerIndex, FieldIndex;
  for (Facts &Part : Parts) {
    appendNew(All.Records, Part.Records, Records);
    // A raw field is owning when the TU that defines its class's destructor
    // says so; the other TUs do not see the delete.
    for (FieldFact &FF : Part.Fields) {
      auto [It, Inserted] = FieldIndex.try_emplace(key(FF), All.Fields.size());
      if (Inserted)
        All.Fields.push_back(std::move(FF));
      else if (All.Fields[It->second].DeletedIn.empty())
        All.Fields[It->second].DeletedIn = FF.DeletedIn;
    }
    // A function defined in a header is the same summary in every TU.
    for (FunctionFact &FF : Part.Functions)
      if (Functions.insert(FF.Key).second)
        All.Functions.push_back(std::move(FF));
    appendNew(All.Stores, Part.Stores, Stores);
    appendNew(All.Calls, Part.Calls, Calls);
    // A container seen from several TUs: its class's functions defined in
    // any of them count.
    for (ContainerFact &C : Part.Containers) {
      auto [It, Inserted] =
          ContainerIndex.try_emplace(C.Key, All.Containers.size());
      if (Inserted) {
        All.Containers.push_back(std::move(C));
        continue;
      }
      std::vector<std::string> &Defined =
          All.Containers[It->second].DefinedMethods;
      for (std::string &Method : C.DefinedMethods)
        if (!llvm::is_contained(Defined, Method))
          Defined.push_back(std::move(Method));
    }
    appendNew(All.ContainerUses, Part.ContainerUses, ContainerUses);
    appendNew(All.Lifetimes, Part.Lifetimes, Lifetimes);
    appendNew(All.ClosureStores, Part.ClosureStores, ClosureStores);
  }
  return All;
}

std::string contentHash(llvm::StringRef Data) {
  auto Hash = llvm::BLAKE3::hash<16>(llvm::arrayRefFromStringRef(Data));
  return llvm::toHex(Hash, /*LowerCase=*/true);
}

} // namespace tenure::analyzer
