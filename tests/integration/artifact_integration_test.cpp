// Tarball downloads against a real npm registry server: the Verdaccio
// fixture of tests/registry/ (registry_server.mjs, started once by ctest as
// the `verdaccio` fixture), through its fault-injecting proxy. Real
// download + verify + extract, a tarball tampered with in transit, a
// registry manifest pointing at the wrong bytes, a scope that needs a token,
// and the `callboard verify` command end to end.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "callboard/artifact.hpp"
#include "callboard/backend/storage.hpp"
#include "child_process.hpp"
#include "local_registry.hpp"

namespace fs = std::filesystem;
using namespace callboard;
using callboard::test::ChildProcess;
using callboard::test::LocalRegistry;
using callboard::test::npm_for;
using callboard::test::run_command;
using callboard::test::TempDir;

namespace {

constexpr const char* kBackend = "@backstage/plugin-todo-backend";
constexpr const char* kFrontend = "@backstage/plugin-todo";
constexpr const char* kPrivate = "@private-fixture/backstage-plugin-secret";

std::unique_ptr<backend::Transport> transport() {
  backend::TransportOptions o;
  o.max_retries = 1;
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_max = std::chrono::milliseconds(100);
  auto t = backend::make_curl_transport(o);
  REQUIRE(t.ok());
  return std::move(*t);
}

/// The registry's manifest of name@version, as the packument serves it.
Manifest registry_manifest(backend::Transport& t, const NpmConfig& npm, const std::string& name,
                           const std::string& version) {
  backend::HttpRequest request;
  request.url = npm.packument_url(name);
  if (auto auth = npm.authorization_for(request.url)) request.headers.emplace_back("Authorization", *auth);
  auto response = t.fetch(std::move(request));
  REQUIRE(response.ok());
  REQUIRE(response->status == 200);
  auto packument = parse_packument(response->body);
  REQUIRE(packument.ok());
  const Manifest* m = packument->find(version);
  REQUIRE(m != nullptr);
  Manifest out = *m;
  // Verdaccio writes its own address into dist.tarball; send the download
  // through the fault proxy in front of it instead (as a registry behind a
  // reverse proxy would serve it), so that faults reach tarballs too.
  if (const auto& reg = LocalRegistry::get(); out.dist.tarball.rfind(reg.verdaccio, 0) == 0) {
    out.dist.tarball = reg.proxy + out.dist.tarball.substr(reg.verdaccio.size());
  }
  return out;
}

}  // namespace

TEST_CASE("download, verify, extract and read a package from the registry", "[integration][artifact]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  auto t = transport();
  const NpmConfig npm = npm_for(reg, false);
  const Manifest manifest = registry_manifest(*t, npm, kBackend, "1.0.0");
  REQUIRE(manifest.dist.integrity.rfind("sha512-", 0) == 0);
  REQUIRE(manifest.dist.tarball.rfind(reg.proxy, 0) == 0);

  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path / "cache");
  REQUIRE(cache.ok());
  FetchOptions options;
  options.cache = &*cache;
  auto tarball = fetch_package_tarball(*t, npm, manifest, options);
  REQUIRE(tarball.ok());
  CHECK_FALSE(tarball->from_cache);
  CHECK(tarball->verified.algorithm == HashAlgorithm::kSha512);
  CHECK(std::string("sha512-") + tarball->verified.digest == manifest.dist.integrity);

  auto extracted = extract_tarball(tarball->bytes, tmp.path / "pkg");
  REQUIRE(extracted.ok());
  CHECK(fs::exists(tmp.path / "pkg" / "package.json"));
  auto contents = read_package_contents(tarball->bytes);
  REQUIRE(contents.ok());
  CHECK(contents->manifest.name == kBackend);
  CHECK(contents->manifest.version == "1.0.0");
  CHECK(contents->manifest.backstage->features.at(".") == "@backstage/BackendFeature");

  // The second time comes from the cache: the registry sees no request.
  const auto before = reg.requests(kBackend);
  auto again = fetch_package_tarball(*t, npm, manifest, options);
  REQUIRE(again.ok());
  CHECK(again->from_cache);
  CHECK(again->bytes == tarball->bytes);
  CHECK(reg.requests(kBackend) == before);
}

