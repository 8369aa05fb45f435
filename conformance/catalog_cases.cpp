// Conformance cases for the package catalog (callboard/backend/storage.hpp):
// packuments, sync records, releases, directory entries, the plugin table
// and its search, the index state, transactions and the checks on writes.
//
// The search answers are worked out by hand for the twelve plugins of
// catalog_fixtures.hpp. Ranking: a backend may compute relevance its own
// way (SQLite and memory share BM25, a PostgreSQL backend uses ts_rank), but
// the cases hold it to what the SearchQuery contract states: the match set,
// totals and facets exactly; ties by score then id; a match on the plugin's
// id or package names ranks above a mention in the description.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog_fixtures.hpp"
#include "suite.hpp"

namespace callboard::backend::conformance::detail {

namespace {

using namespace fixtures;

SearchPage search(Context& c, Storage& s, SearchQuery q) { return CB_NEED(s.search(q)); }

SearchPage search_text(Context& c, Storage& s, std::string text) {
  SearchQuery q;
  q.text = std::move(text);
  q.limit = 100;
  return search(c, s, q);
}

std::vector<FacetCount> counts(std::initializer_list<std::pair<const char*, std::size_t>> list) {
  std::vector<FacetCount> out;
  for (const auto& [v, n] : list) out.push_back({v, n});
  return out;
}

const Facet& facet(Context& c, const SearchPage& page, const std::string& name) {
  for (const auto& f : page.facets) {
    if (f.name == name) return f;
  }
  c.fail("the page has facet " + name, "it has not", __FILE__, __LINE__);
  throw CaseAborted{};
}

void store_plugins(Context& c, Storage& storage, const std::vector<Plugin>& plugins) {
  auto txn = CB_NEED(storage.begin());
  CB_NEED(txn->replace_plugins(plugins));
  CB_NEED(txn->commit());
}

std::optional<std::string> marker_of(Context& c, Storage& storage) {
  auto seed = CB_NEED(storage.seed());
  if (!seed) return std::nullopt;
  return seed->fingerprint;
}

// Every kind of value, stored and read back equal.
void values_round_trip(Context& c) {
  auto storage = c.fresh();
  Release release;
  release.version = "1.53.0";
  release.packages = {{"@backstage/core-plugin-api", "1.10.9"}, {"@backstage/plugin-catalog", "1.31.0"}};
  DirectoryEntry entry;
  entry.id = "argo-cd";
  entry.title = "Argo CD";
  entry.npm_package_name = "@roadiehq/backstage-plugin-argo-cd";
  entry.category = "Deployment";
  DirectoryEntry other;
  other.id = "3scale";
  other.title = "3scale";
  const Packument made = packument("@demo/plugin-x", {"0.9.0", "1.0.0", "1.10.0"});
  Plugin full = twelve_plugins()[1];
  full.directory = entry;
  full.keywords = {"k8s", "pods", "ünïcode"};
  const SyncRecord sync{"@demo/plugin-x", SyncSource::kNpm, 200, "W/\"abc\"", "Wed, 01 May 2024 12:00:00 GMT",
                        std::string(64, 'a'), ts(1714564800000), ts(1714564700000), "",
                        {"@backstage/core-plugin-api", "@backstage/plugin-x-common"}};
  const SeedState seed{"sha256:seed", {"@backstage/core-plugin-api", "@roadiehq/backstage-plugin-argo-cd"}};
  PluginBuild build;
  build.built_at = ts(1714564800123);
  build.packages = 4;
  build.versions = 9;
  build.plugins = 1;
  build.releases = 1;
  build.directory_entries = 2;
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->put_release(release));
    CB_NEED(txn->put_directory_entry(entry));
    CB_NEED(txn->put_directory_entry(other));
    CB_NEED(txn->put_packument(made));
    CB_NEED(txn->replace_plugins({full}));
    CB_NEED(txn->put_sync_record(sync));
    CB_NEED(txn->put_seed(seed));
    CB_NEED(txn->put_plugin_build(build));
    CB_NEED(txn->commit());
  }
  CB_CHECK(CB_NEED(storage->release("1.53.0")) == std::optional<Release>(release));
  CB_CHECK(CB_NEED(storage->release("9.9.9")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->directory_entries()) == std::vector<DirectoryEntry>{other, entry});
  CB_CHECK(CB_NEED(storage->directory_entry("argo-cd")) == std::optional<DirectoryEntry>(entry));
  CB_CHECK(CB_NEED(storage->directory_entry("nope")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->packument(made.name)) == std::optional<Packument>(made));
  CB_CHECK(CB_NEED(storage->packument("@demo/absent")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->package_names()) == std::vector<std::string>{"@demo/plugin-x"});
  CB_CHECK(CB_NEED(storage->plugin("kubernetes")) == std::optional<Plugin>(full));
  CB_CHECK(CB_NEED(storage->plugin_ids()) == std::vector<std::string>{"kubernetes"});
  CB_CHECK(CB_NEED(storage->sync_record(sync.name)) == std::optional<SyncRecord>(sync));
  CB_CHECK(CB_NEED(storage->sync_records()) == std::vector<SyncRecord>{sync});
  CB_CHECK(CB_NEED(storage->seed()) == std::optional<SeedState>(seed));
  CB_CHECK(CB_NEED(storage->plugin_table()) == PluginTableState{build, false});
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->set_plugins_stale(true));
    CB_NEED(txn->commit());
  }
  // The stale flag and the build are kept apart: setting one keeps the other.
  CB_CHECK(CB_NEED(storage->plugin_table()) == PluginTableState{build, true});
  {
    auto txn = CB_NEED(storage->begin());
    PluginBuild next = build;
    next.built_at = ts(1714564900000);
    CB_NEED(txn->put_plugin_build(next));
    CB_NEED(txn->commit());
    CB_CHECK(CB_NEED(storage->plugin_table()) == PluginTableState{next, true});
  }
  CB_NEED(storage->check());
}

