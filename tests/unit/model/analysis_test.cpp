// detect_role (Backstage's detectRoleFromPackage, in order) and
// classify_plugin_systems.
#include <catch2/catch.hpp>

#include "callboard/model.hpp"

using namespace callboard;

namespace {

Manifest parse_ok(std::string_view text) {
  auto r = parse_manifest(text);
  if (!r.ok()) FAIL(r.error().to_string());
  return *r;
}

PackageRole role_of(std::string_view text) { return detect_role(parse_ok(text)); }

}  // namespace

TEST_CASE("detect_role follows detectRoleFromPackage in order", "[model][analysis]") {
  CHECK(role_of(R"({"backstage":{"role":"cli-module"},"scripts":{"start":"app:serve"}})") ==
        PackageRole::kCliModule);
  CHECK(role_of(R"({"scripts":{"start":"backstage-cli app:serve"}})") == PackageRole::kFrontend);
  CHECK(role_of(R"({"scripts":{"build":"backstage-cli backend:bundle"}})") ==
        PackageRole::kBackend);
  // Rule 1 beats rule 2.
  CHECK(role_of(R"({"scripts":{"start":"app:serve","build":"backend:bundle"}})") ==
        PackageRole::kFrontend);
  CHECK(role_of(
            R"({"name":"@x/plugin-foo-backend-module-bar","scripts":{"start":"plugin:serve"}})") ==
        PackageRole::kBackendPluginModule);
  CHECK(role_of(R"({"name":"@x/plugin-foo-module-bar","scripts":{"start":"backend:dev"}})") ==
        PackageRole::kFrontendPluginModule);
  // "-module-" needs "plugin-" too.
  CHECK(role_of(R"({"name":"@x/catalog-backend-module-aws","scripts":{"start":"backend:dev"}})") ==
        PackageRole::kBackendPlugin);
  CHECK(role_of(R"({"name":"x","scripts":{"start":"backstage-cli plugin:serve"}})") ==
        PackageRole::kFrontendPlugin);
  CHECK(role_of(R"({"scripts":{"start":"backstage-cli backend:dev"}})") ==
        PackageRole::kBackendPlugin);

  CHECK(role_of(R"({"main":"a.js","module":"a.esm.js","types":"a.d.ts"})") ==
        PackageRole::kCommonLibrary);
  CHECK(role_of(R"({"module":"a.esm.js","types":"a.d.ts"})") == PackageRole::kWebLibrary);
  CHECK(role_of(R"({"main":"dist/index.esm.js","types":"a.d.ts"})") == PackageRole::kWebLibrary);
  CHECK(role_of(R"({"main":"dist/index.cjs.js","types":"a.d.ts"})") == PackageRole::kNodeLibrary);
  CHECK(role_of(R"({"main":"bin.js"})") == PackageRole::kCli);
  CHECK(role_of(R"({"module":"a.js"})") == PackageRole::kUnknown);
  CHECK(role_of(R"({"types":"a.d.ts"})") == PackageRole::kUnknown);
  CHECK(role_of(R"({})") == PackageRole::kUnknown);
  // publishConfig values are preferred.
  CHECK(role_of(R"({"main":"src/index.ts","types":"src/index.ts",
                   "publishConfig":{"main":"dist/index.esm.js","types":"dist/index.d.ts"}})") ==
        PackageRole::kWebLibrary);
  CHECK(role_of(R"({"main":"src/index.ts","publishConfig":{"types":"dist/index.d.ts"}})") ==
        PackageRole::kNodeLibrary);
  // An unknown declared role falls back to detection.
  CHECK(role_of(R"({"backstage":{"role":"nope"},"main":"bin.js"})") == PackageRole::kCli);
}

