#pragma once
/// \file
/// The storage seam: packuments, plugins, releases, directory entries, the
/// search index and sync state. Implementations register by URL scheme:
///
///   sqlite:///abs/path/callboard.db   (default; WAL, FTS5, migrations;
///   sqlite:relative/path.db            safe to open from several processes)
///   memory:                            (one process, nothing persisted)
///
/// Writes go through a Transaction: nothing is visible to readers until
/// commit(), and a transaction destroyed without commit() rolls back. A
/// process killed mid-transaction leaves the previous committed state.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard::backend {

/// What the indexer remembers about fetching one package.
struct SyncRecord {
  std::string name;
  /// "npm", "local", "directory".
  std::string source;
  /// Last HTTP status (200, 304 is recorded as 200, 404, ...); 0 for local.
  int status = 0;
  std::string etag;
  std::string last_modified;
  /// Hex SHA-256 of the last document body, to skip rewriting unchanged
  /// documents when the server sends no validators.
  std::string content_hash;
  Timestamp checked{};
  Timestamp changed{};
  /// Last error text (never contains credentials); empty on success.
  std::string error;
  friend bool operator==(const SyncRecord&, const SyncRecord&) = default;
};

/// Search over plugins. Text matches name, title, description and keywords
/// (prefix match on the last word); facets narrow; results are ranked by
/// text relevance, then score, then id.
struct SearchQuery {
  std::string text;
  std::vector<PackageRole> roles;          ///< any package of the plugin has one of these
  std::vector<std::string> categories;     ///< directory category, case-insensitive
  std::optional<PluginSystem> backend_system;
  std::optional<PluginSystem> frontend_system;
  /// "1.53" or "1.53.0": a release the plugin supports (prefix on
  /// major.minor when no patch is given).
  std::string supports_release;
  bool include_deprecated = true;
  std::size_t offset = 0;
  std::size_t limit = 20;
};

struct SearchHit {
  Plugin plugin;
  /// Text relevance (higher is better); 0 when the query had no text.
  double relevance = 0;
  friend bool operator==(const SearchHit&, const SearchHit&) = default;
};

struct FacetCount {
  std::string value;
  std::size_t count = 0;
  friend bool operator==(const FacetCount&, const FacetCount&) = default;
};

struct Facet {
  std::string name;  ///< "role", "category", "backend_system", "frontend_system"
  std::vector<FacetCount> counts;  ///< sorted by count desc, then value
  friend bool operator==(const Facet&, const Facet&) = default;
};

struct SearchPage {
  /// Matches before paging.
  std::size_t total = 0;
  std::vector<SearchHit> hits;
  /// Counts over all matches of the text (facet filters other than the
  /// facet itself applied).
  std::vector<Facet> facets;
};

class CALLBOARD_EXPORT Transaction {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  static constexpr std::uint32_t kInterfaceVersion = 1;

  virtual ~Transaction();
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  virtual Result<void> put_packument(const Packument& packument) noexcept = 0;
  virtual Result<void> delete_packument(std::string_view name) noexcept = 0;
  virtual Result<void> put_sync_record(const SyncRecord& record) noexcept = 0;
  /// Replaces the whole plugin table and search index with `plugins`.
  virtual Result<void> replace_plugins(const std::vector<Plugin>& plugins) noexcept = 0;
  virtual Result<void> put_release(const Release& release) noexcept = 0;
  virtual Result<void> put_directory_entry(const DirectoryEntry& entry) noexcept = 0;
  /// Free-form key/value state ("index.last_run", ...).
  virtual Result<void> put_meta(std::string_view key, std::string_view value) noexcept = 0;

  /// Makes every write visible atomically. A second commit is an error.
  virtual Result<void> commit() noexcept = 0;
};

class CALLBOARD_EXPORT Storage {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  static constexpr std::uint32_t kInterfaceVersion = 1;

  virtual ~Storage();
  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// Starts a write transaction (one at a time per Storage object; SQLite
  /// waits up to its busy timeout for other processes).
  virtual Result<std::unique_ptr<Transaction>> begin() noexcept = 0;

  virtual Result<std::optional<Packument>> packument(std::string_view name) noexcept = 0;
  /// Package names with a stored packument, sorted.
  virtual Result<std::vector<std::string>> package_names() noexcept = 0;
  virtual Result<std::optional<SyncRecord>> sync_record(std::string_view name) noexcept = 0;
  /// Every sync record, sorted by name.
  virtual Result<std::vector<SyncRecord>> sync_records() noexcept = 0;

  virtual Result<std::optional<Plugin>> plugin(std::string_view id) noexcept = 0;
  /// The plugin a package belongs to (as package or module), if any.
  virtual Result<std::optional<Plugin>> plugin_for_package(std::string_view package_name) noexcept = 0;
  virtual Result<std::vector<std::string>> plugin_ids() noexcept = 0;
  virtual Result<SearchPage> search(const SearchQuery& query) noexcept = 0;

  virtual Result<std::optional<Release>> release(std::string_view version) noexcept = 0;
  /// Stored release versions, sorted by semver ascending.
  virtual Result<std::vector<std::string>> release_versions() noexcept = 0;

  virtual Result<std::optional<DirectoryEntry>> directory_entry(std::string_view id) noexcept = 0;
  virtual Result<std::vector<DirectoryEntry>> directory_entries() noexcept = 0;

  virtual Result<std::optional<std::string>> meta(std::string_view key) noexcept = 0;

  /// Checks internal consistency (SQLite: PRAGMA integrity_check and the
  /// search index against the plugin table). Ok when consistent.
  virtual Result<void> check() noexcept = 0;
};

/// Thread-safety: a Storage object may be used from one thread at a time;
/// open one per thread (SQLite connections are cheap). Methods never throw;
/// kUnavailable errors (database busy or locked) are retryable.

/// Opens a Storage for a URL. Factories are registered by scheme on a
/// BackendRegistry instance owned by the host; there is no global registry.
using StorageFactory = std::function<Result<std::unique_ptr<Storage>>(std::string_view url)>;

class CALLBOARD_EXPORT BackendRegistry {
 public:
  /// Adds or replaces the factory for a scheme ("sqlite", "memory").
  void register_storage(std::string scheme, StorageFactory factory);
  /// Opens `url` with the factory of its scheme (the text before ':');
  /// kInvalidArgument for an unknown scheme.
  [[nodiscard]] Result<std::unique_ptr<Storage>> open_storage(std::string_view url) const;
  [[nodiscard]] std::vector<std::string> storage_schemes() const;

 private:
  std::map<std::string, StorageFactory, std::less<>> storage_;
};

/// Registers the built-in backends: "sqlite" and "memory".
CALLBOARD_EXPORT void register_builtin_backends(BackendRegistry& registry);

/// Convenience: a registry with the built-in backends, then open_storage.
/// Opens storage by URL ("sqlite:///path", "sqlite:path", "memory:").
/// A SQLite database is created and migrated to the current schema; a
/// database from a newer callboard is refused with kFailedPrecondition.
CALLBOARD_EXPORT Result<std::unique_ptr<Storage>> open_storage(std::string_view url);

}  // namespace callboard::backend
