#pragma once
/// \file
/// The HTTP seam. The registry, the artifact downloader and the metrics
/// backends talk to the network only through a Transport. The default
/// implementation (make_curl_transport) uses libcurl's multi interface:
/// connection reuse, HTTP/2 multiplexing, bounded concurrency, timeouts,
/// retries with backoff on 429/5xx, gzip, proxy variables, size limits and
/// cancellation.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/npm_config.hpp"

namespace callboard::backend {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// The first value of a header, matched case-insensitively; empty if absent.
CALLBOARD_EXPORT std::string_view find_header(const HttpHeaders& headers, std::string_view name) noexcept;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  /// Sent as given. Values of `Authorization` and `Cookie` headers never
  /// appear in errors or logs.
  HttpHeaders headers;
  std::string body;
  /// The whole exchange, per attempt.
  std::chrono::milliseconds timeout{60000};
  /// A response body larger than this fails with kResourceExhausted.
  std::size_t max_response_bytes = 64u << 20;
  /// When set, the body is handed over in chunks as it arrives instead of
  /// being collected in HttpResponse::body; return false to abort the
  /// transfer (it then fails with kCancelled). Called only for the final
  /// attempt's 2xx response; retried attempts are discarded first. Once the
  /// sink has received a chunk the request is no longer retried: a later
  /// failure (connection reset, timeout) completes it with a retryable
  /// kUnavailable error and the caller decides. A sink that throws fails the
  /// request with kInternal. Runs on the thread that called run().
  std::function<bool(std::string_view chunk)> sink;
  /// The caller's own bookkeeping, returned untouched.
  std::uint64_t tag = 0;
};

struct HttpResponse {
  int status = 0;
  /// Headers of the final response (after redirects), names as sent.
  HttpHeaders headers;
  std::string body;
  /// The URL of the final response, without user info.
  std::string effective_url;
  /// 1 when the first attempt succeeded.
  int attempts = 1;
  std::chrono::milliseconds elapsed{0};
  /// Bytes received for the final attempt (compressed size on the wire is
  /// not exposed; this is the decoded body length).
  std::uint64_t bytes = 0;

  [[nodiscard]] std::string_view header(std::string_view name) const noexcept {
    return find_header(headers, name);
  }
};

struct TransportOptions {
  /// Requests in flight at once (across hosts).
  std::size_t max_concurrency = 16;
  /// Retries after the first attempt, for 429, 502, 503, 504, timeouts and
  /// connection failures. Other statuses are returned as they are.
  int max_retries = 4;
  /// Exponential backoff with full jitter: a random delay in
  /// [0, min(backoff_max, backoff_base * 2^attempt)]. A Retry-After header
  /// (seconds or HTTP date) replaces it, capped at retry_after_max.
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{10000};
  std::chrono::milliseconds retry_after_max{60000};
  std::chrono::milliseconds connect_timeout{10000};
  /// Abort a transfer slower than low_speed_bytes per second for
  /// low_speed_time (0 disables).
  std::size_t low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{30};
  std::string user_agent;
  /// Verify TLS peers (npm's strict-ssl). Never turned off by default.
  bool verify_tls = true;
  /// Extra CA bundle (npm's cafile); empty for the system store.
  std::string ca_file;
  /// Proxies; empty means "use the http_proxy / https_proxy / no_proxy
  /// environment variables", as curl does.
  std::string proxy;
  std::string no_proxy;
  /// Seed for the jitter, so tests can be repeated exactly; 0 = random.
  std::uint64_t jitter_seed = 0;
};

/// Called once per request when it is finished (after any retries), on the
/// thread that called Transport::run.
using HttpCompletion = std::function<void(HttpRequest& request, Result<HttpResponse> response)>;
/// Asked for the next request whenever a slot is free; nullopt means
/// "nothing to send right now". run() returns when nothing is in flight and
/// this returns nullopt, so a completion may enqueue more work.
using HttpRequestSource = std::function<std::optional<HttpRequest>()>;

class CALLBOARD_EXPORT Transport {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  static constexpr std::uint32_t kInterfaceVersion = 1;

  virtual ~Transport();
  Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// Runs requests concurrently (bounded by max_concurrency) until the source
  /// is drained. Transport failures (connection, timeout after retries, size
  /// limit, cancellation) arrive as errors; every HTTP status arrives as a
  /// response. When `stop` is requested, transfers in flight are aborted and
  /// complete with kCancelled, no new request is taken, and run returns an
  /// error with kCancelled.
  ///
  /// Errors given to `done`: kInvalidArgument (a URL that is not http(s), a
  /// header name or value that cannot be sent; no request is made),
  /// kUnavailable (DNS, connection, TLS handshake, timeout, truncated body;
  /// retryable = true), kResourceExhausted (max_response_bytes),
  /// kFailedPrecondition (certificate rejected, more than 5 redirects),
  /// kDataLoss (undecodable Content-Encoding), kCancelled. Each carries the
  /// context `url` (without user info), `method` and `attempts`. Values of
  /// Authorization, Proxy-Authorization and Cookie headers and the URL's
  /// user info are never part of an error.
  ///
  /// Threads: source, completion and sinks run on the calling thread; one
  /// run() at a time per transport (a concurrent or nested call returns
  /// kFailedPrecondition). If the source or the completion throws, in-flight
  /// requests are cancelled and run returns kInternal.
  virtual Result<void> run(const HttpRequestSource& next, const HttpCompletion& done,
                           std::stop_token stop = {}) noexcept = 0;

  /// One request, synchronously.
  Result<HttpResponse> fetch(HttpRequest request, std::stop_token stop = {});
};

/// The libcurl transport. Connections, DNS answers and TLS sessions are
/// kept by the transport object and reused across run() calls; HTTP/2
/// multiplexing is used where the server offers it. The first call
/// initialises libcurl for the process (curl_global_init under
/// std::call_once, never undone); a host that also uses libcurl with a
/// version before 7.84 should initialise it first. Starts no threads of its
/// own (libcurl's threaded DNS resolver may use a short-lived one per lookup).
/// Fails only when libcurl cannot be initialised.
CALLBOARD_EXPORT Result<std::unique_ptr<Transport>> make_curl_transport(const TransportOptions& options = {});

/// `https://user:pass@host/x` -> `https://host/x`: what may appear in an
/// error or a log line.
CALLBOARD_EXPORT std::string redact_url(std::string_view url);

// ---------------------------------------------------------------------------
// npm registry requests: the one place that adds npm's credentials and turns
// a registry's HTTP status into an Error (the indexer, the closure, tarball
// downloads and the Session all use these).

/// A GET of `url` with the Authorization header npm would send for it
/// (NpmConfig::authorization_for) and `accept` as the Accept header.
CALLBOARD_EXPORT HttpRequest npm_registry_request(const NpmConfig& npm, std::string url, std::string_view accept);

/// The Error for a registry answer that is not a success. `subject` names
/// what was asked for, for the message ("'@backstage/plugin-todo'", "the
/// tarball"). 404: kNotFound. 401 and 403: kPermissionDenied, saying to
/// check the auth token for that registry in .npmrc (never a policy
/// decision). 408, 429 and 5xx: kUnavailable, retryable. Any other status:
/// kUnavailable, not retryable (the same request would get the same
/// answer). Context: "url" (redacted) and "status".
CALLBOARD_EXPORT Error npm_status_error(int status, std::string_view url, std::string_view subject);

}  // namespace callboard::backend
