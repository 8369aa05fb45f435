// The Storage conformance suite: every case runs on every built-in backend
// (memory:, a SQLite file, sqlite::memory:) and must give the same answers.

#include <algorithm>
#include <set>

#include "storage_fixtures.hpp"

using namespace storage_test;

namespace {

std::string backend_kind() { return GENERATE(as<std::string>{}, "memory", "sqlite-file", "sqlite-memory"); }

SearchPage search(Storage& s, SearchQuery q) { return need(s.search(q)); }

SearchPage search_text(Storage& s, std::string text) {
  SearchQuery q;
  q.text = std::move(text);
  q.limit = 100;
  return search(s, q);
}

std::vector<FacetCount> counts(std::initializer_list<std::pair<const char*, std::size_t>> list) {
  std::vector<FacetCount> out;
  for (const auto& [v, n] : list) out.push_back({v, n});
  return out;
}

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

TEST_CASE("storage: puts overwrite, deletes remove, sync records sort by name", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  {
    auto txn = need(storage->begin());
    need(txn->put_packument(packument("b", {"1.0.0"})));
    need(txn->put_packument(packument("a", {"1.0.0"})));
    need(txn->put_sync_record({"zeta", SyncSource::kNpm, 404, "", "", "", ts(1), ts(0), "not found", {}}));
    need(txn->put_sync_record({"alpha", SyncSource::kLocal, 0, "", "", "", ts(2), ts(2), "", {}}));
    need(txn->put_seed(marker("one")));
    need(txn->commit());
  }
  {
    auto txn = need(storage->begin());
    need(txn->put_packument(packument("b", {"1.0.0", "2.0.0"})));
    need(txn->delete_packument("a"));
    need(txn->delete_packument("never-stored"));
    need(txn->put_seed(marker("two")));
    need(txn->put_sync_record({"zeta", SyncSource::kNpm, 200, "e", "", "", ts(3), ts(3), "", {}}));
    need(txn->commit());
  }
  CHECK(need(storage->package_names()) == std::vector<std::string>{"b"});
  CHECK(need(storage->packument("b"))->versions.size() == 2);
  CHECK(marker_of(*storage) == std::optional<std::string>("two"));
  auto records = need(storage->sync_records());
  REQUIRE(records.size() == 2);
  CHECK(records[0].name == "alpha");
  CHECK(records[1].name == "zeta");
  CHECK(records[1].status == 200);
  CHECK(records[1].error.empty());
}

TEST_CASE("storage: transactions isolate, roll back and commit once", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();

  SECTION("uncommitted writes are invisible, committed ones visible") {
    auto txn = need(storage->begin());
    need(txn->put_packument(packument("p", {"1.0.0"})));
    need(txn->put_seed(marker("v")));
    need(txn->replace_plugins(twelve_plugins()));
    CHECK(need(storage->packument("p")) == std::nullopt);
    CHECK(marker_of(*storage) == std::nullopt);
    CHECK(need(storage->plugin_ids()).empty());
    CHECK(search_text(*storage, "kubernetes").total == 0);
    need(txn->commit());
    CHECK(need(storage->packument("p")).has_value());
    CHECK(marker_of(*storage) == std::optional<std::string>("v"));
    CHECK(need(storage->plugin_ids()).size() == 12);
    CHECK(search_text(*storage, "kubernetes").total == 2);
  }

  SECTION("a transaction destroyed without commit rolls back") {
    {
      auto txn = need(storage->begin());
      need(txn->put_packument(packument("p", {"1.0.0"})));
      need(txn->replace_plugins(twelve_plugins()));
    }
    CHECK(need(storage->packument("p")) == std::nullopt);
    CHECK(need(storage->plugin_ids()).empty());
    auto again = need(storage->begin());  // the storage is free again
    need(again->put_seed(marker("after rollback")));
    need(again->commit());
    CHECK(marker_of(*storage) == std::optional<std::string>("after rollback"));
  }

  SECTION("a second commit and writes after commit are errors") {
    auto txn = need(storage->begin());
    need(txn->put_seed(marker("v")));
    need(txn->commit());
    auto second = txn->commit();
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::kFailedPrecondition);
    auto late = txn->put_seed(marker("w"));
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().code == ErrorCode::kFailedPrecondition);
    CHECK(marker_of(*storage) == std::optional<std::string>("v"));
    // A committed transaction that is still alive does not block the next one.
    auto next = need(storage->begin());
    need(next->put_seed(marker("x")));
    need(next->commit());
    CHECK(marker_of(*storage) == std::optional<std::string>("x"));
  }

  SECTION("a read transaction refuses every catalog write and blocks no writer") {
    auto reader = need(storage->begin(TransactionMode::kRead));
    CHECK(reader->mode() == TransactionMode::kRead);
    CHECK(reader->put_packument(packument("p", {"1.0.0"})).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->delete_packument("p").error().code == ErrorCode::kFailedPrecondition);
    SyncRecord sync;
    sync.name = "p";
    CHECK(reader->put_sync_record(sync).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->replace_plugins(twelve_plugins()).error().code == ErrorCode::kFailedPrecondition);
    Release release;
    release.version = "1.0.0";
    CHECK(reader->put_release(release).error().code == ErrorCode::kFailedPrecondition);
    DirectoryEntry entry;
    entry.id = "x";
    CHECK(reader->put_directory_entry(entry).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->put_artifact(ArtifactRecord{}).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->put_seed(marker("v")).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->put_plugin_build(PluginBuild{}).error().code == ErrorCode::kFailedPrecondition);
    CHECK(reader->set_plugins_stale(true).error().code == ErrorCode::kFailedPrecondition);
    auto writer = need(storage->begin());
    need(writer->put_seed(marker("v")));
    need(writer->commit());
    need(reader->commit());
    CHECK(marker_of(*storage) == std::optional<std::string>("v"));
    CHECK_FALSE(need(storage->plugin_table()).stale);
    CHECK(need(storage->packument("p")) == std::nullopt);
  }

  SECTION("one open transaction per storage object") {
    auto txn = need(storage->begin());
    auto second = storage->begin();
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::kFailedPrecondition);
  }

  SECTION("invalid writes are refused and leave the transaction usable") {
    auto txn = need(storage->begin());
    auto empty = txn->put_packument(Packument{});
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == ErrorCode::kInvalidArgument);
    CHECK(txn->put_seed(marker("")).error().code == ErrorCode::kInvalidArgument);
    CHECK(txn->put_seed(SeedState{"f", {"@a/b", "two\nlines"}}).error().code == ErrorCode::kInvalidArgument);
    // Removals are checked too (they were not before the checks moved
    // out of the backends).
    CHECK(txn->delete_packument("").error().code == ErrorCode::kInvalidArgument);
    CHECK(txn->delete_packument(std::string(4097, 'x')).error().code == ErrorCode::kInvalidArgument);
    SyncRecord linked;
    linked.name = "@a/b";
    linked.links = {"@a/c", "@a/d\r"};
    auto bad_link = txn->put_sync_record(linked);
    REQUIRE_FALSE(bad_link.ok());
    CHECK(bad_link.error().code == ErrorCode::kInvalidArgument);
    CHECK(bad_link.error().detail("package") == "@a/b");
    CHECK(bad_link.error().detail("operation") == "put_sync_record");

    auto plugins = twelve_plugins();
    plugins[1].packages.push_back(plugins[0].packages[0]);  // one package in two plugins
    auto shared = txn->replace_plugins(plugins);
    REQUIRE_FALSE(shared.ok());
    CHECK(shared.error().code == ErrorCode::kInvalidArgument);
    CHECK(shared.error().detail("package") == "@roadiehq/backstage-plugin-argo-cd");

    auto twins = twelve_plugins();
    twins[2].id = twins[1].id;
    CHECK(txn->replace_plugins(twins).error().code == ErrorCode::kInvalidArgument);

    need(txn->replace_plugins(twelve_plugins()));
    need(txn->commit());
    CHECK(need(storage->plugin_ids()).size() == 12);
    need(storage->check());
  }
}