TEST_CASE("classify_plugin_systems: backend", "[model][analysis]") {
  auto backend = [](std::string_view text) {
    return classify_plugin_systems(parse_ok(text)).backend;
  };
  const std::string role = R"("backstage":{"role":"backend-plugin"})";
  CHECK(backend("{" + role + "}") == PluginSystem::kLegacy);
  CHECK(backend("{" + role + R"(,"dependencies":{"@backstage/backend-common":"^0.20"}})") ==
        PluginSystem::kLegacy);
  CHECK(backend("{" + role + R"(,"dependencies":{"@backstage/backend-tasks":"^0.5"}})") ==
        PluginSystem::kLegacy);
  CHECK(backend("{" + role + R"(,"dependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
        PluginSystem::kNew);
  CHECK(backend("{" + role + R"(,"peerDependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
        PluginSystem::kNew);
  CHECK(backend("{" + role + R"(,"devDependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
        PluginSystem::kLegacy);
  CHECK(
      backend(
          "{" + role +
          R"(,"dependencies":{"@backstage/backend-plugin-api":"^1","@backstage/backend-common":"^0.25"}})") ==
      PluginSystem::kTransitional);
  // Features on "." decide "new", unless legacy dependencies remain.
  CHECK(
      backend(
          R"({"backstage":{"role":"backend-plugin","features":{".":"@backstage/BackendFeature"}}})") ==
      PluginSystem::kNew);
  CHECK(
      backend(
          R"({"backstage":{"role":"backend-plugin"},"exports":{".":{"backstage":"@backstage/BackendFeature"}},
                   "dependencies":{"@backstage/backend-common":"^0.25"}})") ==
      PluginSystem::kTransitional);
  // The new entry point only on a subpath.
  CHECK(
      backend(
          R"({"backstage":{"role":"backend-plugin-module","features":{"./alpha":"@backstage/BackendFeature"}},
                   "dependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
      PluginSystem::kTransitional);
  // Detected roles count; libraries are not applicable.
  CHECK(
      backend(
          R"({"scripts":{"start":"backend:dev"},"dependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
      PluginSystem::kNew);
  CHECK(
      backend(
          R"({"scripts":{"build":"backend:bundle"},"dependencies":{"@backstage/backend-defaults":"^0.5"}})") ==
      PluginSystem::kNew);
  CHECK(
      backend(
          R"({"backstage":{"role":"node-library"},"dependencies":{"@backstage/backend-plugin-api":"^1"}})") ==
      PluginSystem::kNotApplicable);
  CHECK(classify_plugin_systems(parse_ok("{" + role + "}")).frontend ==
        PluginSystem::kNotApplicable);
}

TEST_CASE("classify_plugin_systems: frontend", "[model][analysis]") {
  auto frontend = [](std::string_view text) {
    return classify_plugin_systems(parse_ok(text)).frontend;
  };
  const std::string role = R"("backstage":{"role":"frontend-plugin"})";
  CHECK(frontend("{" + role + R"(,"dependencies":{"@backstage/core-plugin-api":"^1"}})") ==
        PluginSystem::kLegacy);
  CHECK(frontend("{" + role + R"(,"dependencies":{"@backstage/frontend-plugin-api":"^0.9"}})") ==
        PluginSystem::kNew);
  CHECK(
      frontend(
          "{" + role +
          R"(,"dependencies":{"@backstage/frontend-plugin-api":"^0.9","@backstage/core-plugin-api":"^1"}})") ==
      PluginSystem::kTransitional);
  CHECK(frontend("{" + role + R"(,"dependencies":{"@backstage/core-compat-api":"^0.3"}})") ==
        PluginSystem::kTransitional);
  CHECK(frontend(
            R"({"backstage":{"role":"frontend-plugin","features":{".":"@backstage/FrontendPlugin"}},
                    "dependencies":{"@backstage/frontend-plugin-api":"^0.9"}})") ==
        PluginSystem::kNew);
  CHECK(
      frontend(
          R"({"backstage":{"role":"frontend-plugin-module","features":{".":"@backstage/FrontendModule"}}})") ==
      PluginSystem::kNew);
  CHECK(
      frontend(
          R"({"backstage":{"role":"frontend-plugin","features":{"./alpha":"@backstage/FrontendPlugin"}},
                    "dependencies":{"@backstage/core-plugin-api":"^1"}})") ==
      PluginSystem::kTransitional);
  // A backend feature says nothing about the frontend.
  CHECK(
      frontend(
          R"({"backstage":{"role":"frontend-plugin","features":{".":"@backstage/BackendFeature"}}})") ==
      PluginSystem::kLegacy);
  CHECK(
      frontend(
          R"({"backstage":{"role":"web-library"},"dependencies":{"@backstage/core-plugin-api":"^1"}})") ==
      PluginSystem::kNotApplicable);
  CHECK(classify_plugin_systems(parse_ok("{" + role + "}")).backend ==
        PluginSystem::kNotApplicable);
}
