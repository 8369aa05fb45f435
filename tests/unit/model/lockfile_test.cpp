// The private lockfile readers (src/model/lockfile.hpp): package-lock.json
// v1/v2/v3, yarn.lock classic and berry, pnpm-lock.yaml 5.x/6.x/9.x.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "model/lockfile.hpp"

namespace {

using callboard::ErrorCode;
using callboard::LockedPackage;
using callboard::LockfileKind;
namespace md = callboard::model_detail;

std::vector<LockedPackage> npm_ok(std::string_view json) {
  auto r = md::parse_package_lock(json, "package-lock.json");
  if (!r) FAIL(r.error().to_string());
  return *r;
}

callboard::Error npm_error(std::string_view json) {
  auto r = md::parse_package_lock(json, "package-lock.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().detail("file") == "package-lock.json");
  return r.error();
}

md::YarnLock yarn_ok(std::string_view text) {
  auto r = md::parse_yarn_lock(text, "yarn.lock");
  if (!r) FAIL(r.error().to_string());
  return *r;
}

callboard::Error yarn_error(std::string_view text) {
  auto r = md::parse_yarn_lock(text, "yarn.lock");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().detail("file") == "yarn.lock");
  return r.error();
}

using L = LockedPackage;

// An npm copy: installed at `path`.
L npm(std::string name, std::string version, std::string integrity, std::string path) {
  L l;
  l.host_level = path == "node_modules/" + name;
  l.name = std::move(name);
  l.version = std::move(version);
  l.integrity = std::move(integrity);
  l.path = std::move(path);
  return l;
}

// A yarn/pnpm entry: one (name, version) with the descriptors resolving to it.
L entry(std::string name, std::string version, std::string integrity, std::vector<std::string> descriptors) {
  L l;
  l.name = std::move(name);
  l.version = std::move(version);
  l.integrity = std::move(integrity);
  l.descriptors = std::move(descriptors);
  return l;
}

}  // namespace

TEST_CASE("split_descriptor", "[model][lockfile]") {
  auto d = md::split_descriptor("@scope/a@npm:^1.0.0");
  REQUIRE(d);
  CHECK(d->name == "@scope/a");
  CHECK(d->range == "npm:^1.0.0");
  d = md::split_descriptor("left-pad@1.3.0");
  REQUIRE(d);
  CHECK(d->name == "left-pad");
  CHECK(d->range == "1.3.0");
  d = md::split_descriptor("@scope/a");
  REQUIRE(d);
  CHECK(d->name == "@scope/a");
  CHECK(d->range.empty());
  CHECK_FALSE(md::split_descriptor(""));
  CHECK(md::split_descriptor("@")->name == "@");
}

TEST_CASE("package-lock.json v3: the packages map", "[model][lockfile]") {
  const auto locked = npm_ok(R"({
    "name": "root", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
    "packages": {
      "": {"name": "root", "workspaces": ["packages/*"]},
      "packages/app": {"name": "app", "version": "0.0.0"},
      "node_modules/app": {"resolved": "packages/app", "link": true},
      "node_modules/@backstage/core-plugin-api": {"version": "1.9.4", "integrity": "sha512-core"},
      "node_modules/react": {"version": "18.3.1", "integrity": "sha512-react", "peer": true},
      "node_modules/@backstage/core-plugin-api/node_modules/react": {"version": "17.0.2", "integrity": "sha512-react17"},
      "packages/app/node_modules/zod": {"version": "3.22.4", "integrity": "sha512-zod", "dev": true},
      "node_modules/string-width-cjs": {"name": "string-width", "version": "4.2.3", "integrity": "sha512-sw"},
      "node_modules/string-width": {"version": "4.2.3", "integrity": "sha512-sw"},
      "node_modules/from-git": {"version": "1.0.0", "resolved": "git+ssh://git@example.invalid/x.git#abc"},
      "node_modules/from-folder": {"version": "1.0.0", "resolved": "file:../folder"},
      "node_modules/no-version": {"optional": true},
      "node_modules/mirror": {"version": "2.0.0", "resolved": "https://mirror.invalid/mirror/-/mirror-2.0.0.tgz"}
    }})");
  // One entry per install path; the host-level copy first, then by version.
  const std::vector<L> expected{
      npm("@backstage/core-plugin-api", "1.9.4", "sha512-core", "node_modules/@backstage/core-plugin-api"),
      npm("mirror", "2.0.0", "", "node_modules/mirror"),
      npm("react", "18.3.1", "sha512-react", "node_modules/react"),
      npm("react", "17.0.2", "sha512-react17", "node_modules/@backstage/core-plugin-api/node_modules/react"),
      npm("string-width", "4.2.3", "sha512-sw", "node_modules/string-width"),
      // The alias is installed as node_modules/string-width-cjs: not host-level.
      npm("string-width", "4.2.3", "sha512-sw", "node_modules/string-width-cjs"),
      // A workspace-nested copy.
      npm("zod", "3.22.4", "sha512-zod", "packages/app/node_modules/zod"),
  };
  CHECK(locked == expected);
  CHECK_FALSE(locked[5].host_level);
  CHECK_FALSE(locked[6].host_level);
}

