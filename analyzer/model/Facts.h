//===- Facts.h - What one translation unit says about ownership -*- C++ -*-===//
//
// Facts are the per-TU product of the analysis: record types and their
// bases, the fields that hold other records, the statements that store into
// those fields, and calls that hand a self-handle or a capturing lambda to a
// function that stores its argument. They are plain data with locations as
// file:line:col, so they can be written to JSON by one process and merged by
// another: that is what makes cycles through several files findable.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_FACTS_H
#define TENURE_ANALYZER_FACTS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace tenure::analyzer {

inline constexpr int FactsVersion = 3;

struct Location {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;

  bool valid() const { return !File.empty() && Line != 0; }
  friend auto operator<=>(const Location &, const Location &) = default;
};

/// A text replacement, for fix-its that travel between processes.
struct Replacement {
  std::string File;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Text;
  friend bool operator==(const Replacement &, const Replacement &) = default;
};

/// Records in anonymous namespaces and local classes carry their file after
/// '@' so that two TUs' records stay apart (the same goes for container keys
/// of such variables); messages show the name the user wrote.
inline llvm::StringRef shownName(llvm::StringRef Key) {
  return Key.take_until([](char C) { return C == '@'; });
}

struct RecordFact {
  std::string Name;
  Location Loc;
  std::vector<std::string> Bases;
};

/// Raw: a raw pointer (or a standard container of them) to a record, which
/// owns its target when its class deletes it in the destructor (DeletedIn).
enum class FieldKind { Strong, Member, Callback, Raw };

/// Field \c Owner::Field holds \c Target (empty for callbacks, whose targets
/// come from what is stored into them).
struct FieldFact {
  std::string Owner;
  std::string Field;
  std::string Target;
  FieldKind Kind = FieldKind::Strong;
  bool InContainer = false;
  std::string TypeSpelling; ///< As written, for messages.
  Location Loc;
  /// Turns the field into the paired weak handle, when that is mechanical.
  std::vector<Replacement> WeakFix;
  /// Raw fields: the destructor that deletes what they point to ("~Owner").
  std::string DeletedIn;
};

enum class ValueKind {
  Other,      ///< Some handle; see ValueType.
  SelfHandle, ///< A strong handle made from `this` (shared_from_this...).
  Param,      ///< The enclosing function's parameter number ParamIndex.
  Lambda,     ///< A lambda; Captures lists the records it holds strongly.
  Cleared,    ///< Not a store: the field is emptied or moved out here.
};

/// A statement storing a value into field \c Owner::Field.
struct StoreFact {
  std::string Owner;
  std::string Field;
  Location Loc;
  ValueKind Value = ValueKind::Other;
  std::string ValueType;             ///< Record the stored handle points to.
  std::vector<std::string> Captures; ///< Lambda values: records held.
  bool CapturesSelf = false;         ///< Lambda holds a self-handle.
  std::string Function;              ///< Param values: enclosing function.
  unsigned ParamIndex = 0;
  /// The statement itself closes a loop: the stored value is (or is reached
  /// from) the object written to, or is a self-handle.
  bool Closes = false;
  bool IntoOtherObject = false; ///< Written through another object, not this.
  /// "Owner::field" of an earlier store this one pairs with to close a loop
  /// (`a->next = b; b->prev = a;`): the cycle is exactly those two edges.
  std::string ClosesWith;
  /// The written object is reached from `this` through these fields
  /// ("Owner::field", in order): `owner_->children.push_back(self)`.
  std::vector<std::string> ThroughFields;
};

/// A call passing a self-handle or a capturing lambda as argument ArgIndex
/// of Callee (a function key); joined with Param stores of that function.
struct CallFact {
  std::string Callee;
  unsigned ArgIndex = 0;
  Location Loc;
  ValueKind Value = ValueKind::SelfHandle;
  std::string ValueType;
  std::vector<std::string> Captures;
  bool CapturesSelf = false;
  bool OnThis = false; ///< A member call on `this` (not another object).
  /// The receiver is reached from `this` through these fields.
  std::vector<std::string> ThroughFields;
};

//===-- The ownership analysis: one abstract heap per function -----------===//
//
// Each function body is walked once in statement order. Every value that
// denotes a record object gets an abstract object: `this`, a parameter, an
// allocation (make_shared, make, new, a constructed temporary), a closure (a
// lambda or std::bind/boost::bind), the result of a call, what a field of
// another object holds (a member path, at most two fields deep), or an
// opaque value. A local that is assigned again denotes a new object from
// then on. Statements make edges between objects: a store into a field that
// holds strong handles, owns its target (by value, unique_ptr, or a raw
// pointer its class deletes in its destructor) or holds callables; a capture
// of a strong handle by a closure; a handler given to an executor the object
// owns. Calls are kept with the objects passed, so that the merge step can
// apply the callee's heap (its summary) at the call, in any TU.

/// An object of a function's abstract heap; objects are referred to by their
/// index in FunctionFact::Objects, -1 meaning "no object known".
enum class ObjectKind { This, Param, Alloc, Member, Result, Closure, Opaque };

struct HeapObject {
  ObjectKind Kind = ObjectKind::Opaque;
  /// Param: the parameter number. Member: the object it is reached from.
  int Index = -1;
  std::string Field; ///< Member: "Owner::field" it is reached through.
  std::string Type;  ///< The record it is, when known (for messages).
  Location Loc;      ///< Alloc and Closure: where it is made.
  bool Bind = false; ///< Closure: a std::bind/boost::bind, not a lambda.
};

enum class HeapEdgeKind {
  Field,   ///< From's field Owner::Field holds To (kind from its FieldFact).
  Capture, ///< Closure From holds a strong handle to To.
  Pending, ///< From's executor member Owner::Field keeps handler To.
};

