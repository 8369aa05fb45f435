// solve(): npm semantics, preferences, laziness, merging, plans and edits,
// errors, cancellation, the storage adapter.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <stop_token>

#include "callboard/backend/storage.hpp"
#include "solver_test_support.hpp"

namespace json = boost::json;
using namespace callboard;
using namespace callboard::solver;

namespace {

void fill(MemoryPackageSource& source, std::string_view registry_json) {
  for (Packument& p : solver::test::registry_from_json(json::parse(registry_json).as_object())) source.add(std::move(p));
}

SolveRequest add(std::initializer_list<std::pair<std::string, std::string>> packages) {
  SolveRequest r;
  r.root_name = "root";
  for (const auto& [name, range] : packages) r.changes.push_back({ChangeKind::kAdd, name, range, {}});
  return r;
}

std::map<std::string, std::string> host_versions(const InstallPlan& plan) {
  std::map<std::string, std::string> out;
  for (const auto& p : plan.packages) {
    if (p.host_level) out[p.name] = p.version;
  }
  return out;
}

WorkspacePackage workspace(std::string path, std::string_view manifest_json) {
  auto m = parse_manifest(manifest_json);
  REQUIRE(m.ok());
  return {std::move(path), *m};
}

}  // namespace

TEST_CASE("peers constrain the one host-level copy, dependencies may nest", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "host": {"1.0.0": {}, "2.0.0": {}},
    "a": {"1.0.0": {"peerDependencies": {"host": "^1.0.0"}}},
    "b": {"1.0.0": {"dependencies": {"host": "^2.0.0"}}}})");
  SolveRequest request = add({{"a", ""}, {"b", ""}});
  request.options.singletons = {};
  auto out = solve(request, source);
  REQUIRE(out.ok());
  REQUIRE(out->plan);
  CHECK(host_versions(*out->plan) == std::map<std::string, std::string>{{"a", "1.0.0"}, {"b", "1.0.0"}, {"host", "1.0.0"}});
  REQUIRE(out->plan->duplicates.size() == 1);
  CHECK(out->plan->duplicates[0].versions == std::vector<std::string>{"1.0.0", "2.0.0"});

  SECTION("a singleton prefix pattern covers it too") {
    request.options.singletons = {"ho*"};
    auto strict = solve(request, source);
    REQUIRE(strict.ok());
    CHECK(strict->conflict.has_value());
  }
  SECTION("the same package as a singleton cannot nest") {
    request.options.singletons = {"host"};
    auto strict = solve(request, source);
    REQUIRE(strict.ok());
    REQUIRE(strict->conflict);
    INFO(strict->conflict->explanation);
    CHECK(strict->conflict->explanation.find("every version of b depends on host ^2.0.0") != std::string::npos);
    CHECK(strict->conflict->packages == std::vector<std::string>{"a", "b", "host"});
  }
}

TEST_CASE("a peer listed in dependencies too is a peer", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "host": {"1.0.0": {}, "2.0.0": {}},
    "a": {"1.0.0": {"dependencies": {"host": "^2.0.0"}, "peerDependencies": {"host": "^1.0.0"}}}})");
  SolveRequest request = add({{"a", ""}, {"host", "^1.0.0"}});
  request.options.singletons = {};
  auto out = solve(request, source);
  REQUIRE(out.ok());
  REQUIRE(out->plan);
  CHECK(out->plan->duplicates.empty());
}

TEST_CASE("version preferences: stable, not deprecated, installed, requested newest", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "x": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {"deprecated": "broken"}, "1.3.0-beta.1": {}}})");
  SECTION("stable and non-deprecated first, even when a range admits the prerelease") {
    auto out = solve(add({{"x", ">=1.0.0-0"}}), source);
    REQUIRE(out.ok());
    CHECK(host_versions(*out->plan).at("x") == "1.1.0");
  }
  SECTION("the deprecated or prerelease version when nothing else fits") {
    auto out = solve(add({{"x", ">=1.2.0-0"}}), source);
    REQUIRE(out.ok());
    CHECK(host_versions(*out->plan).at("x") == "1.2.0");
  }
  SECTION("an installed package keeps its locked version; a requested one goes newest") {
    SolveRequest request;
    request.app.packages.push_back(workspace(".", R"({"name":"app","dependencies":{"x":"^1.0.0"}})"));
    request.app.locked.push_back({"x", "1.0.0", "", "node_modules/x", true, {}});
    request.app.lockfile = LockfileKind::kNpm;
    request.changes.push_back({ChangeKind::kAdd, "y", "", {}});
    MemoryPackageSource s2;
    fill(s2, R"({"x": {"1.0.0": {}, "1.1.0": {}}, "y": {"1.0.0": {"dependencies": {"x": "^1.0.0"}}}})");
    auto out = solve(request, s2);
    REQUIRE(out.ok());
    const auto v = host_versions(*out->plan);
    CHECK(v.at("x") == "1.0.0");
    for (const auto& p : out->plan->packages) {
      if (p.name == "x") {
        CHECK(p.reason == "already installed");
        CHECK(p.reason_kind == ReasonKind::kAlreadyInstalled);
      }
    }
    request.changes = {{ChangeKind::kUpgrade, "x", "", {}}};
    auto up = solve(request, s2);
    REQUIRE(up.ok());
    CHECK(host_versions(*up->plan).at("x") == "1.1.0");
    REQUIRE(up->plan->edits.size() == 1);
    CHECK(up->plan->edits[0] == ManifestEdit{"package.json", {"dependencies", "x"}, "x", "^1.0.0", "^1.1.0", "upgrade requested"});
  }
}

