// Support matrices: the fast path agrees with scan() on every cell. (That it
// agrees with the registry's notion of "supports a release" is checked in
// tests/unit/registry/release_support_test.cpp, next to the registry's
// private ReleaseSupport.)

#include <catch2/catch.hpp>

#include "callboard/semver.hpp"
#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

namespace {


void check_cells(const ReleaseCatalog& catalog, const ScanOptions& options) {
  MatrixBuilder builder(catalog, options);
  std::size_t cells = 0;
  for (const Manifest& m : all_manifests()) {
    const std::vector<Tier> row = builder.tiers(m);
    REQUIRE(row.size() == catalog.releases().size());
    for (std::size_t r = 0; r < row.size(); ++r) {
      const auto scanned = scan(m, catalog, catalog.releases()[r], options);
      REQUIRE(scanned.ok());
      if (scanned->tier != row[r]) {
        FAIL_CHECK(m.name << "@" << m.version << " on " << catalog.releases()[r] << ": matrix "
                          << to_string(row[r]) << ", scan " << to_string(scanned->tier) << "\n"
                          << to_json(*scanned));
      }
      ++cells;
    }
  }
  CHECK(cells == all_manifests().size() * catalog.releases().size());
}

}  // namespace

TEST_CASE("matrix cells equal scan verdicts on real data") { check_cells(real_catalog(), {}); }

TEST_CASE("matrix cells equal scan verdicts with the sample app as host and a declared target") {
  auto app = load_app_profile(repo_root() / "examples/sample-app");
  REQUIRE(app.ok());
  const HostProfile host = host_from_app(*app);
  ScanOptions options;
  options.host = &host;
  options.declared_target = "1.28.4";
  check_cells(real_catalog(), options);
}

TEST_CASE("matrix cells equal scan verdicts with moved packages") {
  std::map<std::string, std::string, std::less<>> moved;
  for (const auto& [name, release] : real_catalog().removed_packages()) {
    if (release == "1.27.0")
      moved[name] = "@backstage-community/" + name.substr(std::string("@backstage/").size());
  }
  check_cells(ReleaseCatalog(real_releases(), moved), {});
}

TEST_CASE("matrix cells equal scan verdicts with stored code records") {
  // Every other manifest gets a record of its code, cycling through the
  // systems, so that code agrees with, contradicts and is silent against
  // the metadata across the real data.
  const std::vector<Manifest> manifests = all_manifests();
  std::vector<ArtifactRecord> records;
  constexpr PluginSystem kSystems[] = {PluginSystem::kNew, PluginSystem::kLegacy, PluginSystem::kTransitional,
                                       PluginSystem::kNotApplicable};
  for (std::size_t i = 0; i < manifests.size(); i += 2) {
    ArtifactRecord r;
    r.name = manifests[i].name;
    r.version = manifests[i].version;
    r.integrity = "sha512-test";
    r.backend_system = kSystems[(i / 2) % 4];
    records.push_back(std::move(r));
  }
  auto app = load_app_profile(repo_root() / "examples/sample-app");
  REQUIRE(app.ok());
  const HostProfile host = host_from_app(*app);
  ScanOptions options;
  options.artifacts = records;
  check_cells(real_catalog(), options);
  options.host = &host;
  check_cells(real_catalog(), options);
}

TEST_CASE("newest version at a tier, and the releases a version supports") {
  const auto packuments = fixture_packuments();
  const Packument* catalog_backend = nullptr;
  for (const auto& p : packuments) {
    if (p.name == "@backstage/plugin-catalog-backend") catalog_backend = &p;
  }
  REQUIRE(catalog_backend != nullptr);
  MatrixBuilder builder(real_catalog());
  const SupportMatrix m = builder.build(*catalog_backend);
  CHECK(m.package == "@backstage/plugin-catalog-backend");
  CHECK(m.versions.size() == catalog_backend->versions.size());
  CHECK(m.tiers.size() == m.versions.size() * m.releases.size());

  for (const std::string& release :
       {std::string("1.31.0"), std::string("1.45.3"), std::string("1.53.0")}) {
    for (Tier tier : {Tier::kAligned, Tier::kCompatible}) {
      const auto newest = m.newest(release, tier);
      // Brute force over scan(): the highest stable, non-deprecated version at tier or better.
      std::optional<std::string> expected;
      for (const auto& v : catalog_backend->versions) {
        if (semver::is_prerelease_text(v.version) || v.deprecated) continue;
        if (scan(v, real_catalog(), release)->tier <= tier) expected = v.version;
      }
      INFO(release << " " << to_string(tier));
      CHECK(newest == expected);
    }
  }
  CHECK_FALSE(m.newest("9.9", Tier::kCompatible));
  // A release line picks its newest patch.
  CHECK(m.newest("1.31", Tier::kCompatible) == m.newest("1.31.4", Tier::kCompatible));

  const std::string& latest = catalog_backend->latest()->version;
  const auto supported = m.releases_supported(latest, Tier::kCompatible);
  for (const auto& r : real_catalog().releases()) {
    const bool listed = std::find(supported.begin(), supported.end(), r) != supported.end();
    CHECK(listed ==
          (scan(*catalog_backend->latest(), real_catalog(), r)->tier <= Tier::kCompatible));
  }
  CHECK(m.releases_supported("0.0.0-nope", Tier::kCompatible).empty());
}

TEST_CASE("matrix JSON has one letter per release") {
  Packument p;
  p.name = "@acme/plugin-x";
  p.versions.push_back(fixture("backstage-community__plugin-jenkins.json"));
  p.versions.back().name = p.name;
  MatrixBuilder builder(real_catalog());
  const SupportMatrix m = builder.build(p);
  const std::string json = to_json(m);
  const auto at = json.find(R"("tiers":")");
  REQUIRE(at != std::string::npos);
  const auto end = json.find('"', at + 9);
  CHECK(end - (at + 9) == real_catalog().releases().size());
}
