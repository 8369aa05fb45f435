// load_app_profile on the app trees in tests/fixtures/apps/, on
// examples/sample-app, and on broken apps built in a temporary folder.

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"

namespace {

namespace fs = std::filesystem;
using callboard::AppProfile;
using callboard::ErrorCode;
using callboard::LockedPackage;
using callboard::LockfileKind;
using callboard::PackageManager;
using callboard::PackageRole;

const fs::path kApps = fs::path(CALLBOARD_REPO_ROOT) / "tests" / "fixtures" / "apps";

AppProfile load_ok(const fs::path& root, const callboard::ParseLimits& limits = {}) {
  auto profile = callboard::load_app_profile(root, limits);
  if (!profile) FAIL(profile.error().to_string());
  return *profile;
}

std::vector<std::string> paths_of(const AppProfile& p) {
  std::vector<std::string> out;
  for (const auto& w : p.packages) out.push_back(w.path);
  return out;
}

// A scratch app folder, removed again at the end of the test.
class TempApp {
 public:
  TempApp() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    root_ = fs::temp_directory_path() /
            ("callboard-app-test-" + std::to_string(stamp) + "-" + std::to_string(counter++));
    fs::create_directories(root_);
  }
  ~TempApp() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempApp(const TempApp&) = delete;
  TempApp& operator=(const TempApp&) = delete;

  void write(const std::string& rel, const std::string& text) const {
    const fs::path path = root_ / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void package(const std::string& dir, const std::string& name) const {
    write(dir.empty() ? "package.json" : dir + "/package.json", R"({"name": ")" + name + R"(", "version": "1.0.0"})");
  }
  [[nodiscard]] const fs::path& root() const noexcept { return root_; }

 private:
  fs::path root_;
};

LockedPackage locked(std::string name, std::string version, std::string integrity, std::string path,
                     bool host_level, std::vector<std::string> descriptors = {}) {
  LockedPackage l;
  l.name = std::move(name);
  l.version = std::move(version);
  l.integrity = std::move(integrity);
  l.path = std::move(path);
  l.host_level = host_level;
  l.descriptors = std::move(descriptors);
  return l;
}

// name@version of each host-level entry, in order.
std::vector<std::string> host_level_of(const AppProfile& p) {
  std::vector<std::string> out;
  for (const auto& l : p.locked) {
    if (l.host_level) out.push_back(l.name + "@" + l.version);
  }
  return out;
}

callboard::Error load_error(const fs::path& root, const callboard::ParseLimits& limits = {}) {
  auto profile = callboard::load_app_profile(root, limits);
  REQUIRE_FALSE(profile.ok());
  return profile.error();
}

}  // namespace

TEST_CASE("an npm app: globs, literal folders, package-lock.json", "[model][app]") {
  const AppProfile p = load_ok(kApps / "npm-app");
  CHECK(p.root == kApps / "npm-app");
  CHECK(p.backstage_version == "1.30.2");
  // "!packages/legacy" is ignored (negations are not supported), ".hidden"
  // and folders without package.json are not workspaces, duplicates collapse.
  CHECK(paths_of(p) == std::vector<std::string>{".", "extra", "packages/app", "packages/backend", "packages/legacy",
                                                 "plugins/catalog-extra", "plugins/group/nested-backend",
                                                 "tools/cli"});
  CHECK(p.packages[0].manifest.name == "npm-app");
  CHECK(p.packages[0].manifest.workspaces.size() == 8);
  CHECK(p.packages[2].manifest.name == "app");
  REQUIRE(p.packages[2].manifest.backstage);
  CHECK(p.packages[2].manifest.backstage->role == PackageRole::kFrontend);
  CHECK(p.packages[2].manifest.dependencies.at("@backstage/core-plugin-api") == "^1.9.3");
  CHECK(p.packages[6].manifest.name == "@internal/plugin-nested-backend");
  // package-lock.json wins over the yarn.lock next to it.
  CHECK(p.lockfile == LockfileKind::kNpm);
  CHECK(p.locked == std::vector<LockedPackage>{
                         locked("@backstage/backend-defaults", "0.4.4", "sha512-bd",
                                "node_modules/@backstage/backend-defaults", true),
                         locked("@backstage/core-plugin-api", "1.9.4", "sha512-cpa",
                                "node_modules/@backstage/core-plugin-api", true),
                         locked("@backstage/core-plugin-api", "1.9.3", "sha512-cpa-old",
                                "packages/backend/node_modules/@backstage/core-plugin-api", false)});
  CHECK(p.package_manager == PackageManager::kNpm);
  CHECK(p.package_manager_source == "package-lock.json");
}

