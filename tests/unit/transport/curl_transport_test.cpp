// The libcurl transport against tests/support/http_test_server.mjs (a local
// node server): statuses, retries and backoff, Retry-After, concurrency
// bounds, cancellation, size limits, gzip, conditional requests, streaming,
// redirects, and that secrets never reach an error message.

#include <arpa/inet.h>
#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <netinet/in.h>
#include <stdlib.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "callboard/backend/transport.hpp"

#include "http_test_helpers.hpp"

using callboard::ErrorCode;
using callboard::backend::HttpRequest;
using callboard::backend::HttpResponse;
using callboard::backend::make_curl_transport;
using callboard::backend::Transport;
using callboard::backend::TransportOptions;
using callboard::test::fast_transport_options;
using callboard::test::get_request;
using callboard::test::HttpTestServer;
using callboard::test::make_test_transport;
using callboard::test::served_pattern;
using namespace std::chrono_literals;

namespace {

std::string plain_get(HttpTestServer& server, const std::string& path) {
  auto t = make_test_transport();
  auto r = t->fetch(get_request(server.url(path)));
  REQUIRE(r.ok());
  return r->body;
}

boost::json::object stats(HttpTestServer& server) {
  return boost::json::parse(plain_get(server, "/stats")).as_object();
}

// A port on which nothing listens (bound, then released).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string unique_key(const char* base) {
  static std::atomic<int> n{0};
  return std::string(base) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

int server_count(HttpTestServer& server, const std::string& key) {
  return std::stoi(plain_get(server, "/count/" + key));
}

}  // namespace

TEST_CASE("a GET returns status, headers, body and byte count", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  auto r = t->fetch(get_request(server->url("/status/200")));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "status 200");
  CHECK(r->bytes == 10);
  CHECK(r->attempts == 1);
  CHECK(r->header("content-type") == "text/plain");
  CHECK(r->header("CONTENT-LENGTH") == "10");
  CHECK(r->effective_url == server->url("/status/200"));
}

TEST_CASE("HTTP error statuses are responses, and only 429/502/503/504 are retried",
          "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  for (const int code : {201, 204, 400, 401, 404, 500, 501}) {
    const std::string key = unique_key("status");
    auto r = t->fetch(get_request(server->url("/hits/" + key + "?status=" + std::to_string(code))));
    REQUIRE(r.ok());
    CHECK(r->status == code);
    CHECK(r->attempts == 1);
    CHECK(server_count(*server, key) == 1);
  }
  for (const int code : {429, 502, 503, 504}) {
    const std::string key = unique_key("retry");
    auto r = t->fetch(
        get_request(server->url("/flaky/" + key + "?fail=2&status=" + std::to_string(code))));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->attempts == 3);
    CHECK(r->body == "ok " + key + " after 2");
    CHECK(server_count(*server, key) == 3);
  }
}

TEST_CASE("retries stop after max_retries and the last response is returned", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_retries = 2;
  auto t = make_test_transport(o);
  const std::string key = unique_key("exhaust");
  auto r = t->fetch(get_request(server->url("/flaky/" + key + "?fail=10&status=503")));
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(r->attempts == 3);
  CHECK(server_count(*server, key) == 3);

  o.max_retries = 0;
  auto t0 = make_test_transport(o);
  const std::string key0 = unique_key("noretry");
  auto r0 = t0->fetch(get_request(server->url("/flaky/" + key0 + "?fail=1&status=429")));
  REQUIRE(r0.ok());
  CHECK(r0->status == 429);
  CHECK(r0->attempts == 1);
}

TEST_CASE("Retry-After in seconds and as an HTTP date is honoured, and capped", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.backoff_base = 1ms;
  o.backoff_max = 1ms;
  auto t = make_test_transport(o);
  {
    auto r = t->fetch(get_request(
        server->url("/flaky/" + unique_key("ra") + "?fail=1&status=429&retry_after=1")));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->attempts == 2);
    CHECK(r->elapsed >= 1000ms);
    CHECK(r->elapsed < 3000ms);
  }
  {
    // An HTTP date has one-second resolution: 2 s ahead is at least 1 s away.
    auto r = t->fetch(get_request(
        server->url("/flaky/" + unique_key("rad") + "?fail=1&status=503&retry_after_date=2")));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->elapsed >= 900ms);
    CHECK(r->elapsed < 3500ms);
  }
  {
    o.retry_after_max = 150ms;
    auto capped = make_test_transport(o);
    auto r = capped->fetch(get_request(
        server->url("/flaky/" + unique_key("cap") + "?fail=1&status=503&retry_after=30")));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->elapsed >= 150ms);
    CHECK(r->elapsed < 2000ms);
  }
}