TEST_CASE("package-lock.json v2 prefers packages over dependencies", "[model][lockfile]") {
  const auto locked = npm_ok(R"({"lockfileVersion": 2,
    "packages": {"": {}, "node_modules/a": {"version": "1.0.0"}},
    "dependencies": {"b": {"version": "2.0.0"}}})");
  CHECK(locked == std::vector<L>{npm("a", "1.0.0", "", "node_modules/a")});
}

TEST_CASE("package-lock.json v1: the nested dependencies tree", "[model][lockfile]") {
  const auto locked = npm_ok(R"({"name": "root", "lockfileVersion": 1, "requires": true,
    "dependencies": {
      "a": {"version": "1.0.0", "integrity": "sha512-a1",
            "dependencies": {"b": {"version": "1.0.0", "integrity": "sha512-b1",
                                   "dependencies": {"a": {"version": "2.0.0"}}}}},
      "b": {"version": "2.0.0", "integrity": "sha512-b2"},
      "c-alias": {"version": "npm:@scope/c@3.1.0", "integrity": "sha512-c"},
      "git-dep": {"version": "github:user/repo#abcdef", "from": "github:user/repo"},
      "local": {"version": "file:../local"},
      "dup": {"version": "1.0.0", "dependencies": {"x": {"version": "1.0.0"}}},
      "x": {"version": "1.0.0", "integrity": "sha512-x"}
    }})");
  const std::vector<L> expected{
      npm("@scope/c", "3.1.0", "sha512-c", "node_modules/c-alias"),  // an alias: not host-level
      npm("a", "1.0.0", "sha512-a1", "node_modules/a"),
      npm("a", "2.0.0", "", "node_modules/a/node_modules/b/node_modules/a"),
      npm("b", "2.0.0", "sha512-b2", "node_modules/b"),
      npm("b", "1.0.0", "sha512-b1", "node_modules/a/node_modules/b"),
      npm("dup", "1.0.0", "", "node_modules/dup"),
      npm("x", "1.0.0", "sha512-x", "node_modules/x"),
      npm("x", "1.0.0", "", "node_modules/dup/node_modules/x"),  // one entry per path, no dedupe
  };
  CHECK(locked == expected);
  CHECK(locked[0].host_level == false);
  CHECK(locked[6].host_level);
  CHECK_FALSE(locked[7].host_level);
}

TEST_CASE("package-lock.json: empty lockfiles", "[model][lockfile]") {
  CHECK(npm_ok(R"({"lockfileVersion": 3, "packages": {"": {"name": "x"}}})").empty());
  CHECK(npm_ok(R"({"name": "x", "lockfileVersion": 1})").empty());
}

