#include "tenure/testing/leak_check.h"

#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <numeric>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

// This library is compiled without the sanitizer and linked into test
// programs with or without it: the interface is referenced weakly and is
// null in a program that has no LeakSanitizer.
#pragma weak __lsan_do_recoverable_leak_check
#pragma weak __lsan_ignore_object
#pragma weak __sanitizer_set_report_fd
#pragma weak __sanitizer_get_report_path

namespace tenure::testing {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The first template argument after `open` (the index just past a '<').
std::string first_template_argument(std::string_view f, std::size_t open) {
  int depth = 0;
  std::size_t i = open;
  for (; i < f.size(); ++i) {
    char c = f[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if (c == '>' || c == ')' || c == ']' || c == '}') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
  }
  return std::string(trim(f.substr(open, i - open)));
}

struct Frame {
  std::string_view function;  // "" when unsymbolized
  std::string_view file;      // "" when unknown
  std::string_view line;
};

// A frame of the C++ library, the sanitizer runtime or libc: never the
// allocation site a user wants to see.
bool library_frame(const Frame& f) {
  static constexpr std::string_view kLibraryFiles[] = {
      "/include/c++/", "/usr/include/", "libsanitizer", "compiler-rt",
      "sysdeps/",      "csu/",          "/bits/"};
  for (std::string_view part : kLibraryFiles) {
    if (contains(f.file, part)) return true;
  }
  static constexpr std::string_view kAllocators[] = {
      "operator new",    "operator delete", "malloc",         "calloc",
      "realloc",         "aligned_alloc",   "posix_memalign", "memalign",
      "valloc",          "strdup",          "strndup",        "__interceptor_",
      "___interceptor_", "__libc_"};
  for (std::string_view name : kAllocators) {
    if (starts_with(f.function, name)) return true;
  }
  if (f.file.empty()) {
    // Without line info: judge by the name (a return type may come first).
    std::string_view name = f.function.substr(0, f.function.find('('));
    return starts_with(name, "std::") || contains(name, " std::") ||
           starts_with(name, "__gnu_cxx::") || contains(name, " __gnu_cxx::");
  }
  return false;
}

// "    #3 0x55f5 in fn(args) /path/file.cpp:12:7" and its unsymbolized
// forms "#3 0x55f5  (/bin/prog+0x1f)" and "#3 0x55f5 in fn (/bin/prog+0x1f)".
bool parse_frame(std::string_view line, Frame& out) {
  line = trim(line);
  if (!starts_with(line, "#")) return false;
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view rest = trim(line.substr(space));
  if (!starts_with(rest, "0x")) return false;
  space = rest.find(' ');
  rest = space == std::string_view::npos ? std::string_view()
                                         : trim(rest.substr(space));
  if (std::size_t build_id = rest.rfind(" (BuildId: ");
      build_id != std::string_view::npos) {
    rest = trim(rest.substr(0, build_id));
  }
  out = Frame();
  if (!starts_with(rest, "in ")) return true;  // no function name
  rest = rest.substr(3);
  std::size_t last = rest.rfind(' ');
  std::string_view location =
      last == std::string_view::npos ? "" : rest.substr(last + 1);
  if (starts_with(location, "(") && contains(location, "+0x")) {
    out.function = trim(rest.substr(0, last));  // module+offset only
    return true;
  }
  // file:line or file:line:column
  std::size_t colon = location.find(':');
  if (!location.empty() && colon != std::string_view::npos && colon > 0 &&
      colon + 1 < location.size() && location[colon + 1] >= '0' &&
      location[colon + 1] <= '9') {
    out.function = trim(rest.substr(0, last));
    out.file = location.substr(0, colon);
    std::string_view line_number = location.substr(colon + 1);
    out.line = line_number.substr(0, line_number.find(':'));
    return true;
  }
  out.function = rest;
  return true;
}

// The type and site one leak's stack gives its blocks.
void describe(const std::vector<Frame>& frames, std::string& type,
              std::string& site) {
  std::size_t user = frames.size();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (!library_frame(frames[i])) {
      user = i;
      break;
    }
  }
  site = "??";
  if (user < frames.size() && !frames[user].file.empty()) {
    site =
        std::string(frames[user].file) + ":" + std::string(frames[user].line);
  }
  type.clear();
  for (bool allocators : {false, true}) {
    for (std::size_t i = 0; i < user; ++i) {
      type = type_from_frame(frames[i].function, allocators);
      if (!type.empty()) return;
    }
  }
}

// A file descriptor LeakSanitizer writes its reports to while tenure reads
// them; an anonymous file, so nothing is left behind.
int report_fd() {
  static int fd = ::memfd_create("tenure-lsan-report", MFD_CLOEXEC);
  return fd;
}

// Sends later sanitizer reports where they went before `previous` was
// replaced (stderr, or the log_path file).
void restore_report_destination(const std::string& previous) {
  if (previous.empty() || previous == "stderr") {
    __sanitizer_set_report_fd(
        reinterpret_cast<void*>(static_cast<std::uintptr_t>(2)));
  } else if (previous == "stdout") {
    __sanitizer_set_report_fd(
        reinterpret_cast<void*>(static_cast<std::uintptr_t>(1)));
  } else {
    int fd = ::open(previous.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                    0644);
    __sanitizer_set_report_fd(
        reinterpret_cast<void*>(static_cast<std::uintptr_t>(fd >= 0 ? fd : 2)));
  }
}

// The block's words, read without the sanitizer's checks: a block may hold
// bytes a container annotation poisons (unused capacity).
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize("address")))
#endif
std::uintptr_t
word_at(std::uintptr_t address) {
  return *reinterpret_cast<const volatile std::uintptr_t*>(address);
}

}  // namespace

