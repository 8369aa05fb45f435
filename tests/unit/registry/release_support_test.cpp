// One release-support rule: a plugin's supported_releases (what search's
// `--release` filters on) are exactly the releases on which the scanner
// finds a version of its package compatible or better (what
// `scan --newest --release R` answers). Checked with compat::scan itself,
// cell by cell, on real data: the recorded packuments and every real
// package.json fixture, against every real release manifest; then search
// over those plugins on a storage backend.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "../compat/compat_test_support.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/registry.hpp"
#include "callboard/semver.hpp"

using namespace callboard;
using namespace callboard::compat_test;

namespace {

/// The recorded packuments, and each package.json fixture as a packument of
/// one version (a fixture of a name already recorded is left out).
std::vector<Packument> real_packuments() {
  std::vector<Packument> out = fixture_packuments();
  std::set<std::string> names;
  for (const auto& p : out) names.insert(p.name);
  for (const std::string& file : fixture_files()) {
    Manifest m = fixture(file);
    if (!names.insert(m.name).second) continue;
    Packument p;
    p.name = m.name;
    p.dist_tags["latest"] = m.version;
    p.versions.push_back(std::move(m));
    out.push_back(std::move(p));
  }
  return out;
}

/// The scanner's answer for one release: some version (stable ones, unless
/// the package has no other) compatible or better, by compat::scan.
bool scanner_supports(const Packument& p, const compat::ReleaseCatalog& catalog, const std::string& release) {
  const bool stable = std::any_of(p.versions.begin(), p.versions.end(),
                                  [](const Manifest& m) { return !semver::is_prerelease_text(m.version); });
  for (auto it = p.versions.rbegin(); it != p.versions.rend(); ++it) {
    if (stable && semver::is_prerelease_text(it->version)) continue;
    auto r = compat::scan(*it, catalog, release);
    REQUIRE(r.ok());
    if (r->tier <= compat::Tier::kCompatible) return true;
  }
  return false;
}

struct Counts {
  std::size_t checked = 0, supported = 0, unsupported = 0;
};

/// Builds plugins from `packuments` and checks every single-package plugin
/// on every release against the scanner, then search's filter on both
/// built-in backends.
Counts check_one_rule(const std::vector<Packument>& packuments, const std::vector<Release>& releases) {
  Counts counts;
  PluginInputs in;
  in.packuments = &packuments;
  in.releases = &releases;
  auto plugins = build_plugins(in);
  REQUIRE(plugins.ok());

  // The catalog the registry builds: the releases and where removed
  // packages moved (none of the fixtures; the real index has some).
  compat::ReleaseCatalog plain(releases);
  std::vector<Packument> removed;
  std::vector<std::string> names;
  for (const auto& p : packuments) {
    names.push_back(p.name);
    if (plain.removed_in(p.name)) removed.push_back(p);
  }
  auto moved = compat::moved_packages(removed);
  moved.merge(compat::community_moves(plain, names));
  const compat::ReleaseCatalog catalog(releases, std::move(moved));
  // The plugin's supported releases follow its primary package (which the
  // registry picks by role): one of its packages must give exactly that
  // list by the scanner, release by release.
  std::map<std::string, const Packument*, std::less<>> by_name;
  for (const auto& p : packuments) by_name[p.name] = &p;
  for (const Plugin& plugin : *plugins) {
    std::vector<bool> listed;
    for (const std::string& release : catalog.releases()) {
      listed.push_back(std::find(plugin.supported_releases.begin(), plugin.supported_releases.end(), release) !=
                       plugin.supported_releases.end());
    }
    std::string mismatch = "no package";
    bool matched = false;
    for (const PluginPackage& pkg : plugin.packages) {
      const Packument& p = *by_name.at(pkg.name);
      mismatch.clear();
      for (std::size_t r = 0; r < listed.size() && mismatch.empty(); ++r) {
        if (listed[r] != scanner_supports(p, catalog, catalog.releases()[r])) {
          mismatch = p.name + " on " + catalog.releases()[r] + (listed[r] ? " (listed)" : " (not listed)");
        }
      }
      if (mismatch.empty()) {
        matched = true;
        break;
      }
    }
    INFO(plugin.id << ": " << mismatch);
    CHECK(matched);
    for (bool l : listed) {
      ++counts.checked;
      (l ? counts.supported : counts.unsupported) += 1;
    }
  }

  // Search filters on exactly that list, on every backend.
  for (const char* url : {"memory:", "sqlite::memory:"}) {
    auto storage = backend::open_storage(url);
    REQUIRE(storage.ok());
    auto txn = (*storage)->begin();
    REQUIRE(txn.ok());
    REQUIRE((*txn)->replace_plugins(*plugins).ok());
    REQUIRE((*txn)->commit().ok());
    for (const char* release : {"1.10.0", "1.20.0", "1.31.0", "1.40.0", "1.53.0"}) {
      backend::SearchQuery q;
      q.supports_release = release;
      q.limit = 100000;
      auto page = (*storage)->search(q);
      REQUIRE(page.ok());
      std::set<std::string> found;
      for (const auto& hit : page->hits) found.insert(hit.plugin.id);
      std::set<std::string> expected;
      for (const Plugin& plugin : *plugins) {
        if (std::find(plugin.supported_releases.begin(), plugin.supported_releases.end(), release) !=
            plugin.supported_releases.end()) {
          expected.insert(plugin.id);
        }
      }
      INFO(url << " --release " << release);
      CHECK(found == expected);
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("search's supported releases are the scanner's verdicts", "[registry][plugins][releases]") {
  const std::vector<Packument> packuments = real_packuments();
  REQUIRE(packuments.size() >= 16);
  const Counts counts = check_one_rule(packuments, real_releases());
  // Both answers occur often on this data.
  CHECK(counts.checked > 1500);
  CHECK(counts.supported > 300);
  CHECK(counts.unsupported > 300);
}

TEST_CASE("search's supported releases are the scanner's verdicts on a real index (optional)",
          "[registry][plugins][releases][ecosystem]") {
  // CALLBOARD_REAL_INDEX names a storage `callboard index` filled from the
  // real registry (every Backstage package); skipped without it.
  const char* url = std::getenv("CALLBOARD_REAL_INDEX");
  if (url == nullptr || *url == '\0') {
    SUCCEED("CALLBOARD_REAL_INDEX not set");
    return;
  }
  auto storage = backend::open_storage(url);
  REQUIRE(storage.ok());
  auto names = (*storage)->package_names();
  REQUIRE(names.ok());
  std::vector<Packument> packuments;
  for (const auto& name : *names) {
    auto p = (*storage)->packument(name);
    REQUIRE(p.ok());
    if (*p && name.find("backstage") != std::string::npos) packuments.push_back(std::move(**p));
  }
  auto versions = (*storage)->release_versions();
  REQUIRE(versions.ok());
  std::vector<Release> releases;
  for (const auto& v : *versions) {
    auto r = (*storage)->release(v);
    REQUIRE(r.ok());
    if (*r) releases.push_back(std::move(**r));
  }
  const Counts counts = check_one_rule(packuments, releases);
  WARN("real index: " << packuments.size() << " packuments, " << counts.checked << " plugin x release cells, "
                      << counts.supported << " supported, " << counts.unsupported << " not");
  CHECK(counts.checked > 0);
}