TEST_CASE("the locked version kept is the host-level copy, else the highest", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({"x": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {}}, "y": {"1.0.0": {"dependencies": {"x": "^1.0.0"}}}})");
  auto copy = [](const char* version, const char* path) {
    callboard::LockedPackage l;
    l.name = "x";
    l.version = version;
    l.path = path;
    l.host_level = std::string_view(path) == "node_modules/x";
    return l;
  };
  SolveRequest request;
  request.app.packages.push_back(workspace(".", R"({"name":"app","dependencies":{"x":"^1.0.0"}})"));
  request.changes.push_back({ChangeKind::kAdd, "y", "", {}});
  // A nested copy of 1.2.0 (some dependency's own) and the app's 1.0.0.
  request.app.locked = {copy("1.0.0", "node_modules/x"), copy("1.2.0", "node_modules/z/node_modules/x")};
  auto out = solve(request, source);
  REQUIRE(out.ok());
  CHECK(host_versions(*out->plan).at("x") == "1.0.0");
  // The same, listed the other way round.
  std::swap(request.app.locked[0], request.app.locked[1]);
  out = solve(request, source);
  REQUIRE(out.ok());
  CHECK(host_versions(*out->plan).at("x") == "1.0.0");
  // No host-level copy: the highest locked one.
  request.app.locked = {copy("1.1.0", "packages/a/node_modules/x"), copy("1.0.0", "packages/b/node_modules/x")};
  out = solve(request, source);
  REQUIRE(out.ok());
  CHECK(host_versions(*out->plan).at("x") == "1.1.0");
}

TEST_CASE("packages are loaded lazily and adjacent versions share one incompatibility", "[solver]") {
  // foo has 200 versions that all depend on bar ^1; bar 1.x depends on a
  // missing version of baz, so every foo fails, through one incompatibility.
  json::object registry;
  json::object foo;
  for (int i = 0; i < 200; ++i) foo["1." + std::to_string(i) + ".0"] = json::object{{"dependencies", json::object{{"bar", "^1.0.0"}}}};
  registry["foo"] = foo;
  registry["bar"] = json::object{{"1.0.0", json::object{{"dependencies", json::object{{"baz", "^2.0.0"}}}}}};
  registry["baz"] = json::object{{"1.0.0", json::object{}}};
  registry["unrelated"] = json::object{{"1.0.0", json::object{}}};
  MemoryPackageSource source;
  for (Packument& p : solver::test::registry_from_json(registry)) source.add(std::move(p));
  SolveRequest request = add({{"foo", ""}});
  request.options.all_singletons = true;
  auto out = solve(request, source);
  REQUIRE(out.ok());
  REQUIRE(out->conflict);
  CHECK(source.lookups() == 3);  // foo, bar, baz; never "unrelated"
  CHECK(out->conflict->stats.decisions <= 3);
  CHECK(out->conflict->stats.incompatibilities < 20);
  CHECK(out->conflict->explanation ==
        "Because every version of foo depends on bar ^1.0.0 which depends on baz ^2.0.0, but no versions of baz "
        "match ^2.0.0, every version of foo is forbidden.\n"
        "So, because root depends on foo, version solving failed.\n");
}

