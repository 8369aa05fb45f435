// package.json parsing: the real fixtures (golden expectations in
// tests/cases/model/plugin-package-json.json), npm's tolerance for odd
// field types, and errors.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "callboard/model.hpp"

#include "model_test_util.hpp"

using namespace callboard;
using callboard::model_test::read_text;
using callboard::model_test::repo_path;
namespace json = boost::json;

namespace {

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) out.emplace_back(item.as_string());
  return out;
}

std::map<std::string, std::string, std::less<>> string_map(const json::value& v) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& kv : v.as_object()) out.emplace(kv.key(), kv.value().as_string());
  return out;
}

std::optional<std::string> opt_string(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  return std::string(v.as_string());
}

Manifest parse_ok(std::string_view text) {
  auto r = parse_manifest(text);
  if (!r.ok()) FAIL(r.error().to_string());
  return *r;
}

}  // namespace

TEST_CASE("every plugin package.json fixture matches its golden expectations",
          "[model][manifest]") {
  const auto cases = json::parse(
      read_text(std::filesystem::path(CALLBOARD_CASES_DIR) / "model/plugin-package-json.json"));
  const auto dir = repo_path("tests/fixtures/plugin-package-json");
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    const std::string file = entry.path().filename().string();
    INFO(file);
    const auto* expected_value = cases.as_object().if_contains(file);
    REQUIRE(expected_value != nullptr);  // a new fixture needs its golden entry
    const auto& expected = expected_value->as_object();

    const Manifest m = parse_ok(read_text(entry.path()));
    CHECK(m.name == expected.at("name").as_string());
    CHECK(m.version == expected.at("version").as_string());
    CHECK(m.dependencies.size() ==
          static_cast<std::size_t>(expected.at("dependencyCount").as_int64()));
    CHECK(m.backstage.has_value() == expected.at("hasBackstage").as_bool());

    const auto declared = opt_string(expected.at("declaredRole"));
    if (declared) {
      REQUIRE(m.backstage);
      REQUIRE(m.backstage->role);
      CHECK(to_string(*m.backstage->role) == *declared);
    } else {
      CHECK((!m.backstage || !m.backstage->role));
    }
    CHECK(to_string(detect_role(m)) == expected.at("role").as_string());
    const PluginSystems systems = classify_plugin_systems(m);
    CHECK(to_string(systems.backend) == expected.at("backendSystem").as_string());
    CHECK(to_string(systems.frontend) == expected.at("frontendSystem").as_string());

    const BackstageMetadata meta = m.backstage.value_or(BackstageMetadata{});
    CHECK(meta.plugin_id == opt_string(expected.at("pluginId")));
    CHECK(meta.plugin_packages == strings(expected.at("pluginPackages")));
    CHECK(meta.plugin_package == opt_string(expected.at("pluginPackage")));
    CHECK(meta.peer_modules == strings(expected.at("peerModules")));
    CHECK(meta.features == string_map(expected.at("features")));
    CHECK(meta.moved == opt_string(expected.at("moved")));
    CHECK(m.supported_versions == opt_string(expected.at("supportedVersions")));
    CHECK(m.export_features == string_map(expected.at("exportFeatures")));

    // And the canonical form reads back equal.
    const auto again = parse_manifest(to_json(m));
    REQUIRE(again.ok());
    CHECK(*again == m);
  }
  CHECK(seen == cases.as_object().size());
}

TEST_CASE("manifest fields from a published package.json", "[model][manifest]") {
  const Manifest m = parse_ok(read_text(
      repo_path("tests/fixtures/plugin-package-json/backstage__plugin-catalog-backend.json")));
  CHECK(m.description == "The Backstage backend plugin that provides the Backstage catalog");
  CHECK(m.keywords == std::vector<std::string>{"backstage"});
  CHECK(m.license == "Apache-2.0");
  CHECK(m.homepage == "https://backstage.io");
  CHECK(m.repository.type == "git");
  CHECK(m.repository.url == "https://github.com/backstage/backstage");
  CHECK(m.repository.directory == "plugins/catalog-backend");
  CHECK(m.main == "./dist/index.cjs.js");
  CHECK(m.types == "./dist/index.d.ts");
  CHECK(m.scripts.at("build") == "backstage-cli package build");
  CHECK(m.dependencies.at("@backstage/backend-plugin-api") == "^1.10.1");
  CHECK_FALSE(m.private_package);
  CHECK_FALSE(m.deprecated);
}

TEST_CASE("publishConfig entries and role detection inputs", "[model][manifest]") {
  const Manifest m = parse_ok(read_text(
      repo_path("tests/fixtures/plugin-package-json/backstage__plugin-scaffolder-backend.json")));
  CHECK(m.main == "src/index.ts");
  CHECK(m.publish_main == "dist/index.cjs.js");
  CHECK(m.publish_types == "dist/index.d.ts");
  CHECK(m.publish_module.empty());
  CHECK_FALSE(m.backstage.has_value());
}

