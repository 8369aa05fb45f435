#pragma once
/// \file
/// Errors as values: `Error` (a stable code, a message a user can act on, and
/// where it happened) and `Result<T>`, which holds either a T or an Error and
/// cannot be silently ignored.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "callboard/export.hpp"

namespace callboard {

/// The small canonical set of error codes (after absl::StatusCode), plus the
/// domain codes callers branch on. Values are stable: they cross the C ABI.
///
/// Choosing one: the input itself is wrong, whatever the state of the world ->
/// kInvalidArgument; the thing named does not exist -> kNotFound; the state of
/// the system forbids it now (and retrying will not help until someone acts) ->
/// kFailedPrecondition; a transient failure worth retrying -> kUnavailable;
/// a bound on size or count was exceeded -> kResourceExhausted; the caller
/// cancelled -> kCancelled.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument = 1,
  kNotFound = 2,
  kAlreadyExists = 3,
  kFailedPrecondition = 4,
  kAborted = 5,
  kUnavailable = 6,
  kPermissionDenied = 7,
  kDataLoss = 8,
  kInternal = 9,
  kUnimplemented = 10,
  kCancelled = 11,
  kResourceExhausted = 12,
  /// No assignment of versions satisfies the request (solver).
  kUnsatisfiable = 64,
  /// Governance policy denied the action.
  kPolicyDenied = 65,
};

/// The stable lower_snake name of a code ("invalid_argument", ...).
CALLBOARD_EXPORT std::string_view to_string(ErrorCode code) noexcept;

/// One piece of "where": a key such as "input", "offset", "file", "line",
/// "package", "field" and its value.
struct ErrorDetail {
  std::string key;
  std::string value;
  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

/// A failure. `message` says what went wrong and, where possible, what to do;
/// `context` says where; `retryable` says whether the same call may succeed later.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<ErrorDetail> context;
  bool retryable = false;

  /// Adds a context entry and returns *this (for chaining while propagating).
  Error& with(std::string key, std::string value) & {
    context.push_back({std::move(key), std::move(value)});
    return *this;
  }
  Error&& with(std::string key, std::string value) && {
    context.push_back({std::move(key), std::move(value)});
    return std::move(*this);
  }
  /// The value of the first context entry with this key, or empty.
  [[nodiscard]] std::string_view detail(std::string_view key) const noexcept {
    for (const auto& d : context) {
      if (d.key == key) return d.value;
    }
    return {};
  }
  /// "code: message (key=value, ...)" for logs and the CLI.
  [[nodiscard]] CALLBOARD_EXPORT std::string to_string() const;

  friend bool operator==(const Error&, const Error&) = default;
};

/// Whether the same call may succeed later, as the code says by itself:
/// kUnavailable (transient: network, busy database) and kAborted (the
/// transaction was rolled back: start a new one) are; nothing else is.
[[nodiscard]] constexpr bool retryable_by_default(ErrorCode code) noexcept {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kAborted;
}

/// Builds an Error; `make_error(ErrorCode::kNotFound, "no such package")`.
/// `retryable` follows from the code (retryable_by_default).
inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, retryable_by_default(code)};
}
/// The same when the caller knows better than the code (an HTTP 400 is
/// kUnavailable from the registry, yet the same request fails again).
inline Error make_error(ErrorCode code, std::string message, bool retryable) {
  return Error{code, std::move(message), {}, retryable};
}

/// Either a value of type T or an Error. Accessing the wrong alternative is a
/// precondition violation (checked: it throws std::logic_error in every build
/// mode rather than reading garbage).
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  using value_type = T;

  Result(const T& value) : data_(std::in_place_index<0>, value) {}  // NOLINT(google-explicit-constructor)
  Result(T&& value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(const Error& error) : data_(std::in_place_index<1>, error) {}  // NOLINT(google-explicit-constructor)
  Result(Error&& error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, Error> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result>)
  Result(U&& value) : data_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { check_value(); return *std::get_if<0>(&data_); }
  [[nodiscard]] const T& value() const& { check_value(); return *std::get_if<0>(&data_); }
  [[nodiscard]] T&& value() && { check_value(); return std::move(*std::get_if<0>(&data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  [[nodiscard]] const Error& error() const& { check_error(); return *std::get_if<1>(&data_); }
  [[nodiscard]] Error&& error() && { check_error(); return std::move(*std::get_if<1>(&data_)); }

  /// The value, or `fallback` when this holds an error.
  template <typename U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? *std::get_if<0>(&data_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check_value() const { if (!ok()) detail_bad_access(true); }
  void check_error() const { if (ok()) detail_bad_access(false); }
  [[noreturn]] static void detail_bad_access(bool wanted_value);

  std::variant<T, Error> data_;
};

/// Result of an operation that returns nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(const Error& error) : error_(error), failed_(true) {}  // NOLINT(google-explicit-constructor)
  Result(Error&& error) : error_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Error& error() const& { return error_; }
  [[nodiscard]] Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

/// Shorthand for a successful Result<void>.
inline Result<void> ok_result() { return {}; }

namespace detail {
[[noreturn]] CALLBOARD_EXPORT void throw_bad_result_access(bool wanted_value);
}  // namespace detail

template <typename T>
void Result<T>::detail_bad_access(bool wanted_value) {
  detail::throw_bad_result_access(wanted_value);
}

}  // namespace callboard
