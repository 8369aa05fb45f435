// npm's own resolver against `callboard solve`, on the local registry fixture
// (tests/registry/: Verdaccio behind a proxy, started by ctest): requests that
// have a solution but that npm 11 rejects, because its placement takes the
// newest version and never backtracks. Each case publishes real packages,
// runs `npm install <request> --package-lock-only --ignore-scripts` in a
// fresh app folder (npm must fail with the recorded code), then indexes the
// same packages with `callboard index` and solves the same request (callboard
// must find the older version that fits). benchmarks/solver_vs_npm.sh times
// the same cases side by side.

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "local_registry.hpp"

using callboard::test::ChildProcess;
using callboard::test::LocalRegistry;
using callboard::test::run_command;
using callboard::test::TempDir;

namespace {

struct Package {
  std::string name;
  std::string version;
  boost::json::object dependencies;
  boost::json::object peer_dependencies;
};

struct Case {
  std::vector<Package> packages;
  /// The app's own dependencies (package.json).
  boost::json::object app_dependencies;
  std::string request;
  /// What npm must answer: its error code ("ERESOLVE", "ETARGET").
  std::string npm_code;
  /// What callboard must install, name -> version (host-level copies).
  std::map<std::string, std::string> expected;
};

/// The packages as manifests for publish_missing.
std::vector<boost::json::object> manifests(const std::vector<Package>& packages) {
  std::vector<boost::json::object> out;
  for (const Package& p : packages) {
    boost::json::object manifest{{"name", p.name}, {"version", p.version}};
    if (!p.dependencies.empty()) manifest["dependencies"] = p.dependencies;
    if (!p.peer_dependencies.empty()) manifest["peerDependencies"] = p.peer_dependencies;
    out.push_back(std::move(manifest));
  }
  return out;
}

std::string write_app(const TempDir& tmp, const boost::json::object& dependencies) {
  const auto app = tmp.path / "app";
  std::filesystem::create_directories(app);
  boost::json::object pkg{
      {"name", "app"}, {"version", "1.0.0"}, {"private", true}, {"dependencies", dependencies}};
  std::ofstream(app / "package.json") << boost::json::serialize(pkg) << '\n';
  return app.string();
}

void run_case(const Case& c) {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  callboard::test::publish_missing(reg, manifests(c.packages));
  TempDir tmp;
  const std::string app = write_app(tmp, c.app_dependencies);
  // npm with nothing from the user's configuration: its own cache, no
  // userconfig, the fixture registry.
  std::ofstream(tmp.path / "npmrc") << "";
  const std::vector<std::string> env = {
      "NPM_CONFIG_REGISTRY=" + reg.proxy, "NPM_CONFIG_USERCONFIG=" + (tmp.path / "npmrc").string(),
      "NPM_CONFIG_CACHE=" + (tmp.path / "npm-cache").string(), "NPM_CONFIG_UPDATE_NOTIFIER=false"};
  {
    ChildProcess npm({"sh", "-c",
                      "cd \"$0\" && exec npm install \"$1\" --package-lock-only --ignore-scripts "
                      "--no-audit --no-fund",
                      app, c.request},
                     env, /*stderr_to_stdout=*/true);
    const std::string out = npm.read_all();
    INFO("npm said:\n" << out);
    CHECK(npm.wait() != 0);
    CHECK(out.find("code " + c.npm_code) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path(app) / "package-lock.json"));
  }

  const std::string db = "sqlite:" + (tmp.path / "c.db").string();
  std::vector<std::string> index = {CALLBOARD_CLI_PATH, "index", "--no-seed",
                                    "--quiet",          "--db",  db};
  for (const Package& p : c.packages) {
    index.push_back("--package");
    index.push_back(p.name);
  }
  {
    ChildProcess child(index, env, true);
    const std::string out = child.read_all();
    INFO(out);
    REQUIRE(child.wait() == 0);
  }
  ChildProcess solve(
      {CALLBOARD_CLI_PATH, "solve", "--db", db, "--app", app, "add", c.request, "--json"}, env);
  const std::string out = solve.read_all();
  INFO("callboard said:\n" << out);
  REQUIRE(solve.wait() == 0);
  const auto doc = boost::json::parse(out).as_object();
  REQUIRE(doc.at("ok").as_bool());
  std::map<std::string, std::string> got;
  for (const auto& p : doc.at("plan").at("packages").as_array()) {
    if (p.at("hostLevel").as_bool()) {
      got[std::string(p.at("name").as_string())] = std::string(p.at("version").as_string());
    }
  }
  CHECK(got == c.expected);
}

}  // namespace

TEST_CASE(
    "peer back-off: npm takes the newest plugin and fails on the app's host, callboard takes the "
    "older",
    "[integration][solver][npm]") {
  run_case({{{"cbt-pb-host", "1.0.0", {}, {}},
             {"cbt-pb-host", "2.0.0", {}, {}},
             {"cbt-pb-plugin", "1.0.0", {}, {{"cbt-pb-host", "^1.0.0"}}},
             {"cbt-pb-plugin", "2.0.0", {}, {{"cbt-pb-host", "^2.0.0"}}}},
            {{"cbt-pb-host", "^1.0.0"}},
            "cbt-pb-plugin",
            "ERESOLVE",
            {{"cbt-pb-host", "1.0.0"}, {"cbt-pb-plugin", "1.0.0"}}});
}

TEST_CASE(
    "missing target: npm fails on a dependency version that does not exist, callboard takes the "
    "older",
    "[integration][solver][npm]") {
  run_case({{{"cbt-mt-b", "1.0.0", {}, {}},
             {"cbt-mt-a", "1.0.0", {}, {}},
             {"cbt-mt-a", "2.0.0", {{"cbt-mt-b", "9.9.9"}}, {}}},
            {},
            "cbt-mt-a",
            "ETARGET",
            {{"cbt-mt-a", "1.0.0"}}});
}

TEST_CASE(
    "peer chain: the newest tool's library wants a newer host than the app's, callboard backs off "
    "both",
    "[integration][solver][npm]") {
  run_case({{{"cbt-pc-host", "1.0.0", {}, {}},
             {"cbt-pc-host", "2.0.0", {}, {}},
             {"cbt-pc-lib", "1.0.0", {}, {{"cbt-pc-host", "^1.0.0"}}},
             {"cbt-pc-lib", "2.0.0", {}, {{"cbt-pc-host", "^2.0.0"}}},
             {"cbt-pc-tool", "1.0.0", {}, {{"cbt-pc-lib", "^1.0.0"}}},
             {"cbt-pc-tool", "2.0.0", {}, {{"cbt-pc-lib", "^2.0.0"}}}},
            {{"cbt-pc-host", "^1.0.0"}},
            "cbt-pc-tool",
            "ERESOLVE",
            {{"cbt-pc-host", "1.0.0"}, {"cbt-pc-lib", "1.0.0"}, {"cbt-pc-tool", "1.0.0"}}});
}
