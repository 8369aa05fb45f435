// Tarball downloads: through the transport's streaming sink, hashed chunk
// by chunk, with npm's credentials for the tarball's host.

#include <string>

#include "callboard/artifact.hpp"

namespace callboard {

Result<FetchedTarball> fetch_tarball(backend::Transport& transport, const NpmConfig& npm, std::string_view url,
                                     const Integrity& expected, const FetchOptions& options, std::stop_token stop) {
  const std::string shown_url = backend::redact_url(url);
  if (expected.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "no integrity to verify the tarball against: refusing it")
        .with("url", shown_url);
  }
  if (options.cache != nullptr) {
    auto hit = options.cache->read(expected);
    if (!hit) return std::move(hit).error().with("url", shown_url);
    if (*hit) {
      FetchedTarball out;
      out.bytes = std::move(**hit);
      out.verified = *expected.strongest().front();
      out.url = shown_url;
      out.from_cache = true;
      out.cache_path = options.cache->path_for(expected);
      // The cache verified the bytes against this very hash; name which.
      if (auto v = verify_integrity(out.bytes, expected)) out.verified = *v;
      return out;
    }
  }

  backend::HttpRequest request = backend::npm_registry_request(npm, std::string(url), "application/octet-stream, */*");
  request.timeout = options.timeout;
  request.max_response_bytes = static_cast<std::size_t>(options.max_bytes);

  IntegrityVerifier verifier(expected);
  std::string bytes;
  bool too_big = false;
  request.sink = [&](std::string_view chunk) {
    if (bytes.size() + chunk.size() > options.max_bytes) {
      too_big = true;
      return false;
    }
    verifier.update(chunk);
    bytes.append(chunk);
    if (options.progress) options.progress(bytes.size());
    return true;
  };
  auto response = transport.fetch(std::move(request), std::move(stop));
  if (too_big) {
    return make_error(ErrorCode::kResourceExhausted,
                      "the tarball is larger than " + std::to_string(options.max_bytes) + " bytes")
        .with("url", shown_url)
        .with("limit", std::to_string(options.max_bytes));
  }
  if (!response) return std::move(response).error();
  const int status = response->status;
  if (status < 200 || status >= 300) return backend::npm_status_error(status, url, "the tarball");
  auto verified = verifier.finish();
  if (!verified) return std::move(verified).error().with("url", shown_url);

  FetchedTarball out;
  out.verified = std::move(*verified);
  out.url = shown_url;
  if (options.cache != nullptr) {
    auto stored = options.cache->write(expected, bytes);
    if (!stored) return std::move(stored).error().with("url", shown_url);
    out.cache_path = std::move(*stored);
  }
  out.bytes = std::move(bytes);
  return out;
}

Result<FetchedTarball> fetch_package_tarball(backend::Transport& transport, const NpmConfig& npm,
                                             const Manifest& manifest, const FetchOptions& options,
                                             std::stop_token stop) {
  auto expected = expected_integrity(manifest);
  if (!expected) return std::move(expected).error();
  if (manifest.dist.tarball.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "the registry gives no dist.tarball URL")
        .with("package", manifest.name)
        .with("version", manifest.version);
  }
  auto out = fetch_tarball(transport, npm, manifest.dist.tarball, *expected, options, std::move(stop));
  if (!out) return std::move(out).error().with("package", manifest.name).with("version", manifest.version);
  return out;
}

}  // namespace callboard
