#include "tenure/testing/evidence.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tenure::testing {
namespace {

// ---- A small JSON reader: just what the schema needs -----------------------

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string contents, or a number's digits
  std::vector<Value> items;        // an array's, or an object's values
  std::vector<std::string> keys;   // an object's keys, one per item

  const Value* find(absl::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }
};

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<Value> document() {
    Value value;
    if (absl::Status s = parse(value, 0); !s.ok()) return s;
    skip_space();
    if (pos_ != text_.size()) return error("unexpected text after the JSON value");
    return value;
  }

 private:
  // Deeper than any evidence file needs; bounds the recursion.
  static constexpr int kMaxDepth = 32;

  absl::Status error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " at byte ", pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status parse(Value& out, int depth) {
    if (depth > kMaxDepth) return error("nesting too deep");
    skip_space();
    if (pos_ == text_.size()) return error("unexpected end of file (truncated?)");
    char c = text_[pos_];
    if (c == '{') return parse_object(out, depth);
    if (c == '[') return parse_array(out, depth);
    if (c == '"') {
      out.kind = Value::Kind::kString;
      return parse_string(out.text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
    if (consume("true") || consume("false")) {
      out.kind = Value::Kind::kBool;
      return absl::OkStatus();
    }
    if (consume("null")) return absl::OkStatus();
    return error("unexpected character");
  }

  absl::Status parse_object(Value& out, int depth) {
    out.kind = Value::Kind::kObject;
    ++pos_;  // {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      skip_space();
      if (pos_ == text_.size() || text_[pos_] != '"') {
        return pos_ == text_.size() ? error("unexpected end of file (truncated?)")
                                    : error("expected a string key");
      }
      std::string key;
      if (absl::Status s = parse_string(key); !s.ok()) return s;
      skip_space();
      if (!consume(":")) return error("expected ':'");
      Value value;
      if (absl::Status s = parse(value, depth + 1); !s.ok()) return s;
      out.keys.push_back(std::move(key));
      out.items.push_back(std::move(value));
      skip_space();
      if (consume(",")) continue;
      if (consume("}")) return absl::OkStatus();
      return pos_ == text_.size() ? error("unexpected end of file (truncated?)")
                                  : error("expected ',' or '}'");
    }
  }

  absl::Status parse_array(Value& out, int depth) {
    out.kind = Value::Kind::kArray;
    ++pos_;  // [
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      Value item;
      if (absl::Status s = parse(item, depth + 1); !s.ok()) return s;
      out.items.push_back(std::move(item));
      skip_space();
      if (consume(",")) continue;
      if (consume("]")) return absl::OkStatus();
      return pos_ == text_.size() ? error("unexpected end of file (truncated?)")
                                  : error("expected ',' or ']'");
    }
  }

  absl::Status parse_number(Value& out) {
    out.kind = Value::Kind::kNumber;
    std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E' ||
            text_[pos_] == '+' || text_[pos_] == '-')) {
      ++pos_;
    }
    out.text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  static void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  bool hex4(std::uint32_t& code) {
    if (text_.size() - pos_ < 4) return false;
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4,
                                     code, 16);
    if (ec != std::errc() || end != text_.data() + pos_ + 4) return false;
    pos_ += 4;
    return true;
  }

  absl::Status parse_string(std::string& out) {
    ++pos_;  // "
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (static_cast<unsigned char>(c) < 0x20) {
        return error("control character in a string");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ == text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t code = 0;
          if (!hex4(code)) return error("bad \\u escape");
          if (code >= 0xD800 && code < 0xDC00) {
            std::uint32_t low = 0;
            if (!consume("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return error("unpaired surrogate in \\u escape");
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code < 0xE000) {
            return error("unpaired surrogate in \\u escape");
          }
          append_utf8(out, code);
          break;
        }
        default:
          return error("bad escape in a string");
      }
    }
    return error("unexpected end of file inside a string (truncated?)");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// ---- From JSON values to Evidence -------------------------------------------

absl::Status schema_error(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

absl::StatusOr<std::uint64_t> count_of(const Value& v, absl::string_view where) {
  std::uint64_t n = 0;
  if (v.kind == Value::Kind::kNumber) {
    auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
    if (ec == std::errc() && end == v.text.data() + v.text.size()) return n;
  }
  return schema_error(where, "expected a non-negative integer");
}

absl::StatusOr<std::string> string_of(const Value* v, absl::string_view where) {
  if (!v || v->kind != Value::Kind::kString) {
    return schema_error(where, "expected a string");
  }
  return v->text;
}

absl::Status strings_of(const Value* v, absl::string_view where,
                        std::vector<std::string>& out) {
  if (!v || v->kind != Value::Kind::kArray) {
    return schema_error(where, "expected an array of strings");
  }
  for (const Value& item : v->items) {
    if (item.kind != Value::Kind::kString) {
      return schema_error(where, "expected an array of strings");
    }
    out.push_back(item.text);
  }
  return absl::OkStatus();
}

const std::vector<Value>* array_of(const Value& root, absl::string_view key,
                                   absl::Status& status) {
  const Value* v = root.find(key);
  if (!v) return nullptr;  // an absent section is an empty one
  if (v->kind != Value::Kind::kArray) {
    status = schema_error(key, "expected an array");
    return nullptr;
  }
  return &v->items;
}

// ---- Writing -----------------------------------------------------------------

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    append_quoted(out, items[i]);
  }
  out += ']';
}

