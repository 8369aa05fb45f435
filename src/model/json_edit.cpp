// Minimal-diff edits of JSON text, and writing the edited files safely.
//
// The text is first validated with the model's bounded Boost.JSON parse
// (parse_document: size, syntax, UTF-8, depth, with the common error
// contract), so the scanner below may assume well-formed JSON: it finds
// byte spans (an object's braces, each member's key and value) and never
// builds a DOM. Each edit re-scans along its path from the top: documents are
// package.json files and plans carry tens of edits, so O(edits x size) is
// far cheaper than any cleverness about shifting offsets. The result is
// parsed once more at the end, which both enforces the limits on what the
// edits grew and guards the "output is valid JSON" promise.
#include "callboard/json_edit.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fcntl.h>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <vector>

#include "model/json_detail.hpp"

namespace callboard {
namespace {

using model_detail::parse_document;
using model_detail::SkipProfile;

constexpr std::string_view kWhat = "JSON document";

// ---------------------------------------------------------------------------
// Scanning well-formed JSON text.

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view t, std::size_t i) noexcept {
  while (i < t.size() && is_space(t[i])) ++i;
  return i;
}

/// `i` at an opening quote; returns the position after the closing one.
std::size_t skip_string(std::string_view t, std::size_t i) noexcept {
  ++i;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '\\') {
      i += 2;
    } else if (c == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return t.size();
}

/// `i` at the first byte of a value; returns the position after it.
/// Iterative: containers are skipped by counting brackets.
std::size_t skip_value(std::string_view t, std::size_t i) noexcept {
  if (i >= t.size()) return i;
  const char c = t[i];
  if (c == '"') return skip_string(t, i);
  if (c == '{' || c == '[') {
    std::size_t depth = 0;
    while (i < t.size()) {
      const char d = t[i];
      if (d == '"') {
        i = skip_string(t, i);
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < t.size() && !is_space(t[i]) && t[i] != ',' && t[i] != '}' && t[i] != ']') ++i;
  return i;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::uint32_t hex4(std::string_view t, std::size_t i) noexcept {
  std::uint32_t v = 0;
  for (std::size_t k = i; k < i + 4 && k < t.size(); ++k) {
    const char c = t[k];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    }
  }
  return v;
}

/// The decoded text of the string token [begin, end) (quotes included).
std::string decode_string(std::string_view t, std::size_t begin, std::size_t end) {
  std::string out;
  std::size_t i = begin + 1;
  const std::size_t stop = end - 1;
  while (i < stop) {
    const char c = t[i];
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    const char e = t[i + 1];
    i += 2;
    switch (e) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        std::uint32_t cp = hex4(t, i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= stop && t[i] == '\\' && t[i + 1] == 'u') {
          const std::uint32_t lo = hex4(t, i + 2);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate (not accepted upstream)
        append_utf8(out, cp);
        break;
      }
      default: out.push_back(e);  // " \ /
    }
  }
  return out;
}

struct Member {
  std::size_t key_begin = 0;  ///< the opening quote of the key
  std::size_t key_end = 0;    ///< after the closing quote
  std::size_t value_begin = 0;
  std::size_t value_end = 0;
  std::string key;
};

struct ObjectScan {
  std::size_t open = 0;   ///< the '{'
  std::size_t close = 0;  ///< the '}'
  std::vector<Member> members;
};

ObjectScan scan_object(std::string_view t, std::size_t open) {
  ObjectScan o;
  o.open = open;
  std::size_t i = skip_space(t, open + 1);
  while (i < t.size() && t[i] == '"') {
    Member m;
    m.key_begin = i;
    m.key_end = skip_string(t, i);
    m.key = decode_string(t, m.key_begin, m.key_end);
    i = skip_space(t, m.key_end);
    i = skip_space(t, i + 1);  // the ':'
    m.value_begin = i;
    m.value_end = skip_value(t, i);
    i = skip_space(t, m.value_end);
    o.members.push_back(std::move(m));
    if (i < t.size() && t[i] == ',') i = skip_space(t, i + 1);
  }
  o.close = i;
  return o;
}

/// The index of the last member named `key` (the one JSON.parse keeps).
std::optional<std::size_t> find_last(const ObjectScan& o, std::string_view key) {
  for (std::size_t k = o.members.size(); k-- > 0;) {
    if (o.members[k].key == key) return k;
  }
  return std::nullopt;
}

bool contains_newline(std::string_view t, std::size_t begin, std::size_t end) {
  return t.substr(begin, end - begin).find('\n') != std::string_view::npos;
}

/// The spaces and tabs that start the line holding position `i`.
std::string line_indent(std::string_view t, std::size_t i) {
  std::size_t start = i;
  while (start > 0 && t[start - 1] != '\n') --start;
  std::size_t end = start;
  while (end < t.size() && (t[end] == ' ' || t[end] == '\t')) ++end;
  return std::string(t.substr(start, end - start));
}

bool multi_line(std::string_view t, const ObjectScan& o) {
  return !o.members.empty() && contains_newline(t, o.open, o.members.front().key_begin);
}

/// The indentation of member k of a multi-line object: the whitespace after
/// the last line break before its key, or member 0's when it shares a line.
std::string member_indent(std::string_view t, const ObjectScan& o, std::size_t k) {
  const std::size_t from = k == 0 ? o.open : o.members[k - 1].value_end;
  if (!contains_newline(t, from, o.members[k].key_begin))
    return k == 0 ? std::string() : member_indent(t, o, 0);
  return line_indent(t, o.members[k].key_begin);
}

/// What the whole file looks like, for objects that have no style of their own.
struct FileStyle {
  std::string newline = "\n";
  std::string unit = "  ";
  std::string colon = ": ";
  bool multi_line = false;
};

FileStyle detect_style(std::string_view t, const ObjectScan& top) {
  FileStyle s;
  const std::size_t nl = t.find('\n');
  s.multi_line = nl != std::string_view::npos;
  if (nl != std::string_view::npos && nl > 0 && t[nl - 1] == '\r') s.newline = "\r\n";
  if (multi_line(t, top)) {
    std::string indent = member_indent(t, top, 0);
    if (!indent.empty()) s.unit = std::move(indent);
  } else {
    // No top-level indentation to copy: the first indented line, if any.
    for (std::size_t p = t.find('\n'); p != std::string_view::npos; p = t.find('\n', p + 1)) {
      std::size_t e = p + 1;
      while (e < t.size() && (t[e] == ' ' || t[e] == '\t')) ++e;
      if (e > p + 1 && e < t.size() && !is_space(t[e])) {
        s.unit = std::string(t.substr(p + 1, e - p - 1));
        break;
      }
    }
  }
  if (!top.members.empty()) {
    const Member& m = top.members.front();
    if (!contains_newline(t, m.key_end, m.value_begin))
      s.colon = std::string(t.substr(m.key_end, m.value_begin - m.key_end));
  }
  return s;
}

std::string json_quoted(std::string_view s) {
  model_detail::Writer w;
  w.string(s);
  return w.take();
}

bool valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : model_detail::utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string path_text(const std::vector<std::string>& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ",";
    out += json_quoted(path[i]);
  }
  return out + "]";
}

std::string pointer_of(const std::vector<std::string>& path, std::size_t count) {
  std::string p;
  for (std::size_t i = 0; i < count && i < path.size(); ++i)
    p = model_detail::pointer_append(p, path[i]);
  return p;
}

// ---------------------------------------------------------------------------
// Writing members.

/// The value of a new member for keys[from..] (the last is the string):
/// nested objects, multi-line at member indentation `indent` or one-line.
std::string new_value(const std::vector<std::string>& keys, std::size_t from,
                      const std::string& value, const FileStyle& style, bool lines,
                      const std::string& indent) {
  if (from == keys.size()) return json_quoted(value);
  std::string out = "{";
  if (lines) {
    const std::string inner = indent + style.unit;
    out += style.newline + inner + json_quoted(keys[from]) + style.colon +
           new_value(keys, from + 1, value, style, lines, inner) + style.newline + indent;
  } else {
    out += json_quoted(keys[from]) + style.colon +
           new_value(keys, from + 1, value, style, lines, indent);
  }
  return out + "}";
}

/// Inserts member keys[from] (with keys[from+1..] as new objects) into `o`.
/// `empty_lines`: how an empty `o` is written out (as the object around it is).
void insert_member(std::string& t, const ObjectScan& o, const std::vector<std::string>& keys,
                   std::size_t from, const std::string& value, const FileStyle& style,
                   bool empty_lines) {
  const std::string& key = keys[from];
  const std::size_t n = o.members.size();
  if (n == 0) {
    if (empty_lines) {
      const std::string outer = line_indent(t, o.open);
      const std::string inner = outer + style.unit;
      const std::string text = style.newline + inner + json_quoted(key) + style.colon +
                               new_value(keys, from + 1, value, style, true, inner) +
                               style.newline + outer;
      t.replace(o.open + 1, o.close - o.open - 1, text);
    } else {
      t.replace(
          o.open + 1, o.close - o.open - 1,
          json_quoted(key) + style.colon + new_value(keys, from + 1, value, style, false, ""));
    }
    return;
  }
  std::string colon = style.colon;
  {
    const Member& m = o.members.front();
    if (!contains_newline(t, m.key_end, m.value_begin))
      colon = std::string(t.substr(m.key_end, m.value_begin - m.key_end));
  }
  FileStyle local = style;
  local.colon = colon;

  bool sorted = true;
  for (std::size_t k = 1; k < n && sorted; ++k) sorted = !(o.members[k].key < o.members[k - 1].key);
  std::size_t at = n;
  if (sorted) {
    at = 0;
    while (at < n && !(key < o.members[at].key)) ++at;
  }
  const bool lines = multi_line(t, o);
  std::string separator;  // between two members, comma included
  std::string indent;
  if (lines) {
    indent = member_indent(t, o, at < n ? at : n - 1);
    separator = "," + style.newline + indent;
  } else if (n >= 2) {
    separator = std::string(
        t.substr(o.members[0].value_end, o.members[1].key_begin - o.members[0].value_end));
  } else {
    separator = colon.find(' ') != std::string::npos ? ", " : ",";
  }
  const std::string member =
      json_quoted(key) + colon + new_value(keys, from + 1, value, local, lines, indent);
  if (at < n) {
    t.insert(o.members[at].key_begin, member + separator);
  } else {
    t.insert(o.members[n - 1].value_end, separator + member);
  }
}

/// Removes member k of `o` with the whitespace and comma that belong to it.
void erase_member(std::string& t, const ObjectScan& o, std::size_t k) {
  const std::size_t n = o.members.size();
  if (n == 1) {
    t.erase(o.open + 1, o.close - o.open - 1);
  } else if (k + 1 < n) {
    t.erase(o.members[k].key_begin, o.members[k + 1].key_begin - o.members[k].key_begin);
  } else {
    t.erase(o.members[k - 1].value_end, o.members[k].value_end - o.members[k - 1].value_end);
  }
}

/// Removes every member named `key` of the object at `open`; returns how many
/// members are left.
std::size_t erase_all(std::string& t, std::size_t open, std::string_view key) {
  for (;;) {
    ObjectScan o = scan_object(t, open);
    const auto k = find_last(o, key);
    if (!k) return o.members.size();
    erase_member(t, o, *k);
  }
}

Error edit_error(ErrorCode code, std::size_t index, const JsonEdit& edit, std::string message) {
  return make_error(code, std::string(kWhat) + ": edit " + std::to_string(index) + " " +
                              path_text(edit.path) + ": " + std::move(message))
      .with("edit", std::to_string(index))
      .with("path", path_text(edit.path));
}

/// The checks of an edit that need no document (done for every edit first).
std::optional<Error> check_edit(std::size_t index, const JsonEdit& edit) {
  if (edit.path.empty())
    return edit_error(ErrorCode::kInvalidArgument, index, edit, "the path is empty");
  for (const auto& k : edit.path) {
    if (!valid_utf8(k))
      return edit_error(ErrorCode::kInvalidArgument, index, edit, "a key is not valid UTF-8");
  }
  if (edit.value && !valid_utf8(*edit.value)) {
    return edit_error(ErrorCode::kInvalidArgument, index, edit, "the value is not valid UTF-8");
  }
  return std::nullopt;
}

/// One edit on `t` (valid JSON whose top level is an object).
Result<bool> apply_edit(std::string& t, std::size_t index, const JsonEdit& edit) {
  std::vector<std::string> path = edit.path;
  const bool npm_overrides = path.size() >= 2 && path.front() == "overrides";
  const std::size_t top_open = skip_space(t, 0);
  ObjectScan top = scan_object(t, top_open);
  const FileStyle style = detect_style(t, top);

  std::vector<std::pair<std::size_t, std::string>> chain;  // (open of an ancestor, key taken in it)
  ObjectScan o = std::move(top);
  bool enclosing_lines = style.multi_line;  // the layout of the object around `o`
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto k = find_last(o, path[i]);
    const bool last = i + 1 == path.size();
    if (!edit.value) {
      if (!k) return false;
      if (last) {
        std::size_t left = erase_all(t, o.open, path[i]);
        // Prune the objects this removal emptied, never the top level.
        while (left == 0 && !chain.empty()) {
          const auto [parent, key] = chain.back();
          chain.pop_back();
          left = erase_all(t, parent, key);
        }
        return true;
      }
      const Member& m = o.members[*k];
      if (t[m.value_begin] != '{') return false;
      chain.emplace_back(o.open, path[i]);
      o = scan_object(t, m.value_begin);
      continue;
    }
    if (!k) {
      insert_member(t, o, path, i, *edit.value, style, enclosing_lines);
      return true;
    }
    const Member& m = o.members[*k];
    const bool object = t[m.value_begin] == '{';
    if (last) {
      if (object && npm_overrides && path[i] != ".") {
        path.emplace_back(".");  // npm: an object override's own version is its "." member
      } else {
        const std::string q = json_quoted(*edit.value);
        if (t.compare(m.value_begin, m.value_end - m.value_begin, q) == 0) return false;
        t.replace(m.value_begin, m.value_end - m.value_begin, q);
        return true;
      }
    } else if (!object) {
      return edit_error(ErrorCode::kFailedPrecondition, index, edit,
                        "the member " + pointer_of(path, i + 1) +
                            " is not an object, so it cannot hold " + json_quoted(path[i + 1]))
          .with("pointer", pointer_of(path, i + 1));
    }
    enclosing_lines = multi_line(t, o);
    chain.emplace_back(o.open, path[i]);
    o = scan_object(t, m.value_begin);
  }
  return false;
}

}  // namespace

