//===- ContainerVocabulary.h - Container templates and their methods -*- C++
//-*-===//
//
// One list of the standard and Abseil containers that grow, and of the
// member functions that put elements in, take them out or look them up, for
// every part of the analyzer that asks "does this call store into / remove
// from a container?".
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_AST_CONTAINERVOCABULARY_H
#define TENURE_ANALYZER_AST_CONTAINERVOCABULARY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

namespace tenure::analyzer {

/// Containers whose size changes with use (qualified template names, as
/// HandleTypes::templateName spells them).
inline const llvm::StringSet<> &resizableContainers() {
  static const llvm::StringSet<> Names = {"std::vector",
                                          "std::deque",
                                          "std::list",
                                          "std::forward_list",
                                          "std::set",
                                          "std::multiset",
                                          "std::map",
                                          "std::multimap",
                                          "std::unordered_set",
                                          "std::unordered_multiset",
                                          "std::unordered_map",
                                          "std::unordered_multimap",
                                          "absl::flat_hash_map",
                                          "absl::flat_hash_set",
                                          "absl::node_hash_map",
                                          "absl::node_hash_set",
                                          "absl::btree_map",
                                          "absl::btree_set",
                                          "absl::btree_multimap",
                                          "absl::btree_multiset",
                                          "absl::InlinedVector",
                                          "std::queue",
                                          "std::stack",
                                          "std::priority_queue"};
  return Names;
}

/// Maps and sets: looked up by key.
inline bool isKeyedContainer(llvm::StringRef Template) {
  return Template.contains("map") || Template.contains("set");
}
/// Maps: their elements are key/value pairs.
inline bool isMapContainer(llvm::StringRef Template) {
  return Template.contains("map");
}

/// Member functions that put the element they are given into a container
/// (or construct it there from their arguments): each argument is, or
/// becomes part of, an element.
inline const llvm::StringSet<> &elementInsertingMethods() {
  static const llvm::StringSet<> Names = {
      "insert",           "emplace",   "emplace_hint", "try_emplace",
      "insert_or_assign", "push_back", "emplace_back", "push_front",
      "emplace_front",    "push"};
  return Names;
}

/// Member functions that put every element of a range argument in (C++23):
/// the argument is not itself stored.
inline const llvm::StringSet<> &rangeInsertingMethods() {
  static const llvm::StringSet<> Names = {"insert_range", "append_range",
                                          "prepend_range", "push_range"};
  return Names;
}

/// The element inserters of sequences outside std and Abseil (AK::Vector,
/// QList, llvm::SmallVector): `v.append(x)` keeps x as `push_back` does.
inline const llvm::StringSet<> &projectInsertingMethods() {
  static const llvm::StringSet<> Names = {"append", "prepend"};
  return Names;
}

/// Member functions that put elements into a standard or Abseil container.
inline bool isInsertingMethod(llvm::StringRef Name) {
  return elementInsertingMethods().contains(Name) ||
         rangeInsertingMethods().contains(Name);
}

/// Member functions that take elements out one by one.
inline const llvm::StringSet<> &removingMethods() {
  static const llvm::StringSet<> Names = {"erase",     "pop_back", "pop_front",
                                          "pop",       "extract",  "remove",
                                          "remove_if", "unique",   "splice"};
  return Names;
}

/// Member functions that replace the whole content at once.
inline const llvm::StringSet<> &replacingMethods() {
  static const llvm::StringSet<> Names = {"clear", "swap", "assign", "resize",
                                          "assign_range"};
  return Names;
}

/// The replacing member function whose arguments are the new elements (or
/// the value of every new element): `v.assign(n, x)` stores copies of x.
inline constexpr llvm::StringLiteral AssigningMethod = "assign";

/// Member functions through which a container keeps the value it is given
/// as an argument: the element inserters in any spelling, and assign (which
/// also drops what the container held).
inline bool storesItsArgument(llvm::StringRef Name) {
  return elementInsertingMethods().contains(Name) ||
         projectInsertingMethods().contains(Name) || Name == AssigningMethod;
}

/// Storing member functions that may also drop a value the container held:
/// assign (all of them) and insert_or_assign (the value of an existing key).
inline bool dropsHeldValues(llvm::StringRef Name) {
  return Name == AssigningMethod || Name == "insert_or_assign";
}

/// The member function of a smart pointer that makes it hold the pointer
/// it is given, releasing what it held: `h.reset(p)`. Without arguments it
/// only releases.
inline constexpr llvm::StringLiteral ResettingMethod = "reset";

/// Member functions that look an element up without inserting.
inline const llvm::StringSet<> &lookupMethods() {
  static const llvm::StringSet<> Names = {
      "find",        "count",       "contains",   "at",
      "equal_range", "lower_bound", "upper_bound"};
  return Names;
}

} // namespace tenure::analyzer

#endif