void unite(std::vector<std::string>& into, const std::vector<std::string>& from) {
  std::set<std::string> all(into.begin(), into.end());
  all.insert(from.begin(), from.end());
  into.assign(all.begin(), all.end());
}

std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;  // counts saturate
}

std::string errno_text() { return std::strerror(errno); }

// Closes a file descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

absl::StatusOr<Evidence> parse_evidence(std::string_view json) {
  absl::StatusOr<Value> parsed = Reader(json).document();
  if (!parsed.ok()) return parsed.status();
  const Value& root = *parsed;
  if (root.kind != Value::Kind::kObject) {
    return schema_error("evidence", "expected a JSON object");
  }
  const Value* version = root.find("tenure_evidence");
  if (!version) {
    return schema_error("evidence", "no \"tenure_evidence\" version field (not an evidence file?)");
  }
  absl::StatusOr<std::uint64_t> v = count_of(*version, "tenure_evidence");
  if (!v.ok() || *v == 0) {
    return schema_error("tenure_evidence", "expected a positive integer version");
  }
  if (*v > static_cast<std::uint64_t>(kEvidenceVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "written by a newer tenure (schema version ", *v, ", this build reads up to ",
        kEvidenceVersion, ")"));
  }

  Evidence evidence;
  absl::Status status;
  if (const auto* cycles = array_of(root, "cycles", status)) {
    for (const Value& item : *cycles) {
      if (item.kind != Value::Kind::kObject) return schema_error("cycles", "expected objects");
      CycleEvidence cycle;
      if (auto s = strings_of(item.find("types"), "cycles.types", cycle.types); !s.ok()) return s;
      if (auto s = strings_of(item.find("fields"), "cycles.fields", cycle.fields); !s.ok()) return s;
      if (cycle.types.empty() || cycle.types.size() != cycle.fields.size()) {
        return schema_error("cycles", "types and fields must be non-empty and of equal length");
      }
      const Value* count = item.find("count");
      if (!count) return schema_error("cycles.count", "missing");
      auto n = count_of(*count, "cycles.count");
      if (!n.ok()) return n.status();
      cycle.count = *n;
      if (auto s = strings_of(item.find("sites"), "cycles.sites", cycle.sites); !s.ok()) return s;
      if (auto s = strings_of(item.find("tests"), "cycles.tests", cycle.tests); !s.ok()) return s;
      evidence.cycles.push_back(std::move(cycle));
    }
  }
  if (!status.ok()) return status;
  if (const auto* growth = array_of(root, "growth", status)) {
    for (const Value& item : *growth) {
      if (item.kind != Value::Kind::kObject) return schema_error("growth", "expected objects");
      GrowthEvidence g;
      auto type = string_of(item.find("type"), "growth.type");
      auto site = string_of(item.find("site"), "growth.site");
      auto test = string_of(item.find("test"), "growth.test");
      if (!type.ok()) return type.status();
      if (!site.ok()) return site.status();
      if (!test.ok()) return test.status();
      const Value* count = item.find("count");
      if (!count) return schema_error("growth.count", "missing");
      auto n = count_of(*count, "growth.count");
      if (!n.ok()) return n.status();
      g.type = *std::move(type);
      g.site = *std::move(site);
      g.test = *std::move(test);
      g.count = *n;
      if (const Value* holders = item.find("holders")) {
        if (holders->kind != Value::Kind::kArray) {
          return schema_error("growth.holders", "expected an array");
        }
        for (const Value& h : holders->items) {
          if (h.kind != Value::Kind::kObject) {
            return schema_error("growth.holders", "expected objects");
          }
          HolderEvidence holder;
          if (auto s = strings_of(h.find("types"), "growth.holders.types",
                                  holder.types);
              !s.ok())
            return s;
          if (auto s = strings_of(h.find("fields"), "growth.holders.fields",
                                  holder.fields);
              !s.ok())
            return s;
          if (holder.types.empty() ||
              holder.types.size() != holder.fields.size()) {
            return schema_error(
                "growth.holders",
                "types and fields must be non-empty and of equal length");
          }
          const Value* held = h.find("count");
          if (!held) return schema_error("growth.holders.count", "missing");
          auto m = count_of(*held, "growth.holders.count");
          if (!m.ok()) return m.status();
          holder.count = *m;
          g.holders.push_back(std::move(holder));
        }
      }
      evidence.growth.push_back(std::move(g));
    }
  }
  if (!status.ok()) return status;
  if (const auto* copies = array_of(root, "copies", status)) {
    for (const Value& item : *copies) {
      if (item.kind != Value::Kind::kObject) return schema_error("copies", "expected objects");
      auto site = string_of(item.find("site"), "copies.site");
      if (!site.ok()) return site.status();
      const Value* count = item.find("count");
      if (!count) return schema_error("copies.count", "missing");
      auto n = count_of(*count, "copies.count");
      if (!n.ok()) return n.status();
      evidence.copies.push_back({*std::move(site), *n});
    }
  }
  if (!status.ok()) return status;
  // Duplicate keys in one file are merged, as two files would be.
  Evidence normalized;
  merge(normalized, evidence);
  return normalized;
}

