// The indexer against a real npm registry server: Verdaccio from npm, fed
// with tests/registry/fixture-packages.mjs, behind the fault-injecting proxy
// of tests/registry/registry_server.mjs. ctest starts it once as a fixture
// (registry_fixture.sh) and serialises these tests on it (RESOURCE_LOCK),
// because faults are global to the proxy.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "callboard/registry.hpp"
#include "child_process.hpp"
#include "local_registry.hpp"

namespace fs = std::filesystem;
using namespace callboard;
using callboard::test::ChildProcess;
using callboard::test::LocalRegistry;
using callboard::test::npm_for;
using callboard::test::run_command;
using callboard::test::TempDir;

namespace {

const std::vector<std::string> kSeeds = {"@backstage/plugin-todo", "@backstage/plugin-old-thing",
                                         "@roadiehq/backstage-plugin-legacy-widget"};
const std::vector<std::string> kExpectedPackages = {
    "@backstage-community/plugin-old-thing",   "@backstage/backend-common",
    "@backstage/backend-plugin-api",           "@backstage/core-plugin-api",
    "@backstage/plugin-old-thing",             "@backstage/plugin-todo",
    "@backstage/plugin-todo-backend",          "@backstage/plugin-todo-backend-module-jira",
    "@backstage/plugin-todo-common",           "@roadiehq/backstage-plugin-legacy-widget",
};
constexpr const char* kPrivatePackage = "@private-fixture/backstage-plugin-secret";

/// A temporary folder with a SQLite database, removed afterwards.
struct TempDb {
  TempDir tmp;
  [[nodiscard]] const fs::path& dir() const { return tmp.path; }
  [[nodiscard]] std::string url() const { return "sqlite://" + file().string(); }
  [[nodiscard]] fs::path file() const { return tmp.path / "callboard.db"; }
};

Registry make_registry(const TempDb& db, NpmConfig npm, backend::TransportOptions options = {}) {
  auto storage = backend::open_storage(db.url());
  REQUIRE(storage.ok());
  options.max_concurrency = options.max_concurrency == 16 ? 4 : options.max_concurrency;
  options.backoff_base = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(200);
  auto transport = backend::make_curl_transport(options);
  REQUIRE(transport.ok());
  return Registry(std::shared_ptr<backend::Storage>(std::move(*storage)),
                  std::shared_ptr<backend::Transport>(std::move(*transport)), std::move(npm));
}

IndexOptions fixture_options(std::vector<std::string> packages = kSeeds) {
  IndexOptions o;
  o.seed_ecosystem = false;
  o.packages = std::move(packages);
  o.now = Timestamp{std::chrono::milliseconds(1'790'000'000'000)};
  return o;
}

std::vector<std::string> failed_names(const IndexReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.failures) out.push_back(f.package);
  return out;
}

std::int64_t stat_of(const boost::json::object& stats, const std::string& package, const std::string& key) {
  const auto* s = stats.if_contains(package);
  if (s == nullptr) return 0;
  return s->as_object().at(key).as_int64();
}

std::int64_t status_count(const boost::json::object& stats, const std::string& package, const std::string& code) {
  const auto* s = stats.if_contains(package);
  if (s == nullptr) return 0;
  const auto* c = s->as_object().at("statuses").as_object().if_contains(code);
  return c == nullptr ? 0 : c->as_int64();
}

}  // namespace

TEST_CASE("index follows Backstage links to closure on a real registry", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  std::vector<IndexProgress> seen;
  auto report = registry.index(fixture_options(), [&](const IndexProgress& p) { seen.push_back(p); });
  REQUIRE(report.ok());
  CHECK(report->failures.empty());
  CHECK(report->missing == std::vector<std::string>{"@backstage/plugin-missing"});
  CHECK(report->totals.not_found == 1);
  CHECK(report->packages == kExpectedPackages.size());
  CHECK(report->totals.changed == kExpectedPackages.size());

  auto names = registry.storage().package_names();
  REQUIRE(names.ok());
  CHECK(*names == kExpectedPackages);
  auto todo = registry.storage().packument("@backstage/plugin-todo");
  REQUIRE(todo.ok());
  REQUIRE(todo->has_value());
  REQUIRE((*todo)->versions.size() >= 3);
  CHECK((*todo)->versions[0].version == "0.1.0");
  CHECK((*todo)->find("1.0.0") != nullptr);
  CHECK((*todo)->find("1.0.0")->dist.integrity.rfind("sha512-", 0) == 0);
  CHECK((*todo)->find("1.0.0")->published != Timestamp{});

  // The plugin: three packages, one module, found by search.
  auto plugin = registry.storage().plugin("todo");
  REQUIRE(plugin.ok());
  REQUIRE(plugin->has_value());
  CHECK((*plugin)->packages.size() == 3);
  REQUIRE((*plugin)->modules.size() == 1);
  CHECK((*plugin)->modules[0].name == "@backstage/plugin-todo-backend-module-jira");
  backend::SearchQuery q;
  q.text = "todo";
  auto page = registry.search(q);
  REQUIRE(page.ok());
  REQUIRE(!page->hits.empty());
  CHECK(page->hits[0].plugin.id == "todo");

  // Progress: monotone, ends "done", never more done than asked.
  REQUIRE(!seen.empty());
  CHECK(seen.back().phase == IndexPhase::kDone);
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].done >= seen[i - 1].done);
  CHECK(seen.back().done == kExpectedPackages.size() + 1);

  CHECK(registry.storage().check().ok());
}

