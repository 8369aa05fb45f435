#pragma once
/// \file
/// What the tests against tests/support/http_test_server.mjs share: the
/// server-or-skip macro, the bytes /big serves, and a transport set up for
/// fast local tests. Catch2 test code only.

#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "callboard/backend/transport.hpp"

#include "http_test_server.hpp"

/// The process's shared test server as `var`, or skip the test (with a
/// warning) when node is absent; any other start failure fails the test.
#define REQUIRE_HTTP_TEST_SERVER(var)                                            \
  std::string server_message_;                                                   \
  bool node_missing_ = false;                                                    \
  ::callboard::test::HttpTestServer* var =                                       \
      ::callboard::test::HttpTestServer::shared(server_message_, node_missing_); \
  if (var == nullptr) {                                                          \
    if (node_missing_) {                                                         \
      WARN("skipped: " << server_message_);                                      \
      return;                                                                    \
    }                                                                            \
    FAIL(server_message_);                                                       \
  }

namespace callboard::test {

/// What /big?size=N serves: 'a'..'z' repeating.
inline std::string served_pattern(std::size_t size) {
  std::string s(size, 'a');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

/// Short backoffs and connect timeout, no proxy from the environment (test
/// traffic never leaves loopback), a fixed jitter seed.
inline backend::TransportOptions fast_transport_options() {
  using namespace std::chrono_literals;
  backend::TransportOptions o;
  o.backoff_base = 5ms;
  o.backoff_max = 40ms;
  o.connect_timeout = 2s;
  o.no_proxy = "*";
  o.jitter_seed = 42;
  return o;
}

inline std::unique_ptr<backend::Transport> make_test_transport(
    const backend::TransportOptions& options = fast_transport_options()) {
  auto t = backend::make_curl_transport(options);
  REQUIRE(t.ok());
  return std::move(*t);
}

/// A GET of `url` with a 5 s timeout.
inline backend::HttpRequest get_request(std::string url) {
  backend::HttpRequest r;
  r.url = std::move(url);
  r.timeout = std::chrono::milliseconds(5000);
  return r;
}

/// A Transport::run source that hands out `queue`'s requests in order.
inline backend::HttpRequestSource from_queue(std::deque<backend::HttpRequest>& queue) {
  return [&queue]() -> std::optional<backend::HttpRequest> {
    if (queue.empty()) return std::nullopt;
    backend::HttpRequest r = std::move(queue.front());
    queue.pop_front();
    return r;
  };
}

}  // namespace callboard::test