// puts overwrite, deletes remove, sync records sort by name
void puts_overwrite_deletes_remove_sync_recor(Context& c) {
  auto storage = c.fresh();
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->put_packument(packument("b", {"1.0.0"})));
    CB_NEED(txn->put_packument(packument("a", {"1.0.0"})));
    CB_NEED(txn->put_sync_record({"zeta", SyncSource::kNpm, 404, "", "", "", ts(1), ts(0), "not found", {}}));
    CB_NEED(txn->put_sync_record({"alpha", SyncSource::kLocal, 0, "", "", "", ts(2), ts(2), "", {}}));
    CB_NEED(txn->put_seed(marker("one")));
    CB_NEED(txn->commit());
  }
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->put_packument(packument("b", {"1.0.0", "2.0.0"})));
    CB_NEED(txn->delete_packument("a"));
    CB_NEED(txn->delete_packument("never-stored"));
    CB_NEED(txn->put_seed(marker("two")));
    CB_NEED(txn->put_sync_record({"zeta", SyncSource::kNpm, 200, "e", "", "", ts(3), ts(3), "", {}}));
    CB_NEED(txn->commit());
  }
  CB_CHECK(CB_NEED(storage->package_names()) == std::vector<std::string>{"b"});
  CB_CHECK(CB_NEED(storage->packument("b"))->versions.size() == 2);
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("two"));
  auto records = CB_NEED(storage->sync_records());
  CB_REQUIRE(records.size() == 2);
  CB_CHECK(records[0].name == "alpha");
  CB_CHECK(records[1].name == "zeta");
  CB_CHECK(records[1].status == 200);
  CB_CHECK(records[1].error.empty());
}

