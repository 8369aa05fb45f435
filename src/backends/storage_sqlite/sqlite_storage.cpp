// The SQLite backend.
//
// Concurrency: every SqliteStorage holds two connections to its file, a
// writer (used by transactions: BEGIN IMMEDIATE .. COMMIT) and a read-only
// reader (used by every read). So reads never see the object's own
// uncommitted writes, exactly like readers in other processes. The database
// runs in WAL mode: readers never block the writer nor each other, writers
// from several processes serialize on the write lock (waiting up to the busy
// timeout), and a process killed at any point leaves the last committed
// state (SQLite replays or discards the WAL on the next open).
//
// Search: the FTS5 table answers the text part (row ids and bm25) when the
// text matches at most kFtsRowLimit plugins. A broader text (a common word,
// a one-letter prefix) is answered by an in-memory TextIndex built from
// plugin_tokens on first need, because FTS5's bm25() costs microseconds per
// matching row; once built (per connection and plugins generation), the
// index answers every text query. Both compute the same BM25, bit for bit. Filters, facets and ranking run
// over a per-connection cache of the plugins' facts (search_common.hpp).
// Both caches are rebuilt when the plugins generation counter in
// internal_state changes (replace_plugins bumps it). A search reads the
// generation, the matches and the page's JSON in one read transaction, so it
// sees one snapshot.

#include "backends/storage_sqlite/sqlite_storage.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/search_common.hpp"
#include "backends/storage_sqlite/schema.hpp"
#include "backends/storage_sqlite/sqlite_support.hpp"
#include "backends/storage_sqlite/sqlite_tenant.hpp"
#include "callboard/semver.hpp"

namespace callboard::backend::detail {

namespace {

namespace fs = std::filesystem;

constexpr int kDefaultBusyTimeoutMs = 10000;
// Above this many FTS5 matches, search switches to the in-memory index.
constexpr std::int64_t kFtsRowLimit = 2000;
constexpr int kMaxBusyTimeoutMs = 3600 * 1000;

struct Location {
  std::string display;  // what errors show: the path, or ":memory:"
  std::string open_name;
  bool temporary = false;  // created at open, removed at close
  bool create = true;      // create the file when it does not exist
  int busy_timeout_ms = kDefaultBusyTimeoutMs;
  std::int64_t fts_row_limit = kFtsRowLimit;
};

Error stored_value_error(const Error& parse_error, std::string_view kind, std::string_view key,
                         const std::string& database, std::string_view operation) {
  Error e = make_error(ErrorCode::kDataLoss,
                       "stored " + std::string(kind) + " does not parse: " + parse_error.message);
  e.with("database", database).with("operation", std::string(operation)).with("key", std::string(key));
  for (const auto& d : parse_error.context) e.with(d.key, d.value);
  return e;
}

// Stored JSON passed the parsers (or came from our own to_json), so read it
// back with room to spare; the limits only stop a damaged file from
// exhausting memory.
ParseLimits stored_limits() {
  ParseLimits limits;
  limits.max_document_bytes = std::size_t{1} << 30;
  limits.max_versions = std::size_t{1} << 20;
  return limits;
}

std::int64_t millis(Timestamp t) { return static_cast<std::int64_t>(t.time_since_epoch().count()); }
Timestamp from_millis(std::int64_t v) { return Timestamp{std::chrono::milliseconds{v}}; }

std::string now_text() { return format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())); }

// Lists of names are stored one per line (names never hold a line break:
// Transaction checks).
std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A key that orders release versions in SQL roughly as semver does (exact
// order comes from sort_release_versions).
std::string release_sort_key(std::string_view version) {
  auto parsed = semver::Version::parse(version);
  if (!parsed) return "~" + std::string(version);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%020llu.%020llu.%020llu", static_cast<unsigned long long>(parsed->major()),
                static_cast<unsigned long long>(parsed->minor()), static_cast<unsigned long long>(parsed->patch()));
  std::string key = buffer;
  const std::string canonical = parsed->to_string();
  const auto dash = canonical.find('-');
  key += dash == std::string::npos ? std::string("~") : "-" + canonical.substr(dash + 1);
  return key;
}

// ---------------------------------------------------------------------------
// URL

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Location> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (url.size() < kScheme.size() || detail::ascii_lower(url.substr(0, kScheme.size())) != kScheme) {
    return make_error(ErrorCode::kInvalidArgument, "not a sqlite: URL");
  }
  std::string_view rest = url.substr(kScheme.size());
  Location loc;
  const auto question = rest.find('?');
  if (question != std::string_view::npos) {
    std::string_view options = rest.substr(question + 1);
    rest = rest.substr(0, question);
    while (!options.empty()) {
      const auto amp = options.find('&');
      const std::string_view option = options.substr(0, amp);
      options = amp == std::string_view::npos ? std::string_view{} : options.substr(amp + 1);
      if (option.empty()) continue;
      const auto eq = option.find('=');
      const std::string_view key = option.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : option.substr(eq + 1);
      if (key == "busy_timeout_ms" || key == "fts_row_limit") {
        int number = 0;
        bool valid = !value.empty() && value.size() <= 8;
        for (char c : value) {
          if (c < '0' || c > '9') {
            valid = false;
            break;
          }
          number = number * 10 + (c - '0');
        }
        if (key == "busy_timeout_ms") {
          if (!valid || number > kMaxBusyTimeoutMs) {
            return make_error(ErrorCode::kInvalidArgument,
                              "busy_timeout_ms must be a number of milliseconds up to 3600000")
                .with("option", std::string(option));
          }
          loc.busy_timeout_ms = number;
        } else {
          if (!valid) {
            return make_error(ErrorCode::kInvalidArgument, "fts_row_limit must be a number")
                .with("option", std::string(option));
          }
          loc.fts_row_limit = number;
        }
      } else {
        return make_error(ErrorCode::kInvalidArgument,
                          "unknown sqlite: URL option (known: busy_timeout_ms, fts_row_limit)")
            .with("option", std::string(key));
      }
    }
  }
  if (rest == ":memory:") {
    // SQLite's in-memory databases cannot serve this backend's reader a
    // snapshot while its writer holds a transaction (memdb refuses readers
    // then; a shared cache locks whole tables). So ":memory:" is a private
    // temporary file, created at open and removed at close.
    loc.display = ":memory:";
    loc.temporary = true;
    return loc;
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    if (!rest.starts_with("/")) {
      return make_error(ErrorCode::kInvalidArgument,
                        "a sqlite:// URL takes an absolute path and no host: sqlite:///abs/path.db");
    }
  }
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%') {
      const int hi = i + 2 < rest.size() ? hex_value(rest[i + 1]) : -1;
      const int lo = i + 2 < rest.size() ? hex_value(rest[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return make_error(ErrorCode::kInvalidArgument, "malformed percent escape in sqlite: URL path");
      }
      path.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      path.push_back(rest[i]);
    }
  }
  if (path.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "sqlite: URL names no file; use sqlite:///abs/path.db, sqlite:relative/path.db or sqlite::memory:");
  }
  if (path.find('\0') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "sqlite: URL path contains a NUL byte");
  }
  loc.display = path;
  loc.open_name = path;
  return loc;
}

