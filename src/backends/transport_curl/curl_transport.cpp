// The libcurl Transport: one multi handle per transport object (kept across
// run() calls so its connection cache, DNS cache and TLS sessions are reused),
// one easy handle per transfer in flight (pooled and reused), HTTP/2
// multiplexing allowed, and a single loop on the caller's thread that starts
// transfers while slots are free, schedules retries at a time point instead
// of sleeping, and polls the stop token.
//
// libcurl initialisation: curl_global_init(CURL_GLOBAL_DEFAULT) runs once per
// process under std::call_once, the first time a transport is made. It is
// never undone (curl_global_cleanup is not safe while another library in the
// process may still use curl). Before curl 7.84 curl_global_init was not
// thread-safe against a concurrent init by another library; a host that uses
// libcurl itself should initialise it first.
//
// Threads: every callback (request source, completion, sink) runs on the
// thread that called run(). Debian's libcurl resolves host names with its
// threaded resolver, which may run a short-lived resolver thread per lookup
// inside libcurl; nothing of callboard runs there.

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <curl/curl.h>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/backend/transport.hpp"

namespace callboard::backend {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr long kMaxRedirects = 5;
// Upper bound on how long one curl_multi_poll may sleep. A stop request also
// wakes the poll at once (curl_multi_wakeup from a stop_callback); this cap
// only matters if that wake-up were ever lost.
constexpr milliseconds kMaxPoll{100};
// Response headers kept per response; more are dropped (a hostile server
// cannot grow memory through headers; curl caps each header line itself).
constexpr std::size_t kMaxHeaders = 512;

CURLcode global_init() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

bool is_sensitive_header(std::string_view name) {
  return iequals(name, "Authorization") || iequals(name, "Cookie") ||
         iequals(name, "Proxy-Authorization");
}

struct EasyDeleter {
  void operator()(CURL* e) const noexcept { curl_easy_cleanup(e); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

enum class Abort { kNone, kTooLarge, kSinkStopped, kSinkThrew };

// One request from the source until its completion, across attempts.
struct Transfer {
  HttpRequest request;
  EasyPtr easy;
  SlistPtr header_list;
  std::string safe_url;              // redacted, for errors
  std::vector<std::string> secrets;  // scrubbed from any message
  int attempts = 0;
  Clock::time_point first_start;
  Clock::time_point retry_at;
  bool in_multi = false;
  // This attempt:
  HttpHeaders headers;
  std::string body;
  std::uint64_t received = 0;
  bool body_started = false;
  bool streaming = false;
  bool sink_used = false;  // the sink has seen data: the transfer can no longer be retried
  Abort abort = Abort::kNone;
  char errbuf[CURL_ERROR_SIZE] = {};

  void reset_attempt() {
    headers.clear();
    body.clear();
    received = 0;
    body_started = false;
    streaming = false;
    abort = Abort::kNone;
    errbuf[0] = '\0';
  }
};

// Replaces every secret (header values, URL user info) in text.
std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    // Very short values would only mangle the message without hiding much.
    if (s.size() < 3) continue;
    for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at)) {
      text.replace(at, s.size(), "<redacted>");
      at += 10;
    }
  }
  return text;
}

