// ReleaseCatalog: removed packages derived from the real release history,
// checked against the facts the issue and the research notes state.

#include <catch2/catch.hpp>
#include <random>

#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

TEST_CASE("catalog orders the real releases by semver and finds release lines") {
  const ReleaseCatalog& c = real_catalog();
  REQUIRE(c.releases().size() == 203);
  CHECK(c.releases().front() == "1.0.0");
  CHECK(c.releases()[c.releases().size() - 2] == "1.53.0");
  CHECK(c.releases().back() == "1.54.0-next.0");
  CHECK(c.releases()[*c.find("1.31")] == "1.31.4");
  CHECK(c.releases()[*c.find("1.31.x")] == "1.31.4");
  CHECK(c.releases()[*c.find("v1.31.0")] == "1.31.0");
  CHECK(c.releases()[*c.find("1.9")] == "1.9.1");
  CHECK_FALSE(c.find("1.99"));
  CHECK_FALSE(c.find("1.45.4"));  // never released
  CHECK_FALSE(c.find("not a version"));
  CHECK_FALSE(c.find(""));
}

TEST_CASE("removed packages come from the release history") {
  const ReleaseCatalog& c = real_catalog();
  // backend-common: last in 1.31.x, gone from 1.32.0.
  CHECK(c.removed_in("@backstage/backend-common") == "1.32.0");
  CHECK(c.last_listed_in("@backstage/backend-common") == "1.31.4");
  // backend-tasks: last in 1.30.x, gone from 1.31.0.
  CHECK(c.removed_in("@backstage/backend-tasks") == "1.31.0");
  CHECK(c.last_listed_in("@backstage/backend-tasks") == "1.30.4");
  // Packages still shipped, or never shipped, are not removed.
  CHECK_FALSE(c.removed_in("@backstage/backend-plugin-api"));
  CHECK_FALSE(c.removed_in("@backstage-community/plugin-adr"));
  CHECK(c.first_listed_in("@backstage/frontend-plugin-api") == "1.18.0");
  CHECK_FALSE(c.first_listed_in("left-pad"));

  std::size_t at_1_27 = 0;
  for (const auto& [name, release] : c.removed_packages()) {
    if (release == "1.27.0") ++at_1_27;
  }
  // The community-plugins move.
  CHECK(at_1_27 == 103);
  CHECK(c.removed_in("@backstage/plugin-adr") == "1.27.0");
  CHECK(c.removed_in("@backstage/plugin-analytics-module-ga") == "1.27.0");
  const auto all = c.removed_packages();
  CHECK(std::is_sorted(all.begin(), all.end()));
  CHECK(all.size() == 112);
}

TEST_CASE("moved packages are reported where backstage.moved says") {
  Packument adr;
  adr.name = "@backstage/plugin-adr";
  Manifest m;
  m.name = adr.name;
  m.version = "0.6.19";
  m.backstage = BackstageMetadata{};
  m.backstage->moved = "@backstage-community/plugin-adr";
  adr.versions.push_back(m);
  adr.dist_tags["latest"] = "0.6.19";
  const auto moved = moved_packages({adr});
  REQUIRE(moved.size() == 1);
  CHECK(moved.at("@backstage/plugin-adr") == "@backstage-community/plugin-adr");
  const ReleaseCatalog c(real_releases(), moved);
  CHECK(c.moved_to("@backstage/plugin-adr") == "@backstage-community/plugin-adr");
  CHECK(c.moved_to("@backstage/backend-common").empty());
}

TEST_CASE("community twins of removed packages count as moves") {
  const auto moved = community_moves(
      real_catalog(), {"@backstage-community/plugin-adr", "@backstage-community/plugin-airbrake",
                       "@backstage-community/plugin-catalog",  // never removed: not a move
                       "@backstage-community/backend-common", "left-pad"});
  std::vector<std::string> from;
  for (const auto& [name, to] : moved) from.push_back(name + " -> " + to);
  CHECK(from == std::vector<std::string>{
                    "@backstage/backend-common -> @backstage-community/backend-common",
                    "@backstage/plugin-adr -> @backstage-community/plugin-adr",
                    "@backstage/plugin-airbrake -> @backstage-community/plugin-airbrake"});
  CHECK(community_moves(real_catalog(), {}).empty());
}

TEST_CASE("catalog does not depend on the order of its input") {
  std::vector<Release> shuffled = real_releases();
  std::mt19937 rng(42);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  shuffled.push_back(shuffled.front());  // a duplicate collapses
  shuffled.push_back(Release{"not-semver", {}});
  const ReleaseCatalog c(shuffled);
  CHECK(c.releases() == real_catalog().releases());
  CHECK(c.removed_packages() == real_catalog().removed_packages());
  const Manifest m = fixture("backstage-community__plugin-jenkins-backend.json");
  for (std::string_view r : {"1.0.0", "1.31.0", "1.53.0"}) {
    CHECK(to_json(*scan(m, c, r)) == to_json(*scan(m, real_catalog(), r)));
  }
}

TEST_CASE("an empty catalog knows no release") {
  const ReleaseCatalog c;
  CHECK(c.releases().empty());
  CHECK_FALSE(c.find("1.0.0"));
  auto r = scan(fixture("backstage__plugin-catalog.json"), c, "1.0.0");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kNotFound);
}
