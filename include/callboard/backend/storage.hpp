#pragma once
/// \file
/// The storage seam: packuments, plugins, releases, directory entries, the
/// search index, sync state, the index state (seed, plugin builds), what
/// verified package tarballs hold (ArtifactRecord), and, through a
/// transaction, the tenant-scoped stores (callboard/backend/tenant.hpp).
/// docs/storage.md has the whole picture. Implementations register by URL
/// scheme:
///
///   sqlite:///abs/path/callboard.db   (default; WAL, FTS5, migrations;
///   sqlite:relative/path.db            safe to open from several processes)
///   sqlite::memory:                    (a private temporary file, removed on close)
///   memory:                            (one process, nothing persisted)
///
/// SQLite URLs: the path is percent-decoded; the directory must exist
/// (kNotFound naming it otherwise); `?busy_timeout_ms=N` sets how long a
/// writer waits for another process's write lock (default 10000).
///
/// Writes go through a Transaction: nothing is visible to readers until
/// commit(), and a transaction destroyed without commit() rolls back. A
/// process killed mid-transaction leaves the previous committed state.
/// Reads through a Storage never see the writes of its own open
/// transaction either (SQLite: a separate read connection). Reads inside a
/// transaction do; a read transaction reads one snapshot throughout.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/tenant.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard::backend {

/// Where a package's stored packument came from. Stored as its text
/// (to_string); the values and their text are stable.
enum class SyncSource : std::uint8_t {
  kNpm,        ///< "npm": fetched from an npm registry
  kLocal,      ///< "local": a local folder or .tgz (`index --local`)
  kDirectory,  ///< "directory": the Backstage plugin directory
};
/// "npm", "local", "directory".
CALLBOARD_EXPORT std::string_view to_string(SyncSource source) noexcept;
/// The source a stored text names; nullopt for any other text (backends
/// report that as kDataLoss naming the text).
CALLBOARD_EXPORT std::optional<SyncSource> parse_sync_source(std::string_view text) noexcept;

/// What the indexer remembers about fetching one package.
struct SyncRecord {
  std::string name;
  SyncSource source = SyncSource::kNpm;
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
  /// The packages the stored packument links to that the crawl follows
  /// (registry: collect_links), sorted; followed again when the document
  /// did not change. Each a package name without a line break.
  std::vector<std::string> links;
  friend bool operator==(const SyncRecord&, const SyncRecord&) = default;
};

/// The seeds the index was last crawled from.
struct SeedState {
  /// A digest of the seed folders (release manifests, plugin directory) as
  /// last imported: a different one means they changed. 1..4096 bytes.
  std::string fingerprint;
  /// The package names those seeds name, sorted; each without a line break.
  std::vector<std::string> names;
  friend bool operator==(const SeedState&, const SeedState&) = default;
};

/// What one build of the plugin table took in.
struct PluginBuild {
  Timestamp built_at{};
  std::uint64_t packages = 0;
  std::uint64_t versions = 0;
  std::uint64_t plugins = 0;
  std::uint64_t releases = 0;
  std::uint64_t directory_entries = 0;
  friend bool operator==(const PluginBuild&, const PluginBuild&) = default;
};

/// The plugin table's state.
struct PluginTableState {
  /// The last build; nullopt if the table was never built.
  std::optional<PluginBuild> last_build;
  /// Set by whoever writes packuments outside an index run (the closure
  /// fetch, a failed build): the next run rebuilds the table and clears it.
  bool stale = false;
  friend bool operator==(const PluginTableState&, const PluginTableState&) = default;
};

/// Search over plugins. Text matches name, title, description and keywords
/// (prefix match on the last word); facets narrow; results are ranked by
/// text relevance, then score, then id.
///
/// Text: split into words (runs of ASCII letters/digits, case-folded, and of
/// non-ASCII letters; punctuation, operators and quotes only separate, so no
/// input is an error); every word must match (AND), the last as a prefix; at
/// most 32 words are used. A text without words is no text condition.
/// Searched: the plugin id and package names (weighted most), title,
/// keywords and directory tags, module names, description (least).
///
/// What every backend gives alike: the set of matching plugins, `total`,
/// the facets and the paging; hits ordered by relevance (descending), then
/// score (descending), then id; relevance 0 for a query without text and
/// above 0 for every text match. What is the backend's own: relevance's
/// scale. It must rank by the weights above (a plugin matching in its id or
/// package names above one matching only in its description). memory: and
/// SQLite compute the same BM25 over those columns, bit for bit; a
/// PostgreSQL backend may use ts_rank over weighted tsvectors
/// (docs/storage.md, "Search").
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
  friend bool operator==(const SearchQuery&, const SearchQuery&) = default;
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

