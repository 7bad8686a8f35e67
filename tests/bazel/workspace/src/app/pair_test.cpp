#include <pair/pair.h>

int main() {
  auto left = std::make_shared<bazel_pair::Left>();
  auto right = std::make_shared<bazel_pair::Right>();
  left->attach(right);
  return left->right == right ? 0 : 1;
}
