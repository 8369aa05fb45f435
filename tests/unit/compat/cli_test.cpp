// `callboard scan` and `callboard matrix` end to end: a SQLite database
// holding the packument fixtures and the real release manifests, the CLI run
// as a process, its JSON compared with the library's answers.

#ifdef CALLBOARD_CLI_PATH

#include <algorithm>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "callboard/codec.hpp"
#include "callboard/session.hpp"
#include <unistd.h>

#include "callboard/backend/storage.hpp"

#include "child_process.hpp"
#include "compat_test_support.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;
using callboard::test::TempDir;
namespace json = boost::json;

namespace {


/// A database with the fixtures, made once per test process.
const std::string& db_url() {
  static const TempDir dir;
  static const std::string url = [] {
    std::string u = "sqlite:" + (dir.path / "cli.db").string();
    auto storage = backend::open_storage(u);
    if (!storage) throw std::runtime_error(storage.error().to_string());
    auto txn = (*storage)->begin();
    if (!txn) throw std::runtime_error(txn.error().to_string());
    for (const auto& p : fixture_packuments()) {
      if (!(*txn)->put_packument(p)) throw std::runtime_error("put_packument");
    }
    for (const auto& r : real_releases()) {
      if (!(*txn)->put_release(r)) throw std::runtime_error("put_release");
    }
    if (!(*txn)->commit()) throw std::runtime_error("commit");
    return u;
  }();
  return url;
}

std::pair<int, std::string> cli(std::vector<std::string> args) {
  args.insert(args.begin(), CALLBOARD_CLI_PATH);
  args.push_back("--db");
  args.push_back(db_url());
  return test::run_command(args);
}

const Packument& catalog_backend() {
  static const Packument p = [] {
    for (auto& candidate : fixture_packuments()) {
      if (candidate.name == "@backstage/plugin-catalog-backend") return candidate;
    }
    throw std::runtime_error("no catalog-backend fixture");
  }();
  return p;
}

}  // namespace

TEST_CASE("cli scan --newest prints package, release, tier and version") {
  MatrixBuilder builder(real_catalog());
  const SupportMatrix matrix = builder.build(catalog_backend());
  std::size_t found = 0;
  std::size_t none = 0;
  for (const std::string release : {"1.20", "1.31", "1.45.3", "1.53.0"}) {
    for (const std::string tier : {"aligned", "compatible"}) {
      auto [status, out] = cli({"--json", "scan", "@backstage/plugin-catalog-backend", "--release",
                                release, "--newest", "--tier", tier});
      INFO(release << " " << tier << ": " << out);
      const auto expected = matrix.newest(release, *parse_tier(tier));
      const json::object doc = json::parse(out).as_object();
      CHECK(doc.size() == 5);
      CHECK(doc.at("package").as_string() == "@backstage/plugin-catalog-backend");
      const std::size_t r = *real_catalog().find(release);
      CHECK(doc.at("release").as_string() == real_catalog().releases()[r]);
      // The minimum asked for, and the verdict of the version returned.
      CHECK(doc.at("minimumTier").as_string() == tier);
      if (expected) {
        CHECK(doc.at("version").as_string() == *expected);
        const auto v = static_cast<std::size_t>(
            std::find(matrix.versions.begin(), matrix.versions.end(), *expected) - matrix.versions.begin());
        REQUIRE(v < matrix.versions.size());
        CHECK(doc.at("tier").as_string() == to_string(matrix.at(v, r)));
        CHECK(status == 0);
        ++found;
      } else {
        CHECK(doc.at("tier").is_null());
        CHECK(doc.at("version").is_null());
        CHECK(status == 1);
        ++none;
      }
    }
  }
  CHECK(found > 0);
  CHECK(none > 0);
}

