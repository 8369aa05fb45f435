// Every finding id, on a small release history written in code.

#include <catch2/catch.hpp>

#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

namespace {

// 1.0.0 -> 1.1.0 -> 1.2.0: backend-common, plugin-old and plugin-gone leave
// at 1.2.0 (plugin-old moved); backend-plugin-api arrives at 1.1.0,
// frontend-plugin-api and new-lib at 1.2.0.
const ReleaseCatalog& history() {
  static const ReleaseCatalog catalog(
      {
          release("1.2.0", {{"@backstage/core-plugin-api", "1.2.0"},
                            {"@backstage/catalog-model", "1.2.0"},
                            {"@backstage/backend-plugin-api", "0.2.0"},
                            {"@backstage/frontend-plugin-api", "0.1.0"},
                            {"@backstage/new-lib", "0.1.0"}}),
          release("1.0.0", {{"@backstage/core-plugin-api", "1.0.0"},
                            {"@backstage/backend-common", "0.13.0"},
                            {"@backstage/catalog-model", "1.0.0"},
                            {"@backstage/plugin-old", "0.1.0"},
                            {"@backstage/plugin-gone", "0.1.0"}}),
          release("1.1.0", {{"@backstage/core-plugin-api", "1.1.0"},
                            {"@backstage/backend-common", "0.14.0"},
                            {"@backstage/catalog-model", "1.1.0"},
                            {"@backstage/backend-plugin-api", "0.1.0"},
                            {"@backstage/plugin-old", "0.2.0"},
                            {"@backstage/plugin-gone", "0.1.1"}}),
      },
      {{"@backstage/plugin-old", "@backstage-community/plugin-old"}});
  return catalog;
}

ScanResult run(const Manifest& m, std::string_view release, const ScanOptions& options = {}) {
  auto r = scan(m, history(), release, options);
  REQUIRE(r.ok());
  return *r;
}

Manifest frontend(DependencyMap deps) {
  return plugin("@acme/plugin-x", PackageRole::kFrontendPlugin, std::move(deps));
}
Manifest backend(DependencyMap deps) {
  return plugin("@acme/plugin-x-backend", PackageRole::kBackendPlugin, std::move(deps));
}

}  // namespace

TEST_CASE("aligned when every range admits the release") {
  const auto r =
      run(frontend({{"@backstage/core-plugin-api", "^1.2.0"}, {"react-use", "^17"}}), "1.2.0");
  CHECK(r.tier == Tier::kAligned);
  CHECK(r.deciding.empty());
  CHECK(ids(r) == std::vector<std::string>{"legacy-frontend-system"});
  CHECK(r.release == "1.2.0");
  CHECK(r.package == "@acme/plugin-x");
}

TEST_CASE("a singleton outside the range is a duplicate and incompatible") {
  const auto r = run(frontend({{"@backstage/core-plugin-api", "~1.0.0"}}), "1.2.0");
  CHECK(r.tier == Tier::kIncompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"singleton-duplicate"});
  const Finding* f = get(r, "singleton-duplicate");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::kError);
  CHECK(f->evidence ==
        Evidence{"@backstage/core-plugin-api", "dependencies", "~1.0.0", "1.2.0", "1.2.0"});
  CHECK(f->message.find("1.2.0") != std::string::npos);
}

TEST_CASE("a registration API newer than the host's is registration skew") {
  const auto newer = run(backend({{"@backstage/backend-plugin-api", "^0.2.0"}}), "1.1.0");
  CHECK(newer.tier == Tier::kIncompatible);
  CHECK(deciding_ids(newer) == std::vector<std::string>{"registration-skew"});
  CHECK(get(newer, "registration-skew")->evidence.found == "0.1.0");
  // Older than the host's: a duplicate, not skew.
  const auto older = run(backend({{"@backstage/backend-plugin-api", "^0.1.0"}}), "1.2.0");
  CHECK(deciding_ids(older) == std::vector<std::string>{"singleton-duplicate"});
}

TEST_CASE("a library outside the range is only a second copy: compatible") {
  const auto r = run(
      frontend({{"@backstage/core-plugin-api", "^1.0.0"}, {"@backstage/catalog-model", "~1.0.0"}}),
      "1.2.0");
  CHECK(r.tier == Tier::kCompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"backstage-range-mismatch"});
  CHECK(get(r, "backstage-range-mismatch")->severity == Severity::kWarning);
}