TEST_CASE("unknown packages fail or are external", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({"a": {"1.0.0": {"dependencies": {"ghost": "^1.0.0"}}}})");
  SolveRequest request = add({{"a", ""}});
  auto failed = solve(request, source);
  REQUIRE(failed.ok());
  REQUIRE(failed->conflict);
  CHECK(failed->conflict->explanation ==
        "Because root depends on a which depends on ghost ^1.0.0, but ghost is not in the index, version solving "
        "failed.\n");
  request.options.unknown_packages = UnknownPackages::kAssumeExternal;
  auto ok = solve(request, source);
  REQUIRE(ok.ok());
  REQUIRE(ok->plan);
  CHECK(ok->plan->external == std::vector<std::string>{"ghost"});
  // What the user asks for must exist, external mode or not.
  request.changes.push_back({ChangeKind::kAdd, "phantom", "", {}});
  auto asked = solve(request, source);
  REQUIRE(asked.ok());
  REQUIRE(asked->conflict);
  CHECK(asked->conflict->explanation ==
        "Because root depends on phantom, but phantom is not in the index, version solving failed.\n");
}

TEST_CASE("dist-tags, aliases and non-registry specifiers in dependencies", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "a": {"1.0.0": {"dependencies": {"b": "latest", "c-alias": "npm:c@^2.0.0", "d": "git+https://example.invalid/d.git"}}},
    "b": {"1.0.0": {}, "2.0.0": {}},
    "c": {"1.0.0": {}, "2.0.0": {}, "2.1.0": {}}})");
  {
    // dist-tags come from the packument: "latest" -> 1.0.0 here.
    Packument b;
    b.name = "b";
    b.dist_tags["latest"] = "1.0.0";
    b.versions.push_back(Manifest{});
    b.versions.back().version = "1.0.0";
    b.versions.push_back(Manifest{});
    b.versions.back().version = "2.0.0";
    source.add(b);
  }
  auto out = solve(add({{"a", ""}}), source);
  REQUIRE(out.ok());
  REQUIRE(out->plan);
  const auto v = host_versions(*out->plan);
  CHECK(v.at("b") == "1.0.0");
  CHECK(v.at("c") == "2.1.0");
  CHECK(out->plan->skipped == std::vector<std::string>{"d git+https://example.invalid/d.git"});
}

TEST_CASE("optional peers constrain only a present package", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "p": {"1.0.0": {"peerDependencies": {"q": "^1.0.0"}, "peerDependenciesMeta": {"q": {"optional": true}}}},
    "q": {"1.0.0": {}, "2.0.0": {}}})");
  auto alone = solve(add({{"p", ""}}), source);
  REQUIRE(alone.ok());
  CHECK(host_versions(*alone->plan) == std::map<std::string, std::string>{{"p", "1.0.0"}});
  auto clash = solve(add({{"p", ""}, {"q", "^2.0.0"}}), source);
  REQUIRE(clash.ok());
  REQUIRE(clash->conflict);
  CHECK(clash->conflict->explanation.find("has optional peer dependency q ^1.0.0") != std::string::npos);
}

