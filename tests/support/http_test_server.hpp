#pragma once
/// \file
/// Starts tests/support/http_test_server.mjs (node) as a child process for
/// the transport tests, and stops it again.

#include <memory>
#include <string>
#include <string_view>

namespace callboard::test {

/// One running `node http_test_server.mjs`. The child exits when this object
/// is destroyed (its stdin is closed, then it is sent SIGTERM and reaped).
/// Not thread-safe; the server itself serves any number of clients.
class HttpTestServer {
 public:
  /// PEM files for the TLS listener.
  struct TlsFiles {
    std::string cert;
    std::string key;
  };

  /// Starts the server and waits (at most 10 s) for its "PORT <n>" line.
  /// With `tls`, the server also listens with TLS and HTTP/2 (tls_port()).
  /// Returns null and sets `message` when node is not installed
  /// (`node_missing` = true) or the server did not start.
  static std::unique_ptr<HttpTestServer> start(std::string& message, bool& node_missing,
                                               const TlsFiles* tls = nullptr);

  /// The server shared by all tests of this process, started on first use;
  /// null if it cannot start (see `message`).
  static HttpTestServer* shared(std::string& message, bool& node_missing);

  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  /// "http://127.0.0.1:<port>" + path (path starts with '/').
  [[nodiscard]] std::string url(std::string_view path) const;
  /// The TLS listener's port (0 without TLS).
  [[nodiscard]] int tls_port() const { return tls_port_; }
  /// "https://127.0.0.1:<tls port>" + path.
  [[nodiscard]] std::string tls_url(std::string_view path) const;

 private:
  HttpTestServer() = default;
  int pid_ = -1;
  int to_child_ = -1;
  int port_ = 0;
  int tls_port_ = 0;
};

}  // namespace callboard::test