Result<std::string> edit_json_text(std::string_view text, std::span<const JsonEdit> edits,
                                   const ParseLimits& limits) {
  try {
    // A byte order mark is kept as it is; the JSON after it is edited.
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    const std::size_t bom = text.substr(0, 3) == kBom ? 3 : 0;
    const std::string_view body = text.substr(bom);
    {
      boost::json::monotonic_resource resource;
      auto doc = parse_document(body, limits, kWhat, SkipProfile::kNone, &resource);
      if (!doc.ok()) return std::move(doc).error();
      if (!doc->is_object())
        return model_detail::pointer_error(kWhat, "", "the top level is not an object");
    }
    for (std::size_t i = 0; i < edits.size(); ++i) {
      if (auto e = check_edit(i, edits[i])) return std::move(*e);
    }
    std::string t(body);
    bool changed = false;
    for (std::size_t i = 0; i < edits.size(); ++i) {
      auto r = apply_edit(t, i, edits[i]);
      if (!r.ok()) return std::move(r).error();
      changed = changed || *r;
    }
    if (changed) {
      boost::json::monotonic_resource resource;
      auto doc = parse_document(t, limits, kWhat, SkipProfile::kNone, &resource);
      if (!doc.ok()) {
        if (doc.error().code == ErrorCode::kResourceExhausted) {
          Error e = std::move(doc).error();
          e.message = "the edited document would exceed a limit: " + e.message;
          return e;
        }
        return make_error(ErrorCode::kInternal,
                          std::string(kWhat) +
                              ": the edit produced invalid JSON (a bug): " + doc.error().message);
      }
    }
    return std::string(text.substr(0, bom)) + t;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kResourceExhausted, std::string(kWhat) + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------
// Unified diff.

namespace {

/// Lines with their "\n" (the last may lack it).
std::vector<std::string_view> split_lines(std::string_view t) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < t.size()) {
    const std::size_t nl = t.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? t.size() : nl + 1;
    lines.push_back(t.substr(start, end - start));
    start = end;
  }
  return lines;
}

struct DiffOp {
  char kind;  // ' ', '-', '+'
  std::string_view line;
};

void append_line(std::string& out, char kind, std::string_view line) {
  out.push_back(kind);
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_name, std::string_view new_name,
                         std::size_t context) {
  if (old_text == new_text) return {};
  const auto a = split_lines(old_text);
  const auto b = split_lines(new_text);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<DiffOp> ops;
  ops.reserve(a.size() + b.size());
  for (std::size_t i = 0; i < prefix; ++i) ops.push_back({' ', a[i]});
  const std::size_t n = a.size() - prefix - suffix;
  const std::size_t m = b.size() - prefix - suffix;
  if (n > 0 && m > 0 && n <= (std::size_t{4} << 20) / m) {
    // lcs[i][j]: longest common subsequence of a[prefix+i..] and b[prefix+j..].
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& {
      return lcs[i * (m + 1) + j];
    };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1
                                                  : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        ops.push_back({' ', a[prefix + i]});
        ++i;
        ++j;
      } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
        ops.push_back({'-', a[prefix + i++]});
      } else {
        ops.push_back({'+', b[prefix + j++]});
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) ops.push_back({'-', a[prefix + i]});
    for (std::size_t j = 0; j < m; ++j) ops.push_back({'+', b[prefix + j]});
  }
  for (std::size_t i = a.size() - suffix; i < a.size(); ++i) ops.push_back({' ', a[i]});

  std::string out = "--- " + std::string(old_name) + "\n+++ " + std::string(new_name) + "\n";
  std::size_t k = 0;
  std::size_t old_line = 0;  // lines of a before ops[k]
  std::size_t new_line = 0;
  while (k < ops.size()) {
    // The next change, and the hunk around it.
    std::size_t first = k;
    while (first < ops.size() && ops[first].kind == ' ') ++first;
    if (first == ops.size()) break;
    const std::size_t begin = first - std::min(context, first - k);
    std::size_t end = first;  // one past the last change of the hunk
    for (std::size_t p = first; p < ops.size();) {
      if (ops[p].kind != ' ') {
        end = ++p;
        continue;
      }
      std::size_t q = p;
      while (q < ops.size() && ops[q].kind == ' ') ++q;
      if (q == ops.size() || q - p > 2 * context) break;
      p = q;
    }
    const std::size_t stop = std::min(ops.size(), end + context);
    for (std::size_t p = k; p < begin; ++p) {
      ++old_line;
      ++new_line;
    }
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (std::size_t p = begin; p < stop; ++p) {
      if (ops[p].kind != '+') ++old_count;
      if (ops[p].kind != '-') ++new_count;
    }
    out += "@@ -" + std::to_string(old_count == 0 ? old_line : old_line + 1) + "," +
           std::to_string(old_count) + " +" +
           std::to_string(new_count == 0 ? new_line : new_line + 1) + "," +
           std::to_string(new_count) + " @@\n";
    for (std::size_t p = begin; p < stop; ++p) append_line(out, ops[p].kind, ops[p].line);
    old_line += old_count;
    new_line += new_count;
    k = stop;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Files.

namespace {

namespace fs = std::filesystem;

Error io_error(int err, std::string_view what, const std::string& file, const fs::path& path) {
  ErrorCode code = ErrorCode::kInternal;
  if (err == EACCES || err == EPERM || err == EROFS) code = ErrorCode::kPermissionDenied;
  if (err == ENOSPC || err == EDQUOT) code = ErrorCode::kResourceExhausted;
  if (err == ENOENT) code = ErrorCode::kNotFound;
  Error e = make_error(code, std::string(what) + " " + path.string() + ": " +
                                 std::error_code(err, std::generic_category()).message());
  if (!file.empty()) e.with("file", file);
  return std::move(e).with("path", path.string());
}

Error file_error(ErrorCode code, const std::string& file, std::string message) {
  return make_error(code, file + ": " + std::move(message)).with("file", file);
}

Result<std::string> read_file(const std::string& file, const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "cannot open", file, path);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return io_error(err, "cannot read", file, path);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return text;
}

bool fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

/// Replaces `path` with `text` atomically: a temporary file in the same
/// folder, written, fsynced, given `mode` (and owner) when `original` is set
/// (else created 0666 less the umask), renamed over `path`; then the folder
/// is fsynced.
Result<bool> write_atomically(const std::string& file, const fs::path& path, std::string_view text,
                              const std::optional<struct stat>& original) {
  std::random_device random;  // only makes names distinct; a clash is caught by O_EXCL
  const fs::path dir = path.parent_path();
  int fd = -1;
  fs::path temp;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = dir / ("." + path.filename().string() + ".callboard-" + std::to_string(::getpid()) +
                  "-" + std::to_string(random()));
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, original ? 0600 : 0666);
    if (fd < 0 && errno != EEXIST) return io_error(errno, "cannot create", file, temp);
  }
  if (fd < 0) return io_error(EEXIST, "cannot create a temporary file for", file, path);
  const auto fail = [&](std::string_view what) -> Error {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return io_error(err, what, file, temp);
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t put = ::write(fd, text.data() + done, text.size() - done);
    if (put < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<std::size_t>(put);
  }
  if (original) {
    if (::fchown(fd, original->st_uid, original->st_gid) != 0) {
      // Not ours to give away (no privilege): the file keeps our owner.
    }
    if (::fchmod(fd, original->st_mode & 07777) != 0) return fail("cannot set the mode of");
  }
  if (::fsync(fd) != 0) return fail("cannot fsync");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(err, "cannot close", file, temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return io_error(err, "cannot rename over", file, path);
  }
  if (!fsync_dir(dir)) return io_error(errno, "cannot fsync the folder of", file, path);
  return true;
}