std::size_t on_header(char* buffer, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * count;
  try {
    const std::string_view line = trim(std::string_view(buffer, len));
    if (line.starts_with("HTTP/")) {
      // A new response begins (after a redirect or a 100 Continue): only
      // the final one's headers are reported.
      t->headers.clear();
    } else if (!line.empty() && (buffer[0] == ' ' || buffer[0] == '\t')) {
      if (!t->headers.empty()) {
        t->headers.back().second += ' ';
        t->headers.back().second += line;
      }
    } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      if (t->headers.size() < kMaxHeaders) {
        t->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                std::string(trim(line.substr(colon + 1))));
      }
    }
  } catch (...) {
    return 0;  // out of memory: abort the transfer
  }
  return len;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * count;
  const std::size_t limit = t->request.max_response_bytes;
  if (!t->body_started) {
    t->body_started = true;
    long status = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    t->streaming = static_cast<bool>(t->request.sink) && status >= 200 && status < 300;
    // Content-Length counts encoded bytes; only an unencoded body can be
    // judged by it before it arrives.
    const std::string_view encoding = find_header(t->headers, "Content-Encoding");
    curl_off_t declared = -1;
    curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
    if ((encoding.empty() || iequals(encoding, "identity")) && declared > 0 &&
        static_cast<std::uint64_t>(declared) > limit) {
      t->abort = Abort::kTooLarge;
      return 0;
    }
  }
  t->received += len;
  if (t->received > limit) {
    t->abort = Abort::kTooLarge;
    return 0;
  }
  if (t->streaming) {
    t->sink_used = true;
    try {
      if (!t->request.sink(std::string_view(data, len))) {
        t->abort = Abort::kSinkStopped;
        return 0;
      }
    } catch (...) {
      t->abort = Abort::kSinkThrew;
      return 0;
    }
    return len;
  }
  try {
    t->body.append(data, len);
  } catch (...) {
    t->abort = Abort::kTooLarge;
    return 0;
  }
  return len;
}

bool retryable_status(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

struct CurlFailure {
  ErrorCode code;
  bool retryable;
};

CurlFailure classify(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return {ErrorCode::kInvalidArgument, false};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return {ErrorCode::kUnavailable, true};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_TOO_MANY_REDIRECTS: return {ErrorCode::kFailedPrecondition, false};
    case CURLE_BAD_CONTENT_ENCODING: return {ErrorCode::kDataLoss, false};
    case CURLE_FILESIZE_EXCEEDED: return {ErrorCode::kResourceExhausted, false};
    default: return {ErrorCode::kUnavailable, false};
  }
}

// Retry-After: delay-seconds or an HTTP date; nullopt when absent or unparsable.
std::optional<milliseconds> parse_retry_after(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint64_t seconds = 0;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc())
      return milliseconds(std::chrono::hours(24));  // huge: capped by the caller
    return milliseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(seconds, 86400) * 1000));
  }
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const time_t now = std::time(nullptr);
  if (when <= now) return milliseconds(0);
  return milliseconds(static_cast<std::int64_t>(std::min<time_t>(when - now, 86400)) * 1000);
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(const TransportOptions& options, CURLM* multi, CURLSH* share)
      : options_(options), multi_(multi), share_(share) {
    rng_.seed(options.jitter_seed != 0 ? options.jitter_seed : std::random_device{}());
    if (options_.max_concurrency == 0) options_.max_concurrency = 1;
  }
  ~CurlTransport() override {
    idle_.clear();
    curl_multi_cleanup(multi_);
    curl_share_cleanup(share_);
  }

  Result<void> run(const HttpRequestSource& next, const HttpCompletion& done,
                   std::stop_token stop) noexcept override;

 private:
  struct RunState;

  Result<void> run_loop(RunState& state);
  // Makes the easy handle for a new transfer; an error for a request that can
  // never be sent (bad URL, header with a line break).
  Result<void> prepare(Transfer& t);
  Result<void> start_attempt(Transfer& t);
  void finish_attempt(RunState& state, std::unique_ptr<Transfer> t, CURLcode rc);
  void complete(RunState& state, std::unique_ptr<Transfer> t, Result<HttpResponse> result);
  Error transfer_error(const Transfer& t, ErrorCode code, std::string message,
                       bool retryable) const;
  milliseconds backoff(int retry_index);
  void release(Transfer& t);

  TransportOptions options_;
  CURLM* multi_;
  CURLSH* share_;
  std::vector<EasyPtr> idle_;
  std::mt19937_64 rng_;
  std::atomic<bool> running_{false};
};

struct CurlTransport::RunState {
  const HttpRequestSource& next;
  const HttpCompletion& done;
  std::stop_token stop;
  std::vector<std::unique_ptr<Transfer>> active;   // added to the multi handle
  std::vector<std::unique_ptr<Transfer>> waiting;  // backing off before a retry
  std::optional<Error> fatal;                      // a callback threw
  bool done_threw = false;                         // ... and it was the completion: stop calling it
  bool source_dry = false;
  bool progressed = false;  // something completed this round: ask the source again
};

