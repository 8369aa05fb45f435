// The bounded JSON front end every model parser shares, and the writer.
//
// Parsing uses Boost.JSON's basic_parser with our own handler instead of
// boost::json::parse, for two reasons:
//  - Boost 1.81 converts decimal text to double with two roundings, so a
//    double printed with its shortest representation may read back one ulp
//    off; the handler re-reads every double's text with std::from_chars,
//    which rounds correctly, so to_json -> parse is exact for scores.
//  - Packuments carry megabytes nobody reads (readme, users, _attachments,
//    per-version maintainers and the like); the handler still parses them
//    for syntax but never allocates them.
#include "model/json_detail.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <exception>
#include <iterator>
#include <new>
#include <system_error>
#include <utility>

namespace callboard::model_detail {
namespace {

// Fields of a package.json that no callboard code reads, and top-level
// packument members likewise. These run for every member of every version
// entry, so they switch on the length first (generated from the lists).
bool is_ignored_manifest_key(std::string_view key) noexcept {
  switch (key.size()) {
    case 2: return key == "os";
    case 3: return key == "_id" || key == "bin" || key == "cpu" || key == "man";
    case 4: return key == "bugs" || key == "jest";
    case 5: return key == "_from" || key == "files" || key == "husky";
    case 6: return key == "author" || key == "config" || key == "readme";
    case 7: return key == "_shasum" || key == "funding" || key == "gitHead";
    case 8: return key == "_npmUser" || key == "prettier";
    case 9: return key == "_resolved" || key == "overrides";
    case 10: return key == "_integrity";
    case 11:
      return key == "_npmVersion" || key == "directories" || key == "lint-staged" ||
             key == "maintainers" || key == "resolutions" || key == "sideEffects";
    case 12:
      return key == "_nodeVersion" || key == "browserslist" || key == "configSchema" ||
             key == "contributors" || key == "eslintConfig";
    case 13: return key == "typesVersions";
    case 14: return key == "_hasShrinkwrap" || key == "readmeFilename";
    case 18: return key == "bundleDependencies";
    case 19: return key == "bundledDependencies";
    case 23: return key == "_npmOperationalInternal";
    default: return false;
  }
}

bool is_ignored_packument_key(std::string_view key) noexcept {
  switch (key.size()) {
    case 3: return key == "_id";
    case 4: return key == "_rev" || key == "bugs";
    case 5: return key == "users";
    case 6: return key == "author" || key == "readme";
    case 7: return key == "_cached" || key == "license";
    case 8: return key == "homepage" || key == "keywords";
    case 10: return key == "repository";
    case 11: return key == "maintainers";
    case 12: return key == "_attachments" || key == "contributors";
    case 14: return key == "_contentLength" || key == "readmeFilename";
    default: return false;
  }
}

/// basic_parser handler: Boost's own DOM handler (value_stack), plus exact
/// doubles and skipping. `level_` counts open containers that are kept.
class Handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  Handler(const json::storage_ptr& storage, SkipProfile skip) : skip_(skip) {
    stack_.reset(storage);
  }

  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) { return open_container(); }
  bool on_array_begin(json::error_code&) { return open_container(); }
  bool on_object_end(std::size_t n, json::error_code&) {
    if (close_skipped()) return true;
    stack_.push_object(n);
    close_kept();
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    if (close_skipped()) return true;
    stack_.push_array(n);
    close_kept();
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (skip_depth_ > 0) return true;
    stack_.push_chars(s);
    if (skip_ != SkipProfile::kNone) key_buffer_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (skip_depth_ > 0) return true;
    stack_.push_key(s);
    if (skip_ == SkipProfile::kNone) return true;
    std::string_view key(s.data(), s.size());
    if (!key_buffer_.empty()) {
      key_buffer_.append(s.data(), s.size());
      key = key_buffer_;
    }
    decide_skip(key);
    key_buffer_.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (skip_depth_ > 0 || skip_next_) return true;
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    if (scalar_skipped()) return true;
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    if (skip_depth_ == 0 && !skip_next_) number_buffer_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_buffer_.clear();
    if (scalar_skipped()) return true;
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_buffer_.clear();
    if (scalar_skipped()) return true;
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    if (scalar_skipped()) {
      number_buffer_.clear();
      return true;
    }
    std::string_view text(s.data(), s.size());
    if (!number_buffer_.empty()) {
      number_buffer_.append(s.data(), s.size());
      text = number_buffer_;
    }
    double exact = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), exact);
    if (ec == std::errc() && end == text.data() + text.size()) d = exact;
    number_buffer_.clear();
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    if (scalar_skipped()) return true;
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    if (scalar_skipped()) return true;
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool open_container() {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (skip_next_) {
      skip_next_ = false;
      skip_depth_ = 1;
      return true;
    }
    ++level_;
    if (level_ == 2) in_versions_ = next_is_versions_;
    return true;
  }
  /// True when the end event belongs to a skipped container.
  bool close_skipped() {
    if (skip_depth_ == 0) return false;
    if (--skip_depth_ == 0) stack_.push_null();
    return true;
  }
  void close_kept() {
    if (level_ == 2) in_versions_ = false;
    --level_;
  }
  /// True when a scalar event is to be dropped (pushing null in its place
  /// when it is the skipped member's value).
  bool scalar_skipped() {
    if (skip_depth_ > 0) return true;
    if (!skip_next_) return false;
    skip_next_ = false;
    stack_.push_null();
    return true;
  }
  void decide_skip(std::string_view key) {
    if (level_ == 1) {
      next_is_versions_ = key == "versions";
      skip_next_ = skip_ == SkipProfile::kManifest ? is_ignored_manifest_key(key)
                                                   : is_ignored_packument_key(key);
    } else if (level_ == 3 && in_versions_ && skip_ == SkipProfile::kPackument) {
      skip_next_ = is_ignored_manifest_key(key);
    }
  }

  json::value_stack stack_;
  SkipProfile skip_;
  std::size_t level_ = 0;
  std::size_t skip_depth_ = 0;
  bool skip_next_ = false;
  bool next_is_versions_ = false;
  bool in_versions_ = false;
  std::string key_buffer_;
  std::string number_buffer_;
};

bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// 1-based line and column (in bytes) of `offset` in `text`.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

Error positioned_error(ErrorCode code, std::string_view text, std::size_t offset,
                       std::string_view what, std::string_view reason) {
  const auto [line, column] = line_column(text, offset);
  std::string message = std::string(what) + ": " + std::string(reason) + " at line " +
                        std::to_string(line) + ", column " + std::to_string(column);
  return make_error(code, std::move(message))
      .with("line", std::to_string(line))
      .with("column", std::to_string(column))
      .with("offset", std::to_string(std::min(offset, text.size())));
}

Error syntax_error(std::string_view text, std::size_t offset, std::string_view what,
                   std::string_view reason) {
  return positioned_error(ErrorCode::kInvalidArgument, text, offset, what,
                          "invalid JSON (" + std::string(reason) + ")");
}

}  // namespace

Result<json::value> parse_document(std::string_view text, const ParseLimits& limits,
                                   std::string_view what, SkipProfile skip,
                                   const json::storage_ptr& storage) {
  if (text.size() > limits.max_document_bytes) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": document is " +
                                                         std::to_string(text.size()) +
                                                         " bytes, more than the limit of " +
                                                         std::to_string(limits.max_document_bytes))
        .with("bytes", std::to_string(text.size()))
        .with("limit", std::to_string(limits.max_document_bytes));
  }
  try {
    json::parse_options options;
    options.max_depth = limits.max_depth;
    json::basic_parser<Handler> parser(options, storage, skip);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec) {
      if (ec == json::error::too_deep) {
        return positioned_error(
                   ErrorCode::kResourceExhausted, text, used, what,
                   "JSON nests deeper than the limit of " + std::to_string(limits.max_depth))
            .with("limit", std::to_string(limits.max_depth));
      }
      return syntax_error(text, used, what, ec.message());
    }
    for (std::size_t i = used; i < text.size(); ++i) {
      if (!is_json_space(text[i]))
        return syntax_error(text, i, what, "unexpected data after the document");
    }
    if (!parser.done()) return syntax_error(text, text.size(), what, "incomplete document");
    return parser.handler().release();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted,
                      std::string(what) + ": out of memory while parsing");
  } catch (const std::length_error& e) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": " + e.what());
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  }
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out.push_back('/');
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Error pointer_error(std::string_view what, std::string_view pointer, std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::string(what) + ": " +
                                                     std::string(pointer.empty() ? "/" : pointer) +
                                                     ": " + std::move(message))
      .with("pointer", std::string(pointer));
}