TEST_CASE("removed packages make a plugin incompatible from the release that dropped them") {
  const Manifest m = backend({{"@backstage/backend-common", "^0.14.0"}});
  const auto before = run(m, "1.1.0");
  CHECK(before.tier == Tier::kAligned);
  CHECK(get(before, "legacy-backend-system")->severity == Severity::kWarning);
  const auto after = run(m, "1.2.0");
  CHECK(after.tier == Tier::kIncompatible);
  CHECK(deciding_ids(after) ==
        std::vector<std::string>{"legacy-backend-system", "package-removed"});
  const Finding* f = get(after, "package-removed");
  CHECK(f->message.find("removed from Backstage in 1.2.0 (last in 1.1.0)") != std::string::npos);
  CHECK(f->evidence.found.empty());
}

TEST_CASE("moved packages are a warning: the old package still installs") {
  const auto r =
      run(frontend({{"@backstage/core-plugin-api", "^1.2.0"}, {"@backstage/plugin-old", "^0.2.0"}}),
          "1.2.0");
  CHECK(r.tier == Tier::kCompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"package-moved"});
  CHECK(get(r, "package-moved")->message.find("@backstage-community/plugin-old") !=
        std::string::npos);
}

TEST_CASE("a removed optional peer does not lower the verdict") {
  Manifest m = frontend({{"@backstage/core-plugin-api", "^1.2.0"}});
  m.peer_dependencies["@backstage/plugin-gone"] = "^0.1.0";
  m.peer_dependencies_meta["@backstage/plugin-gone"].optional = true;
  const auto r = run(m, "1.2.0");
  CHECK(r.tier == Tier::kAligned);
  CHECK(get(r, "package-removed")->severity == Severity::kWarning);
  CHECK(get(r, "package-removed")->evidence.field == "peerDependencies");
  m.peer_dependencies_meta.clear();
  CHECK(run(m, "1.2.0").tier == Tier::kIncompatible);
}

TEST_CASE("packages newer than the release: singletons block, libraries do not") {
  const auto singleton = run(frontend({{"@backstage/frontend-plugin-api", "^0.1.0"}}), "1.1.0");
  CHECK(singleton.tier == Tier::kIncompatible);
  CHECK(deciding_ids(singleton) == std::vector<std::string>{"package-unreleased"});
  const auto library = run(frontend({{"@backstage/new-lib", "^0.1.0"}}), "1.1.0");
  CHECK(library.tier == Tier::kAligned);
  CHECK(get(library, "package-unreleased")->severity == Severity::kInfo);
  // A package no release ever listed is a plain npm dependency.
  CHECK(run(frontend({{"@backstage/not-in-any-release", "^1.0.0"}}), "1.1.0").findings.size() == 1);
}

TEST_CASE("specifiers that are not ranges") {
  // workspace: cannot be judged.
  const auto ws = run(frontend({{"@backstage/core-plugin-api", "workspace:^"}}), "1.0.0");
  CHECK(ws.tier == Tier::kAligned);
  CHECK(has(ws, "unchecked-specifier", "@backstage/core-plugin-api"));
  // backstage:^ follows the release when the release lists the package...
  const auto follows = run(backend({{"@backstage/backend-plugin-api", "backstage:^"}}), "1.2.0");
  CHECK(follows.tier == Tier::kAligned);
  CHECK_FALSE(has(follows, "unchecked-specifier"));
  // ...and cannot resolve a package the release lacks.
  const auto missing = run(backend({{"@backstage/backend-common", "backstage:^"}}), "1.2.0");
  CHECK(has(missing, "package-removed", "@backstage/backend-common"));
  const auto never = run(backend({{"@backstage/nothing", "backstage:^"}}), "1.2.0");
  CHECK(never.tier == Tier::kIncompatible);
  CHECK(has(never, "package-removed", "@backstage/nothing"));
  // An alias checks the aliased package.
  const auto alias = run(
      frontend({{"@backstage/core-plugin-api", "npm:@backstage/core-plugin-api@~1.0.0"}}), "1.2.0");
  CHECK(deciding_ids(alias) == std::vector<std::string>{"singleton-duplicate"});
  CHECK(run(frontend({{"@backstage/core-plugin-api", "npm:left-pad@^1"}}), "1.2.0").tier ==
        Tier::kAligned);
  // An invalid specifier: once, whatever the release.
  const auto invalid = run(frontend({{"@backstage/catalog-model", "^^1"}}), "1.2.0");
  CHECK(invalid.tier == Tier::kIncompatible);
  CHECK(deciding_ids(invalid) == std::vector<std::string>{"invalid-specifier"});
}