/// `inner` is `outer` or below it (both canonical).
bool is_inside(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

struct Planned {
  const FileEdits* edits = nullptr;
  fs::path target;  // canonical: where the bytes go (a symlink's target)
  std::optional<struct stat> original;
  std::string before;
  std::string after;
};

/// Checks `file` and finds where it lives; fills target and original.
Result<bool> locate(const fs::path& root, const std::string& file, Planned& out) {
  if (file.empty()) return file_error(ErrorCode::kInvalidArgument, file, "the file name is empty");
  if (file.find('\0') != std::string::npos) {
    return file_error(ErrorCode::kInvalidArgument, file, "the file name holds a NUL byte");
  }
  const fs::path rel(file);
  if (rel.is_absolute() || rel.has_root_path()) {
    return file_error(ErrorCode::kInvalidArgument, file,
                      "the file must be a relative path inside the root");
  }
  for (const auto& part : rel) {
    if (part == "..")
      return file_error(ErrorCode::kInvalidArgument, file, "the file must not contain '..'");
  }
  if (!rel.has_filename() || rel.filename() == ".") {
    return file_error(ErrorCode::kInvalidArgument, file, "the file name names a folder");
  }
  std::error_code ec;
  const fs::path lexical = root / rel;
  const auto link = fs::symlink_status(lexical, ec);
  const fs::path resolved = fs::weakly_canonical(lexical, ec);
  if (ec)
    return file_error(ErrorCode::kInvalidArgument, file,
                      "cannot resolve the path: " + ec.message());
  const fs::path canonical_root = fs::canonical(root, ec);
  if (ec || !is_inside(canonical_root, resolved) || resolved == canonical_root) {
    return file_error(ErrorCode::kInvalidArgument, file, "the file resolves outside the root")
        .with("path", resolved.string());
  }
  out.target = resolved;
  struct stat st {};
  if (::stat(resolved.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      return file_error(ErrorCode::kFailedPrecondition, file, "not a regular file");
    out.original = st;
    return true;
  }
  if (errno != ENOENT) return io_error(errno, "cannot stat", file, resolved);
  if (fs::is_symlink(link)) {
    return file_error(ErrorCode::kInvalidArgument, file, "the file is a symlink to nothing");
  }
  const fs::path parent = resolved.parent_path();
  if (!fs::is_directory(parent, ec))
    return file_error(ErrorCode::kNotFound, file, "its folder does not exist");
  return true;
}

std::string utc_stamp() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(now - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

Result<fs::path> make_backup_dir(const fs::path& root, const ApplyOptions& options) {
  std::error_code ec;
  if (!options.backup_dir.empty()) {
    fs::create_directories(options.backup_dir, ec);
    if (ec) return io_error(ec.value(), "cannot create the backup folder", "", options.backup_dir);
    return options.backup_dir;
  }
  const fs::path base = root / ".callboard" / "backup";
  fs::create_directories(base, ec);
  if (ec) return io_error(ec.value(), "cannot create the backup folder", "", base);
  const std::string stamp = utc_stamp();
  for (int n = 0; n < 1000; ++n) {
    const fs::path dir = base / (n == 0 ? stamp : stamp + "-" + std::to_string(n));
    if (fs::create_directory(dir, ec)) return dir;
    if (ec) return io_error(ec.value(), "cannot create the backup folder", "", dir);
  }
  return make_error(ErrorCode::kResourceExhausted, "too many backup folders for " + stamp)
      .with("path", base.string());
}

}  // namespace

Result<ApplyReport> apply_json_edits(const fs::path& root, std::span<const FileEdits> files,
                                     const ApplyOptions& options, const ParseLimits& limits) {
  try {
    std::error_code ec;
    const auto root_status = fs::status(root, ec);
    if (!fs::exists(root_status)) {
      return make_error(ErrorCode::kNotFound, "the root " + root.string() + " does not exist")
          .with("path", root.string());
    }
    if (!fs::is_directory(root_status)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the root " + root.string() + " is not a folder")
          .with("path", root.string());
    }

    // 1. Everything in memory; any failure here writes nothing.
    std::vector<Planned> plan(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      Planned& p = plan[i];
      p.edits = &files[i];
      const std::string& file = files[i].file;
      auto located = locate(root, file, p);
      if (!located.ok()) return std::move(located).error();
      for (std::size_t j = 0; j < i; ++j) {
        if (plan[j].target == p.target) {
          return file_error(ErrorCode::kInvalidArgument, file,
                            "the file is named twice (as " + plan[j].edits->file + ")");
        }
      }
      if (p.original) {
        auto text = read_file(file, p.target);
        if (!text.ok()) return std::move(text).error();
        p.before = std::move(*text);
      } else {
        for (const JsonEdit& e : files[i].edits) {
          if (!e.value) {
            return file_error(ErrorCode::kNotFound, file,
                              "the file does not exist and an edit removes a member");
          }
        }
      }
      auto edited =
          edit_json_text(p.original ? std::string_view(p.before) : std::string_view("{}\n"),
                         files[i].edits, limits);
      if (!edited.ok()) return std::move(edited).error().with("file", file);
      p.after = std::move(*edited);
    }

    ApplyReport report;
    for (const Planned& p : plan) {
      FileChangeReport r;
      r.file = p.edits->file;
      r.created = !p.original;
      r.changed = r.created || p.before != p.after;
      if (r.changed) {
        r.diff =
            unified_diff(p.before, p.after, r.created ? "/dev/null" : "a/" + r.file, "b/" + r.file);
      }
      report.files.push_back(std::move(r));
    }
    if (options.dry_run) return report;

    // 2. Backups of every file that changes, before any file is replaced.
    const bool any_backup = std::any_of(plan.begin(), plan.end(), [](const Planned& p) {
      return p.original && p.before != p.after;
    });
    if (any_backup) {
      auto dir = make_backup_dir(root, options);
      if (!dir.ok()) return std::move(dir).error();
      report.backup_dir = *dir;
      for (std::size_t i = 0; i < plan.size(); ++i) {
        const Planned& p = plan[i];
        if (!p.original || p.before == p.after) continue;
        const fs::path backup = *dir / fs::path(p.edits->file).lexically_normal();
        fs::create_directories(backup.parent_path(), ec);
        if (ec)
          return io_error(ec.value(), "cannot create the backup folder", p.edits->file,
                          backup.parent_path());
        auto written = write_atomically(p.edits->file, backup, p.before, p.original);
        if (!written.ok()) return std::move(written).error();
        report.files[i].backup = backup;
      }
    }

    // 3. Replace, restoring what was replaced if one fails.
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const Planned& p = plan[i];
      if (!report.files[i].changed) continue;
      Result<bool> written = true;
      struct stat now {};
      const bool exists = ::stat(p.target.c_str(), &now) == 0;
      if (p.original ? (!exists || now.st_size != p.original->st_size ||
                        now.st_mtim.tv_sec != p.original->st_mtim.tv_sec ||
                        now.st_mtim.tv_nsec != p.original->st_mtim.tv_nsec)
                     : exists) {
        written = file_error(ErrorCode::kAborted, p.edits->file,
                             "the file changed while it was being edited");
      } else {
        written = write_atomically(p.edits->file, p.target, p.after, p.original);
      }
      if (written.ok()) continue;
      bool restored = true;
      for (std::size_t j = 0; j < i; ++j) {
        const Planned& q = plan[j];
        if (!report.files[j].changed) continue;
        if (q.original) {
          restored =
              write_atomically(q.edits->file, q.target, q.before, q.original).ok() && restored;
        } else {
          restored = ::unlink(q.target.c_str()) == 0 && restored;
        }
      }
      Error e = std::move(written).error();
      e.message += restored
                       ? " (the files already replaced were restored)"
                       : " (restoring the files already replaced failed: see the backup folder)";
      return std::move(e).with("restored", restored ? "yes" : "no");
    }
    return report;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("apply_json_edits: ") + e.what());
  }
}

}  // namespace callboard
