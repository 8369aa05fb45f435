// Packuments: recorded registry documents (tests/fixtures/packuments, host
// replaced by registry.invalid), the abbreviated form, version handling,
// limits and errors.
#include <catch2/catch.hpp>

#include "callboard/model.hpp"

#include "model_test_util.hpp"

using namespace callboard;
using callboard::model_test::read_text;
using callboard::model_test::repo_path;

namespace {

Packument load(const std::string& file) {
  const auto r = parse_packument(read_text(repo_path("tests/fixtures/packuments/" + file)));
  if (!r.ok()) FAIL(r.error().to_string());
  return *r;
}

Timestamp at(std::string_view iso) {
  const auto t = parse_timestamp(iso);
  REQUIRE(t);
  return *t;
}

std::vector<std::string> version_list(const Packument& p) {
  std::vector<std::string> out;
  for (const auto& m : p.versions) out.push_back(m.version);
  return out;
}

}  // namespace

TEST_CASE("recorded packument: @backstage/plugin-catalog-backend", "[model][packument]") {
  const Packument p = load("backstage__plugin-catalog-backend.json");
  CHECK(p.name == "@backstage/plugin-catalog-backend");
  CHECK(p.versions.size() == 42);
  CHECK(p.dist_tags.at("latest") == "4.0.0");
  CHECK(p.versions.front().version == "0.9.0");
  CHECK(p.versions.back().version == "4.0.0");
  // Sorted by precedence: the prerelease sorts before its release.
  const auto list = version_list(p);
  const auto pre = std::find(list.begin(), list.end(), "3.9.2-next.0");
  REQUIRE(pre != list.end());
  CHECK(*(pre - 1) == "3.9.1");

  const Manifest* latest = p.latest();
  REQUIRE(latest != nullptr);
  CHECK(latest->version == "4.0.0");
  CHECK(latest->name == p.name);
  CHECK(latest->dist.integrity ==
        "sha512-G90XYW+/"
        "YDdxsShzz4FYQuvQhsQ3P+VENyzqB96nk0d1mcf1zzGwqyGkSxIU+xOo+GWljmmIN8PDfoFFWONCLA==");
  CHECK(latest->dist.shasum == "f00bb59cf3c024dc5a8be09e39b1299c08c3773b");
  CHECK(latest->dist.tarball.rfind("https://registry.invalid/", 0) == 0);
  CHECK(latest->published == at("2026-09-16T02:29:53.451Z"));
  CHECK(latest->backstage->role == PackageRole::kBackendPlugin);
  CHECK(latest->backstage->features.at(".") == "@backstage/BackendFeature");
  CHECK(classify_plugin_systems(*latest).backend == PluginSystem::kNew);
  // Metadata the mirror does not serve stays unknown.
  CHECK(p.created == Timestamp{});

  CHECK(p.find("1.24.0") != nullptr);
  CHECK(p.find("9.9.9") == nullptr);
  CHECK(p.find("v4.0.0") == nullptr);

  // Every version carries a publication time in this fixture.
  for (const auto& m : p.versions) CHECK(m.published != Timestamp{});

  const auto again = parse_packument(to_json(p));
  REQUIRE(again.ok());
  CHECK(*again == p);
}

TEST_CASE("recorded packuments: small ones", "[model][packument]") {
  const Packument argo = load("roadiehq__backstage-plugin-argo-cd.json");
  CHECK(version_list(argo) == std::vector<std::string>{"2.8.5", "2.12.5"});
  CHECK(argo.latest()->version == "2.12.5");
  CHECK(argo.latest()->dist.integrity ==
        "sha512-sTYZQcvDlmfz+XerhThDjprqT2UEzgc3NCVHry0HzxeX6UzAWaydCpGP4cchBtFexuQKlGyjPP53/"
        "XTVCcJDPg==");
  CHECK(argo.latest()->published == at("2026-09-02T17:22:26.725Z"));
  // New frontend system on ./alpha only: transitional.
  CHECK(argo.latest()->export_features.at("./alpha") == "@backstage/FrontendPlugin");
  CHECK(classify_plugin_systems(*argo.latest()).frontend == PluginSystem::kTransitional);

  const Packument jenkins = load("backstage-community__plugin-jenkins-backend.json");
  CHECK(jenkins.versions.size() == 2);
  CHECK(jenkins.latest()->version == "0.31.0");
  CHECK(jenkins.latest()->published == at("2026-09-23T10:23:45.759Z"));

  const Packument types = load("backstage__types.json");
  CHECK(types.versions.size() == 10);
  CHECK(types.versions.front().version == "0.1.1");
  CHECK(types.latest()->version == "1.2.2");
  CHECK(detect_role(*types.latest()) == PackageRole::kCommonLibrary);
  CHECK(types.latest()->dist.shasum == "280e3dec7be5bcddc54ee0e8a024a2768d274692");

  for (const Packument* p : {&argo, &jenkins, &types}) {
    const auto again = parse_packument(to_json(*p));
    REQUIRE(again.ok());
    CHECK(*again == *p);
  }
}

