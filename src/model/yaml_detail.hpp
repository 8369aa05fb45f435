#pragma once
// Private: a bounded YAML reader on top of libyaml's event API, for the two
// YAML inputs the model reads (plugin-directory entries and yarn berry
// lockfiles). It builds a small DOM of scalars, sequences and mappings.
//
// Hostile input is the norm here, so the reader refuses what neither input
// needs: aliases (which is what makes "billion laughs" possible: with no
// alias there is nothing to expand), non-scalar mapping keys, duplicate keys
// and more than one document. It bounds the input size, the nesting depth and
// the number of nodes. libyaml never appears outside yaml_detail.cpp.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"

namespace callboard::model_detail {

/// One YAML node. Tags are ignored: every scalar keeps its text as written
/// (so `version: 1.50` stays "1.50", never a float).
struct YamlNode {
  enum class Kind : std::uint8_t { kScalar, kSequence, kMapping };

  Kind kind = Kind::kScalar;
  /// True for a plain (unquoted) scalar; only plain scalars can be null.
  bool plain = true;
  /// 1-based position of the node's first character.
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  /// A scalar's text (libyaml has already folded and unescaped it).
  std::string text;
  /// Mapping keys, in document order; `children[i]` is the value of `keys[i]`.
  std::vector<std::string> keys;
  /// Where each mapping key starts (1-based), parallel to `keys`.
  struct Mark {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
  };
  std::vector<Mark> key_marks;
  /// Sequence items, or mapping values.
  std::vector<YamlNode> children;

  [[nodiscard]] bool is_scalar() const noexcept { return kind == Kind::kScalar; }
  [[nodiscard]] bool is_sequence() const noexcept { return kind == Kind::kSequence; }
  [[nodiscard]] bool is_mapping() const noexcept { return kind == Kind::kMapping; }
  /// A plain scalar that YAML's core schema reads as null: empty, `~`, `null`.
  [[nodiscard]] bool is_null() const noexcept;
  /// The value of `key` in a mapping, or nullptr (also for non-mappings).
  [[nodiscard]] const YamlNode* find(std::string_view key) const noexcept;
};

struct YamlLimits {
  std::size_t max_bytes = 1u << 20;
  /// Collections nested deeper than this are refused.
  std::size_t max_depth = 64;
  /// Scalars, sequences and mappings together (keys count too).
  std::size_t max_nodes = 100000;
};

/// Parses one YAML document. An empty stream (or one holding only comments)
/// gives a null scalar at line 1, column 1.
///
/// Errors: kResourceExhausted when a bound is exceeded; kInvalidArgument for
/// syntax errors, aliases, non-scalar or duplicate keys and a second
/// document. Messages start with `what`; context carries "file" (= `file`),
/// "line" and "column" (1-based). Never throws.
Result<YamlNode> parse_yaml(std::string_view text, std::string_view what, std::string_view file,
                            const YamlLimits& limits);

/// kInvalidArgument "<what>: line L, column C: <message>" with context
/// file, line, column, and "field" when `field` is not empty.
Error yaml_node_error(const YamlNode& node, std::string_view what, std::string_view file,
                      std::string_view field, std::string message);
/// The same, at a given position (a mapping key's, from `key_marks`).
Error yaml_mark_error(YamlNode::Mark mark, std::string_view what, std::string_view file,
                      std::string_view field, std::string message);

}  // namespace callboard::model_detail