// transactions: uncommitted writes are invisible, committed ones visible
void transactions_uncommitted_writes_are_invisible_com(Context& c) {
  auto storage = c.fresh();
  auto txn = CB_NEED(storage->begin());
  CB_NEED(txn->put_packument(packument("p", {"1.0.0"})));
  CB_NEED(txn->put_seed(marker("v")));
  CB_NEED(txn->replace_plugins(twelve_plugins()));
  CB_CHECK(CB_NEED(storage->packument("p")) == std::nullopt);
  CB_CHECK(marker_of(c, *storage) == std::nullopt);
  CB_CHECK(CB_NEED(storage->plugin_ids()).empty());
  CB_CHECK(search_text(c, *storage, "kubernetes").total == 0);
  CB_NEED(txn->commit());
  CB_CHECK(CB_NEED(storage->packument("p")).has_value());
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("v"));
  CB_CHECK(CB_NEED(storage->plugin_ids()).size() == 12);
  CB_CHECK(search_text(c, *storage, "kubernetes").total == 2);
}

// transactions: a transaction destroyed without commit rolls back
void transactions_a_transaction_destroyed_without_comm(Context& c) {
  auto storage = c.fresh();
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->put_packument(packument("p", {"1.0.0"})));
    CB_NEED(txn->replace_plugins(twelve_plugins()));
  }
  CB_CHECK(CB_NEED(storage->packument("p")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->plugin_ids()).empty());
  auto again = CB_NEED(storage->begin());  // the storage is free again
  CB_NEED(again->put_seed(marker("after rollback")));
  CB_NEED(again->commit());
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("after rollback"));
}

// transactions: a second commit and writes after commit are errors
void transactions_a_second_commit_and_writes_after_com(Context& c) {
  auto storage = c.fresh();
  auto txn = CB_NEED(storage->begin());
  CB_NEED(txn->put_seed(marker("v")));
  CB_NEED(txn->commit());
  auto second = txn->commit();
  CB_REQUIRE_NOT(second.ok());
  CB_CHECK(second.error().code == ErrorCode::kFailedPrecondition);
  auto late = txn->put_seed(marker("w"));
  CB_REQUIRE_NOT(late.ok());
  CB_CHECK(late.error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("v"));
  // A committed transaction that is still alive does not block the next one.
  auto next = CB_NEED(storage->begin());
  CB_NEED(next->put_seed(marker("x")));
  CB_NEED(next->commit());
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("x"));
}

// transactions: a read transaction refuses every catalog write and blocks no writer
void transactions_a_read_transaction_refuses_every_cat(Context& c) {
  auto storage = c.fresh();
  auto reader = CB_NEED(storage->begin(TransactionMode::kRead));
  CB_CHECK(reader->mode() == TransactionMode::kRead);
  CB_CHECK(reader->put_packument(packument("p", {"1.0.0"})).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->delete_packument("p").error().code == ErrorCode::kFailedPrecondition);
  SyncRecord sync;
  sync.name = "p";
  CB_CHECK(reader->put_sync_record(sync).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->replace_plugins(twelve_plugins()).error().code == ErrorCode::kFailedPrecondition);
  Release release;
  release.version = "1.0.0";
  CB_CHECK(reader->put_release(release).error().code == ErrorCode::kFailedPrecondition);
  DirectoryEntry entry;
  entry.id = "x";
  CB_CHECK(reader->put_directory_entry(entry).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->put_artifact(ArtifactRecord{}).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->put_seed(marker("v")).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->put_plugin_build(PluginBuild{}).error().code == ErrorCode::kFailedPrecondition);
  CB_CHECK(reader->set_plugins_stale(true).error().code == ErrorCode::kFailedPrecondition);
  auto writer = CB_NEED(storage->begin());
  CB_NEED(writer->put_seed(marker("v")));
  CB_NEED(writer->commit());
  CB_NEED(reader->commit());
  CB_CHECK(marker_of(c, *storage) == std::optional<std::string>("v"));
  CB_CHECK_NOT(CB_NEED(storage->plugin_table()).stale);
  CB_CHECK(CB_NEED(storage->packument("p")) == std::nullopt);
}