TEST_CASE("manifest parsing is tolerant the way npm is", "[model][manifest]") {
  SECTION("keywords as a string split on commas and whitespace") {
    CHECK(parse_ok(R"({"keywords":"backstage, plugin  ci,,cd"})").keywords ==
          std::vector<std::string>{"backstage", "plugin", "ci", "cd"});
    CHECK(parse_ok(R"({"keywords":["a",1,null,"b"]})").keywords ==
          std::vector<std::string>{"a", "b"});
  }
  SECTION("license forms") {
    CHECK(parse_ok(R"({"license":"MIT"})").license == "MIT");
    CHECK(parse_ok(R"({"license":{"type":"MIT","url":"x"}})").license == "MIT");
    CHECK(parse_ok(R"({"licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]})").license ==
          "MIT OR Apache-2.0");
    CHECK(parse_ok(R"({"licenses":["MIT","BSD"]})").license == "MIT OR BSD");
    CHECK(parse_ok(R"({"license":"ISC","licenses":[{"type":"MIT"}]})").license == "ISC");
    CHECK(parse_ok(R"({"license":7})").license.empty());
  }
  SECTION("repository as a string") {
    const Manifest m = parse_ok(R"({"repository":"github:org/repo"})");
    CHECK(m.repository.url == "github:org/repo");
    CHECK(m.repository.type.empty());
  }
  SECTION("engines as an array (old packages) is skipped") {
    CHECK(parse_ok(R"({"engines":["node >= 0.4"]})").engines.empty());
    const Manifest m = parse_ok(R"({"engines":{"node":">=18","npm":7}})");
    CHECK(m.engines.size() == 1);
    CHECK(m.engines.at("node") == ">=18");
  }
  SECTION("non-string dependency values skip that entry") {
    const Manifest m =
        parse_ok(R"({"dependencies":{"a":"^1.0.0","b":1,"c":null,"d":{"version":"1"}},
                                    "devDependencies":["x"],"peerDependencies":"react"})");
    CHECK(m.dependencies == DependencyMap{{"a", "^1.0.0"}});
    CHECK(m.dev_dependencies.empty());
    CHECK(m.peer_dependencies.empty());
  }
  SECTION("a repeated key keeps the last value") {
    CHECK(parse_ok(R"({"dependencies":{"a":"1","a":"2"}})").dependencies.at("a") == "2");
    CHECK(parse_ok(R"({"name":"first","name":"second"})").name == "second");
  }
  SECTION("deprecated") {
    CHECK_FALSE(parse_ok(R"({"deprecated":""})").deprecated);
    CHECK_FALSE(parse_ok(R"({"deprecated":false})").deprecated);
    CHECK(parse_ok(R"({"deprecated":"use x"})").deprecated == "use x");
    CHECK(parse_ok(R"({"deprecated":true})").deprecated.has_value());
  }
  SECTION("bugs, author and unknown fields are ignored; wrong-typed name is absent") {
    const Manifest m = parse_ok(R"({"name":5,"bugs":"x","author":{"name":"a"},"whatever":[1,2]})");
    CHECK(m.name.empty());
  }
  SECTION("a workspace root without name or version") {
    const Manifest m = parse_ok(R"({"private":true,"workspaces":["packages/*","plugins/*"]})");
    CHECK(m.name.empty());
    CHECK(m.version.empty());
    CHECK(m.private_package);
    CHECK(m.workspaces == std::vector<std::string>{"packages/*", "plugins/*"});
    CHECK(parse_ok(R"({"workspaces":{"packages":["a/*"],"nohoist":["x"]}})").workspaces ==
          std::vector<std::string>{"a/*"});
  }
  SECTION("peerDependenciesMeta") {
    const Manifest m =
        parse_ok(R"({"peerDependenciesMeta":{"a":{"optional":true},"b":{},"c":true}})");
    CHECK(m.peer_dependencies_meta.size() == 2);
    CHECK(m.peer_dependencies_meta.at("a").optional);
    CHECK_FALSE(m.peer_dependencies_meta.at("b").optional);
  }
  SECTION("dist") {
    const Manifest m = parse_ok(R"({"dist":{"tarball":"t","integrity":"sha512-x","shasum":"ab",
                                            "unpackedSize":1234,"fileCount":-1}})");
    CHECK(m.dist.tarball == "t");
    CHECK(m.dist.integrity == "sha512-x");
    CHECK(m.dist.shasum == "ab");
    CHECK(m.dist.unpacked_size == 1234u);
    CHECK_FALSE(m.dist.file_count);
  }
}

TEST_CASE("the backstage field", "[model][manifest]") {
  SECTION("all members") {
    const Manifest m =
        parse_ok(R"({"backstage":{"role":"backend-plugin-module","pluginId":"catalog",
        "pluginPackage":"@backstage/plugin-catalog-backend","pluginPackages":["a","b"],"peerModules":["m"],
        "features":{".":"@backstage/BackendFeature","./alpha":5},"moved":"@new/name","inline":true}})");
    REQUIRE(m.backstage);
    const auto& b = *m.backstage;
    CHECK(b.role == PackageRole::kBackendPluginModule);
    CHECK(b.unknown_role.empty());
    CHECK(b.plugin_id == "catalog");
    CHECK_FALSE(b.plugin_id_null);
    CHECK(b.plugin_package == "@backstage/plugin-catalog-backend");
    CHECK(b.plugin_packages == std::vector<std::string>{"a", "b"});
    CHECK(b.peer_modules == std::vector<std::string>{"m"});
    CHECK(b.features ==
          std::map<std::string, std::string, std::less<>>{{".", "@backstage/BackendFeature"}});
    CHECK(b.moved == "@new/name");
    CHECK(b.inline_package);
  }
  SECTION("unknown role and null pluginId") {
    const Manifest m = parse_ok(R"({"backstage":{"role":"backend-plugin-thing","pluginId":null}})");
    REQUIRE(m.backstage);
    CHECK_FALSE(m.backstage->role);
    CHECK(m.backstage->unknown_role == "backend-plugin-thing");
    CHECK_FALSE(m.backstage->plugin_id);
    CHECK(m.backstage->plugin_id_null);
    CHECK(detect_role(m) == PackageRole::kUnknown);
  }
  SECTION("not an object") { CHECK_FALSE(parse_ok(R"({"backstage":"yes"})").backstage); }
  SECTION("supported-versions: top level wins over the nested form") {
    CHECK(parse_ok(R"({"backstage":{"supported-versions":"1.2.3"}})").supported_versions ==
          "1.2.3");
    CHECK(parse_ok(R"({"supported-versions":"1.0.0","backstage":{"supported-versions":"1.2.3"}})")
              .supported_versions == "1.0.0");
  }
}

TEST_CASE("exports conditions", "[model][manifest]") {
  using Features = std::map<std::string, std::string, std::less<>>;
  CHECK(parse_ok(R"({"exports":"./index.js"})").export_features.empty());
  CHECK(parse_ok(R"({"exports":{"backstage":"@backstage/BackendFeature","default":"./x.js"}})")
            .export_features == Features{{".", "@backstage/BackendFeature"}});
  CHECK(
      parse_ok(R"({"exports":{".":{"backstage":"@backstage/BackendFeature"},"./alpha":{"backstage":
                  "@backstage/FrontendPlugin"},"./package.json":"./package.json","./x":{"backstage":1}}})")
          .export_features ==
      Features{{".", "@backstage/BackendFeature"}, {"./alpha", "@backstage/FrontendPlugin"}});
  CHECK(parse_ok(R"({"exports":["./a.js"]})").export_features.empty());
}

TEST_CASE("manifest errors say where and why", "[model][manifest][errors]") {
  SECTION("syntax error with line and column") {
    const auto r = parse_manifest("{\n  \"name\": \"x\",\n  \"version\": 1.2.3\n}");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(r.error().detail("line") == "3");
    CHECK(r.error().detail("column") == "17");
    CHECK(r.error().message.find("package.json") != std::string::npos);
  }
  SECTION("truncated document") {
    const auto r = parse_manifest(R"({"name":"x")");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail("line") == "1");
    CHECK_FALSE(r.error().message.empty());
  }
  SECTION("trailing garbage") {
    const auto r = parse_manifest("{} x");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail("column") == "4");
  }
  SECTION("top level not an object") {
    for (const char* text : {"[]", "\"x\"", "null", "1"}) {
      const auto r = parse_manifest(text);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::kInvalidArgument);
      CHECK(r.error().detail("pointer").empty());
      CHECK(r.error().message.find("not an object") != std::string::npos);
    }
  }
  SECTION("invalid UTF-8") { CHECK_FALSE(parse_manifest("{\"name\":\"\xff\"}").ok()); }
  SECTION("size limit is checked first") {
    ParseLimits limits;
    limits.max_document_bytes = 10;
    const auto r = parse_manifest(R"({"name":"twelve bytes+"})", limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kResourceExhausted);
    CHECK(parse_manifest("{\"a\":1}   ", limits).ok());
    CHECK_FALSE(parse_manifest("{\"a\":1}    ", limits).ok());
  }
  SECTION("depth limit") {
    ParseLimits limits;
    limits.max_depth = 4;
    CHECK(parse_manifest(R"({"a":{"b":{"c":[1]}}})", limits).ok());
    const auto r = parse_manifest(R"({"a":{"b":{"c":[[1]]}}})", limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kResourceExhausted);
    // A deep document under the default limit fails cleanly, without recursion.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_FALSE(parse_manifest(deep).ok());
  }
}

TEST_CASE("packageManager: read as a string, written back", "[model][manifest]") {
  auto m = callboard::parse_manifest(R"({"name": "app", "packageManager": "yarn@4.4.1+sha224.abc"})");
  REQUIRE(m);
  CHECK(m->package_manager == "yarn@4.4.1+sha224.abc");
  CHECK(callboard::to_json(*m).find(R"("packageManager":"yarn@4.4.1+sha224.abc")") != std::string::npos);
  auto again = callboard::parse_manifest(callboard::to_json(*m));
  REQUIRE(again);
  CHECK(*again == *m);
  auto odd = callboard::parse_manifest(R"({"packageManager": ["yarn@4"]})");
  REQUIRE(odd);
  CHECK(odd->package_manager.empty());
}
