// Artifact records (what a verified tarball holds): the conformance cases
// run on every built-in backend; the migration cases on SQLite only.

#include <algorithm>

#include "backends/storage_sqlite/sqlite_storage.hpp"
#include "storage_fixtures.hpp"

using namespace storage_test;

namespace {

std::string backend_kind() { return GENERATE(as<std::string>{}, "memory", "sqlite-file", "sqlite-memory"); }

ArtifactRecord record(const std::string& name, const std::string& version) {
  ArtifactRecord r;
  r.name = name;
  r.version = version;
  r.integrity = "sha512-" + std::string(86, 'A') + "==";
  r.verified_at = ts(1714564800123);
  r.backend_system = PluginSystem::kNew;
  r.code_markers = {"createBackendPlugin", "createRouter"};
  r.entry_points = {{".", "dist/index.cjs.js", true, true}, {"./alpha", "dist/alpha.cjs.js", true, false},
                    {"./package.json", "", false, false}};
  r.has_dist_dynamic = true;
  r.config_schema_ref = "config.d.ts";
  // Quotes, backslashes, control characters and non-ASCII text survive.
  r.config_schema = R"({"type":"object","properties":{"title":{"type":"string","description":"Größe \"x\"\\n"}}})"
                    "\n";
  r.config_schema_path = "dist/.config-schema.json";
  r.has_config_d_ts = true;
  return r;
}

std::vector<std::string> versions_of(const std::vector<ArtifactRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.version);
  return out;
}

void put(Storage& s, const std::vector<ArtifactRecord>& records) {
  auto txn = need(s.begin());
  for (const auto& r : records) need(txn->put_artifact(r));
  need(txn->commit());
}

std::string url_for(const fs::path& file) { return "sqlite://" + file.string(); }

}  // namespace

TEST_CASE("storage: artifact records round-trip and are found by name and version", "[storage][conformance][artifact]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();

  const ArtifactRecord full = record("@demo/plugin-x-backend", "1.2.0");
  ArtifactRecord bare;  // the least a record can hold
  bare.name = "@demo/plugin-x-backend";
  bare.version = "1.10.0";
  bare.integrity = "sha1-" + std::string(27, 'B') + "=";
  const ArtifactRecord other = record("@demo/other", "1.2.0");
  put(*storage, {full, bare, other});

  CHECK(need(storage->artifact(full.name, "1.2.0")) == std::optional<ArtifactRecord>(full));
  CHECK(need(storage->artifact(full.name, "1.10.0")) == std::optional<ArtifactRecord>(bare));
  CHECK(need(storage->artifact(other.name, "1.2.0")) == std::optional<ArtifactRecord>(other));
  CHECK(need(storage->artifact(full.name, "1.3.0")) == std::nullopt);
  CHECK(need(storage->artifact(full.name, "v1.2.0")) == std::nullopt);  // exact text
  CHECK(need(storage->artifact("@demo/absent", "1.2.0")) == std::nullopt);
  CHECK(need(storage->artifacts(full.name)) == std::vector<ArtifactRecord>{full, bare});
  CHECK(need(storage->artifacts("@demo/absent")).empty());
  // Artifact records are not packuments.
  CHECK(need(storage->package_names()).empty());
  need(storage->check());
}

TEST_CASE("storage: artifacts of one package sort by semver", "[storage][conformance][artifact]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  std::vector<ArtifactRecord> records;
  for (const char* v : {"1.10.0", "not-semver", "1.2.0", "1.2.0-next.1", "0.9.1", "1.2.0-next.10", "1.2.0-next.2"}) {
    records.push_back(record("@demo/p", v));
  }
  put(*storage, records);
  CHECK(versions_of(need(storage->artifacts("@demo/p"))) ==
        std::vector<std::string>{"0.9.1", "1.2.0-next.1", "1.2.0-next.2", "1.2.0-next.10", "1.2.0", "1.10.0",
                                 "not-semver"});
}