TEST_CASE("a second index asks only with conditional requests and rewrites only what changed", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  REQUIRE(registry.index(fixture_options()).ok());
  reg.clear();  // reset the counters

  auto again = registry.index(fixture_options());
  REQUIRE(again.ok());
  CHECK(again->failures.empty());
  CHECK(again->totals.changed == 0);
  CHECK(again->totals.unchanged == kExpectedPackages.size());
  const auto stats = reg.stats();
  for (const auto& name : kExpectedPackages) {
    INFO(name);
    CHECK(stat_of(stats, name, "conditional") == 1);
    CHECK(status_count(stats, name, "304") == 1);
  }

  // One new version upstream: exactly that package is rewritten.
  const std::string version = "1.0." + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                          std::chrono::system_clock::now().time_since_epoch())
                                                          .count());
  reg.publish({{"name", "@backstage/plugin-todo-common"},
               {"version", version},
               {"description", "Common types for the todo plugin"},
               {"backstage", {{"role", "common-library"}, {"pluginId", "todo"}}},
               {"license", "Apache-2.0"}});
  auto third = registry.index(fixture_options());
  REQUIRE(third.ok());
  CHECK(third->totals.changed == 1);
  CHECK(third->totals.unchanged == kExpectedPackages.size() - 1);
  auto common = registry.storage().packument("@backstage/plugin-todo-common");
  REQUIRE(common.ok());
  REQUIRE(common->has_value());
  CHECK((*common)->find(version) != nullptr);
}

TEST_CASE("429 with Retry-After is retried after the delay", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  reg.fault({{"package", "@backstage/plugin-todo"}, {"mode", "status"}, {"code", 429}, {"retryAfter", 1}, {"times", 1}});
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  const auto t0 = std::chrono::steady_clock::now();
  auto report = registry.index(fixture_options());
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(report.ok());
  CHECK(report->failures.empty());
  CHECK(report->packages == kExpectedPackages.size());
  CHECK(status_count(reg.stats(), "@backstage/plugin-todo", "429") == 1);
  CHECK(elapsed >= std::chrono::milliseconds(1000));
}

TEST_CASE("a persistent 500 is recorded as a failure and everything else is indexed", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  reg.fault({{"package", "@backstage/backend-common"}, {"mode", "status"}, {"code", 500}});
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  auto report = registry.index(fixture_options());
  REQUIRE(report.ok());
  CHECK(failed_names(*report) == std::vector<std::string>{"@backstage/backend-common"});
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].error.code == ErrorCode::kUnavailable);
  CHECK(report->failures[0].error.detail("status") == "500");
  CHECK(report->packages == kExpectedPackages.size() - 1);
  auto sync = registry.storage().sync_record("@backstage/backend-common");
  REQUIRE(sync.ok());
  REQUIRE(sync->has_value());
  CHECK(!(*sync)->error.empty());

  reg.clear();
  auto healed = registry.index(fixture_options());
  REQUIRE(healed.ok());
  CHECK(healed->failures.empty());
  CHECK(healed->packages == kExpectedPackages.size());
  CHECK(registry.storage().check().ok());
}

