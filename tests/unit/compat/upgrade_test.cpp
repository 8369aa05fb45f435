// The sample app (examples/sample-app, Backstage 1.31.0): its host profile
// and what blocks its upgrades.

#include <catch2/catch.hpp>
#include <tuple>

#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

namespace {

const AppProfile& sample_app() {
  static const AppProfile app = [] {
    auto loaded = load_app_profile(repo_root() / "examples/sample-app");
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    return std::move(*loaded);
  }();
  return app;
}

const UpgradeItem* item(const UpgradeReport& report, std::string_view package) {
  for (const auto& i : report.items) {
    if (i.package == package) return &i;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("host profile of the sample app") {
  const HostProfile host = host_from_app(sample_app());
  CHECK(host.roles == std::vector<PackageRole>{PackageRole::kFrontend, PackageRole::kBackend});
  CHECK(host.node == "18 || 20");
  CHECK(host.frontend_provides.at("react") == "^18.0.2");
  CHECK(host.frontend_provides.count("@backstage/core-plugin-api") == 0);
  CHECK(host.backend_provides.count("pg") == 1);
  // backend-defaults plus the leftover backend-common.
  CHECK(host.backend_system == PluginSystem::kTransitional);
  CHECK(host.frontend_system == PluginSystem::kLegacy);
  CHECK(host.locked.empty());
}

TEST_CASE("host profile: the locked version is the host-level copy, else the highest") {
  AppProfile app = sample_app();
  auto copy = [](const char* name, const char* version, bool host_level) {
    callboard::LockedPackage l;
    l.name = name;
    l.version = version;
    l.host_level = host_level;
    return l;
  };
  app.locked = {copy("react", "18.2.0", true), copy("react", "18.3.1", false), copy("zod", "3.22.4", false),
                copy("zod", "3.23.0", false), copy("pg", "8.11.0", false), copy("pg", "8.12.0", true)};
  const HostProfile host = host_from_app(app);
  CHECK(host.locked.at("react") == "18.2.0");
  CHECK(host.locked.at("zod") == "3.23.0");
  CHECK(host.locked.at("pg") == "8.12.0");
}

TEST_CASE("the sample app upgrades within 1.31 without a blocker") {
  auto report = check_upgrade(sample_app(), real_catalog(), "1.31.4", {});
  REQUIRE(report.ok());
  CHECK(report->from == "1.31.0");
  CHECK(report->to == "1.31.4");
  CHECK_FALSE(report->blocked);
  const UpgradeItem* common = item(*report, "@backstage/backend-common");
  REQUIRE(common != nullptr);
  CHECK(common->version == "0.25.0");
  CHECK(common->tier == Tier::kAligned);
}

TEST_CASE("backend-common blocks the sample app's upgrade to 1.32") {
  auto report = check_upgrade(sample_app(), real_catalog(), "1.32", {});
  REQUIRE(report.ok());
  CHECK(report->to == "1.32.6");
  CHECK(report->blocked);
  std::vector<std::string> blocking;
  for (const auto& i : report->items) {
    if (i.blocking) blocking.push_back(i.package + " " + i.workspace);
  }
  CHECK(blocking == std::vector<std::string>{"@backstage/backend-common packages/backend"});
  const UpgradeItem* common = item(*report, "@backstage/backend-common");
  REQUIRE(common->reasons.size() == 1);
  CHECK(common->reasons[0].id == "package-removed");
  CHECK(common->reasons[0].message.find("removed from Backstage in 1.32.0 (last in 1.31.4)") !=
        std::string::npos);
  // Everything the release ships moves to the release's version.
  const UpgradeItem* catalog = item(*report, "@backstage/plugin-catalog");
  REQUIRE(catalog != nullptr);
  for (const auto& r : real_releases()) {
    if (r.version == "1.32.6") CHECK(catalog->version == *r.find("@backstage/plugin-catalog"));
  }
  CHECK(catalog->tier == Tier::kAligned);
  CHECK(std::is_sorted(report->items.begin(), report->items.end(),
                       [](const UpgradeItem& a, const UpgradeItem& b) {
                         return std::tie(a.package, a.workspace) < std::tie(b.package, b.workspace);
                       }));
}

TEST_CASE("an installed third-party plugin is judged by its indexed versions") {
  AppProfile app = sample_app();
  // Install the Roadie Argo CD frontend at ^2.3.0 into packages/app.
  for (auto& wp : app.packages) {
    if (wp.path == "packages/app")
      wp.manifest.dependencies["@roadiehq/backstage-plugin-argo-cd"] = "^2.3.0";
  }
  auto p = parse_packument(
      read_text(repo_root() / "tests/fixtures/packuments/roadiehq__backstage-plugin-argo-cd.json"));
  REQUIRE(p.ok());
  auto report = check_upgrade(app, real_catalog(), "1.31.4", {*p});
  REQUIRE(report.ok());
  const UpgradeItem* argo = item(*report, "@roadiehq/backstage-plugin-argo-cd");
  REQUIRE(argo != nullptr);
  CHECK(argo->workspace == "packages/app");
  CHECK(argo->version == p->versions.back().version);  // the newest ^2.3.0 admits
  ScanOptions options;
  const HostProfile host = host_from_app(app);
  options.host = &host;
  const auto scanned = scan(*p->find(argo->version), real_catalog(), "1.31.4", options);
  CHECK(argo->tier == scanned->tier);
  CHECK(argo->reasons.size() == scanned->deciding.size());
  CHECK(argo->blocking == (argo->tier == Tier::kIncompatible && argo->upgrade_to.empty()));
}

TEST_CASE("upgrade to an unknown release is NotFound") {
  auto report = check_upgrade(sample_app(), real_catalog(), "7.0", {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kNotFound);
}

TEST_CASE("upgrade reports are deterministic") {
  CHECK(to_json(*check_upgrade(sample_app(), real_catalog(), "1.32.0", {})) ==
        to_json(*check_upgrade(sample_app(), ReleaseCatalog(real_releases()), "1.32.0", {})));
}
