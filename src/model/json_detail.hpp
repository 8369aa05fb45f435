#pragma once
// Private helpers shared by the model's JSON codecs: a bounded parse into a
// Boost.JSON DOM (with exact doubles and subtrees the caller never reads left
// out), JSON pointers, a compact writer, and the internal readers/writers the
// public parse_* / to_json functions are built from.
//
// Nothing here is part of the public API; Boost types stay in src/.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/json.hpp"
#include "callboard/model.hpp"

namespace callboard::model_detail {

namespace json = boost::json;

/// Which object members a parse leaves out of the DOM (they are still
/// checked for syntax, but never allocated): a skipped member's value is
/// stored as null.
enum class SkipProfile : std::uint8_t {
  kNone,       ///< keep everything (our own documents)
  kManifest,   ///< a package.json: fields no callboard code reads
  kPackument,  ///< a packument: top-level readme/users/_attachments, and the
               ///< manifest fields above inside each `versions` entry
};

/// Parses `text` into a DOM allocated from `storage`. Checks, in order: the
/// size bound (kResourceExhausted), syntax (kInvalidArgument with "line",
/// "column", "offset"), the depth bound (kResourceExhausted). Doubles are
/// converted exactly (std::from_chars on the number's text), so values the
/// writer printed read back bit for bit. `what` names the document in
/// messages ("packument", "package.json"). Never throws.
Result<json::value> parse_document(std::string_view text, const ParseLimits& limits,
                                   std::string_view what, SkipProfile skip,
                                   const json::storage_ptr& storage);

/// `base` + "/" + `token`, with `~` and `/` escaped as RFC 6901 says.
std::string pointer_append(std::string_view base, std::string_view token);

/// kInvalidArgument "<what>: <message>" with context "pointer".
Error pointer_error(std::string_view what, std::string_view pointer, std::string message);

/// The frame of every top-level model parser: parses `text` (arena
/// allocated), requires an object at the top and hands it to `read`, which
/// returns the Result. An exception escaping the parse or `read` (allocation)
/// becomes kResourceExhausted "<what>: ...".
template <typename Read>
auto parse_object_document(std::string_view text, const ParseLimits& limits, std::string_view what,
                           SkipProfile skip, Read&& read)
    -> decltype(read(std::declval<const json::object&>())) {
  try {
    json::monotonic_resource resource;
    auto doc = parse_document(text, limits, what, skip, &resource);
    if (!doc.ok()) return std::move(doc).error();
    const auto* top = doc->if_object();
    if (top == nullptr) return pointer_error(what, "", "the top level is not an object");
    return read(*top);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": " + e.what());
  }
}

/// The string a value holds, or nullopt for any other kind.
inline std::optional<std::string_view> string_of(const json::value& v) noexcept {
  if (const auto* s = v.if_string()) return std::string_view(s->data(), s->size());
  return std::nullopt;
}
inline std::string_view key_of(const json::key_value_pair& kv) noexcept {
  const auto k = kv.key();
  return {k.data(), k.size()};
}

/// The compact writer every model codec uses (public: callboard/json.hpp).
using Writer = JsonWriter;

/// Strict typed access to our own documents (plugin and directory JSON): an
/// absent or null member keeps the default; a member of the wrong type
/// records an error naming its pointer (the first error wins) and returns
/// false. Check `error` after reading.
class StrictObject {
 public:
  StrictObject(const json::object& object, std::string pointer, std::string_view what,
               std::optional<Error>& error)
      : object_(object), pointer_(std::move(pointer)), what_(what), error_(error) {}

  bool get(std::string_view key, std::string& out);
  bool get(std::string_view key, bool& out);
  bool get(std::string_view key, double& out);
  bool get(std::string_view key, std::optional<std::int64_t>& out);
  bool get(std::string_view key, Timestamp& out);
  bool get(std::string_view key, std::vector<std::string>& out);
  /// A plugin system's name ("legacy", "new", ...); an empty text leaves
  /// `out` as it is, an unknown one records an error.
  bool get(std::string_view key, PluginSystem& out);
  /// The member as an object/array; nullptr when absent, null, or mistyped
  /// (the last also records an error).
  const json::object* object(std::string_view key);
  const json::array* array(std::string_view key);
  /// The pointer of a member of this object.
  [[nodiscard]] std::string pointer(std::string_view key) const {
    return pointer_append(pointer_, key);
  }
  /// Records an error at `pointer` unless one is already recorded; returns false.
  bool fail(const std::string& pointer, std::string message);

  /// Calls `read(StrictObject& element)` for each element of the array
  /// member `key`, in order; stops at the first element that is not an
  /// object (recording an error) or once `read` returns false.
  template <class Read>
  void each_object(std::string_view key, Read&& read) {
    const json::array* arr = array(key);
    if (arr == nullptr) return;
    const std::string at = pointer(key);
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string item = at + "/" + std::to_string(i);
      const auto* obj = (*arr)[i].if_object();
      if (obj == nullptr) {
        fail(item, "expected an object");
        return;
      }
      StrictObject element(*obj, item, what_, error_);
      if (!read(element)) return;
    }
  }

 private:
  /// The member, or nullptr when absent or null.
  const json::value* member(std::string_view key) const;

  const json::object& object_;
  std::string pointer_;
  std::string_view what_;
  std::optional<Error>& error_;
};

/// Length of the valid UTF-8 sequence of two or more bytes at s[i], or 0
/// when it is not valid (ASCII, below 0x80, is 0 too: callers check it first).
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

// ---------------------------------------------------------------------------
// Internal codecs reused across documents.

/// Reads one manifest object (a package.json, or a packument's version
/// entry). Tolerant: wrong-typed optional fields are skipped. With
/// `read_published` false the `_published` member is ignored (a packument's
/// `time` map is the authority there).
/// Fills `out`, which must be default-constructed (filled in place so a
/// packument's thousands of entries are not moved once more).
void read_manifest(const json::object& object, bool read_published, Manifest& out);
/// Writes a manifest as an object; `with_published` adds `_published`.
void write_manifest(Writer& w, const Manifest& manifest, bool with_published);

/// Writes a directory entry object (the shape parse_directory_entry_json reads).
void write_directory_entry(Writer& w, const DirectoryEntry& entry);
/// Reads a directory entry object; errors (pointers under `base`) go to `error`.
DirectoryEntry read_directory_entry(const json::object& object, const std::string& base,
                                    std::string_view what, std::optional<Error>& error);

}  // namespace callboard::model_detail
