#pragma once
/// \file
/// The strict request reader the decoders share. Private to src/codec/.

#include <boost/json.hpp>

#include <exception>
#include <filesystem>
#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/error.hpp"

namespace callboard::codec::detail {

namespace json = boost::json;

/// Reads one request object member by member.
class Reader {
 public:
  /// `prefix`: the JSON pointer of `object` in its document ("" at the top).
  Reader(const json::object& object, std::string_view what, std::string prefix = "")
      : object_(object), what_(what), prefix_(std::move(prefix)) {}

  /// kInvalidArgument "<what>: <message>", "pointer" naming the member.
  Error error(std::string_view member, std::string message) const {
    return make_error(ErrorCode::kInvalidArgument, std::string(what_) + ": " + std::move(message))
        .with("pointer", pointer(member));
  }
  [[nodiscard]] std::string pointer(std::string_view member) const { return prefix_ + "/" + std::string(member); }
  [[nodiscard]] std::string_view what() const noexcept { return what_; }
  /// The member's value; nullptr when absent.
  [[nodiscard]] const json::value* get(std::string_view key) const { return object_.if_contains(key); }

  /// A string member parsed by `parse` into a value (absent: unchanged).
  template <typename T, typename Parse>
  Result<void> enumerated(std::string_view key, T& into, Parse parse) const {
    std::optional<T> value;
    const json::value* v = object_.if_contains(key);
    if (v != nullptr && v->is_null()) return error(key, std::string(key) + " must be a string");
    if (auto r = optional_enum(key, value, parse); !r) return r;
    if (value) into = *value;
    return {};
  }

  /// A member that is an object, read by `read(Reader&)`; absent: nothing.
  template <typename Read>
  Result<void> object(std::string_view key, Read read) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_object()) return error(key, std::string(key) + " must be an object");
    Reader inner(v->as_object(), what_, pointer(key));
    return read(inner);
  }
  /// A member that is an array of objects, each read by `read(Reader&)`.
  template <typename Read>
  Result<void> objects(std::string_view key, Read read) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_array()) return error(key, std::string(key) + " must be an array of objects");
    std::size_t i = 0;
    for (const json::value& item : v->as_array()) {
      const std::string at = pointer(key) + "/" + std::to_string(i++);
      if (!item.is_object()) {
        return make_error(ErrorCode::kInvalidArgument, std::string(what_) + ": " + std::string(key) +
                                                           " must be an array of objects")
            .with("pointer", at);
      }
      Reader inner(item.as_object(), what_, at);
      if (auto r = read(inner); !r) return r;
    }
    return {};
  }

  /// Every member must be one of `known`.
  Result<void> only(std::initializer_list<std::string_view> known) const {
    for (const auto& member : object_) {
      bool found = false;
      for (std::string_view k : known) found = found || member.key() == k;
      if (!found) return error(member.key(), "unknown member '" + std::string(member.key()) + "'");
    }
    return {};
  }

  Result<void> string(std::string_view key, std::string& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_string()) return error(key, std::string(key) + " must be a string");
    into = std::string(v->as_string());
    return {};
  }
  Result<void> path(std::string_view key, std::filesystem::path& into) const {
    std::string text = into.string();
    if (auto r = string(key, text); !r) return r;
    into = text;
    return {};
  }
  Result<void> boolean(std::string_view key, bool& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_bool()) return error(key, std::string(key) + " must be true or false");
    into = v->as_bool();
    return {};
  }
  Result<void> count(std::string_view key, std::size_t& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (v->is_uint64()) {
      into = static_cast<std::size_t>(v->as_uint64());
      return {};
    }
    if (v->is_int64() && v->as_int64() >= 0) {
      into = static_cast<std::size_t>(v->as_int64());
      return {};
    }
    return error(key, std::string(key) + " must be a whole number from 0");
  }
  Result<void> strings(std::string_view key, std::vector<std::string>& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_array()) return error(key, std::string(key) + " must be an array of strings");
    into.clear();
    for (const json::value& item : v->as_array()) {
      if (!item.is_string()) return error(key, std::string(key) + " must be an array of strings");
      into.emplace_back(item.as_string());
    }
    return {};
  }
  /// A string member parsed by `parse` (nullopt: not one of the values), or null.
  template <typename T, typename Parse>
  Result<void> optional_enum(std::string_view key, std::optional<T>& into, Parse parse) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) return error(key, std::string(key) + " must be a string or null");
    auto parsed = parse(std::string_view(v->as_string()));
    if (!parsed) return error(key, std::string(key) + " has an unknown value '" + std::string(v->as_string()) + "'");
    into = *parsed;
    return {};
  }

 private:
  const json::object& object_;
  std::string_view what_;
  std::string prefix_;
};

/// Parses `text` as one JSON object and hands it to `read`.
template <typename T, typename Read>
Result<T> decode(std::string_view text, std::size_t max_bytes, std::string_view what, Read read) {
  if (text.size() > max_bytes) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + " is larger than the limit")
        .with("bytes", std::to_string(text.size()))
        .with("limit", std::to_string(max_bytes));
  }
  try {
    json::parse_options options;
    options.max_depth = 16;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec, {}, options);
    if (ec) {
      return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is not valid JSON: " + ec.message());
    }
    if (!value.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, std::string(what) + " must be a JSON object")
          .with("pointer", "");
    }
    T out;
    Reader reader(value.as_object(), what);
    if (auto r = read(reader, out); !r) return std::move(r).error();
    return out;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + ": " + e.what());
  }
}


}  // namespace callboard::codec::detail

#define CALLBOARD_TRY(expr)               \
  do {                                    \
    if (auto r_ = (expr); !r_) return r_; \
  } while (false)
