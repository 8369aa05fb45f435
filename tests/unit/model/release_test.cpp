// Release manifests: every saved one in data/releases parses.
#include <catch2/catch.hpp>

#include "callboard/model.hpp"

#include "model_test_util.hpp"

using namespace callboard;
using callboard::model_test::read_text;

namespace {
Release load_release(const std::string& version) {
  const auto r = parse_release(
      read_text(std::filesystem::path(CALLBOARD_DATA_DIR) / "releases" / (version + ".json")));
  if (!r.ok()) FAIL(r.error().to_string());
  return *r;
}
}  // namespace

TEST_CASE("every saved release manifest parses and round-trips", "[model][release]") {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(CALLBOARD_DATA_DIR) / "releases")) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path().filename().string());
    const auto r = parse_release(read_text(entry.path()));
    REQUIRE(r.ok());
    CHECK(r->version == entry.path().stem().string());
    const auto again = parse_release(to_json(*r));
    REQUIRE(again.ok());
    CHECK(*again == *r);
    ++count;
  }
  CHECK(count == 203);
}

TEST_CASE("package counts of known releases", "[model][release]") {
  CHECK(load_release("1.0.0").packages.size() == 132);
  CHECK(load_release("1.27.0").packages.size() == 170);
  const Release r = load_release("1.53.0");
  CHECK(r.packages.size() == 211);
  REQUIRE(r.find("@backstage/app-defaults") != nullptr);
  CHECK(*r.find("@backstage/app-defaults") == "1.7.10");
  CHECK(r.find("@backstage/backend-common") == nullptr);
  CHECK(load_release("1.31.0").find("@backstage/backend-common") != nullptr);
}

TEST_CASE("release JSON is the upstream format", "[model][release]") {
  Release r;
  r.version = "1.2.3";
  r.packages = {{"@backstage/b", "2.0.0"}, {"@backstage/a", "1.0.0"}};
  CHECK(
      to_json(r) ==
      R"({"releaseVersion":"1.2.3","packages":[{"name":"@backstage/a","version":"1.0.0"},{"name":"@backstage/b","version":"2.0.0"}]})");
  const auto empty = parse_release(R"({"releaseVersion":"0.1.0","packages":[]})");
  REQUIRE(empty.ok());
  CHECK(empty->packages.empty());
}

TEST_CASE("release errors name the pointer", "[model][release][errors]") {
  struct Case {
    const char* text;
    const char* pointer;
  };
  for (const Case& c :
       {Case{R"({"packages":[]})", "/releaseVersion"},
        Case{R"({"releaseVersion":1,"packages":[]})", "/releaseVersion"},
        Case{R"({"releaseVersion":"1.0.0"})", "/packages"},
        Case{R"({"releaseVersion":"1.0.0","packages":{}})", "/packages"},
        Case{R"({"releaseVersion":"1.0.0","packages":[{"name":"a","version":"1"},7]})",
             "/packages/1"},
        Case{R"({"releaseVersion":"1.0.0","packages":[{"version":"1"}]})", "/packages/0/name"},
        Case{R"({"releaseVersion":"1.0.0","packages":[{"name":"a","version":null}]})",
             "/packages/0/version"}}) {
    INFO(c.text);
    const auto r = parse_release(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(r.error().detail("pointer") == c.pointer);
    CHECK(r.error().message.find(c.pointer) != std::string::npos);
  }
}
