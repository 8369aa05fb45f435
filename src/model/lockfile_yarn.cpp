// yarn.lock, both formats. Classic (yarn 1) is an indentation-based format
// of its own that only looks like YAML (`version "1.2.3"` has no colon), so
// it gets a line parser; berry (yarn 2+) is real YAML and goes through the
// bounded YAML reader.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/semver.hpp"
#include "model/lockfile.hpp"
#include "model/yaml_detail.hpp"

namespace callboard::model_detail {
namespace {

// A berry lockfile holds about 40 YAML nodes per package; this admits
// ~50,000 packages while capping the DOM at a few hundred MB for hostile input.
constexpr std::size_t kMaxBerryNodes = 2'000'000;

// True when a descriptor's range resolves through the registry: a semver
// range or tag ("^1.2.0", "latest", ">=1 <2") or an "npm:" alias. Anything
// with a protocol or a path (git, github:, file:, link:, a URL, "user/repo")
// does not.
bool is_registry_range(std::string_view range) {
  if (range.starts_with("npm:")) return true;
  return range.find(':') == std::string_view::npos && range.find('/') == std::string_view::npos;
}

// The real package behind a descriptor: "b@npm:a@^1" and "b@npm:@s/a" are
// aliases of a and @s/a; "a@npm:^1.0.0" is plain a with the protocol spelled out.
std::string_view real_name(const Descriptor& d) {
  if (!d.range.starts_with("npm:")) return d.name;
  const std::string_view target = d.range.substr(4);
  const auto t = split_descriptor(target);
  if (t && (!t->range.empty() || target.starts_with('@'))) return t->name;
  return d.name;
}

// What a descriptor contributes to LockedPackage::descriptors: its range,
// "npm:" dropped when it only spells out the protocol ("a@npm:^1" ->
// "^1"), kept for an alias ("b@npm:a@^1" -> "npm:a@^1"). Empty for a
// range that does not go through the registry.
std::string descriptor_range(const Descriptor& d) {
  if (!is_registry_range(d.range)) return {};
  if (!d.range.starts_with("npm:")) return std::string(d.range);
  const std::string_view target = d.range.substr(4);
  const auto t = split_descriptor(target);
  if (t && (!t->range.empty() || target.starts_with('@'))) return std::string(d.range);
  return std::string(target);
}

void add_descriptor(std::vector<std::string>& out, std::string_view key) {
  const auto d = split_descriptor(key);
  if (!d) return;
  std::string range = descriptor_range(*d);
  if (!range.empty()) out.push_back(std::move(range));
}

Error too_many(std::string_view file) {
  return make_error(ErrorCode::kResourceExhausted,
                    std::string(file) + ": more than " + std::to_string(kMaxLockedPackages) + " locked packages")
      .with("file", std::string(file));
}

// ---------------------------------------------------------------------------
// Classic

struct Token {
  enum class Kind : std::uint8_t { kString, kComma, kColon };
  Kind kind = Kind::kString;
  std::string text;
};

class ClassicParser {
 public:
  ClassicParser(std::string_view file, const ParseLimits& limits) : file_(file), limits_(limits) {}

  Result<std::vector<LockedPackage>> run(std::string_view text) {
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (auto r = handle_line(line, line_number); !r) return std::move(r).error();
    }
    if (auto r = finish_entry(); !r) return std::move(r).error();
    merge_by_version(out_);
    return std::move(out_);
  }

 private:
  Error fail(std::size_t line, std::string message) const {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(file_) + ": line " + std::to_string(line) + ": " + std::move(message))
        .with("file", std::string(file_))
        .with("line", std::to_string(line));
  }

