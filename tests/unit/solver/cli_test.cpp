// `callboard solve` end to end: a SQLite database filled through the Storage
// API with real packuments and release manifests, an app on disk, the
// command's exit codes, prose and JSON.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "callboard/backend/storage.hpp"
#include "solver_test_support.hpp"
#include "child_process.hpp"

#ifdef CALLBOARD_CLI_PATH

namespace json = boost::json;
using namespace callboard;
using callboard::solver::test::read_text;

namespace {

const std::filesystem::path kRepo = std::filesystem::path(CALLBOARD_DATA_DIR).parent_path();

void write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

struct Fixture {
  std::filesystem::path dir;
  std::string db;
  std::filesystem::path app;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("callboard-solve-cli-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = "sqlite:" + (dir / "callboard.db").string();
    auto storage = backend::open_storage(db);
    REQUIRE(storage.ok());
    auto tx = (*storage)->begin();
    REQUIRE(tx.ok());
    for (const char* file : {"tests/fixtures/packuments/backstage-community__plugin-jenkins-backend.json",
                             "tests/cases/solver/packuments/backstage__backend-plugin-api.json"}) {
      auto p = parse_packument(read_text(kRepo / file));
      REQUIRE(p.ok());
      REQUIRE((*tx)->put_packument(*p).ok());
    }
    for (const char* version : {"1.31.0", "1.51.0", "1.52.0"}) {
      auto r = parse_release(read_text(kRepo / "data/releases" / (std::string(version) + ".json")));
      REQUIRE(r.ok());
      REQUIRE((*tx)->put_release(*r).ok());
    }
    REQUIRE((*tx)->commit().ok());
    app = dir / "app";
    write(app / "backstage.json", R"({"version": "1.31.0"})");
    write(app / "package.json", R"({"name": "root", "private": true, "workspaces": ["packages/*"]})");
    write(app / "packages/backend/package.json",
          R"({"name": "backend", "backstage": {"role": "backend"},
              "dependencies": {"@backstage/backend-plugin-api": "^1.0.0"}})");
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  std::pair<int, std::string> solve(std::vector<std::string> args) const {
    std::vector<std::string> argv{CALLBOARD_CLI_PATH, "solve", "--offline", "--assume-external", "--db", db, "--app", app.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv);
  }
};

}  // namespace

TEST_CASE("callboard solve explains a conflict with the app's release and exits 6", "[solver][cli]") {
  Fixture f;
  const auto [status, out] = f.solve({"add", "@backstage-community/plugin-jenkins-backend"});
  CHECK(status == 6);
  CHECK(out ==
        "No versions fit:\n\n"
        "Because @backstage-community/plugin-jenkins-backend 0.29.0 depends on @backstage/backend-plugin-api ^1.9.2 "
        "and @backstage-community/plugin-jenkins-backend 0.31.0 depends on @backstage/backend-plugin-api ^1.10.0, "
        "every version of @backstage-community/plugin-jenkins-backend requires @backstage/backend-plugin-api "
        ">=1.9.2.\n"
        "So, because Backstage 1.31.0 pins @backstage/backend-plugin-api to 1.0.0 and your app depends on "
        "@backstage-community/plugin-jenkins-backend, version solving failed.\n"
        "\n"
        "The ranges this rests on, as written, and the versions your registry serves in them:\n"
        "  @backstage-community/plugin-jenkins-backend *, requested: 0.29.0, 0.31.0\n"
        "  @backstage/backend-plugin-api 1.0.0, pinned by Backstage 1.31.0: 1.0.0\n"
        "  @backstage/backend-plugin-api ^1.10.0, a dependency of @backstage-community/plugin-jenkins-backend "
        "0.31.0: 1.10.0, 1.10.1, 1.12.0\n"
        "  @backstage/backend-plugin-api ^1.9.2, a dependency of @backstage-community/plugin-jenkins-backend "
        "0.29.0: 1.9.2, 1.9.3, 1.10.0, 1.10.1, 1.12.0\n");
}

TEST_CASE("callboard solve --release-pins compatible moves a pin and says so, and bad values are usage errors",
          "[solver][cli]") {
  Fixture f;
  const auto [status, out] =
      f.solve({"add", "@backstage-community/plugin-jenkins-backend", "--release-pins", "compatible", "--json"});
  REQUIRE(status == 0);
  const json::object plan = json::parse(out).as_object().at("plan").as_object();
  bool moved = false;
  for (const auto& p : plan.at("packages").as_array()) {
    if (p.at("name").as_string() == "@backstage/backend-plugin-api") CHECK(p.at("version").as_string() == "1.10.0");
  }
  for (const auto& finding : plan.at("findings").as_array()) {
    moved = moved || finding.at("id").as_string() == "release-pin-moved";
  }
  CHECK(moved);
  CHECK(f.solve({"add", "x", "--release-pins", "loose"}).first == 2);
  CHECK(f.solve({"add", "x", "--peers", "maybe"}).first == 2);
}

TEST_CASE("callboard solve --allow-release-upgrade finds the lowest release that fits", "[solver][cli]") {
  Fixture f;
  const auto [status, out] = f.solve({"add", "@backstage-community/plugin-jenkins-backend", "--allow-release-upgrade", "--json"});
  REQUIRE(status == 0);
  const json::object doc = json::parse(out).as_object();
  const json::object& plan = doc.at("plan").as_object();
  // 1.51.0 pins backend-plugin-api 1.9.1, which the test packument lacks: a
  // served version in ^1.9.1 stands in (1.10.0, the nearest jenkins-backend 0.31.0
  // needs), and the plan says so.
  CHECK(plan.at("release").as_string() == "1.51.0");
  REQUIRE(plan.at("pinSubstitutes").as_array().size() == 1);
  CHECK(plan.at("pinSubstitutes").as_array()[0].at("chosen").as_string() == "1.10.0");
  CHECK(plan.at("previousRelease").as_string() == "1.31.0");
  std::map<std::string, std::string> versions;
  for (const auto& p : plan.at("packages").as_array()) {
    versions[std::string(p.at("name").as_string())] = std::string(p.at("version").as_string());
  }
  CHECK(versions["@backstage-community/plugin-jenkins-backend"] == "0.31.0");
  CHECK(versions["@backstage/backend-plugin-api"] == "1.10.0");
  bool edit = false;
  for (const auto& e : plan.at("edits").as_array()) {
    edit = edit || (e.at("file").as_string() == "packages/backend/package.json" &&
                    e.at("name").as_string() == "@backstage-community/plugin-jenkins-backend" &&
                    e.at("to").as_string() == "^0.31.0");
  }
  CHECK(edit);
  CHECK(plan.at("releaseMoves").as_array().size() == 1);  // backend-plugin-api 1.0.0 -> 1.9.1
}

TEST_CASE("callboard solve usage errors exit 2", "[solver][cli]") {
  Fixture f;
  CHECK(f.solve({}).first == 2);
  CHECK(f.solve({"frobnicate", "x"}).first == 2);
  CHECK(f.solve({"add"}).first == 2);
  CHECK(f.solve({"remove", "x@^1"}).first == 2);
  CHECK(f.solve({"add", "x", "--release", "9.x"}).first == 4);
}

#endif
