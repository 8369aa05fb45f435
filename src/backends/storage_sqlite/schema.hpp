#pragma once
// The SQLite schema as an ordered list of migrations. Adding a schema change
// is adding one entry to kMigrations (never editing a released one): a
// database records the highest migration applied in `PRAGMA user_version`
// and in the schema_migrations table, and opening it applies the rest, all
// in one write transaction.

#include <cstdint>
#include <span>
#include <string_view>

namespace callboard::backend::detail::sqlite_schema {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

/// Every migration, in version order (versions 1, 2, 3, ... without gaps).
[[nodiscard]] std::span<const Migration> migrations() noexcept;

/// The highest version in migrations().
[[nodiscard]] int current_version() noexcept;

/// `PRAGMA application_id` of a callboard database ("CBD1").
inline constexpr std::int32_t kApplicationId = 0x43424431;

/// The key in the `internal_state` table whose value changes whenever the
/// plugin table is replaced (readers reload cached search facts then).
inline constexpr std::string_view kPluginsGenerationKey = "plugins.generation";

}  // namespace callboard::backend::detail::sqlite_schema
