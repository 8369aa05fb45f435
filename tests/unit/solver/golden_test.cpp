// Data-driven solver cases: tests/cases/solver/*.json. Each case gives a
// registry (inline, and/or real packuments from files), an optional app and
// release, the requested changes and what must come out: a plan's versions
// and duplicates, or the exact failure text. A bug becomes a new file.
//
//   {"description", "registry": {name: {version: package.json}},
//    "packuments": ["tests/cases/solver/packuments/x.json"],
//    "singletons": "all" | [names] (absent: the Backstage default),
//    "external": true (unknown packages are external),
//    "release": {"version", "packages": {name: version}} | "releaseFile": "data/releases/1.31.0.json",
//    "releases": ["data/releases/1.32.0.json", ...], "allowReleaseUpgrade": true,
//    "app": {"backstageVersion", "packages": [{"path", "manifest": {package.json}}], "locked": {name: version}},
//    "changes": [{"kind": "add"|"upgrade"|"remove", "name", "range"}],
//    "rootName": "root", "releasePins": "compatible", "peers": "strict" | "lenient",
//    "devDependencies": false,
//    "expect": {"ok": true, "versions": {name: version}, "nested": {name: [versions]},
//               "duplicates": {name: [versions]}, "edits": [[file, "dependencies > name", from, to]],
//               "release": "1.x", "pinSubstitutes": [[name, pinned, chosen]], "findings": [id, ...]}
//            | {"ok": false, "explanation": "...",
//               "ranges": [[package, range, requiredBy, kind, "admitted, ... (count)"]]}}
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "solver_test_support.hpp"

namespace json = boost::json;
using namespace callboard;
using namespace callboard::solver;
using callboard::solver::test::read_text;

