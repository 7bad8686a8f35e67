// A local handle copied into storage at its last use, where it dies anyway:
// moving it costs nothing. The fixed file is built, linked and run.
// RUN-FIXED: asan
#include <memory>
#include <utility>
#include <vector>

struct Page {
  int number = 0;
  std::shared_ptr<Page> next;
};
using PagePtr = std::shared_ptr<Page>;

class Book {
public:
  void chain(const PagePtr &first) {
    PagePtr current = first;
    while (current->next) {
      PagePtr next = current->next;
      pages_.push_back(next);
      // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: local 'next' is copied into storage at its last use; move it instead of copying the strong handle [tenure-needless-copy]
      // CHECK-FIXES: {{^}}      pages_.push_back(std::move(next));
      current = current->next;
    }
    PagePtr end = current;
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: local 'current' is copied {{.*}}
    // CHECK-FIXES: {{^}}    PagePtr end = std::move(current);
    last_ = end;
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: local 'end' is copied {{.*}}
    // CHECK-FIXES: {{^}}    last_ = std::move(end);
  }

  // Not reported: used after the store, stored inside a loop it was declared
  // outside of, const, captured by reference, or aliased by a reference.
  void used_after() {
    PagePtr page = std::make_shared<Page>();
    last_ = page;
    pages_.push_back(page);
  }
  void stored_in_loop(int n) {
    PagePtr page = std::make_shared<Page>();
    for (int i = 0; i < n; ++i)
      pages_.push_back(page);
  }
  void const_local() {
    const PagePtr page = std::make_shared<Page>();
    last_ = page;
  }
  void aliased() {
    PagePtr page = std::make_shared<Page>();
    PagePtr &alias = page;
    last_ = page;
    alias->number = 1;
  }
  void captured() {
    PagePtr page = std::make_shared<Page>();
    auto touch = [&page] { page->number = 2; };
    last_ = page;
    touch();
  }

  std::vector<PagePtr> pages_;
  PagePtr last_;
};

int main() {
  auto a = std::make_shared<Page>(Page{1, nullptr});
  a->next = std::make_shared<Page>(Page{2, nullptr});
  a->next->next = std::make_shared<Page>(Page{3, nullptr});
  Book b;
  b.chain(a);
  b.used_after();
  b.stored_in_loop(2);
  b.const_local();
  b.aliased();
  b.captured();
  return b.pages_.size() == 5 && b.last_->number == 2 ? 0 : 1;
}
