// ArtifactRecord <-> JSON: the storage form of what a verified tarball holds.
#include <catch2/catch.hpp>

#include <string>

#include "callboard/model.hpp"

using namespace callboard;

namespace {

ArtifactRecord sample() {
  ArtifactRecord r;
  r.name = "@backstage/plugin-proxy-backend";
  r.version = "0.6.20";
  r.integrity = "sha512-" + std::string(86, 'x') + "==";
  r.verified_at = Timestamp{std::chrono::milliseconds{1714564800123}};
  r.backend_system = PluginSystem::kTransitional;
  r.code_markers = {"createBackendPlugin", "createRouter"};
  r.entry_points = {{".", "dist/index.cjs.js", true, true}, {"./alpha", "", false, false}};
  r.has_dist_dynamic = true;
  r.config_schema_ref = "(inline)";
  r.config_schema = "{\"a\":\"\\u0001 \\\" é 中 😀\"}\n\t";
  r.config_schema_path = "(inline)";
  r.has_config_d_ts = true;
  return r;
}

Error parse_error(std::string_view json) {
  auto r = parse_artifact_record_json(json);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("artifact record JSON round-trips and prints canonically", "[model][artifact-record]") {
  const ArtifactRecord full = sample();
  const std::string json = to_json(full);
  auto back = parse_artifact_record_json(json);
  REQUIRE(back.ok());
  CHECK(*back == full);
  CHECK(to_json(*back) == json);

  const ArtifactRecord empty;
  CHECK(to_json(empty) ==
        R"({"name":"","version":"","integrity":"","verifiedAt":null,"backendSystem":"not-applicable",)"
        R"("codeMarkers":[],"entryPoints":[],"hasDistDynamic":false,"configSchemaRef":"","configSchema":null,)"
        R"("configSchemaPath":"","hasConfigDTs":false})");
  auto empty_back = parse_artifact_record_json(to_json(empty));
  REQUIRE(empty_back.ok());
  CHECK(*empty_back == empty);
  // Absent and null members are defaults.
  auto bare = parse_artifact_record_json(R"({"name":"x","configSchema":null})");
  REQUIRE(bare.ok());
  CHECK(bare->name == "x");
  CHECK_FALSE(bare->config_schema.has_value());
}

TEST_CASE("artifact record JSON is read strictly, errors name the member", "[model][artifact-record]") {
  CHECK(parse_error(R"([])").code == ErrorCode::kInvalidArgument);
  auto e = parse_error(R"({"name":"p","backendSystem":"modern"})");
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.detail("pointer") == "/backendSystem");
  CHECK(e.detail("package") == "p");
  CHECK(parse_error(R"({"entryPoints":{}})").detail("pointer") == "/entryPoints");
  CHECK(parse_error(R"({"entryPoints":[{"subpath":"."},3]})").detail("pointer") == "/entryPoints/1");
  CHECK(parse_error(R"({"entryPoints":[{"defaultExport":"yes"}]})").detail("pointer") ==
        "/entryPoints/0/defaultExport");
  CHECK(parse_error(R"({"configSchema":{}})").detail("pointer") == "/configSchema");
  CHECK(parse_error(R"({"codeMarkers":[1]})").detail("pointer") == "/codeMarkers/0");
  CHECK(parse_error(R"({"verifiedAt":"yesterday"})").detail("pointer") == "/verifiedAt");
  CHECK(parse_error(R"({"hasDistDynamic":1})").detail("pointer") == "/hasDistDynamic");
}

TEST_CASE("artifact record JSON enforces the record's bounds", "[model][artifact-record]") {
  ArtifactRecord r = sample();
  r.config_schema = std::string(kMaxArtifactConfigSchemaBytes, 'a');
  r.entry_points.resize(kMaxArtifactEntryPoints);
  auto ok = parse_artifact_record_json(to_json(r));
  REQUIRE(ok.ok());
  CHECK(*ok == r);

  ArtifactRecord big = r;
  big.config_schema->push_back('a');
  CHECK(parse_error(to_json(big)).detail("pointer") == "/configSchema");
  ArtifactRecord many = r;
  many.entry_points.emplace_back();
  CHECK(parse_error(to_json(many)).detail("pointer") == "/entryPoints");
  // The document bound comes first.
  ParseLimits small;
  small.max_document_bytes = 100;
  auto limited = parse_artifact_record_json(to_json(sample()), small);
  REQUIRE_FALSE(limited.ok());
  CHECK(limited.error().code == ErrorCode::kResourceExhausted);
}