TEST_CASE("a transfer backing off does not hold up the others", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_concurrency = 2;
  auto t = make_test_transport(o);
  std::deque<HttpRequest> queue;
  queue.push_back(get_request(
      server->url("/flaky/" + unique_key("slow") + "?fail=1&status=503&retry_after=1")));
  for (int i = 0; i < 4; ++i) queue.push_back(get_request(server->url("/delay?ms=20")));
  for (std::uint64_t i = 0; i < queue.size(); ++i) queue[i].tag = i;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::chrono::milliseconds> finished(queue.size());
  auto ran = t->run(callboard::test::from_queue(queue),
                    [&](HttpRequest& req, callboard::Result<HttpResponse> res) {
                      REQUIRE(res.ok());
                      CHECK(res->status == 200);
                      finished[req.tag] = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start);
                    });
  REQUIRE(ran.ok());
  CHECK(finished[0] >= 1000ms);
  for (std::size_t i = 1; i < finished.size(); ++i) CHECK(finished[i] < 800ms);
}

TEST_CASE("max_concurrency bounds the requests in flight", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto measure = [&](std::size_t limit, int count) {
    TransportOptions o = fast_transport_options();
    o.max_concurrency = limit;
    auto t = make_test_transport(o);
    (void)plain_get(*server, "/stats/reset");
    int issued = 0;
    int ok = 0;
    auto ran = t->run(
        [&]() -> std::optional<HttpRequest> {
          if (issued == count) return std::nullopt;
          ++issued;
          return get_request(server->url("/delay?ms=150"));
        },
        [&](HttpRequest&, callboard::Result<HttpResponse> res) {
          if (res.ok() && res->status == 200) ++ok;
        });
    REQUIRE(ran.ok());
    CHECK(ok == count);
    return stats(*server).at("max_concurrent").to_number<std::int64_t>();
  };
  const auto bounded = measure(4, 12);
  CHECK(bounded <= 4);
  CHECK(bounded > 1);
  const auto wide = measure(16, 16);
  CHECK(wide > 4);
  CHECK(wide <= 16);
  const auto single = measure(1, 3);
  CHECK(single == 1);
}

TEST_CASE("a stop request cancels slow transfers promptly", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  std::stop_source stop;
  int issued = 0;
  std::vector<ErrorCode> codes;
  const auto start = std::chrono::steady_clock::now();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop.request_stop();
  });
  auto ran = t->run(
      [&]() -> std::optional<HttpRequest> {
        if (issued == 3) return std::nullopt;
        ++issued;
        return issued == 3
                   ? get_request(
                         server->url("/flaky/" + unique_key("stopwait") + "?fail=1&retry_after=20"))
                   : get_request(server->url(issued == 1 ? "/delay?ms=5000"
                                                         : "/trickle?chunks=100&every=100"));
      },
      [&](HttpRequest&, callboard::Result<HttpResponse> res) {
        REQUIRE_FALSE(res.ok());
        codes.push_back(res.error().code);
      },
      stop.get_token());
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(ran.ok());
  CHECK(ran.error().code == ErrorCode::kCancelled);
  CHECK(codes == std::vector<ErrorCode>(3, ErrorCode::kCancelled));
  CHECK(took < 1000ms);

  // Already stopped: nothing is asked for or sent.
  bool asked = false;
  auto again = t->run(
      [&]() -> std::optional<HttpRequest> {
        asked = true;
        return std::nullopt;
      },
      [](HttpRequest&, callboard::Result<HttpResponse>) {}, stop.get_token());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kCancelled);
  CHECK_FALSE(asked);
}

TEST_CASE("a response larger than max_response_bytes fails with kResourceExhausted",
          "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  for (const char* path : {"/big?size=100000", "/big?size=100000&chunked=1"}) {
    HttpRequest r = get_request(server->url(path));
    r.max_response_bytes = 1000;
    auto res = t->fetch(std::move(r));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().code == ErrorCode::kResourceExhausted);
    CHECK(res.error().detail("attempts") == "1");
    CHECK_FALSE(res.error().retryable);
  }
  HttpRequest exact = get_request(server->url("/big?size=1000&chunked=1"));
  exact.max_response_bytes = 1000;
  auto res = t->fetch(std::move(exact));
  REQUIRE(res.ok());
  CHECK(res->body == served_pattern(1000));
}