std::string type_from_frame(std::string_view f, bool allocators) {
  struct Marker {
    std::string_view text;
    bool pointer;  // the argument is T*
  };
  static constexpr Marker kOwners[] = {
      {"_Sp_counted_ptr_inplace<", false},
      {"__shared_ptr_emplace<", false},
      {"_Sp_counted_ptr<", true},
      {"_Sp_counted_deleter<", true},
      {"__shared_ptr_pointer<", true},
      {"make_unique<", false},
      {"_Base_manager<", false},
      {"__function::__func<", false},
      // The same frames as some symbolizers name them, unqualified.
      {"_M_create<", false},
      {"_M_init_functor<", false},
      {"__function::__alloc_func<", false}};
  auto take = [&](const Marker& m, std::size_t at) {
    std::string type = first_template_argument(f, at + m.text.size());
    if (m.pointer) {
      while (!type.empty() && (type.back() == '*' || type.back() == ' '))
        type.pop_back();
    }
    return type;
  };
  if (!allocators) {
    for (const Marker& m : kOwners) {
      if (std::size_t at = f.find(m.text); at != std::string_view::npos)
        return take(m, at);
    }
    return "";
  }
  // std::__new_allocator<T>::allocate, std::allocator<T>::allocate (libc++).
  if (!contains(f, "::allocate(") && !contains(f, "::allocate[")) return "";
  static constexpr Marker kAllocator = {"allocator<", false};
  std::size_t at = f.find(kAllocator.text);
  return at == std::string_view::npos ? "" : take(kAllocator, at);
}