TEST_CASE("a tarball altered in transit is refused, not cached, not extracted", "[integration][artifact]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  auto t = transport();
  const NpmConfig npm = npm_for(reg, false);
  const Manifest manifest = registry_manifest(*t, npm, kFrontend, "1.0.0");
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path / "cache");
  REQUIRE(cache.ok());
  FetchOptions options;
  options.cache = &*cache;

  // The proxy's "invalid-json" fault cuts the next 200 body in half and
  // appends "}}}": for a tarball, bytes that are not what was published.
  reg.fault({{"package", kFrontend}, {"mode", "invalid-json"}, {"times", 1}});
  auto tampered = fetch_package_tarball(*t, npm, manifest, options);
  REQUIRE_FALSE(tampered.ok());
  CHECK(tampered.error().code == ErrorCode::kDataLoss);
  CHECK(tampered.error().detail("package") == kFrontend);
  CHECK(tampered.error().detail("expected") == manifest.dist.integrity);
  CHECK(tampered.error().message.find("integrity mismatch") != std::string::npos);
  CHECK(cache->stats()->entries == 0);

  // A body cut off mid-transfer is a retryable network error.
  reg.fault({{"package", kFrontend}, {"mode", "truncate"}, {"times", 2}});
  auto truncated = fetch_package_tarball(*t, npm, manifest, options);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().code == ErrorCode::kUnavailable);
  CHECK(cache->stats()->entries == 0);

  // Once the fault is gone the same call succeeds.
  reg.clear();
  CHECK(fetch_package_tarball(*t, npm, manifest, options).ok());
  CHECK(cache->stats()->entries == 1);
}

TEST_CASE("a registry manifest whose integrity names other bytes is refused", "[integration][artifact]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  auto t = transport();
  const NpmConfig npm = npm_for(reg, false);
  Manifest manifest = registry_manifest(*t, npm, kFrontend, "1.0.0");
  // A compromised packument: version 1.0.0's tarball with 0.2.0's integrity.
  manifest.dist.integrity = registry_manifest(*t, npm, kFrontend, "0.2.0").dist.integrity;
  auto r = fetch_package_tarball(*t, npm, manifest);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kDataLoss);
  // Old packages without `integrity` fall back to the sha1 shasum.
  Manifest old = registry_manifest(*t, npm, kFrontend, "1.0.0");
  old.dist.integrity.clear();
  auto sha1 = fetch_package_tarball(*t, npm, old);
  REQUIRE(sha1.ok());
  CHECK(sha1->verified.algorithm == HashAlgorithm::kSha1);
}

TEST_CASE("a private scope's tarball needs the token npm would send", "[integration][artifact]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  auto t = transport();
  const Manifest manifest = registry_manifest(*t, npm_for(reg, true), kPrivate, "1.0.0");
  auto without = fetch_package_tarball(*t, npm_for(reg, false), manifest);
  REQUIRE_FALSE(without.ok());
  CHECK(without.error().code == ErrorCode::kPermissionDenied);
  auto with = fetch_package_tarball(*t, npm_for(reg, true), manifest);
  REQUIRE(with.ok());
  // The token never shows in an error.
  Manifest wrong = manifest;
  wrong.dist.integrity = compute_integrity("x").to_string();
  auto mismatch = fetch_package_tarball(*t, npm_for(reg, true), wrong);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().to_string().find(reg.token) == std::string::npos);
}

#ifdef CALLBOARD_CLI_PATH
TEST_CASE("callboard verify end to end, with a private scope", "[integration][artifact][cli]") {
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDir tmp;
  // The CLI downloads dist.tarball as Verdaccio wrote it (its own address),
  // so the token is configured for both hosts, as npm would need it.
  {
    std::ofstream npmrc(tmp.path / "npmrc");
    npmrc << nerf_dart(reg.proxy) << ":_authToken=" << reg.token << "\n"
          << nerf_dart(reg.verdaccio) << ":_authToken=" << reg.token << "\n";
  }
  const std::vector<std::string> env = {"NPM_CONFIG_REGISTRY=" + reg.proxy,
                                        "NPM_CONFIG_USERCONFIG=" + (tmp.path / "npmrc").string(),
                                        "CALLBOARD_CACHE_DIR=" + (tmp.path / "cache").string(),
                                        "CALLBOARD_DB=sqlite:" + (tmp.path / "env.db").string()};
  const std::string db = "sqlite:" + (tmp.path / "verify.db").string();
  std::string integrity;
  {
    ChildProcess child({CALLBOARD_CLI_PATH, "verify", std::string(kBackend) + "@1.0.0", "--json", "--db", db}, env);
    const std::string out = child.read_all();
    CHECK(child.wait() == 0);
    const auto doc = boost::json::parse(out).as_object();
    CHECK(doc.at("verified").as_bool());
    CHECK(doc.at("package").as_string() == kBackend);
    CHECK(doc.at("backendSystem").at("metadata").as_string() == "new");
    CHECK(doc.at("stored").as_bool());
    integrity = std::string(doc.at("integrity").as_string());
  }
  {
    // What verify stored: the record of the tarball it verified.
    auto storage = backend::open_storage(db);
    REQUIRE(storage.ok());
    auto record = (*storage)->artifact(kBackend, "1.0.0");
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    CHECK((*record)->integrity == integrity);
    CHECK((*record)->verified_at != Timestamp{});
    auto all = (*storage)->artifacts(kBackend);
    REQUIRE(all.ok());
    CHECK(all->size() == 1);
  }
  {
    // --no-store writes nothing; without --db, CALLBOARD_DB is the database.
    ChildProcess child({CALLBOARD_CLI_PATH, "verify", std::string(kBackend) + "@1.0.0", "--json", "--no-store"}, env);
    const std::string out = child.read_all();
    CHECK(child.wait() == 0);
    CHECK_FALSE(boost::json::parse(out).at("stored").as_bool());
    CHECK_FALSE(std::filesystem::exists(tmp.path / "env.db"));
  }
  {
    ChildProcess child({CALLBOARD_CLI_PATH, "verify", std::string(kPrivate) + "@latest"}, env);
    const std::string out = child.read_all();
    CHECK(child.wait() == 0);
    CHECK(out.find(std::string(kPrivate) + "@1.0.0: verified sha512-") == 0);
  }
  {
    auto storage = backend::open_storage("sqlite:" + (tmp.path / "env.db").string());
    REQUIRE(storage.ok());
    auto record = (*storage)->artifact(kPrivate, "1.0.0");
    REQUIRE(record.ok());
    CHECK(record->has_value());
  }
  {
    // Neither --db nor CALLBOARD_DB, in a folder without ./callboard.db:
    // verify stores nothing and leaves no database behind.
    std::vector<std::string> bare = env;
    bare.back() = "CALLBOARD_DB=";
    const auto folder = tmp.path / "elsewhere";
    std::filesystem::create_directories(folder);
    ChildProcess child({"sh", "-c", "cd \"$0\" && exec \"$1\" verify \"$2\" --json", folder.string(),
                        CALLBOARD_CLI_PATH, std::string(kBackend) + "@1.0.0"},
                       bare);
    const std::string out = child.read_all();
    CHECK(child.wait() == 0);
    CHECK_FALSE(boost::json::parse(out).at("stored").as_bool());
    CHECK_FALSE(std::filesystem::exists(folder / "callboard.db"));
  }
}