TEST_CASE("gzip bodies are decoded", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  auto r = t->fetch(get_request(server->url("/gzip?size=50000")));
  REQUIRE(r.ok());
  CHECK(r->header("Content-Encoding") == "gzip");
  CHECK(r->body == served_pattern(50000));
  CHECK(r->bytes == 50000);
  // The limit applies to the decoded size, even though far fewer bytes travel.
  HttpRequest limited = get_request(server->url("/gzip?size=50000"));
  limited.max_response_bytes = 10000;
  auto l = t->fetch(std::move(limited));
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("conditional requests return 304 as a status", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  auto first = t->fetch(get_request(server->url("/etag")));
  REQUIRE(first.ok());
  CHECK(first->status == 200);
  REQUIRE(first->header("ETag") == "\"v1\"");
  HttpRequest again = get_request(server->url("/etag"));
  again.headers.emplace_back("If-None-Match", std::string(first->header("ETag")));
  auto second = t->fetch(std::move(again));
  REQUIRE(second.ok());
  CHECK(second->status == 304);
  CHECK(second->body.empty());

  auto lm = t->fetch(get_request(server->url("/last-modified")));
  REQUIRE(lm.ok());
  CHECK(lm->status == 200);
  HttpRequest since = get_request(server->url("/last-modified"));
  since.headers.emplace_back("If-Modified-Since", std::string(lm->header("Last-Modified")));
  auto lm2 = t->fetch(std::move(since));
  REQUIRE(lm2.ok());
  CHECK(lm2->status == 304);
  HttpRequest older = get_request(server->url("/last-modified"));
  older.headers.emplace_back("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT");
  auto lm3 = t->fetch(std::move(older));
  REQUIRE(lm3.ok());
  CHECK(lm3->status == 200);
}

TEST_CASE("the sink receives a 2xx body in chunks and can stop it", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  std::string collected;
  int chunks = 0;
  HttpRequest r = get_request(server->url("/big?size=300000&chunked=1"));
  r.sink = [&](std::string_view chunk) {
    collected += chunk;
    ++chunks;
    return true;
  };
  auto res = t->fetch(std::move(r));
  REQUIRE(res.ok());
  CHECK(res->status == 200);
  CHECK(res->body.empty());
  CHECK(res->bytes == 300000);
  CHECK(collected == served_pattern(300000));
  CHECK(chunks > 1);

  // Not for an error status: that body is collected as usual.
  bool called = false;
  HttpRequest missing = get_request(server->url("/status/404"));
  missing.sink = [&](std::string_view) { return called = true; };
  auto res404 = t->fetch(std::move(missing));
  REQUIRE(res404.ok());
  CHECK(res404->status == 404);
  CHECK(res404->body == "status 404");
  CHECK_FALSE(called);

  HttpRequest stopped = get_request(server->url("/big?size=300000&chunked=1"));
  stopped.sink = [](std::string_view) { return false; };
  auto res_stopped = t->fetch(std::move(stopped));
  REQUIRE_FALSE(res_stopped.ok());
  CHECK(res_stopped.error().code == ErrorCode::kCancelled);
}

TEST_CASE("completions may queue more requests", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_concurrency = 3;
  auto t = make_test_transport(o);
  std::deque<HttpRequest> queue;
  for (int i = 0; i < 3; ++i) queue.push_back(get_request(server->url("/delay?ms=5")));
  int completed = 0;
  auto ran = t->run(callboard::test::from_queue(queue),
                    [&](HttpRequest& req, callboard::Result<HttpResponse> res) {
                      REQUIRE(res.ok());
                      CHECK(res->status == 200);
                      ++completed;
                      if (req.tag < 2) {  // depth: each request spawns two children, twice
                        for (int i = 0; i < 2; ++i) {
                          HttpRequest child = get_request(server->url("/delay?ms=5"));
                          child.tag = req.tag + 1;
                          queue.push_back(std::move(child));
                        }
                      }
                    });
  REQUIRE(ran.ok());
  CHECK(completed == 3 + 6 + 12);
}

TEST_CASE("transport failures are retried and reported with url and attempts", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_retries = 2;
  auto t = make_test_transport(o);
  auto truncated = t->fetch(get_request(server->url("/truncated?declared=1000&sent=10")));
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().code == ErrorCode::kUnavailable);
  CHECK(truncated.error().retryable);
  CHECK(truncated.error().detail("attempts") == "3");
  CHECK(truncated.error().detail("url") == server->url("/truncated?declared=1000&sent=10"));

  const std::string refused_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  auto refused = t->fetch(get_request(refused_url));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kUnavailable);
  CHECK(refused.error().retryable);
  CHECK(refused.error().detail("attempts") == "3");

  HttpRequest slow = get_request(server->url("/delay?ms=3000"));
  slow.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto timed_out = t->fetch(std::move(slow));
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().code == ErrorCode::kUnavailable);
  CHECK(timed_out.error().detail("attempts") == "3");
  CHECK(std::chrono::steady_clock::now() - start < 2000ms);
}

