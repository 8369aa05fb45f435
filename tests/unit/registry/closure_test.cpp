// Registry::fetch_closure on memory storage with an in-process fake
// registry (a Transport that answers from a map, counting requests), so
// every case is deterministic and needs no server. The same code against a
// real registry server is tests/integration/registry_integration_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "callboard/registry.hpp"

namespace json = boost::json;
using namespace callboard;

namespace {

constexpr const char* kRegistry = "http://registry.invalid/";

/// Answers packument GETs from `packages` (name -> packument JSON), 404 for
/// other names, a fixed status for names in `statuses`. Takes up to
/// `concurrency` requests, then completes them in order, like a transport
/// with that many in flight.
class FakeRegistry final : public backend::Transport {
 public:
  std::map<std::string, std::string> packages;
  std::map<std::string, int> statuses;
  std::map<std::string, int> requests;  // by name
  std::vector<std::string> authorization;  // Authorization headers seen
  std::size_t concurrency = 4;
  /// Called with each name requested; may request a stop.
  std::function<void(const std::string&)> on_request;

  Result<void> run(const backend::HttpRequestSource& next, const backend::HttpCompletion& done,
                   std::stop_token stop) noexcept override {
    while (true) {
      std::vector<backend::HttpRequest> batch;
      while (batch.size() < concurrency && !stop.stop_requested()) {
        auto r = next();
        if (!r) break;
        batch.push_back(std::move(*r));
      }
      if (batch.empty()) break;
      for (auto& req : batch) {
        if (stop.stop_requested()) {
          done(req, make_error(ErrorCode::kCancelled, "cancelled"));
          continue;
        }
        done(req, answer(req));
      }
    }
    if (stop.stop_requested()) return make_error(ErrorCode::kCancelled, "cancelled");
    return {};
  }

  int total() const {
    int n = 0;
    for (const auto& [name, count] : requests) n += count;
    return n;
  }

 private:
  Result<backend::HttpResponse> answer(const backend::HttpRequest& req) {
    std::string name = req.url.substr(std::string(kRegistry).size());
    if (auto at = name.find("%2f"); at != std::string::npos) name.replace(at, 3, "/");
    ++requests[name];
    for (const auto& [key, value] : req.headers) {
      if (key == "Authorization") authorization.push_back(value);
    }
    if (on_request) on_request(name);
    backend::HttpResponse r;
    r.effective_url = req.url;
    if (auto s = statuses.find(name); s != statuses.end()) {
      r.status = s->second;
    } else if (auto p = packages.find(name); p != packages.end()) {
      r.status = 200;
      r.body = p->second;
    } else {
      r.status = 404;
      r.body = R"({"error":"not found"})";
    }
    r.bytes = r.body.size();
    return r;
  }
};

/// {"1.0.0": {"dependencies": {...}, ...}, ...} -> a packument document.
std::string packument(const std::string& name, const std::string& versions_json,
                      const std::string& latest = "") {
  json::object versions = json::parse(versions_json).as_object();
  json::object doc;
  doc["name"] = name;
  std::string newest;
  for (auto& [version, manifest] : versions) {
    manifest.as_object()["name"] = name;
    manifest.as_object()["version"] = version;
    newest = std::string(version);
  }
  doc["dist-tags"] = json::object{{"latest", latest.empty() ? newest : latest}};
  doc["versions"] = std::move(versions);
  return json::serialize(doc);
}

struct Fixture {
  std::shared_ptr<backend::Storage> storage;
  std::shared_ptr<FakeRegistry> fake = std::make_shared<FakeRegistry>();
  NpmConfig npm;

  Fixture() {
    auto s = backend::open_storage("memory:");
    REQUIRE(s.ok());
    storage = std::move(*s);
    npm.registry = kRegistry;
  }
  Registry registry() { return Registry(storage, fake, npm); }

