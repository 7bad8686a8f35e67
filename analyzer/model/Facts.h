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

inline constexpr int FactsVersion = 2;

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

enum class FieldKind { Strong, Member, Callback };

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

/// A long-lived container: a data member, static member, global or
/// function-local static, of a standard or Abseil container type.
struct ContainerFact {
  std::string Key;  ///< "Owner::field" or the variable's qualified name.
  std::string Type; ///< As written, for messages.
  Location Loc;
  bool HoldsHandles = false; ///< Strong handles among its elements.
  /// The records its strong handles point to (what growth evidence names).
  std::vector<std::string> HeldTypes;
  bool CacheName = false;    ///< Its name matches the cache name pattern.
  /// Who can shrink it. A function-local static or a variable with internal
  /// linkage: this TU alone. A public member or an external variable: any
  /// code. Otherwise the member functions of its class (keys in Methods);
  /// DefinedMethods are those with a body in the facts' TUs (merged as a
  /// union), so a class whose functions are spread over several .cpp files
  /// is judged once all of them have been read.
  bool Local = false;
  bool Public = false;
  std::vector<std::string> Methods;
  std::vector<std::string> DefinedMethods;
};

/// An insertion into (Grows) or an erase/clear/pop/swap/assignment of
/// (!Grows) a container. Insertions in constructors and insertions guarded
/// by a size comparison are recorded as Bounded.
struct ContainerUseFact {
  std::string Key;
  Location Loc;
  bool Grows = true;
  bool Bounded = false;
};

struct Facts {
  std::vector<RecordFact> Records;
  std::vector<FieldFact> Fields;
  std::vector<StoreFact> Stores;
  std::vector<CallFact> Calls;
  std::vector<ContainerFact> Containers;
  std::vector<ContainerUseFact> ContainerUses;
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