// transactions: one open transaction per storage object
void transactions_one_open_transaction_per_storage_obj(Context& c) {
  auto storage = c.fresh();
  auto txn = CB_NEED(storage->begin());
  auto second = storage->begin();
  CB_REQUIRE_NOT(second.ok());
  CB_CHECK(second.error().code == ErrorCode::kFailedPrecondition);
}

// transactions: invalid writes are refused and leave the transaction usable
void transactions_invalid_writes_are_refused_and_leave(Context& c) {
  auto storage = c.fresh();
  auto txn = CB_NEED(storage->begin());
  auto empty = txn->put_packument(Packument{});
  CB_REQUIRE_NOT(empty.ok());
  CB_CHECK(empty.error().code == ErrorCode::kInvalidArgument);
  CB_CHECK(txn->put_seed(marker("")).error().code == ErrorCode::kInvalidArgument);
  CB_CHECK(txn->put_seed(SeedState{"f", {"@a/b", "two\nlines"}}).error().code == ErrorCode::kInvalidArgument);
  // Removals are checked too (they were not before the checks moved
  // out of the backends).
  CB_CHECK(txn->delete_packument("").error().code == ErrorCode::kInvalidArgument);
  CB_CHECK(txn->delete_packument(std::string(4097, 'x')).error().code == ErrorCode::kInvalidArgument);
  SyncRecord linked;
  linked.name = "@a/b";
  linked.links = {"@a/c", "@a/d\r"};
  auto bad_link = txn->put_sync_record(linked);
  CB_REQUIRE_NOT(bad_link.ok());
  CB_CHECK(bad_link.error().code == ErrorCode::kInvalidArgument);
  CB_CHECK(bad_link.error().detail("package") == "@a/b");
  CB_CHECK(bad_link.error().detail("operation") == "put_sync_record");

  auto plugins = twelve_plugins();
  plugins[1].packages.push_back(plugins[0].packages[0]);  // one package in two plugins
  auto shared = txn->replace_plugins(plugins);
  CB_REQUIRE_NOT(shared.ok());
  CB_CHECK(shared.error().code == ErrorCode::kInvalidArgument);
  CB_CHECK(shared.error().detail("package") == "@roadiehq/backstage-plugin-argo-cd");

  auto twins = twelve_plugins();
  twins[2].id = twins[1].id;
  CB_CHECK(txn->replace_plugins(twins).error().code == ErrorCode::kInvalidArgument);

  CB_NEED(txn->replace_plugins(twelve_plugins()));
  CB_NEED(txn->commit());
  CB_CHECK(CB_NEED(storage->plugin_ids()).size() == 12);
  CB_NEED(storage->check());
}

// replace_plugins replaces the plugin table and the index
void replace_plugins_replaces_the_plugin_tabl(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());
  CB_REQUIRE(search_text(c, *storage, "grafana").total == 1);

  auto plugins = twelve_plugins();
  plugins.erase(std::remove_if(plugins.begin(), plugins.end(), [](const Plugin& p) { return p.id == "grafana"; }),
                plugins.end());
  plugins[0].title = "Argo CD Renamed Zanzibar";
  store_plugins(c, *storage, plugins);

  CB_CHECK(CB_NEED(storage->plugin("grafana")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->plugin_for_package("@k-phoen/backstage-plugin-grafana")) == std::nullopt);
  CB_CHECK(search_text(c, *storage, "grafana").total == 0);
  CB_CHECK(search_text(c, *storage, "dashboards").total == 0);
  CB_CHECK(hit_ids(search_text(c, *storage, "zanzibar")) == std::vector<std::string>{"argo-cd"});
  CB_CHECK(CB_NEED(storage->plugin_ids()).size() == 11);
  auto facets = search(c, *storage, SearchQuery{});
  CB_CHECK(facets.total == 11);
  CB_NEED(storage->check());

  store_plugins(c, *storage, {});
  CB_CHECK(CB_NEED(storage->plugin_ids()).empty());
  CB_CHECK(search(c, *storage, SearchQuery{}).total == 0);
  CB_NEED(storage->check());
}

