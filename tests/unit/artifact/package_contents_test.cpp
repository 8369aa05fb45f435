// What real tarballs say about themselves: manifest, config schema,
// dist-dynamic/, entry points and the backend system read from the code.

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::artifact_fixtures;
using callboard::test::read_text;

namespace {

PackageContents contents_of(const std::string& file) {
  auto r = read_package_contents(read_text(artifact_fixtures() / "real" / file));
  if (!r) FAIL(r.error().to_string());
  return std::move(*r);
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("proxy-backend 0.6.20: new backend system, JSON config schema", "[artifact][contents]") {
  const auto c = contents_of("backstage-plugin-proxy-backend-0.6.20.tgz");
  CHECK(c.manifest.name == "@backstage/plugin-proxy-backend");
  CHECK(c.manifest.version == "0.6.20");
  CHECK(c.config_schema_ref == "config.schema.json");
  CHECK(c.config_schema_path == "config.schema.json");
  REQUIRE(c.config_schema.has_value());
  CHECK(c.config_schema->find("skipInvalidProxies") != std::string::npos);
  CHECK_FALSE(c.has_config_d_ts);
  CHECK_FALSE(c.has_dist_dynamic);
  REQUIRE(c.entry_points.size() == 1);
  CHECK(c.entry_points[0].subpath == ".");
  CHECK(c.entry_points[0].file == "dist/index.cjs.js");
  CHECK(c.entry_points[0].present);
  CHECK(c.entry_points[0].default_export);
  CHECK(c.entry_points[0].named_exports.empty());
  CHECK(c.markers.create_backend_plugin);
  CHECK_FALSE(c.markers.create_router);  // an internal chunk exports it; no entry point does
  CHECK(backend_system_from_code(c) == PluginSystem::kNew);
  // The metadata agrees.
  CHECK(classify_plugin_systems(c.manifest).backend == PluginSystem::kNew);
  REQUIRE(c.changelog.has_value());
  CHECK(c.changelog->rfind("# @backstage/plugin-proxy-backend", 0) == 0);
}

TEST_CASE("proxy-backend 0.2.41: createRouter next to a named plugin export", "[artifact][contents]") {
  const auto c = contents_of("backstage-plugin-proxy-backend-0.2.41.tgz");
  CHECK(c.config_schema_ref == "config.d.ts");
  CHECK_FALSE(c.config_schema.has_value());
  CHECK(c.has_config_d_ts);
  // No `exports`: main for ".", and the alpha/package.json redirect.
  REQUIRE(c.entry_points.size() == 2);
  CHECK(c.entry_points[0].subpath == ".");
  CHECK_FALSE(c.entry_points[0].default_export);
  CHECK(has(c.entry_points[0].named_exports, "createRouter"));
  CHECK(has(c.entry_points[0].named_exports, "proxyPlugin"));
  CHECK(c.entry_points[1].subpath == "./alpha");
  CHECK(c.entry_points[1].file == "dist/index.cjs.js");
  CHECK(c.markers.create_router);
  CHECK(c.markers.create_backend_plugin);
  CHECK(backend_system_from_code(c) == PluginSystem::kTransitional);
}

TEST_CASE("jenkins-backend 0.29.0: default export of a chunk, config.d.ts", "[artifact][contents]") {
  const auto c = contents_of("backstage-community-plugin-jenkins-backend-0.29.0.tgz");
  CHECK(c.manifest.backstage.has_value());
  CHECK(c.config_schema_ref == "config.d.ts");
  CHECK_FALSE(c.config_schema.has_value());
  REQUIRE_FALSE(c.entry_points.empty());
  CHECK(c.entry_points[0].default_export);
  CHECK(backend_system_from_code(c) == PluginSystem::kNew);
  CHECK(c.report.entries.size() == 25);
}

TEST_CASE("keycloak-backend 1.9.14: dist-dynamic, legacy root, new system on ./alpha", "[artifact][contents]") {
  const auto c = contents_of("janus-idp-backstage-plugin-keycloak-backend-1.9.14.tgz");
  CHECK(c.has_dist_dynamic);
  REQUIRE(c.dynamic_manifest.has_value());
  CHECK(c.dynamic_manifest->name == "@janus-idp/backstage-plugin-keycloak-backend-dynamic");
  // Its config schema is only in dist-dynamic/dist/configSchema.json.
  CHECK(c.config_schema_ref == "config.d.ts");
  CHECK(c.config_schema_path == "dist-dynamic/dist/configSchema.json");
  REQUIRE(c.config_schema.has_value());
  CHECK(c.config_schema->find("keycloakOrg") != std::string::npos);
  REQUIRE(c.entry_points.size() == 2);
  CHECK(c.entry_points[0].subpath == ".");
  CHECK_FALSE(c.entry_points[0].default_export);
  CHECK(has(c.entry_points[0].named_exports, "dynamicPluginInstaller"));
  CHECK(c.entry_points[1].subpath == "./alpha");
  CHECK(c.entry_points[1].file == "dist/alpha.cjs.js");
  CHECK(c.entry_points[1].default_export);
  CHECK(c.markers.dynamic_plugin_installer);
  CHECK(c.markers.create_backend_module);
  CHECK(backend_system_from_code(c) == PluginSystem::kTransitional);
  CHECK_FALSE(c.changelog.has_value());
}

TEST_CASE("read_package_contents refuses tarballs without a package.json or with hostile entries",
          "[artifact][contents]") {
  const std::string bomb = read_text(artifact_fixtures() / "hostile" / "path-traversal.tgz");
  CHECK(read_package_contents(bomb).error().detail("entry") == "package/../../evil.txt");
  const std::string benign = read_text(artifact_fixtures() / "hostile" / "benign.tgz");
  auto c = read_package_contents(benign);
  REQUIRE(c.ok());
  CHECK(c->manifest.name == "hostile-fixture");
  // A frontend or library default export alone is no backend signal.
  CHECK(backend_system_from_code(*c) == PluginSystem::kNotApplicable);
}