/// Values with no match are omitted; plugins without a category are not
/// counted in "category"; categories differing only in ASCII case are one
/// value (spelled as by the first such plugin in id order).
struct Facet {
  std::string name;  ///< "role", "category", "backend_system", "frontend_system"
  std::vector<FacetCount> counts;  ///< sorted by count desc, then value (byte order)
  friend bool operator==(const Facet&, const Facet&) = default;
};

struct SearchPage {
  /// Matches before paging.
  std::size_t total = 0;
  std::vector<SearchHit> hits;
  /// Counts over all matches of the text (facet filters other than the
  /// facet itself applied). Always the four facets, in the order above.
  std::vector<Facet> facets;
};

/// What a transaction may do.
enum class TransactionMode : std::uint8_t {
  /// Reads and writes; one at a time per Storage object; SQLite takes the
  /// database's write lock (other processes' writers wait).
  kWrite,
  /// Reads only, of one consistent snapshot taken at begin(); writes fail
  /// with kFailedPrecondition. Does not wait for writers nor block them
  /// (SQLite: a read transaction on its own connection). One at a time per
  /// Storage object, besides an open write transaction.
  kRead,
};

/// A transaction. Every write is checked here, once for every backend,
/// before it reaches the backend's do_ hook. Errors: kInvalidArgument for
/// an empty key (package name, plugin id, release version, entry id,
/// artifact name or version) or one over 4 KiB, a link or seed name with a
/// line break, and for a replace_plugins input with a repeated id or a
/// package listed in two plugins (nothing is written then);
/// kFailedPrecondition for a write in a read transaction and after
/// commit(); kAborted when the backend already rolled the transaction back
/// after a failure (disk full): start a new one. A transaction may outlive
/// its Storage (it keeps the connection alive) but is used from one thread.
class CALLBOARD_EXPORT Transaction {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  /// 2: artifact records (put_artifact; artifact, artifacts).
  /// 3: the tenant-scoped stores (decision_rows ... admin_rows); mode().
  /// 4: writes checked here and handed to do_ hooks; the typed index state
  ///    (put_seed, put_plugin_build, set_plugins_stale, SyncRecord::links)
  ///    replaces put_meta.
  static constexpr std::uint32_t kInterfaceVersion = 4;

  virtual ~Transaction();
  explicit Transaction(TransactionMode mode = TransactionMode::kWrite) noexcept : mode_(mode) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> put_packument(const Packument& packument) noexcept;
  /// Removing a package that is not stored is a no-op.
  Result<void> delete_packument(std::string_view name) noexcept;
  Result<void> put_sync_record(const SyncRecord& record) noexcept;
  /// Replaces the whole plugin table and search index with `plugins`.
  Result<void> replace_plugins(const std::vector<Plugin>& plugins) noexcept;
  Result<void> put_release(const Release& release) noexcept;
  Result<void> put_directory_entry(const DirectoryEntry& entry) noexcept;
  /// Stores what a verified tarball holds, replacing the record of the same
  /// name and version. Also kInvalidArgument (nothing written) for an empty
  /// integrity, a config_schema over kMaxArtifactConfigSchemaBytes or more
  /// than kMaxArtifactEntryPoints entry points.
  Result<void> put_artifact(const ArtifactRecord& record) noexcept;
  /// Replaces the seed state.
  Result<void> put_seed(const SeedState& seed) noexcept;
  /// Records a build of the plugin table (PluginTableState::last_build);
  /// the stale flag is kept.
  Result<void> put_plugin_build(const PluginBuild& build) noexcept;
  /// Sets or clears PluginTableState::stale.
  Result<void> set_plugins_stale(bool stale) noexcept;