TEST_CASE("a response slower than the timeout fails that package only", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  reg.fault({{"package", "@backstage/plugin-todo-common"}, {"mode", "slow"}, {"ms", 3000}});
  TempDb db;
  backend::TransportOptions options;
  options.max_retries = 1;
  auto storage = backend::open_storage(db.url());
  REQUIRE(storage.ok());
  options.max_concurrency = 4;
  options.backoff_base = std::chrono::milliseconds(20);
  auto transport = backend::make_curl_transport(options);
  REQUIRE(transport.ok());
  // A short per-request timeout: the Registry's requests use the default, so
  // wrap the transport to shorten it (a forwarding decorator, as hosts would).
  struct ShortTimeout final : backend::Transport {
    std::unique_ptr<backend::Transport> inner;
    Result<void> run(const backend::HttpRequestSource& next, const backend::HttpCompletion& done,
                     std::stop_token stop) noexcept override {
      return inner->run(
          [&]() -> std::optional<backend::HttpRequest> {
            auto r = next();
            if (r) r->timeout = std::chrono::milliseconds(800);
            return r;
          },
          done, stop);
    }
  };
  auto wrapped = std::make_shared<ShortTimeout>();
  wrapped->inner = std::move(*transport);
  Registry registry(std::shared_ptr<backend::Storage>(std::move(*storage)), wrapped, npm_for(reg));
  auto report = registry.index(fixture_options());
  REQUIRE(report.ok());
  CHECK(failed_names(*report) == std::vector<std::string>{"@backstage/plugin-todo-common"});
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].error.code == ErrorCode::kUnavailable);
  CHECK(report->packages == kExpectedPackages.size() - 1);
}

TEST_CASE("a truncated body is retried, and a body that stays truncated is a failure", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  reg.fault({{"package", "@backstage/core-plugin-api"}, {"mode", "truncate"}, {"times", 1}});
  {
    TempDb db;
    auto registry = make_registry(db, npm_for(reg));
    auto report = registry.index(fixture_options());
    REQUIRE(report.ok());
    CHECK(report->failures.empty());
    CHECK(report->packages == kExpectedPackages.size());
  }
  reg.clear();
  reg.fault({{"package", "@backstage/core-plugin-api"}, {"mode", "truncate"}});
  {
    TempDb db;
    auto registry = make_registry(db, npm_for(reg));
    auto report = registry.index(fixture_options());
    REQUIRE(report.ok());
    CHECK(failed_names(*report) == std::vector<std::string>{"@backstage/core-plugin-api"});
    CHECK(report->packages == kExpectedPackages.size() - 1);
  }
}

TEST_CASE("invalid JSON names the package and keeps what was stored", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  REQUIRE(registry.index(fixture_options()).ok());
  auto before = registry.storage().packument("@backstage/plugin-todo");
  REQUIRE(before.ok());
  REQUIRE(before->has_value());

  reg.fault({{"package", "@backstage/plugin-todo"}, {"mode", "invalid-json"}});
  auto report = registry.index(fixture_options());
  REQUIRE(report.ok());
  REQUIRE(failed_names(*report) == std::vector<std::string>{"@backstage/plugin-todo"});
  const Error& error = report->failures[0].error;
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.detail("package") == "@backstage/plugin-todo");
  auto after = registry.storage().packument("@backstage/plugin-todo");
  REQUIRE(after.ok());
  REQUIRE(after->has_value());
  CHECK(**after == **before);
  CHECK(registry.storage().check().ok());
}

TEST_CASE("a private scope needs the token, and the token never leaks", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDb db;
  {
    auto registry = make_registry(db, npm_for(reg, false));
    auto report = registry.index(fixture_options({kPrivatePackage}));
    REQUIRE(report.ok());
    REQUIRE(failed_names(*report) == std::vector<std::string>{kPrivatePackage});
    CHECK(report->failures[0].error.code == ErrorCode::kPermissionDenied);
  }
  auto registry = make_registry(db, npm_for(reg, true));
  auto report = registry.index(fixture_options({kPrivatePackage}));
  REQUIRE(report.ok());
  CHECK(report->failures.empty());
  auto secret = registry.storage().packument(kPrivatePackage);
  REQUIRE(secret.ok());
  CHECK(secret->has_value());

  // A failure while authenticated: the message and context carry no token.
  reg.fault({{"package", kPrivatePackage}, {"mode", "status"}, {"code", 503}});
  auto failing = registry.index(fixture_options({kPrivatePackage}));
  REQUIRE(failing.ok());
  REQUIRE(failing->failures.size() == 1);
  CHECK(failing->failures[0].error.to_string().find(reg.token) == std::string::npos);
  reg.clear();

  // Nor is it anywhere in the database files.
  for (const auto& entry : fs::directory_iterator(db.dir())) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(entry.path());
    CHECK(bytes.find(reg.token) == std::string::npos);
  }
}

