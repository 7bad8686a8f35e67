// SPLIT
// A singleton whose instance() is defined in one .cpp and whose table grows
// in another: only the merge of both TUs shows that the table lives as long
// as the program. A second class, made only as a local, is not judged.

//--- catalog.h
#pragma once
#include <string>
#include <vector>
class Catalog {
public:
  static Catalog &get();
  void add(const std::string &name);
private:
  Catalog() = default;
  std::vector<std::string> names_;
};
class Draft {
public:
  void add(const std::string &name);
private:
  std::vector<std::string> names_;
};

//--- catalog.cpp
#include "catalog.h"
Catalog &Catalog::get() {
  static Catalog catalog;
  return catalog;
}

//--- add.cpp
#include "catalog.h"
void Catalog::add(const std::string &name) { names_.push_back(name); }
// CHECK-MESSAGES: add.cpp:[[@LINE-1]]:53: warning: 'Catalog::names_' only grows: {{.*}} [tenure-unbounded-cache]
// CHECK-MESSAGES: catalog.cpp:{{[0-9]+}}:{{[0-9]+}}: note: 'Catalog' lives as long as the program: 'Catalog::get::catalog' holds one
void Draft::add(const std::string &name) { names_.push_back(name); }
void use() {
  Catalog::get().add("a");
  Draft d;
  d.add("b");
}