TEST_CASE("storage: put_artifact replaces, and follows the transaction rules", "[storage][conformance][artifact]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  const ArtifactRecord first = record("@demo/p", "1.0.0");
  put(*storage, {first});

  SECTION("a second put of the same version replaces the record") {
    ArtifactRecord again = first;
    again.integrity = "sha512-" + std::string(86, 'C') + "==";
    again.verified_at = ts(1714564900000);
    again.backend_system = PluginSystem::kLegacy;
    again.config_schema.reset();
    again.entry_points.clear();
    put(*storage, {again});
    CHECK(need(storage->artifact("@demo/p", "1.0.0")) == std::optional<ArtifactRecord>(again));
    CHECK(need(storage->artifacts("@demo/p")).size() == 1);
  }
  SECTION("uncommitted and rolled back puts are invisible") {
    {
      auto txn = need(storage->begin());
      need(txn->put_artifact(record("@demo/p", "2.0.0")));
      CHECK(need(storage->artifact("@demo/p", "2.0.0")) == std::nullopt);
    }  // destroyed without commit
    CHECK(need(storage->artifact("@demo/p", "2.0.0")) == std::nullopt);
    CHECK(versions_of(need(storage->artifacts("@demo/p"))) == std::vector<std::string>{"1.0.0"});
  }
  SECTION("invalid records are refused and leave the transaction usable") {
    auto txn = need(storage->begin());
    auto refused = [&](ArtifactRecord r, std::string_view why) {
      INFO(why);
      auto result = txn->put_artifact(r);
      REQUIRE_FALSE(result.ok());
      CHECK(result.error().code == ErrorCode::kInvalidArgument);
      CHECK(result.error().detail("package") == r.name.substr(0, 200));
    };
    ArtifactRecord r = record("", "1.0.0");
    refused(r, "empty name");
    r = record("@demo/p", "");
    refused(r, "empty version");
    r = record("@demo/p", std::string(4097, '1'));
    refused(r, "version over 4 KiB");
    r = record("@demo/p", "3.0.0");
    r.integrity.clear();
    refused(r, "no integrity");
    r = record("@demo/p", "3.0.0");
    r.config_schema = std::string(kMaxArtifactConfigSchemaBytes + 1, ' ');
    refused(r, "schema over the bound");
    r = record("@demo/p", "3.0.0");
    r.entry_points.resize(kMaxArtifactEntryPoints + 1);
    refused(r, "too many entry points");
    // At the bounds exactly: accepted.
    r = record("@demo/p", "3.0.0");
    r.config_schema = std::string(kMaxArtifactConfigSchemaBytes, ' ');
    r.entry_points.resize(kMaxArtifactEntryPoints);
    need(txn->put_artifact(r));
    need(txn->commit());
    CHECK(need(storage->artifact("@demo/p", "3.0.0")) == std::optional<ArtifactRecord>(r));
  }
  SECTION("put_artifact after commit is an error") {
    auto txn = need(storage->begin());
    need(txn->commit());
    auto result = txn->put_artifact(record("@demo/p", "4.0.0"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::kFailedPrecondition);
  }
}

TEST_CASE("storage: interface versions say artifact records (2), tenant stores and read transactions (3), typed index state (4) exist", "[storage][artifact]") {
  STATIC_REQUIRE(Transaction::kInterfaceVersion == 4);
  STATIC_REQUIRE(Storage::kInterfaceVersion == 4);
}

TEST_CASE("sqlite: artifact records persist across reopen", "[storage][sqlite][artifact]") {
  TempDir dir;
  const auto url = url_for(dir.path() / "db.sqlite");
  const ArtifactRecord r = record("@demo/p", "1.0.0");
  { put(*need(open_storage(url)), {r}); }
  auto s = need(open_storage(url));
  CHECK(need(s->artifact("@demo/p", "1.0.0")) == std::optional<ArtifactRecord>(r));
}

TEST_CASE("sqlite: a schema 1 database opens, migrates to 4 and keeps its data", "[storage][sqlite][artifact]") {
  REQUIRE(callboard::backend::detail::sqlite_schema_version() == 4);
  TempDir dir;
  const fs::path file = dir.path() / "old.db";
  fs::copy_file(fs::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/storage/schema1.db", file);
  const std::string bytes = read_file(file);
  REQUIRE(bytes.size() > 72);
  auto be32 = [&](std::size_t offset) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
    return v;
  };
  REQUIRE(be32(60) == 1);  // user_version: the fixture is at schema 1

  {
    auto s = need(open_storage(url_for(file)));
    // What schema 1 held is still there.
    CHECK(need(s->release_versions()) == std::vector<std::string>{"1.0.0"});
    CHECK(need(s->package_names()) == std::vector<std::string>{"@backstage/plugin-proxy-backend"});
    CHECK(need(s->plugin_ids()) == std::vector<std::string>{"proxy"});
    // Schema 4 carried meta's counts over into the typed state.
    const auto table = need(s->plugin_table());
    REQUIRE(table.last_build.has_value());
    CHECK(table.last_build->plugins == 1);
    CHECK(table.last_build->packages == 1);
    SearchQuery q;
    q.text = "proxy";
    CHECK(hit_ids(need(s->search(q))) == std::vector<std::string>{"proxy"});
    // The new table works.
    CHECK(need(s->artifacts("@backstage/plugin-proxy-backend")).empty());
    put(*s, {record("@backstage/plugin-proxy-backend", "0.6.20")});
    // And so do the tenant tables of schema 3.
    auto txn = need(s->begin());
    const auto tenant = TenantId::parse("acme").value();
    need(txn->tenant(tenant).audit().append(std::vector<AuditEntry>{AuditEntry{0, {}, "test", "me", "{}"}}, 0));
    need(txn->commit());
    need(s->check());
  }
  const std::string after = read_file(file);
  std::uint32_t version = 0;
  for (std::size_t i = 0; i < 4; ++i) version = (version << 8) | static_cast<unsigned char>(after[60 + i]);
  CHECK(version == 4);
  // Reopening migrates nothing more and keeps both old and new rows.
  auto s = need(open_storage(url_for(file)));
  CHECK(need(s->artifact("@backstage/plugin-proxy-backend", "0.6.20")).has_value());
  CHECK(need(s->plugin_ids()) == std::vector<std::string>{"proxy"});
  auto txn = need(s->begin());
  CHECK(need(txn->tenant(TenantId::parse("acme").value()).audit().size()) == 1);
}
