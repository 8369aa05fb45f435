// SQLite-only behaviour: persistence, several connections and processes,
// schema versions, damaged files, URLs.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include "backends/storage_sqlite/schema.hpp"
#include "backends/storage_sqlite/sqlite_storage.hpp"
#include "storage_fixtures.hpp"

using namespace storage_test;

namespace {

std::string url_for(const fs::path& file) { return "sqlite://" + file.string(); }

// The SQLite file header keeps user_version at offset 60 and application_id
// at offset 68, both big-endian (https://www.sqlite.org/fileformat.html).
std::uint32_t header_u32(const fs::path& file, std::size_t offset) {
  const std::string bytes = read_file(file);
  REQUIRE(bytes.size() >= offset + 4);
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
  return v;
}

void poke_u32(const fs::path& file, std::size_t offset, std::uint32_t value) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp(static_cast<std::streamoff>(offset));
  const std::array<char, 4> bytes{static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                                  static_cast<char>(value >> 8), static_cast<char>(value)};
  f.write(bytes.data(), 4);
  REQUIRE(f);
}

void write_file(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out);
}

void seed(const std::string& url) {
  auto s = need(open_storage(url));
  auto txn = need(s->begin());
  need(txn->put_packument(packument("@demo/a", {"1.0.0"})));
  need(txn->replace_plugins(twelve_plugins()));
  need(txn->put_seed(marker("committed")));
  need(txn->commit());
}

}  // namespace

TEST_CASE("sqlite: data persists across reopen", "[storage][sqlite]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "db.sqlite");
  seed(url);
  auto s = need(open_storage(url));
  CHECK(need(s->packument("@demo/a")).has_value());
  CHECK(need(s->plugin_ids()).size() == 12);
  SearchQuery q;
  q.text = "kubernetes";
  CHECK(hit_ids(need(s->search(q))) == std::vector<std::string>{"kubernetes", "jenkins"});
  need(s->check());
}

TEST_CASE("sqlite: without create_if_missing a missing file is kNotFound and stays missing", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "callboard.db";
  StorageOpenOptions existing_only;
  existing_only.create_if_missing = false;
  for (const auto& url : {url_for(file), "sqlite:" + file.string()}) {
    auto missing = open_storage(url, existing_only);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::kNotFound);
    CHECK(missing.error().detail("database") == file.string());
    CHECK_FALSE(fs::exists(file));
  }
  // Nothing else appeared in the folder either (no -wal, no -shm).
  CHECK(fs::directory_iterator(dir.path()) == fs::directory_iterator());
  // Through a registry too, and an existing file opens as before.
  BackendRegistry registry;
  register_builtin_backends(registry);
  CHECK(registry.open_storage(url_for(file), existing_only).error().code == ErrorCode::kNotFound);
  seed(url_for(file));
  auto s = need(open_storage(url_for(file), existing_only));
  CHECK(marker_of(*s) == std::optional<std::string>("committed"));
  // Stores that are new on every open ignore the option.
  CHECK(open_storage("sqlite::memory:", existing_only).ok());
  CHECK(open_storage("memory:", existing_only).ok());
}

TEST_CASE("sqlite: sync sources are stored as text and an unknown one is refused", "[storage][sqlite]") {
  for (SyncSource source : {SyncSource::kNpm, SyncSource::kLocal, SyncSource::kDirectory}) {
    CHECK(parse_sync_source(to_string(source)) == source);
  }
  CHECK(to_string(SyncSource::kLocal) == "local");
  CHECK_FALSE(parse_sync_source("Local").has_value());
  TempDir dir;
  const auto file = dir.path() / "sync.db";
  const std::string marker = "@demo/sync-source-marker";
  {
    auto s = need(open_storage(url_for(file)));
    auto txn = need(s->begin());
    need(txn->put_sync_record({marker, SyncSource::kLocal, 0, "", "", "", ts(1), ts(1), "", {}}));
    need(txn->commit());
    CHECK(need(s->sync_record(marker))->source == SyncSource::kLocal);
  }
  // The row holds the name, then the source's text: make it one this build
  // does not know (as a newer callboard might have written).
  std::string bytes = read_file(file);
  const auto at = bytes.find(marker + "local");
  REQUIRE(at != std::string::npos);
  bytes.replace(at + marker.size(), 5, "lunar");
  write_file(file, bytes);
  auto s = need(open_storage(url_for(file)));
  for (const Error& error : {s->sync_record(marker).error(), s->sync_records().error()}) {
    CHECK(error.code == ErrorCode::kDataLoss);
    CHECK(error.message.find("unknown source 'lunar'") != std::string::npos);
    CHECK(error.detail("package") == marker);
  }
}