// ---------------------------------------------------------------------------
// Connection state shared by a SqliteStorage and its transactions.

struct Shared {
  Shared() = default;
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;
  ~Shared() {
    snapshot.reset();
    reader.reset();
    writer.reset();
    if (location.temporary && !location.open_name.empty()) {
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(location.open_name + suffix, ec);
    }
  }

  Location location;
  std::unique_ptr<SQLite::Database> writer;
  std::unique_ptr<SQLite::Database> reader;
  // Read transactions' connection, opened at the first one: apart from
  // `reader`, whose own BEGIN (search) must not nest in theirs.
  std::unique_ptr<SQLite::Database> snapshot;
  std::mutex mutex;
  bool transaction_open = false;
  bool snapshot_open = false;

  // Search facts cache (reader side).
  std::int64_t cached_generation = -1;
  SearchCorpus corpus;
  std::vector<std::int64_t> pkey_of_row;
  std::vector<std::uint32_t> row_of_pkey_dense;  // index pkey, UINT32_MAX when absent
  std::unordered_map<std::int64_t, std::uint32_t> row_of_pkey_sparse;
  bool dense = true;
  // In-memory text index for broad queries, built lazily per generation.
  std::optional<TextIndex> text;
  std::int64_t text_generation = -1;

  [[nodiscard]] const std::string& name() const { return location.display; }

  [[nodiscard]] std::optional<std::uint32_t> row_of(std::int64_t pkey) const {
    if (dense) {
      if (pkey < 0 || static_cast<std::uint64_t>(pkey) >= row_of_pkey_dense.size()) return std::nullopt;
      const auto row = row_of_pkey_dense[static_cast<std::size_t>(pkey)];
      if (row == UINT32_MAX) return std::nullopt;
      return row;
    }
    auto it = row_of_pkey_sparse.find(pkey);
    if (it == row_of_pkey_sparse.end()) return std::nullopt;
    return it->second;
  }
};

std::unique_ptr<SQLite::Database> open_connection(const Location& loc, bool read_only) {
  int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
  // Without `create` even the writer does not create the file, so a file
  // removed between open_impl's check and here is an error, not a new database.
  if (!read_only && loc.create) flags |= SQLite::OPEN_CREATE;
  auto db = std::make_unique<SQLite::Database>(loc.open_name, flags, loc.busy_timeout_ms);
  db->exec("PRAGMA foreign_keys = ON");
  db->exec("PRAGMA synchronous = NORMAL");
  if (read_only) db->exec("PRAGMA query_only = ON");
  return db;
}

std::int64_t pragma_int(SQLite::Database& db, const char* pragma) {
  SQLite::Statement s(db, std::string("PRAGMA ") + pragma);
  if (!s.executeStep()) return 0;
  return s.getColumn(0).getInt64();
}

// Ends a transaction on scope exit when the body did not (exceptions).
class RollbackGuard {
 public:
  explicit RollbackGuard(SQLite::Database& db) : db_(db) {}
  ~RollbackGuard() {
    if (!active_) return;
    if (sqlite3_get_autocommit(db_.getHandle()) != 0) return;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing to do: the connection rolls back on close anyway
    }
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  void release() { active_ = false; }

 private:
  SQLite::Database& db_;
  bool active_ = true;
};

Result<void> migrate(Shared& shared) {
  auto& db = *shared.writer;
  // The common case, an up-to-date database, needs no write lock: opening
  // must not wait for another process's long write transaction.
  if (pragma_int(db, "user_version") == sqlite_schema::current_version() &&
      pragma_int(db, "application_id") == sqlite_schema::kApplicationId) {
    return ok_result();
  }
  db.exec("BEGIN IMMEDIATE");
  RollbackGuard guard(db);
  const auto version = pragma_int(db, "user_version");
  const auto application = pragma_int(db, "application_id");
  const int current = sqlite_schema::current_version();
  if (version == 0) {
    SQLite::Statement tables(db, "SELECT count(*) FROM sqlite_master");
    tables.executeStep();
    if (application != 0 && application != sqlite_schema::kApplicationId) {
      return make_error(ErrorCode::kFailedPrecondition, "the file is another application's SQLite database")
          .with("database", shared.name())
          .with("application_id", std::to_string(application));
    }
    if (tables.getColumn(0).getInt64() != 0) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "the file is a SQLite database with tables but without a callboard schema version; "
                        "refusing to add callboard tables to it")
          .with("database", shared.name());
    }
  } else if (application != sqlite_schema::kApplicationId) {
    return make_error(ErrorCode::kFailedPrecondition, "the file is another application's SQLite database")
        .with("database", shared.name())
        .with("application_id", std::to_string(application));
  }
  if (version > current) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "database schema version " + std::to_string(version) +
                          " is newer than this callboard understands (" + std::to_string(current) +
                          "); upgrade callboard or use another database file")
        .with("database", shared.name())
        .with("schema_version", std::to_string(version));
  }
  if (version < 0) {
    return make_error(ErrorCode::kDataLoss, "database schema version is negative")
        .with("database", shared.name())
        .with("schema_version", std::to_string(version));
  }
  if (version == current) {
    db.exec("COMMIT");
    guard.release();
    return ok_result();
  }
  for (const auto& m : sqlite_schema::migrations()) {
    if (m.version <= version) continue;
    db.exec(std::string(m.sql));
    SQLite::Statement record(db, "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, ?, ?)");
    record.bind(1, m.version);
    record.bind(2, std::string(m.description));
    record.bind(3, now_text());
    record.exec();
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
  }
  db.exec("PRAGMA application_id = " + std::to_string(sqlite_schema::kApplicationId));
  db.exec("COMMIT");
  guard.release();
  return ok_result();
}

// ---------------------------------------------------------------------------
// Writes