TEST_CASE("cli scan --newest reports the verdict of the version it returns, not the minimum asked") {
  // The issue's case: asked for "compatible or better", the newest such
  // version is aligned on that release; `tier` must say aligned.
  MatrixBuilder builder(real_catalog());
  const SupportMatrix matrix = builder.build(catalog_backend());
  std::size_t better = 0;
  std::size_t equal = 0;
  for (std::size_t r = 0; r < matrix.releases.size(); r += 7) {
    const std::string& release = matrix.releases[r];
    const auto expected = matrix.newest(release, Tier::kCompatible);
    if (!expected) continue;
    const auto v = static_cast<std::size_t>(
        std::find(matrix.versions.begin(), matrix.versions.end(), *expected) - matrix.versions.begin());
    const Tier verdict = matrix.at(v, r);
    for (const bool ranged : {false, true}) {
      const std::string spec = "@backstage/plugin-catalog-backend" + std::string(ranged ? "@<=" + *expected : "");
      auto [status, out] = cli({"--json", "scan", spec, "--release", release, "--newest", "--tier", "compatible"});
      INFO(spec << " on " << release << ": " << out);
      CHECK(status == 0);
      const json::object doc = json::parse(out).as_object();
      CHECK(doc.at("version").as_string() == *expected);
      CHECK(doc.at("minimumTier").as_string() == "compatible");
      CHECK(doc.at("tier").as_string() == to_string(verdict));
    }
    auto [status, human] = cli({"scan", "@backstage/plugin-catalog-backend", "--release", release, "--newest"});
    CHECK(status == 0);
    CHECK(human == "@backstage/plugin-catalog-backend@" + *expected +
                       " is the newest version compatible or better on Backstage " + release + ": " +
                       std::string(to_string(verdict)) + "\n");
    ++(verdict == Tier::kAligned ? better : equal);
  }
  CHECK(better > 0);  // the case the issue names occurs in the real data
}

namespace {

/// What `scan --json` prints: the codec's document of the scan and the
/// version's row over every release.
std::string scan_document(const ScanResult& result, const Manifest& manifest, const ScanOptions& options = {}) {
  callboard::ScanReport report;
  report.scan = result;
  report.releases = real_catalog().releases();
  MatrixBuilder builder(real_catalog(), options);
  report.tiers = builder.tiers(manifest);
  return callboard::codec::encode(report) + "\n";
}

}  // namespace

TEST_CASE("cli scan of a package.json prints the library's verdict") {
  const auto file = (fixtures_dir() / "backstage-community__plugin-jenkins-backend.json").string();
  auto [status, out] = cli({"--json", "scan", file, "--release", "1.32.0"});
  const auto expected =
      scan(fixture("backstage-community__plugin-jenkins-backend.json"), real_catalog(), "1.32.0");
  CHECK(out == scan_document(*expected, fixture("backstage-community__plugin-jenkins-backend.json")));
  CHECK(status == 1);  // incompatible

  auto [human_status, human] = cli({"scan", file, "--release", "1.31.0"});
  CHECK(human_status == 1);
  CHECK(human.find("on Backstage 1.31.0: incompatible") != std::string::npos);
  CHECK(human.find("* error   singleton-duplicate") != std::string::npos);
}

TEST_CASE("cli scan --app without a package lists upgrade blockers") {
  auto [status, out] = cli({"--json", "scan", "--app",
                            (repo_root() / "examples/sample-app").string(), "--release", "1.32"});
  const json::object doc = json::parse(out).as_object();
  CHECK(doc.at("blocked").as_bool());
  CHECK(doc.at("to").as_string() == "1.32.6");
  CHECK(status == 1);
  auto [ok_status, ok_out] =
      cli({"--json", "scan", "--app", (repo_root() / "examples/sample-app").string(), "--release",
           "1.31.4"});
  CHECK_FALSE(json::parse(ok_out).at("blocked").as_bool());
  CHECK(ok_status == 0);
}

TEST_CASE("cli matrix prints the library's matrix") {
  auto [status, out] = cli({"--json", "matrix", "@backstage/plugin-catalog-backend"});
  CHECK(status == 0);
  MatrixBuilder builder(real_catalog());
  const json::value doc = json::parse(out);
  CHECK(doc.at("plugin").is_null());  // no plugins table in this database: a package
  CHECK(json::serialize(doc.at("matrices").at(0)) ==
        json::serialize(json::parse(to_json(builder.build(catalog_backend())))));
}

