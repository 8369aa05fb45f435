#pragma once
// The SQLite Storage ("sqlite:///abs/path.db", "sqlite:relative/path.db",
// "sqlite::memory:"). See sqlite_storage.cpp for the schema and the
// concurrency model.

#include <memory>
#include <string_view>

#include "callboard/backend/storage.hpp"

namespace callboard::backend::detail {

/// Opens (creating and migrating if needed) the database a sqlite: URL
/// names. Options may follow a '?': `busy_timeout_ms=N` (default 10000);
/// `fts_row_limit=N` (default 2000): a text matching more plugins than this
/// is answered by the in-memory index instead of FTS5's bm25() (same
/// results; tests set 0 or a huge value to exercise one path).
/// Errors: kInvalidArgument for a malformed URL or option; kNotFound when
/// the parent directory does not exist, or, with `create_if_missing` false,
/// the file does not (nothing is created); kFailedPrecondition for a database
/// from a newer callboard or a file that is another application's database;
/// kDataLoss for a file that is not a SQLite database or is corrupt;
/// kUnavailable (retryable) when another process holds a lock longer than
/// the busy timeout.
[[nodiscard]] Result<std::unique_ptr<Storage>> open_sqlite_storage(std::string_view url,
                                                                   const StorageOpenOptions& options = {}) noexcept;

/// The schema version this build creates and understands.
[[nodiscard]] int sqlite_schema_version() noexcept;

}  // namespace callboard::backend::detail
