#pragma once
// What the SQLite backend's files share: SQLite errors as callboard Errors,
// and the guard that keeps every exception inside a backend method.

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "callboard/error.hpp"

namespace callboard::backend::detail {

inline Error sqlite_error(int code, int extended, std::string_view what, const std::string& database,
                   std::string_view operation) {
  ErrorCode ec = ErrorCode::kInternal;
  bool retryable = false;
  std::string message;
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      ec = ErrorCode::kUnavailable;
      retryable = true;
      message = "database is locked by another connection (busy timeout expired); retry later: ";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      ec = ErrorCode::kDataLoss;
      message = "database file is corrupt or is not a SQLite database: ";
      break;
    case SQLITE_FULL:
      ec = ErrorCode::kResourceExhausted;
      message = "disk full: ";
      break;
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      ec = ErrorCode::kResourceExhausted;
      break;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      ec = ErrorCode::kPermissionDenied;
      break;
    case SQLITE_CANTOPEN:
      ec = ErrorCode::kFailedPrecondition;
      message = "cannot open the database file: ";
      break;
    case SQLITE_CONSTRAINT:
      ec = ErrorCode::kInvalidArgument;
      break;
    default:
      break;
  }
  message += what;
  Error e = make_error(ec, std::move(message), retryable);
  e.with("database", database).with("operation", std::string(operation));
  if (code >= 0) e.with("sqlite_code", std::to_string(extended > 0 ? extended : code));
  return e;
}

// Adds where to an error that does not say it yet.
template <typename T>
Result<T> annotate(Result<T> r, const std::string& database, std::string_view operation) {
  if (r.ok() || !r.error().detail("database").empty()) return r;
  Error e = std::move(r).error();
  e.with("database", database).with("operation", std::string(operation));
  return e;
}

// Runs `body`, turning every exception into an Error that names the
// database and the operation: nothing escapes a backend method.
template <typename F>
auto guarded(const std::string& database, std::string_view operation, F&& body) noexcept -> decltype(body()) {
  try {
    return annotate(body(), database, operation);
  } catch (const SQLite::Exception& e) {
    return sqlite_error(e.getErrorCode(), e.getExtendedErrorCode(), e.what(), database, operation);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory")
        .with("database", database)
        .with("operation", std::string(operation));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, e.what()).with("database", database).with("operation", std::string(operation));
  } catch (...) {
    return make_error(ErrorCode::kInternal, "unknown exception")
        .with("database", database)
        .with("operation", std::string(operation));
  }
}

}  // namespace callboard::backend::detail