std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  const std::size_t left = s.size() - i;
  const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return byte(k) >= lo && byte(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

// ---------------------------------------------------------------- StrictObject

const json::value* StrictObject::member(std::string_view key) const {
  const json::value* v = object_.if_contains(json::string_view(key.data(), key.size()));
  return v == nullptr || v->is_null() ? nullptr : v;
}

bool StrictObject::fail(const std::string& pointer, std::string message) {
  if (!error_) error_ = pointer_error(what_, pointer, std::move(message));
  return false;
}

bool StrictObject::get(std::string_view key, std::string& out) {
  const auto* v = member(key);
  if (v == nullptr) return true;
  const auto s = string_of(*v);
  if (!s) return fail(pointer(key), "expected a string");
  out.assign(s->data(), s->size());
  return true;
}

bool StrictObject::get(std::string_view key, bool& out) {
  const auto* v = member(key);
  if (v == nullptr) return true;
  const auto* b = v->if_bool();
  if (b == nullptr) return fail(pointer(key), "expected true or false");
  out = *b;
  return true;
}

bool StrictObject::get(std::string_view key, double& out) {
  const auto* v = member(key);
  if (v == nullptr) return true;
  if (const auto* d = v->if_double()) {
    out = *d;
  } else if (const auto* i = v->if_int64()) {
    out = static_cast<double>(*i);
  } else if (const auto* u = v->if_uint64()) {
    out = static_cast<double>(*u);
  } else {
    return fail(pointer(key), "expected a number");
  }
  // 1e999 reads as infinity, which JSON cannot print back.
  if (!std::isfinite(out)) return fail(pointer(key), "number out of range");
  return true;
}

bool StrictObject::get(std::string_view key, std::optional<std::int64_t>& out) {
  const auto* v = member(key);
  if (v == nullptr) return true;
  if (const auto* i = v->if_int64()) {
    out = *i;
    return true;
  }
  return fail(pointer(key), "expected an integer");
}

bool StrictObject::get(std::string_view key, Timestamp& out) {
  const auto* v = member(key);
  if (v == nullptr) return true;
  const auto s = string_of(*v);
  if (!s) return fail(pointer(key), "expected an ISO-8601 time string");
  const auto t = parse_timestamp(*s);
  if (!t) return fail(pointer(key), "not an ISO-8601 time: \"" + std::string(*s) + "\"");
  out = *t;
  return true;
}

bool StrictObject::get(std::string_view key, std::vector<std::string>& out) {
  const auto* arr = array(key);
  if (arr == nullptr) return !error_;
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto s = string_of((*arr)[i]);
    if (!s) return fail(pointer(key) + "/" + std::to_string(i), "expected a string");
    out.emplace_back(*s);
  }
  return true;
}

bool StrictObject::get(std::string_view key, PluginSystem& out) {
  std::string text;
  if (!get(key, text) || text.empty()) return !error_;
  const auto parsed = parse_plugin_system(text);
  if (!parsed) return fail(pointer(key), "unknown plugin system \"" + text + "\"");
  out = *parsed;
  return true;
}

const json::object* StrictObject::object(std::string_view key) {
  const auto* v = member(key);
  if (v == nullptr) return nullptr;
  const auto* o = v->if_object();
  if (o == nullptr) fail(pointer(key), "expected an object");
  return o;
}

const json::array* StrictObject::array(std::string_view key) {
  const auto* v = member(key);
  if (v == nullptr) return nullptr;
  const auto* a = v->if_array();
  if (a == nullptr) fail(pointer(key), "expected an array");
  return a;
}

}  // namespace callboard::model_detail
