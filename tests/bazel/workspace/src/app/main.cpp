#include <pair/pair.h>

int main() {
  auto left = std::make_shared<bazel_pair::Left>();
  left->attach(std::make_shared<bazel_pair::Right>());
  return left->right ? 0 : 1;
}