  // Splits a line (after its indentation) into strings, commas and colons,
  // the way yarn's own tokenizer does: an unquoted string ends at white
  // space, ',' or ':'; a quoted one is JSON-escaped.
  Result<std::vector<Token>> tokenize(std::string_view s, std::size_t line) const {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == ' ' || c == '\t') {
        ++i;
      } else if (c == '#') {
        break;  // a comment runs to the end of the line
      } else if (c == ',') {
        tokens.push_back({Token::Kind::kComma, {}});
        ++i;
      } else if (c == ':') {
        tokens.push_back({Token::Kind::kColon, {}});
        ++i;
      } else if (c == '"') {
        Token t;
        ++i;
        bool closed = false;
        while (i < s.size()) {
          const char d = s[i++];
          if (d == '"') {
            closed = true;
            break;
          }
          if (d != '\\') {
            t.text.push_back(d);
            continue;
          }
          if (i >= s.size()) break;
          const char e = s[i++];
          switch (e) {
            case '"': case '\\': case '/': t.text.push_back(e); break;
            case 'n': t.text.push_back('\n'); break;
            case 't': t.text.push_back('\t'); break;
            case 'r': t.text.push_back('\r'); break;
            case 'b': t.text.push_back('\b'); break;
            case 'f': t.text.push_back('\f'); break;
            default:
              // \uXXXX never occurs in names, versions or hashes; refusing it
              // keeps this reader small without losing anything real.
              return fail(line, std::string("unsupported escape '\\") + e + "' in a quoted string");
          }
        }
        if (!closed) return fail(line, "unterminated quoted string");
        tokens.push_back(std::move(t));
      } else {
        Token t;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != ',' && s[i] != ':') t.text.push_back(s[i++]);
        tokens.push_back(std::move(t));
      }
    }
    return tokens;
  }

  Result<void> handle_line(std::string_view line, std::size_t line_number) {
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const std::string_view rest = line.substr(indent);
    if (rest.empty() || rest.front() == '#') return ok_result();
    if (rest.front() == '\t') return fail(line_number, "tab in indentation (yarn.lock indents with spaces)");

    auto tokens = tokenize(rest, line_number);
    if (!tokens) return std::move(tokens).error();
    if (tokens->empty()) return ok_result();  // only a trailing comment

    // keys := string (',' string)* ; line := keys ':' | keys ':'? value
    std::vector<std::string> keys;
    std::size_t i = 0;
    for (;;) {
      if (i >= tokens->size() || (*tokens)[i].kind != Token::Kind::kString) {
        return fail(line_number, "expected a key");
      }
      keys.push_back(std::move((*tokens)[i].text));
      ++i;
      if (i < tokens->size() && (*tokens)[i].kind == Token::Kind::kComma) {
        ++i;
        continue;
      }
      break;
    }
    bool colon = false;
    if (i < tokens->size() && (*tokens)[i].kind == Token::Kind::kColon) {
      colon = true;
      ++i;
    }
    std::optional<std::string> value;
    if (i < tokens->size()) {
      if ((*tokens)[i].kind != Token::Kind::kString) return fail(line_number, "expected a value");
      value = std::move((*tokens)[i].text);
      ++i;
    }
    if (i != tokens->size()) return fail(line_number, "unexpected text after the value");
    if (!colon && !value) return fail(line_number, "expected ':' or a value after the key");
    if (value && keys.size() > 1) return fail(line_number, "a value cannot follow several keys");
    const bool opens_block = !value;

    // Indentation: `levels_` holds the indent of each open block's lines.
    if (expect_child_) {
      expect_child_ = false;
      if (indent > levels_.back()) {
        if (levels_.size() >= limits_.max_depth) {
          return fail(line_number, "blocks nest deeper than the limit of " + std::to_string(limits_.max_depth));
        }
        levels_.push_back(indent);
      }
      // else: the block just opened is empty.
    }
    while (indent < levels_.back()) levels_.pop_back();
    if (indent != levels_.back()) return fail(line_number, "inconsistent indentation");
    const std::size_t depth = levels_.size() - 1;
    if (opens_block) expect_child_ = true;

    if (depth == 0) {
      if (!opens_block) return fail(line_number, "expected an entry header ending in ':'");
      if (auto r = finish_entry(); !r) return r;
      entry_ = Entry{};
      entry_.line = line_number;
      entry_.keys = std::move(keys);
      in_entry_ = true;
      return ok_result();
    }
    if (depth == 1 && value) {
      const std::string& key = keys.front();
      if (key == "version") {
        entry_.version = std::move(*value);
        entry_.has_version = true;
      } else if (key == "integrity") {
        entry_.integrity = std::move(*value);
      }
    }
    // Deeper lines (dependency lists) are checked for syntax only.
    return ok_result();
  }

  Result<void> finish_entry() {
    if (!in_entry_) return ok_result();
    in_entry_ = false;
    const std::string& first_key = entry_.keys.front();
    const auto d = split_descriptor(first_key);
    if (!d) return fail(entry_.line, "entry '" + first_key + "' has no package name");
    if (!entry_.has_version) return fail(entry_.line, "entry '" + first_key + "' has no version");
    if (!is_registry_range(d->range)) return ok_result();
    auto version = registry_version(entry_.version);
    if (!version) return ok_result();
    if (out_.size() >= kMaxLockedPackages) return too_many(file_);
    LockedPackage p;
    p.name = std::string(real_name(*d));
    p.version = std::move(*version);
    p.integrity = std::move(entry_.integrity);
    for (const auto& key : entry_.keys) add_descriptor(p.descriptors, key);
    out_.push_back(std::move(p));
    return ok_result();
  }

  struct Entry {
    std::size_t line = 0;
    std::vector<std::string> keys;  // never empty
    std::string version;
    bool has_version = false;
    std::string integrity;
  };

  std::string_view file_;
  ParseLimits limits_;
  std::vector<std::size_t> levels_{0};
  bool expect_child_ = false;
  bool in_entry_ = false;
  Entry entry_;
  std::vector<LockedPackage> out_;
};

