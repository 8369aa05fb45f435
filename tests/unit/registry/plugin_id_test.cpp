// derive_plugin_id and the title helpers: data-driven over real names.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "callboard/registry.hpp"

#include "plugins_test_support.hpp"
#include "registry/plugins_detail.hpp"

namespace json = boost::json;
using callboard::derive_plugin_id;
using callboard::test::read_text;

namespace {

std::set<std::string> ecosystem_names() {
  std::set<std::string> names;
  std::istringstream in(
      read_text(std::filesystem::path(CALLBOARD_DATA_DIR) / "ecosystem/packages.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) names.insert(line.substr(0, line.find('\t')));
  return names;
}

}  // namespace

TEST_CASE("derive_plugin_id on real package names", "[registry][plugin_id]") {
  const auto doc = json::parse(
      read_text(std::filesystem::path(CALLBOARD_CASES_DIR) / "registry/derive_plugin_id.json"));
  const auto names = ecosystem_names();
  const auto& cases = doc.at("cases").as_array();
  REQUIRE(cases.size() >= 30);
  std::size_t real = 0;
  for (const auto& c : cases) {
    const std::string name(c.at("name").as_string());
    const std::string expected(c.at("id").as_string());
    const auto& source = c.at("source");
    INFO(name << " (" << c.at("why").as_string() << ")");
    if (source.is_string() && source.as_string() == "ecosystem") {
      CHECK(names.count(name) == 1);  // keeps the case file honest
      ++real;
    }
    CHECK(derive_plugin_id(name) == expected);
  }
  CHECK(real >= 30);
}

TEST_CASE("lax derivation names packages whose role says plugin", "[registry][plugin_id]") {
  using callboard::plugins_detail::derive_id;
  // No plugin marker: strict gives nothing, lax still finds an id.
  CHECK(derive_plugin_id("@acme/insights-backend").empty());
  CHECK(derive_id("@acme/insights-backend", true) == "insights");
  CHECK(derive_id("@acme/backstage-integration-backend", true) == "integration");
  CHECK(derive_id("@acme/backend", true) == "acme");
  CHECK(derive_id("backend", true) == "backend");
  CHECK(derive_id("", true).empty());
}

TEST_CASE("titles from ids", "[registry][plugin_id]") {
  using callboard::plugins_detail::humanize_id;
  using callboard::plugins_detail::title_for_id;
  CHECK(humanize_id("argo-cd") == "Argo CD");
  CHECK(humanize_id("github-actions") == "GitHub Actions");
  CHECK(humanize_id("tech-radar") == "Tech Radar");
  CHECK(humanize_id("graphql") == "GraphQL");
  CHECK(humanize_id("3scale") == "3scale");
  CHECK(humanize_id("a--b") == "A B");
  CHECK(humanize_id("").empty());
  CHECK(title_for_id("backstage-plugin-buildkite", "@roadiehq/backstage-plugin-buildkite") ==
        "Buildkite");
  CHECK(title_for_id("@get-dx/backstage-backend-plugin", "@get-dx/backstage-backend-plugin") ==
        "Get Dx");
  CHECK(title_for_id("rbac", "@backstage-community/plugin-rbac") == "RBAC");
}

TEST_CASE("scope_of", "[registry][plugin_id]") {
  using callboard::plugins_detail::scope_of;
  CHECK(scope_of("@roadiehq/backstage-plugin-argo-cd") == "@roadiehq");
  CHECK(scope_of("backstage-plugin-blackduck-backend").empty());
  CHECK(scope_of("@broken").empty());
}