TEST_CASE("role fit against the host") {
  Manifest lib = plugin("@acme/lib", PackageRole::kNodeLibrary, {});
  CHECK(has(run(lib, "1.2.0"), "role-not-plugin"));
  Manifest none;
  none.name = "mystery";
  none.version = "1.0.0";
  CHECK(has(run(none, "1.2.0"), "role-not-plugin"));

  HostProfile backend_only;
  backend_only.roles = {PackageRole::kBackend};
  ScanOptions options;
  options.host = &backend_only;
  const auto r = run(frontend({{"@backstage/core-plugin-api", "^1.2.0"}}), "1.2.0", options);
  CHECK(r.tier == Tier::kIncompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"role-mismatch"});
  CHECK(get(r, "role-mismatch")->evidence.found == "backend");
  CHECK(run(backend({{"@backstage/backend-plugin-api", "^0.2.0"}}), "1.2.0", options).tier ==
        Tier::kAligned);
}

TEST_CASE("engines.node against the app's Node.js") {
  Manifest m = backend({{"@backstage/backend-plugin-api", "^0.2.0"}});
  m.engines["node"] = ">=20";
  HostProfile host;
  ScanOptions options;
  options.host = &host;
  host.node = "18.19.0";
  auto r = run(m, "1.2.0", options);
  CHECK(r.tier == Tier::kIncompatible);
  CHECK(get(r, "engines-node")->evidence ==
        Evidence{"@acme/plugin-x-backend", "engines.node", ">=20", "18.19.0", "1.2.0"});
  host.node = "18 || 20";
  r = run(m, "1.2.0", options);
  CHECK(r.tier == Tier::kAligned);
  CHECK(get(r, "engines-node")->severity == Severity::kWarning);
  host.node = "20.11.1";
  CHECK_FALSE(has(run(m, "1.2.0", options), "engines-node"));
  // Without a host nothing is said about engines.
  CHECK_FALSE(has(run(m, "1.2.0"), "engines-node"));
}

TEST_CASE("peer dependencies the app cannot satisfy") {
  Manifest m = frontend({{"@backstage/core-plugin-api", "^1.2.0"}});
  m.peer_dependencies["react"] = "^16.13.1 || ^17.0.0";
  m.peer_dependencies["react-router-dom"] = "6.0.0-beta.0  || ^6.3.0";
  m.peer_dependencies["@types/react"] = "^17";
  HostProfile host;
  host.frontend_provides["react"] = "^18.0.2";
  host.frontend_provides["react-router-dom"] = "^6.3.0";
  ScanOptions options;
  options.host = &host;
  auto r = run(m, "1.2.0", options);
  CHECK(r.tier == Tier::kCompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"peer-unsatisfiable"});
  CHECK(get(r, "peer-unsatisfiable")->evidence ==
        Evidence{"react", "peerDependencies", "^16.13.1 || ^17.0.0", "^18.0.2", "1.2.0"});
  // The lockfile's exact version wins over the declared range.
  host.locked["react"] = "17.0.2";
  CHECK(run(m, "1.2.0", options).tier == Tier::kAligned);
  // Optional peers are not required.
  host.locked.clear();
  m.peer_dependencies_meta["react"].optional = true;
  CHECK(run(m, "1.2.0", options).tier == Tier::kAligned);
}