// ---------------------------------------------------------------------------
// Berry

Result<std::vector<LockedPackage>> parse_berry(std::string_view text, std::string_view file,
                                               const ParseLimits& limits) {
  YamlLimits yaml_limits;
  yaml_limits.max_bytes = limits.max_document_bytes;
  yaml_limits.max_depth = limits.max_depth;
  yaml_limits.max_nodes = kMaxBerryNodes;
  auto root = parse_yaml(text, file, file, yaml_limits);
  if (!root) return std::move(root).error();
  std::vector<LockedPackage> out;
  if (root->is_null()) return out;
  if (!root->is_mapping()) return yaml_node_error(*root, file, file, "", "expected a mapping of entries");
  for (std::size_t i = 0; i < root->keys.size(); ++i) {
    const std::string& key = root->keys[i];
    const YamlNode& entry = root->children[i];
    if (key == "__metadata") continue;
    const YamlNode::Mark key_mark = root->key_marks[i];
    if (!entry.is_mapping()) return yaml_mark_error(key_mark, file, file, key, "expected a mapping");
    const YamlNode* resolution = entry.find("resolution");
    if (resolution == nullptr) return yaml_mark_error(key_mark, file, file, key, "has no 'resolution'");
    if (!resolution->is_scalar() || resolution->is_null()) {
      return yaml_node_error(*resolution, file, file, key, "expected a 'resolution' string");
    }
    const auto d = split_descriptor(resolution->text);
    if (!d) return yaml_node_error(*resolution, file, file, key, "resolution has no package name");
    // Only registry packages: workspace:, patch: (a patched copy of an npm
    // entry that is listed on its own), link:, portal:, file:, git, exec:.
    if (!d->range.starts_with("npm:")) continue;
    std::string_view version = d->range.substr(4);
    if (const YamlNode* v = entry.find("version"); v != nullptr && v->is_scalar() && !v->is_null()) {
      version = v->text;
    }
    auto canonical = registry_version(version);
    if (!canonical) continue;
    if (out.size() >= kMaxLockedPackages) return too_many(file);
    LockedPackage p;
    p.name = std::string(d->name);
    p.version = std::move(*canonical);
    // The key lists the descriptors: "a@npm:^1.0.0, a@npm:^1.2.0".
    std::string_view rest = key;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      if (comma == std::string_view::npos) comma = rest.size();
      std::string_view one = rest.substr(0, comma);
      rest.remove_prefix(std::min(rest.size(), comma + 1));
      while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
      while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
      add_descriptor(p.descriptors, one);
    }
    out.push_back(std::move(p));
  }
  merge_by_version(out);
  return out;
}

}  // namespace

LockfileKind detect_yarn_lock_kind(std::string_view text) noexcept {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line == "__metadata:" || line == "\"__metadata\":") return LockfileKind::kYarnBerry;
  }
  return LockfileKind::kYarnClassic;
}

Result<YarnLock> parse_yarn_lock(std::string_view text, std::string_view file, const ParseLimits& limits) {
  try {
    if (text.size() > limits.max_document_bytes) {
      return make_error(ErrorCode::kResourceExhausted,
                        std::string(file) + ": " + std::to_string(text.size()) + " bytes, more than the limit of " +
                            std::to_string(limits.max_document_bytes))
          .with("file", std::string(file));
    }
    YarnLock lock;
    lock.kind = detect_yarn_lock_kind(text);
    auto packages = lock.kind == LockfileKind::kYarnBerry ? parse_berry(text, file, limits)
                                                          : ClassicParser(file, limits).run(text);
    if (!packages) return std::move(packages).error();
    lock.packages = std::move(*packages);
    return lock;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(file) + ": out of memory")
        .with("file", std::string(file));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(file) + ": " + e.what()).with("file", std::string(file));
  }
}

}  // namespace callboard::model_detail