  std::vector<std::string> stored() {
    auto names = storage->package_names();
    REQUIRE(names.ok());
    return *names;
  }
};

std::vector<Requirement> roots(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<Requirement> out;
  for (const auto& [name, range] : list) out.push_back(Requirement{name, range, "app"});
  return out;
}

/// A small registry: app-lib@1 needs old-dep, app-lib@2 needs new-dep and
/// a peer; optional peer, dev and optional dependencies go nowhere.
void small_registry(FakeRegistry& fake) {
  fake.packages["app-lib"] = packument("app-lib", R"({
    "1.0.0": {"dependencies": {"old-dep": "^1.0.0"}},
    "2.0.0": {"dependencies": {"new-dep": "^2.0.0", "git-dep": "github:user/repo", "file-dep": "file:../x",
                               "ws-dep": "workspace:^"},
              "peerDependencies": {"react": "^18.0.0", "opt-peer": "^1.0.0"},
              "peerDependenciesMeta": {"opt-peer": {"optional": true}},
              "devDependencies": {"dev-only": "^1.0.0"},
              "optionalDependencies": {"optional-only": "^1.0.0"}},
    "2.1.0": {"dependencies": {"new-dep": "^2.1.0"}, "peerDependencies": {"react": "^18.2.0"}}})");
  fake.packages["old-dep"] = packument("old-dep", R"({"1.0.0": {}})");
  fake.packages["new-dep"] = packument("new-dep", R"({
    "1.0.0": {"dependencies": {"ancient": "*"}},
    "2.0.0": {"dependencies": {"leaf": "~1.2.0"}},
    "2.1.0": {"dependencies": {"leaf": "~1.2.0"}}})");
  fake.packages["leaf"] = packument("leaf", R"({"1.2.0": {}, "1.3.0": {"dependencies": {"not-this": "*"}}})");
  fake.packages["react"] = packument("react", R"({"17.0.2": {"dependencies": {"old-react-dep": "*"}},
    "18.2.0": {"dependencies": {"loose-envify": "^1.1.0"}}})");
  fake.packages["loose-envify"] = packument("loose-envify", R"({"1.4.0": {}})");
  for (const char* never : {"ancient", "not-this", "old-react-dep", "opt-peer", "dev-only", "optional-only"}) {
    fake.packages[never] = packument(never, R"({"1.0.0": {}})");
  }
}

}  // namespace

TEST_CASE("a closure follows only the versions each range admits, and peers", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  auto registry = f.registry();
  std::vector<ClosureProgress> seen;
  auto report = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}), {},
                                       [&](const ClosureProgress& p) { seen.push_back(p); });
  REQUIRE(report.ok());
  // Not old-dep (app-lib 1.x), not ancient (new-dep 1.x), not not-this
  // (leaf 1.3.0), not old-react-dep (react 17), not the optional peer,
  // devDependencies or non-registry specifiers; optionalDependencies yes
  // (npm and pnpm install them and lock them).
  CHECK(f.stored() ==
        std::vector<std::string>{"app-lib", "leaf", "loose-envify", "new-dep", "optional-only", "react"});
  CHECK(report->packages == 6);
  CHECK(report->fetched == 6);
  CHECK(report->stored_already == 0);
  CHECK(report->requests == 6);
  CHECK(f.fake->total() == 6);
  CHECK(report->missing.empty());
  CHECK(report->failures.empty());
  CHECK(report->bytes > 0);
  // Progress after every package, done counting up to 5.
  REQUIRE(seen.size() == 6);
  CHECK(seen.back().done == 6);
  CHECK(seen.back().queued == 0);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].done == i + 1);

  // Stored the way index() stores: a sync record with a content hash, and
  // the plugin rebuild asked for.
  auto record = f.storage->sync_record("react");
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  CHECK((*record)->source == backend::SyncSource::kNpm);
  CHECK((*record)->status == 200);
  CHECK((*record)->content_hash.size() == 64);
  auto table = f.storage->plugin_table();
  REQUIRE(table.ok());
  CHECK(table->stale);
}

TEST_CASE("a closure reads the range of an old version too when a root asks for it", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"app-lib", "*"}}));
  REQUIRE(report.ok());
  CHECK(f.stored() == std::vector<std::string>{"app-lib", "leaf", "loose-envify", "new-dep", "old-dep",
                                               "optional-only", "react"});
}

TEST_CASE("aliases go to their target and dist-tags admit the tagged version", "[registry][closure]") {
  Fixture f;
  f.fake->packages["host"] = packument("host", R"({"1.0.0": {"dependencies": {
      "my-alias": "npm:real-target@^3.0.0", "tagged": "latest", "scoped-alias": "npm:@scope/thing"}}})");
  f.fake->packages["real-target"] =
      packument("real-target", R"({"2.0.0": {"dependencies": {"two-dep": "*"}}, "3.1.0": {"dependencies": {"three-dep": "*"}}})");
  f.fake->packages["tagged"] = packument(
      "tagged", R"({"1.0.0": {"dependencies": {"tag-one": "*"}}, "2.0.0-beta.1": {"dependencies": {"tag-beta": "*"}}})",
      "1.0.0");
  f.fake->packages["@scope/thing"] = packument("@scope/thing", R"({"1.0.0": {}})");
  for (const char* name : {"two-dep", "three-dep", "tag-one", "tag-beta"}) {
    f.fake->packages[name] = packument(name, R"({"1.0.0": {}})");
  }
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"host", "latest"}}));
  REQUIRE(report.ok());
  CHECK(f.stored() == std::vector<std::string>{"@scope/thing", "host", "real-target", "tag-one", "tagged", "three-dep"});
  CHECK(f.fake->requests.count("my-alias") == 0);
  // A root can be an alias too.
  Fixture g;
  g.fake->packages = f.fake->packages;
  auto r2 = g.registry().fetch_closure(roots({{"whatever", "npm:real-target@^2"}}));
  REQUIRE(r2.ok());
  CHECK(g.stored() == std::vector<std::string>{"real-target", "two-dep"});
}