TEST_CASE("storage: replace_plugins replaces the plugin table and the index", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());
  REQUIRE(search_text(*storage, "grafana").total == 1);

  auto plugins = twelve_plugins();
  plugins.erase(std::remove_if(plugins.begin(), plugins.end(), [](const Plugin& p) { return p.id == "grafana"; }),
                plugins.end());
  plugins[0].title = "Argo CD Renamed Zanzibar";
  store_plugins(*storage, plugins);

  CHECK(need(storage->plugin("grafana")) == std::nullopt);
  CHECK(need(storage->plugin_for_package("@k-phoen/backstage-plugin-grafana")) == std::nullopt);
  CHECK(search_text(*storage, "grafana").total == 0);
  CHECK(search_text(*storage, "dashboards").total == 0);
  CHECK(hit_ids(search_text(*storage, "zanzibar")) == std::vector<std::string>{"argo-cd"});
  CHECK(need(storage->plugin_ids()).size() == 11);
  auto facets = search(*storage, SearchQuery{});
  CHECK(facets.total == 11);
  need(storage->check());

  store_plugins(*storage, {});
  CHECK(need(storage->plugin_ids()).empty());
  CHECK(search(*storage, SearchQuery{}).total == 0);
  need(storage->check());
}

TEST_CASE("storage: plugin_for_package finds packages and modules", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());
  auto k = need(storage->plugin_for_package("@backstage/plugin-kubernetes-backend"));
  REQUIRE(k.has_value());
  CHECK(k->id == "kubernetes");
  auto j = need(storage->plugin_for_package("@backstage-community/plugin-scaffolder-backend-module-jenkins"));
  REQUIRE(j.has_value());
  CHECK(j->id == "jenkins");
  CHECK(need(storage->plugin_for_package("@backstage/plugin-kubernetes-backend-extra")) == std::nullopt);
  CHECK(need(storage->plugin_for_package("kubernetes")) == std::nullopt);  // an id is not a package
}

