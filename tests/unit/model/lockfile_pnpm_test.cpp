// The pnpm-lock.yaml reader (src/model/lockfile.hpp): real lockfiles that
// pnpm 7, 8 and 9 wrote for tests/fixtures/apps/pnpm-app (5.4, 6.0, 9.0),
// hand-written ones for what those lack, and hostile input.

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "model/lockfile.hpp"
#include "test_files.hpp"

namespace {

namespace fs = std::filesystem;
using callboard::ErrorCode;
using callboard::LockedPackage;
namespace md = callboard::model_detail;

const fs::path kApp = fs::path(CALLBOARD_REPO_ROOT) / "tests" / "fixtures" / "apps" / "pnpm-app";

std::vector<LockedPackage> pnpm_ok(std::string_view text) {
  auto r = md::parse_pnpm_lock(text, "pnpm-lock.yaml");
  if (!r) FAIL(r.error().to_string());
  return *r;
}

callboard::Error pnpm_error(std::string_view text, const callboard::ParseLimits& limits = {}) {
  auto r = md::parse_pnpm_lock(text, "pnpm-lock.yaml", limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().detail("file") == "pnpm-lock.yaml");
  CHECK_FALSE(r.error().message.empty());
  return r.error();
}

LockedPackage entry(std::string name, std::string version, std::vector<std::string> descriptors) {
  LockedPackage l;
  l.name = std::move(name);
  l.version = std::move(version);
  l.descriptors = std::move(descriptors);
  return l;
}

// The fixture's packages without their integrity strings (checked apart).
std::vector<LockedPackage> without_integrity(std::vector<LockedPackage> packages) {
  for (auto& p : packages) {
    CHECK(p.integrity.starts_with("sha512-"));
    p.integrity.clear();
  }
  return packages;
}

const std::vector<LockedPackage> kFixturePackages{
    entry("@backstage/types", "1.2.2", {"^1.1.0"}),
    entry("js-tokens", "4.0.0", {"^4.0.0"}),  // a devDependency of the root
    entry("loose-envify", "1.4.0", {}),
    entry("react", "18.3.1", {"^18.2.0"}),
    entry("react-dom", "18.3.1", {"^18.2.0"}),  // "18.3.1(react@18.3.1)" in the lockfile
    entry("scheduler", "0.23.2", {}),
    // packages/backend's range and the root's alias "semver-six".
    entry("semver", "6.3.2", {"^6.3.0", "npm:semver@^6.1.0"}),
    entry("semver", "7.8.6", {"^7.5.0"}),
};

}  // namespace

TEST_CASE("pnpm-lock.yaml 9.0 written by pnpm 9", "[model][lockfile][pnpm]") {
  const auto locked = pnpm_ok(callboard::test::read_text(kApp / "pnpm-lock.yaml"));
  REQUIRE(locked.size() == kFixturePackages.size());
  CHECK(locked[0].integrity ==
        "sha512-gCctHIL3VSCKiffbWDq4Zl2n7g8NPO/dD2ksdOEm9KzWfb5AubsfQzakoKjZ8XvmdaY9jY7j1yRmHSjAqq7rBA==");
  for (const auto& p : locked) {
    CHECK(p.path.empty());
    CHECK_FALSE(p.host_level);
  }
  CHECK(without_integrity(locked) == kFixturePackages);
}

TEST_CASE("pnpm-lock.yaml 6.0 written by pnpm 8 and 5.4 by pnpm 7 read the same", "[model][lockfile][pnpm]") {
  const auto v9 = pnpm_ok(callboard::test::read_text(kApp / "pnpm-lock.yaml"));
  const auto v6 = pnpm_ok(callboard::test::read_text(kApp / "lockfiles" / "pnpm-lock-v6.yaml"));
  const auto v5 = pnpm_ok(callboard::test::read_text(kApp / "lockfiles" / "pnpm-lock-v5.yaml"));
  CHECK(v6 == v9);
  CHECK(v5 == v9);
}

