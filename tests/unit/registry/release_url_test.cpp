// Registry::import_release_url against the local HTTP test server.

#include <catch2/catch.hpp>

#include <cctype>
#include <memory>
#include <string>

#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/registry.hpp"
#include "http_test_server.hpp"

using namespace callboard;
using callboard::test::HttpTestServer;

namespace {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Fixture {
  HttpTestServer* server = nullptr;
  std::shared_ptr<backend::Storage> storage;
  std::unique_ptr<Registry> registry;

  Fixture() {
    std::string message;
    bool node_missing = false;
    server = HttpTestServer::shared(message, node_missing);
    if (server == nullptr) FAIL("the test server did not start: " << message);
    auto s = backend::open_storage("memory:");
    REQUIRE(s);
    storage = std::move(*s);
    backend::TransportOptions options;
    options.no_proxy = "*";
    options.max_retries = 0;
    auto t = backend::make_curl_transport(options);
    REQUIRE(t);
    registry = std::make_unique<Registry>(storage, std::shared_ptr<backend::Transport>(std::move(*t)),
                                          NpmConfig{});
  }

  [[nodiscard]] std::string body_url(std::string_view json, int status = 200) const {
    return server->url("/body?status=" + std::to_string(status) + "&text=" + percent_encode(json));
  }
};

}  // namespace

TEST_CASE("a release manifest is fetched from a URL and stored", "[registry][releases]") {
  Fixture f;
  const std::string manifest =
      R"({"releaseVersion":"1.99.0","packages":[{"name":"@backstage/core-plugin-api","version":"1.20.0"},)"
      R"({"name":"@backstage/backend-plugin-api","version":"1.9.0"}]})";
  auto version = f.registry->import_release_url(f.body_url(manifest));
  REQUIRE(version);
  CHECK(*version == "1.99.0");
  auto stored = f.storage->release("1.99.0");
  REQUIRE(stored);
  REQUIRE(stored->has_value());
  CHECK((*stored)->packages.size() == 2);
  REQUIRE((*stored)->find("@backstage/core-plugin-api") != nullptr);
  CHECK(*(*stored)->find("@backstage/core-plugin-api") == "1.20.0");
}

TEST_CASE("a release URL that fails says why and stores nothing", "[registry][releases]") {
  Fixture f;
  SECTION("404") {
    auto r = f.registry->import_release_url(f.body_url("{}", 404));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kNotFound);
  }
  SECTION("500") {
    auto r = f.registry->import_release_url(f.body_url("{}", 500));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnavailable);
    CHECK(r.error().message.find("500") != std::string::npos);
  }
  SECTION("not a release manifest") {
    auto r = f.registry->import_release_url(f.body_url(R"({"packages":"no"})"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    bool has_url = false;
    for (const auto& d : r.error().context) has_url = has_url || d.key == "url";
    CHECK(has_url);
  }
  SECTION("not http") {
    auto r = f.registry->import_release_url("file:///etc/passwd");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
  auto versions = f.storage->release_versions();
  REQUIRE(versions);
  CHECK(versions->empty());
}

TEST_CASE("importing a release URL needs a transport", "[registry][releases]") {
  auto s = backend::open_storage("memory:");
  REQUIRE(s);
  Registry registry(std::shared_ptr<backend::Storage>(std::move(*s)), nullptr, NpmConfig{});
  auto r = registry.import_release_url("http://127.0.0.1:1/x");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kFailedPrecondition);
}
