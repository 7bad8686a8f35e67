// A test program with retention bugs, for tests/analyzer/evidence_test.py:
// run with TENURE_EVIDENCE set it records what leaked, and tenure-analyze
// --evidence must then mark the matching findings in this file confirmed.
// Its tests fail by design (they leak cycles); it is not a ctest of its own.
#include <gtest/gtest.h>
#include <tenure/tenure.h>

#include <map>
#include <vector>

namespace shop {

class Order;

class Item : public tenure::Object {
public:
  tenure::Ref<Order> order; // the planted bug: should be tenure::Weak
  void trace(tenure::Tracer &t) override { t("order", order); }
};

class Order : public tenure::Object {
public:
  void add() {
    tenure::Ref<Item> item = tenure::make<Item>();
    item->order = tenure::Ref<Order>::from_this(this);
    items_.push_back(std::move(item));
  }
  void trace(tenure::Tracer &t) override { t("items", items_); }

private:
  std::vector<tenure::Ref<Item>> items_;
};

class Product : public tenure::Object {
public:
  void trace(tenure::Tracer &) override {}
};

class Catalog {
public:
  void remember(int id, tenure::Ref<Product> product) {
    product_cache_[id] = std::move(product);
  }

private:
  std::map<int, tenure::Ref<Product>> product_cache_;
};

Catalog &catalog() {
  static Catalog instance;
  return instance;
}

} // namespace shop

namespace {

class Ring : public tenure::Object {
public:
  tenure::Ref<Ring> next;
  void trace(tenure::Tracer &t) override { t("next", next); }
};

} // namespace

TEST(OrderTest, AddsItems) {
  tenure::Ref<shop::Order> order = tenure::make<shop::Order>();
  order->add();
  order->add();
}

TEST(CatalogTest, RemembersProducts) {
  for (int id = 0; id < 10; ++id)
    shop::catalog().remember(id, tenure::make<shop::Product>());
}

TEST(RingTest, ClosesOnItself) {
  tenure::Ref<Ring> ring = tenure::make<Ring>();
  ring->next = ring;
}
