// artifact_record(): what the Storage keeps of a verified tarball, from the
// real tarballs in tests/fixtures/artifact/real/.

#include <string>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::artifact_fixtures;
using callboard::test::read_text;

namespace {

struct Verified {
  PackageContents contents;
  IntegrityHash hash;
};

Verified verified(const std::string& file) {
  const std::string bytes = read_text(artifact_fixtures() / "real" / file);
  auto hash = verify_integrity(bytes, compute_integrity(bytes));
  if (!hash) FAIL(hash.error().to_string());
  auto contents = read_package_contents(bytes);
  if (!contents) FAIL(contents.error().to_string());
  return {std::move(*contents), std::move(*hash)};
}

const Timestamp kWhen{std::chrono::milliseconds{1764481200000}};

}  // namespace

TEST_CASE("artifact_record: proxy-backend 0.6.20 keeps schema, entry points and the code's system",
          "[artifact][record]") {
  const auto v = verified("backstage-plugin-proxy-backend-0.6.20.tgz");
  auto r = artifact_record(v.contents, v.hash, kWhen);
  REQUIRE(r.ok());
  CHECK(r->name == "@backstage/plugin-proxy-backend");
  CHECK(r->version == "0.6.20");
  CHECK(r->integrity == Integrity{{v.hash}}.to_string());
  CHECK(r->integrity.rfind("sha512-+QmpDU4qNH5LWbWHn+EBANg7rRHGm", 0) == 0);  // integrity.tsv
  CHECK(r->verified_at == kWhen);
  CHECK(r->backend_system == PluginSystem::kNew);
  CHECK(r->code_markers == std::vector<std::string>{"createBackendPlugin"});
  REQUIRE(r->entry_points.size() == 1);
  CHECK(r->entry_points[0] == ArtifactEntryPoint{".", "dist/index.cjs.js", true, true});
  CHECK(r->config_schema == v.contents.config_schema);
  CHECK(r->config_schema_path == "config.schema.json");
  CHECK_FALSE(r->has_dist_dynamic);
  // The storage form round-trips.
  auto back = parse_artifact_record_json(to_json(*r));
  REQUIRE(back.ok());
  CHECK(*back == *r);
}

TEST_CASE("artifact_record: keycloak-backend 1.9.14 keeps dist-dynamic and the transitional system",
          "[artifact][record]") {
  const auto v = verified("janus-idp-backstage-plugin-keycloak-backend-1.9.14.tgz");
  auto r = artifact_record(v.contents, v.hash, kWhen);
  REQUIRE(r.ok());
  CHECK(r->has_dist_dynamic);
  CHECK(r->backend_system == PluginSystem::kTransitional);
  CHECK(r->code_markers == std::vector<std::string>{"createBackendModule", "dynamicPluginInstaller"});
  REQUIRE(r->entry_points.size() == 2);
  CHECK_FALSE(r->entry_points[0].default_export);
  CHECK(r->entry_points[1] == ArtifactEntryPoint{"./alpha", "dist/alpha.cjs.js", true, true});
  CHECK(r->config_schema_path == "dist-dynamic/dist/configSchema.json");
  CHECK(r->config_schema_ref == "config.d.ts");
  CHECK(r->has_config_d_ts);
}

TEST_CASE("artifact_record: refuses contents it cannot file or that exceed the record's bounds",
          "[artifact][record]") {
  auto v = verified("backstage-plugin-proxy-backend-0.6.20.tgz");
  SECTION("no version") {
    v.contents.manifest.version.clear();
    auto r = artifact_record(v.contents, v.hash, kWhen);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(r.error().detail("package") == "@backstage/plugin-proxy-backend");
  }
  SECTION("a schema over the bound") {
    v.contents.config_schema = std::string(kMaxArtifactConfigSchemaBytes + 1, ' ');
    auto r = artifact_record(v.contents, v.hash, kWhen);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
  SECTION("too many entry points") {
    v.contents.entry_points.resize(kMaxArtifactEntryPoints + 1);
    auto r = artifact_record(v.contents, v.hash, kWhen);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
}