TEST_CASE("pnpm-lock.yaml: only registry packages, peer variants merged", "[model][lockfile][pnpm]") {
  const auto v6 = pnpm_ok(R"(lockfileVersion: '6.0'
dependencies:
  '@scope/a':
    specifier: ^1.0.0
    version: 1.2.3(react@18.2.0)
  b-alias:
    specifier: npm:b@^2
    version: /b@2.0.0
  local:
    specifier: link:../local
    version: link:../local
  from-file:
    specifier: file:../x.tgz
    version: file:../x.tgz
packages:
  /@scope/a@1.2.3(react@18.2.0):
    resolution: {integrity: sha512-a}
  /@scope/a@1.2.3(react@17.0.2):
    resolution: {integrity: sha512-a}
  /b@2.0.0:
    resolution: {integrity: sha512-b}
  file:../x.tgz:
    resolution: {integrity: sha512-x, tarball: file:../x.tgz}
    name: from-file
    version: 1.0.0
  github.com/user/repo/0123abc:
    resolution: {tarball: https://example.invalid/user/repo/tar.gz/0123abc}
    name: repo
    version: 1.0.0
  /git-dep@1.0.0:
    resolution: {type: git, repo: https://example.invalid/x.git, commit: abc}
  /folder@1.0.0:
    resolution: {type: directory, directory: ../folder}
  /not-semver@latest:
    resolution: {integrity: sha512-n}
)");
  auto a = entry("@scope/a", "1.2.3", {"^1.0.0"});
  a.integrity = "sha512-a";
  auto b = entry("b", "2.0.0", {"npm:b@^2"});
  b.integrity = "sha512-b";
  CHECK(v6 == std::vector<LockedPackage>{a, b});

  const auto v9 = pnpm_ok(R"(lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      '@scope/a':
        specifier: ^1.0.0
        version: 1.2.3(react@18.2.0)
      b-alias:
        specifier: npm:b@^2
        version: b@2.0.0
      app:
        specifier: workspace:*
        version: link:packages/app
    optionalDependencies:
      '@scope/a':
        specifier: ^1.2.0
        version: 1.2.3(react@18.2.0)
  packages/app:
    dependencies:
      from-git:
        specifier: github:user/repo
        version: https://example.invalid/user/repo/tar.gz/0123abc
packages:
  '@scope/a@1.2.3':
    resolution: {integrity: sha512-a}
  b@2.0.0:
    resolution: {integrity: sha512-b}
  from-git@https://example.invalid/user/repo/tar.gz/0123abc:
    resolution: {tarball: https://example.invalid/user/repo/tar.gz/0123abc}
    version: 1.0.0
  local@file:../local:
    resolution: {directory: ../local, type: directory}
snapshots:
  '@scope/a@1.2.3(react@18.2.0)': {}
  b@2.0.0: {}
)");
  a.descriptors = {"^1.0.0", "^1.2.0"};
  CHECK(v9 == std::vector<LockedPackage>{a, b});

  // 5.x without workspaces: `specifiers` and `dependencies` at the top level.
  const auto v5 = pnpm_ok(R"(lockfileVersion: 5.3
specifiers:
  '@scope/a': ^1.0.0
dependencies:
  '@scope/a': 1.2.3_react@18.2.0
packages:
  /@scope/a/1.2.3_react@18.2.0:
    resolution: {integrity: sha512-a}
)");
  a.descriptors = {"^1.0.0"};
  CHECK(v5 == std::vector<LockedPackage>{a});
  CHECK(pnpm_ok("lockfileVersion: '9.0'\nimporters:\n  .: {}\n").empty());
}

TEST_CASE("pnpm-lock.yaml: errors say where", "[model][lockfile][pnpm]") {
  auto e = pnpm_error("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: 'unclosed\n");
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK_FALSE(e.detail("line").empty());
  CHECK_FALSE(e.detail("column").empty());

  e = pnpm_error("lockfileVersion: '4.0'\n");
  CHECK(e.detail("field") == "lockfileVersion");
  CHECK(e.detail("line") == "1");
  CHECK(e.detail("column") == "18");
  CHECK(e.message.find("unsupported") != std::string::npos);
  e = pnpm_error("packages: {}\n");
  CHECK(e.message.find("not a pnpm-lock.yaml") != std::string::npos);
  CHECK(pnpm_error("").message.find("not a pnpm-lock.yaml") != std::string::npos);
  e = pnpm_error("- a\n");
  CHECK(e.message.find("top level") != std::string::npos);
  e = pnpm_error("lockfileVersion: [9]\n");
  CHECK(e.detail("field") == "lockfileVersion");

  e = pnpm_error("lockfileVersion: '9.0'\npackages: [1]\n");
  CHECK(e.detail("field") == "packages");
  CHECK(e.detail("line") == "2");
  e = pnpm_error("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: 7\n");
  CHECK(e.detail("field") == "a@1.0.0");
  CHECK(e.detail("line") == "3");
  CHECK(e.detail("column") == "3");
  e = pnpm_error("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    engines: {node: '>=18'}\n");
  CHECK(e.message.find("resolution") != std::string::npos);
  CHECK(e.detail("line") == "3");
  e = pnpm_error("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: [x]}\n");
  CHECK(e.detail("field") == "a@1.0.0");
  CHECK(e.detail("line") == "4");

  e = pnpm_error("lockfileVersion: '9.0'\nimporters: [1]\n");
  CHECK(e.detail("field") == "importers");
  e = pnpm_error("lockfileVersion: '9.0'\nimporters:\n  .: 3\n");
  CHECK(e.detail("field") == ".");
  CHECK(e.detail("line") == "3");
  e = pnpm_error("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: 1.0.0\n");
  CHECK(e.detail("field") == "a");
  CHECK(e.detail("line") == "5");
  CHECK(e.message.find("specifier") != std::string::npos);
  e = pnpm_error("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: {specifier: ^1}\n");
  CHECK(e.message.find("'version'") != std::string::npos);
  e = pnpm_error("lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies: x\n");
  CHECK(e.detail("field") == "devDependencies");
  e = pnpm_error("lockfileVersion: 5.4\nspecifiers: [a]\n");
  CHECK(e.detail("field") == "specifiers");
  e = pnpm_error("lockfileVersion: '9.0'\na: &x 1\nb: *x\n");
  CHECK(e.message.find("aliases") != std::string::npos);
  e = pnpm_error("lockfileVersion: '9.0'\nlockfileVersion: '9.0'\n");
  CHECK(e.detail("line") == "2");
}

TEST_CASE("pnpm-lock.yaml: bounds", "[model][lockfile][pnpm]") {
  callboard::ParseLimits small;
  small.max_document_bytes = 16;
  auto e = pnpm_error("lockfileVersion: '9.0'\npackages: {}\n", small);
  CHECK(e.code == ErrorCode::kResourceExhausted);
  std::string deep = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: ";
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  CHECK(pnpm_error(deep + "\n").code == ErrorCode::kResourceExhausted);
}
