// The libcurl transport over TLS and HTTP/2, against the local test server's
// second listener (node's http2 secure server) with a certificate openssl
// makes for this run: npm's cafile makes it trusted, the system store alone
// does not (a clear error, not retried), strict-ssl=false accepts it, ALPN
// picks HTTP/2 and requests share one connection, and conditional requests,
// gzip and the size limit behave as over HTTP/1.1.

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "callboard/backend/transport.hpp"

#include "child_process.hpp"
#include "http_test_helpers.hpp"
#include "local_registry.hpp"

using callboard::ErrorCode;
using callboard::backend::HttpRequest;
using callboard::backend::HttpResponse;
using callboard::backend::Transport;
using callboard::backend::TransportOptions;
using callboard::test::get_request;
using callboard::test::HttpTestServer;
using callboard::test::make_test_transport;
using callboard::test::run_command;
using callboard::test::TempDir;

namespace {

/// A self-signed certificate for 127.0.0.1 and the server that presents it,
/// shared by the tests of this file.
struct TlsServer {
  TempDir dir;
  std::string cert;
  std::unique_ptr<HttpTestServer> server;
  std::string message;
  bool node_missing = false;

  TlsServer() {
    cert = (dir.path / "cert.pem").string();
    const std::string key = (dir.path / "key.pem").string();
    auto [status, out] = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                      "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
                                      cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                                      "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    if (status != 0) {
      message = "openssl could not make a certificate (scripts/bootstrap installs openssl): " + out;
      return;
    }
    const HttpTestServer::TlsFiles files{cert, key};
    server = HttpTestServer::start(message, node_missing, &files);
  }

  static TlsServer& shared() {
    static TlsServer instance;
    return instance;
  }
};

#define REQUIRE_TLS_SERVER(var)         \
  TlsServer& var = TlsServer::shared(); \
  if (var.server == nullptr) {          \
    if (var.node_missing) {             \
      WARN("skipped: " << var.message); \
      return;                           \
    }                                   \
    FAIL(var.message);                  \
  }

TransportOptions options_trusting(const std::string& ca_file) {
  TransportOptions o = callboard::test::fast_transport_options();
  o.ca_file = ca_file;
  return o;
}

}  // namespace

TEST_CASE("TLS: npm's cafile makes a private CA trusted, and ALPN picks HTTP/2",
          "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  auto t = make_test_transport(options_trusting(tls.cert));
  auto r = t->fetch(get_request(tls.server->tls_url("/echo")));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  const auto echo = boost::json::parse(r->body).as_object();
  CHECK(echo.at("http_version").as_string() == "2.0");
  CHECK(echo.at("method").as_string() == "GET");
}

TEST_CASE("TLS: an untrusted certificate is refused at once, with the reason", "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  TransportOptions o = options_trusting("");
  o.max_retries = 4;
  auto t = make_test_transport(o);
  auto r = t->fetch(get_request(tls.server->tls_url("/hits/untrusted")));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kFailedPrecondition);
  INFO(r.error().message);
  CHECK(r.error().message.find("certificate") != std::string::npos);
  // Not retried: a certificate does not get better by asking again; and the
  // request never reached the server.
  CHECK(r.error().detail("attempts") == "1");
  auto count = make_test_transport(options_trusting(tls.cert))
                   ->fetch(get_request(tls.server->tls_url("/count/untrusted")));
  REQUIRE(count.ok());
  CHECK(count->body == "0");
}

TEST_CASE("TLS: a cafile that is not a certificate is an error naming the problem",
          "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  const auto bogus = tls.dir.path / "not-a-ca.pem";
  {
    std::ofstream out(bogus);
    out << "this is not PEM\n";
  }
  auto t = make_test_transport(options_trusting(bogus.string()));
  auto r = t->fetch(get_request(tls.server->tls_url("/status/200")));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("TLS: strict-ssl=false accepts the certificate", "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  TransportOptions o = options_trusting("");
  o.verify_tls = false;
  auto t = make_test_transport(o);
  auto r = t->fetch(get_request(tls.server->tls_url("/status/200")));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
}

TEST_CASE("HTTP/2: concurrent requests share one connection", "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  TransportOptions o = options_trusting(tls.cert);
  o.max_concurrency = 16;
  auto t = make_test_transport(o);
  std::deque<HttpRequest> queue;
  for (int i = 0; i < 40; ++i)
    queue.push_back(get_request(tls.server->tls_url("/echo?i=" + std::to_string(i))));
  std::set<std::int64_t> ports;
  std::set<std::string> versions;
  int ok = 0;
  auto ran = t->run(callboard::test::from_queue(queue),
                    [&](HttpRequest&, callboard::Result<HttpResponse> response) {
                      REQUIRE(response.ok());
                      const auto echo = boost::json::parse(response->body).as_object();
                      ports.insert(echo.at("remote_port").as_int64());
                      versions.insert(std::string(echo.at("http_version").as_string()));
                      ++ok;
                    });
  REQUIRE(ran.ok());
  CHECK(ok == 40);
  CHECK(versions == std::set<std::string>{"2.0"});
  // Multiplexed: one TCP connection (its client port) carried every stream.
  CHECK(ports.size() == 1);
}

TEST_CASE("HTTP/2: conditional requests, gzip and the size limit", "[transport][tls]") {
  REQUIRE_TLS_SERVER(tls);
  auto t = make_test_transport(options_trusting(tls.cert));
  auto first = t->fetch(get_request(tls.server->tls_url("/etag")));
  REQUIRE(first.ok());
  CHECK(first->status == 200);
  HttpRequest again = get_request(tls.server->tls_url("/etag"));
  again.headers.emplace_back("If-None-Match", "\"v1\"");
  auto second = t->fetch(std::move(again));
  REQUIRE(second.ok());
  CHECK(second->status == 304);

  auto zipped = t->fetch(get_request(tls.server->tls_url("/gzip?size=100000")));
  REQUIRE(zipped.ok());
  CHECK(zipped->body.size() == 100000);

  HttpRequest big = get_request(tls.server->tls_url("/big?size=300000"));
  big.max_response_bytes = 100000;
  auto limited = t->fetch(std::move(big));
  REQUIRE_FALSE(limited.ok());
  CHECK(limited.error().code == ErrorCode::kResourceExhausted);
}