TEST_CASE("sqlite: a new file gets the current schema version", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "empty.db";
  write_file(file, "");  // SQLite treats an empty file as an empty database
  { auto s = need(open_storage(url_for(file))); need(s->check()); }
  CHECK(header_u32(file, 60) == static_cast<std::uint32_t>(callboard::backend::detail::sqlite_schema_version()));
  CHECK(header_u32(file, 68) == 0x43424431u);
  // Reopening an up-to-date database migrates nothing and keeps the data.
  seed(url_for(file));
  auto s = need(open_storage(url_for(file)));
  CHECK(marker_of(*s) == std::optional<std::string>("committed"));
}

TEST_CASE("sqlite: a database from a newer callboard is refused", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "future.db";
  seed(url_for(file));
  poke_u32(file, 60, 999);
  auto r = open_storage(url_for(file));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kFailedPrecondition);
  CHECK(r.error().message.find("999") != std::string::npos);
  CHECK(r.error().detail("database") == file.string());
}

TEST_CASE("sqlite: another application's database is refused", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "other.db";
  seed(url_for(file));
  poke_u32(file, 68, 0x12345678);
  auto r = open_storage(url_for(file));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("sqlite: damaged files give errors, not crashes", "[storage][sqlite]") {
  TempDir dir;
  SECTION("garbage") {
    const auto file = dir.path() / "garbage.db";
    std::string bytes;
    std::uint32_t x = 12345;
    for (int i = 0; i < 8192; ++i) {
      x = x * 1103515245u + 12345u;
      bytes.push_back(static_cast<char>(x >> 24));
    }
    write_file(file, bytes);
    auto r = open_storage(url_for(file));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kDataLoss);
    CHECK(r.error().detail("database") == file.string());
  }
  SECTION("a text file") {
    const auto file = dir.path() / "notes.db";
    write_file(file, "these are my notes, not a database\n");
    auto r = open_storage(url_for(file));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kDataLoss);
  }
  SECTION("truncated") {
    const auto file = dir.path() / "truncated.db";
    {
      auto s = need(open_storage(url_for(file)));
      auto txn = need(s->begin());
      for (int i = 0; i < 200; ++i) need(txn->put_packument(packument("@demo/p" + std::to_string(i), {"1.0.0", "2.0.0"})));
      need(txn->replace_plugins(twelve_plugins()));
      need(txn->commit());
    }
    const auto size = fs::file_size(file);
    REQUIRE(size > 65536);
    // Cut half the file (the schema pages may be gone), or its last pages,
    // or overwrite a page in the middle with garbage.
    const int damage = GENERATE(0, 1, 2);
    INFO("damage " << damage << " to a file of " << size << " bytes");
    if (damage == 0) fs::resize_file(file, size / 2);
    if (damage == 1) fs::resize_file(file, size - 3 * 4096);
    if (damage == 2) {
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>((size / 2 / 4096) * 4096));
      const std::string junk(4096, '\x5a');
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
      REQUIRE(f);
    }
    auto r = open_storage(url_for(file));
    if (!r.ok()) {
      INFO(r.error().to_string());
      CHECK(r.error().code == ErrorCode::kDataLoss);
      return;
    }
    auto& s = *r.value();
    auto checked = s.check();
    REQUIRE_FALSE(checked.ok());
    INFO(checked.error().to_string());
    CHECK(checked.error().code == ErrorCode::kDataLoss);
    CHECK(checked.error().detail("operation") == "check");
    // Reads fail cleanly or answer; none crashes.
    (void)s.package_names();
    (void)s.plugin_ids();
    for (int i = 0; i < 200; i += 7) (void)s.packument("@demo/p" + std::to_string(i));
    SearchQuery q;
    q.text = "kubernetes";
    (void)s.search(q);
  }
}