// The plugin table's generation grows with every committed replacement.
void plugin_generation(Context& c) {
  auto storage = c.fresh();
  CB_CHECK(CB_NEED(storage->plugin_generation()) == 0U);
  store_plugins(c, *storage, twelve_plugins());
  const auto first = CB_NEED(storage->plugin_generation());
  CB_CHECK(first > 0U);
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->replace_plugins({}));
    // Not committed: neither the table nor the generation changes.
  }
  CB_CHECK(CB_NEED(storage->plugin_generation()) == first);
  CB_CHECK(CB_NEED(storage->plugin_ids()).size() == 12);
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->put_seed(marker("not a plugin write")));
    CB_NEED(txn->commit());
  }
  CB_CHECK(CB_NEED(storage->plugin_generation()) == first);
  store_plugins(c, *storage, twelve_plugins());  // the same table again still counts
  const auto second = CB_NEED(storage->plugin_generation());
  CB_CHECK(second > first);
  auto reader = CB_NEED(storage->begin(TransactionMode::kRead));
  store_plugins(c, *storage, {});
  CB_CHECK(CB_NEED(storage->plugin_generation()) > second);
  CB_NEED(reader->commit());
}

// plugin_for_package finds packages and modules
void plugin_for_package_finds_packages_and_mo(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());
  auto k = CB_NEED(storage->plugin_for_package("@backstage/plugin-kubernetes-backend"));
  CB_REQUIRE(k.has_value());
  CB_CHECK(k->id == "kubernetes");
  auto j = CB_NEED(storage->plugin_for_package("@backstage-community/plugin-scaffolder-backend-module-jenkins"));
  CB_REQUIRE(j.has_value());
  CB_CHECK(j->id == "jenkins");
  CB_CHECK(CB_NEED(storage->plugin_for_package("@backstage/plugin-kubernetes-backend-extra")) == std::nullopt);
  CB_CHECK(CB_NEED(storage->plugin_for_package("kubernetes")) == std::nullopt);  // an id is not a package
}

// release_versions sorts by semver
void release_versions_sorts_by_semver(Context& c) {
  auto storage = c.fresh();
  auto txn = CB_NEED(storage->begin());
  for (const char* v : {"1.10.0", "1.9.0", "1.2.0", "1.10.0-next.0", "1.2.0-next.1", "1.2.0-next.10", "1.2.0-next.2"}) {
    CB_NEED(txn->put_release(Release{v, {{"@backstage/core-plugin-api", "1.0.0"}}}));
  }
  CB_NEED(txn->commit());
  CB_CHECK(CB_NEED(storage->release_versions()) ==
        std::vector<std::string>{"1.2.0-next.1", "1.2.0-next.2", "1.2.0-next.10", "1.2.0", "1.9.0", "1.10.0-next.0",
                                 "1.10.0"});
}

// search ranks id and title matches above description mentions
void search_ranks_id_and_title_matches_above_(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());

  auto k = search_text(c, *storage, "kubernetes");
  CB_CHECK(hit_ids(k) == std::vector<std::string>{"kubernetes", "jenkins"});
  CB_CHECK(k.total == 2);
  CB_REQUIRE(k.hits.size() == 2);
  CB_CHECK(k.hits[0].relevance > k.hits[1].relevance);
  CB_CHECK(k.hits[1].relevance > 0);

  // Case and punctuation do not matter.
  CB_CHECK(hit_ids(search_text(c, *storage, "KUBERNETES!")) == hit_ids(k));

  // A module's name finds its plugin, below the plugin named for the word.
  CB_CHECK(hit_ids(search_text(c, *storage, "github")) == std::vector<std::string>{"github-actions", "catalog"});

  // Words are ANDed.
  CB_CHECK(hit_ids(search_text(c, *storage, "code quality")) == std::vector<std::string>{"sonarqube"});
  CB_CHECK(hit_ids(search_text(c, *storage, "argo deployment")) == std::vector<std::string>{"argo-cd"});
  CB_CHECK(search_text(c, *storage, "kubernetes zanzibar").total == 0);

  // Scoped package names are searchable through their parts.
  CB_CHECK(hit_ids(search_text(c, *storage, "@pagerduty/backstage-plugin-backend")) == std::vector<std::string>{"pagerduty"});
}

