// Storage cases that stay outside the exported suite (conformance/, run on
// every backend by exported_suite_test.cpp): real data files round-trip
// through every built-in backend, memory and SQLite rank bit for bit alike,
// and open_storage dispatches by scheme.

#include <algorithm>
#include <set>

#include "storage_fixtures.hpp"

using namespace storage_test;

namespace {

std::string backend_kind() { return GENERATE(as<std::string>{}, "memory", "sqlite-file", "sqlite-memory"); }

SearchPage search(Storage& s, SearchQuery q) { return need(s.search(q)); }

}  // namespace

TEST_CASE("storage: model values round-trip through put and get", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();

  // Real inputs: a release manifest, plugin-directory files, package.json files.
  const std::string data = CALLBOARD_DATA_DIR;
  const Release release = need(parse_release(read_file(data + "/releases/1.0.0.json")));
  std::vector<DirectoryEntry> entries;
  for (const char* id : {"argo-cd", "3scale", "api-docs", "announcements"}) {
    entries.push_back(need(parse_directory_entry(read_file(data + "/plugin-directory/" + id + ".yaml"), id)));
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  Packument real;
  real.name = "@backstage/plugin-catalog-backend";
  real.versions.push_back(need(parse_manifest(
      read_file(std::string(CALLBOARD_REPO_ROOT) + "/tests/fixtures/plugin-package-json/backstage__plugin-catalog-backend.json"))));
  real.dist_tags["latest"] = real.versions.back().version;
  const Packument made = packument("@demo/plugin-x", {"0.9.0", "1.0.0", "1.10.0"});

  Plugin full = twelve_plugins()[1];
  full.directory = entries.front();
  full.keywords = {"k8s", "pods"};
  const SyncRecord sync{"@demo/plugin-x", SyncSource::kNpm, 200, "W/\"abc\"", "Wed, 01 May 2024 12:00:00 GMT",
                        std::string(64, 'a'), ts(1714564800000), ts(1714564700000), "",
                        {"@backstage/core-plugin-api", "@backstage/plugin-x-common"}};

  {
    auto txn = need(storage->begin());
    need(txn->put_release(release));
    for (const auto& e : entries) need(txn->put_directory_entry(e));
    need(txn->put_packument(real));
    need(txn->put_packument(made));
    need(txn->replace_plugins({full}));
    need(txn->put_sync_record(sync));
    need(txn->put_seed(SeedState{"sha256:seed", {"@backstage/core-plugin-api", "@roadiehq/backstage-plugin-argo-cd"}}));
    PluginBuild build;
    build.built_at = ts(1714564800123);
    build.packages = 4;
    build.plugins = 2;
    need(txn->put_plugin_build(build));
    need(txn->set_plugins_stale(true));
    need(txn->commit());
  }

  CHECK(need(storage->release("1.0.0")) == std::optional<Release>(release));
  CHECK(need(storage->release("9.9.9")) == std::nullopt);
  CHECK(need(storage->directory_entries()) == entries);
  REQUIRE(entries[3].id == "argo-cd");
  CHECK(need(storage->directory_entry("argo-cd")) == std::optional<DirectoryEntry>(entries[3]));
  CHECK(need(storage->directory_entry("nope")) == std::nullopt);
  CHECK(need(storage->packument(real.name)) == std::optional<Packument>(real));
  CHECK(need(storage->packument(made.name)) == std::optional<Packument>(made));
  CHECK(need(storage->packument("@demo/absent")) == std::nullopt);
  CHECK(need(storage->package_names()) == std::vector<std::string>{"@backstage/plugin-catalog-backend", "@demo/plugin-x"});
  CHECK(need(storage->plugin("kubernetes")) == std::optional<Plugin>(full));
  CHECK(need(storage->plugin_ids()) == std::vector<std::string>{"kubernetes"});
  CHECK(need(storage->sync_record(sync.name)) == std::optional<SyncRecord>(sync));
  CHECK(need(storage->sync_records()) == std::vector<SyncRecord>{sync});
  CHECK(need(storage->seed()) ==
        std::optional<SeedState>(
            SeedState{"sha256:seed", {"@backstage/core-plugin-api", "@roadiehq/backstage-plugin-argo-cd"}}));
  const auto table = need(storage->plugin_table());
  REQUIRE(table.last_build.has_value());
  CHECK(table.last_build->built_at == ts(1714564800123));
  CHECK(table.last_build->packages == 4);
  CHECK(table.last_build->plugins == 2);
  CHECK(table.last_build->versions == 0);
  CHECK(table.stale);
  need(storage->check());
}

TEST_CASE("storage: backends agree on order and relevance", "[storage][conformance][search]") {
  Backend memory("memory");
  Backend sqlite("sqlite-file");
  auto a = memory.open();
  auto b = sqlite.open();
  store_plugins(*a, twelve_plugins());
  store_plugins(*b, twelve_plugins());
  for (const char* text : {"kubernetes", "kube", "github", "plugin", "backstage", "backstage plugin", "code",
                           "monitoring", "a", "c", "community jenkins", "co", "s"}) {
    INFO("query " << text);
    SearchQuery q;
    q.text = text;
    q.limit = 100;
    auto pa = search(*a, q);
    auto pb = search(*b, q);
    CHECK(hit_ids(pa) == hit_ids(pb));
    CHECK(pa.total == pb.total);
    CHECK(pa.facets == pb.facets);
    REQUIRE(pa.hits.size() == pb.hits.size());
    // The same arithmetic in the same order: equal, not just close.
    for (std::size_t i = 0; i < pa.hits.size(); ++i) CHECK(pa.hits[i].relevance == pb.hits[i].relevance);
  }
}

TEST_CASE("storage: open_storage and the backend registry", "[storage][conformance]") {
  auto unknown = open_storage("postgres://user:secret@host/db");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kInvalidArgument);
  CHECK(unknown.error().to_string().find("secret") == std::string::npos);
  CHECK(open_storage("no-scheme").error().code == ErrorCode::kInvalidArgument);
  CHECK(open_storage("memory:extra").error().code == ErrorCode::kInvalidArgument);
  CHECK(open_storage("MEMORY:").ok());

  BackendRegistry registry;
  CHECK(registry.storage_schemes().empty());
  CHECK(registry.open_storage("memory:").error().code == ErrorCode::kInvalidArgument);
  register_builtin_backends(registry);
  CHECK(registry.storage_schemes() == std::vector<std::string>{"memory", "sqlite"});
  int calls = 0;
  registry.register_storage("memory", [&calls](std::string_view url, const StorageOpenOptions&) {
    ++calls;
    return callboard::backend::open_storage(std::string(url));
  });
  CHECK(registry.open_storage("memory:").ok());
  CHECK(calls == 1);
  registry.register_storage("boom", [](std::string_view, const StorageOpenOptions&) -> Result<std::unique_ptr<Storage>> {
    throw std::runtime_error("factory failure");
  });
  auto boom = registry.open_storage("boom:");
  REQUIRE_FALSE(boom.ok());
  CHECK(boom.error().code == ErrorCode::kInternal);
}
