#include <tenure/tenure.h>

#include <cstdio>

struct Pair : tenure::Object {
  tenure::Ref<Pair> other;
  void trace(tenure::Tracer& t) override { t(other); }
};

int main() {
  {
    tenure::Ref<Pair> a = tenure::make<Pair>();
    a->other = tenure::make<Pair>();
    a->other->other = a;
  }
  std::size_t found = tenure::gc::collect();
  std::printf("consumer: collected %zu objects\n", found);
  return found == 2 ? 0 : 1;
}