Error CurlTransport::transfer_error(const Transfer& t, ErrorCode code, std::string message,
                                    bool retryable) const {
  Error e = make_error(code, scrub(std::move(message), t.secrets), retryable);
  e.with("url", scrub(t.safe_url, t.secrets));
  e.with("method", t.request.method);
  e.with("attempts", std::to_string(t.attempts));
  return e;
}

milliseconds CurlTransport::backoff(int retry_index) {
  const auto base =
      static_cast<std::uint64_t>(std::max<std::int64_t>(options_.backoff_base.count(), 0));
  const auto cap_max =
      static_cast<std::uint64_t>(std::max<std::int64_t>(options_.backoff_max.count(), 0));
  const int shift = std::clamp(retry_index, 0, 40);
  const std::uint64_t grown = base > (cap_max >> shift) ? cap_max : (base << shift);
  const std::uint64_t cap = std::min(cap_max, grown);
  std::uniform_int_distribution<std::uint64_t> pick(0, cap);
  return milliseconds(static_cast<std::int64_t>(pick(rng_)));
}

Result<void> CurlTransport::prepare(Transfer& t) {
  HttpRequest& r = t.request;
  t.safe_url = redact_url(r.url);
  for (const auto& [name, value] : r.headers) {
    if (!is_sensitive_header(name) || value.empty()) continue;
    t.secrets.push_back(value);
    // "Bearer <token>": the credential alone must not leak either.
    if (const std::size_t space = value.find(' ');
        space != std::string::npos && value.size() - space > 4) {
      t.secrets.push_back(std::string(trim(std::string_view(value).substr(space + 1))));
    }
  }
  // curl would use user info in the URL as Basic credentials; keep it out of
  // messages as well.
  if (t.safe_url != r.url) {
    const std::size_t start = r.url.find("://") + 3;
    const std::size_t end = std::min(r.url.find_first_of("/?#", start), r.url.size());
    const std::size_t at = r.url.rfind('@', end - 1);
    if (at != std::string::npos && at >= start) {
      const std::string userinfo = r.url.substr(start, at - start);
      t.secrets.push_back(userinfo);
      if (const std::size_t colon = userinfo.find(':'); colon != std::string::npos) {
        t.secrets.push_back(userinfo.substr(colon + 1));
      }
    }
  }

  // Reject what can never be sent before touching curl: curl would guess a
  // scheme for "host/path" and accept other protocols.
  {
    CURLU* u = curl_url();
    if (u == nullptr)
      return transfer_error(t, ErrorCode::kResourceExhausted, "out of memory", false);
    const CURLUcode uc = curl_url_set(u, CURLUPART_URL, r.url.c_str(), 0);
    char* scheme = nullptr;
    const bool have_scheme =
        uc == CURLUE_OK && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK;
    const bool http =
        have_scheme && (std::strcmp(scheme, "http") == 0 || std::strcmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_url_cleanup(u);
    if (!http) {
      return transfer_error(t, ErrorCode::kInvalidArgument,
                            uc != CURLUE_OK
                                ? std::string("malformed URL: ") + curl_url_strerror(uc)
                                : std::string("only http:// and https:// URLs are supported"),
                            false);
    }
  }
  if (!is_token(r.method))
    return transfer_error(t, ErrorCode::kInvalidArgument, "invalid HTTP method", false);
  SlistPtr list;
  for (const auto& [name, value] : r.headers) {
    if (!is_token(name)) {
      return transfer_error(t, ErrorCode::kInvalidArgument, "invalid header name", false)
          .with("header", name);
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return transfer_error(t, ErrorCode::kInvalidArgument, "header value contains a line break",
                            false)
          .with("header", name);
    }
    // "Name;" is curl's spelling of a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr)
      return transfer_error(t, ErrorCode::kResourceExhausted, "out of memory", false);
    (void)list.release();
    list.reset(grown);
  }
  if (!r.body.empty() && find_header(r.headers, "Expect").empty()) {
    // A 100-continue round trip only slows small API bodies down.
    curl_slist* grown = curl_slist_append(list.get(), "Expect:");
    if (grown == nullptr)
      return transfer_error(t, ErrorCode::kResourceExhausted, "out of memory", false);
    (void)list.release();
    list.reset(grown);
  }
  t.header_list = std::move(list);

  EasyPtr easy;
  if (!idle_.empty()) {
    easy = std::move(idle_.back());
    idle_.pop_back();
    curl_easy_reset(easy.get());
  } else {
    easy.reset(curl_easy_init());
    if (!easy)
      return transfer_error(t, ErrorCode::kResourceExhausted, "curl_easy_init failed", false);
  }
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_SHARE, share_);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  if (r.timeout.count() > 0)
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  if (options_.low_speed_bytes > 0 && options_.low_speed_time.count() > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options_.low_speed_bytes));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
  }
  if (!options_.user_agent.empty())
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  const long verify = options_.verify_tls ? 1L : 0L;
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, verify);
  curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, options_.ca_file.c_str());
  }
  // Unset: curl reads http_proxy / https_proxy / no_proxy itself.
  if (!options_.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, options_.proxy.c_str());
  if (!options_.no_proxy.empty()) curl_easy_setopt(e, CURLOPT_NOPROXY, options_.no_proxy.c_str());
  if (t.header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list.get());

  if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  if (r.method != "GET" && r.method != "HEAD" && (!r.body.empty() || r.method == "POST")) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }
  t.easy = std::move(easy);
  return {};
}

