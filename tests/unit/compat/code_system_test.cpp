// The backend system read from a verified tarball's code (a stored
// ArtifactRecord passed through ScanOptions::artifacts) wins over what
// package.json suggests, in scan() and in the matrix alike.

#include <catch2/catch.hpp>

#include "callboard/artifact.hpp"
#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

namespace {

// 1.0.0 and 1.1.0 ship backend-common; 1.2.0 no longer does (the legacy
// backend system is gone from 1.2.0).
const ReleaseCatalog& history() {
  static const ReleaseCatalog catalog({
      release("1.0.0", {{"@backstage/backend-common", "0.13.0"}, {"@backstage/backend-plugin-api", "0.1.0"}}),
      release("1.1.0", {{"@backstage/backend-common", "0.14.0"}, {"@backstage/backend-plugin-api", "0.2.0"}}),
      release("1.2.0", {{"@backstage/backend-plugin-api", "0.3.0"}}),
  });
  return catalog;
}

ArtifactRecord code_record(const Manifest& m, PluginSystem system) {
  ArtifactRecord r;
  r.name = m.name;
  r.version = m.version;
  r.integrity = "sha512-" + std::string(86, 'Q') + "==";
  r.backend_system = system;
  if (system == PluginSystem::kNew || system == PluginSystem::kTransitional) {
    r.code_markers.emplace_back("createBackendPlugin");
    r.entry_points.push_back({".", "dist/index.cjs.js", true, true});
  }
  if (system == PluginSystem::kLegacy || system == PluginSystem::kTransitional) {
    r.code_markers.emplace_back("createRouter");
  }
  return r;
}

ScanResult run(const Manifest& m, std::string_view release, const ScanOptions& options = {}) {
  auto r = scan(m, history(), release, options);
  REQUIRE(r.ok());
  return *r;
}

ScanOptions with(const std::vector<ArtifactRecord>& records) {
  ScanOptions o;
  o.artifacts = records;
  return o;
}

// A backend plugin whose package.json shows no system at all: metadata
// calls it legacy (pre-metadata packages).
Manifest silent_backend() { return plugin("@acme/plugin-x-backend", PackageRole::kBackendPlugin, {}); }

Manifest new_by_metadata() {
  Manifest m = plugin("@acme/plugin-y-backend", PackageRole::kBackendPlugin,
                      {{"@backstage/backend-plugin-api", ">=0.1.0"}});
  m.backstage->features["."] = "@backstage/BackendFeature";
  return m;
}

}  // namespace

TEST_CASE("code that shows the new system clears a legacy verdict from metadata") {
  const Manifest m = silent_backend();
  REQUIRE(classify_plugin_systems(m).backend == PluginSystem::kLegacy);
  const ScanResult by_metadata = run(m, "1.2.0");
  CHECK(by_metadata.tier == Tier::kIncompatible);
  CHECK(deciding_ids(by_metadata) == std::vector<std::string>{"legacy-backend-system"});
  CHECK_FALSE(has(by_metadata, "backend-system-code-mismatch"));

  const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kNew)};
  const ScanResult by_code = run(m, "1.2.0", with(records));
  CHECK(by_code.tier == Tier::kAligned);
  CHECK_FALSE(has(by_code, "legacy-backend-system"));
  const Finding* f = get(by_code, "backend-system-code-mismatch");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::kWarning);  // the legacy verdict flips
  CHECK(f->limit == Tier::kAligned);
  CHECK(f->evidence == Evidence{m.name, "backend system", "legacy", "new", "1.2.0"});
  CHECK(f->message.find("createBackendPlugin") != std::string::npos);
  CHECK(f->message.find("default export on .") != std::string::npos);
  CHECK(f->message.find("sha512-QQQQ") != std::string::npos);
}

TEST_CASE("code that shows only the legacy system makes a new-by-metadata plugin legacy") {
  const Manifest m = new_by_metadata();
  REQUIRE(classify_plugin_systems(m).backend == PluginSystem::kNew);
  CHECK(run(m, "1.2.0").tier == Tier::kAligned);

  const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kLegacy)};
  const ScanResult before_gone = run(m, "1.1.0", with(records));
  CHECK(get(before_gone, "legacy-backend-system")->severity == Severity::kWarning);
  const ScanResult gone = run(m, "1.2.0", with(records));
  CHECK(gone.tier == Tier::kIncompatible);
  const Finding* legacy = get(gone, "legacy-backend-system");
  REQUIRE(legacy != nullptr);
  CHECK(legacy->evidence.field == "backend system (code)");
  CHECK(get(gone, "backend-system-code-mismatch")->evidence ==
        Evidence{m.name, "backend system", "new", "legacy", "1.2.0"});
}