absl::StatusOr<LeakReport> parse_leak_report(std::string_view text) {
  LeakReport report;
  bool leaks = false;       // a "leak of" header was seen
  bool in_objects = false;  // after "Objects leaked above:"
  std::vector<Frame> frames;
  std::string type, site;
  bool any_function = false, any_frame = false;
  std::size_t line_number = 0;
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("LeakSanitizer report, line ", line_number, ": ", what));
  };
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end + 1);
    ++line_number;
    std::string_view t = trim(line);
    if (contains(t, " leak of ") && contains(t, "allocated from:")) {
      if (!starts_with(t, "Direct leak") && !starts_with(t, "Indirect leak")) {
        return bad("unrecognised leak header");
      }
      leaks = true;
      in_objects = false;
      frames.clear();
      continue;
    }
    if (starts_with(t, "#") && leaks && !in_objects) {
      Frame frame;
      if (!parse_frame(t, frame)) return bad("unrecognised stack frame");
      any_frame = true;
      any_function = any_function || !frame.function.empty();
      frames.push_back(frame);
      continue;
    }
    if (t == "Objects leaked above:") {
      if (!leaks) return bad("objects listed before any leak");
      describe(frames, type, site);
      in_objects = true;
      continue;
    }
    if (in_objects && starts_with(t, "0x")) {
      // "0x606000000020 (56 bytes)"
      LeakedBlock block;
      auto [p, ec] =
          std::from_chars(t.data() + 2, t.data() + t.size(), block.address, 16);
      std::string_view rest =
          trim(std::string_view(p, t.data() + t.size() - p));
      if (ec != std::errc() || !starts_with(rest, "("))
        return bad("unrecognised object line");
      rest.remove_prefix(1);
      auto [q, ec2] =
          std::from_chars(rest.data(), rest.data() + rest.size(), block.size);
      if (ec2 != std::errc() ||
          !starts_with(std::string_view(q, rest.data() + rest.size() - q),
                       " byte")) {
        return bad("unrecognised object line");
      }
      block.type = type;
      block.site = site;
      report.blocks.push_back(std::move(block));
      continue;
    }
    if (!t.empty()) in_objects = false;
  }
  if (leaks && report.blocks.empty()) {
    return absl::FailedPreconditionError(
        "LeakSanitizer's report names no leaked objects: run with "
        "LSAN_OPTIONS=report_objects=1 (tenure_verify_tests SANITIZE sets it)");
  }
  report.symbolized = !any_frame || any_function;
  return report;
}

std::vector<std::vector<std::size_t>> pointers_between(
    const std::vector<LeakedBlock>& blocks) {
  std::vector<std::size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return blocks[a].address < blocks[b].address;
  });
  auto owner = [&](std::uintptr_t value) -> std::size_t {
    auto it = std::upper_bound(
        order.begin(), order.end(), value,
        [&](std::uintptr_t v, std::size_t i) { return v < blocks[i].address; });
    if (it == order.begin()) return blocks.size();
    std::size_t i = *(it - 1);
    return value < blocks[i].address + std::max<std::size_t>(blocks[i].size, 1)
               ? i
               : blocks.size();
  };
  std::vector<std::vector<std::size_t>> edges(blocks.size());
  constexpr std::size_t kWord = sizeof(std::uintptr_t);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const LeakedBlock& b = blocks[i];
    if (b.address % kWord != 0) continue;
    for (std::size_t offset = 0; offset + kWord <= b.size; offset += kWord) {
      std::size_t target = owner(word_at(b.address + offset));
      if (target < blocks.size()) edges[i].push_back(target);
    }
    std::sort(edges[i].begin(), edges[i].end());
    edges[i].erase(std::unique(edges[i].begin(), edges[i].end()),
                   edges[i].end());
  }
  return edges;
}