Result<void> CurlTransport::start_attempt(Transfer& t) {
  t.reset_attempt();
  ++t.attempts;
  const CURLMcode mc = curl_multi_add_handle(multi_, t.easy.get());
  if (mc != CURLM_OK) {
    return transfer_error(t, ErrorCode::kInternal,
                          std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc), false);
  }
  t.in_multi = true;
  return {};
}

void CurlTransport::release(Transfer& t) {
  if (t.in_multi) {
    curl_multi_remove_handle(multi_, t.easy.get());
    t.in_multi = false;
  }
  if (t.easy) {
    // The handle keeps its reference to our error buffer and header list
    // until reset; clear those before the Transfer goes away.
    curl_easy_setopt(t.easy.get(), CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    curl_easy_setopt(t.easy.get(), CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    if (idle_.size() < options_.max_concurrency) {
      idle_.push_back(std::move(t.easy));
    } else {
      t.easy.reset();
    }
  }
}

void CurlTransport::complete(RunState& state, std::unique_ptr<Transfer> t,
                             Result<HttpResponse> result) {
  release(*t);
  state.progressed = true;
  if (state.done_threw) return;  // the completion already threw: it is not called again
  try {
    state.done(t->request, std::move(result));
  } catch (const std::exception& e) {
    state.done_threw = true;
    if (!state.fatal) {
      state.fatal = make_error(ErrorCode::kInternal,
                               std::string("the completion callback threw: ") + e.what());
    }
  } catch (...) {
    state.done_threw = true;
    if (!state.fatal)
      state.fatal = make_error(ErrorCode::kInternal, "the completion callback threw");
  }
}

void CurlTransport::finish_attempt(RunState& state, std::unique_ptr<Transfer> t, CURLcode rc) {
  Transfer& x = *t;
  curl_multi_remove_handle(multi_, x.easy.get());
  x.in_multi = false;
  const bool may_retry =
      x.attempts <= options_.max_retries && !x.sink_used && !state.stop.stop_requested();
  long status = 0;
  curl_easy_getinfo(x.easy.get(), CURLINFO_RESPONSE_CODE, &status);

  if (rc == CURLE_OK) {
    if (retryable_status(status) && may_retry) {
      milliseconds delay = backoff(x.attempts - 1);
      if (auto after = parse_retry_after(find_header(x.headers, "Retry-After"))) {
        delay = std::min(*after, options_.retry_after_max);
      }
      x.retry_at = Clock::now() + delay;
      state.waiting.push_back(std::move(t));
      return;
    }
    HttpResponse response;
    response.status = static_cast<int>(status);
    response.headers = std::move(x.headers);
    response.body = std::move(x.body);
    char* effective = nullptr;
    curl_easy_getinfo(x.easy.get(), CURLINFO_EFFECTIVE_URL, &effective);
    response.effective_url =
        redact_url(effective != nullptr ? std::string_view(effective) : x.request.url);
    response.attempts = x.attempts;
    response.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - x.first_start);
    response.bytes = x.received;
    complete(state, std::move(t), std::move(response));
    return;
  }

  switch (x.abort) {
    case Abort::kTooLarge: {
      Error e = transfer_error(x, ErrorCode::kResourceExhausted,
                               "response body is larger than the limit of " +
                                   std::to_string(x.request.max_response_bytes) + " bytes",
                               false);
      e.with("limit", std::to_string(x.request.max_response_bytes));
      complete(state, std::move(t), std::move(e));
      return;
    }
    case Abort::kSinkStopped:
      complete(
          state, std::move(t),
          transfer_error(x, ErrorCode::kCancelled, "the body sink stopped the transfer", false));
      return;
    case Abort::kSinkThrew:
      complete(state, std::move(t),
               transfer_error(x, ErrorCode::kInternal, "the body sink threw", false));
      return;
    case Abort::kNone: break;
  }
  const CurlFailure failure = classify(rc);
  if (failure.retryable && may_retry) {
    x.retry_at = Clock::now() + backoff(x.attempts - 1);
    state.waiting.push_back(std::move(t));
    return;
  }
  std::string message = std::string("HTTP request failed: ") + curl_easy_strerror(rc);
  if (x.errbuf[0] != '\0') message += std::string(" (") + x.errbuf + ")";
  if (x.sink_used && failure.retryable)
    message += "; not retried because the sink already received part of the body";
  Error e = transfer_error(x, failure.code, std::move(message), failure.retryable);
  if (status != 0) e.with("status", std::to_string(status));
  complete(state, std::move(t), std::move(e));
}

Result<void> CurlTransport::run(const HttpRequestSource& next, const HttpCompletion& done,
                                std::stop_token stop) noexcept {
  if (running_.exchange(true)) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Transport::run is already running on this transport (it is not re-entrant; "
                      "use one transport per thread)");
  }
  struct Clear {
    std::atomic<bool>& flag;
    ~Clear() { flag.store(false); }
  } clear{running_};
  try {
    RunState state{next, done, stop, {}, {}, std::nullopt, false, false, false};
    // Wake curl_multi_poll as soon as a stop is requested, from whichever
    // thread requests it (curl_multi_wakeup is thread-safe).
    std::stop_callback wake(stop, [this] { curl_multi_wakeup(multi_); });
    return run_loop(state);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("transport failed: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::kInternal, "transport failed");
  }
}

Result<void> CurlTransport::run_loop(RunState& state) {
  auto abort_all = [&](const Error& why) {
    std::vector<std::unique_ptr<Transfer>> all;
    for (auto& t : state.active) all.push_back(std::move(t));
    for (auto& t : state.waiting) all.push_back(std::move(t));
    state.active.clear();
    state.waiting.clear();
    for (auto& t : all) {
      Error e = transfer_error(*t, why.code, why.message, false);
      complete(state, std::move(t), std::move(e));
    }
  };
  const Error cancelled = make_error(ErrorCode::kCancelled, "cancelled");

  for (;;) {
    if (state.stop.stop_requested()) {
      abort_all(cancelled);
      return make_error(ErrorCode::kCancelled, "the transfer run was cancelled");
    }
    if (state.fatal) {
      abort_all(make_error(ErrorCode::kCancelled, "cancelled: " + state.fatal->message));
      return *state.fatal;
    }
    state.progressed = false;

    // Retries whose time has come.
    const auto now = Clock::now();
    for (std::size_t i = 0; i < state.waiting.size();) {
      if (state.waiting[i]->retry_at > now) {
        ++i;
        continue;
      }
      std::unique_ptr<Transfer> t = std::move(state.waiting[i]);
      state.waiting.erase(state.waiting.begin() + static_cast<std::ptrdiff_t>(i));
      if (auto started = start_attempt(*t); !started) {
        complete(state, std::move(t), std::move(started).error());
      } else {
        state.active.push_back(std::move(t));
      }
    }

    // New work while slots are free. A transfer waiting to retry keeps its
    // slot, so a struggling server sees no more than max_concurrency requests.
    while (!state.source_dry && !state.fatal &&
           state.active.size() + state.waiting.size() < options_.max_concurrency) {
      std::optional<HttpRequest> request;
      try {
        request = state.next();
      } catch (const std::exception& e) {
        state.fatal =
            make_error(ErrorCode::kInternal, std::string("the request source threw: ") + e.what());
        break;
      } catch (...) {
        state.fatal = make_error(ErrorCode::kInternal, "the request source threw");
        break;
      }
      if (!request) {
        state.source_dry = true;
        break;
      }
      auto t = std::make_unique<Transfer>();
      t->request = std::move(*request);
      t->first_start = Clock::now();
      if (auto prepared = prepare(*t); !prepared) {
        complete(state, std::move(t), std::move(prepared).error());
        continue;
      }
      if (auto started = start_attempt(*t); !started) {
        complete(state, std::move(t), std::move(started).error());
        continue;
      }
      state.active.push_back(std::move(t));
    }
    if (state.fatal) continue;

    if (state.active.empty() && state.waiting.empty()) {
      if (state.source_dry && !state.progressed) return {};
      state.source_dry = false;  // a completion may have queued more work
      continue;
    }

    int running = 0;
    const CURLMcode mc = curl_multi_perform(multi_, &running);
    if (mc != CURLM_OK) {
      Error e = make_error(ErrorCode::kInternal,
                           std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
      abort_all(e);
      return e;
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      auto it =
          std::find_if(state.active.begin(), state.active.end(),
                       [&](const std::unique_ptr<Transfer>& t) { return t->easy.get() == easy; });
      if (it == state.active.end()) continue;
      std::unique_ptr<Transfer> t = std::move(*it);
      state.active.erase(it);
      finish_attempt(state, std::move(t), rc);
    }
    if (state.progressed) {
      state.source_dry = false;  // ask the source again: completions may have queued work
      continue;
    }

    milliseconds wait = kMaxPoll;
    if (!state.waiting.empty()) {
      auto soonest = state.waiting.front()->retry_at;
      for (const auto& t : state.waiting) soonest = std::min(soonest, t->retry_at);
      const auto until =
          std::chrono::duration_cast<milliseconds>(soonest - Clock::now()) + milliseconds(1);
      wait = std::clamp(until, milliseconds(0), kMaxPoll);
    }
    const CURLMcode pc =
        curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait.count()), nullptr);
    if (pc != CURLM_OK) {
      Error e = make_error(ErrorCode::kInternal,
                           std::string("curl_multi_poll: ") + curl_multi_strerror(pc));
      abort_all(e);
      return e;
    }
  }
}

}  // namespace

Result<std::unique_ptr<Transport>> make_curl_transport(const TransportOptions& options) {
  try {
    if (const CURLcode rc = global_init(); rc != CURLE_OK) {
      return make_error(ErrorCode::kInternal,
                        std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
    }
    CURLM* multi = curl_multi_init();
    if (multi == nullptr)
      return make_error(ErrorCode::kResourceExhausted, "curl_multi_init failed");
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    CURLSH* share = curl_share_init();
    if (share == nullptr) {
      curl_multi_cleanup(multi);
      return make_error(ErrorCode::kResourceExhausted, "curl_share_init failed");
    }
    // One thread uses the share handle at a time (run() is not re-entrant),
    // so no lock callbacks are needed.
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return std::unique_ptr<Transport>(new CurlTransport(options, multi, share));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("make_curl_transport: ") + e.what());
  }
}

}  // namespace callboard::backend