TEST_CASE("a transfer slower than the low-speed limit is aborted", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_retries = 0;
  o.low_speed_bytes = 1000;
  o.low_speed_time = 1s;
  auto t = make_test_transport(o);
  const auto start = std::chrono::steady_clock::now();
  auto r = t->fetch(get_request(server->url("/trickle?chunks=20&every=200&size=1")));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUnavailable);
  CHECK(r.error().retryable);
  CHECK(std::chrono::steady_clock::now() - start < 3000ms);
}

TEST_CASE("proxies: the explicit option, and curl's environment variables", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  // The test server answers absolute-form requests too, so it can stand in
  // for a forward proxy: the echoed request line shows the proxy was used.
  const std::string target = "http://proxied.invalid/echo";
  {
    TransportOptions o = fast_transport_options();
    o.no_proxy.clear();
    o.proxy = server->url("");
    auto t = make_test_transport(o);
    auto r = t->fetch(get_request(target));
    REQUIRE(r.ok());
    CHECK(boost::json::parse(r->body).as_object().at("url").as_string() == target);
  }
  {
    TransportOptions o = fast_transport_options();
    o.no_proxy.clear();
    ::setenv("http_proxy", server->url("").c_str(), 1);
    auto t = make_test_transport(o);
    auto r = t->fetch(get_request(target));
    ::unsetenv("http_proxy");
    REQUIRE(r.ok());
    CHECK(boost::json::parse(r->body).as_object().at("url").as_string() == target);
  }
  {
    // no_proxy "*" bypasses it: the made-up host does not resolve.
    TransportOptions o = fast_transport_options();
    o.max_retries = 0;
    o.proxy = server->url("");
    o.no_proxy = "*";
    auto t = make_test_transport(o);
    auto r = t->fetch(get_request(target));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kUnavailable);
  }
}

TEST_CASE("bad URLs and headers fail with kInvalidArgument without a request", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  for (const char* url :
       {"not a url", "ftp://127.0.0.1/x", "127.0.0.1/x", "file:///etc/passwd", ""}) {
    auto r = t->fetch(get_request(url));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
  HttpRequest injected = get_request(server->url("/echo"));
  injected.headers.emplace_back("X-Test", "a\r\nX-Evil: 1");
  auto r = t->fetch(std::move(injected));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidArgument);
  CHECK(r.error().detail("header") == "X-Test");
}

TEST_CASE("Authorization and Cookie values never appear in errors", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.max_retries = 1;
  auto t = make_test_transport(o);
  const std::string token = "s3cr3t-T0KEN-value-123";
  const std::string cookie = "session=c00kie-s3cret";
  const std::string password = "hunter2-pw-xyz";
  const std::vector<std::string> urls = {
      "http://127.0.0.1:" + std::to_string(closed_port()) + "/x",
      server->url("/truncated?declared=100&sent=3"),
      server->url("/big?size=5000"),
      "ftp://127.0.0.1/" + token,
      "http://user:" + password + "@127.0.0.1:" + std::to_string(server->port()) + "/truncated",
      "http://user:" + password + "@127.0.0.1:" + std::to_string(closed_port()) + "/x",
  };
  for (const auto& url : urls) {
    HttpRequest r = get_request(url);
    r.max_response_bytes = 100;
    r.headers.emplace_back("Authorization", "Bearer " + token);
    r.headers.emplace_back("Cookie", cookie);
    auto res = t->fetch(std::move(r));
    REQUIRE_FALSE(res.ok());
    const std::string text = res.error().to_string();
    INFO(text);
    CHECK(text.find("s3cr3t") == std::string::npos);
    CHECK(text.find("c00kie") == std::string::npos);
    CHECK(text.find(password) == std::string::npos);
    CHECK_FALSE(res.error().detail("url").empty());
  }
}