Result<void> bad_state(const Shared& shared, std::string_view operation, std::string message) {
  return make_error(ErrorCode::kFailedPrecondition, std::move(message))
      .with("database", shared.name())
      .with("operation", std::string(operation));
}

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(std::shared_ptr<Shared> shared, TransactionMode mode)
      : Transaction(mode), shared_(std::move(shared)) {}

  ~SqliteTransaction() override {
    std::lock_guard lock(shared_->mutex);
    if (done_) return;  // committed: the storage may already run a newer transaction
    if (sqlite3_get_autocommit(connection().getHandle()) == 0) {
      try {
        connection().exec("ROLLBACK");
      } catch (...) {  // the connection rolls back when closed anyway
      }
    }
    open_flag() = false;
  }

  Result<void> do_put_packument(const Packument& packument) noexcept override {
    return write("put_packument", [&](SQLite::Database& db) -> Result<void> {
      const std::string json = to_json(packument);
      const Manifest* latest = packument.latest();
      SQLite::Statement s(db,
                          "INSERT INTO packuments(name, json, latest, modified, version_count) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT(name) DO UPDATE SET json = excluded.json, latest = excluded.latest, "
                          "modified = excluded.modified, version_count = excluded.version_count");
      s.bind(1, packument.name);
      s.bindNoCopy(2, json);
      s.bind(3, latest != nullptr ? latest->version : std::string());
      s.bind(4, millis(packument.modified));
      s.bind(5, static_cast<std::int64_t>(packument.versions.size()));
      s.exec();
      return ok_result();
    });
  }

  Result<void> do_delete_packument(std::string_view name) noexcept override {
    return write("delete_packument", [&](SQLite::Database& db) -> Result<void> {
      SQLite::Statement s(db, "DELETE FROM packuments WHERE name = ?");
      s.bind(1, std::string(name));
      s.exec();
      return ok_result();
    });
  }

  Result<void> do_put_sync_record(const SyncRecord& r) noexcept override {
    return write("put_sync_record", [&](SQLite::Database& db) -> Result<void> {
      SQLite::Statement s(db,
                          "INSERT OR REPLACE INTO sync(name, source, status, etag, last_modified, content_hash, "
                          "checked, changed, error, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      s.bind(1, r.name);
      s.bind(2, std::string(to_string(r.source)));
      s.bind(3, r.status);
      s.bind(4, r.etag);
      s.bind(5, r.last_modified);
      s.bind(6, r.content_hash);
      s.bind(7, millis(r.checked));
      s.bind(8, millis(r.changed));
      s.bind(9, r.error);
      s.bind(10, join_lines(r.links));
      s.exec();
      return ok_result();
    });
  }

  Result<void> do_replace_plugins(const std::vector<Plugin>& plugins) noexcept override {
    return write("replace_plugins", [&](SQLite::Database& db) -> Result<void> {
      // A savepoint, so that a failure half-way (disk full) leaves the
      // transaction as it was before this call.
      db.exec("SAVEPOINT replace_plugins");
      try {
        write_plugins(db, plugins);
        db.exec("RELEASE replace_plugins");
      } catch (...) {
        if (sqlite3_get_autocommit(db.getHandle()) == 0) {
          try {
            db.exec("ROLLBACK TO replace_plugins");
            db.exec("RELEASE replace_plugins");
          } catch (...) {  // reported below through the original exception
          }
        }
        throw;
      }
      return ok_result();
    });
  }

  Result<void> do_put_release(const Release& release) noexcept override {
    return write("put_release", [&](SQLite::Database& db) -> Result<void> {
      const std::string json = to_json(release);
      SQLite::Statement s(db, "INSERT OR REPLACE INTO releases(version, json, sort_key) VALUES (?, ?, ?)");
      s.bind(1, release.version);
      s.bindNoCopy(2, json);
      s.bind(3, release_sort_key(release.version));
      s.exec();
      return ok_result();
    });
  }

  Result<void> do_put_directory_entry(const DirectoryEntry& entry) noexcept override {
    return write("put_directory_entry", [&](SQLite::Database& db) -> Result<void> {
      const std::string json = to_json(entry);
      SQLite::Statement s(db, "INSERT OR REPLACE INTO directory(id, json) VALUES (?, ?)");
      s.bind(1, entry.id);
      s.bindNoCopy(2, json);
      s.exec();
      return ok_result();
    });
  }

  Result<void> do_put_seed(const SeedState& seed) noexcept override {
    return write("put_seed", [&](SQLite::Database& db) -> Result<void> {
      SQLite::Statement s(db, "UPDATE index_state SET seed_fingerprint = ?, seed_names = ? WHERE id = 1");
      s.bind(1, seed.fingerprint);
      s.bind(2, join_lines(seed.names));
      return one_row_changed(s.exec(), "put_seed");
    });
  }

  Result<void> do_put_plugin_build(const PluginBuild& b) noexcept override {
    return write("put_plugin_build", [&](SQLite::Database& db) -> Result<void> {
      SQLite::Statement s(db,
                          "UPDATE index_state SET plugins_built_at = ?, packages = ?, versions = ?, plugins = ?, "
                          "releases = ?, directory_entries = ? WHERE id = 1");
      s.bind(1, format_timestamp(b.built_at));
      s.bind(2, static_cast<std::int64_t>(b.packages));
      s.bind(3, static_cast<std::int64_t>(b.versions));
      s.bind(4, static_cast<std::int64_t>(b.plugins));
      s.bind(5, static_cast<std::int64_t>(b.releases));
      s.bind(6, static_cast<std::int64_t>(b.directory_entries));
      return one_row_changed(s.exec(), "put_plugin_build");
    });
  }

  Result<void> do_set_plugins_stale(bool stale) noexcept override {
    return write("set_plugins_stale", [&](SQLite::Database& db) -> Result<void> {
      SQLite::Statement s(db, "UPDATE index_state SET plugins_stale = ? WHERE id = 1");
      s.bind(1, stale ? 1 : 0);
      return one_row_changed(s.exec(), "set_plugins_stale");
    });
  }

  Result<void> do_put_artifact(const ArtifactRecord& record) noexcept override {
    return write("put_artifact", [&](SQLite::Database& db) -> Result<void> {
      const std::string json = to_json(record);
      SQLite::Statement s(db,
                          "INSERT INTO artifacts(name, version, integrity, verified_at, backend_system, "
                          "has_dist_dynamic, json) VALUES (?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT(name, version) DO UPDATE SET integrity = excluded.integrity, "
                          "verified_at = excluded.verified_at, backend_system = excluded.backend_system, "
                          "has_dist_dynamic = excluded.has_dist_dynamic, json = excluded.json");
      s.bind(1, record.name);
      s.bind(2, record.version);
      s.bind(3, record.integrity);
      s.bind(4, millis(record.verified_at));
      s.bind(5, std::string(to_string(record.backend_system)));
      s.bind(6, record.has_dist_dynamic ? 1 : 0);
      s.bindNoCopy(7, json);
      s.exec();
      return ok_result();
    });
  }

  Result<void> commit() noexcept override {
    return use("commit", false, [&](SQLite::Database& db) -> Result<void> {
      db.exec("COMMIT");
      done_ = true;
      open_flag() = false;
      return ok_result();
    });
  }

 protected:
  DecisionBackend* decision_rows() noexcept override { return &rows_; }
  AuditBackend* audit_rows() noexcept override { return &rows_; }
  ConfigBackend* config_rows() noexcept override { return &rows_; }
  RolloutBackend* rollout_rows() noexcept override { return &rows_; }
  AdminBackend* admin_rows() noexcept override { return &rows_; }

 private:
  static void write_plugins(SQLite::Database& db, const std::vector<Plugin>& plugins) {
    db.exec("INSERT INTO plugin_search(plugin_search) VALUES ('delete-all'); DELETE FROM plugin_tokens; "
            "DELETE FROM plugin_packages; DELETE FROM plugin_roles; DELETE FROM plugin_releases; "
            "DELETE FROM plugins;");
    SQLite::Statement plugin_row(db,
                                 "INSERT INTO plugins(pkey, id, json, title, category, category_key, backend_system, "
                                 "frontend_system, deprecated, score, last_published) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement role_row(db, "INSERT INTO plugin_roles(pkey, role) VALUES (?, ?)");
    SQLite::Statement release_row(db, "INSERT INTO plugin_releases(pkey, release) VALUES (?, ?)");
    SQLite::Statement package_row(db, "INSERT INTO plugin_packages(package, pkey, kind) VALUES (?, ?, ?)");
    SQLite::Statement token_row(db,
                                "INSERT INTO plugin_tokens(pkey, names, title, description, keywords, modules) "
                                "VALUES (?, ?, ?, ?, ?, ?)");
    SQLite::Statement search_row(db,
                                 "INSERT INTO plugin_search(rowid, names, title, description, keywords, modules) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
    std::int64_t pkey = 0;
    for (const Plugin* p : sorted_by_id(plugins)) {
      ++pkey;
      const std::string json = to_json(*p);
      plugin_row.bind(1, pkey);
      plugin_row.bindNoCopy(2, p->id);
      plugin_row.bindNoCopy(3, json);
      plugin_row.bindNoCopy(4, p->title);
      plugin_row.bindNoCopy(5, p->category);
      plugin_row.bind(6, ascii_lower(p->category));
      plugin_row.bind(7, std::string(to_string(p->backend_system)));
      plugin_row.bind(8, std::string(to_string(p->frontend_system)));
      plugin_row.bind(9, p->deprecated ? 1 : 0);
      plugin_row.bind(10, p->score.total);
      plugin_row.bind(11, millis(p->last_published));
      plugin_row.exec();
      plugin_row.reset();

      std::set<std::string_view> roles;
      for (const auto& pkg : p->packages) roles.insert(to_string(pkg.role));
      for (const auto& pkg : p->modules) roles.insert(to_string(pkg.role));
      for (auto role : roles) {
        role_row.bind(1, pkey);
        role_row.bind(2, std::string(role));
        role_row.exec();
        role_row.reset();
      }
      const std::set<std::string_view> releases(p->supported_releases.begin(), p->supported_releases.end());
      for (auto release : releases) {
        release_row.bind(1, pkey);
        release_row.bind(2, std::string(release));
        release_row.exec();
        release_row.reset();
      }
      auto add_package = [&](const PluginPackage& pkg, const char* kind) {
        package_row.bindNoCopy(1, pkg.name);
        package_row.bind(2, pkey);
        package_row.bindNoCopy(3, kind);
        package_row.exec();
        package_row.reset();
      };
      for (const auto& pkg : p->packages) add_package(pkg, "package");
      for (const auto& pkg : p->modules) add_package(pkg, "module");

      const SearchColumns columns = plugin_search_tokens(*p);
      std::array<std::string, kSearchColumns> texts;
      token_row.bind(1, pkey);
      search_row.bind(1, pkey);
      for (std::size_t c = 0; c < kSearchColumns; ++c) {
        texts[c] = join_tokens(columns[c]);
        token_row.bindNoCopy(static_cast<int>(c + 2), texts[c]);
        search_row.bindNoCopy(static_cast<int>(c + 2), texts[c]);
      }
      token_row.exec();
      token_row.reset();
      search_row.exec();
      search_row.reset();
    }
    SQLite::Statement bump(db, "UPDATE internal_state SET value = value + 1 WHERE key = ?");
    bump.bind(1, std::string(sqlite_schema::kPluginsGenerationKey));
    bump.exec();
  }

  // The one row of index_state is created by migration 4 and never removed
  // by callboard: a write that changes no row found a damaged file.
  Result<void> one_row_changed(int changed, std::string_view operation) const {
    if (changed == 1) return ok_result();
    return make_error(ErrorCode::kDataLoss, "the index_state row is missing; the database was changed by hand")
        .with("database", shared_->name())
        .with("operation", std::string(operation));
  }

  [[nodiscard]] SQLite::Database& connection() const {
    return mode() == TransactionMode::kRead ? *shared_->snapshot : *shared_->writer;
  }
  [[nodiscard]] bool& open_flag() const {
    return mode() == TransactionMode::kRead ? shared_->snapshot_open : shared_->transaction_open;
  }

  template <typename F>
  Result<void> write(std::string_view operation, F&& body) noexcept {
    return use(operation, true, std::forward<F>(body));
  }

  // Runs `body` on the transaction's connection. Transaction refuses writes
  // of a read transaction before they get here; `writes` only documents.
  template <typename F>
  Result<void> use(std::string_view operation, [[maybe_unused]] bool writes, F&& body) noexcept {
    return guarded(shared_->name(), operation, [&]() -> Result<void> {
      std::lock_guard lock(shared_->mutex);
      if (done_) return bad_state(*shared_, operation, "transaction already committed");
      auto& db = connection();
      // SQLite rolls a transaction back by itself after some errors (disk
      // full, I/O); writing on would then autocommit each statement.
      if (sqlite3_get_autocommit(db.getHandle()) != 0) {
        return make_error(ErrorCode::kAborted,
                          "the transaction was rolled back after an earlier error; start a new one")
            .with("database", shared_->name())
            .with("operation", std::string(operation));
      }
      return body(db);
    });
  }

  std::shared_ptr<Shared> shared_;
  bool done_ = false;
  // The tenant stores refuse writes of a read transaction themselves.
  SqliteTenantRows rows_{[this](std::string_view operation,
                                const std::function<Result<void>(SQLite::Database&)>& body) {
    return use(operation, false, [&](SQLite::Database& db) { return body(db); });
  }};
};

// ---------------------------------------------------------------------------
// Reads

class SqliteStorage final : public Storage {
 public:
  explicit SqliteStorage(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) noexcept override {
    return guarded(shared_->name(), "begin", [&]() -> Result<std::unique_ptr<Transaction>> {
      std::lock_guard lock(shared_->mutex);
      if (mode == TransactionMode::kRead) return begin_read();
      if (shared_->transaction_open) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "a transaction is already open on this storage object (one at a time)")
            .with("database", shared_->name());
      }
      shared_->writer->exec("BEGIN IMMEDIATE");
      RollbackGuard guard(*shared_->writer);
      auto txn = std::make_unique<SqliteTransaction>(shared_, mode);
      guard.release();
      shared_->transaction_open = true;
      return std::unique_ptr<Transaction>(std::move(txn));
    });
  }

  // Under the lock. A WAL read transaction takes its snapshot at its first
  // read: read once now, so that the snapshot is the state at begin().
  Result<std::unique_ptr<Transaction>> begin_read() {
    if (shared_->snapshot_open) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "a read transaction is already open on this storage object (one at a time)")
          .with("database", shared_->name());
    }
    if (!shared_->snapshot) shared_->snapshot = open_connection(shared_->location, true);
    auto& db = *shared_->snapshot;
    db.exec("BEGIN");
    RollbackGuard guard(db);
    SQLite::Statement pin(db, "SELECT count(*) FROM schema_migrations");
    pin.executeStep();
    auto txn = std::make_unique<SqliteTransaction>(shared_, TransactionMode::kRead);
    guard.release();
    shared_->snapshot_open = true;
    return std::unique_ptr<Transaction>(std::move(txn));
  }

  Result<std::optional<Packument>> packument(std::string_view name) noexcept override {
    return read("packument", [&](SQLite::Database& db) -> Result<std::optional<Packument>> {
      SQLite::Statement s(db, "SELECT json FROM packuments WHERE name = ?");
      s.bind(1, std::string(name));
      if (!s.executeStep()) return std::optional<Packument>{};
      auto parsed = parse_packument(s.getColumn(0).getString(), stored_limits());
      if (!parsed) return stored_value_error(parsed.error(), "packument", name, shared_->name(), "packument");
      return std::optional<Packument>{std::move(parsed).value()};
    });
  }

  Result<std::vector<std::string>> package_names() noexcept override {
    return read("package_names", [&](SQLite::Database& db) -> Result<std::vector<std::string>> {
      return strings(db, "SELECT name FROM packuments ORDER BY name");
    });
  }

  Result<std::optional<SyncRecord>> sync_record(std::string_view name) noexcept override {
    return read("sync_record", [&](SQLite::Database& db) -> Result<std::optional<SyncRecord>> {
      SQLite::Statement s(db, std::string(kSyncSelect) + " WHERE name = ?");
      s.bind(1, std::string(name));
      if (!s.executeStep()) return std::optional<SyncRecord>{};
      auto record = sync_from_row(s);
      if (!record) return std::move(record).error();
      return std::optional<SyncRecord>{std::move(*record)};
    });
  }

  Result<std::vector<SyncRecord>> sync_records() noexcept override {
    return read("sync_records", [&](SQLite::Database& db) -> Result<std::vector<SyncRecord>> {
      SQLite::Statement s(db, std::string(kSyncSelect) + " ORDER BY name");
      std::vector<SyncRecord> out;
      while (s.executeStep()) {
        auto record = sync_from_row(s);
        if (!record) return std::move(record).error();
        out.push_back(std::move(*record));
      }
      return out;
    });
  }

  Result<std::optional<Plugin>> plugin(std::string_view id) noexcept override {
    return read("plugin", [&](SQLite::Database& db) -> Result<std::optional<Plugin>> {
      SQLite::Statement s(db, "SELECT json FROM plugins WHERE id = ?");
      s.bind(1, std::string(id));
      if (!s.executeStep()) return std::optional<Plugin>{};
      auto p = plugin_from_json(s.getColumn(0).getString(), id, "plugin");
      if (!p) return std::move(p).error();
      return std::optional<Plugin>{std::move(p).value()};
    });
  }

  Result<std::optional<Plugin>> plugin_for_package(std::string_view package_name) noexcept override {
    return read("plugin_for_package", [&](SQLite::Database& db) -> Result<std::optional<Plugin>> {
      SQLite::Statement s(db,
                          "SELECT p.json FROM plugin_packages pp JOIN plugins p ON p.pkey = pp.pkey "
                          "WHERE pp.package = ?");
      s.bind(1, std::string(package_name));
      if (!s.executeStep()) return std::optional<Plugin>{};
      auto p = plugin_from_json(s.getColumn(0).getString(), package_name, "plugin_for_package");
      if (!p) return std::move(p).error();
      return std::optional<Plugin>{std::move(p).value()};
    });
  }

  Result<std::vector<std::string>> plugin_ids() noexcept override {
    return read("plugin_ids", [&](SQLite::Database& db) -> Result<std::vector<std::string>> {
      return strings(db, "SELECT id FROM plugins ORDER BY id");
    });
  }

  Result<std::uint64_t> plugin_generation() noexcept override {
    return read("plugin_generation", [&](SQLite::Database& db) -> Result<std::uint64_t> {
      SQLite::Statement s(db, "SELECT value FROM internal_state WHERE key = ?");
      s.bind(1, std::string(sqlite_schema::kPluginsGenerationKey));
      return s.executeStep() ? static_cast<std::uint64_t>(s.getColumn(0).getInt64()) : std::uint64_t{0};
    });
  }

  Result<SearchPage> search(const SearchQuery& query) noexcept override {
    return read("search", [&](SQLite::Database& db) -> Result<SearchPage> {
      // One read transaction: generation, matches and page rows come from
      // the same snapshot.
      db.exec("BEGIN");
      RollbackGuard guard(db);
      if (auto r = refresh_corpus(db); !r) return std::move(r).error();

      const auto terms = query_terms(query.text);
      std::vector<TextMatch> matches;
      if (!terms.empty()) {
        auto r = text_matches(db, terms);
        if (!r) return std::move(r).error();
        matches = std::move(r).value();
      }
      RankedPage ranked = rank_and_facet(shared_->corpus, query, terms.empty() ? nullptr : &matches);
      SearchPage page;
      page.total = ranked.total;
      page.facets = std::move(ranked.facets);
      SQLite::Statement fetch(db, "SELECT json FROM plugins WHERE pkey = ?");
      for (const auto& hit : ranked.hits) {
        fetch.bind(1, shared_->pkey_of_row[hit.doc]);
        if (!fetch.executeStep()) {
          return make_error(ErrorCode::kDataLoss, "a plugin row vanished inside a read transaction")
              .with("database", shared_->name())
              .with("operation", "search");
        }
        auto p = plugin_from_json(fetch.getColumn(0).getString(), shared_->corpus.docs[hit.doc].id, "search");
        if (!p) return std::move(p).error();
        page.hits.push_back({std::move(p).value(), hit.relevance});
        fetch.reset();
      }
      db.exec("COMMIT");
      guard.release();
      return page;
    });
  }

  Result<std::optional<Release>> release(std::string_view version) noexcept override {
    return read("release", [&](SQLite::Database& db) -> Result<std::optional<Release>> {
      SQLite::Statement s(db, "SELECT json FROM releases WHERE version = ?");
      s.bind(1, std::string(version));
      if (!s.executeStep()) return std::optional<Release>{};
      auto parsed = parse_release(s.getColumn(0).getString(), stored_limits());
      if (!parsed) return stored_value_error(parsed.error(), "release", version, shared_->name(), "release");
      return std::optional<Release>{std::move(parsed).value()};
    });
  }

  Result<std::vector<std::string>> release_versions() noexcept override {
    return read("release_versions", [&](SQLite::Database& db) -> Result<std::vector<std::string>> {
      auto versions = strings(db, "SELECT version FROM releases ORDER BY sort_key, version");
      sort_release_versions(versions);
      return versions;
    });
  }

  Result<std::optional<DirectoryEntry>> directory_entry(std::string_view id) noexcept override {
    return read("directory_entry", [&](SQLite::Database& db) -> Result<std::optional<DirectoryEntry>> {
      SQLite::Statement s(db, "SELECT json FROM directory WHERE id = ?");
      s.bind(1, std::string(id));
      if (!s.executeStep()) return std::optional<DirectoryEntry>{};
      auto parsed = parse_directory_entry_json(s.getColumn(0).getString(), stored_limits());
      if (!parsed) {
        return stored_value_error(parsed.error(), "directory entry", id, shared_->name(), "directory_entry");
      }
      return std::optional<DirectoryEntry>{std::move(parsed).value()};
    });
  }

  Result<std::vector<DirectoryEntry>> directory_entries() noexcept override {
    return read("directory_entries", [&](SQLite::Database& db) -> Result<std::vector<DirectoryEntry>> {
      SQLite::Statement s(db, "SELECT id, json FROM directory ORDER BY id");
      std::vector<DirectoryEntry> out;
      while (s.executeStep()) {
        auto parsed = parse_directory_entry_json(s.getColumn(1).getString(), stored_limits());
        if (!parsed) {
          return stored_value_error(parsed.error(), "directory entry", s.getColumn(0).getString(), shared_->name(),
                                    "directory_entries");
        }
        out.push_back(std::move(parsed).value());
      }
      return out;
    });
  }

  Result<std::optional<SeedState>> seed() noexcept override {
    return read("seed", [&](SQLite::Database& db) -> Result<std::optional<SeedState>> {
      SQLite::Statement s(db, "SELECT seed_fingerprint, seed_names FROM index_state WHERE id = 1");
      if (!s.executeStep() || s.getColumn(0).isNull()) return std::optional<SeedState>{};
      return std::optional<SeedState>{SeedState{s.getColumn(0).getString(), split_lines(s.getColumn(1).getString())}};
    });
  }

  Result<PluginTableState> plugin_table() noexcept override {
    return read("plugin_table", [&](SQLite::Database& db) -> Result<PluginTableState> {
      SQLite::Statement s(db,
                          "SELECT plugins_built_at, plugins_stale, packages, versions, plugins, releases, "
                          "directory_entries FROM index_state WHERE id = 1");
      PluginTableState t;
      if (!s.executeStep()) return t;
      t.stale = s.getColumn(1).getInt() != 0;
      const std::string built = s.getColumn(0).getString();
      if (built.empty()) return t;  // never built
      auto when = parse_timestamp(built);
      if (!when) {
        return make_error(ErrorCode::kDataLoss, "the stored plugin build time does not parse: " + built)
            .with("database", shared_->name())
            .with("operation", "plugin_table");
      }
      PluginBuild b;
      b.built_at = *when;
      b.packages = static_cast<std::uint64_t>(s.getColumn(2).getInt64());
      b.versions = static_cast<std::uint64_t>(s.getColumn(3).getInt64());
      b.plugins = static_cast<std::uint64_t>(s.getColumn(4).getInt64());
      b.releases = static_cast<std::uint64_t>(s.getColumn(5).getInt64());
      b.directory_entries = static_cast<std::uint64_t>(s.getColumn(6).getInt64());
      t.last_build = b;
      return t;
    });
  }

  Result<std::optional<ArtifactRecord>> artifact(std::string_view name, std::string_view version) noexcept override {
    return read("artifact", [&](SQLite::Database& db) -> Result<std::optional<ArtifactRecord>> {
      SQLite::Statement s(db, "SELECT json FROM artifacts WHERE name = ? AND version = ?");
      s.bind(1, std::string(name));
      s.bind(2, std::string(version));
      if (!s.executeStep()) return std::optional<ArtifactRecord>{};
      auto parsed = artifact_from_json(s.getColumn(0).getString(), name, version, "artifact");
      if (!parsed) return std::move(parsed).error();
      return std::optional<ArtifactRecord>{std::move(parsed).value()};
    });
  }

  Result<std::vector<ArtifactRecord>> artifacts(std::string_view name) noexcept override {
    return read("artifacts", [&](SQLite::Database& db) -> Result<std::vector<ArtifactRecord>> {
      SQLite::Statement s(db, "SELECT version, json FROM artifacts WHERE name = ?");
      s.bind(1, std::string(name));
      std::vector<ArtifactRecord> out;
      while (s.executeStep()) {
        auto parsed = artifact_from_json(s.getColumn(1).getString(), name, s.getColumn(0).getText(), "artifacts");
        if (!parsed) return std::move(parsed).error();
        out.push_back(std::move(parsed).value());
      }
      sort_artifacts_by_version(out);
      return out;
    });
  }

  Result<void> check() noexcept override {
    return guarded(shared_->name(), "check", [&]() -> Result<void> {
      std::lock_guard lock(shared_->mutex);
      if (shared_->transaction_open) {
        return bad_state(*shared_, "check", "check() needs the write lock; commit or drop the open transaction first");
      }
      // On the writer: FTS5's integrity-check is an INSERT. Nothing is
      // changed; the transaction is rolled back.
      auto& db = *shared_->writer;
      db.exec("BEGIN IMMEDIATE");
      RollbackGuard guard(db);
      auto fail = [&](std::string message) {
        return make_error(ErrorCode::kDataLoss, std::move(message))
            .with("database", shared_->name())
            .with("operation", "check");
      };
      {
        SQLite::Statement s(db, "PRAGMA integrity_check(20)");
        std::vector<std::string> problems;
        while (s.executeStep()) {
          auto line = s.getColumn(0).getString();
          if (line != "ok") problems.push_back(std::move(line));
        }
        if (!problems.empty()) {
          std::string joined;
          for (const auto& p : problems) joined += (joined.empty() ? "" : "; ") + p;
          return fail("integrity_check failed: " + joined);
        }
      }
      {
        SQLite::Statement s(db, "PRAGMA foreign_key_check");
        if (s.executeStep()) {
          return fail("a row references a missing parent (" + s.getColumn(0).getString() + " -> " +
                      s.getColumn(2).getString() + ")");
        }
      }
      if (db.execAndGet("SELECT count(*) FROM index_state").getInt64() != 1) {
        return fail("the index_state table must hold exactly one row");
      }
      // rank = 1 also compares the index with plugin_tokens (SQLite 3.44+;
      // older versions check the index's own structure only).
      db.exec("INSERT INTO plugin_search(plugin_search, rank) VALUES ('integrity-check', 1)");
      const auto plugin_count = db.execAndGet("SELECT count(*) FROM plugins").getInt64();
      const auto indexed = db.execAndGet("SELECT count(*) FROM plugin_search_docsize").getInt64();
      const auto tokenized = db.execAndGet("SELECT count(*) FROM plugin_tokens").getInt64();
      if (plugin_count != indexed || plugin_count != tokenized) {
        return fail("the search index has " + std::to_string(indexed) + " rows and " + std::to_string(tokenized) +
                    " token rows for " + std::to_string(plugin_count) + " plugins");
      }
      const auto stray = db.execAndGet(
                               "SELECT count(*) FROM plugin_search_docsize d "
                               "WHERE NOT EXISTS (SELECT 1 FROM plugins p WHERE p.pkey = d.id)")
                             .getInt64();
      if (stray != 0) return fail("the search index has rows for missing plugins");
      {
        SQLite::Statement s(db,
                            "SELECT package FROM plugin_packages pp "
                            "WHERE NOT EXISTS (SELECT 1 FROM plugins p WHERE p.pkey = pp.pkey) LIMIT 1");
        if (s.executeStep()) return fail("package " + s.getColumn(0).getString() + " maps to a missing plugin");
      }
      db.exec("ROLLBACK");
      guard.release();
      return ok_result();
    });
  }

 private:
  static constexpr std::string_view kSyncSelect =
      "SELECT name, source, status, etag, last_modified, content_hash, checked, changed, error, links FROM sync";

  // The source column holds to_string(SyncSource); any other text (a newer
  // callboard's source, or a hand-edited file) is refused, not guessed.
  Result<SyncRecord> sync_from_row(SQLite::Statement& s) const {
    SyncRecord r;
    r.name = s.getColumn(0).getString();
    const std::string source = s.getColumn(1).getString();
    if (auto parsed = parse_sync_source(source)) {
      r.source = *parsed;
    } else {
      return make_error(ErrorCode::kDataLoss, "the sync record of " + r.name + " has an unknown source '" + source +
                                                  "' (known: npm, local, directory)")
          .with("database", shared_->location.display)
          .with("package", r.name)
          .with("source", source);
    }
    r.status = s.getColumn(2).getInt();
    r.etag = s.getColumn(3).getString();
    r.last_modified = s.getColumn(4).getString();
    r.content_hash = s.getColumn(5).getString();
    r.checked = from_millis(s.getColumn(6).getInt64());
    r.changed = from_millis(s.getColumn(7).getInt64());
    r.error = s.getColumn(8).getString();
    r.links = split_lines(s.getColumn(9).getString());
    return r;
  }

  static std::vector<std::string> strings(SQLite::Database& db, const char* sql) {
    SQLite::Statement s(db, sql);
    std::vector<std::string> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getString());
    return out;
  }

  static const std::string& match_sql() {
    static const std::string sql = [] {
      std::string weights;
      for (double w : kSearchColumnWeights) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, ", %.17g", w);
        weights += buffer;
      }
      return "SELECT rowid, bm25(plugin_search" + weights + ") FROM plugin_search WHERE plugin_search MATCH ?";
    }();
    return sql;
  }

  Result<ArtifactRecord> artifact_from_json(const std::string& json, std::string_view name, std::string_view version,
                                           std::string_view operation) {
    auto parsed = parse_artifact_record_json(json, stored_limits());
    const std::string key = std::string(name) + "@" + std::string(version);
    if (!parsed) return stored_value_error(parsed.error(), "artifact record", key, shared_->name(), operation);
    if (parsed->name != name || parsed->version != version) {
      return make_error(ErrorCode::kDataLoss, "stored artifact record names another package version")
          .with("database", shared_->name())
          .with("operation", std::string(operation))
          .with("key", key);
    }
    return std::move(parsed).value();
  }

  Result<Plugin> plugin_from_json(const std::string& json, std::string_view key, std::string_view operation) {
    auto parsed = parse_plugin_json(json, stored_limits());
    if (!parsed) return stored_value_error(parsed.error(), "plugin", key, shared_->name(), operation);
    return std::move(parsed).value();
  }

  // Reloads the facts cache when the plugins generation changed. Runs inside
  // the caller's read transaction.
  Result<void> refresh_corpus(SQLite::Database& db) {
    SQLite::Statement g(db, "SELECT value FROM internal_state WHERE key = ?");
    g.bind(1, std::string(sqlite_schema::kPluginsGenerationKey));
    const std::int64_t generation = g.executeStep() ? g.getColumn(0).getInt64() : 0;
    auto& sh = *shared_;
    if (generation == sh.cached_generation) return ok_result();
    sh.cached_generation = -1;  // until the reload below completes

    SearchCorpusBuilder builder;
    std::vector<std::int64_t> pkeys;
    std::int64_t max_pkey = 0;
    {
      SQLite::Statement s(db,
                          "SELECT pkey, id, category, backend_system, frontend_system, deprecated, score "
                          "FROM plugins ORDER BY id");
      while (s.executeStep()) {
        const auto backend = parse_plugin_system(s.getColumn(3).getText());
        const auto frontend = parse_plugin_system(s.getColumn(4).getText());
        builder.add_doc(s.getColumn(1).getString(), s.getColumn(6).getDouble(), s.getColumn(2).getText(),
                        backend.value_or(PluginSystem::kNotApplicable), frontend.value_or(PluginSystem::kNotApplicable),
                        s.getColumn(5).getInt() != 0);
        pkeys.push_back(s.getColumn(0).getInt64());
        max_pkey = std::max(max_pkey, pkeys.back());
      }
    }
    // pkeys are assigned 1..n in id order, so a dense table is the normal
    // case; a hand-edited database still works through the map.
    sh.dense = max_pkey <= static_cast<std::int64_t>(4 * pkeys.size() + 1024);
    sh.row_of_pkey_dense.clear();
    sh.row_of_pkey_sparse.clear();
    if (sh.dense) {
      sh.row_of_pkey_dense.assign(static_cast<std::size_t>(max_pkey) + 1, UINT32_MAX);
      for (std::size_t row = 0; row < pkeys.size(); ++row) {
        if (pkeys[row] >= 0) sh.row_of_pkey_dense[static_cast<std::size_t>(pkeys[row])] = static_cast<std::uint32_t>(row);
      }
    } else {
      for (std::size_t row = 0; row < pkeys.size(); ++row) sh.row_of_pkey_sparse[pkeys[row]] = static_cast<std::uint32_t>(row);
    }
    {
      SQLite::Statement s(db, "SELECT pkey, role FROM plugin_roles");
      while (s.executeStep()) {
        const auto row = sh.row_of(s.getColumn(0).getInt64());
        const auto role = parse_package_role(s.getColumn(1).getText());
        if (row) builder.add_role(*row, role.value_or(PackageRole::kUnknown));
      }
    }
    {
      SQLite::Statement s(db, "SELECT pkey, release FROM plugin_releases");
      while (s.executeStep()) {
        const auto row = sh.row_of(s.getColumn(0).getInt64());
        if (row) builder.add_release(*row, s.getColumn(1).getText());
      }
    }
    sh.corpus = builder.finish();
    sh.pkey_of_row = std::move(pkeys);
    sh.cached_generation = generation;
    return ok_result();
  }

  // The rows matching the terms, with relevance. FTS5 answers when the text
  // index is not loaded and the text matches at most fts_row_limit rows
  // (probed without bm25(), which is the expensive part); otherwise the
  // in-memory index (loaded now if needed) answers. Same results either way.
  Result<std::vector<TextMatch>> text_matches(SQLite::Database& db, const std::vector<QueryTerm>& terms) {
    auto& sh = *shared_;
    const bool index_ready = sh.text && sh.text_generation == sh.cached_generation;
    const std::int64_t limit = sh.location.fts_row_limit;
    const std::string expression = fts5_match_expression(terms);
    bool narrow = false;
    if (!index_ready) {
      SQLite::Statement probe(db, "SELECT rowid FROM plugin_search WHERE plugin_search MATCH ? LIMIT ?");
      probe.bind(1, expression);
      probe.bind(2, limit + 1);
      std::int64_t rows = 0;
      while (probe.executeStep()) ++rows;
      narrow = rows <= limit;
    }
    std::vector<TextMatch> matches;
    if (!narrow) {
      if (auto r = refresh_text_index(db); !r) return std::move(r).error();
      return sh.text->match(terms);
    }
    SQLite::Statement s(db, match_sql());
    s.bind(1, expression);
    while (s.executeStep()) {
      const auto row = sh.row_of(s.getColumn(0).getInt64());
      if (!row) {
        return make_error(ErrorCode::kDataLoss, "the search index names a plugin row that does not exist; run check()")
            .with("database", sh.name())
            .with("operation", "search");
      }
      // bm25() is negative, lower is better; relevance is higher-better.
      matches.push_back({*row, -s.getColumn(1).getDouble()});
    }
    return matches;
  }

  // Builds the in-memory text index when the cached one is missing or from
  // another generation. Runs inside the caller's read transaction, after
  // refresh_corpus (whose row numbering it uses).
  Result<void> refresh_text_index(SQLite::Database& db) {
    auto& sh = *shared_;
    if (sh.text && sh.text_generation == sh.cached_generation) return ok_result();
    sh.text.reset();
    TextIndexBuilder builder;
    SQLite::Statement s(db, "SELECT pkey, names, title, description, keywords, modules FROM plugin_tokens");
    while (s.executeStep()) {
      const auto row = sh.row_of(s.getColumn(0).getInt64());
      if (!row) continue;
      std::array<std::string_view, kSearchColumns> columns;
      for (std::size_t c = 0; c < kSearchColumns; ++c) {
        const auto col = s.getColumn(static_cast<int>(c + 1));
        columns[c] = std::string_view(col.getText(), static_cast<std::size_t>(col.getBytes()));
      }
      builder.add_row(*row, columns);
    }
    sh.text = builder.finish();
    sh.text_generation = sh.cached_generation;
    return ok_result();
  }

  template <typename F>
  auto read(std::string_view operation, F&& body) noexcept -> decltype(body(std::declval<SQLite::Database&>())) {
    using R = decltype(body(std::declval<SQLite::Database&>()));
    return guarded(shared_->name(), operation, [&]() -> R {
      std::lock_guard lock(shared_->mutex);
      return body(*shared_->reader);
    });
  }

  std::shared_ptr<Shared> shared_;
};

