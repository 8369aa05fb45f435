// Golden verdicts: the real package.json fixtures (tests/fixtures/
// plugin-package-json, a copy of ../shared/data/plugin-package-json) against
// the real release manifests, alone and inside the sample app
// (examples/sample-app, Backstage 1.31.0). Expected output lives in
// tests/cases/compat/fixtures.json; a changed verdict is a reviewed diff.
//
// To re-record after a deliberate rule change:
//   CALLBOARD_COMPAT_RECORD=1 build/<dir>/tests/callboard_compat_tests "golden*"
// then read the diff of fixtures.json before keeping it.

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <set>

#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;
namespace json = boost::json;

namespace {

std::filesystem::path golden_path() {
  return std::filesystem::path(CALLBOARD_CASES_DIR) / "compat/fixtures.json";
}

json::array strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

std::vector<std::string> labelled(const ScanResult& r, bool deciding_only) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    if (deciding_only && std::find(r.deciding.begin(), r.deciding.end(), i) == r.deciding.end())
      continue;
    out.push_back(r.findings[i].id + " " + r.findings[i].evidence.package);
  }
  return out;
}

const HostProfile& sample_host() {
  static const HostProfile host = [] {
    auto app = load_app_profile(repo_root() / "examples/sample-app");
    if (!app) throw std::runtime_error(app.error().to_string());
    return host_from_app(*app);
  }();
  return host;
}

json::object compute(const json::object& input) {
  const std::string file(input.at("fixture").as_string());
  const std::string release(input.at("release").as_string());
  const bool with_app = input.contains("app");
  ScanOptions options;
  if (with_app) options.host = &sample_host();
  auto r = scan(fixture(file), real_catalog(), release, options);
  if (!r) throw std::runtime_error(r.error().to_string());
  json::object out;
  out["fixture"] = file;
  out["release"] = release;
  if (with_app) out["app"] = input.at("app");
  out["tier"] = std::string(to_string(r->tier));
  out["deciding"] = strings(labelled(*r, true));
  out["findings"] = strings(labelled(*r, false));
  return out;
}

}  // namespace

TEST_CASE("golden verdicts for the real package.json fixtures") {
  const json::value doc = json::parse(read_text(golden_path()));
  const json::array& cases = doc.at("cases").as_array();
  REQUIRE(cases.size() >= 15 * 9);
  if (std::getenv("CALLBOARD_COMPAT_RECORD") != nullptr) {
    json::object out = doc.as_object();
    json::array recorded;
    for (const auto& c : cases) recorded.push_back(compute(c.as_object()));
    out["cases"] = recorded;
    std::ofstream(golden_path()) << json::serialize(out) << '\n';
    WARN("recorded " << recorded.size() << " cases into " << golden_path());
    return;
  }
  std::set<std::string> files;
  for (const auto& c : cases) {
    const json::object& expected = c.as_object();
    files.insert(std::string(expected.at("fixture").as_string()));
    const json::object got = compute(expected);
    INFO(expected.at("fixture").as_string()
         << " on " << expected.at("release").as_string()
         << (expected.contains("app") ? " in the sample app" : ""));
    CHECK(json::serialize(got.at("tier")) == json::serialize(expected.at("tier")));
    CHECK(json::serialize(got.at("deciding")) == json::serialize(expected.at("deciding")));
    CHECK(json::serialize(got.at("findings")) == json::serialize(expected.at("findings")));
  }
  // Every fixture has golden cases.
  CHECK(files.size() == fixture_files().size());
}

// Spot checks, each against a fact stated in the research notes or visible
// in the fixture, independent of the recorded file.
TEST_CASE("golden facts: the legacy backend ends at 1.32.0") {
  // scaffolder-backend 0.6.0 (2021): backend-common ^0.5.2, no metadata.
  const Manifest old = fixture("backstage__plugin-scaffolder-backend.json");
  const auto on_31 = *scan(old, real_catalog(), "1.31.0");
  CHECK(on_31.tier == Tier::kCompatible);  // a second backend-common, still shipped
  CHECK(has(on_31, "backstage-range-mismatch", "@backstage/backend-common"));
  CHECK(get(on_31, "legacy-backend-system")->severity == Severity::kWarning);
  const auto on_32 = *scan(old, real_catalog(), "1.32.0");
  CHECK(on_32.tier == Tier::kIncompatible);
  CHECK(has(on_32, "package-removed", "@backstage/backend-common"));
  CHECK(get(on_32, "legacy-backend-system")->severity == Severity::kError);
}

TEST_CASE(
    "golden facts: jenkins-backend 0.4.6 is transitional and pinned to backend-plugin-api 0.6") {
  const Manifest m = fixture("backstage-community__plugin-jenkins-backend.json");
  // backend-plugin-api ^0.6.21 meets 1.0.0 at Backstage 1.31.0.
  const auto r = *scan(m, real_catalog(), "1.31.0");
  CHECK(r.tier == Tier::kIncompatible);
  CHECK(deciding_ids(r) == std::vector<std::string>{"singleton-duplicate"});
  CHECK(get(r, "singleton-duplicate")->evidence.found == "1.0.0");
  CHECK(has(r, "transitional-backend-system"));
  CHECK_FALSE(has(r, "legacy-backend-system"));
}

TEST_CASE("golden facts: the RHDH wrapper is judged by its supported-versions") {
  const Manifest m = fixture("unscoped__backstage-community-plugin-topology.json");
  CHECK(scan(m, real_catalog(), "1.45.3")->tier == Tier::kAligned);
  CHECK(deciding_ids(*scan(m, real_catalog(), "1.44.0")) ==
        std::vector<std::string>{"declared-target"});
  CHECK(get(*scan(m, real_catalog(), "1.53.0"), "declared-target")->severity == Severity::kWarning);
}

TEST_CASE("golden facts: new frontend plugins need frontend-plugin-api from 1.18.0") {
  const Manifest m = fixture("backstage-community__plugin-tech-radar.json");
  const auto r = *scan(m, real_catalog(), "1.17.0");
  CHECK(has(r, "package-unreleased", "@backstage/frontend-plugin-api"));
  CHECK(r.tier == Tier::kIncompatible);
}

TEST_CASE("golden facts: the sample app's React 18 against React 16/17 peers") {
  ScanOptions options;
  options.host = &sample_host();
  const auto r =
      *scan(fixture("roadiehq__backstage-plugin-argo-cd.json"), real_catalog(), "1.31.0", options);
  CHECK(has(r, "peer-unsatisfiable", "react"));
  CHECK(get(r, "peer-unsatisfiable", "react")->evidence.found == "^18.0.2");
  // A backend plugin is not checked against the frontend's peers, and the
  // app has both hosts.
  const auto b = *scan(fixture("roadiehq__backstage-plugin-argo-cd-backend.json"), real_catalog(),
                       "1.31.0", options);
  CHECK_FALSE(has(b, "peer-unsatisfiable"));
  CHECK_FALSE(has(b, "role-mismatch"));
}

TEST_CASE("golden scans are deterministic") {
  for (const auto& file : fixture_files()) {
    const Manifest m = fixture(file);
    for (std::string_view release : {"1.0.0", "1.31.0", "1.53.0"}) {
      const std::string first = to_json(*scan(m, real_catalog(), release));
      CHECK(first == to_json(*scan(m, real_catalog(), release)));
      CHECK(first == to_json(*scan(fixture(file), ReleaseCatalog(real_releases()), release)));
    }
  }
}
