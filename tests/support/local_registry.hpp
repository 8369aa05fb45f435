#pragma once
/// \file
/// The integration tests' side of the local npm registry fixture
/// (tests/registry/registry_fixture.sh, started once by ctest as the
/// `verdaccio` fixture): its addresses and token, and the fault proxy's
/// control endpoints (TempDir is in test_files.hpp). Catch2 test code only.

#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "callboard/npm_config.hpp"
#include "child_process.hpp"
#include "test_files.hpp"

namespace callboard::test {

struct LocalRegistry {
  /// The fault proxy in front of Verdaccio (what the tests' npm config names).
  std::string proxy;
  /// Verdaccio itself (it writes this address into dist.tarball).
  std::string verdaccio;
  /// The token for the private fixture scope.
  std::string token;

  /// Read once from $CALLBOARD_TEST_REGISTRY_STATE/ready.
  static const LocalRegistry& get() {
    static const LocalRegistry instance = [] {
      const char* state = std::getenv("CALLBOARD_TEST_REGISTRY_STATE");
      REQUIRE(state != nullptr);
      std::ifstream in(std::filesystem::path(state) / "ready");
      REQUIRE(in.good());
      std::string ready;
      LocalRegistry r;
      in >> ready >> r.proxy >> r.verdaccio >> r.token;
      REQUIRE(ready == "READY");
      return r;
    }();
    return instance;
  }

  /// POSTs to a proxy control endpoint; returns the answer's body.
  std::string post(const std::string& path, const std::string& body = "{}") const {
    auto [status, out] = run_command({"curl", "-sf", "-X", "POST", "-H", "content-type: application/json", "--data",
                                      body, proxy + path});
    REQUIRE(status == 0);
    return out;
  }
  void clear() const { (void)post("-/fault/clear"); }
  void fault(const boost::json::object& rule) const { (void)post("-/fault", boost::json::serialize(rule)); }
  void publish(const boost::json::object& manifest) const { (void)post("-/publish", boost::json::serialize(manifest)); }
  /// Publishes many manifests in one request; versions already there are skipped.
  void publish_all(const std::vector<boost::json::object>& manifests) const {
    boost::json::array all;
    for (const auto& m : manifests) all.push_back(m);
    (void)post("-/publish", boost::json::serialize(all));
  }
  /// Per package: the requests the proxy saw, and more.
  [[nodiscard]] boost::json::object stats() const {
    auto [status, out] = run_command({"curl", "-sf", proxy + "-/fault/stats"});
    REQUIRE(status == 0);
    return boost::json::parse(out).as_object();
  }
  [[nodiscard]] std::int64_t requests(const std::string& package) const {
    const auto all = stats();
    const auto* entry = all.if_contains(package);
    return entry != nullptr ? entry->as_object().at("requests").as_int64() : 0;
  }
};

/// Publishes each manifest ({"name", "version", ...}) the registry does not
/// have yet (a re-run of a test, or another case sharing a package, finds it
/// there).
inline void publish_missing(const LocalRegistry& reg, const std::vector<boost::json::object>& manifests) {
  for (const boost::json::object& m : manifests) {
    const std::string name(m.at("name").as_string());
    const std::string version(m.at("version").as_string());
    auto [status, body] = run_command({"curl", "-s", reg.proxy + name});
    if (status == 0 && body.find("\"" + version + "\"") != std::string::npos &&
        body.find("\"versions\"") != std::string::npos) {
      continue;
    }
    reg.publish(m);
  }
}

/// An npm configuration naming the fixture's proxy, with its token if asked.
inline NpmConfig npm_for(const LocalRegistry& r, bool with_token = false) {
  NpmConfig npm;
  npm.registry = r.proxy;
  if (with_token) npm.credentials[nerf_dart(r.proxy)] = NpmCredentials{r.token, "", ""};
  return npm;
}

}  // namespace callboard::test
