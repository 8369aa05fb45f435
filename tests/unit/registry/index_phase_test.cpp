// IndexProgress::phase: an enum callers branch on, with its text from
// to_string; one index run reports seed, fetch, plugins, done in order.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "callboard/registry.hpp"

#include "test_files.hpp"

using namespace callboard;

TEST_CASE("index phases: text and order", "[registry][index]") {
  CHECK(to_string(IndexPhase::kSeed) == "seed");
  CHECK(to_string(IndexPhase::kFetch) == "fetch");
  CHECK(to_string(IndexPhase::kPlugins) == "plugins");
  CHECK(to_string(IndexPhase::kDone) == "done");

  const test::TempDir dir;
  const auto plugin_dir = dir.path / "catalog";
  std::filesystem::create_directories(plugin_dir);
  std::filesystem::copy_file(
      std::filesystem::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/plugin-package-json/backstage__plugin-catalog.json",
      plugin_dir / "package.json");
  auto storage = backend::open_storage("memory:");
  REQUIRE(storage.ok());
  Registry registry(std::shared_ptr<backend::Storage>(std::move(*storage)), nullptr, NpmConfig{});
  IndexOptions options;
  options.seed_ecosystem = false;
  options.follow_links = false;
  options.local_sources = {plugin_dir};
  options.now = Timestamp{std::chrono::milliseconds(1'790'000'000'000)};
  std::vector<IndexPhase> phases;
  auto report = registry.index(options, [&](const IndexProgress& p) {
    if (phases.empty() || phases.back() != p.phase) phases.push_back(p.phase);
  });
  REQUIRE(report.ok());
  REQUIRE_FALSE(phases.empty());
  CHECK(phases.back() == IndexPhase::kDone);
  CHECK(std::is_sorted(phases.begin(), phases.end()));
  CHECK(std::find(phases.begin(), phases.end(), IndexPhase::kPlugins) != phases.end());
  CHECK(report->totals.phase == IndexPhase::kDone);
}