struct HeapEdge {
  int From = -1;
  int To = -1;
  HeapEdgeKind Kind = HeapEdgeKind::Field;
  std::string Owner;
  std::string Field;
  Location Loc; ///< The statement that makes the edge.
};

/// A call in the function: the objects given as `this` and as arguments,
/// and the object standing for its result.
struct HeapCall {
  std::string Callee; ///< Function key.
  int Receiver = -1;
  std::vector<int> Args;
  int Result = -1;
  Location Loc;
};

/// A function's abstract heap: what it does to the objects it is given is
/// its summary for callers.
struct FunctionFact {
  std::string Key; ///< Function key.
  std::vector<HeapObject> Objects;
  std::vector<HeapEdge> Edges;
  std::vector<HeapCall> Calls;
  int Returns = -1; ///< The object it returns.
};

// --- Containers (tenure-unbounded-cache) ----------------------------------

/// A container a TU declares: a data member, static member, global,
/// function-local static, or a local that a lambda captures by copy (the
/// closure owns it), of a standard or Abseil container type. Nested
/// containers are one fact per level: the map held in each element of a map
/// is "Key[]", its own elements "Key[][]".
struct ContainerFact {
  std::string Key;  ///< "Owner::field" or the variable's qualified name.
  std::string Type; ///< As written, for messages.
  Location Loc;
  unsigned Depth = 0; ///< Nesting level: 0 for the declared container itself.
  bool HoldsHandles = false; ///< Strong handles among its elements.
  /// The records its strong handles point to (what growth evidence names).
  std::vector<std::string> HeldTypes;
  bool CacheName = false; ///< Its name matches the cache name pattern.
  bool Keyed = false;     ///< A map or a set.
  /// Keyed by a finite domain (enums, bool, small integer types, pairs and
  /// tuples of those): bounded by its keys.
  bool FiniteKeys = false;
  /// Who owns it. StaticStorage: static, global or function-local static.
  /// OwnerRecord: the class of a data member. Factory: a captured local is
  /// owned by the closure that function returns (its function key); Kept
  /// says the lambda itself is stored in a member, static or global.
  bool StaticStorage = false;
  std::string OwnerRecord;
  std::string Factory;
  std::string FactoryName; ///< For messages.
  std::string KeptIn;      ///< Where the lambda itself is stored, if it is.
  Location KeptAt;
  /// Who can shrink it. A function-local static, a variable with internal
  /// linkage or a closure's capture: this TU alone. A public member or an
  /// external variable: any code. Otherwise the member functions of its
  /// class (keys in Methods); DefinedMethods are those with a body in the
  /// facts' TUs (merged as a union), so a class whose functions are spread
  /// over several .cpp files is judged once all of them have been read.
  bool Local = false;
  bool Public = false;
  std::vector<std::string> Methods;
  std::vector<std::string> DefinedMethods;
};

enum class ContainerUseKind {
  Insert, ///< insert, emplace, push_*, map[key]...
  Erase,  ///< Removes entries one by one: erase, pop_*, extract, erase_if.
  Clear,  ///< Empties it at once: clear, assignment, swap, assign, resize.
  Escape, ///< Code this analysis cannot follow may change it.
};

/// A use of one container level. A Clear of a level also empties the
/// levels inside it.
struct ContainerUseFact {
  std::string Key;
  Location Loc;
  ContainerUseKind Kind = ContainerUseKind::Insert;
  /// Insert: set-up (a constructor, a function only constructors call, a
  /// loop over a parameter) or bounded where it happens (a size check of
  /// this level, a key compared against a bound).
  bool Bounded = false;
  /// Insert: the same function looks this container up (the memo pattern).
  bool Memo = false;
  /// Clear: in a reset()/clear()-style function or a destructor, which the
  /// steady state of a program does not reach.
  bool OnlyOnReset = false;
  bool InDestructor = false;
  std::string Function; ///< The enclosing function, for messages.
};

/// How long objects of a record live. StaticObject: a static, global or
/// function-local static holds one (a singleton's instance()); HeldBy: a
/// record holds one by value or by owning pointer (By names the holder);
/// MadeAsValue: made as a local or returned by value, so it lives no longer
/// than its user.
enum class LifetimeKind { StaticObject, HeldBy, MadeAsValue };
struct LifetimeFact {
  std::string Record;
  LifetimeKind Kind = LifetimeKind::StaticObject;
  std::string By; ///< The variable (StaticObject) or the holding record.
  Location Loc;
};

/// The result of a call to \c Factory (a function key) is stored in a
/// member, static or global: the closure it returns lives as long as that.
struct ClosureStoreFact {
  std::string Factory;
  std::string Into; ///< The member or variable, for messages.
  Location Loc;
};

struct Facts {
  std::vector<RecordFact> Records;
  std::vector<FieldFact> Fields;
  std::vector<StoreFact> Stores;
  std::vector<CallFact> Calls;
  std::vector<ContainerFact> Containers;
  std::vector<ContainerUseFact> ContainerUses;
  std::vector<LifetimeFact> Lifetimes;
  std::vector<ClosureStoreFact> ClosureStores;
  std::vector<FunctionFact> Functions;
};

/// Joins the facts of several TUs, dropping duplicates (a header seen by
/// several TUs yields the same records, fields and stores in each).
Facts mergeFacts(std::vector<Facts> Parts);

/// The hash a file's content is recorded by (BLAKE3, hex): what tells a
/// cached result whether the files it was made from changed.
std::string contentHash(llvm::StringRef Data);

llvm::json::Value toJSON(const Facts &F);
/// \p Origin names the input in errors.
llvm::Expected<Facts> factsFromJSON(const llvm::json::Value &V,
                                    llvm::StringRef Origin);

} // namespace tenure::analyzer

#endif