TEST_CASE("a yarn classic app: workspaces in the object form", "[model][app]") {
  const AppProfile p = load_ok(kApps / "yarn-classic-app");
  CHECK(p.backstage_version.empty());  // no backstage.json
  CHECK(paths_of(p) == std::vector<std::string>{".", "packages/app"});
  CHECK(p.lockfile == LockfileKind::kYarnClassic);
  CHECK(p.locked == std::vector<LockedPackage>{
                         locked("@backstage/config", "1.2.0", "sha512-config", "", true, {"^1.2.0"}),
                         locked("@backstage/core-plugin-api", "1.9.4", "sha512-cpa", "", true, {"^1.9.3"})});
  CHECK(p.package_manager == PackageManager::kYarnClassic);
  CHECK(p.package_manager_source == "yarn.lock");
}

TEST_CASE("a yarn berry app: '**' matches the folder itself and its descendants", "[model][app]") {
  const AppProfile p = load_ok(kApps / "yarn-berry-app");
  CHECK(p.backstage_version == "1.31.0");
  CHECK(paths_of(p) == std::vector<std::string>{".", "packages", "packages/deep/inner"});
  CHECK(p.lockfile == LockfileKind::kYarnBerry);
  CHECK(p.locked == std::vector<LockedPackage>{locked("@backstage/config", "1.2.0", "", "", true, {"^1.2.0"})});
  CHECK(p.package_manager == PackageManager::kYarnBerry);
  CHECK(p.package_manager_source == "yarn.lock");
}