TEST_CASE("cancelling mid-run keeps a consistent database that a rerun completes", "[integration]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  std::stop_source stop;
  auto report = registry.index(fixture_options(), [&](const IndexProgress& p) {
    if (p.done >= 3) stop.request_stop();
  }, stop.get_token());
  REQUIRE(!report.ok());
  CHECK(report.error().code == ErrorCode::kCancelled);
  CHECK(registry.storage().check().ok());
  auto partial = registry.storage().package_names();
  REQUIRE(partial.ok());
  CHECK(partial->size() < kExpectedPackages.size());

  auto rerun = registry.index(fixture_options());
  REQUIRE(rerun.ok());
  CHECK(rerun->packages == kExpectedPackages.size());
  CHECK(rerun->failures.empty());
}

// ---------------------------------------------------------------------------
// fetch_closure: the npm dependency closure of a request, on the same server.

namespace {

/// Publishes `manifest` unless the registry already has that version (a
/// re-run of the test against the same fixture).
void publish_once(const LocalRegistry& reg, const boost::json::object& manifest) {
  const std::string name(manifest.at("name").as_string());
  const std::string version(manifest.at("version").as_string());
  auto [status, body] = run_command({"curl", "-s", reg.proxy + name});
  if (status == 0 && body.find("\"versions\"") != std::string::npos &&
      body.find("\"" + version + "\"") != std::string::npos) {
    return;
  }
  reg.publish(manifest);
}

/// app -> lib ^2 (lib 1.x would need old-dep), peer peer ^1, an optional
/// peer and a devDependency not followed; lib 2 -> an alias to target and a
/// name the registry does not have.
void publish_closure_packages(const LocalRegistry& reg) {
  publish_once(reg, {{"name", "closure-fixture-old"}, {"version", "1.0.0"}});
  publish_once(reg, {{"name", "closure-fixture-lib"},
                     {"version", "1.0.0"},
                     {"dependencies", {{"closure-fixture-old", "^1.0.0"}}}});
  publish_once(reg, {{"name", "closure-fixture-target"}, {"version", "1.0.0"}});
  publish_once(reg, {{"name", "closure-fixture-lib"},
                     {"version", "2.0.0"},
                     {"dependencies",
                      {{"closure-fixture-alias", "npm:closure-fixture-target@^1.0.0"},
                       {"closure-fixture-missing", "^1.0.0"}}}});
  publish_once(reg, {{"name", "closure-fixture-peer"}, {"version", "1.0.0"}});
  publish_once(reg, {{"name", "closure-fixture-optpeer"}, {"version", "1.0.0"}});
  publish_once(reg, {{"name", "closure-fixture-dev"}, {"version", "1.0.0"}});
  publish_once(reg, {{"name", "closure-fixture-app"},
                     {"version", "1.0.0"},
                     {"dependencies", {{"closure-fixture-lib", "^2.0.0"}}},
                     {"peerDependencies", {{"closure-fixture-peer", "^1.0.0"}, {"closure-fixture-optpeer", "*"}}},
                     {"peerDependenciesMeta", {{"closure-fixture-optpeer", {{"optional", true}}}}},
                     {"devDependencies", {{"closure-fixture-dev", "*"}}}});
}

const std::vector<std::string> kClosurePackages = {"closure-fixture-app", "closure-fixture-lib",
                                                   "closure-fixture-peer", "closure-fixture-target"};

}  // namespace

TEST_CASE("fetch_closure stores the npm closure of a request from a real registry", "[integration][closure]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  publish_closure_packages(reg);
  const auto before = reg.stats();
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  const std::vector<Requirement> roots = {{"closure-fixture-app", "^1.0.0", "app"}};
  std::vector<ClosureProgress> seen;
  auto report = registry.fetch_closure(roots, {}, [&](const ClosureProgress& p) { seen.push_back(p); });
  REQUIRE(report.ok());
  CHECK(report->failures.empty());
  CHECK(report->packages == kClosurePackages.size());
  CHECK(report->fetched == kClosurePackages.size());
  CHECK(report->requests == kClosurePackages.size() + 1);  // and the 404
  REQUIRE(report->missing.size() == 1);
  CHECK(report->missing[0].name == "closure-fixture-missing");
  CHECK(report->missing[0].required_by == std::vector<std::string>{"closure-fixture-lib@2.0.0 dependency ^1.0.0"});
  auto names = registry.storage().package_names();
  REQUIRE(names.ok());
  CHECK(*names == kClosurePackages);
  REQUIRE(!seen.empty());
  CHECK(seen.back().done == kClosurePackages.size() + 1);

  // What the proxy saw: one request per reached name, none for the rest.
  const auto after = reg.stats();
  auto asked = [&](const std::string& name) {
    return stat_of(after, name, "requests") - stat_of(before, name, "requests");
  };
  for (const auto& name : kClosurePackages) {
    INFO(name);
    CHECK(asked(name) == 1);
  }
  for (const char* name : {"closure-fixture-old", "closure-fixture-optpeer", "closure-fixture-dev",
                           "closure-fixture-alias"}) {
    INFO(name);
    CHECK(asked(name) == 0);
  }

  // Stored: a second run asks nothing; a later index re-syncs the same
  // packages conditionally and lists none of them as a plugin.
  auto again = registry.fetch_closure(roots);
  REQUIRE(again.ok());
  CHECK(again->requests == 1);  // only the name that was 404
  CHECK(again->stored_already == kClosurePackages.size());
  IndexOptions index;
  index.seed_ecosystem = false;
  index.now = Timestamp{std::chrono::milliseconds(1'790'000'000'000)};
  auto indexed = registry.index(index);
  REQUIRE(indexed.ok());
  CHECK(indexed->totals.changed == 0);
  CHECK(indexed->packages == kClosurePackages.size());
  CHECK(indexed->plugins == 0);
  CHECK(registry.storage().check().ok());
}