TEST_CASE("app pins, release pins, edits by role, remove", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({
    "@backstage/backend-plugin-api": {"1.0.0": {}, "1.1.0": {}},
    "plugin-b": {"1.0.0": {"backstage": {"role": "backend-plugin"}, "dependencies": {"@backstage/backend-plugin-api": "^1.0.0"}},
                 "2.0.0": {"backstage": {"role": "backend-plugin"}, "dependencies": {"@backstage/backend-plugin-api": "^1.1.0"}}},
    "plugin-f": {"1.0.0": {"backstage": {"role": "frontend-plugin"}}}})");
  SolveRequest request;
  request.app.backstage_version = "1.30.0";
  request.app.packages.push_back(workspace(".", R"({"name":"root","private":true})"));
  request.app.packages.push_back(workspace("packages/app", R"({"name":"app","backstage":{"role":"frontend"},"dependencies":{"plugin-f":"^1.0.0"}})"));
  request.app.packages.push_back(workspace("packages/backend", R"({"name":"backend","backstage":{"role":"backend"},"dependencies":{"@backstage/backend-plugin-api":"^1.0.0","app":"link:../app"}})"));
  request.release = Release{"1.30.0", {{"@backstage/backend-plugin-api", "1.0.0"}}};
  request.changes.push_back({ChangeKind::kAdd, "plugin-b", "", {}});
  request.changes.push_back({ChangeKind::kRemove, "plugin-f", "", {}});
  auto out = solve(request, source);
  REQUIRE(out.ok());
  REQUIRE(out->plan);
  CHECK(host_versions(*out->plan) ==
        std::map<std::string, std::string>{{"@backstage/backend-plugin-api", "1.0.0"}, {"plugin-b", "1.0.0"}});
  // No lockfile: npm would float the release package to 1.1.0 (^1.0.0 for
  // the app and plugin-b), so both are held at the pinned 1.0.0.
  CHECK(out->plan->edits == std::vector<ManifestEdit>{
                                {"package.json", {"overrides", "@backstage/backend-plugin-api"},
                                 "@backstage/backend-plugin-api", std::nullopt, "1.0.0",
                                 "holds 1.0.0: npm would install 1.1.0 for ^1.0.0 (required by plugin-b 1.0.0)"},
                                {"packages/app/package.json", {"dependencies", "plugin-f"}, "plugin-f", "^1.0.0",
                                 std::nullopt, "removal requested"},
                                {"packages/backend/package.json",
                                 {"dependencies", "@backstage/backend-plugin-api"},
                                 "@backstage/backend-plugin-api", "^1.0.0", "1.0.0",
                                 "holds 1.0.0: npm would install 1.1.0 for ^1.0.0"},
                                {"packages/backend/package.json", {"dependencies", "plugin-b"}, "plugin-b",
                                 std::nullopt, "^1.0.0", "add requested"}});
  for (const auto& p : out->plan->packages) {
    if (p.name == "@backstage/backend-plugin-api") {
      CHECK(p.reason == "pinned by Backstage 1.30.0");
      CHECK(p.reason_kind == ReasonKind::kReleasePin);
      CHECK(p.required_by == std::vector<std::string>{"plugin-b 1.0.0 dependency ^1.0.0",
                                                      "your app (packages/backend/package.json) ^1.0.0"});
    }
    if (p.name == "plugin-b") {
      CHECK(p.reason.find("newer 2.0.0 matches its ranges but conflicts") != std::string::npos);
      CHECK(p.reason_kind == ReasonKind::kHeldByConflict);
    }
  }
  SECTION("asking for the newer plugin explains the pin") {
    request.changes[0].range = "^2.0.0";
    auto bad = solve(request, source);
    REQUIRE(bad.ok());
    REQUIRE(bad->conflict);
    CHECK(bad->conflict->explanation ==
          "Because plugin-b 2.0.0 depends on @backstage/backend-plugin-api ^1.1.0 and Backstage 1.30.0 pins "
          "@backstage/backend-plugin-api to 1.0.0, plugin-b 2.0.0 is forbidden.\n"
          "So, because your app depends on plugin-b ^2.0.0, version solving failed.\n");
  }
  SECTION("invalid requests are errors") {
    request.changes[0].range = "not a range!";
    auto e = solve(request, source);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::kInvalidArgument);
    request.changes[0].range = "";
    request.changes[0].workspace = "packages/nope";
    auto w = solve(request, source);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().detail("workspace") == "packages/nope");
  }
}

TEST_CASE("cancellation and the step bound", "[solver]") {
  MemoryPackageSource source;
  fill(source, R"({"a": {"1.0.0": {"dependencies": {"b": "^1.0.0"}}}, "b": {"1.0.0": {}}})");
  std::stop_source stop;
  stop.request_stop();
  auto cancelled = solve(add({{"a", ""}}), source, {}, stop.get_token());
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
  SolveRequest request = add({{"a", ""}});
  request.options.max_steps = 1;
  auto bounded = solve(request, source);
  REQUIRE_FALSE(bounded.ok());
  CHECK(bounded.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("the storage adapter reads packuments from a Storage", "[solver]") {
  auto storage = backend::open_storage("memory:");
  REQUIRE(storage.ok());
  {
    auto tx = (*storage)->begin();
    REQUIRE(tx.ok());
    for (Packument& p : solver::test::registry_from_json(
             json::parse(R"({"a": {"1.0.0": {"dependencies": {"b": "^1.0.0"}}}, "b": {"1.0.0": {}, "1.5.0": {}}})").as_object())) {
      REQUIRE((*tx)->put_packument(p).ok());
    }
    REQUIRE((*tx)->commit().ok());
  }
  auto source = storage_package_source(**storage);
  auto out = solve(add({{"a", ""}}), *source);
  REQUIRE(out.ok());
  REQUIRE(out->plan);
  CHECK(host_versions(*out->plan) == std::map<std::string, std::string>{{"a", "1.0.0"}, {"b", "1.5.0"}});
  const auto doc = json::parse(to_json(*out));
  CHECK(doc.at("ok").as_bool());
  CHECK(doc.at("plan").at("packages").as_array().size() == 2);
}