// search matches the last word as a prefix
void search_matches_the_last_word_as_a_prefix(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());
  CB_CHECK(hit_ids(search_text(c, *storage, "kube")) == std::vector<std::string>{"kubernetes", "jenkins"});
  CB_CHECK(hit_ids(search_text(c, *storage, "k")).size() >= 2);
  CB_CHECK(hit_ids(search_text(c, *storage, "argo c")) == std::vector<std::string>{"argo-cd"});
  CB_CHECK(hit_ids(search_text(c, *storage, "sonarq")) == std::vector<std::string>{"sonarqube"});
  // Only the last word is a prefix.
  CB_CHECK(search_text(c, *storage, "sonarq quality").total == 0);
  CB_CHECK(search_text(c, *storage, "sonarqube qual").total == 1);
}

// hostile query text never errors
void hostile_query_text_never_errors(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());
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
    SearchQuery q;
    q.text = text;
    auto r = storage->search(q);
    CB_REQUIRE(r.ok());
    CB_CHECK(r->total <= 12);
  }
  // Operators are ordinary words; the quote does not end the term.
  CB_CHECK(hit_ids(search_text(c, *storage, "kubernetes NOT jenkins")).empty());
  CB_CHECK(hit_ids(search_text(c, *storage, "\"kubernetes")) == std::vector<std::string>{"kubernetes", "jenkins"});
  // A text without any word is no text condition.
  CB_CHECK(search_text(c, *storage, "\"(*)\"").total == 12);
  CB_CHECK(search_text(c, *storage, big).total == 2);
}

