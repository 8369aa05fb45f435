#include "model/yaml_detail.hpp"

#include <yaml.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <new>
#include <numeric>
#include <optional>
#include <utility>

namespace callboard::model_detail {
namespace {

std::uint32_t to_position(std::size_t zero_based) noexcept {
  constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max() - 1;
  return static_cast<std::uint32_t>(std::min(zero_based, kMax) + 1);
}

Error located_error(ErrorCode code, std::string_view what, std::string_view file, std::uint32_t line,
                    std::uint32_t column, std::string_view message) {
  std::string text = std::string(what) + ": line " + std::to_string(line) + ", column " +
                     std::to_string(column) + ": " + std::string(message);
  return make_error(code, std::move(text))
      .with("file", std::string(file))
      .with("line", std::to_string(line))
      .with("column", std::to_string(column));
}

// RAII for libyaml's parser and events: both own heap memory that only
// their *_delete functions release.
class Parser {
 public:
  Parser() { ok_ = yaml_parser_initialize(&parser_) != 0; }
  ~Parser() {
    if (ok_) yaml_parser_delete(&parser_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  yaml_parser_t* get() noexcept { return &parser_; }

 private:
  yaml_parser_t parser_{};
  bool ok_ = false;
};

class Event {
 public:
  Event() = default;
  ~Event() { reset(); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  yaml_event_t* get() noexcept { return &event_; }
  void mark_filled() noexcept { filled_ = true; }
  void reset() noexcept {
    if (filled_) yaml_event_delete(&event_);
    filled_ = false;
  }

 private:
  yaml_event_t event_{};
  bool filled_ = false;
};

// An open collection and, for a mapping, the key read but not yet paired.
struct Frame {
  YamlNode node;
  std::optional<std::string> pending_key;
};

class Builder {
 public:
  Builder(std::string_view what, std::string_view file, const YamlLimits& limits)
      : what_(what), file_(file), limits_(limits) {}

  Result<YamlNode> run(std::string_view text) {
    Parser parser;
    if (!parser.ok()) {
      return make_error(ErrorCode::kResourceExhausted, std::string(what_) + ": cannot start the YAML parser")
          .with("file", std::string(file_));
    }
    yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    Event event;
    for (;;) {
      event.reset();
      if (yaml_parser_parse(parser.get(), event.get()) == 0) return syntax_error(*parser.get());
      event.mark_filled();
      const yaml_event_t& e = *event.get();
      const std::uint32_t line = to_position(e.start_mark.line);
      const std::uint32_t column = to_position(e.start_mark.column);
      switch (e.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
          break;
        case YAML_STREAM_END_EVENT:
          if (root_) return std::move(*root_);
          return YamlNode{};
        case YAML_DOCUMENT_START_EVENT:
          if (++documents_ > 1) {
            return error(ErrorCode::kInvalidArgument, line, column,
                         "a second YAML document starts here; only one is allowed");
          }
          break;
        case YAML_ALIAS_EVENT:
          // Refusing aliases outright is the whole defence against
          // exponential expansion; neither input format uses them.
          return error(ErrorCode::kInvalidArgument, line, column, "YAML aliases (*name) are not supported");
        case YAML_SCALAR_EVENT: {
          if (auto r = count_node(line, column); !r) return std::move(r).error();
          YamlNode node;
          node.kind = YamlNode::Kind::kScalar;
          node.plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
          node.line = line;
          node.column = column;
          node.text.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
          if (auto r = attach(std::move(node)); !r) return std::move(r).error();
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
          if (auto r = count_node(line, column); !r) return std::move(r).error();
          if (stack_.size() >= limits_.max_depth) {
            return error(ErrorCode::kResourceExhausted, line, column,
                         "collections nest deeper than the limit of " + std::to_string(limits_.max_depth));
          }
          if (!stack_.empty() && stack_.back().node.is_mapping() && !stack_.back().pending_key) {
            return error(ErrorCode::kInvalidArgument, line, column, "mapping keys must be scalars");
          }
          Frame frame;
          frame.node.kind = e.type == YAML_SEQUENCE_START_EVENT ? YamlNode::Kind::kSequence
                                                                 : YamlNode::Kind::kMapping;
          frame.node.line = line;
          frame.node.column = column;
          stack_.push_back(std::move(frame));
          break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
          if (stack_.empty()) return error(ErrorCode::kInternal, line, column, "unbalanced YAML events");
          Frame frame = std::move(stack_.back());
          stack_.pop_back();
          if (frame.node.is_mapping()) {
            if (auto r = check_duplicate_keys(frame.node); !r) return std::move(r).error();
          }
          if (auto r = attach(std::move(frame.node)); !r) return std::move(r).error();
          break;
        }
        case YAML_NO_EVENT:
          return error(ErrorCode::kInvalidArgument, line, column, "unexpected end of the YAML stream");
      }
    }
  }

 private:
  Error error(ErrorCode code, std::uint32_t line, std::uint32_t column, std::string_view message) const {
    return located_error(code, what_, file_, line, column, message);
  }

  Error syntax_error(const yaml_parser_t& parser) const {
    if (parser.error == YAML_MEMORY_ERROR) {
      return make_error(ErrorCode::kResourceExhausted, std::string(what_) + ": out of memory while parsing YAML")
          .with("file", std::string(file_));
    }
    std::string message = "invalid YAML: ";
    message += parser.problem != nullptr ? parser.problem : "syntax error";
    if (parser.context != nullptr) {
      message += " (";
      message += parser.context;
      message += " at line " + std::to_string(to_position(parser.context_mark.line)) + ", column " +
                 std::to_string(to_position(parser.context_mark.column)) + ")";
    }
    return error(ErrorCode::kInvalidArgument, to_position(parser.problem_mark.line),
                 to_position(parser.problem_mark.column), message);
  }

  Result<void> count_node(std::uint32_t line, std::uint32_t column) {
    if (++nodes_ > limits_.max_nodes) {
      return error(ErrorCode::kResourceExhausted, line, column,
                   "more than " + std::to_string(limits_.max_nodes) + " YAML nodes");
    }
    return ok_result();
  }

  Result<void> attach(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return ok_result();
    }
    Frame& parent = stack_.back();
    if (parent.node.is_sequence()) {
      parent.node.children.push_back(std::move(node));
    } else if (!parent.pending_key) {
      if (!node.is_scalar()) {
        return error(ErrorCode::kInvalidArgument, node.line, node.column, "mapping keys must be scalars");
      }
      parent.pending_key = std::move(node.text);
      parent.node.key_marks.push_back({node.line, node.column});
    } else {
      parent.node.keys.push_back(std::move(*parent.pending_key));
      parent.node.children.push_back(std::move(node));
      parent.pending_key.reset();
    }
    return ok_result();
  }

  // Sorting indices keeps this O(n log n) for the thousands of keys a
  // lockfile has; the error names the later of two equal keys.
  Result<void> check_duplicate_keys(const YamlNode& mapping) const {
    const auto& keys = mapping.keys;
    if (keys.size() < 2) return ok_result();
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const int c = keys[a].compare(keys[b]);
      return c != 0 ? c < 0 : a < b;
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
      if (keys[order[i - 1]] == keys[order[i]]) {
        const YamlNode::Mark& first = mapping.key_marks[order[i - 1]];
        const YamlNode::Mark& again = mapping.key_marks[order[i]];
        return error(ErrorCode::kInvalidArgument, again.line, again.column,
                     "duplicate key '" + keys[order[i]] + "' (first at line " + std::to_string(first.line) +
                         ")");
      }
    }
    return ok_result();
  }

  std::string_view what_;
  std::string_view file_;
  YamlLimits limits_;
  std::vector<Frame> stack_;
  std::optional<YamlNode> root_;
  std::size_t nodes_ = 0;
  std::size_t documents_ = 0;
};

}  // namespace

bool YamlNode::is_null() const noexcept {
  return kind == Kind::kScalar && plain &&
         (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
}

const YamlNode* YamlNode::find(std::string_view key) const noexcept {
  if (kind != Kind::kMapping) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &children[i];
  }
  return nullptr;
}

Result<YamlNode> parse_yaml(std::string_view text, std::string_view what, std::string_view file,
                            const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::kResourceExhausted,
                      std::string(what) + ": document is " + std::to_string(text.size()) +
                          " bytes, more than the limit of " + std::to_string(limits.max_bytes))
        .with("file", std::string(file))
        .with("bytes", std::to_string(text.size()))
        .with("limit", std::to_string(limits.max_bytes));
  }
  try {
    Builder builder(what, file, limits);
    return builder.run(text);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": out of memory while parsing YAML")
        .with("file", std::string(file));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(what) + ": " + e.what()).with("file", std::string(file));
  }
}

Error yaml_mark_error(YamlNode::Mark mark, std::string_view what, std::string_view file,
                      std::string_view field, std::string message) {
  if (!field.empty()) message = std::string(field) + ": " + message;
  Error e = located_error(ErrorCode::kInvalidArgument, what, file, mark.line, mark.column, message);
  if (!field.empty()) e.with("field", std::string(field));
  return e;
}

Error yaml_node_error(const YamlNode& node, std::string_view what, std::string_view file,
                      std::string_view field, std::string message) {
  return yaml_mark_error({node.line, node.column}, what, file, field, std::move(message));
}

}  // namespace callboard::model_detail