TEST_CASE("abbreviated (install) packuments parse", "[model][packument]") {
  // The shape of application/vnd.npm.install-v1+json.
  const auto r = parse_packument(R"json({
    "name": "left-pad", "modified": "2024-01-02T03:04:05.678Z",
    "dist-tags": {"latest": "1.3.0"},
    "versions": {
      "1.3.0": {"name": "left-pad", "version": "1.3.0", "deprecated": "use String.prototype.padStart()",
                "dist": {"integrity": "sha512-abc", "shasum": "5b8a", "tarball": "https://registry.invalid/left-pad/-/left-pad-1.3.0.tgz",
                         "fileCount": 9, "unpackedSize": 9456},
                "devDependencies": {"tape": "*"}, "_hasShrinkwrap": false},
      "1.1.0": {"name": "left-pad", "version": "1.1.0", "dist": {"shasum": "ab", "tarball": "t"}}
    }})json");
  REQUIRE(r.ok());
  CHECK(r->modified == at("2024-01-02T03:04:05.678Z"));
  CHECK(r->created == Timestamp{});
  REQUIRE(r->versions.size() == 2);
  CHECK(r->versions[0].version == "1.1.0");
  CHECK(r->versions[1].deprecated == "use String.prototype.padStart()");
  CHECK(r->versions[1].dist.file_count == 9u);
  CHECK(r->versions[1].dist.unpacked_size == 9456u);
  CHECK(r->versions[1].published == Timestamp{});
  CHECK(r->latest()->version == "1.3.0");
}

TEST_CASE("packument versions: invalid keys dropped, time map, latest fallbacks",
          "[model][packument]") {
  const auto r = parse_packument(R"({
    "name": "p", "description": "d", "readme": "# big", "users": {"a": true}, "_attachments": {},
    "dist-tags": {"latest": "9.9.9", "next": "2.0.0-rc.1", "bad": 5},
    "time": {"created": "2020-01-01T00:00:00.000Z", "modified": "2021-01-01T00:00:00.000Z",
             "1.0.0": "2020-02-01T00:00:00.000Z", "2.0.0-rc.1": "nonsense"},
    "versions": {
      "1.0.0": {"version": "1.0.0", "readme": "x", "maintainers": [{"name": "m"}]},
      "v1.1.0": {"version": "1.1.0"},
      "1.2": {},
      "not-a-version": {},
      "1.0.0+build.2": {"name": "p"},
      "1.0.0+build.10": {"name": "p"},
      "1.0.0+build.02": {"name": "p"},
      "2.0.0-rc.1": {"name": "p", "version": "something else"},
      "3.0.0": "not an object",
      "1.5.0": {"name": "other-name"}
    }})");
  REQUIRE(r.ok());
  const auto& p = *r;
  CHECK(p.description == "d");
  CHECK(p.dist_tags.size() == 2);
  CHECK(p.created == at("2020-01-01T00:00:00.000Z"));
  CHECK(p.modified == at("2021-01-01T00:00:00.000Z"));
  // Equal build precedence (2 and 02) falls back to the text.
  CHECK(version_list(p) == std::vector<std::string>{"1.0.0", "1.0.0+build.02", "1.0.0+build.2",
                                                    "1.0.0+build.10", "1.5.0", "2.0.0-rc.1"});
  CHECK(p.versions[0].name == "p");  // absent name: the packument's
  CHECK(p.versions[0].published == at("2020-02-01T00:00:00.000Z"));
  CHECK(p.versions[5].version == "2.0.0-rc.1");  // the key is authoritative
  CHECK(p.versions[5].published == Timestamp{});
  CHECK(p.versions[4].name == "other-name");
  // dist-tags.latest names a missing version: the highest release wins.
  REQUIRE(p.latest() != nullptr);
  CHECK(p.latest()->version == "1.5.0");
}

TEST_CASE("latest() with only prereleases and with none", "[model][packument]") {
  Packument p;
  CHECK(p.latest() == nullptr);
  Manifest a;
  a.version = "1.0.0-alpha";
  Manifest b;
  b.version = "1.0.0-beta+x-y";
  p.versions = {a, b};
  CHECK(p.latest()->version == "1.0.0-beta+x-y");
  Manifest c;
  c.version = "0.9.0+build-1";
  p.versions.insert(p.versions.begin(), c);
  CHECK(p.latest()->version == "0.9.0+build-1");
}

TEST_CASE("packument errors", "[model][packument][errors]") {
  SECTION("missing name") {
    const auto r = parse_packument(R"({"versions":{}})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(r.error().detail("pointer") == "/name");
  }
  SECTION("name not a string") {
    const auto r = parse_packument(R"({"name":["x"]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail("pointer") == "/name");
    CHECK(r.error().message.find("not a string") != std::string::npos);
  }
  SECTION("top level") {
    CHECK_FALSE(parse_packument("[]").ok());
    CHECK_FALSE(parse_packument("").ok());
  }
  SECTION("syntax error position") {
    const auto r = parse_packument("{\"name\":\"p\",\n\"versions\":{\"1.0.0\":{,}}}");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail("line") == "2");
    CHECK(r.error().detail("column") == "22");
  }
  SECTION("max_versions") {
    ParseLimits limits;
    limits.max_versions = 2;
    const std::string three = R"({"name":"p","versions":{"1.0.0":{},"1.0.1":{},"1.0.2":{}}})";
    const auto r = parse_packument(three, limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kResourceExhausted);
    CHECK(r.error().detail("pointer") == "/versions");
    CHECK(r.error().detail("package") == "p");
    limits.max_versions = 3;
    CHECK(parse_packument(three, limits).ok());
  }
  SECTION("size limit") {
    ParseLimits limits;
    limits.max_document_bytes = 5;
    const auto r = parse_packument(R"({"name":"p"})", limits);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kResourceExhausted);
  }
}
