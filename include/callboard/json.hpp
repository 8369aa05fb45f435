#pragma once
/// \file
/// JSON plumbing shared by the library's codecs and usable by front ends: a
/// compact, canonical writer, and a bounded read of an object's top-level
/// members as JSON text. Boost.JSON stays in src/.
///
/// Owned by the model module (src/model/json.cpp), whose codecs are written
/// with it.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard {

/// A compact JSON writer. Keys are written in the order the caller gives
/// them; callers write maps in map order, so the output is canonical.
/// Strings are escaped minimally (quote, backslash, control characters);
/// bytes that are not valid UTF-8 become U+FFFD so the output is always
/// valid JSON. Not thread-safe: one writer per document.
class CALLBOARD_EXPORT JsonWriter {
 public:
  JsonWriter() { out_.reserve(256); }
  void begin_object() {
    separator();
    out_.push_back('{');
    pending_comma_ = false;
  }
  void end_object() {
    out_.push_back('}');
    pending_comma_ = true;
  }
  void begin_array() {
    separator();
    out_.push_back('[');
    pending_comma_ = false;
  }
  void end_array() {
    out_.push_back(']');
    pending_comma_ = true;
  }
  void key(std::string_view k) {
    separator();
    append_string(k);
    out_.push_back(':');
    pending_comma_ = false;
  }
  void string(std::string_view s) {
    separator();
    append_string(s);
    pending_comma_ = true;
  }
  void boolean(bool b) {
    separator();
    out_ += b ? "true" : "false";
    pending_comma_ = true;
  }
  void null() {
    separator();
    out_ += "null";
    pending_comma_ = true;
  }
  void uint(std::uint64_t v);
  void int64(std::int64_t v);
  /// Shortest text that reads back as the same double; null for NaN/inf.
  void number(double v);
  /// ISO string, or null for the epoch ("unknown").
  void timestamp_or_null(Timestamp t);

  /// A value that is already JSON text (another codec's document), as is.
  /// The caller vouches that it is one complete, valid JSON value.
  void raw(std::string_view json) {
    separator();
    out_ += json;
    pending_comma_ = true;
  }

  /// Key + string, only when `s` is not empty.
  void field_nonempty(std::string_view k, std::string_view s) {
    if (!s.empty()) {
      key(k);
      string(s);
    }
  }
  void field(std::string_view k, std::string_view s) {
    key(k);
    string(s);
  }

  std::string take() { return std::move(out_); }
  std::string& buffer() { return out_; }

 private:
  void separator() {
    if (pending_comma_) out_.push_back(',');
  }
  void append_string(std::string_view s);

  std::string out_;
  bool pending_comma_ = false;
};

/// The top-level members `keys` of the JSON object `text`, each serialised
/// back as compact JSON text (Boost.JSON's serializer: strings as read,
/// numbers exactly as parsed); a key the object lacks is left out of the
/// result. Use it to read a
/// few members of a document the model does not keep (a package.json's
/// `exports`), then parse just those.
///
/// Errors (never throws): `text` over `limits.max_document_bytes` or nesting
/// deeper than `limits.max_depth` (kResourceExhausted), malformed JSON
/// (kInvalidArgument with "line", "column", "offset"), a top level that is
/// not an object (kInvalidArgument, "pointer" ""). Messages start with
/// `what`. Reentrant. An empty `keys` only validates the document.
[[nodiscard]] CALLBOARD_EXPORT Result<std::map<std::string, std::string, std::less<>>> json_object_members(
    std::string_view text, std::span<const std::string_view> keys, const ParseLimits& limits = {},
    std::string_view what = "JSON document");

}  // namespace callboard