TEST_CASE("plugin systems against the host's") {
  Manifest new_backend = backend({{"@backstage/backend-plugin-api", "^0.2.0"}});
  new_backend.backstage->features["."] = "@backstage/BackendFeature";
  HostProfile host;
  host.backend_system = PluginSystem::kLegacy;
  ScanOptions options;
  options.host = &host;
  auto r = run(new_backend, "1.2.0", options);
  CHECK(deciding_ids(r) == std::vector<std::string>{"backend-system-mismatch"});

  Manifest new_frontend = frontend({{"@backstage/frontend-plugin-api", "^0.1.0"}});
  host.frontend_system = PluginSystem::kLegacy;
  r = run(new_frontend, "1.2.0", options);
  CHECK(deciding_ids(r) == std::vector<std::string>{"frontend-system-mismatch"});

  // A legacy backend plugin on a new-system host: a warning until the
  // legacy system is gone.
  host.backend_system = PluginSystem::kNew;
  r = run(backend({{"@backstage/backend-common", "^0.14.0"}}), "1.1.0", options);
  CHECK(r.tier == Tier::kAligned);
  CHECK(get(r, "backend-system-mismatch")->severity == Severity::kWarning);

  Manifest transitional = backend(
      {{"@backstage/backend-common", "^0.14.0"}, {"@backstage/backend-plugin-api", "^0.1.0"}});
  CHECK(has(run(transitional, "1.1.0"), "transitional-backend-system"));
}

TEST_CASE("package-level notes do not lower the verdict") {
  Manifest m = frontend({{"@backstage/core-plugin-api", "^1.2.0"}});
  m.version = "2.0.0-next.1";
  m.deprecated = "use @acme/plugin-y";
  m.backstage->moved = "@acme/plugin-y";
  const auto r = run(m, "1.2.0");
  CHECK(r.tier == Tier::kAligned);
  CHECK(has(r, "deprecated-version"));
  CHECK(has(r, "moved-plugin"));
  CHECK(has(r, "prerelease-version"));
  CHECK(get(r, "deprecated-version")->message.find("use @acme/plugin-y") != std::string::npos);
}

TEST_CASE("declared targets: newer than the release is incompatible") {
  Manifest m = backend({{"@backstage/backend-plugin-api", "^0.1.0 || ^0.2.0"}});
  m.supported_versions = "1.2.3";
  const auto older_release = run(m, "1.1.0");
  CHECK(older_release.tier == Tier::kIncompatible);
  CHECK(deciding_ids(older_release) == std::vector<std::string>{"declared-target"});
  CHECK(get(older_release, "declared-target")->evidence.field == "supported-versions");
  const auto same = run(m, "1.2.0");
  CHECK(same.tier == Tier::kAligned);
  CHECK(get(same, "declared-target")->severity == Severity::kInfo);
  m.supported_versions = "1.0.5";
  CHECK(get(run(m, "1.2.0"), "declared-target")->severity == Severity::kWarning);
  // A workspace backstage.json through the options, when the manifest has none.
  m.supported_versions.reset();
  ScanOptions options;
  options.declared_target = "1.2.0";
  const auto from_option = run(m, "1.1.0", options);
  CHECK(from_option.tier == Tier::kIncompatible);
  CHECK(get(from_option, "declared-target")->evidence.field == "backstage.json");
}

TEST_CASE("findings are sorted and deciding points at the worst ones") {
  Manifest m = frontend({{"@backstage/core-plugin-api", "~1.0.0"},
                         {"@backstage/catalog-model", "~1.0.0"},
                         {"@backstage/frontend-plugin-api", "workspace:^"}});
  m.deprecated = "old";
  const auto r = run(m, "1.2.0");
  REQUIRE(r.findings.size() >= 4);
  for (std::size_t i = 1; i < r.findings.size(); ++i) {
    CHECK(r.findings[i - 1].severity >= r.findings[i].severity);
  }
  CHECK(r.findings.front().id == "singleton-duplicate");
  REQUIRE(r.deciding.size() == 1);
  CHECK(r.findings[r.deciding[0]].limit == Tier::kIncompatible);
  // JSON names the deciding findings by id.
  CHECK(to_json(r).find(R"("deciding":["singleton-duplicate"])") != std::string::npos);
}

TEST_CASE("tier and severity names") {
  CHECK(to_string(Tier::kAligned) == "aligned");
  CHECK(to_string(Tier::kCompatible) == "compatible");
  CHECK(to_string(Tier::kIncompatible) == "incompatible");
  CHECK(parse_tier("compatible") == Tier::kCompatible);
  CHECK_FALSE(parse_tier("Aligned"));
  CHECK(to_string(Severity::kWarning) == "warning");
}

TEST_CASE("an unknown release is NotFound") {
  auto r = scan(frontend({}), history(), "9.9.9");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kNotFound);
  CHECK(r.error().detail("release") == "9.9.9");
}
