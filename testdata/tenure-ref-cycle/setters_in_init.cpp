// SPLIT
// Two collaborators wired to each other in an init() through setters that
// are defined in other files: each setter stores its argument into a field,
// which its summary says; the merge step joins the summaries with the calls.

//--- index.h
#pragma once
#include <memory>
class Store;
class Index {
public:
  void attach(std::shared_ptr<Store> store);
private:
  std::shared_ptr<Store> store_;
};

//--- store.h
#pragma once
#include <memory>
class Index;
class Store {
public:
  void attach(std::shared_ptr<Index> index);
private:
  std::shared_ptr<Index> index_;
};

//--- engine.cpp
#include "index.h"
#include "store.h"
class Engine {
public:
  void init() {
    index_->attach(store_);
    store_->attach(index_);
    // CHECK-MESSAGES: engine.cpp:[[@LINE-1]]:13: warning: strong reference cycle Store -index_-> Index -store_-> Store closed here: its objects are never freed by reference counting; make 'Store::index_' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: store.h:25:26: note: 'Store::index_' holds a strong handle to 'Index'
    // CHECK-MESSAGES: index.h:14:26: note: 'Index::store_' holds a strong handle to 'Store'
  }
private:
  std::shared_ptr<Index> index_ = std::make_shared<Index>();
  std::shared_ptr<Store> store_ = std::make_shared<Store>();
};

//--- index.cpp
#include "index.h"
void Index::attach(std::shared_ptr<Store> store) { store_ = std::move(store); }

//--- store.cpp
#include "store.h"
void Store::attach(std::shared_ptr<Index> index) { index_ = std::move(index); }
