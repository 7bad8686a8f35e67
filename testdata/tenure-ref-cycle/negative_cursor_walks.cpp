// Cursor walks that close nothing: the new step's parent is weak, the new
// node gets no handle back, and a list is appended at its tail. Moving the
// cursor ('at = next') after the store is a new value of 'at', not a step
// from a node to itself.
#include <memory>
#include <string>
#include <vector>

struct WeakStep {
  WeakStep(std::string label, std::shared_ptr<WeakStep> from)
      : label(std::move(label)), parent(from) {}
  std::string label;
  std::weak_ptr<WeakStep> parent;
  std::vector<std::shared_ptr<WeakStep>> next_steps;
};

std::shared_ptr<WeakStep> build_weak(const std::vector<std::string> &labels) {
  auto root = std::make_shared<WeakStep>("", nullptr);
  auto at = root;
  for (const std::string &label : labels) {
    auto next = std::make_shared<WeakStep>(label, at);
    at->next_steps.push_back(next);
    at = next;
  }
  return root;
}

struct Trie {
  explicit Trie(char c) : c(c) {}
  char c;
  std::vector<std::shared_ptr<Trie>> kids;
};

void insert(const std::shared_ptr<Trie> &root, const std::string &word) {
  auto at = root;
  for (char c : word) {
    auto next = std::make_shared<Trie>(c);
    at->kids.push_back(next);
    at = next;
  }
}

struct Link {
  int value = 0;
  std::shared_ptr<Link> next;
};

void append_all(std::shared_ptr<Link> tail, const std::vector<int> &values) {
  for (int v : values) {
    auto n = std::make_shared<Link>();
    n->value = v;
    tail->next = n;
    tail = n;
  }
}

// The constructor keeps its argument in a field that is not a handle.
struct Named {
  Named(std::shared_ptr<Named> from) : label(from ? "child" : "root") {}
  std::string label;
  std::vector<std::shared_ptr<Named>> kids;
};

void grow(std::shared_ptr<Named> at) {
  auto next = std::make_shared<Named>(at);
  at->kids.push_back(next);
  at = next;
}