TEST_CASE("cli scan and matrix use the code records verify stored") {
  // A legacy-by-metadata version of catalog-backend whose (pretended)
  // verified tarball shows the new system.
  const Manifest* legacy = nullptr;
  for (const auto& m : catalog_backend().versions) {
    if (classify_plugin_systems(m).backend == PluginSystem::kLegacy) legacy = &m;
  }
  REQUIRE(legacy != nullptr);
  ArtifactRecord record;
  record.name = legacy->name;
  record.version = legacy->version;
  record.integrity = "sha512-" + std::string(86, 'A') + "==";
  record.backend_system = PluginSystem::kNew;
  record.code_markers = {"createBackendPlugin"};
  record.entry_points = {{".", "dist/index.cjs.js", true, true}};

  // And a version, new by metadata and fitting some release without the
  // legacy system, whose code shows only the legacy system: incompatible
  // there.
  const SupportMatrix plain = MatrixBuilder(real_catalog()).build(catalog_backend());
  const std::size_t gone = *real_catalog().find("1.32.0");
  std::optional<std::pair<std::size_t, std::size_t>> cell;  // (version, release) that can flip
  for (std::size_t v = 0; v < plain.versions.size(); ++v) {
    const Manifest* m = catalog_backend().find(plain.versions[v]);
    if (m == nullptr || classify_plugin_systems(*m).backend != PluginSystem::kNew) continue;
    for (std::size_t r = gone; r < plain.releases.size(); ++r) {
      if (plain.at(v, r) != Tier::kIncompatible) cell = {v, r};
    }
  }
  REQUIRE(cell.has_value());
  ArtifactRecord newest_legacy = record;
  newest_legacy.version = plain.versions[cell->first];
  newest_legacy.backend_system = PluginSystem::kLegacy;
  newest_legacy.code_markers = {"createRouter"};
  newest_legacy.entry_points = {{".", "dist/index.cjs.js", true, false}};

  const TempDir tmp;
  const std::filesystem::path& dir = tmp.path;
  const std::string url = "sqlite:" + (dir / "code.db").string();
  {
    auto storage = backend::open_storage(url);
    REQUIRE(storage.ok());
    auto txn = (*storage)->begin();
    REQUIRE(txn.ok());
    REQUIRE((*txn)->put_packument(catalog_backend()).ok());
    for (const auto& r : real_releases()) REQUIRE((*txn)->put_release(r).ok());
    REQUIRE((*txn)->put_artifact(record).ok());
    REQUIRE((*txn)->put_artifact(newest_legacy).ok());
    REQUIRE((*txn)->commit().ok());
  }
  const std::vector<ArtifactRecord> records{record, newest_legacy};
  ScanOptions options;
  options.artifacts = records;

  auto [status, out] = test::run_command({CALLBOARD_CLI_PATH, "--json", "scan", legacy->name + "@" + legacy->version,
                                          "--release", "1.32.0", "--db", url});
  const auto expected = scan(*legacy, real_catalog(), "1.32.0", options);
  REQUIRE(expected.ok());
  CHECK(out == scan_document(*expected, *legacy, options));
  CHECK(has(*expected, "backend-system-code-mismatch"));
  CHECK_FALSE(has(*expected, "legacy-backend-system"));
  const auto without = scan(*legacy, real_catalog(), "1.32.0");
  CHECK(has(*without, "legacy-backend-system"));

  auto [m_status, m_out] =
      test::run_command({CALLBOARD_CLI_PATH, "--json", "matrix", legacy->name, "--db", url});
  CHECK(m_status == 0);
  MatrixBuilder builder(real_catalog(), options);
  const SupportMatrix with_code = builder.build(catalog_backend());
  CHECK(json::serialize(json::parse(m_out).at("matrices").at(0)) == json::serialize(json::parse(to_json(with_code))));
  CHECK(with_code.at(cell->first, cell->second) == Tier::kIncompatible);
}

TEST_CASE("cli scan errors") {
  CHECK(cli({"scan", "@nobody/nothing"}).first == 4);
  CHECK(cli({"scan", "@backstage/plugin-catalog-backend", "--release", "0.9"}).first == 4);
  CHECK(cli({"scan", "@backstage/plugin-catalog-backend", "--tier", "aligned"}).first == 2);
  CHECK(cli({"scan", "@backstage/plugin-catalog-backend", "--newest", "--tier", "incompatible"})
            .first == 2);
  CHECK(cli({"scan"}).first == 2);
  auto [status, out] = cli({"--json", "scan", "@nobody/nothing"});
  CHECK(json::parse(out).at("error").at("code").as_string() == "not_found");
}

#endif  // CALLBOARD_CLI_PATH
