// load_app_profile on the app trees in tests/fixtures/apps/, on
// examples/sample-app, and on broken apps built in a temporary folder.

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
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
  CHECK(p.locked == std::vector<LockedPackage>{{"@backstage/backend-defaults", "0.4.4", "sha512-bd"},
                                               {"@backstage/core-plugin-api", "1.9.3", "sha512-cpa-old"},
                                               {"@backstage/core-plugin-api", "1.9.4", "sha512-cpa"}});
}

TEST_CASE("a yarn classic app: workspaces in the object form", "[model][app]") {
  const AppProfile p = load_ok(kApps / "yarn-classic-app");
  CHECK(p.backstage_version.empty());  // no backstage.json
  CHECK(paths_of(p) == std::vector<std::string>{".", "packages/app"});
  CHECK(p.lockfile == LockfileKind::kYarnClassic);
  CHECK(p.locked == std::vector<LockedPackage>{{"@backstage/config", "1.2.0", "sha512-config"},
                                               {"@backstage/core-plugin-api", "1.9.4", "sha512-cpa"}});
}

TEST_CASE("a yarn berry app: '**' matches the folder itself and its descendants", "[model][app]") {
  const AppProfile p = load_ok(kApps / "yarn-berry-app");
  CHECK(p.backstage_version == "1.31.0");
  CHECK(paths_of(p) == std::vector<std::string>{".", "packages", "packages/deep/inner"});
  CHECK(p.lockfile == LockfileKind::kYarnBerry);
  CHECK(p.locked == std::vector<LockedPackage>{{"@backstage/config", "1.2.0", ""}});
}

TEST_CASE("examples/sample-app is a 1.31.0 app whose ranges admit the release", "[model][app][example]") {
  const fs::path root = fs::path(CALLBOARD_REPO_ROOT) / "examples" / "sample-app";
  const AppProfile p = load_ok(root);
  CHECK(p.backstage_version == "1.31.0");
  REQUIRE(paths_of(p) == std::vector<std::string>{".", "packages/app", "packages/backend"});
  CHECK(p.lockfile == LockfileKind::kNone);
  CHECK(p.locked.empty());
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