TEST_CASE("examples/sample-app is a 1.31.0 app whose ranges admit the release", "[model][app][example]") {
  const fs::path root = fs::path(CALLBOARD_REPO_ROOT) / "examples" / "sample-app";
  const AppProfile p = load_ok(root);
  CHECK(p.backstage_version == "1.31.0");
  REQUIRE(paths_of(p) == std::vector<std::string>{".", "packages/app", "packages/backend"});
  CHECK(p.lockfile == LockfileKind::kNone);
  CHECK(p.locked.empty());
  CHECK(p.package_manager == PackageManager::kNpm);
  CHECK(p.package_manager_source == "default");
  CHECK(p.packages[0].manifest.private_package);
  CHECK(p.packages[0].manifest.workspaces == std::vector<std::string>{"packages/*", "plugins/*"});
  CHECK(callboard::detect_role(p.packages[1].manifest) == PackageRole::kFrontend);
  CHECK(callboard::detect_role(p.packages[2].manifest) == PackageRole::kBackend);

  std::ifstream in(fs::path(CALLBOARD_DATA_DIR) / "releases" / "1.31.0.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto release = callboard::parse_release(text.str());
  if (!release) FAIL(release.error().to_string());
  REQUIRE(release->version == "1.31.0");

  std::size_t checked = 0;
  for (const auto& workspace : p.packages) {
    for (const auto* deps : {&workspace.manifest.dependencies, &workspace.manifest.dev_dependencies}) {
      for (const auto& [name, range] : *deps) {
        if (!name.starts_with("@backstage/")) continue;
        INFO(workspace.path << ": " << name << "@" << range);
        const std::string* version = release->find(name);
        REQUIRE(version != nullptr);  // every @backstage package used is part of the release
        CHECK(callboard::semver::satisfies(*version, range));
        CHECK(range == "^" + *version);  // exactly what create-app writes
        ++checked;
      }
    }
  }
  CHECK(checked >= 50);
  // The reason this release was picked: backend-common is still in it.
  CHECK(p.packages[2].manifest.dependencies.count("@backstage/backend-common") == 1);
  CHECK(p.packages[1].manifest.dependencies.count("@backstage/plugin-catalog") == 1);
  CHECK(p.packages[2].manifest.dependencies.count("@backstage/plugin-scaffolder-backend") == 1);
}

TEST_CASE("load_app_profile: missing and malformed files name the file", "[model][app]") {
  SECTION("no such folder") {
    const auto e = load_error(kApps / "does-not-exist");
    CHECK(e.code == ErrorCode::kNotFound);
  }
  SECTION("no root package.json") {
    TempApp app;
    app.write("backstage.json", R"({"version": "1.31.0"})");
    const auto e = load_error(app.root());
    CHECK(e.code == ErrorCode::kNotFound);
    CHECK(e.detail("file") == (app.root() / "package.json").string());
    CHECK(e.message.find("package.json") != std::string::npos);
  }
  SECTION("backstage.json that is not JSON, or has no usable version") {
    for (const char* text : {"{\"version\": \"1.31.0\"", "{\"version\": 131}", "{}", "[\"1.31.0\"]",
                             "{\"version\": \"latest\"}"}) {
      INFO(text);
      TempApp app;
      app.package("", "root");
      app.write("backstage.json", text);
      const auto e = load_error(app.root());
      CHECK(e.code == ErrorCode::kInvalidArgument);
      CHECK(e.detail("file") == (app.root() / "backstage.json").string());
    }
  }
  SECTION("a workspace package.json that is not JSON") {
    TempApp app;
    app.write("package.json", R"({"name": "root", "workspaces": ["packages/*"]})");
    app.package("packages/good", "good");
    app.write("packages/broken/package.json", "{\"name\": \"broken\",\n  \"version\": }");
    const auto e = load_error(app.root());
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("file") == (app.root() / "packages/broken/package.json").string());
    CHECK(e.message.find("packages/broken/package.json") != std::string::npos);
    CHECK(e.detail("line") == "2");
  }
  SECTION("a broken lockfile") {
    TempApp app;
    app.package("", "root");
    app.write("yarn.lock", "a@^1:\n  version \"1.0.0\n");
    const auto e = load_error(app.root());
    CHECK(e.detail("file") == (app.root() / "yarn.lock").string());
    CHECK(e.detail("line") == "2");
  }
  SECTION("patterns that leave the app") {
    for (const char* pattern : {"../elsewhere/*", "packages/../../x", "/abs/*"}) {
      INFO(pattern);
      TempApp app;
      app.write("package.json", std::string(R"({"name": "root", "workspaces": [")") + pattern + "\"]}");
      const auto e = load_error(app.root());
      CHECK(e.code == ErrorCode::kInvalidArgument);
      CHECK(e.detail("pattern") == pattern);
      CHECK(e.detail("file") == (app.root() / "package.json").string());
    }
  }
  SECTION("a file bigger than the limit") {
    TempApp app;
    app.write("package.json", R"({"name": "root", "description": ")" + std::string(4000, 'x') + "\"}");
    callboard::ParseLimits limits;
    limits.max_document_bytes = 1000;
    const auto e = load_error(app.root(), limits);
    CHECK(e.code == ErrorCode::kResourceExhausted);
    CHECK(e.detail("file") == (app.root() / "package.json").string());
  }
}

TEST_CASE("load_app_profile: '**' skips node_modules, hidden folders and symlinks", "[model][app]") {
  TempApp app;
  app.write("package.json", R"({"name": "root", "workspaces": ["plugins/**", "plugins/*-backend"]})");
  app.package("plugins/a", "a");
  app.package("plugins/a/node_modules/dep", "dep");  // installed, not a workspace
  app.package("plugins/b/src/fixtures/c", "c");
  app.package("plugins/.cache/d", "d");
  app.package("plugins/x-backend", "x-backend");
  app.package("node_modules/e", "e");
  std::error_code ec;
  fs::create_directory_symlink(app.root() / "plugins", app.root() / "plugins/b/loop", ec);
  const AppProfile p = load_ok(app.root());
  CHECK(paths_of(p) == std::vector<std::string>{".", "plugins/a", "plugins/b/src/fixtures/c", "plugins/x-backend"});
  CHECK(p.lockfile == LockfileKind::kNone);
}

TEST_CASE("load_app_profile: glob wildcards within a segment", "[model][app]") {
  TempApp app;
  app.write("package.json", R"({"name": "root", "workspaces": ["plugins/*-backend", "tools/?"]})");
  app.package("plugins/catalog-backend", "cb");
  app.package("plugins/catalog", "c");
  app.package("plugins/-backend", "empty-prefix");
  app.package("tools/a", "a");
  app.package("tools/ab", "ab");
  const AppProfile p = load_ok(app.root());
  CHECK(paths_of(p) == std::vector<std::string>{".", "plugins/-backend", "plugins/catalog-backend", "tools/a"});
}

TEST_CASE("load_app_profile: at most 2000 workspaces", "[model][app]") {
  TempApp app;
  app.write("package.json", R"({"name": "root", "workspaces": ["p/*"]})");
  for (int i = 0; i < 2001; ++i) app.write("p/w" + std::to_string(i) + "/package.json", "{}");
  const auto e = load_error(app.root());
  CHECK(e.code == ErrorCode::kResourceExhausted);
  CHECK(e.message.find("2000 workspaces") != std::string::npos);
}

TEST_CASE("a pnpm app: pnpm-workspace.yaml and pnpm-lock.yaml 9.0", "[model][app][pnpm]") {
  const AppProfile p = load_ok(kApps / "pnpm-app");
  // The root package.json has no `workspaces`: pnpm-workspace.yaml's globs.
  CHECK(paths_of(p) == std::vector<std::string>{".", "packages/backend"});
  CHECK(p.lockfile == LockfileKind::kPnpm);
  CHECK(p.package_manager == PackageManager::kPnpm);
  CHECK(p.package_manager_source == "pnpm-lock.yaml");
  // semver: 7.8.6 is the root's own range, 6.3.2 a workspace's and an alias.
  // loose-envify and scheduler no importer depends on directly: pnpm keeps
  // them in node_modules/.pnpm only, so neither is host-level.
  CHECK(host_level_of(p) == std::vector<std::string>{"@backstage/types@1.2.2", "js-tokens@4.0.0", "react@18.3.1",
                                                      "react-dom@18.3.1", "semver@7.8.6"});
  REQUIRE(p.locked.size() == 8);
  CHECK(p.locked[6].version == "7.8.6");
  CHECK(p.locked[7].version == "6.3.2");
  CHECK_FALSE(p.locked[7].host_level);
}

TEST_CASE("load_app_profile: yarn host-level copies, by the app's ranges then by use", "[model][app]") {
  const std::string classic =
      "# yarn lockfile v1\n\n"
      "a@^1.0.0, a@^1.1.0, a@^1.2.0:\n  version \"1.2.0\"\n\n"
      "a@^2.0.0:\n  version \"2.0.0\"\n\n"
      "b@^1.0.0:\n  version \"1.0.0\"\n\n"
      "b@^2.0.0:\n  version \"2.0.0\"\n\n"
      "c@^3.0.0:\n  version \"3.0.0\"\n\n"
      "\"c-alias@npm:c@^4.0.0\":\n  version \"4.0.0\"\n\n"
      "d@^1.0.0:\n  version \"1.0.0\"\n\n"
      "d@^1.5.0:\n  version \"1.5.0\"\n";
  const std::string berry =
      "__metadata:\n  version: 8\n\n"
      "\"a@npm:^1.0.0, a@npm:^1.1.0, a@npm:^1.2.0\":\n  version: 1.2.0\n  resolution: \"a@npm:1.2.0\"\n\n"
      "\"a@npm:^2.0.0\":\n  version: 2.0.0\n  resolution: \"a@npm:2.0.0\"\n\n"
      "\"b@npm:^1.0.0\":\n  version: 1.0.0\n  resolution: \"b@npm:1.0.0\"\n\n"
      "\"b@npm:^2.0.0\":\n  version: 2.0.0\n  resolution: \"b@npm:2.0.0\"\n\n"
      "\"c@npm:^3.0.0\":\n  version: 3.0.0\n  resolution: \"c@npm:3.0.0\"\n\n"
      "\"c-alias@npm:c@^4.0.0\":\n  version: 4.0.0\n  resolution: \"c@npm:4.0.0\"\n\n"
      "\"d@npm:^1.0.0\":\n  version: 1.0.0\n  resolution: \"d@npm:1.0.0\"\n\n"
      "\"d@npm:^1.5.0\":\n  version: 1.5.0\n  resolution: \"d@npm:1.5.0\"\n";
  for (const auto& [lock, kind] : {std::pair{classic, LockfileKind::kYarnClassic},
                                   std::pair{berry, LockfileKind::kYarnBerry}}) {
    INFO(lock);
    TempApp app;
    // a: the root writes ^2.0.0 (the less used version wins); b: only a
    // workspace writes a range; c: 4.0.0 is reached only through an alias;
    // d: nobody writes either range, equal use, so the higher.
    app.write("package.json", R"({"name": "root", "workspaces": ["packages/*"],
      "dependencies": {"a": "^2.0.0", "c-alias": "npm:c@^4.0.0"}})");
    app.write("packages/x/package.json", R"({"name": "x", "devDependencies": {"a": "^1.0.0", "b": "npm:^1.0.0"}})");
    app.write("yarn.lock", lock);
    const AppProfile p = load_ok(app.root());
    CHECK(p.lockfile == kind);
    CHECK(host_level_of(p) == std::vector<std::string>{"a@2.0.0", "b@1.0.0", "c@3.0.0", "d@1.5.0"});
    REQUIRE(p.locked.size() == 8);
    CHECK(p.locked[0].version == "2.0.0");  // host-level first
    CHECK(p.locked[1].descriptors == std::vector<std::string>{"^1.0.0", "^1.1.0", "^1.2.0"});
    CHECK(p.locked[5].descriptors == std::vector<std::string>{"npm:c@^4.0.0"});
  }
  SECTION("without the app's ranges the most used version is host-level") {
    TempApp app;
    app.write("package.json", R"({"name": "root"})");
    app.write("yarn.lock", classic);
    const AppProfile p = load_ok(app.root());
    CHECK(host_level_of(p) == std::vector<std::string>{"a@1.2.0", "b@2.0.0", "c@3.0.0", "d@1.5.0"});
  }
}

TEST_CASE("load_app_profile: which package manager", "[model][app]") {
  struct Case {
    std::string package_json;
    std::string file;  // written besides package.json when not empty
    PackageManager expected;
    std::string source;
  };
  const std::vector<Case> cases{
      {R"({"packageManager": "yarn@1.22.19"})", "", PackageManager::kYarnClassic, "packageManager field"},
      {R"({"packageManager": "yarn@4.4.1"})", "", PackageManager::kYarnBerry, "packageManager field"},
      {R"({"packageManager": "yarn@2.4.3"})", "", PackageManager::kYarnBerry, "packageManager field"},
      {R"({"packageManager": "yarn@10.0.0"})", "", PackageManager::kYarnBerry, "packageManager field"},
      {R"({"packageManager": "pnpm@9.1.0+sha512.abc"})", "", PackageManager::kPnpm, "packageManager field"},
      {R"({"packageManager": "npm@10"})", ".yarnrc.yml", PackageManager::kNpm, "packageManager field"},
      {R"({"packageManager": "bun@1.1.0"})", "", PackageManager::kNpm, "default"},
      {R"({"packageManager": "yarn"})", "", PackageManager::kNpm, "default"},
      {R"({"packageManager": 4})", ".yarnrc.yml", PackageManager::kYarnBerry, ".yarnrc.yml"},
      {R"({})", ".yarnrc.yml", PackageManager::kYarnBerry, ".yarnrc.yml"},
      {R"({})", "", PackageManager::kNpm, "default"},
      // The lockfile comes first.
      {R"({"packageManager": "pnpm@9.1.0"})", "yarn.lock", PackageManager::kYarnClassic, "yarn.lock"},
      {R"({"packageManager": "yarn@4.4.1"})", "package-lock.json", PackageManager::kNpm, "package-lock.json"},
      {R"({"packageManager": "yarn@4.4.1"})", "npm-shrinkwrap.json", PackageManager::kNpm, "npm-shrinkwrap.json"},
      {R"({"packageManager": "npm@10.0.0"})", "pnpm-lock.yaml", PackageManager::kPnpm, "pnpm-lock.yaml"},
  };
  for (const auto& c : cases) {
    INFO(c.package_json << " + " << c.file);
    TempApp app;
    app.write("package.json", c.package_json);
    if (c.file == "package-lock.json" || c.file == "npm-shrinkwrap.json") {
      app.write(c.file, R"({"lockfileVersion": 3, "packages": {}})");
    } else if (c.file == "pnpm-lock.yaml") {
      app.write(c.file, "lockfileVersion: '9.0'\n");
    } else if (c.file == "yarn.lock") {
      app.write(c.file, "# yarn lockfile v1\n");
    } else if (!c.file.empty()) {
      app.write(c.file, "nodeLinker: node-modules\n");
    }
    const AppProfile p = load_ok(app.root());
    CHECK(p.package_manager == c.expected);
    CHECK(p.package_manager_source == c.source);
  }
  CHECK(callboard::to_string(PackageManager::kNpm) == "npm");
  CHECK(callboard::to_string(PackageManager::kYarnClassic) == "yarn-classic");
  CHECK(callboard::to_string(PackageManager::kYarnBerry) == "yarn-berry");
  CHECK(callboard::to_string(PackageManager::kPnpm) == "pnpm");
}

TEST_CASE("load_app_profile: lockfile order and broken pnpm files", "[model][app][pnpm]") {
  SECTION("npm-shrinkwrap.json before package-lock.json before yarn.lock before pnpm-lock.yaml") {
    TempApp app;
    app.package("", "root");
    app.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  p@1.0.0:\n    resolution: {integrity: x}\n");
    CHECK(load_ok(app.root()).lockfile == LockfileKind::kPnpm);
    app.write("yarn.lock", "y@^1:\n  version \"1.0.0\"\n");
    CHECK(load_ok(app.root()).lockfile == LockfileKind::kYarnClassic);
    app.write("package-lock.json", R"({"lockfileVersion": 3, "packages": {"node_modules/l": {"version": "1.0.0"}}})");
    AppProfile p = load_ok(app.root());
    REQUIRE(p.locked.size() == 1);
    CHECK(p.locked[0].name == "l");
    app.write("npm-shrinkwrap.json", R"({"lockfileVersion": 3, "packages": {"node_modules/s": {"version": "1.0.0"}}})");
    p = load_ok(app.root());
    REQUIRE(p.locked.size() == 1);
    CHECK(p.locked[0].name == "s");
    CHECK(p.package_manager_source == "npm-shrinkwrap.json");
  }
  SECTION("a broken pnpm-lock.yaml") {
    TempApp app;
    app.package("", "root");
    app.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [\n");
    const auto e = load_error(app.root());
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("file") == (app.root() / "pnpm-lock.yaml").string());
    CHECK_FALSE(e.detail("line").empty());
  }
  SECTION("a broken pnpm-workspace.yaml") {
    TempApp app;
    app.package("", "root");
    app.write("pnpm-workspace.yaml", "packages: packages/*\n");
    auto e = load_error(app.root());
    CHECK(e.detail("file") == (app.root() / "pnpm-workspace.yaml").string());
    CHECK(e.detail("line") == "1");
    app.write("pnpm-workspace.yaml", "packages:\n  - ../out/*\n");
    e = load_error(app.root());
    CHECK(e.detail("pattern") == "../out/*");
    CHECK(e.detail("file") == (app.root() / "pnpm-workspace.yaml").string());
  }
}

TEST_CASE("load_app_profile: peer settings from the app's .npmrc", "[model][app]") {
  struct Case {
    std::string package_json;
    std::string npmrc;  // empty: no file
    std::optional<bool> strict;
    std::string source;
  };
  const std::vector<Case> cases{
      {R"({})", "", std::nullopt, ""},
      {R"({})", "registry=http://127.0.0.1:1/\n", std::nullopt, ""},
      {R"({})", "legacy-peer-deps=true\n", false, ".npmrc legacy-peer-deps=true"},
      {R"({})", "legacy-peer-deps\n", false, ".npmrc legacy-peer-deps=true"},
      {R"({})", "legacy-peer-deps=false\n", true, ".npmrc legacy-peer-deps=false"},
      {R"({})", "strict-peer-deps=true\n", true, ".npmrc strict-peer-deps=true"},
      {R"({})", "; legacy-peer-deps=true\n", std::nullopt, ""},
      {R"({})", "[section]\nlegacy-peer-deps=true\n", std::nullopt, ""},
      // The later line wins, as in npm.
      {R"({})", "legacy-peer-deps=true\nlegacy-peer-deps=false\n", true, ".npmrc legacy-peer-deps=false"},
      // Each manager reads its own key only.
      {R"({})", "strict-peer-dependencies=true\n", std::nullopt, ""},
      {R"({"packageManager": "pnpm@10.0.0"})", "strict-peer-dependencies=true\n", true,
       ".npmrc strict-peer-dependencies=true"},
      {R"({"packageManager": "pnpm@10.0.0"})", "legacy-peer-deps=true\n", std::nullopt, ""},
      {R"({"packageManager": "yarn@1.22.22"})", "legacy-peer-deps=true\n", std::nullopt, ""},
  };
  for (const auto& c : cases) {
    INFO(c.package_json << " + " << c.npmrc);
    TempApp app;
    app.write("package.json", c.package_json);
    if (!c.npmrc.empty()) app.write(".npmrc", c.npmrc);
    const AppProfile p = load_ok(app.root());
    CHECK(p.strict_peers == c.strict);
    CHECK(p.strict_peers_source == c.source);
  }
  // A line npm cannot read is an error naming the file and line.
  TempApp app;
  app.write("package.json", "{}");
  app.write(".npmrc", "legacy-peer-deps=true\n=oops\n");
  auto p = callboard::load_app_profile(app.root());
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == callboard::ErrorCode::kInvalidArgument);
  std::map<std::string, std::string> where;
  for (const auto& d : p.error().context) where[d.key] = d.value;
  CHECK(where["file"].ends_with(".npmrc"));
  CHECK(where["line"] == "2");
}