void merge(Evidence& into, const Evidence& from) {
  using CycleKey = std::pair<std::vector<std::string>, std::vector<std::string>>;
  std::map<CycleKey, CycleEvidence> cycles;
  for (const Evidence* source : {static_cast<const Evidence*>(&into), &from}) {
    for (const CycleEvidence& c : source->cycles) {
      CycleEvidence& m = cycles[{c.types, c.fields}];
      m.types = c.types;
      m.fields = c.fields;
      m.count = add(m.count, c.count);
      unite(m.sites, c.sites);
      unite(m.tests, c.tests);
    }
  }
  using HolderKey =
      std::pair<std::vector<std::string>, std::vector<std::string>>;
  struct GrowthTotals {
    std::uint64_t count = 0;
    std::map<HolderKey, std::uint64_t> holders;
  };
  std::map<std::tuple<std::string, std::string, std::string>, GrowthTotals>
      growth;
  std::map<std::string, std::uint64_t> copies;
  for (const Evidence* source : {static_cast<const Evidence*>(&into), &from}) {
    for (const GrowthEvidence& g : source->growth) {
      GrowthTotals& totals = growth[{g.type, g.site, g.test}];
      totals.count = add(totals.count, g.count);
      for (const HolderEvidence& h : g.holders) {
        auto& n = totals.holders[{h.types, h.fields}];
        n = add(n, h.count);
      }
    }
    for (const CopyEvidence& c : source->copies) {
      auto& n = copies[c.site];
      n = add(n, c.count);
    }
  }
  Evidence merged;
  for (auto& [key, cycle] : cycles) merged.cycles.push_back(std::move(cycle));
  for (auto& [key, totals] : growth) {
    GrowthEvidence g{
        std::get<0>(key), std::get<1>(key), totals.count, std::get<2>(key), {}};
    for (auto& [path, count] : totals.holders) {
      g.holders.push_back({path.first, path.second, count});
    }
    merged.growth.push_back(std::move(g));
  }
  for (auto& [site, count] : copies) merged.copies.push_back({site, count});
  into = std::move(merged);
}

// Writes `"name": [` then one item per line, as the evidence file is laid
// out; `last` ends the top-level object after it.
template <typename Item, typename WriteItem>
void append_section(std::string& out, absl::string_view name,
                    const std::vector<Item>& items, bool last,
                    WriteItem write_item) {
  absl::StrAppend(&out, "  \"", name, "\": [");
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i ? ",\n    " : "\n    ";
    write_item(items[i]);
  }
  out += items.empty() ? "]" : "\n  ]";
  out += last ? "\n}\n" : ",\n";
}

