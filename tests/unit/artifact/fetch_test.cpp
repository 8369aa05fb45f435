// fetch_tarball against the local HTTP test server (tests/support/
// http_test_server.mjs): streaming verification, statuses, size bound,
// the cache in front of the network.

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"
#include "http_test_helpers.hpp"

using namespace callboard;
using callboard::test::HttpTestServer;
using callboard::test::served_pattern;
using callboard::test::TempDir;

namespace {

std::unique_ptr<backend::Transport> transport() {
  backend::TransportOptions o;
  o.max_retries = 0;
  auto t = backend::make_curl_transport(o);
  REQUIRE(t.ok());
  return std::move(*t);
}

}  // namespace

TEST_CASE("fetch_tarball verifies a chunked download as it streams", "[artifact][fetch]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = transport();
  const std::string body = served_pattern(3'000'000);
  const std::string url = server->url("/big?size=3000000&chunked=1");
  FetchOptions options;
  std::vector<std::uint64_t> progress;
  options.progress = [&](std::uint64_t bytes) { progress.push_back(bytes); };
  auto got = fetch_tarball(*t, NpmConfig{}, url, compute_integrity(body), options);
  REQUIRE(got.ok());
  // Streamed: many chunks, increasing, ending at the full size.
  CHECK(progress.size() > 1);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == body.size());
  CHECK(got->bytes == body);
  CHECK(got->verified.algorithm == HashAlgorithm::kSha512);
  CHECK_FALSE(got->from_cache);

  auto wrong = fetch_tarball(*t, NpmConfig{}, url, compute_integrity(body + "x"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::kDataLoss);
  CHECK(wrong.error().detail("bytes") == "3000000");
  CHECK(wrong.error().detail("url") == url);
}

TEST_CASE("fetch_tarball maps statuses and the size bound", "[artifact][fetch]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = transport();
  const Integrity any = compute_integrity("x");
  CHECK(fetch_tarball(*t, NpmConfig{}, server->url("/status/404"), any).error().code == ErrorCode::kNotFound);
  CHECK(fetch_tarball(*t, NpmConfig{}, server->url("/status/401"), any).error().code == ErrorCode::kPermissionDenied);
  auto unavailable = fetch_tarball(*t, NpmConfig{}, server->url("/status/500"), any);
  CHECK(unavailable.error().code == ErrorCode::kUnavailable);
  CHECK(unavailable.error().retryable);

  FetchOptions small;
  small.max_bytes = 1'000'000;
  auto big = fetch_tarball(*t, NpmConfig{}, server->url("/big?size=2000000&chunked=1"), any, small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kResourceExhausted);

  CHECK(fetch_tarball(*t, NpmConfig{}, server->url("/big"), Integrity{}).error().code ==
        ErrorCode::kFailedPrecondition);
}

TEST_CASE("fetch_tarball answers from the cache and never caches a mismatch", "[artifact][fetch]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = transport();
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path);
  REQUIRE(cache.ok());
  FetchOptions options;
  options.cache = &*cache;

  const std::string body = served_pattern(100'000);
  const std::string url = server->url("/big?size=100000");
  auto wrong = fetch_tarball(*t, NpmConfig{}, url, compute_integrity("something else"), options);
  CHECK(wrong.error().code == ErrorCode::kDataLoss);
  CHECK(cache->stats()->entries == 0);

  auto first = fetch_tarball(*t, NpmConfig{}, url, compute_integrity(body), options);
  REQUIRE(first.ok());
  CHECK_FALSE(first->from_cache);
  CHECK(first->cache_path == cache->path_for(compute_integrity(body)));
  // The second time the URL is not even asked: a 404 URL proves it.
  auto second = fetch_tarball(*t, NpmConfig{}, server->url("/status/404"), compute_integrity(body), options);
  REQUIRE(second.ok());
  CHECK(second->from_cache);
  CHECK(second->bytes == body);
}