// Creates the file behind a "sqlite::memory:" URL.
Result<std::string> make_temporary_file() {
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec);
  if (ec) return make_error(ErrorCode::kFailedPrecondition, "no temporary directory: " + ec.message());
  std::string pattern = (dir / "callboard-memory-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return make_error(ErrorCode::kFailedPrecondition, std::string("cannot create a temporary database file: ") +
                                                          std::strerror(errno))
        .with("directory", dir.string());
  }
  ::close(fd);
  return pattern;
}

Result<std::unique_ptr<Storage>> open_impl(Location loc) {
  auto shared = std::make_shared<Shared>();
  if (loc.temporary) {
    auto file = make_temporary_file();
    if (!file) return std::move(file).error().with("database", loc.display);
    loc.open_name = std::move(file).value();
  } else {
    const fs::path path(loc.open_name);
    fs::path parent = path.parent_path();
    if (parent.empty()) parent = ".";
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) {
      return make_error(ErrorCode::kNotFound, "the database's directory does not exist; create it first")
          .with("database", loc.display)
          .with("directory", parent.string());
    }
    if (fs::is_directory(path, ec)) {
      return make_error(ErrorCode::kInvalidArgument, "the database path is a directory").with("database", loc.display);
    }
    if (!loc.create && !fs::exists(path, ec)) {
      return make_error(ErrorCode::kNotFound, "there is no database at " + loc.display)
          .with("database", loc.display);
    }
  }
  shared->location = loc;
  shared->writer = open_connection(loc, false);
  {
    // WAL: readers and the writer do not block each other, and a killed
    // process leaves the last committed state.
    SQLite::Statement mode(*shared->writer, "PRAGMA journal_mode = WAL");
    mode.executeStep();
    const std::string result = mode.getColumn(0).getString();
    if (result != "wal") {
      return make_error(ErrorCode::kFailedPrecondition,
                        "the database could not be switched to WAL mode (journal_mode is " + result + ")")
          .with("database", loc.display);
    }
  }
  if (auto r = migrate(*shared); !r) return std::move(r).error();
  shared->reader = open_connection(loc, true);
  return std::unique_ptr<Storage>(std::make_unique<SqliteStorage>(std::move(shared)));
}

}  // namespace

Result<std::unique_ptr<Storage>> open_sqlite_storage(std::string_view url,
                                                     const StorageOpenOptions& options) noexcept {
  try {
    auto loc = parse_url(url);
    if (!loc) return std::move(loc).error();
    loc->create = options.create_if_missing;
    const std::string display = loc->display;
    return guarded(display, "open", [&]() { return open_impl(std::move(loc).value()); });
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory opening a SQLite database");
  } catch (...) {
    return make_error(ErrorCode::kInternal, "unexpected exception opening a SQLite database");
  }
}

int sqlite_schema_version() noexcept { return sqlite_schema::current_version(); }

}  // namespace callboard::backend::detail
