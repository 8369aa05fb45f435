// Timestamps, role and plugin-system names.
#include <catch2/catch.hpp>

#include "callboard/model.hpp"

using namespace callboard;

namespace {
std::int64_t ms(std::string_view text) {
  const auto t = parse_timestamp(text);
  REQUIRE(t.has_value());
  return t->time_since_epoch().count();
}
}  // namespace

TEST_CASE("parse_timestamp reads the forms npm writes", "[model][timestamp]") {
  CHECK(ms("1970-01-01T00:00:00.000Z") == 0);
  CHECK(ms("2024-05-01T12:00:00.000Z") == 1714564800000);
  CHECK(ms("2024-05-01T12:00:00Z") == 1714564800000);
  CHECK(ms("2024-05-01T12:00:00.5Z") == 1714564800500);
  // Our registry mirror writes microseconds and an explicit offset.
  CHECK(ms("2026-09-16T02:29:53.451000+00:00") == ms("2026-09-16T02:29:53.451Z"));
  CHECK(ms("2024-05-01T14:00:00.000+02:00") == 1714564800000);
  CHECK(ms("2024-05-01T10:30:00.000-0130") == 1714564800000);
  CHECK(ms("2024-05-01") == 1714521600000);
  CHECK(ms("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK(ms("1969-12-31T23:59:59.999Z") == -1);
}

TEST_CASE("parse_timestamp rejects malformed times", "[model][timestamp]") {
  for (const char* bad :
       {"", "2024", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:60:00Z", "2024-05-01T12:00:60Z", "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00ZZ", "2024-05-01X12:00:00Z", "2024-05-01T12:00:00+2",
        "0000-01-01T00:00:00+01:00", "24-05-01", "2024-5-01", "2024-05-01T12:00:00 Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_timestamp(bad).has_value());
  }
}

TEST_CASE("format_timestamp writes npm's form and round-trips", "[model][timestamp]") {
  CHECK(format_timestamp(Timestamp{}) == "1970-01-01T00:00:00.000Z");
  CHECK(format_timestamp(Timestamp{std::chrono::milliseconds{1714564800123}}) ==
        "2024-05-01T12:00:00.123Z");
  CHECK(format_timestamp(Timestamp{std::chrono::milliseconds{-1}}) == "1969-12-31T23:59:59.999Z");
  for (const char* text : {"0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
                           "2000-02-29T23:59:59.999Z", "1900-03-01T00:00:00.000Z"}) {
    const auto t = parse_timestamp(text);
    REQUIRE(t);
    CHECK(format_timestamp(*t) == text);
  }
}

TEST_CASE("role names follow Backstage's PackageRoles table", "[model][roles]") {
  const std::pair<PackageRole, const char*> table[] = {
      {PackageRole::kFrontend, "frontend"},
      {PackageRole::kBackend, "backend"},
      {PackageRole::kCli, "cli"},
      {PackageRole::kCliModule, "cli-module"},
      {PackageRole::kWebLibrary, "web-library"},
      {PackageRole::kNodeLibrary, "node-library"},
      {PackageRole::kCommonLibrary, "common-library"},
      {PackageRole::kFrontendPlugin, "frontend-plugin"},
      {PackageRole::kFrontendPluginModule, "frontend-plugin-module"},
      {PackageRole::kFrontendDynamicContainer, "frontend-dynamic-container"},
      {PackageRole::kBackendPlugin, "backend-plugin"},
      {PackageRole::kBackendPluginModule, "backend-plugin-module"},
  };
  for (const auto& [role, name] : table) {
    CHECK(to_string(role) == name);
    CHECK(parse_package_role(name) == role);
  }
  CHECK(to_string(PackageRole::kUnknown) == "unknown");
  CHECK_FALSE(parse_package_role("unknown").has_value());
  CHECK_FALSE(parse_package_role("Frontend-Plugin").has_value());
  CHECK_FALSE(parse_package_role("").has_value());

  CHECK(is_plugin_role(PackageRole::kFrontendPlugin));
  CHECK(is_plugin_role(PackageRole::kFrontendPluginModule));
  CHECK(is_plugin_role(PackageRole::kBackendPlugin));
  CHECK(is_plugin_role(PackageRole::kBackendPluginModule));
  CHECK_FALSE(is_plugin_role(PackageRole::kWebLibrary));
  CHECK_FALSE(is_plugin_role(PackageRole::kFrontendDynamicContainer));
  CHECK_FALSE(is_plugin_role(PackageRole::kUnknown));
}

TEST_CASE("plugin system names", "[model][roles]") {
  for (const auto s : {PluginSystem::kNotApplicable, PluginSystem::kLegacy, PluginSystem::kNew,
                       PluginSystem::kTransitional}) {
    CHECK(parse_plugin_system(to_string(s)) == s);
  }
  CHECK(to_string(PluginSystem::kNotApplicable) == "not-applicable");
  CHECK(to_string(PluginSystem::kTransitional) == "transitional");
  CHECK_FALSE(parse_plugin_system("New").has_value());
}