TEST_CASE("package-lock.json: errors say where", "[model][lockfile]") {
  auto e = npm_error(R"({"lockfileVersion": 4, "packages": {}})");
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.detail("pointer") == "/lockfileVersion");
  e = npm_error(R"({"lockfileVersion": "3", "packages": {}})");
  CHECK(e.detail("pointer") == "/lockfileVersion");
  e = npm_error(R"({"lockfileVersion": 3, "packages": {"node_modules/a": 7}})");
  CHECK(e.detail("pointer") == "/packages/node_modules~1a");
  e = npm_error(R"({"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 1}}})");
  CHECK(e.detail("pointer") == "/packages/node_modules~1a/version");
  CHECK(e.message.find("expected a string") != std::string::npos);
  e = npm_error(R"({"lockfileVersion": 3, "packages": {"node_modules/": {"version": "1.0.0"}}})");
  CHECK(e.detail("pointer") == "/packages/node_modules~1");
  e = npm_error(R"({"dependencies": {"a": {"version": "1.0.0", "dependencies": []}}})");
  CHECK(e.detail("pointer") == "/dependencies/a/dependencies");
  e = npm_error(R"({"dependencies": {"a": {"version": "npm:"}}})");
  CHECK(e.detail("pointer") == "/dependencies/a/version");
  e = npm_error("{\"lockfileVersion\": 3,\n \"packages\": {,}}");
  CHECK(e.detail("line") == "2");
  CHECK(npm_error("[]").message.find("top level") != std::string::npos);
  CHECK(npm_error(R"({"name": "x"})").message.find("not a package-lock.json") != std::string::npos);
  std::string deep = "{\"dependencies\":";
  for (int i = 0; i < 100; ++i) deep += "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":";
  deep += "{}" + std::string(200, '}') + "}";
  CHECK(npm_error(deep).code == ErrorCode::kResourceExhausted);
  callboard::ParseLimits small;
  small.max_document_bytes = 10;
  auto big = md::parse_package_lock(R"({"lockfileVersion": 3})", "p", small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("yarn.lock: detecting the format", "[model][lockfile]") {
  CHECK(md::detect_yarn_lock_kind("# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n") == LockfileKind::kYarnClassic);
  CHECK(md::detect_yarn_lock_kind("# generated\n\n__metadata:\n  version: 8\n") == LockfileKind::kYarnBerry);
  CHECK(md::detect_yarn_lock_kind("__metadata:\r\n  version: 6\r\n") == LockfileKind::kYarnBerry);
  CHECK(md::detect_yarn_lock_kind("  __metadata:\n") == LockfileKind::kYarnClassic);
  CHECK(md::detect_yarn_lock_kind("") == LockfileKind::kYarnClassic);
}

TEST_CASE("yarn.lock classic", "[model][lockfile]") {
  const auto lock = yarn_ok(
      "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\r\n"
      "# yarn lockfile v1\r\n"
      "\r\n"
      "\r\n"
      "\"@backstage/core-plugin-api@^1.9.0\", \"@backstage/core-plugin-api@^1.9.3\":\r\n"
      "  version \"1.9.4\"\r\n"
      "  resolved \"https://example.invalid/@backstage/core-plugin-api/-/core-plugin-api-1.9.4.tgz#abc\"\r\n"
      "  integrity sha512-core==\r\n"
      "  dependencies:\r\n"
      "    \"@backstage/config\" \"^1.2.0\"\r\n"
      "    react \"^18.0.0\"\r\n"
      "\r\n"
      "js-tokens@^4.0.0:\n"
      "  version \"4.0.0\"\n"
      "  integrity sha512-js==\n"
      "\n"
      "\"string-width-cjs@npm:string-width@^4.2.0\":\n"
      "  version \"4.2.3\"\n"
      "  integrity sha512-sw\n"
      "  optionalDependencies:\n"
      "    fsevents \"~2.3.2\"\n"
      "  engines:\n"
      "    node: >=8\n"  // a `key: value` form, checked for syntax only
      "\n"
      "\"from-git@git+https://example.invalid/x.git#v1\":\n"
      "  version \"1.0.0\"\n"
      "\"local@file:../local\":\n"
      "  version \"1.0.0\"\n"
      "\"esc\\\"aped@^1\":\n"
      "  version: \"1.2.3\"  # trailing comment\n");
  CHECK(lock.kind == LockfileKind::kYarnClassic);
  const std::vector<L> expected{
      entry("@backstage/core-plugin-api", "1.9.4", "sha512-core==", {"^1.9.0", "^1.9.3"}),
      entry("esc\"aped", "1.2.3", "", {"^1"}),
      entry("js-tokens", "4.0.0", "sha512-js==", {"^4.0.0"}),
      entry("string-width", "4.2.3", "sha512-sw", {"npm:string-width@^4.2.0"}),
  };
  CHECK(lock.packages == expected);
  for (const auto& p : lock.packages) {
    CHECK(p.path.empty());
    CHECK_FALSE(p.host_level);  // decided by load_app_profile
  }
}

TEST_CASE("yarn.lock classic: errors carry the line", "[model][lockfile]") {
  auto e = yarn_error("a@^1:\n  version \"1.0.0\n");
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.detail("line") == "2");
  CHECK(e.message.find("unterminated") != std::string::npos);
  e = yarn_error("a@^1:\n\tversion \"1.0.0\"\n");
  CHECK(e.detail("line") == "2");
  CHECK(e.message.find("tab") != std::string::npos);
  e = yarn_error("# c\n\na@^1:\n  integrity sha512-x\n\nb@^1:\n  version \"1.0.0\"\n");
  CHECK(e.detail("line") == "3");
  CHECK(e.message.find("has no version") != std::string::npos);
  e = yarn_error("a@^1:\n    version \"1.0.0\"\n  integrity x\n");
  CHECK(e.detail("line") == "3");
  CHECK(e.message.find("indentation") != std::string::npos);
  e = yarn_error("version \"1.0.0\"\n");
  CHECK(e.detail("line") == "1");
  e = yarn_error("a@^1:\n  version \"1.0.0\" extra\n");
  CHECK(e.detail("line") == "2");
  e = yarn_error("a@^1, b@^1 \"x\"\n");
  CHECK(e.detail("line") == "1");
  e = yarn_error("a@^1:\n  version \"\\u0031.0.0\"\n");
  CHECK(e.message.find("escape") != std::string::npos);
  e = yarn_error(",:\n");
  CHECK(e.detail("line") == "1");
  e = yarn_error("\"\":\n  version \"1.0.0\"\n");
  CHECK(e.message.find("no package name") != std::string::npos);
  std::string deep = "a@^1:\n  version \"1.0.0\"\n  k:\n";
  for (int i = 2; i < 200; ++i) deep += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  CHECK(yarn_error(deep).message.find("deeper") != std::string::npos);
}

