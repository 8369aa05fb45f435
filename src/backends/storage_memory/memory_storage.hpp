#pragma once
// The in-memory Storage ("memory:"): one process, nothing persisted. Same
// contract as the SQLite backend, including search ranking (BM25 computed as
// FTS5 computes it, over the same tokens), so that tests and embedders can
// use it in place of SQLite.

#include <memory>
#include <string_view>

#include "callboard/backend/storage.hpp"

namespace callboard::backend::detail {

/// Opens a fresh, empty in-memory store. `url` must be "memory:" (or
/// "memory://"); kInvalidArgument otherwise. Every call gives an independent
/// store.
[[nodiscard]] Result<std::unique_ptr<Storage>> open_memory_storage(std::string_view url) noexcept;

}  // namespace callboard::backend::detail
