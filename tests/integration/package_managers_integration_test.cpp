// The package managers themselves on the local registry fixture
// (tests/registry/: Verdaccio behind a proxy, started by ctest): npm, yarn
// classic, yarn berry and pnpm (tests/support/package_managers.hpp) each
// install a tiny world lockfile-only, then again with the override form it
// honours, global and parent-scoped, and the lockfile must show the child
// version it pins. The lockfiles are read here with Boost.JSON and plain
// text scanning, independently of callboard's own lockfile readers, which
// these tests are meant to check later.
//
// World: cbt-pm-parent 1.0.0 -> cbt-pm-child ^1.0.0; cbt-pm-other 1.0.0 ->
// cbt-pm-child ^1.0.0; cbt-pm-child 1.0.0, 1.1.0, 1.2.0.

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "local_registry.hpp"
#include "package_managers.hpp"
#include "test_files.hpp"

using callboard::test::LocalRegistry;
using callboard::test::Pm;
using callboard::test::read_text;
using callboard::test::run_command;
using callboard::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kParent = "cbt-pm-parent";
const std::string kOther = "cbt-pm-other";
const std::string kChild = "cbt-pm-child";

using Versions = std::set<std::string>;

/// Publishes the world's versions the registry does not have yet (a re-run
/// finds them there).
void publish_world(const LocalRegistry& reg) {
  const std::vector<boost::json::object> manifests = {
      {{"name", kChild}, {"version", "1.0.0"}},
      {{"name", kChild}, {"version", "1.1.0"}},
      {{"name", kChild}, {"version", "1.2.0"}},
      {{"name", kParent}, {"version", "1.0.0"}, {"dependencies", {{kChild, "^1.0.0"}}}},
      {{"name", kOther}, {"version", "1.0.0"}, {"dependencies", {{kChild, "^1.0.0"}}}},
  };
  for (const auto& m : manifests) {
    const std::string name(m.at("name").as_string());
    const std::string version(m.at("version").as_string());
    auto [status, body] = run_command({"curl", "-s", reg.proxy + name});
    if (status == 0 && body.find("\"versions\"") != std::string::npos &&
        body.find("\"" + version + "\"") != std::string::npos) {
      continue;
    }
    reg.publish(m);
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

/// The name part of "name@spec" ("@scope/name@spec" too).
std::string name_of(const std::string& descriptor) {
  const auto at = descriptor.find('@', 1);
  return descriptor.substr(0, at);
}

/// One entry of a yarn.lock (classic or berry).
struct YarnEntry {
  std::vector<std::string> keys;  ///< "name@spec" (berry: "name@npm:spec")
  std::string version;
  std::map<std::string, std::string> dependencies;  ///< name -> spec as written
};

/// Both yarn.lock formats: entries start at column 0 and end with ':';
/// classic writes `version "1.2.0"` and `name "spec"`, berry `version:
/// 1.2.0` and `name: "npm:spec"`.
std::vector<YarnEntry> parse_yarn_lock(const std::string& text) {
  std::vector<YarnEntry> entries;
  bool in_dependencies = false;
  for (const std::string& line : lines_of(text)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != ' ') {
      in_dependencies = false;
      if (line.rfind("__metadata", 0) == 0 || line.back() != ':') {
        entries.push_back({});  // a block we do not read
        continue;
      }
      YarnEntry e;
      std::string header = line.substr(0, line.size() - 1);
      std::size_t start = 0;
      while (start <= header.size()) {
        const auto comma = header.find(", ", start);
        e.keys.push_back(unquote(header.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 2;
      }
      entries.push_back(std::move(e));
      continue;
    }
    if (entries.empty()) continue;
    YarnEntry& e = entries.back();
    const auto indent = line.find_first_not_of(' ');
    std::string body = line.substr(indent);
    if (indent == 2) {
      in_dependencies = body == "dependencies:";
      if (body.rfind("version ", 0) == 0) e.version = unquote(body.substr(8));
      if (body.rfind("version: ", 0) == 0) e.version = unquote(body.substr(9));
    } else if (indent == 4 && in_dependencies) {
      const auto colon = body.find(": ");
      const auto space = body.find(' ');
      const auto split = colon != std::string::npos && colon < space ? colon : space;
      const std::size_t skip = split == colon ? 2 : 1;
      e.dependencies[unquote(body.substr(0, split))] = unquote(body.substr(split + skip));
    }
  }
  return entries;
}

/// Every version of `name` the lockfile holds.
Versions versions_in_lockfile(Pm pm, const std::string& text, const std::string& name) {
  Versions out;
  switch (pm) {
    case Pm::kNpm: {
      const auto doc = boost::json::parse(text).as_object();
      for (const auto& [path, entry] : doc.at("packages").as_object()) {
        const std::string p(path);
        const std::string tail = "node_modules/" + name;
        if (p.size() >= tail.size() && p.compare(p.size() - tail.size(), tail.size(), tail) == 0) {
          out.insert(std::string(entry.as_object().at("version").as_string()));
        }
      }
      break;
    }
    case Pm::kYarnClassic:
    case Pm::kYarnBerry:
      for (const auto& e : parse_yarn_lock(text)) {
        if (!e.keys.empty() && name_of(e.keys.front()) == name) out.insert(e.version);
      }
      break;
    case Pm::kPnpm: {
      // "  name@1.2.0:" under packages: and snapshots: (a peer suffix
      // "(...)" may follow the version in snapshots).
      const std::string prefix = "  " + name + "@";
      for (const std::string& line : lines_of(text)) {
        if (line.rfind(prefix, 0) != 0 || line.back() != ':') continue;
        std::string version = line.substr(prefix.size(), line.size() - prefix.size() - 1);
        version = version.substr(0, version.find('('));
        out.insert(unquote(version));
      }
      break;
    }
  }
  return out;
}

/// The version of `child` that `parent` (at 1.0.0) gets, as the lockfile
/// tells it; "" when it cannot tell. Not for berry: its lockfile does not
/// record scoped resolutions (package_managers.hpp).
std::string child_of(Pm pm, const std::string& text, const std::string& parent,
                     const std::string& child) {
  switch (pm) {
    case Pm::kNpm: {
      const auto doc = boost::json::parse(text).as_object();
      const auto& packages = doc.at("packages").as_object();
      for (const std::string& path :
           {"node_modules/" + parent + "/node_modules/" + child, "node_modules/" + child}) {
        if (const auto* entry = packages.if_contains(path)) {
          return std::string(entry->as_object().at("version").as_string());
        }
      }
      return "";
    }
    case Pm::kYarnClassic: {
      const auto entries = parse_yarn_lock(text);
      for (const auto& e : entries) {
        if (e.keys.empty() || name_of(e.keys.front()) != parent) continue;
        const auto dep = e.dependencies.find(child);
        if (dep == e.dependencies.end()) return "";
        const std::string key = child + "@" + dep->second;
        for (const auto& c : entries) {
          for (const auto& k : c.keys) {
            if (k == key) return c.version;
          }
        }
      }
      return "";
    }
    case Pm::kPnpm: {
      // snapshots:\n  parent@1.0.0:\n    dependencies:\n      child: 1.1.0
      bool in_snapshots = false;
      bool in_parent = false;
      for (const std::string& line : lines_of(text)) {
        if (!line.empty() && line[0] != ' ') in_snapshots = line == "snapshots:";
        if (!in_snapshots) continue;
        if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
          in_parent = line.rfind("  " + parent + "@", 0) == 0;
          continue;
        }
        const std::string prefix = "      " + child + ": ";
        if (in_parent && line.rfind(prefix, 0) == 0) return unquote(line.substr(prefix.size()));
      }
      return "";
    }
    case Pm::kYarnBerry: return "";
  }
  return "";
}

struct Timing {
  std::string what;
  double seconds;
};

/// Writes the app, installs, returns the lockfile's text.
std::string install(Pm pm, const fs::path& app, const boost::json::object& package_json,
                    const fs::path& scratch, std::vector<Timing>& timings,
                    const std::string& what) {
  fs::create_directories(app);
  std::ofstream(app / "package.json") << boost::json::serialize(package_json) << '\n';
  const auto result =
      callboard::test::install_lockfile(pm, app, LocalRegistry::get().proxy, scratch);
  INFO(callboard::test::pm_name(pm) << " (" << what << ") said:\n" << result.output);
  REQUIRE(result.status == 0);
  REQUIRE(fs::exists(result.lockfile));
  timings.push_back({what, result.seconds});
  return read_text(result.lockfile);
}

boost::json::object app_json(std::initializer_list<std::string> dependencies) {
  boost::json::object deps;
  for (const auto& d : dependencies) deps[d] = "^1.0.0";
  return {{"name", "app"}, {"version", "1.0.0"}, {"private", true}, {"dependencies", deps}};
}

void run_pm(Pm pm) {
  const std::string name(callboard::test::pm_name(pm));
  if (!callboard::test::pm_command(pm)) {
    WARN(name << " is not installed (npm ci at the repository root): skipped");
    return;
  }
  const auto& reg = LocalRegistry::get();
  reg.clear();
  publish_world(reg);
  const std::string version = callboard::test::pm_version(pm);
  INFO(name << " " << version);
  TempDir tmp;
  const fs::path scratch = tmp.path / "scratch";
  std::vector<Timing> timings;

  {  // no override: the newest child
    const auto lock = install(pm, tmp.path / "plain", app_json({kParent}), scratch, timings,
                              "plain (cold cache)");
    CHECK(versions_in_lockfile(pm, lock, kChild) == Versions{"1.2.0"});
    if (pm != Pm::kYarnBerry) CHECK(child_of(pm, lock, kParent, kChild) == "1.2.0");
  }
  {  // a global override to 1.1.0
    auto pkg = app_json({kParent});
    callboard::test::add_override(pm, pkg, kChild, "1.1.0");
    const auto lock = install(pm, tmp.path / "global", pkg, scratch, timings, "global override");
    CHECK(versions_in_lockfile(pm, lock, kChild) == Versions{"1.1.0"});
    if (pm != Pm::kYarnBerry) CHECK(child_of(pm, lock, kParent, kChild) == "1.1.0");
  }
  {  // a parent-scoped override to 1.1.0
    auto pkg = app_json({kParent});
    callboard::test::add_override(pm, pkg, kChild, "1.1.0", kParent);
    const auto lock =
        install(pm, tmp.path / "scoped", pkg, scratch, timings, "parent-scoped override");
    CHECK(versions_in_lockfile(pm, lock, kChild) == Versions{"1.1.0"});
    if (pm != Pm::kYarnBerry) CHECK(child_of(pm, lock, kParent, kChild) == "1.1.0");
  }
  {  // parent-scoped, with a second package asking the same range
    auto pkg = app_json({kParent, kOther});
    callboard::test::add_override(pm, pkg, kChild, "1.1.0", kParent);
    const auto lock =
        install(pm, tmp.path / "scoped-other", pkg, scratch, timings, "scoped, two askers");
    if (pm == Pm::kYarnClassic) {
      // yarn.lock keys entries by pattern and both ask cbt-pm-child@^1.0.0:
      // one version for both, and which one is a race (package_managers.hpp).
      const std::string parent_gets = child_of(pm, lock, kParent, kChild);
      CHECK((parent_gets == "1.1.0" || parent_gets == "1.2.0"));
      CHECK(child_of(pm, lock, kOther, kChild) == parent_gets);
      std::fprintf(stderr, "yarn-classic: a scoped resolution with two askers gave both %s\n",
                   parent_gets.c_str());
    } else {
      CHECK(versions_in_lockfile(pm, lock, kChild) == Versions{"1.1.0", "1.2.0"});
      if (pm != Pm::kYarnBerry) {
        CHECK(child_of(pm, lock, kParent, kChild) == "1.1.0");
        CHECK(child_of(pm, lock, kOther, kChild) == "1.2.0");
      }
    }
  }
  for (const auto& t : timings) {
    std::fprintf(stderr, "timing: %s %s: %s: %.2f s\n", name.c_str(), version.c_str(),
                 t.what.c_str(), t.seconds);
  }
}

}  // namespace

TEST_CASE("npm: lockfile-only install, overrides global and parent-scoped", "[integration][pm]") {
  run_pm(Pm::kNpm);
}

TEST_CASE("yarn classic: install, resolutions global and parent-scoped", "[integration][pm]") {
  run_pm(Pm::kYarnClassic);
}

TEST_CASE("yarn berry: update-lockfile install, resolutions global and parent-scoped",
          "[integration][pm]") {
  run_pm(Pm::kYarnBerry);
}

TEST_CASE("pnpm: lockfile-only install, pnpm.overrides global and parent-scoped",
          "[integration][pm]") {
  run_pm(Pm::kPnpm);
}