namespace {

const std::filesystem::path kRepo = std::filesystem::path(CALLBOARD_DATA_DIR).parent_path();

Release load_release(const std::string& file) {
  auto r = parse_release(read_text(kRepo / file));
  REQUIRE(r.ok());
  return *r;
}

Manifest manifest_from(const json::object& o) {
  auto m = parse_manifest(json::serialize(o));
  REQUIRE(m.ok());
  return *m;
}

std::vector<std::string> string_list(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

void run_case(const std::filesystem::path& path) {
  const json::object c = json::parse(read_text(path)).as_object();
  MemoryPackageSource source;
  if (c.contains("registry")) {
    for (Packument& p : solver::test::registry_from_json(c.at("registry").as_object())) source.add(std::move(p));
  }
  if (c.contains("packuments")) {
    for (const std::string& file : string_list(c.at("packuments"))) {
      auto p = parse_packument(read_text(kRepo / file));
      REQUIRE(p.ok());
      source.add(std::move(*p));
    }
  }
  SolveRequest request;
  if (c.contains("singletons")) {
    if (c.at("singletons").is_string()) {
      request.options.all_singletons = true;
    } else {
      request.options.singletons = string_list(c.at("singletons"));
    }
  }
  if (c.contains("external") && c.at("external").as_bool()) {
    request.options.unknown_packages = UnknownPackages::kAssumeExternal;
  }
  if (c.contains("releasePins") && c.at("releasePins").as_string() == "compatible") {
    request.options.release_pins = ReleasePins::kCompatible;
  }
  if (c.contains("devDependencies")) request.options.dev_dependencies = c.at("devDependencies").as_bool();
  if (c.contains("peers")) {
    request.options.peers = c.at("peers").as_string() == "strict" ? PeerRule::kStrict : PeerRule::kLenient;
  }
  if (c.contains("release")) {
    Release r;
    r.version = std::string(c.at("release").at("version").as_string());
    for (const auto& [k, v] : c.at("release").at("packages").as_object()) r.packages[std::string(k)] = std::string(v.as_string());
    request.release = r;
  }
  if (c.contains("releaseFile")) request.release = load_release(std::string(c.at("releaseFile").as_string()));
  if (c.contains("releases")) {
    for (const std::string& file : string_list(c.at("releases"))) request.releases.push_back(load_release(file));
  }
  if (c.contains("allowReleaseUpgrade")) request.allow_release_upgrade = c.at("allowReleaseUpgrade").as_bool();
  if (c.contains("app")) {
    const json::object& app = c.at("app").as_object();
    if (app.contains("backstageVersion")) request.app.backstage_version = std::string(app.at("backstageVersion").as_string());
    for (const auto& wp : app.at("packages").as_array()) {
      request.app.packages.push_back(
          {std::string(wp.at("path").as_string()), manifest_from(wp.at("manifest").as_object())});
    }
    if (app.contains("packageManager")) {
      const std::string pm(app.at("packageManager").as_string());
      for (PackageManager m : {PackageManager::kNpm, PackageManager::kYarnClassic, PackageManager::kYarnBerry,
                               PackageManager::kPnpm}) {
        if (to_string(m) == pm) request.app.package_manager = m;
      }
    }
    if (app.contains("locked")) {
      for (const auto& [k, v] : app.at("locked").as_object()) {
        request.app.locked.push_back({std::string(k), std::string(v.as_string()), "", "node_modules/" + std::string(k), true, {}});
        request.app.lockfile = LockfileKind::kNpm;
      }
    }
  }
  for (const auto& ch : c.at("changes").as_array()) {
    PackageChange change;
    const std::string kind(ch.at("kind").as_string());
    change.kind = kind == "remove" ? ChangeKind::kRemove : kind == "upgrade" ? ChangeKind::kUpgrade : ChangeKind::kAdd;
    change.name = std::string(ch.at("name").as_string());
    if (ch.as_object().contains("range")) change.range = std::string(ch.at("range").as_string());
    request.changes.push_back(change);
  }
  if (c.contains("rootName")) request.root_name = std::string(c.at("rootName").as_string());

  auto outcome = solve(request, source);
  REQUIRE(outcome.ok());
  if (const char* dump = std::getenv("CALLBOARD_GOLDEN_DUMP"); dump != nullptr && *dump != '\0') {
    // For reviewing a changed expectation: the whole outcome, one file per case.
    std::ofstream(std::filesystem::path(dump) / path.filename()) << to_json(*outcome) << '\n';
  }
  const json::object& expect = c.at("expect").as_object();
  INFO(to_json(*outcome));
  if (!expect.at("ok").as_bool()) {
    REQUIRE(outcome->conflict.has_value());
    const std::string want(expect.at("explanation").as_string());
    if (outcome->conflict->explanation != want) {
      std::cerr << path.filename().string() << " explanation:\n" << outcome->conflict->explanation << '\n';
    }
    CHECK(outcome->conflict->explanation == want);
    if (expect.contains("ranges")) {
      // [package, range, requiredBy, kind, "admitted, versions (count)"]
      std::vector<std::vector<std::string>> got, want_ranges;
      for (const ConflictRange& r : outcome->conflict->ranges) {
        std::string admitted;
        for (const std::string& v : r.admitted) admitted += (admitted.empty() ? "" : ", ") + v;
        got.push_back({r.package, r.range, r.required_by, r.kind,
                       admitted + " (" + std::to_string(r.admitted_count) + ")"});
      }
      for (const auto& r : expect.at("ranges").as_array()) want_ranges.push_back(string_list(r));
      CHECK(got == want_ranges);
    }
    auto back = parse_outcome_json(to_json(*outcome));
    REQUIRE(back.ok());
    CHECK(*back->conflict == *outcome->conflict);
    return;
  }
  REQUIRE(outcome->plan.has_value());
  const InstallPlan& plan = *outcome->plan;
  if (expect.contains("versions")) {
    std::map<std::string, std::string> got, want;
    for (const PlannedPackage& p : plan.packages) {
      if (p.host_level) got[p.name] = p.version;
    }
    for (const auto& [k, v] : expect.at("versions").as_object()) want[std::string(k)] = std::string(v.as_string());
    CHECK(got == want);
  }
  if (expect.contains("nested")) {
    std::map<std::string, std::vector<std::string>> got, want;
    for (const PlannedPackage& p : plan.packages) {
      if (!p.host_level) got[p.name].push_back(p.version);
    }
    for (const auto& [k, v] : expect.at("nested").as_object()) want[std::string(k)] = string_list(v);
    CHECK(got == want);
  }
  if (expect.contains("duplicates")) {
    std::map<std::string, std::vector<std::string>> got, want;
    for (const DuplicateCopies& d : plan.duplicates) got[d.name] = d.versions;
    for (const auto& [k, v] : expect.at("duplicates").as_object()) want[std::string(k)] = string_list(v);
    CHECK(got == want);
  }
  if (expect.contains("edits")) {
    std::vector<std::vector<std::string>> got, want;
    for (const ManifestEdit& e : plan.edits) {
      std::string path;
      for (const std::string& part : e.path) path += (path.empty() ? "" : " > ") + part;
      got.push_back({e.file, path, e.from.value_or(""), e.to.value_or("")});
    }
    for (const auto& e : expect.at("edits").as_array()) want.push_back(string_list(e));
    CHECK(got == want);
  }
  if (expect.contains("releaseMoves")) {
    std::vector<std::vector<std::string>> got, want;
    for (const ReleaseMove& m : plan.release_moves) got.push_back({m.name, m.from, m.to});
    for (const auto& m : expect.at("releaseMoves").as_array()) want.push_back(string_list(m));
    CHECK(got == want);
  }
  if (expect.contains("pinSubstitutes")) {
    std::vector<std::vector<std::string>> got, want;
    for (const PinSubstitute& sub : plan.pin_substitutes) got.push_back({sub.name, sub.pinned, sub.chosen});
    for (const auto& m : expect.at("pinSubstitutes").as_array()) want.push_back(string_list(m));
    CHECK(got == want);
  }
  if (expect.contains("findings")) {
    std::vector<std::string> got;
    for (const PlanFinding& f : plan.findings) got.push_back(f.id + (f.package.empty() ? "" : " " + f.package));
    CHECK(got == string_list(expect.at("findings")));
  }
  if (expect.contains("actions")) {
    std::map<std::string, std::string> got, want;
    for (const PlannedPackage& p : plan.packages) {
      got[p.name + (p.host_level ? "" : "@" + p.version)] = std::string(to_string(p.action));
    }
    for (const auto& [k, v] : expect.at("actions").as_object()) want[std::string(k)] = std::string(v.as_string());
    CHECK(got == want);
  }
  // Round trip through the JSON document `callboard check` reads back.
  auto back = parse_outcome_json(to_json(*outcome));
  REQUIRE(back.ok());
  CHECK(*back->plan == plan);
  if (expect.contains("release")) CHECK(plan.release == std::string(expect.at("release").as_string()));
}

}  // namespace

TEST_CASE("golden solver cases", "[solver][golden]") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kRepo / "tests/cases/solver")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 8);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) { run_case(file); }
  }
}

