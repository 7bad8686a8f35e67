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
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tenure::testing {
namespace {

// ---- A small JSON reader: just what the schema needs -----------------------
//
// It reads JSON the way tenure-analyze's reader (llvm::json) does, so the
// two accept the same files and read the same values out of them:
// duplicate keys keep the last value; a number is a run of `-+.eE` and
// digits that reads whole as strtoll, strtoull or strtod would read it
// ("01", "1." and "+1" are numbers; "1-+e" is not), and only one without a
// fraction or exponent is an integer; an escaped UTF-16 surrogate without
// its partner reads as U+FFFD; raw bytes must be valid UTF-8; containers
// nest at most kMaxDepth deep.

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string contents
  // A number written as an integer that fits std::uint64_t ("-0" is 0).
  std::optional<std::uint64_t> natural;
  std::vector<Value> items;       // an array's, or an object's values
  std::vector<std::string> keys;  // an object's keys, one per item

  const Value* find(absl::string_view key) const {
    for (std::size_t i = keys.size(); i-- > 0;) {  // the last one counts
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }
};

// The length of the valid UTF-8 sequence at the start of `s` (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), 0 when invalid.
std::size_t utf8_sequence(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (lead < 0xC2 || lead > 0xF4 || s.size() < length) return 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead == 0xE0) low = 0xA0;
  if (lead == 0xED) high = 0x9F;
  if (lead == 0xF0) low = 0x90;
  if (lead == 0xF4) high = 0x8F;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<Value> document() {
    Value value;
    if (absl::Status s = parse(value, 0); !s.ok()) return s;
    skip_space();
    if (pos_ != text_.size())
      return error("unexpected text after the JSON value");
    return value;
  }

 private:
  // Far deeper than any evidence file needs; bounds the recursion.
  static constexpr int kMaxDepth = 64;

  absl::Status error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
            text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  static bool number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
           c == 'e' || c == 'E';
  }

  absl::Status parse(Value& out, int depth) {
    skip_space();
    if (pos_ == text_.size())
      return error("unexpected end of file (truncated?)");
    char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth == kMaxDepth) return error("nesting too deep");
      return c == '{' ? parse_object(out, depth + 1)
                      : parse_array(out, depth + 1);
    }
    if (c == '"') {
      out.kind = Value::Kind::kString;
      return parse_string(out.text);
    }
    if (consume("true") || consume("false")) {
      out.kind = Value::Kind::kBool;
      return absl::OkStatus();
    }
    if (consume("null")) return absl::OkStatus();
    if (number_char(c)) return parse_number(out);
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
        return pos_ == text_.size()
                   ? error("unexpected end of file (truncated?)")
                   : error("expected a string key");
      }
      std::string key;
      if (absl::Status s = parse_string(key); !s.ok()) return s;
      skip_space();
      if (!consume(":")) return error("expected ':'");
      Value value;
      if (absl::Status s = parse(value, depth); !s.ok()) return s;
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
      if (absl::Status s = parse(item, depth); !s.ok()) return s;
      out.items.push_back(std::move(item));
      skip_space();
      if (consume(",")) continue;
      if (consume("]")) return absl::OkStatus();
      return pos_ == text_.size() ? error("unexpected end of file (truncated?)")
                                  : error("expected ',' or ']'");
    }
  }

  // As strtoll, then strtoull (unless negative), then strtod would read the
  // whole run, but locale-independent (std::from_chars, which takes no
  // leading '+': one is skipped here, as the strto* functions skip it).
  absl::Status parse_number(Value& out) {
    out.kind = Value::Kind::kNumber;
    std::size_t start = pos_;
    while (pos_ < text_.size() && number_char(text_[pos_])) ++pos_;
    std::string_view run = text_.substr(start, pos_ - start);
    bool negative = run[0] == '-';
    std::string_view digits = run;
    if (digits[0] == '+') {
      digits.remove_prefix(1);
      if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        return error("bad number");
      }
    }
    const char* end = digits.data() + digits.size();
    std::int64_t signed_value = 0;
    auto [signed_end, signed_ec] =
        std::from_chars(digits.data(), end, signed_value);
    if (signed_ec == std::errc() && signed_end == end) {
      if (signed_value >= 0)
        out.natural = static_cast<std::uint64_t>(signed_value);
      return absl::OkStatus();
    }
    if (!negative) {
      std::uint64_t unsigned_value = 0;
      auto [unsigned_end, unsigned_ec] =
          std::from_chars(digits.data(), end, unsigned_value);
      if (unsigned_ec == std::errc() && unsigned_end == end) {
        out.natural = unsigned_value;
        return absl::OkStatus();
      }
    }
    // Out of range still reads (strtod gives infinity or zero).
    double real = 0;
    auto [real_end, real_ec] = std::from_chars(digits.data(), end, real);
    (void)real_ec;
    if (real_end != end || digits.empty()) return error("bad number");
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
    code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_ + i];
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      code = code << 4 | static_cast<std::uint32_t>(
                             c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    pos_ += 4;
    return true;
  }

  // After "\u": one code point, or U+FFFD for a surrogate without its
  // partner (a non-surrogate escape after a lone leading one still counts).
  absl::Status parse_unicode(std::string& out) {
    static constexpr std::uint32_t kReplacement = 0xFFFD;
    std::uint32_t first = 0;
    if (!hex4(first)) return error("bad \\u escape");
    while (true) {
      if (first < 0xD800 || first >= 0xE000) {
        append_utf8(out, first);
        return absl::OkStatus();
      }
      if (first >= 0xDC00 || text_.substr(pos_, 2) != "\\u") {
        append_utf8(out, kReplacement);
        return absl::OkStatus();
      }
      pos_ += 2;
      std::uint32_t second = 0;
      if (!hex4(second)) return error("bad \\u escape");
      if (second < 0xDC00 || second >= 0xE000) {
        append_utf8(out, kReplacement);
        first = second;
        continue;
      }
      append_utf8(out, 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00));
      return absl::OkStatus();
    }
  }

  absl::Status parse_string(std::string& out) {
    ++pos_;  // "
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return error("control character in a string");
      }
      if (c != '\\') {
        std::size_t length = utf8_sequence(text_.substr(pos_));
        if (length == 0) return error("invalid UTF-8");
        out.append(text_.substr(pos_, length));
        pos_ += length;
        continue;
      }
      if (++pos_ == text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          if (absl::Status s = parse_unicode(out); !s.ok()) return s;
          break;
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

absl::StatusOr<std::uint64_t> count_of(const Value& v,
                                       absl::string_view where) {
  if (v.natural) return *v.natural;
  return schema_error(where, "expected a non-negative integer");
}

// A count that may be absent (0).
absl::StatusOr<std::uint64_t> optional_count(const Value& entry,
                                             absl::string_view key,
                                             absl::string_view where) {
  const Value* v = entry.find(key);
  if (!v) return 0;
  return count_of(*v, where);
}

// A list of strings that may be absent (empty).
absl::Status optional_strings(const Value& entry, absl::string_view key,
                              absl::string_view where,
                              std::vector<std::string>& out);

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

absl::Status optional_strings(const Value& entry, absl::string_view key,
                              absl::string_view where,
                              std::vector<std::string>& out) {
  const Value* v = entry.find(key);
  if (!v) return absl::OkStatus();
  return strings_of(v, where, out);
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

// ---- Writing
// -----------------------------------------------------------------

// Bytes that are not UTF-8 (a file name in another encoding) are written as
// U+FFFD, one per byte: the file stays JSON that both readers accept.
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      std::size_t length = utf8_sequence(text.substr(i));
      if (length == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(text.substr(i, length));
        i += length - 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
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

void unite(std::vector<std::string>& into,
           const std::vector<std::string>& from) {
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
    return schema_error(
        "evidence",
        "no \"tenure_evidence\" version field (not an evidence file?)");
  }
  absl::StatusOr<std::uint64_t> v = count_of(*version, "tenure_evidence");
  if (!v.ok() || *v == 0) {
    return schema_error("tenure_evidence",
                        "expected a positive integer version");
  }
  if (*v > static_cast<std::uint64_t>(kEvidenceVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat("written by a newer tenure (schema version ", *v,
                     ", this build reads up to ", kEvidenceVersion, ")"));
  }

  Evidence evidence;
  absl::Status status;
  if (const auto* cycles = array_of(root, "cycles", status)) {
    for (const Value& item : *cycles) {
      if (item.kind != Value::Kind::kObject)
        return schema_error("cycles", "expected objects");
      CycleEvidence cycle;
      if (auto s = strings_of(item.find("types"), "cycles.types", cycle.types);
          !s.ok())
        return s;
      if (auto s =
              strings_of(item.find("fields"), "cycles.fields", cycle.fields);
          !s.ok())
        return s;
      if (cycle.types.empty() || cycle.types.size() != cycle.fields.size()) {
        return schema_error(
            "cycles", "types and fields must be non-empty and of equal length");
      }
      const Value* count = item.find("count");
      if (!count) return schema_error("cycles.count", "missing");
      auto n = count_of(*count, "cycles.count");
      if (!n.ok()) return n.status();
      cycle.count = *n;
      if (auto s = optional_strings(item, "sites", "cycles.sites", cycle.sites);
          !s.ok())
        return s;
      if (auto s = optional_strings(item, "tests", "cycles.tests", cycle.tests);
          !s.ok())
        return s;
      evidence.cycles.push_back(std::move(cycle));
    }
  }
  if (!status.ok()) return status;
  if (const auto* growth = array_of(root, "growth", status)) {
    for (const Value& item : *growth) {
      if (item.kind != Value::Kind::kObject)
        return schema_error("growth", "expected objects");
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
      if (item.kind != Value::Kind::kObject)
        return schema_error("copies", "expected objects");
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
  if (const auto* leaks = array_of(root, "leaks", status)) {
    for (const Value& item : *leaks) {
      if (item.kind != Value::Kind::kObject)
        return schema_error("leaks", "expected objects");
      LeakEvidence leak;
      if (auto s = strings_of(item.find("types"), "leaks.types", leak.types);
          !s.ok())
        return s;
      if (auto s = optional_strings(item, "cycle", "leaks.cycle", leak.cycle);
          !s.ok())
        return s;
      const Value* count = item.find("count");
      if (!count) return schema_error("leaks.count", "missing");
      auto n = count_of(*count, "leaks.count");
      if (!n.ok()) return n.status();
      leak.count = *n;
      auto blocks = optional_count(item, "blocks", "leaks.blocks");
      if (!blocks.ok()) return blocks.status();
      auto bytes = optional_count(item, "bytes", "leaks.bytes");
      if (!bytes.ok()) return bytes.status();
      leak.blocks = *blocks;
      leak.bytes = *bytes;
      if (auto s = optional_strings(item, "sites", "leaks.sites", leak.sites);
          !s.ok())
        return s;
      if (auto s = optional_strings(item, "tests", "leaks.tests", leak.tests);
          !s.ok())
        return s;
      evidence.leaks.push_back(std::move(leak));
    }
  }
  if (!status.ok()) return status;
  // Duplicate keys in one file are merged, as two files would be.
  Evidence normalized;
  merge(normalized, evidence);
  return normalized;
}

void merge(Evidence& into, const Evidence& from) {
  using CycleKey =
      std::pair<std::vector<std::string>, std::vector<std::string>>;
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
  std::map<CycleKey, LeakEvidence> leaks;
  for (const Evidence* source : {static_cast<const Evidence*>(&into), &from}) {
    for (const LeakEvidence& l : source->leaks) {
      LeakEvidence& m = leaks[{l.types, l.cycle}];
      m.types = l.types;
      m.cycle = l.cycle;
      m.count = add(m.count, l.count);
      m.blocks = add(m.blocks, l.blocks);
      m.bytes = add(m.bytes, l.bytes);
      unite(m.sites, l.sites);
      unite(m.tests, l.tests);
    }
  }
  Evidence merged;
  for (auto& [key, cycle] : cycles) merged.cycles.push_back(std::move(cycle));
  for (auto& [key, leak] : leaks) merged.leaks.push_back(std::move(leak));
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
  std::string out =
      absl::StrCat("{\n  \"tenure_evidence\": ", kEvidenceVersion, ",\n");
  append_section(
      out, "cycles", sorted.cycles, false, [&](const CycleEvidence& c) {
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
  append_section(
      out, "growth", sorted.growth, false, [&](const GrowthEvidence& g) {
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
  append_section(out, "copies", sorted.copies, false,
                 [&](const CopyEvidence& c) {
                   out += "{\"site\": ";
                   append_quoted(out, c.site);
                   absl::StrAppend(&out, ", \"count\": ", c.count, "}");
                 });
  append_section(out, "leaks", sorted.leaks, true, [&](const LeakEvidence& l) {
    out += "{\"types\": ";
    append_strings(out, l.types);
    out += ", \"cycle\": ";
    append_strings(out, l.cycle);
    absl::StrAppend(&out, ", \"count\": ", l.count, ", \"blocks\": ", l.blocks,
                    ", \"bytes\": ", l.bytes, ", \"sites\": ");
    append_strings(out, l.sites);
    out += ", \"tests\": ";
    append_strings(out, l.tests);
    out += '}';
  });
  return out;
}

absl::Status merge_into_file(const std::string& path,
                             const Evidence& evidence) {
  auto failure = [&](absl::string_view what) {
    return absl::UnavailableError(
        absl::StrCat("evidence file ", path, ": ", what));
  };
  Fd lock{::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
  if (lock.fd < 0)
    return failure(absl::StrCat("cannot create its lock file: ", errno_text()));
  while (::flock(lock.fd, LOCK_EX) != 0) {
    if (errno != EINTR)
      return failure(absl::StrCat("cannot lock: ", errno_text()));
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
      return absl::Status(
          earlier.status().code(),
          absl::StrCat("evidence file ", path, ": ", earlier.status().message(),
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
    Fd out{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  0644)};
    if (out.fd < 0)
      return failure(
          absl::StrCat("cannot write ", temporary, ": ", errno_text()));
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