TEST_CASE("a 404 is recorded with who required it, and the rest completes", "[registry][closure]") {
  Fixture f;
  f.fake->packages["a"] = packument("a", R"({"1.0.0": {"dependencies": {"gone": "^3.0.0"}},
                                             "1.1.0": {"peerDependencies": {"gone": "^3.1.0"}, "dependencies": {"b": "*"}}})");
  f.fake->packages["b"] = packument("b", R"({"1.0.0": {"dependencies": {"gone": "^3.0.0"}}})");
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"a", "^1.0.0"}, {"gone", "*"}}));
  REQUIRE(report.ok());
  CHECK(f.stored() == std::vector<std::string>{"a", "b"});
  REQUIRE(report->missing.size() == 1);
  const MissingPackage& m = report->missing[0];
  CHECK(m.name == "gone");
  CHECK(m.required_by == std::vector<std::string>{"a@1.0.0 dependency ^3.0.0", "a@1.1.0 peer ^3.1.0", "app *",
                                                  "b@1.0.0 dependency ^3.0.0"});
  CHECK(m.requirers == 4);
  CHECK(f.fake->requests["gone"] == 1);  // asked once, however many edges
  CHECK(report->failures.empty());
  auto record = f.storage->sync_record("gone");
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  CHECK((*record)->status == 404);
}

TEST_CASE("stored packuments are not fetched again unless refresh is asked", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  auto registry = f.registry();
  REQUIRE(registry.fetch_closure(roots({{"app-lib", "^2.0.0"}})).ok());
  REQUIRE(f.fake->total() == 6);

  auto again = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}));
  REQUIRE(again.ok());
  CHECK(f.fake->total() == 6);  // nothing asked
  CHECK(again->requests == 0);
  CHECK(again->fetched == 0);
  CHECK(again->stored_already == 6);
  CHECK(again->packages == 6);

  // A wider root reaches one more package: only that one is asked for.
  auto wider = registry.fetch_closure(roots({{"app-lib", "*"}}));
  REQUIRE(wider.ok());
  CHECK(f.fake->total() == 7);
  CHECK(wider->fetched == 1);
  CHECK(f.fake->requests["old-dep"] == 1);

  // Works without a transport when everything is stored.
  Registry offline(f.storage, nullptr, NpmConfig{});
  auto off = offline.fetch_closure(roots({{"app-lib", "*"}}));
  REQUIRE(off.ok());
  CHECK(off->stored_already == 7);
  auto needs = offline.fetch_closure(roots({{"unknown-thing", "*"}}));
  REQUIRE_FALSE(needs.ok());
  CHECK(needs.error().code == ErrorCode::kFailedPrecondition);

  // refresh asks again for every name, and follows what the registry says now.
  f.fake->packages["leaf"] = packument("leaf", R"({"1.2.0": {}, "1.2.5": {"dependencies": {"fresh": "*"}}})");
  f.fake->packages["fresh"] = packument("fresh", R"({"1.0.0": {}})");
  ClosureOptions refresh;
  refresh.refresh = true;
  auto refreshed = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}), refresh);
  REQUIRE(refreshed.ok());
  CHECK(refreshed->fetched == 7);
  CHECK(refreshed->stored_already == 0);
  CHECK(f.fake->requests["app-lib"] == 2);  // the first run and this one
  CHECK(f.fake->requests["fresh"] == 1);
  auto leaf = f.storage->packument("leaf");
  REQUIRE(leaf.ok());
  REQUIRE(leaf->has_value());
  CHECK((*leaf)->find("1.2.5") != nullptr);
}

TEST_CASE("a 500 is a failure, the rest of the closure completes", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  f.fake->statuses["new-dep"] = 500;
  f.fake->packages["broken"] = "{not json";
  f.fake->packages["app-lib"] = packument("app-lib", R"({"2.0.0": {"dependencies": {"new-dep": "^2.0.0", "broken": "*"},
      "peerDependencies": {"react": "^18.0.0"}}})");
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"app-lib", "^2"}}));
  REQUIRE(report.ok());
  CHECK(f.stored() == std::vector<std::string>{"app-lib", "loose-envify", "react"});
  REQUIRE(report->failures.size() == 2);
  CHECK(report->failures[0].package == "broken");
  CHECK(report->failures[1].package == "new-dep");
  CHECK(report->failures[1].error.code == ErrorCode::kUnavailable);
  CHECK(report->failures[1].error.retryable);
  CHECK(report->missing.empty());
  auto record = f.storage->sync_record("new-dep");
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  CHECK((*record)->status == 500);
  CHECK_FALSE((*record)->error.empty());
}