std::string to_json(const Evidence& evidence) {
  Evidence sorted;
  merge(sorted, evidence);  // sorts and folds duplicate keys
  std::string out = absl::StrCat("{\n  \"tenure_evidence\": ", kEvidenceVersion, ",\n");
  append_section(out, "cycles", sorted.cycles, false, [&](const CycleEvidence& c) {
    out += "{\"types\": ";
    append_strings(out, c.types);
    out += ", \"fields\": ";
    append_strings(out, c.fields);
    absl::StrAppend(&out, ", \"count\": ", c.count, ", \"sites\": ");
    append_strings(out, c.sites);
    out += ", \"tests\": ";
    append_strings(out, c.tests);
    out += '}';
  });
  append_section(out, "growth", sorted.growth, false, [&](const GrowthEvidence& g) {
    out += "{\"type\": ";
    append_quoted(out, g.type);
    out += ", \"site\": ";
    append_quoted(out, g.site);
    absl::StrAppend(&out, ", \"count\": ", g.count, ", \"test\": ");
    append_quoted(out, g.test);
    // Written only when known, so files without them stay as they were.
    if (!g.holders.empty()) {
      out += ", \"holders\": [";
      for (std::size_t i = 0; i < g.holders.size(); ++i) {
        out += i ? ", {\"types\": " : "{\"types\": ";
        append_strings(out, g.holders[i].types);
        out += ", \"fields\": ";
        append_strings(out, g.holders[i].fields);
        absl::StrAppend(&out, ", \"count\": ", g.holders[i].count, "}");
      }
      out += ']';
    }
    out += '}';
  });
  append_section(out, "copies", sorted.copies, true, [&](const CopyEvidence& c) {
    out += "{\"site\": ";
    append_quoted(out, c.site);
    absl::StrAppend(&out, ", \"count\": ", c.count, "}");
  });
  return out;
}

absl::Status merge_into_file(const std::string& path, const Evidence& evidence) {
  auto failure = [&](absl::string_view what) {
    return absl::UnavailableError(absl::StrCat("evidence file ", path, ": ", what));
  };
  Fd lock{::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
  if (lock.fd < 0) return failure(absl::StrCat("cannot create its lock file: ", errno_text()));
  while (::flock(lock.fd, LOCK_EX) != 0) {
    if (errno != EINTR) return failure(absl::StrCat("cannot lock: ", errno_text()));
  }

  Evidence merged;
  Fd existing{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (existing.fd >= 0) {
    std::string text;
    char buffer[1 << 16];
    ssize_t n;
    while ((n = ::read(existing.fd, buffer, sizeof buffer)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        return failure(absl::StrCat("cannot read: ", errno_text()));
      }
      text.append(buffer, static_cast<std::size_t>(n));
    }
    absl::StatusOr<Evidence> earlier = parse_evidence(text);
    if (!earlier.ok()) {
      return absl::Status(earlier.status().code(),
                          absl::StrCat("evidence file ", path, ": ",
                                       earlier.status().message(),
                                       "; left unchanged"));
    }
    merged = *std::move(earlier);
  } else if (errno != ENOENT) {
    return failure(absl::StrCat("cannot open: ", errno_text()));
  }
  merge(merged, evidence);
  std::string text = to_json(merged);

  std::string temporary = absl::StrCat(path, ".tmp.", ::getpid());
  {
    Fd out{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (out.fd < 0) return failure(absl::StrCat("cannot write ", temporary, ": ", errno_text()));
    std::size_t written = 0;
    while (written < text.size()) {
      ssize_t n = ::write(out.fd, text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::string why = errno_text();
        ::unlink(temporary.c_str());
        return failure(absl::StrCat("cannot write ", temporary, ": ", why));
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(out.fd) != 0) {
      std::string why = errno_text();
      ::unlink(temporary.c_str());
      return failure(absl::StrCat("cannot write ", temporary, ": ", why));
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = errno_text();
    ::unlink(temporary.c_str());
    return failure(absl::StrCat("cannot replace it: ", why));
  }
  return absl::OkStatus();
}

}  // namespace tenure::testing