TEST_CASE("fetch_closure retries a 503, records a persistent 500 and completes the rest", "[integration][closure]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  publish_closure_packages(reg);
  reg.fault({{"package", "closure-fixture-lib"}, {"mode", "status"}, {"code", 503}, {"times", 1}});
  reg.fault({{"package", "closure-fixture-peer"}, {"mode", "status"}, {"code", 500}});
  TempDb db;
  auto registry = make_registry(db, npm_for(reg));
  const std::vector<Requirement> roots = {{"closure-fixture-app", "^1.0.0", "app"}};
  auto report = registry.fetch_closure(roots);
  reg.clear();
  REQUIRE(report.ok());
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].package == "closure-fixture-peer");
  CHECK(report->failures[0].error.detail("status") == "500");
  auto names = registry.storage().package_names();
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"closure-fixture-app", "closure-fixture-lib", "closure-fixture-target"});
  // The failed name is asked again next time (it is not stored).
  auto healed = registry.fetch_closure(roots);
  REQUIRE(healed.ok());
  CHECK(healed->failures.empty());
  CHECK(healed->fetched == 1);
}

#ifdef CALLBOARD_CLI_PATH
TEST_CASE("crash: kill -9 the indexer mid-run, run again: consistent and complete", "[integration][crash]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  // Slow every package down so the kill lands in the middle of the crawl.
  for (const auto& name : kExpectedPackages) reg.fault({{"package", name}, {"mode", "slow"}, {"ms", 400}});
  TempDb db;
  std::vector<std::string> argv = {CALLBOARD_CLI_PATH, "index", "--no-seed", "--quiet", "--concurrency", "1",
                                   "--db", db.url()};
  for (const auto& s : kSeeds) {
    argv.push_back("--package");
    argv.push_back(s);
  }
  const std::vector<std::string> env = {"NPM_CONFIG_REGISTRY=" + reg.proxy};
  {
    ChildProcess child(argv, env);
    // Kill as soon as the first batch is committed (the database is read
    // while the indexer writes: WAL lets readers in).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!fs::exists(db.file())) continue;
      auto storage = backend::open_storage(db.url());
      if (!storage) continue;
      auto names = (*storage)->package_names();
      if (names && !names->empty()) break;
    }
    child.kill(SIGKILL);
    CHECK(child.wait() == 128 + SIGKILL);
  }
  {
    auto storage = backend::open_storage(db.url());
    REQUIRE(storage.ok());
    CHECK((*storage)->check().ok());
    auto names = (*storage)->package_names();
    REQUIRE(names.ok());
    INFO("packages stored before the kill: " << names->size());
    CHECK(!names->empty());
    CHECK(names->size() < kExpectedPackages.size());
  }
  reg.clear();
  auto [status, out] = run_command(argv, env);
  INFO(out);
  CHECK(status == 0);

  // Same content as a clean run into a fresh database.
  TempDb clean;
  auto registry = make_registry(clean, npm_for(reg));
  REQUIRE(registry.index(fixture_options()).ok());
  auto storage = backend::open_storage(db.url());
  REQUIRE(storage.ok());
  CHECK((*storage)->check().ok());
  auto names = (*storage)->package_names();
  REQUIRE(names.ok());
  CHECK(*names == kExpectedPackages);
  for (const auto& name : kExpectedPackages) {
    auto a = (*storage)->packument(name);
    auto b = registry.storage().packument(name);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    INFO(name);
    CHECK(*a == *b);
  }
  auto ids_a = (*storage)->plugin_ids();
  auto ids_b = registry.storage().plugin_ids();
  REQUIRE(ids_a.ok());
  REQUIRE(ids_b.ok());
  CHECK(*ids_a == *ids_b);
}
#endif