TEST_CASE("a closure uses the npm configuration's scopes and tokens, and never shows a token", "[registry][closure]") {
  Fixture f;
  f.npm.registry = "http://elsewhere.invalid/";  // the scope's registry must win
  f.npm.scope_registries["@private"] = kRegistry;
  f.npm.credentials[nerf_dart("http://registry.invalid/")] = NpmCredentials{"s3cret-token", "", ""};
  f.fake->packages["@private/a"] = packument("@private/a", R"({"1.0.0": {"dependencies": {"@private/b": "*"}}})");
  f.fake->statuses["@private/b"] = 403;
  auto report = f.registry().fetch_closure(roots({{"@private/a", "*"}}));
  REQUIRE(report.ok());
  REQUIRE(!f.fake->authorization.empty());
  CHECK(f.fake->authorization[0] == "Bearer s3cret-token");
  REQUIRE(report->failures.size() == 1);
  CHECK(report->failures[0].error.code == ErrorCode::kPermissionDenied);
  CHECK(report->failures[0].error.to_string().find("s3cret") == std::string::npos);
}

TEST_CASE("cancelling a closure keeps what was stored", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  f.fake->concurrency = 1;
  std::stop_source stop;
  f.fake->on_request = [&](const std::string& name) {
    if (name == "new-dep") stop.request_stop();
  };
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}), {}, {}, stop.get_token());
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kCancelled);
  // What was answered before the stop is stored (app-lib, new-dep), nothing after it.
  const auto kept = f.stored();
  CHECK(std::find(kept.begin(), kept.end(), "app-lib") != kept.end());
  CHECK(kept.size() < 5);
  // A second run finishes, without asking again for what was stored.
  f.fake->on_request = {};
  const int before = f.fake->requests["app-lib"];
  auto rest = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}));
  REQUIRE(rest.ok());
  CHECK(f.fake->requests["app-lib"] == before);
  CHECK(f.stored().size() == 6);
}

TEST_CASE("max_packages bounds the names a closure reaches", "[registry][closure]") {
  Fixture f;
  small_registry(*f.fake);
  ClosureOptions options;
  options.max_packages = 3;
  auto registry = f.registry();
  auto report = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}), options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kResourceExhausted);
  CHECK(f.fake->total() <= 3);
  options.max_packages = 6;
  auto enough = registry.fetch_closure(roots({{"app-lib", "^2.0.0"}}), options);
  REQUIRE(enough.ok());
  CHECK(enough->packages == 6);
}

TEST_CASE("a closure refuses a root that is not a package name", "[registry][closure]") {
  Fixture f;
  auto report = f.registry().fetch_closure(roots({{"Not A Name", "*"}}));
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kInvalidArgument);
  CHECK(f.fake->total() == 0);
}

TEST_CASE("packages a closure stored are never grouped into plugins", "[registry][closure]") {
  Fixture f;
  // Names that the plugin rules would read as a module or a plugin.
  f.fake->packages["babel-plugin-module-resolver"] =
      packument("babel-plugin-module-resolver", R"({"5.0.0": {"main": "lib/index.js", "types": "x.d.ts"}})");
  f.fake->packages["@rollup/plugin-node-resolve"] = packument(
      "@rollup/plugin-node-resolve", R"({"15.0.0": {"main": "dist/index.js", "module": "dist/index.mjs", "types": "t.d.ts"}})");
  f.fake->packages["some-plugin-backend"] =
      packument("some-plugin-backend", R"({"1.0.0": {"scripts": {"start": "backend:dev"}}})");
  auto registry = f.registry();
  REQUIRE(registry.fetch_closure(roots({{"babel-plugin-module-resolver", "*"}, {"@rollup/plugin-node-resolve", "*"},
                                        {"some-plugin-backend", "*"}}))
              .ok());
  IndexOptions index;
  index.seed_ecosystem = false;
  index.follow_links = false;
  index.now = Timestamp{std::chrono::milliseconds(1'790'000'000'000)};
  auto indexed = registry.index(index);
  REQUIRE(indexed.ok());
  CHECK(indexed->packages == 3);
  CHECK(indexed->plugins == 0);
  auto ids = f.storage->plugin_ids();
  REQUIRE(ids.ok());
  CHECK(ids->empty());
  auto table = f.storage->plugin_table();
  REQUIRE(table.ok());
  CHECK_FALSE(table->stale);
}
