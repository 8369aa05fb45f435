#pragma once
// What the conformance cases share: the context a case checks through and
// the case table. Not installed.

#include <chrono>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "callboard/backend/conformance.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/backend/tenant.hpp"

namespace callboard::backend::conformance::detail {

// Thrown by need() to end a case whose precondition failed (the failure is
// already recorded).
struct CaseAborted : std::exception {};

class Context {
 public:
  Context(const Backend& backend, const Options& options, Report& report, std::string test)
      : backend_(backend), options_(options), report_(report), test_(std::move(test)) {}

  [[nodiscard]] const Backend& backend() const { return backend_; }
  [[nodiscard]] const Options& options() const { return options_; }
  [[nodiscard]] bool failed() const { return failed_; }

  bool check(bool ok, const char* what, const char* file, int line, std::string detail = {}) {
    ++report_.checks;
    if (!ok) fail(what, std::move(detail), file, line);
    return ok;
  }

  void fail(std::string what, std::string detail, const char* file, int line) {
    failed_ = true;
    report_.failures.push_back({test_, std::move(what), std::move(detail), where(file, line)});
  }

  template <typename T>
  T need(Result<T> r, const char* what, const char* file, int line) {
    ++report_.checks;
    if (!r) {
      fail(what, r.error().to_string(), file, line);
      throw CaseAborted{};
    }
    if constexpr (!std::is_void_v<T>) return std::move(*r);
  }

  template <typename A, typename B>
  bool check_eq(const A& a, const B& b, const char* what, const char* file, int line);

  // Checks that `r` failed with `code`.
  template <typename T>
  bool check_error(const Result<T>& r, ErrorCode code, const char* what, const char* file, int line) {
    ++report_.checks;
    if (r.ok()) {
      fail(what, "succeeded; expected " + std::string(to_string(code)), file, line);
      return false;
    }
    if (r.error().code != code) {
      fail(what, "expected " + std::string(to_string(code)) + ", got " + r.error().to_string(), file, line);
      return false;
    }
    return true;
  }

  // A new, empty store of the backend.
  std::unique_ptr<Storage> fresh(std::string* location = nullptr) {
    auto url = need(backend_.new_location(), "new_location()", __FILE__, __LINE__);
    if (location != nullptr) *location = url;
    return need(backend_.open(url), "open(new_location())", __FILE__, __LINE__);
  }

 private:
  static std::string where(const char* file, int line) {
    std::string f = file;
    if (auto slash = f.find_last_of('/'); slash != std::string::npos) f = f.substr(slash + 1);
    return f + ":" + std::to_string(line);
  }

  const Backend& backend_;
  const Options& options_;
  Report& report_;
  std::string test_;
  bool failed_ = false;
};

// Variadic, so that a condition may hold unparenthesized commas
// (`v == std::vector<int>{1, 2}`).
#define CB_CHECK(...) c.check(static_cast<bool>(__VA_ARGS__), #__VA_ARGS__, __FILE__, __LINE__)
#define CB_CHECK_NOT(...) c.check(!static_cast<bool>(__VA_ARGS__), "!(" #__VA_ARGS__ ")", __FILE__, __LINE__)
// Ends the case when the check fails.
#define CB_REQUIRE(...)                                                                    \
  do {                                                                                     \
    if (!c.check(static_cast<bool>(__VA_ARGS__), #__VA_ARGS__, __FILE__, __LINE__)) {      \
      throw ::callboard::backend::conformance::detail::CaseAborted{};                      \
    }                                                                                      \
  } while (false)
#define CB_REQUIRE_NOT(...)                                                                      \
  do {                                                                                           \
    if (!c.check(!static_cast<bool>(__VA_ARGS__), "!(" #__VA_ARGS__ ")", __FILE__, __LINE__)) {  \
      throw ::callboard::backend::conformance::detail::CaseAborted{};                            \
    }                                                                                            \
  } while (false)
// Each side is evaluated once.
#define CB_CHECK_EQ(a, b) c.check_eq((a), (b), #a " == " #b, __FILE__, __LINE__)
#define CB_NEED(...) c.need((__VA_ARGS__), #__VA_ARGS__, __FILE__, __LINE__)
#define CB_ERROR(expr, code) c.check_error((expr), (code), #expr, __FILE__, __LINE__)

template <typename T>
std::string show(const T& v) {
  if constexpr (requires(std::ostream& o) { o << v; }) {
    std::ostringstream out;
    out << v;
    return out.str();
  } else {
    return "(value)";
  }
}

template <typename A, typename B>
bool Context::check_eq(const A& a, const B& b, const char* what, const char* file, int line) {
  const bool equal = a == b;
  return check(equal, what, file, line, equal ? std::string() : show(a) + " vs " + show(b));
}

struct Case {
  const char* name;
  void (*run)(Context& c);
  /// Needs Backend::shared.
  bool needs_shared = false;
  /// Needs Backend::catalog.
  bool needs_catalog = false;
};

/// The catalog cases (catalog_cases.cpp), the tenant-store cases
/// (tenant_cases.cpp) and the multi-process ones (multiprocess_cases.cpp).
std::vector<Case> catalog_cases();
std::vector<Case> tenant_cases();
std::vector<Case> multiprocess_cases();

/// A fixed tenant id (the cases use "tenant-a" and "tenant-b").
TenantId tenant(const char* id);
/// Milliseconds after a fixed epoch, for deterministic times.
Timestamp at(std::int64_t ms);

}  // namespace callboard::backend::conformance::detail