TEST_CASE("sqlite: URLs", "[storage][sqlite]") {
  TempDir dir;
  SECTION("a missing directory is an error naming it") {
    const auto missing = dir.path() / "no" / "such" / "dir";
    auto r = open_storage(url_for(missing / "db.sqlite"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kNotFound);
    CHECK(r.error().detail("directory") == missing.string());
    CHECK_FALSE(fs::exists(missing));
  }
  SECTION("relative paths, percent escapes, options") {
    const auto relative = fs::relative(dir.path() / "rel.db", fs::current_path());
    { auto s = need(open_storage("sqlite:" + relative.string())); }
    CHECK(fs::exists(dir.path() / "rel.db"));
    { auto s = need(open_storage("sqlite://" + dir.path().string() + "/my%20db.db?busy_timeout_ms=250")); }
    CHECK(fs::exists(dir.path() / "my db.db"));
  }
  SECTION("malformed URLs") {
    for (const std::string url : {"sqlite:", "sqlite://", "sqlite://host/x.db", "sqlite:///x.db?busy_timeout_ms=abc",
                                  "sqlite:///x.db?unknown=1", "sqlite:///x%zz.db", "sqlite:///x%2"}) {
      INFO(url);
      auto r = open_storage(url);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::kInvalidArgument);
    }
  }
  SECTION("a directory is not a database") {
    auto r = open_storage(url_for(dir.path()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("sqlite: two connections see committed data only", "[storage][sqlite]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "shared.db");
  auto writer = need(open_storage(url));
  auto reader = need(open_storage(url + "?busy_timeout_ms=50"));
  store_plugins(*writer, twelve_plugins());
  SearchQuery q;
  q.text = "grafana";
  CHECK(need(reader->search(q)).total == 1);  // caches the plugin facts

  auto txn = need(writer->begin());
  need(txn->put_packument(packument("@demo/new", {"1.0.0"})));
  auto plugins = twelve_plugins();
  plugins.pop_back();
  plugins[8].title = "Grafana Zanzibar";
  need(txn->replace_plugins(plugins));
  CHECK(need(reader->packument("@demo/new")) == std::nullopt);
  CHECK(need(reader->plugin_ids()).size() == 12);
  q.text = "zanzibar";
  CHECK(need(reader->search(q)).total == 0);

  // Opening and reading do not need the write lock.
  auto late = need(open_storage(url + "?busy_timeout_ms=50"));
  CHECK(need(late->plugin_ids()).size() == 12);

  // The write lock is held: a second writer waits its busy timeout, then
  // gets a retryable error.
  auto blocked = reader->begin();
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().code == ErrorCode::kUnavailable);
  CHECK(blocked.error().retryable);

  need(txn->commit());
  CHECK(need(reader->packument("@demo/new")).has_value());
  CHECK(need(reader->plugin_ids()).size() == 11);
  CHECK(hit_ids(need(reader->search(q))) == std::vector<std::string>{"grafana"});
  q.text = "";
  CHECK(need(reader->search(q)).total == 11);  // the facts cache was refreshed
  need(reader->check());
}

TEST_CASE("sqlite: writers on several connections serialize", "[storage][sqlite]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "busy.db");
  { auto s = need(open_storage(url)); }
  std::atomic<int> failures{0};
  auto work = [&](int who) {
    auto s = open_storage(url);
    if (!s) {
      ++failures;
      return;
    }
    for (int i = 0; i < 15; ++i) {
      auto txn = (*s)->begin();
      if (!txn) {
        ++failures;
        continue;
      }
      const auto key = "w" + std::to_string(who) + "." + std::to_string(i);
      Release release;
      release.version = key;
      if (!(*txn)->put_release(release) || !(*txn)->commit()) ++failures;
    }
  };
  std::thread a(work, 1);
  std::thread b(work, 2);
  a.join();
  b.join();
  CHECK(failures == 0);
  auto s = need(open_storage(url));
  for (int who : {1, 2}) {
    for (int i = 0; i < 15; ++i) {
      CHECK(need(s->release("w" + std::to_string(who) + "." + std::to_string(i))).has_value());
    }
  }
}

TEST_CASE("sqlite: a process killed mid-transaction leaves the committed state", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "killed.db";
  const auto url = url_for(file);
  seed(url);

  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: no Catch2 here; exit codes only.
    ::close(ready[0]);
    auto s = open_storage(url);
    if (!s) ::_exit(2);
    auto txn = (*s)->begin();
    if (!txn) ::_exit(3);
    auto plugins = twelve_plugins();
    plugins.resize(3);
    if (!(*txn)->put_packument(packument("@demo/uncommitted", {"1.0.0"})) || !(*txn)->replace_plugins(plugins) ||
        !(*txn)->put_seed(marker("uncommitted"))) {
      ::_exit(4);
    }
    for (int i = 0; i < 300; ++i) (void)(*txn)->put_packument(packument("@demo/bulk" + std::to_string(i), {"1.0.0"}));
    if (::write(ready[1], "r", 1) != 1) ::_exit(5);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  const auto got = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(got == 1);
  REQUIRE(WIFSIGNALED(status));

  auto s = need(open_storage(url));
  CHECK(marker_of(*s) == std::optional<std::string>("committed"));
  CHECK(need(s->packument("@demo/uncommitted")) == std::nullopt);
  CHECK(need(s->package_names()) == std::vector<std::string>{"@demo/a"});
  CHECK(need(s->plugin_ids()).size() == 12);
  need(s->check());
  // The lock died with the process.
  auto txn = need(s->begin());
  need(txn->put_seed(marker("after")));
  need(txn->commit());
}

TEST_CASE("sqlite: a process killed while committing in a loop leaves a consistent state", "[storage][sqlite]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "loop.db");
  seed(url);
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    auto s = open_storage(url);
    if (!s) ::_exit(2);
    auto plugins = twelve_plugins();
    for (int i = 1;; ++i) {
      auto txn = (*s)->begin();
      if (!txn) ::_exit(3);
      // The plugin titles and the stored round must always agree.
      for (auto& p : plugins) p.title = "round " + std::to_string(i);
      if (!(*txn)->replace_plugins(plugins) || !(*txn)->put_seed(marker(std::to_string(i))) || !(*txn)->commit()) {
        ::_exit(4);
      }
      if (i == 3 && ::write(ready[1], "r", 1) != 1) ::_exit(5);
    }
  }
  ::close(ready[1]);
  char byte = 0;
  const auto got = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  ::usleep(100 * 1000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(got == 1);
  REQUIRE(WIFSIGNALED(status));

  auto s = need(open_storage(url));
  need(s->check());
  const auto round = marker_of(*s);
  REQUIRE(round.has_value());
  CHECK(std::stoi(*round) >= 3);
  for (const auto& id : need(s->plugin_ids())) CHECK(need(s->plugin(id))->title == "round " + *round);
  SearchQuery q;
  q.text = "round " + *round;
  CHECK(need(s->search(q)).total == 12);
}

namespace {

// Plugins with overlapping vocabulary, so that queries match many of them
// with varied term frequencies and lengths.
std::vector<Plugin> generated_plugins(std::size_t count) {
  static const char* words[] = {"kubernetes", "catalog", "deploy", "pipeline", "monitor", "alert", "cost",
                                "cloud", "security", "scan", "quality", "docs", "search", "graph", "dash",
                                "metric", "incident", "service", "entity", "template", "github", "gitlab",
                                "azure", "jenkins", "argo", "helm", "vault", "lint", "test", "build"};
  constexpr std::size_t kWords = sizeof words / sizeof words[0];
  std::uint32_t x = 7;
  auto next = [&x](std::size_t n) {
    x = x * 1664525u + 1013904223u;
    return static_cast<std::size_t>((x >> 8) % n);
  };
  std::vector<Plugin> out;
  for (std::size_t i = 0; i < count; ++i) {
    PluginSpec s;
    s.id = std::string(words[next(kWords)]) + "-" + std::to_string(i);
    s.title = std::string(words[next(kWords)]) + " " + words[next(kWords)];
    const std::size_t n = 3 + next(12);
    for (std::size_t k = 0; k < n; ++k) s.description += std::string(k ? " " : "") + words[next(kWords)];
    s.category = next(2) ? "Monitoring" : "CI/CD";
    s.packages = {pkg("@gen/plugin-" + s.id, PackageRole::kFrontendPlugin)};
    if (next(2)) s.packages.push_back(pkg("@gen/plugin-" + s.id + "-backend", PackageRole::kBackendPlugin));
    if (next(5) == 0) s.modules = {pkg("@gen/plugin-" + s.id + "-module-" + words[next(kWords)], PackageRole::kBackendPluginModule)};
    s.keywords = {words[next(kWords)]};
    s.score = static_cast<double>(next(100));
    out.push_back(make_plugin(s));
  }
  return out;
}

}  // namespace

TEST_CASE("sqlite: the FTS5 path, the in-memory path and the memory backend agree", "[storage][sqlite][search]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "paths.db");
  const auto plugins = generated_plugins(300);
  {
    auto s = need(open_storage(url));
    store_plugins(*s, plugins);
  }
  auto fts = need(open_storage(url + "?fts_row_limit=99999999"));
  auto in_memory = need(open_storage(url + "?fts_row_limit=0"));
  auto memory = need(open_storage("memory:"));
  store_plugins(*memory, plugins);
  for (const char* text : {"kubernetes", "catalog deploy", "k", "de", "gen", "plugin", "backend", "module",
                           "search graph", "jenkins-12", "test test", "a", "zzz", "helm vault lint"}) {
    INFO("query " << text);
    SearchQuery q;
    q.text = text;
    q.limit = 50;
    const auto a = need(fts->search(q));
    const auto b = need(in_memory->search(q));
    const auto c = need(memory->search(q));
    CHECK(a.total == b.total);
    CHECK(a.total == c.total);
    CHECK(hit_ids(a) == hit_ids(b));
    CHECK(hit_ids(a) == hit_ids(c));
    CHECK(a.facets == b.facets);
    REQUIRE(a.hits.size() == b.hits.size());
    REQUIRE(a.hits.size() == c.hits.size());
    // The same arithmetic in the same order: equal, not just close.
    for (std::size_t i = 0; i < a.hits.size(); ++i) {
      CHECK(a.hits[i].relevance == b.hits[i].relevance);
      CHECK(a.hits[i].relevance == c.hits[i].relevance);
    }
  }
  need(fts->check());
}

TEST_CASE("sqlite: schema 4 moves the meta table into the typed index state", "[storage][sqlite]") {
  namespace schema = callboard::backend::detail::sqlite_schema;
  TempDir dir;
  const auto file = dir.path() / "schema3.db";
  {
    // A database as callboard left it at schema 3, with every meta key the
    // indexer wrote.
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const auto& m : schema::migrations()) {
      if (m.version > 3) break;
      db.exec(std::string(m.sql));
    }
    db.exec("PRAGMA user_version = 3");
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
    db.exec(R"sql(
      INSERT INTO meta(key, value) VALUES
        ('seed.fingerprint', 'abc123'),
        ('seed.names', '@backstage/core-plugin-api
@roadiehq/backstage-plugin-argo-cd
'),
        ('links/@demo/a', '@demo/b
@demo/c
'),
        ('links/@demo/gone', '@demo/x
'),
        ('plugins.built_at', '2026-11-30T05:41:03.565Z'),
        ('plugins.stale', '1'),
        ('stats.packages', '7'), ('stats.versions', '70'), ('stats.plugins', '3'),
        ('stats.releases', '2'), ('stats.directory_entries', '5'),
        ('index.last_run', 'unused by schema 3: dropped');
      INSERT INTO sync(name, source, status, etag, last_modified, content_hash, checked, changed, error)
        VALUES ('@demo/a', 'npm', 200, '', '', '', 0, 0, ''), ('@demo/b', 'npm', 200, '', '', '', 0, 0, '');
    )sql");
  }
  auto s = need(open_storage(url_for(file)));
  CHECK(need(s->seed()) ==
        std::optional<SeedState>(SeedState{"abc123", {"@backstage/core-plugin-api", "@roadiehq/backstage-plugin-argo-cd"}}));
  const auto table = need(s->plugin_table());
  CHECK(table.stale);
  REQUIRE(table.last_build.has_value());
  CHECK(table.last_build->built_at == *parse_timestamp("2026-11-30T05:41:03.565Z"));
  CHECK(table.last_build->packages == 7);
  CHECK(table.last_build->versions == 70);
  CHECK(table.last_build->plugins == 3);
  CHECK(table.last_build->releases == 2);
  CHECK(table.last_build->directory_entries == 5);
  CHECK(need(s->sync_record("@demo/a"))->links == std::vector<std::string>{"@demo/b", "@demo/c"});
  CHECK(need(s->sync_record("@demo/b"))->links.empty());
  need(s->check());
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement meta(db, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'");
  REQUIRE(meta.executeStep());
  CHECK(meta.getColumn(0).getInt() == 0);
}

TEST_CASE("sqlite: a database never indexed has no seed and no plugin build", "[storage][sqlite]") {
  TempDir dir;
  auto s = need(open_storage(url_for(dir.path() / "new.db")));
  CHECK(need(s->seed()) == std::nullopt);
  CHECK(need(s->plugin_table()) == PluginTableState{});
}

TEST_CASE("sqlite: a missing index_state row is data loss, not a silent no-op", "[storage][sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "db.sqlite";
  { auto s = need(open_storage(url_for(file))); }
  {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM index_state");
  }
  auto s = need(open_storage(url_for(file)));
  auto checked = s->check();
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().code == ErrorCode::kDataLoss);
  auto txn = need(s->begin());
  for (auto r : {txn->put_seed(marker("x")), txn->put_plugin_build(PluginBuild{}), txn->set_plugins_stale(true)}) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kDataLoss);
    CHECK(r.error().message.find("index_state") != std::string::npos);
  }
}