  /// Makes every write visible atomically. A second commit is an error.
  /// Ends the transaction: the Storage may begin() the next one even while
  /// this object is still alive. Ends a read transaction too.
  virtual Result<void> commit() noexcept = 0;

  /// One tenant's stores inside this transaction (callboard/backend/tenant.hpp).
  [[nodiscard]] TenantStores tenant(const TenantId& id);
  /// The cross-tenant handle, for operators.
  [[nodiscard]] AdminStore admin();
  [[nodiscard]] TransactionMode mode() const noexcept { return mode_; }

 protected:
  /// The row interfaces behind the tenant stores, owned by the transaction;
  /// nullptr (the default) for a domain the backend does not implement, so
  /// that its store answers kUnimplemented.
  virtual DecisionBackend* decision_rows() noexcept { return nullptr; }
  virtual AuditBackend* audit_rows() noexcept { return nullptr; }
  virtual ConfigBackend* config_rows() noexcept { return nullptr; }
  virtual RolloutBackend* rollout_rows() noexcept { return nullptr; }
  virtual AdminBackend* admin_rows() noexcept { return nullptr; }

  /// What a backend implements for the writes above: called with checked
  /// input, in a write transaction only.
  virtual Result<void> do_put_packument(const Packument& packument) noexcept = 0;
  virtual Result<void> do_delete_packument(std::string_view name) noexcept = 0;
  virtual Result<void> do_put_sync_record(const SyncRecord& record) noexcept = 0;
  virtual Result<void> do_replace_plugins(const std::vector<Plugin>& plugins) noexcept = 0;
  virtual Result<void> do_put_release(const Release& release) noexcept = 0;
  virtual Result<void> do_put_directory_entry(const DirectoryEntry& entry) noexcept = 0;
  virtual Result<void> do_put_artifact(const ArtifactRecord& record) noexcept = 0;
  virtual Result<void> do_put_seed(const SeedState& seed) noexcept = 0;
  virtual Result<void> do_put_plugin_build(const PluginBuild& build) noexcept = 0;
  virtual Result<void> do_set_plugins_stale(bool stale) noexcept = 0;

  /// For a transaction that wraps another (a decorator: logging, metrics,
  /// fault injection): the wrapped transaction's rows, to return from the
  /// accessors above.
  static DecisionBackend* decision_rows_of(Transaction& inner) noexcept { return inner.decision_rows(); }
  static AuditBackend* audit_rows_of(Transaction& inner) noexcept { return inner.audit_rows(); }
  static ConfigBackend* config_rows_of(Transaction& inner) noexcept { return inner.config_rows(); }
  static RolloutBackend* rollout_rows_of(Transaction& inner) noexcept { return inner.rollout_rows(); }
  static AdminBackend* admin_rows_of(Transaction& inner) noexcept { return inner.admin_rows(); }

 private:
  TransactionMode mode_;
};

class CALLBOARD_EXPORT Storage {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  /// 2: artifact records (put_artifact; artifact, artifacts).
  /// 3: begin(TransactionMode): read transactions.
  /// 4: the typed index state (seed, plugin_table) replaces meta;
  ///    plugin_generation.
  static constexpr std::uint32_t kInterfaceVersion = 4;

