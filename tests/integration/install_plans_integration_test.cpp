// Install plans that hold: what `callboard solve --apply` plans is what npm,
// yarn (classic and berry) and pnpm then install. Each case publishes a small
// world on the local registry fixture (tests/registry/), writes an app,
// indexes the world, solves and applies a change, runs the package manager's
// install (tests/support/package_managers.hpp), and then requires both
// `callboard check` to report a match and the lockfile itself (read here
// with plain JSON / text scanning, not with callboard's readers) to hold
// every planned host-level version.
//
// The worlds reproduce the failure classes found on real apps: a range that
// would float past a version the solver rejected (the app's own dependency,
// and a transitive one), a release pin the registry does not serve, a
// backend plugin that belongs in the backend workspace, and an app whose
// lockfile already holds nested copies.

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "local_registry.hpp"
#include "package_managers.hpp"
#include "callboard/semver.hpp"
#include "test_files.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using callboard::test::ChildProcess;
using callboard::test::LocalRegistry;
using callboard::test::Pm;
using callboard::test::TempDir;

namespace {

struct World {
  std::vector<json::object> packages;
  /// Relative path -> package.json of the app (the root is "package.json").
  std::map<std::string, json::object> files;
  /// A release manifest to import and name in backstage.json ({} for none).
  json::object release;
  /// `solve` arguments after "add"/"upgrade"/"remove".
  std::vector<std::string> change;
  std::vector<std::string> singletons;
  /// Host-level versions the install must have.
  std::map<std::string, std::string> expected;
  /// Install once before the change (the app then has a lockfile).
  bool preinstall = false;
  /// Names to index up front; empty: every published name. The rest must
  /// come from the closure `solve` fetches from the registry.
  std::vector<std::string> index_only;
  /// Edits that must be in the plan: "file: path..." -> value.
  std::map<std::string, std::string> edits;
  /// Finding ids the plan must have.
  std::vector<std::string> findings;
  /// Managers that refuse the change: solve must exit 6 and the manager
  /// itself must fail on the naive edit (`naive` into the root package.json).
  std::set<Pm> refused_by;
  std::pair<std::string, std::string> naive;
};

json::object pkg(std::string name, std::string version, json::object deps = {}, json::object peers = {},
                 json::object extra = {}) {
  json::object m{{"name", std::move(name)}, {"version", std::move(version)}};
  if (!deps.empty()) m["dependencies"] = std::move(deps);
  if (!peers.empty()) m["peerDependencies"] = std::move(peers);
  for (auto& [k, v] : extra) m[k] = v;
  return m;
}

std::string package_manager_field(Pm pm) {
  switch (pm) {
    case Pm::kNpm: return "";
    case Pm::kYarnClassic: return "yarn@" + callboard::test::pm_version(pm);
    case Pm::kYarnBerry: return "yarn@" + callboard::test::pm_version(pm);
    case Pm::kPnpm: return "pnpm@" + callboard::test::pm_version(pm);
  }
  return "";
}

void write_json(const fs::path& file, const json::object& o) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << json::serialize(o) << '\n';
}

std::pair<int, std::string> run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  ChildProcess child(argv, env, /*stderr_to_stdout=*/false);
  std::string out = child.read_all();
  return {child.wait(), std::move(out)};
}

