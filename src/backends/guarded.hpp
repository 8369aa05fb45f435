#pragma once
// Keeps exceptions inside a noexcept backend member: every exception (an
// allocation failure, mostly) becomes an Error naming the operation. The
// SQLite backend has its own (storage_sqlite/sqlite_support.hpp), which also
// maps SQLite's errors and names the database.

#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "callboard/error.hpp"

namespace callboard::backend::detail {

template <typename F>
auto guarded(std::string_view operation, F&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory").with("operation", std::string(operation));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, e.what()).with("operation", std::string(operation));
  } catch (...) {
    return make_error(ErrorCode::kInternal, "unknown exception").with("operation", std::string(operation));
  }
}

}  // namespace callboard::backend::detail
