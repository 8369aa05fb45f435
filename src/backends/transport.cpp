// The parts of the Transport seam that do not depend on an implementation.

#include "callboard/backend/transport.hpp"

#include <exception>
#include <optional>

namespace callboard::backend {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Transport::~Transport() = default;

std::string_view find_header(const HttpHeaders& headers, std::string_view name) noexcept {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string redact_url(std::string_view url) {
  // Only the authority can carry user info: "scheme://user:pass@host/...".
  const std::size_t scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  const std::size_t at = url.substr(start, end - start).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += url.substr(start + at + 1);
  return out;
}

Result<HttpResponse> Transport::fetch(HttpRequest request, std::stop_token stop) {
  try {
    std::optional<HttpRequest> pending(std::move(request));
    std::optional<Result<HttpResponse>> outcome;
    auto next = [&]() -> std::optional<HttpRequest> {
      std::optional<HttpRequest> out;
      out.swap(pending);
      return out;
    };
    auto done = [&](HttpRequest&, Result<HttpResponse> response) {
      outcome.emplace(std::move(response));
    };
    Result<void> ran = run(next, done, std::move(stop));
    if (outcome) return std::move(*outcome);
    if (!ran) return std::move(ran).error();
    return make_error(ErrorCode::kInternal, "transport finished without completing the request");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("fetch failed: ") + e.what());
  }
}

HttpRequest npm_registry_request(const NpmConfig& npm, std::string url, std::string_view accept) {
  HttpRequest request;
  if (auto auth = npm.authorization_for(url)) request.headers.emplace_back("Authorization", std::move(*auth));
  request.headers.emplace_back("Accept", std::string(accept));
  request.url = std::move(url);
  return request;
}

Error npm_status_error(int status, std::string_view url, std::string_view subject) {
  const std::string what = "the registry answered HTTP " + std::to_string(status) + " for " + std::string(subject);
  Error error;
  if (status == 404) {
    error = make_error(ErrorCode::kNotFound, what);
  } else if (status == 401 || status == 403) {
    error = make_error(ErrorCode::kPermissionDenied,
                       what + ": check the auth token for its registry in .npmrc (npm config get registry)");
  } else {
    const bool transient = status == 408 || status == 429 || (status >= 500 && status <= 599);
    error = make_error(ErrorCode::kUnavailable, what, transient);
  }
  return std::move(error).with("url", redact_url(url)).with("status", std::to_string(status));
}

}  // namespace callboard::backend