TEST_CASE("storage: release_versions sorts by semver", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  auto txn = need(storage->begin());
  for (const char* v : {"1.10.0", "1.9.0", "1.2.0", "1.10.0-next.0", "1.2.0-next.1", "1.2.0-next.10", "1.2.0-next.2"}) {
    need(txn->put_release(Release{v, {{"@backstage/core-plugin-api", "1.0.0"}}}));
  }
  need(txn->commit());
  CHECK(need(storage->release_versions()) ==
        std::vector<std::string>{"1.2.0-next.1", "1.2.0-next.2", "1.2.0-next.10", "1.2.0", "1.9.0", "1.10.0-next.0",
                                 "1.10.0"});
}

TEST_CASE("storage: search ranks id and title matches above description mentions", "[storage][conformance][search]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());

  auto k = search_text(*storage, "kubernetes");
  CHECK(hit_ids(k) == std::vector<std::string>{"kubernetes", "jenkins"});
  CHECK(k.total == 2);
  REQUIRE(k.hits.size() == 2);
  CHECK(k.hits[0].relevance > k.hits[1].relevance);
  CHECK(k.hits[1].relevance > 0);

  // Case and punctuation do not matter.
  CHECK(hit_ids(search_text(*storage, "KUBERNETES!")) == hit_ids(k));

  // A module's name finds its plugin, below the plugin named for the word.
  CHECK(hit_ids(search_text(*storage, "github")) == std::vector<std::string>{"github-actions", "catalog"});

  // Words are ANDed.
  CHECK(hit_ids(search_text(*storage, "code quality")) == std::vector<std::string>{"sonarqube"});
  CHECK(hit_ids(search_text(*storage, "argo deployment")) == std::vector<std::string>{"argo-cd"});
  CHECK(search_text(*storage, "kubernetes zanzibar").total == 0);

  // Scoped package names are searchable through their parts.
  CHECK(hit_ids(search_text(*storage, "@pagerduty/backstage-plugin-backend")) == std::vector<std::string>{"pagerduty"});
}

TEST_CASE("storage: search matches the last word as a prefix", "[storage][conformance][search]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());
  CHECK(hit_ids(search_text(*storage, "kube")) == std::vector<std::string>{"kubernetes", "jenkins"});
  CHECK(hit_ids(search_text(*storage, "k")).size() >= 2);
  CHECK(hit_ids(search_text(*storage, "argo c")) == std::vector<std::string>{"argo-cd"});
  CHECK(hit_ids(search_text(*storage, "sonarq")) == std::vector<std::string>{"sonarqube"});
  // Only the last word is a prefix.
  CHECK(search_text(*storage, "sonarq quality").total == 0);
  CHECK(search_text(*storage, "sonarqube qual").total == 1);
}