TEST_CASE("requests carry method, headers, body and user agent, redirects are followed",
          "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  TransportOptions o = fast_transport_options();
  o.user_agent = "callboard-test/1";
  auto t = make_test_transport(o);
  HttpRequest post = get_request(server->url("/echo"));
  post.method = "POST";
  post.body = R"({"hello":"world"})";
  post.headers.emplace_back("Content-Type", "application/json");
  post.headers.emplace_back("X-Empty", "");
  auto r = t->fetch(std::move(post));
  REQUIRE(r.ok());
  const auto echo = boost::json::parse(r->body).as_object();
  CHECK(echo.at("method").as_string() == "POST");
  CHECK(echo.at("body").as_string() == R"({"hello":"world"})");
  const auto& headers = echo.at("headers").as_object();
  CHECK(headers.at("user-agent").as_string() == "callboard-test/1");
  CHECK(headers.at("content-type").as_string() == "application/json");
  CHECK(headers.at("x-empty").as_string() == "");
  CHECK(headers.contains("accept-encoding"));
  CHECK_FALSE(headers.contains("expect"));

  auto redirected = t->fetch(get_request(server->url("/redirect?n=3")));
  REQUIRE(redirected.ok());
  CHECK(redirected->status == 200);
  CHECK(redirected->effective_url == server->url("/status/200"));
  CHECK(redirected->header("Location").empty());  // the final response's headers only

  auto loop = t->fetch(get_request(server->url("/redirect?n=8")));
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("connections are reused across requests and runs", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  auto port_of = [&] {
    auto r = t->fetch(get_request(server->url("/echo")));
    REQUIRE(r.ok());
    return boost::json::parse(r->body).as_object().at("remote_port").to_number<std::int64_t>();
  };
  const auto first = port_of();
  CHECK(port_of() == first);
  CHECK(port_of() == first);
}

TEST_CASE("run is not re-entrant and survives throwing callbacks", "[transport]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto t = make_test_transport();
  int issued = 0;
  callboard::Result<HttpResponse> nested = callboard::make_error(ErrorCode::kInternal, "unset");
  auto ran = t->run(
      [&]() -> std::optional<HttpRequest> {
        if (issued++ > 0) return std::nullopt;
        return get_request(server->url("/status/200"));
      },
      [&](HttpRequest&, callboard::Result<HttpResponse>) {
        nested = t->fetch(get_request(server->url("/status/200")));
      });
  REQUIRE(ran.ok());
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error().code == ErrorCode::kFailedPrecondition);

  auto threw = t->run([]() -> std::optional<HttpRequest> { throw std::runtime_error("boom"); },
                      [](HttpRequest&, callboard::Result<HttpResponse>) {});
  REQUIRE_FALSE(threw.ok());
  CHECK(threw.error().code == ErrorCode::kInternal);
  // The transport is still usable afterwards.
  auto after = t->fetch(get_request(server->url("/status/200")));
  REQUIRE(after.ok());
  CHECK(after->status == 200);
}

TEST_CASE("find_header and redact_url", "[transport]") {
  callboard::backend::HttpHeaders h = {
      {"Content-Type", "a"}, {"content-type", "b"}, {"ETag", "\"x\""}};
  CHECK(callboard::backend::find_header(h, "CONTENT-TYPE") == "a");
  CHECK(callboard::backend::find_header(h, "etag") == "\"x\"");
  CHECK(callboard::backend::find_header(h, "missing").empty());
  using callboard::backend::redact_url;
  CHECK(redact_url("https://user:pass@host:8443/x?y=1") == "https://host:8443/x?y=1");
  CHECK(redact_url("https://host/a@b") == "https://host/a@b");
  CHECK(redact_url("http://tok@host") == "http://host");
  CHECK(redact_url("https://host/x") == "https://host/x");
}

// Not run by default: `callboard_transport_tests "[.bench]" -s` prints the time
// for N parallel GETs against the local server.
TEST_CASE("throughput against the local server", "[.bench]") {
  REQUIRE_HTTP_TEST_SERVER(server);
  auto measure = [&](std::size_t concurrency, int total, const std::string& path) {
    TransportOptions o = fast_transport_options();
    o.max_concurrency = concurrency;
    auto t = make_test_transport(o);
    int issued = 0;
    int ok = 0;
    const auto start = std::chrono::steady_clock::now();
    auto ran = t->run(
        [&]() -> std::optional<HttpRequest> {
          if (issued == total) return std::nullopt;
          ++issued;
          return get_request(server->url(path));
        },
        [&](HttpRequest&, callboard::Result<HttpResponse> res) {
          ok += res.ok() && res->status == 200;
        });
    REQUIRE(ran.ok());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    WARN(total << " GETs of " << path << ", concurrency " << concurrency << ": " << ms.count()
               << " ms ("
               << (total * 1000.0 / static_cast<double>(std::max<long long>(ms.count(), 1)))
               << " req/s), ok=" << ok);
  };
  // Server-bound: node answers on one thread.
  for (const std::size_t c : {1u, 8u, 32u}) measure(c, 2000, "/big?size=4096");
  // Latency-bound: each answer takes 50 ms, so concurrency is what counts.
  for (const std::size_t c : {4u, 16u, 64u}) measure(c, 256, "/delay?ms=50");
}