TEST_CASE("differences that do not touch the legacy verdict are info") {
  Manifest m = new_by_metadata();
  const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kTransitional)};
  const ScanResult r = run(m, "1.2.0", with(records));
  CHECK(r.tier == Tier::kAligned);
  CHECK(get(r, "backend-system-code-mismatch")->severity == Severity::kInfo);
  CHECK(get(r, "transitional-backend-system")->evidence.field == "backend system (code)");
}

TEST_CASE("the code's system meets the host's") {
  const Manifest m = silent_backend();
  HostProfile host;
  host.backend_system = PluginSystem::kLegacy;
  const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kNew)};
  ScanOptions options = with(records);
  options.host = &host;
  const ScanResult r = run(m, "1.1.0", options);
  CHECK(deciding_ids(r) == std::vector<std::string>{"backend-system-mismatch"});
  CHECK(get(r, "backend-system-mismatch")->evidence.field == "backend system (code)");
}

TEST_CASE("records that do not apply or do not decide leave metadata in charge") {
  const Manifest m = silent_backend();
  const ScanResult plain = run(m, "1.2.0");

  SECTION("another version's record") {
    Manifest other = m;
    other.version = "2.0.0";
    const std::vector<ArtifactRecord> records{code_record(other, PluginSystem::kNew)};
    CHECK(run(m, "1.2.0", with(records)) == plain);
  }
  SECTION("another package's record") {
    Manifest other = m;
    other.name = "@acme/plugin-z-backend";
    const std::vector<ArtifactRecord> records{code_record(other, PluginSystem::kNew)};
    CHECK(run(m, "1.2.0", with(records)) == plain);
  }
  SECTION("code without any backend sign") {
    const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kNotApplicable)};
    CHECK(run(m, "1.2.0", with(records)) == plain);
  }
  SECTION("code that agrees: no mismatch, the evidence says where the system came from") {
    const std::vector<ArtifactRecord> records{code_record(m, PluginSystem::kLegacy)};
    const ScanResult r = run(m, "1.2.0", with(records));
    CHECK(r.tier == plain.tier);
    CHECK_FALSE(has(r, "backend-system-code-mismatch"));
    CHECK(get(r, "legacy-backend-system")->evidence.field == "backend system (code)");
  }
}

TEST_CASE("matrix rows follow the code like scan does") {
  const Manifest a = silent_backend();
  const Manifest b = new_by_metadata();
  Manifest a2 = a;
  a2.version = "1.1.0";
  const std::vector<ArtifactRecord> records{code_record(a, PluginSystem::kNew), code_record(b, PluginSystem::kLegacy)};
  const ScanOptions options = with(records);
  MatrixBuilder builder(history(), options);
  for (const Manifest* m : {&a, &b, static_cast<const Manifest*>(&a2)}) {
    const std::vector<Tier> row = builder.tiers(*m);
    for (std::size_t r = 0; r < row.size(); ++r) {
      INFO(m->name << "@" << m->version << " on " << history().releases()[r]);
      CHECK(row[r] == run(*m, history().releases()[r], options).tier);
    }
  }
  CHECK(builder.tiers(a).back() == Tier::kAligned);
  CHECK(builder.tiers(a2).back() == Tier::kIncompatible);  // no record for 1.1.0
  CHECK(builder.tiers(b).back() == Tier::kIncompatible);
}

TEST_CASE("a real tarball: the record of its code decides on a real release") {
  // proxy-backend 0.2.41 exports createRouter and a named plugin: the
  // code shows both systems.
  const std::string bytes = read_text(repo_root() / "tests/fixtures/artifact/real/backstage-plugin-proxy-backend-0.2.41.tgz");
  auto contents = read_package_contents(bytes);
  REQUIRE(contents.ok());
  auto hash = verify_integrity(bytes, compute_integrity(bytes));
  REQUIRE(hash.ok());
  auto record = artifact_record(*contents, *hash, Timestamp{});
  REQUIRE(record.ok());
  CHECK(record->backend_system == PluginSystem::kTransitional);
  const Manifest& m = contents->manifest;
  const PluginSystem metadata = classify_plugin_systems(m).backend;
  const std::vector<ArtifactRecord> records{*record};
  ScanOptions options;
  options.artifacts = records;
  auto with_code = scan(m, real_catalog(), "1.32.0", options);
  REQUIRE(with_code.ok());
  CHECK_FALSE(has(*with_code, "legacy-backend-system"));
  CHECK(has(*with_code, "transitional-backend-system"));
  CHECK(has(*with_code, "backend-system-code-mismatch") == (metadata != PluginSystem::kTransitional));
  MatrixBuilder builder(real_catalog(), options);
  const auto row = builder.tiers(m);
  const auto r = real_catalog().find("1.32.0");
  REQUIRE(r.has_value());
  CHECK(row[*r] == with_code->tier);
}