/// The host-level version of `name` as the lockfile writes it, read without
/// callboard: package-lock.json's "node_modules/<name>" entry; for yarn.lock
/// and pnpm-lock.yaml every version listed for the name (a single one
/// expected).
std::vector<std::string> locked_versions(Pm pm, const fs::path& lockfile, const std::string& name) {
  const std::string text = callboard::test::read_text(lockfile);
  std::vector<std::string> out;
  if (pm == Pm::kNpm) {
    const auto doc = json::parse(text).as_object();
    if (const auto* e = doc.at("packages").as_object().if_contains("node_modules/" + name)) {
      out.emplace_back(e->at("version").as_string());
    }
    return out;
  }
  std::string quoted;
  for (char c : name) quoted += std::string(std::strchr(".^$|()[]{}*+?\\/", c) ? "\\" : "") + c;
  std::smatch m;
  if (pm == Pm::kPnpm) {
    // v9: "  name@1.2.3:" (packages/snapshots), possibly quoted, peers in parentheses.
    const std::regex re("\\n  '?" + quoted + "@([0-9][^:'(]*)[:'(]");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
      out.push_back((*it)[1]);
    }
  } else {
    // An entry whose key names the package, then its version line.
    const std::regex re("\\n\"?" + quoted + "@[^\\n]*:\\n  (?:resolution: \"[^\"]*\"\\n  )?version:? \"?([0-9][^\"\\n]*)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
      out.push_back((*it)[1]);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void run_world(const World& w, Pm pm) {
  if (!callboard::test::pm_command(pm)) {
    // scripts/bootstrap installs every package manager (npm ci at the root):
    // a missing one is a broken set-up, not a reason to pass.
    FAIL(std::string(callboard::test::pm_name(pm)) + " is not installed (npm ci at the root installs it)");
  }
  const auto& reg = LocalRegistry::get();
  reg.clear();
  reg.publish_all(w.packages);
  TempDir tmp;
  const fs::path app = tmp.path / "app";
  const fs::path scratch = tmp.path / "scratch";
  for (auto [file, content] : w.files) {
    if (file == "package.json" && !package_manager_field(pm).empty()) content["packageManager"] = package_manager_field(pm);
    write_json(app / file, content);
  }
  if (pm == Pm::kPnpm && w.files.size() > 1) {
    std::ofstream(app / "pnpm-workspace.yaml") << "packages:\n  - 'packages/*'\n";
  }
  std::ofstream(tmp.path / "npmrc") << "";
  const std::vector<std::string> env = {
      "NPM_CONFIG_REGISTRY=" + reg.proxy, "NPM_CONFIG_USERCONFIG=" + (tmp.path / "npmrc").string(),
      "NPM_CONFIG_CACHE=" + (tmp.path / "npm-cache").string(), "NPM_CONFIG_UPDATE_NOTIFIER=false"};
  const std::string db = "sqlite:" + (tmp.path / "c.db").string();
  std::vector<std::string> index = {CALLBOARD_CLI_PATH, "index", "--no-seed", "--quiet", "--db", db};
  std::set<std::string> names(w.index_only.begin(), w.index_only.end());
  if (names.empty()) {
    for (const json::object& p : w.packages) names.insert(std::string(p.at("name").as_string()));
  }
  for (const std::string& n : names) {
    index.push_back("--package");
    index.push_back(n);
  }
  {
    auto [status, out] = run(index, env);
    INFO(out);
    REQUIRE(status == 0);
  }
  if (!w.release.empty()) {
    const fs::path releases = tmp.path / "releases";
    write_json(releases / (std::string(w.release.at("releaseVersion").as_string()) + ".json"), w.release);
    auto [status, out] = run({CALLBOARD_CLI_PATH, "releases", "import", releases.string(), "--db", db}, env);
    INFO(out);
    REQUIRE(status == 0);
    std::ofstream(app / "backstage.json") << "{\"version\":\"" << std::string(w.release.at("releaseVersion").as_string())
                                          << "\"}\n";
  }
  if (w.preinstall) {
    auto first = callboard::test::install_lockfile(pm, app, reg.proxy, scratch);
    INFO(first.output);
    REQUIRE(first.status == 0);
  }

  std::vector<std::string> solve = {CALLBOARD_CLI_PATH, "solve", "--db", db, "--app", app.string()};
  solve.insert(solve.end(), w.change.begin(), w.change.end());
  for (const std::string& s : w.singletons) {
    solve.push_back("--singleton");
    solve.push_back(s);
  }
  solve.push_back("--apply");
  solve.push_back("--json");
  auto [solve_status, plan_text] = run(solve, env);
  INFO("callboard solve --apply said:\n" << plan_text);
  if (w.refused_by.contains(pm)) {
    // The refusal is justified: the manager fails on what a person would write.
    REQUIRE(solve_status == 6);
    json::object root = w.files.at("package.json");
    root["dependencies"].as_object()[w.naive.first] = w.naive.second;
    write_json(app / "package.json", root);
    auto naive = callboard::test::install_lockfile(pm, app, reg.proxy, scratch);
    INFO(callboard::test::pm_name(pm) << " said:\n" << naive.output);
    CHECK(naive.status != 0);
    return;
  }
  REQUIRE(solve_status == 0);
  const auto plan = json::parse(plan_text).as_object().at("plan").as_object();
  CHECK(plan.at("packageManager").as_string() == callboard::test::pm_name(pm));
  for (const auto& [where, value] : w.edits) {
    bool found = false;
    for (const auto& e : plan.at("edits").as_array()) {
      std::string key = std::string(e.at("file").as_string()) + ":";
      for (const auto& part : e.at("path").as_array()) key += " " + std::string(part.as_string());
      found = found || (key == where && e.at("to").is_string() && e.at("to").as_string() == value);
    }
    INFO("edit " << where << " = " << value);
    CHECK(found);
  }

  for (const std::string& id : w.findings) {
    bool found = false;
    for (const auto& f : plan.at("findings").as_array()) found = found || f.at("id").as_string() == id;
    INFO("finding " << id);
    CHECK(found);
  }

  auto install = callboard::test::install_lockfile(pm, app, reg.proxy, scratch);
  INFO(callboard::test::pm_name(pm) << " said:\n" << install.output);
  REQUIRE(install.status == 0);

  auto [check_status, check_text] = run({CALLBOARD_CLI_PATH, "check", "--app", app.string(), "--json"}, env);
  INFO("callboard check said:\n" << check_text);
  CHECK(check_status == 0);
  CHECK(json::parse(check_text).as_object().at("matches").as_bool());

  for (const auto& [name, version] : w.expected) {
    INFO(name);
    CHECK(locked_versions(pm, install.lockfile, name) == std::vector<std::string>{version});
  }
}

json::object app_root(json::object deps) {
  return json::object{{"name", "hold-app"}, {"version", "1.0.0"}, {"private", true}, {"dependencies", std::move(deps)}};
}

World float_past_rejected() {
  // The app holds hold-api 1.0.0; hold-p1 1.1.0 needs hold-api ^1.1.0, so
  // the plan takes hold-p1 1.0.0. "^1.0.0" would let every manager install 1.1.0.
  World w;
  w.packages = {pkg("hold-api", "1.0.0"), pkg("hold-api", "1.1.0"),
                pkg("hold-p1", "1.0.0", {}, {{"hold-api", "^1.0.0"}}),
                pkg("hold-p1", "1.1.0", {}, {{"hold-api", "^1.1.0"}})};
  w.files["package.json"] = app_root({{"hold-api", "1.0.0"}});
  w.change = {"add", "hold-p1"};
  w.singletons = {"hold-api"};
  w.expected = {{"hold-api", "1.0.0"}, {"hold-p1", "1.0.0"}};
  w.edits = {{"package.json: dependencies hold-p1", "1.0.0"}};
  return w;
}

World transitive_float() {
  // hold-p2 depends on hold-lib ^2.0.0; hold-lib 2.1.0 wants a newer
  // hold-api than the app holds, so the plan keeps hold-lib 2.0.0, which
  // only an override makes the manager install.
  World w;
  w.packages = {pkg("hold-api", "1.0.0"), pkg("hold-api", "1.1.0"),
                pkg("hold-lib", "2.0.0", {}, {{"hold-api", "^1.0.0"}}),
                pkg("hold-lib", "2.1.0", {}, {{"hold-api", "^1.1.0"}}),
                pkg("hold-p2", "1.0.0", {{"hold-lib", "^2.0.0"}})};
  w.files["package.json"] = app_root({{"hold-api", "1.0.0"}});
  w.change = {"add", "hold-p2"};
  w.singletons = {"hold-api"};
  w.expected = {{"hold-api", "1.0.0"}, {"hold-lib", "2.0.0"}, {"hold-p2", "1.0.0"}};
  return w;
}

World release_pin_not_served() {
  // Release 9.0.0 pins hold-core 1.0.1, which the registry does not serve:
  // the plan uses 1.1.0 (the nearest served in ^1.0.1), never 1.0.1, and
  // holds it where the app's ^1.0.0 would float to 1.2.0.
  World w;
  w.packages = {pkg("hold-core", "1.0.0"), pkg("hold-core", "1.1.0"), pkg("hold-core", "1.2.0"),
                pkg("hold-p3", "1.0.0", {{"hold-core", "^1.0.0"}})};
  w.files["package.json"] = app_root({{"hold-core", "^1.0.0"}});
  w.release = json::object{{"releaseVersion", "9.0.0"},
                           {"packages", json::array{json::object{{"name", "hold-core"}, {"version", "1.0.1"}}}}};
  w.change = {"add", "hold-p3"};
  w.expected = {{"hold-core", "1.1.0"}, {"hold-p3", "1.0.0"}};
  w.edits = {{"package.json: dependencies hold-core", "1.1.0"}};
  return w;
}

World backend_workspace() {
  // A backend plugin goes into the backend workspace, not the root.
  World w;
  w.packages = {pkg("hold-bk-plugin", "1.0.0", {}, {}, {{"backstage", json::object{{"role", "backend-plugin"}}}})};
  json::object root{{"name", "hold-ws-root"}, {"version", "1.0.0"}, {"private", true},
                    {"workspaces", json::array{"packages/*"}}};
  w.files["package.json"] = root;
  w.files["packages/app/package.json"] =
      json::object{{"name", "app"}, {"version", "1.0.0"}, {"private", true},
                   {"backstage", json::object{{"role", "frontend"}}}};
  w.files["packages/backend/package.json"] =
      json::object{{"name", "backend"}, {"version", "1.0.0"}, {"private", true},
                   {"backstage", json::object{{"role", "backend"}}}};
  w.change = {"add", "hold-bk-plugin"};
  w.expected = {{"hold-bk-plugin", "1.0.0"}};
  w.edits = {{"packages/backend/package.json: dependencies hold-bk-plugin", "^1.0.0"}};
  return w;
}

World locked_app() {
  // The app was installed before (its lockfile holds hold-util 1.0.0 under
  // the app's exact pin); the change adds a plugin whose range would take 1.1.0.
  World w;
  w.packages = {pkg("hold-util", "1.0.0"), pkg("hold-util", "1.1.0"),
                pkg("hold-p5", "1.0.0", {{"hold-util", "^1.0.0"}})};
  w.files["package.json"] = app_root({{"hold-util", "1.0.0"}});
  w.preinstall = true;
  w.change = {"add", "hold-p5"};
  w.expected = {{"hold-util", "1.0.0"}, {"hold-p5", "1.0.0"}};
  return w;
}

World react_peer_outside_the_index() {
  // The index holds only the plugin; its React-like peer comes from the
  // closure solve fetches. hold-fe 2.0.0 peers hold-react ^16 || ^17, which
  // the app's 18 does not meet: the plan takes 1.0.0, where npm takes the
  // newest and fails (ERESOLVE) or duplicates.
  World w;
  w.packages = {pkg("hold-react", "17.0.2"), pkg("hold-react", "18.2.0"),
                pkg("hold-fe", "1.0.0", {}, {{"hold-react", "^16.13.1 || ^17.0.0 || ^18.0.0"}}),
                pkg("hold-fe", "2.0.0", {}, {{"hold-react", "^16.13.1 || ^17.0.0"}})};
  w.files["package.json"] = app_root({{"hold-react", "18.2.0"}});
  w.index_only = {"hold-fe"};
  w.change = {"add", "hold-fe"};
  w.expected = {{"hold-react", "18.2.0"}, {"hold-fe", "1.0.0"}};
  w.edits = {{"package.json: dependencies hold-fe", "^1.0.0"}};  // 2.0.0 is outside ^1.0.0
  return w;
}

World peer_the_manager_only_warns_about() {
  // Every warn-fe peers warn-react ^16 || ^17; the app has 18. npm fails
  // (ERESOLVE), so callboard refuses for npm apps; yarn and pnpm warn and
  // install, so their plan takes warn-fe with a peer-unmet finding.
  World w;
  w.packages = {pkg("warn-react", "17.0.2"), pkg("warn-react", "18.2.0"),
                pkg("warn-fe", "2.0.0", {}, {{"warn-react", "^16.13.1 || ^17.0.0"}})};
  w.files["package.json"] = app_root({{"warn-react", "18.2.0"}});
  w.change = {"add", "warn-fe"};
  w.expected = {{"warn-react", "18.2.0"}, {"warn-fe", "2.0.0"}};
  w.findings = {"peer-unmet"};
  w.refused_by = {Pm::kNpm};
  w.naive = {"warn-fe", "^2.0.0"};
  return w;
}

World peer_beside_nested_dependent() {
  // nest-keywords (a dependency of nest-schema) peers nest-ajv ^6 while the
  // app has nest-ajv 8. npm installs the peer beside its nested dependent;
  // pnpm resolves it from the app's 8 and yarn installs no peers (both
  // warn, and the plan says peer-unmet). Every manager installs the plan
  // and check matches.
  World w;
  w.packages = {pkg("nest-ajv", "6.12.6"), pkg("nest-ajv", "8.17.1"),
                pkg("nest-keywords", "3.0.0", {}, {{"nest-ajv", "^6.9.1"}}),
                pkg("nest-schema", "1.0.0", {{"nest-keywords", "^3.0.0"}})};
  w.files["package.json"] = app_root({{"nest-ajv", "^8.0.0"}});
  w.change = {"add", "nest-schema"};
  w.expected = {{"nest-schema", "1.0.0"}};
  return w;
}

World peer_the_parent_provides() {
  // par-parent depends on par-x ^1 and on par-child, which peers par-x *;
  // the app has par-x 2. pnpm resolves the child's peer from its parent
  // (1.0.0), npm from where the child is hoisted (the app's 2.0.0), yarn
  // installs none: each plan says what its manager does, and check matches.
  World w;
  w.packages = {pkg("par-x", "1.0.0"), pkg("par-x", "2.0.0"), pkg("par-child", "1.0.0", {}, {{"par-x", "*"}}),
                pkg("par-parent", "1.0.0", {{"par-x", "^1.0.0"}, {"par-child", "^1.0.0"}})};
  w.files["package.json"] = app_root({{"par-x", "^2.0.0"}});
  w.change = {"add", "par-parent"};
  w.expected = {{"par-parent", "1.0.0"}, {"par-child", "1.0.0"}};
  return w;
}

const std::vector<std::pair<std::string, World (*)()>> kWorlds = {
    {"a peer the parent provides", &peer_the_parent_provides},
    {"a peer beside its nested dependent", &peer_beside_nested_dependent},
    {"a peer the manager only warns about", &peer_the_manager_only_warns_about},
    {"a peer outside the index", &react_peer_outside_the_index},
    {"float past a rejected version", &float_past_rejected},
    {"transitive float", &transitive_float},
    {"release pin not served", &release_pin_not_served},
    {"backend plugin in the backend workspace", &backend_workspace},
    {"app with a lockfile", &locked_app},
};

/// "@backstage/plugin-x" -> "hr<case>-backstage--plugin-x": the real names,
/// kept apart per case so that one case's versions never meet another's.
std::string mangle(const std::string& name, std::size_t k) {
  std::string out = "hr" + std::to_string(k) + "-";
  for (char c : name) {
    if (c == '@') continue;
    out += c == '/' ? std::string("--") : std::string(1, c);
  }
  return out;
}

/// A world shaped by a real plugin package.json (tests/fixtures/plugin-package-json/):
/// every dependency and peer it names, with the ranges it writes, exists
/// in two versions, the lowest its range admits and the next patch (when
/// the range admits it). The next patch needs a newer host singleton than
/// the app holds, so every package manager would float past what the plan
/// must take: the plan holds every one of them, in that manager's terms.
/// Specifiers that are not registry ranges (workspace:^, backstage:^) are
/// written as ^1.0.0.
World real_shape(const fs::path& file, std::size_t k) {
  const json::object real = json::parse(callboard::test::read_text(file)).as_object();
  World w;
  const std::string host = mangle("host-api", k);
  w.packages = {pkg(host, "1.0.0"), pkg(host, "2.0.0")};
  json::object deps, peers;
  auto add = [&](const std::string& name, std::string spec, json::object& into) {
    auto range = callboard::semver::Range::parse(spec);
    std::optional<callboard::semver::Version> low;
    if (range) low = callboard::semver::min_version(*range);
    if (!range || !low) {
      spec = "^1.0.0";
      range = callboard::semver::Range::parse(spec);
      low = callboard::semver::Version::parse("1.0.0").value();
    }
    const std::string m = mangle(name, k);
    into[m] = spec;
    w.packages.push_back(pkg(m, low->to_string(), {}, {{host, "^1.0.0"}}));
    w.expected[m] = low->to_string();
    if (low->prerelease().empty()) {
      const callboard::semver::Version next(low->major(), low->minor(), low->patch() + 1);
      if (range->satisfied_by(next)) w.packages.push_back(pkg(m, next.to_string(), {}, {{host, "^2.0.0"}}));
    }
  };
  auto each = [&](const char* member, json::object& into) {
    if (const auto* o = real.if_contains(member); o && o->is_object()) {
      for (const auto& [name, spec] : o->as_object()) {
        if (spec.is_string()) add(std::string(name), std::string(spec.as_string()), into);
      }
    }
  };
  each("dependencies", deps);
  each("peerDependencies", peers);
  peers[host] = "^1.0.0";
  const std::string plugin = mangle(std::string(real.at("name").as_string()), k);
  const std::string version(real.at("version").as_string());
  json::object extra;
  if (const auto* b = real.if_contains("backstage")) extra["backstage"] = *b;
  w.packages.push_back(pkg(plugin, version, deps, peers, extra));
  w.expected[plugin] = version;
  w.files["package.json"] = app_root({{host, "1.0.0"}});
  w.index_only = {plugin};
  w.change = {"add", plugin + "@" + version};
  w.singletons = {host};
  return w;
}

std::vector<fs::path> real_package_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/plugin-package-json")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void run_real(Pm pm) {
  const auto files = real_package_files();
  REQUIRE(files.size() >= 15);
  for (std::size_t k = 0; k < files.size(); ++k) {
    DYNAMIC_SECTION(files[k].filename().string()) { run_world(real_shape(files[k], k), pm); }
  }
}

void run_all(Pm pm) {
  for (const auto& [name, make] : kWorlds) {
    DYNAMIC_SECTION(name) { run_world(make(), pm); }
  }
}

}  // namespace

TEST_CASE("npm installs what callboard plans", "[integration][solver][install]") { run_all(Pm::kNpm); }
TEST_CASE("yarn classic installs what callboard plans", "[integration][solver][install]") {
  run_all(Pm::kYarnClassic);
}
TEST_CASE("yarn berry installs what callboard plans", "[integration][solver][install]") { run_all(Pm::kYarnBerry); }
TEST_CASE("pnpm installs what callboard plans", "[integration][solver][install]") { run_all(Pm::kPnpm); }

TEST_CASE("npm installs what callboard plans for real plugin shapes", "[integration][solver][install]") {
  run_real(Pm::kNpm);
}
TEST_CASE("yarn classic installs what callboard plans for real plugin shapes", "[integration][solver][install]") {
  run_real(Pm::kYarnClassic);
}
TEST_CASE("yarn berry installs what callboard plans for real plugin shapes", "[integration][solver][install]") {
  run_real(Pm::kYarnBerry);
}
TEST_CASE("pnpm installs what callboard plans for real plugin shapes", "[integration][solver][install]") {
  run_real(Pm::kPnpm);
}