TEST_CASE("plan JSON: reasonKind round-trips, is optional in older documents, and is checked", "[solver][json]") {
  InstallPlan plan;
  plan.release = "1.30.0";
  for (ReasonKind kind : {ReasonKind::kUnspecified, ReasonKind::kReleasePin, ReasonKind::kReleasePinRange,
                          ReasonKind::kAlreadyInstalled, ReasonKind::kNewestAllowed, ReasonKind::kHeldByConflict,
                          ReasonKind::kRemovalRequested, ReasonKind::kNoLongerRequired}) {
    PlannedPackage p;
    p.name = "pkg-" + std::string(to_string(kind));
    p.version = "1.0.0";
    p.reason = "text for people";
    p.reason_kind = kind;
    plan.packages.push_back(p);
  }
  SolveOutcome outcome;
  outcome.plan = plan;
  const std::string text = to_json(outcome);
  const boost::json::value doc = boost::json::parse(text);
  const auto& packages = doc.at("plan").at("packages").as_array();
  REQUIRE(packages.size() == 8);
  CHECK(packages.at(1).at("reasonKind").as_string() == "release-pin");
  CHECK(packages.at(1).at("reason").as_string() == "text for people");  // the text stays
  auto back = parse_outcome_json(text);
  REQUIRE(back.ok());
  CHECK(*back->plan == plan);

  // A document from before reasonKind: the kind is unspecified, the rest reads as before.
  boost::json::value old = doc;
  for (auto& p : old.at("plan").at("packages").as_array()) p.as_object().erase("reasonKind");
  auto older = parse_outcome_json(boost::json::serialize(old));
  REQUIRE(older.ok());
  for (const PlannedPackage& p : older->plan->packages) CHECK(p.reason_kind == ReasonKind::kUnspecified);

  boost::json::value bad = doc;
  bad.at("plan").at("packages").as_array().at(0).as_object()["reasonKind"] = "pinned by";
  auto refused = parse_outcome_json(boost::json::serialize(bad));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kInvalidArgument);
  CHECK(refused.error().message.find("unknown reasonKind 'pinned by'") != std::string::npos);
}