TEST_CASE("storage: hostile query text never errors", "[storage][conformance][search]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());
  std::string big;
  for (int i = 0; i < 1000; ++i) big += "kubernetes ";  // 11 KB
  std::string big_words;
  for (int i = 0; big_words.size() < 10240; ++i) big_words += "w" + std::to_string(i) + " ";
  const std::vector<std::string> inputs = {
      "\"", "\"\"", "'", "foo AND (", "AND", "OR", "NOT", "NEAR(a b)", "a OR b", "kubernetes NOT jenkins",
      "*", "kube*", "^kube", "name:kube", "names:kubernetes", "-kubernetes", "+kubernetes", "{names}: argo",
      "(((", ")", "\\", "%", "_", ";DROP TABLE plugins;--", "\x01\x02", "ñandú ☃ 𝄞 日本語", "\xff\xfe\xc0",
      std::string(10240, 'a'), big, big_words, std::string("kube\0rnetes", 11), "   ", ""};
  for (const auto& text : inputs) {
    INFO("query " << text.substr(0, 40));
    SearchQuery q;
    q.text = text;
    auto r = storage->search(q);
    REQUIRE(r.ok());
    CHECK(r->total <= 12);
  }
  // Operators are ordinary words; the quote does not end the term.
  CHECK(hit_ids(search_text(*storage, "kubernetes NOT jenkins")).empty());
  CHECK(hit_ids(search_text(*storage, "\"kubernetes")) == std::vector<std::string>{"kubernetes", "jenkins"});
  // A text without any word is no text condition.
  CHECK(search_text(*storage, "\"(*)\"").total == 12);
  CHECK(search_text(*storage, big).total == 2);
}

TEST_CASE("storage: filters and facets", "[storage][conformance][search]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());

  SECTION("no text, no filters: everything by score, all facets") {
    SearchQuery q;
    q.limit = 100;
    auto page = search(*storage, q);
    CHECK(page.total == 12);
    CHECK(hit_ids(page) == std::vector<std::string>{"catalog", "kubernetes", "argo-cd", "tech-radar", "jenkins",
                                                    "pagerduty", "sonarqube", "grafana", "lighthouse", "todo",
                                                    "github-actions", "cost-insights"});
    for (const auto& h : page.hits) CHECK(h.relevance == 0);
    REQUIRE(page.facets.size() == 4);
    CHECK(page.facets[0].name == "role");
    CHECK(page.facets[1].name == "category");
    CHECK(page.facets[2].name == "backend_system");
    CHECK(page.facets[3].name == "frontend_system");
    CHECK(facet(page, "role").counts == counts({{"frontend-plugin", 12},
                                                {"backend-plugin", 7},
                                                {"backend-plugin-module", 2},
                                                {"common-library", 1}}));
    // Categories group case-insensitively; the first spelling in id order
    // ("grafana" < "pagerduty") names the group. Ties sort by byte order.
    CHECK(facet(page, "category").counts == counts({{"CI/CD", 2},
                                                    {"Discovery", 2},
                                                    {"Quality", 2},
                                                    {"monitoring", 2},
                                                    {"Core", 1},
                                                    {"Deployment", 1},
                                                    {"Infrastructure", 1}}));
    CHECK(facet(page, "backend_system").counts ==
          counts({{"not-applicable", 5}, {"new", 4}, {"legacy", 2}, {"transitional", 1}}));
    CHECK(facet(page, "frontend_system").counts == counts({{"legacy", 8}, {"new", 3}, {"transitional", 1}}));
  }

  SECTION("facet filters: each facet counts with the other filters applied") {
    SearchQuery q;
    q.roles = {PackageRole::kBackendPlugin};
    q.categories = {"quality", "MONITORING"};
    q.include_deprecated = false;
    auto page = search(*storage, q);
    CHECK(page.total == 3);
    CHECK(hit_ids(page) == std::vector<std::string>{"pagerduty", "sonarqube", "lighthouse"});
    CHECK(facet(page, "role").counts == counts({{"frontend-plugin", 4}, {"backend-plugin", 3}}));
    CHECK(facet(page, "category").counts == counts({{"Quality", 2},
                                                    {"CI/CD", 1},
                                                    {"Core", 1},
                                                    {"Discovery", 1},
                                                    {"Infrastructure", 1},
                                                    {"monitoring", 1}}));
    CHECK(facet(page, "backend_system").counts == counts({{"legacy", 2}, {"new", 1}}));
    CHECK(facet(page, "frontend_system").counts == counts({{"legacy", 3}}));
  }

  SECTION("facets follow the text matches") {
    SearchQuery q;
    q.text = "kubernetes";
    auto page = search(*storage, q);
    CHECK(page.total == 2);
    CHECK(facet(page, "role").counts ==
          counts({{"backend-plugin", 2}, {"frontend-plugin", 2}, {"backend-plugin-module", 1}, {"common-library", 1}}));
    CHECK(facet(page, "category").counts == counts({{"CI/CD", 1}, {"Infrastructure", 1}}));
    q.backend_system = PluginSystem::kNew;
    page = search(*storage, q);
    CHECK(hit_ids(page) == std::vector<std::string>{"kubernetes"});
    // The backend_system facet ignores its own filter.
    CHECK(facet(page, "backend_system").counts == counts({{"new", 1}, {"transitional", 1}}));
    CHECK(facet(page, "frontend_system").counts == counts({{"new", 1}}));
  }

  SECTION("systems") {
    SearchQuery q;
    q.limit = 100;
    q.backend_system = PluginSystem::kNew;
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "lighthouse", "todo"});
    q.frontend_system = PluginSystem::kLegacy;
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"lighthouse"});
    q.backend_system.reset();
    q.frontend_system = PluginSystem::kTransitional;
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"tech-radar"});
  }

  SECTION("supported release: major.minor is a prefix, a full version exact") {
    SearchQuery q;
    q.limit = 100;
    q.supports_release = "1.53";
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "argo-cd", "pagerduty",
                                                                    "sonarqube", "lighthouse", "cost-insights"});
    q.supports_release = "1.53.1";
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"kubernetes"});
    q.supports_release = "1.53.2";
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"pagerduty"});
    q.supports_release = "1.5";  // not 1.50 or 1.53
    CHECK(search(*storage, q).total == 0);
    q.supports_release = "1.50";
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"github-actions"});
    q.include_deprecated = false;
    CHECK(search(*storage, q).total == 0);
  }

  SECTION("roles match packages and modules") {
    SearchQuery q;
    q.roles = {PackageRole::kBackendPluginModule};
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"catalog", "jenkins"});
    q.roles = {PackageRole::kCommonLibrary, PackageRole::kBackendPluginModule};
    CHECK(hit_ids(search(*storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "jenkins"});
    q.roles = {PackageRole::kCli};
    CHECK(search(*storage, q).total == 0);
  }

  SECTION("unknown category matches nothing") {
    SearchQuery q;
    q.categories = {"no-such-category"};
    auto page = search(*storage, q);
    CHECK(page.total == 0);
    CHECK(page.hits.empty());
    CHECK(facet(page, "category").counts.size() == 7);  // its own filter is not applied
  }
}