// filters and facets
void filters_and_facets(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());

  {  // no text, no filters: everything by score, all facets
    SearchQuery q;
    q.limit = 100;
    auto page = search(c, *storage, q);
    CB_CHECK(page.total == 12);
    CB_CHECK(hit_ids(page) == std::vector<std::string>{"catalog", "kubernetes", "argo-cd", "tech-radar", "jenkins",
                                                    "pagerduty", "sonarqube", "grafana", "lighthouse", "todo",
                                                    "github-actions", "cost-insights"});
    for (const auto& h : page.hits) CB_CHECK(h.relevance == 0);
    CB_REQUIRE(page.facets.size() == 4);
    CB_CHECK(page.facets[0].name == "role");
    CB_CHECK(page.facets[1].name == "category");
    CB_CHECK(page.facets[2].name == "backend_system");
    CB_CHECK(page.facets[3].name == "frontend_system");
    CB_CHECK(facet(c, page, "role").counts == counts({{"frontend-plugin", 12},
                                                {"backend-plugin", 7},
                                                {"backend-plugin-module", 2},
                                                {"common-library", 1}}));
    // Categories group case-insensitively; the first spelling in id order
    // ("grafana" < "pagerduty") names the group. Ties sort by byte order.
    CB_CHECK(facet(c, page, "category").counts == counts({{"CI/CD", 2},
                                                    {"Discovery", 2},
                                                    {"Quality", 2},
                                                    {"monitoring", 2},
                                                    {"Core", 1},
                                                    {"Deployment", 1},
                                                    {"Infrastructure", 1}}));
    CB_CHECK(facet(c, page, "backend_system").counts ==
          counts({{"not-applicable", 5}, {"new", 4}, {"legacy", 2}, {"transitional", 1}}));
    CB_CHECK(facet(c, page, "frontend_system").counts == counts({{"legacy", 8}, {"new", 3}, {"transitional", 1}}));
  }

  {  // facet filters: each facet counts with the other filters applied
    SearchQuery q;
    q.roles = {PackageRole::kBackendPlugin};
    q.categories = {"quality", "MONITORING"};
    q.include_deprecated = false;
    auto page = search(c, *storage, q);
    CB_CHECK(page.total == 3);
    CB_CHECK(hit_ids(page) == std::vector<std::string>{"pagerduty", "sonarqube", "lighthouse"});
    CB_CHECK(facet(c, page, "role").counts == counts({{"frontend-plugin", 4}, {"backend-plugin", 3}}));
    CB_CHECK(facet(c, page, "category").counts == counts({{"Quality", 2},
                                                    {"CI/CD", 1},
                                                    {"Core", 1},
                                                    {"Discovery", 1},
                                                    {"Infrastructure", 1},
                                                    {"monitoring", 1}}));
    CB_CHECK(facet(c, page, "backend_system").counts == counts({{"legacy", 2}, {"new", 1}}));
    CB_CHECK(facet(c, page, "frontend_system").counts == counts({{"legacy", 3}}));
  }

  {  // facets follow the text matches
    SearchQuery q;
    q.text = "kubernetes";
    auto page = search(c, *storage, q);
    CB_CHECK(page.total == 2);
    CB_CHECK(facet(c, page, "role").counts ==
          counts({{"backend-plugin", 2}, {"frontend-plugin", 2}, {"backend-plugin-module", 1}, {"common-library", 1}}));
    CB_CHECK(facet(c, page, "category").counts == counts({{"CI/CD", 1}, {"Infrastructure", 1}}));
    q.backend_system = PluginSystem::kNew;
    page = search(c, *storage, q);
    CB_CHECK(hit_ids(page) == std::vector<std::string>{"kubernetes"});
    // The backend_system facet ignores its own filter.
    CB_CHECK(facet(c, page, "backend_system").counts == counts({{"new", 1}, {"transitional", 1}}));
    CB_CHECK(facet(c, page, "frontend_system").counts == counts({{"new", 1}}));
  }

  {  // systems
    SearchQuery q;
    q.limit = 100;
    q.backend_system = PluginSystem::kNew;
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "lighthouse", "todo"});
    q.frontend_system = PluginSystem::kLegacy;
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"lighthouse"});
    q.backend_system.reset();
    q.frontend_system = PluginSystem::kTransitional;
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"tech-radar"});
  }

  {  // supported release: major.minor is a prefix, a full version exact
    SearchQuery q;
    q.limit = 100;
    q.supports_release = "1.53";
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "argo-cd", "pagerduty",
                                                                    "sonarqube", "lighthouse", "cost-insights"});
    q.supports_release = "1.53.1";
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"kubernetes"});
    q.supports_release = "1.53.2";
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"pagerduty"});
    q.supports_release = "1.5";  // not 1.50 or 1.53
    CB_CHECK(search(c, *storage, q).total == 0);
    q.supports_release = "1.50";
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"github-actions"});
    q.include_deprecated = false;
    CB_CHECK(search(c, *storage, q).total == 0);
  }

  {  // roles match packages and modules
    SearchQuery q;
    q.roles = {PackageRole::kBackendPluginModule};
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"catalog", "jenkins"});
    q.roles = {PackageRole::kCommonLibrary, PackageRole::kBackendPluginModule};
    CB_CHECK(hit_ids(search(c, *storage, q)) == std::vector<std::string>{"catalog", "kubernetes", "jenkins"});
    q.roles = {PackageRole::kCli};
    CB_CHECK(search(c, *storage, q).total == 0);
  }

  {  // unknown category matches nothing
    SearchQuery q;
    q.categories = {"no-such-category"};
    auto page = search(c, *storage, q);
    CB_CHECK(page.total == 0);
    CB_CHECK(page.hits.empty());
    CB_CHECK(facet(c, page, "category").counts.size() == 7);  // its own filter is not applied
  }
}