TEST_CASE("verify and scan report the same finding when the code contradicts package.json",
          "[integration][artifact][cli]") {
  // plugin-todo-backend 0.1.0 depends on backend-common and declares no
  // features (package.json reads legacy) but its code default-exports a
  // createBackendPlugin(): the new backend system.
  const auto& reg = LocalRegistry::get();
  reg.clear();
  TempDir tmp;
  const std::vector<std::string> env = {"NPM_CONFIG_REGISTRY=" + reg.proxy,
                                        "NPM_CONFIG_USERCONFIG=" + (tmp.path / "npmrc").string(),
                                        "CALLBOARD_CACHE_DIR=" + (tmp.path / "cache").string()};
  const std::string db = "sqlite:" + (tmp.path / "c.db").string();
  auto run = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), CALLBOARD_CLI_PATH);
    ChildProcess child(argv, env);
    std::string out = child.read_all();
    INFO(out);
    REQUIRE(child.wait() == 0);
    return out;
  };
  auto finding = [](const boost::json::value& doc, std::string_view id) -> const boost::json::object* {
    for (const auto& f : doc.at("findings").as_array()) {
      if (f.at("id").as_string() == id) return &f.as_object();
    }
    return nullptr;
  };
  run({"index", "--no-seed", "--no-follow", "--quiet", "--package", kBackend, "--db", db});
  run({"releases", "import", std::string(CALLBOARD_REPO_ROOT) + "/data/releases", "--db", db});

  const auto verified = boost::json::parse(run({"verify", std::string(kBackend) + "@0.1.0", "--json", "--db", db}));
  CHECK(verified.at("backendSystem").at("metadata").as_string() == "legacy");
  CHECK(verified.at("backendSystem").at("code").as_string() == "new");
  const auto* from_verify = finding(verified, "backend-system-code-mismatch");
  REQUIRE(from_verify != nullptr);
  CHECK(from_verify->at("severity").as_string() == "warning");

  // The scan reads the record verify stored and follows the code.
  const auto scanned =
      boost::json::parse(run({"scan", std::string(kBackend) + "@0.1.0", "--release", "1.31.0", "--json", "--db", db}));
  const auto* from_scan = finding(scanned, "backend-system-code-mismatch");
  REQUIRE(from_scan != nullptr);
  CHECK(from_scan->at("severity").as_string() == "warning");
  CHECK(from_scan->at("evidence").at("found").as_string() == "new");
  // One finding, worded once (compat::code_system_finding): verify says
  // what the scan will say.
  CHECK(from_verify->at("message") == from_scan->at("message"));
  CHECK(from_verify->at("id") == from_scan->at("id"));

  // The 1.0.0 tarball has no code: nothing to contradict.
  const auto clean = boost::json::parse(run({"verify", std::string(kBackend) + "@1.0.0", "--json", "--no-store"}));
  CHECK(finding(clean, "backend-system-code-mismatch") == nullptr);
}
#endif