TEST_CASE("storage: paging", "[storage][conformance][search]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  store_plugins(*storage, twelve_plugins());
  SearchQuery all;
  all.limit = 100;
  const auto everything = hit_ids(search(*storage, all));
  REQUIRE(everything.size() == 12);
  std::vector<std::string> paged;
  for (std::size_t offset = 0; offset < 12; offset += 5) {
    SearchQuery q;
    q.offset = offset;
    q.limit = 5;
    auto page = search(*storage, q);
    CHECK(page.total == 12);
    CHECK(page.hits.size() == std::min<std::size_t>(5, 12 - offset));
    for (auto& id : hit_ids(page)) paged.push_back(id);
  }
  CHECK(paged == everything);

  SearchQuery beyond;
  beyond.offset = 50;
  auto page = search(*storage, beyond);
  CHECK(page.total == 12);
  CHECK(page.hits.empty());

  SearchQuery none;
  none.limit = 0;
  page = search(*storage, none);
  CHECK(page.total == 12);
  CHECK(page.hits.empty());
  CHECK(facet(page, "role").counts.size() == 4);

  SearchQuery huge;
  huge.offset = SIZE_MAX - 1;
  huge.limit = SIZE_MAX;
  CHECK(search(*storage, huge).hits.empty());
}

TEST_CASE("storage: an empty store answers every read", "[storage][conformance]") {
  Backend backend(backend_kind());
  INFO("backend " << backend.kind);
  auto storage = backend.open();
  CHECK(need(storage->package_names()).empty());
  CHECK(need(storage->sync_records()).empty());
  CHECK(need(storage->plugin_ids()).empty());
  CHECK(need(storage->release_versions()).empty());
  CHECK(need(storage->directory_entries()).empty());
  SearchQuery q;
  q.text = "anything";
  auto page = search(*storage, q);
  CHECK(page.total == 0);
  CHECK(page.facets.size() == 4);
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