  virtual ~Storage();
  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// Starts a write transaction (one at a time per Storage object:
  /// kFailedPrecondition while one is open; SQLite waits up to its busy
  /// timeout for other processes, then kUnavailable, retryable).
  Result<std::unique_ptr<Transaction>> begin() noexcept { return begin(TransactionMode::kWrite); }
  /// Starts a transaction of either mode (TransactionMode says what each
  /// may do and when it waits). The transaction's mode() is `mode`.
  virtual Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) noexcept = 0;

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
  /// The plugin table's generation: 0 for a store never given plugins, and
  /// larger after every committed transaction that called replace_plugins
  /// (a rolled-back one leaves it). For caches: compare, do not count.
  virtual Result<std::uint64_t> plugin_generation() noexcept = 0;
  virtual Result<SearchPage> search(const SearchQuery& query) noexcept = 0;

  virtual Result<std::optional<Release>> release(std::string_view version) noexcept = 0;
  /// Stored release versions, sorted by semver ascending.
  virtual Result<std::vector<std::string>> release_versions() noexcept = 0;

  virtual Result<std::optional<DirectoryEntry>> directory_entry(std::string_view id) noexcept = 0;
  virtual Result<std::vector<DirectoryEntry>> directory_entries() noexcept = 0;

  /// The seed state; nullopt before the first seeded index run.
  virtual Result<std::optional<SeedState>> seed() noexcept = 0;
  /// The plugin table's state (no build, not stale, before the first build).
  virtual Result<PluginTableState> plugin_table() noexcept = 0;

  /// The stored record of one package version's verified tarball; nullopt
  /// when none was stored. Versions are compared as exact text.
  virtual Result<std::optional<ArtifactRecord>> artifact(std::string_view name,
                                                         std::string_view version) noexcept = 0;
  /// Every stored record of one package, sorted by version (semver
  /// precedence; versions that are not semver last, by byte order). Empty
  /// when none.
  virtual Result<std::vector<ArtifactRecord>> artifacts(std::string_view name) noexcept = 0;

  /// Checks internal consistency (SQLite: PRAGMA integrity_check and the
  /// search index against the plugin table). Ok when consistent; kDataLoss
  /// naming the problem otherwise. SQLite takes the write lock for it
  /// (kFailedPrecondition while this object has a transaction open).
  virtual Result<void> check() noexcept = 0;
};

/// Thread-safety: a Storage object may be used from one thread at a time;
/// open one per thread (SQLite connections are cheap). Keep a Storage open
/// rather than opening one per query: SQLite search caches per-plugin facts
/// and, after the first text query matching many plugins, an in-memory text
/// index (about 1 s to build and 45 MB per 100,000 plugins; rebuilt
/// after replace_plugins). Methods never throw;
/// kUnavailable errors (database busy or locked) are retryable; a damaged
/// SQLite file gives kDataLoss. SQLite errors carry "database" and "operation"
/// context entries.

/// How a store is opened.
struct StorageOpenOptions {
  /// Create a persistent store that does not exist yet (SQLite: the file,
  /// then the schema). When false, a store that does not exist is kNotFound
  /// (with a "database" context entry naming it) and nothing is created:
  /// what commands that only read use, so that they never leave an empty
  /// database behind. Stores that are new on every open (memory:,
  /// sqlite::memory:) ignore it. An existing store is still migrated.
  bool create_if_missing = true;
  friend bool operator==(const StorageOpenOptions&, const StorageOpenOptions&) = default;
};

/// Opens a Storage for a URL. Factories are registered by scheme on a
/// BackendRegistry instance owned by the host; there is no global registry.
/// A factory must honour every StorageOpenOptions field.
using StorageFactory =
    std::function<Result<std::unique_ptr<Storage>>(std::string_view url, const StorageOpenOptions& options)>;

class CALLBOARD_EXPORT BackendRegistry {
 public:
  /// Adds or replaces the factory for a scheme ("sqlite", "memory").
  void register_storage(std::string scheme, StorageFactory factory);
  /// Opens `url` with the factory of its scheme (the text before ':');
  /// kInvalidArgument for an unknown scheme.
  [[nodiscard]] Result<std::unique_ptr<Storage>> open_storage(std::string_view url,
                                                              const StorageOpenOptions& options = {}) const;
  [[nodiscard]] std::vector<std::string> storage_schemes() const;

 private:
  std::map<std::string, StorageFactory, std::less<>> storage_;
};

/// Registers the built-in backends: "sqlite" and "memory".
CALLBOARD_EXPORT void register_builtin_backends(BackendRegistry& registry);

/// Convenience: a registry with the built-in backends, then open_storage.
/// Opens storage by URL ("sqlite:///path", "sqlite:path", "memory:").
/// A SQLite database is created (unless `options.create_if_missing` is
/// false: kNotFound then) and migrated to the current schema; a database
/// from a newer callboard is refused with kFailedPrecondition.
CALLBOARD_EXPORT Result<std::unique_ptr<Storage>> open_storage(std::string_view url,
                                                               const StorageOpenOptions& options = {});

}  // namespace callboard::backend
