// Containers whose owner lives as long as the program: a singleton, an
// object a singleton keeps, a global object. They grow with every call and
// nothing shrinks them, whatever they are called.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

struct Shader {
  std::string source;
};

class ShaderLibrary {
public:
  static ShaderLibrary &instance() {
    static ShaderLibrary library;
    return library;
  }
  const Shader &compile(const std::string &src) {
    return compiled_[src] = Shader{src};
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'ShaderLibrary::compiled_' only grows: {{.*}} [tenure-unbounded-cache]
    // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: 'ShaderLibrary' lives as long as the program: 'ShaderLibrary::instance::library' holds one
  }

private:
  ShaderLibrary() = default;
  std::unordered_map<std::string, Shader> compiled_;
};

// A member of an object the singleton keeps.
class Journal {
public:
  void record(const std::string &line) { lines_.push_back(line); }
  // CHECK-MESSAGES: :[[@LINE-1]]:49: warning: 'Journal::lines_' only grows: {{.*}} [tenure-unbounded-cache]
  // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: 'Journal' lives as long as the program: 'Services' holds a 'Journal', and 'Services::get::services' holds one

private:
  std::vector<std::string> lines_;
};

class Services {
public:
  static Services *get() {
    static Services *services = new Services;
    return services;
  }
  Journal &journal() { return *journal_; }

private:
  std::unique_ptr<Journal> journal_ = std::make_unique<Journal>();
};

// A global object.
class Counter {
public:
  void see(const std::string &word) { ++counts_[word]; }
  void forget(const std::string &word) { counts_.erase(word); }

  void mark(long id) { marked_.insert(id); }
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'Counter::marked_' only grows: {{.*}} [tenure-unbounded-cache]
  // CHECK-MESSAGES: :{{[0-9]+}}:{{[0-9]+}}: note: 'Counter' lives as long as the program: 'wordCounter' holds one

private:
  std::map<std::string, int> counts_;
  std::set<long> marked_;
};
Counter wordCounter;

void work(const std::string &s) {
  ShaderLibrary::instance().compile(s);
  Services::get()->journal().record(s);
  wordCounter.see(s);
  wordCounter.mark(static_cast<long>(s.size()));
}

// The same kinds of classes made and dropped as values: not long-lived, no
// cache use.
class Scratch {
public:
  void add(const std::string &s) { parts_.push_back(s); }
  std::string joined() const {
    std::string out;
    for (const auto &p : parts_)
      out += p;
    return out;
  }

private:
  std::vector<std::string> parts_;
};

std::string build(const std::vector<std::string> &words) {
  Scratch s;
  for (const auto &w : words)
    s.add(w);
  return s.joined();
}