std::vector<LeakEvidence> leaked_structures(
    const std::vector<LeakedBlock>& blocks,
    const std::vector<std::vector<std::size_t>>& edges,
    const std::string& test) {
  const std::size_t n = blocks.size();
  // Strongly connected components (Tarjan's, iterative: a leaked list of a
  // million nodes must not exhaust the stack).
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> index(n, kNone), low(n, 0), component(n, kNone);
  std::vector<bool> on_stack(n, false), on_cycle(n, false);
  std::vector<std::size_t> stack;
  std::vector<std::pair<std::size_t, std::size_t>> work;  // node, next edge
  std::size_t next_index = 0, components = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    work.push_back({root, 0});
    while (!work.empty()) {
      auto& [v, e] = work.back();
      if (e == 0 && index[v] == kNone) {
        index[v] = low[v] = next_index++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (e < edges[v].size()) {
        std::size_t w = edges[v][e++];
        if (w == v) on_cycle[v] = true;
        if (index[w] == kNone) {
          work.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::size_t size = 0, w;
        std::size_t first = stack.size();
        do {
          w = stack[--first];
          ++size;
        } while (w != v);
        for (std::size_t k = first; k < stack.size(); ++k) {
          on_stack[stack[k]] = false;
          component[stack[k]] = components;
          if (size > 1) on_cycle[stack[k]] = true;
        }
        stack.resize(first);
        ++components;
      }
      std::size_t done = v;
      work.pop_back();
      if (!work.empty()) {
        std::size_t parent = work.back().first;
        low[parent] = std::min(low[parent], low[done]);
      }
    }
  }
  // Structures: blocks connected in either direction (union-find).
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t w : edges[v]) parent[find(v)] = find(w);
  }
  std::vector<std::size_t> slot(n, kNone);
  std::vector<LeakEvidence> out;
  std::vector<std::set<std::string>> types, cycle, sites;
  for (std::size_t v = 0; v < n; ++v) {
    std::size_t r = find(v);
    if (slot[r] == kNone) {
      slot[r] = out.size();
      out.push_back({});
      out.back().count = 1;
      out.back().tests = {test};
      types.emplace_back();
      cycle.emplace_back();
      sites.emplace_back();
    }
    std::size_t s = slot[r];
    out[s].blocks += 1;
    out[s].bytes += blocks[v].size;
    if (!blocks[v].type.empty()) {
      types[s].insert(blocks[v].type);
      if (on_cycle[v]) cycle[s].insert(blocks[v].type);
    }
    sites[s].insert(blocks[v].site);
  }
  for (std::size_t s = 0; s < out.size(); ++s) {
    out[s].types.assign(types[s].begin(), types[s].end());
    out[s].cycle.assign(cycle[s].begin(), cycle[s].end());
    out[s].sites.assign(sites[s].begin(), sites[s].end());
  }
  return out;
}

void scrub_stack() {
  volatile unsigned char region[64 * 1024];
  for (std::size_t i = 0; i < sizeof region; ++i) region[i] = 0;
}

bool leak_sanitizer_present() {
  return __lsan_do_recoverable_leak_check != nullptr &&
         __lsan_ignore_object != nullptr &&
         __sanitizer_set_report_fd != nullptr &&
         __sanitizer_get_report_path != nullptr;
}

absl::StatusOr<LeakReport> check_for_new_leaks() {
  if (!leak_sanitizer_present()) {
    return absl::FailedPreconditionError(
        "this program has no LeakSanitizer (build it with -fsanitize=address "
        "or -fsanitize=leak)");
  }
  int fd = report_fd();
  if (fd < 0 || ::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot make a file for LeakSanitizer's report: ",
                     std::strerror(errno)));
  }
  const char* previous_path = __sanitizer_get_report_path();
  std::string previous = previous_path ? previous_path : "";
  __sanitizer_set_report_fd(
      reinterpret_cast<void*>(static_cast<std::uintptr_t>(fd)));
  int leaked = __lsan_do_recoverable_leak_check();
  restore_report_destination(previous);
  if (!leaked) return LeakReport();

  std::string text;
  char buffer[1 << 16];
  ssize_t got;
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    return absl::UnavailableError("cannot read LeakSanitizer's report back");
  }
  while ((got = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat(
          "cannot read LeakSanitizer's report back: ", std::strerror(errno)));
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  absl::StatusOr<LeakReport> report = parse_leak_report(text);
  if (!report.ok()) return report.status();
  for (const LeakedBlock& block : report->blocks) {
    __lsan_ignore_object(reinterpret_cast<const void*>(block.address));
  }
  return report;
}

}  // namespace tenure::testing