// paging
void paging(Context& c) {
  auto storage = c.fresh();
  store_plugins(c, *storage, twelve_plugins());
  SearchQuery all;
  all.limit = 100;
  const auto everything = hit_ids(search(c, *storage, all));
  CB_REQUIRE(everything.size() == 12);
  std::vector<std::string> paged;
  for (std::size_t offset = 0; offset < 12; offset += 5) {
    SearchQuery q;
    q.offset = offset;
    q.limit = 5;
    auto page = search(c, *storage, q);
    CB_CHECK(page.total == 12);
    CB_CHECK(page.hits.size() == std::min<std::size_t>(5, 12 - offset));
    for (auto& id : hit_ids(page)) paged.push_back(id);
  }
  CB_CHECK(paged == everything);

  SearchQuery beyond;
  beyond.offset = 50;
  auto page = search(c, *storage, beyond);
  CB_CHECK(page.total == 12);
  CB_CHECK(page.hits.empty());

  SearchQuery none;
  none.limit = 0;
  page = search(c, *storage, none);
  CB_CHECK(page.total == 12);
  CB_CHECK(page.hits.empty());
  CB_CHECK(facet(c, page, "role").counts.size() == 4);

  SearchQuery huge;
  huge.offset = SIZE_MAX - 1;
  huge.limit = SIZE_MAX;
  CB_CHECK(search(c, *storage, huge).hits.empty());
}

// an empty store answers every read
void an_empty_store_answers_every_read(Context& c) {
  auto storage = c.fresh();
  CB_CHECK(CB_NEED(storage->package_names()).empty());
  CB_CHECK(CB_NEED(storage->sync_records()).empty());
  CB_CHECK(CB_NEED(storage->plugin_ids()).empty());
  CB_CHECK(CB_NEED(storage->release_versions()).empty());
  CB_CHECK(CB_NEED(storage->directory_entries()).empty());
  SearchQuery q;
  q.text = "anything";
  auto page = search(c, *storage, q);
  CB_CHECK(page.total == 0);
  CB_CHECK(page.facets.size() == 4);
  CB_NEED(storage->check());
}


}  // namespace

std::vector<Case> catalog_cases() {
  return {
      {"catalog.values_round_trip", values_round_trip, false, true},
      {"catalog.puts_overwrite_deletes_remove", puts_overwrite_deletes_remove_sync_recor, false, true},
      {"catalog.transactions.commit_makes_visible", transactions_uncommitted_writes_are_invisible_com, false, true},
      {"catalog.transactions.rollback", transactions_a_transaction_destroyed_without_comm, false, true},
      {"catalog.transactions.after_commit", transactions_a_second_commit_and_writes_after_com, false, true},
      {"catalog.transactions.read", transactions_a_read_transaction_refuses_every_cat, false, true},
      {"catalog.transactions.one_writer", transactions_one_open_transaction_per_storage_obj, false, true},
      {"catalog.writes_checked", transactions_invalid_writes_are_refused_and_leave, false, true},
      {"catalog.replace_plugins", replace_plugins_replaces_the_plugin_tabl, false, true},
      {"catalog.plugin_generation", plugin_generation, false, true},
      {"catalog.plugin_for_package", plugin_for_package_finds_packages_and_mo, false, true},
      {"catalog.release_order", release_versions_sorts_by_semver, false, true},
      {"catalog.search.ranking_by_field", search_ranks_id_and_title_matches_above_, false, true},
      {"catalog.search.prefix", search_matches_the_last_word_as_a_prefix, false, true},
      {"catalog.search.hostile_text", hostile_query_text_never_errors, false, true},
      {"catalog.search.filters_and_facets", filters_and_facets, false, true},
      {"catalog.search.paging", paging, false, true},
      {"catalog.empty_store", an_empty_store_answers_every_read, false, true},
  };
}

}  // namespace callboard::backend::conformance::detail