TEST_CASE("yarn.lock berry", "[model][lockfile]") {
  const auto lock = yarn_ok(R"(# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@backstage/core-plugin-api@npm:^1.9.0, @backstage/core-plugin-api@npm:^1.9.3":
  version: 1.9.4
  resolution: "@backstage/core-plugin-api@npm:1.9.4"
  dependencies:
    "@backstage/config": "npm:^1.2.0"
  checksum: 10c0/0123456789abcdef
  languageName: node
  linkType: hard

"app@workspace:packages/app":
  version: 0.0.0-use.local
  resolution: "app@workspace:packages/app"
  languageName: unknown
  linkType: soft

"resolve@patch:resolve@npm%3A^1.22.1#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"resolve@npm:^1.22.1":
  version: 1.22.8
  resolution: "resolve@npm:1.22.8"
  languageName: node
  linkType: hard

"string-width-cjs@npm:string-width@^4.2.0":
  version: 4.2.3
  resolution: "string-width@npm:4.2.3"
  languageName: node
  linkType: hard

"local@file:../local::locator=root%40workspace%3A.":
  version: 1.0.0
  resolution: "local@file:../local#../local::hash=abc&locator=root%40workspace%3A."
  languageName: node
  linkType: hard
)");
  CHECK(lock.kind == LockfileKind::kYarnBerry);
  // Berry's checksum hashes yarn's cache zip, so integrity stays empty.
  const std::vector<L> expected{
      entry("@backstage/core-plugin-api", "1.9.4", "", {"^1.9.0", "^1.9.3"}),
      entry("resolve", "1.22.8", "", {"^1.22.1"}),
      entry("string-width", "4.2.3", "", {"npm:string-width@^4.2.0"}),
  };
  CHECK(lock.packages == expected);
}

TEST_CASE("yarn.lock berry: errors", "[model][lockfile]") {
  auto e = yarn_error("__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n");
  CHECK(e.detail("line") == "4");
  CHECK(e.detail("field") == "a@npm:^1");
  CHECK(e.message.find("resolution") != std::string::npos);
  e = yarn_error("__metadata:\n  version: 8\n\"a@npm:^1\": [1]\n");
  CHECK(e.detail("line") == "3");
  e = yarn_error("__metadata:\n  version: 8\n\"a@npm:^1\":\n  resolution: 'unclosed\n");
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK_FALSE(e.detail("line").empty());
  e = yarn_error("__metadata:\n  version: &x 8\nb: *x\n");
  CHECK(e.message.find("aliases") != std::string::npos);
  CHECK(yarn_ok("__metadata:\n  version: 8\n").packages.empty());
}

TEST_CASE("lockfiles: versions are reported in canonical form (fuzz_yarn_lock)", "[model][lockfile]") {
  // semver reads "1.9.4 " and "v1.9.4" as 1.9.4: two texts of one version
  // would be two entries that sort as equal.
  const auto lock = yarn_ok("a@^1.9.3:\n  version \"1.9.4 \"\n\na@^1.9.0:\n  version \"v1.9.4\"\n  integrity sha512-a\n");
  CHECK(lock.packages == std::vector<L>{entry("a", "1.9.4", "sha512-a", {"^1.9.0", "^1.9.3"})});
  const auto locked = npm_ok(R"({"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "v1.0.0+b.1"}}})");
  CHECK(locked == std::vector<L>{npm("a", "1.0.0+b.1", "", "node_modules/a")});
  auto pnpm = md::parse_pnpm_lock("lockfileVersion: '9.0'\npackages:\n  a@v1.0.0:\n    resolution: {integrity: x}\n",
                                  "pnpm-lock.yaml");
  REQUIRE(pnpm);
  REQUIRE(pnpm->size() == 1);
  CHECK((*pnpm)[0].version == "1.0.0");
}
