// libFuzzer target: .npmrc text.
//
// The input is one .npmrc file, applied with a fake environment in which
// every variable whose name starts with an upper-case letter is set to a
// secret, HOME is /home/fuzz, and everything else is unset. Checked:
//  - apply_npmrc never crashes, and an error is kInvalidArgument naming the
//    file (and the line, for file content);
//  - every registry it keeps is an http(s) URL ending in '/';
//  - no credential entry is empty; authorization_for never crashes and its
//    answer is a Bearer or Basic header;
//  - to_string() shows the environment's secret only where it was written
//    into a non-secret setting (a registry URL, a proxy, a key name ...),
//    and does not change when token and password values change;
//  - applying the same text to a fresh config gives the same result;
//  - nerf_dart of any line is empty or "//...".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "callboard/npm_config.hpp"

#include "fuzz_check.hpp"
#include "npm/npmrc_text.hpp"

namespace {

constexpr std::string_view kSecret = "SeCrEt-7f3a9c";

std::optional<std::string> fake_getenv(std::string_view name) {
  if (name == "HOME") return std::string("/home/fuzz");
  if (!name.empty() && name.front() >= 'A' && name.front() <= 'Z') return std::string(kSecret);
  return std::nullopt;
}

// Everything to_string() may legitimately print.
std::string public_fields(const callboard::NpmConfig& c) {
  std::string out = c.registry + "\n" + c.https_proxy + "\n" + c.http_proxy + "\n" + c.no_proxy +
                    "\n" + c.cafile + "\n" + c.user_agent + "\n";
  for (const auto& [scope, url] : c.scope_registries) out += scope + "\n" + url + "\n";
  for (const auto& [prefix, creds] : c.credentials) out += prefix + "\n";
  for (const auto& s : c.sources) out += s.key + "\n" + s.origin + "\n";
  return out;
}

std::string summary(const callboard::NpmConfig& c) {
  std::string out = c.to_string();
  for (const auto& [prefix, creds] : c.credentials)
    out += prefix + "|" + creds.token + "|" + creds.username + "|" + creds.password + "\n";
  for (const auto& s : c.sources) out += s.key + "@" + s.origin + "\n";
  return out;
}

void check_registry(const std::string& url, const char* what) {
  CALLBOARD_FUZZ_CHECK(
      "registry-normalized",
      url.empty() || (url.back() == '/' && callboard::npm_detail::is_http_url(url)),
      std::string(what) + " = " + url);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;

  callboard::NpmConfig config;
  auto applied = callboard::apply_npmrc(config, text, "fuzz.npmrc", fake_getenv);
  if (!applied.ok()) {
    const auto& e = applied.error();
    CALLBOARD_FUZZ_CHECK("error-code", e.code == callboard::ErrorCode::kInvalidArgument,
                         e.to_string());
    CALLBOARD_FUZZ_CHECK("error-names-file",
                         e.detail("file") == "fuzz.npmrc" && !e.detail("line").empty(),
                         e.to_string());
  }
  check_registry(config.registry, "registry");
  for (const auto& [scope, url] : config.scope_registries) {
    CALLBOARD_FUZZ_CHECK("scope-name", scope.size() >= 2 && scope.front() == '@', scope);
    check_registry(url, scope.c_str());
  }
  for (const auto& [prefix, creds] : config.credentials) {
    CALLBOARD_FUZZ_CHECK("credentials-not-empty", !(creds == callboard::NpmCredentials{}), prefix);
    CALLBOARD_FUZZ_CHECK("credentials-prefix", prefix.starts_with("//"), prefix);
  }

  const std::string shown = config.to_string();
  const std::string allowed = public_fields(config);
  CALLBOARD_FUZZ_CHECK(
      "no-secret-in-to_string",
      shown.find(kSecret) == std::string::npos || allowed.find(kSecret) != std::string::npos,
      shown);
  // to_string() may depend on whether a secret is set, never on its value.
  callboard::NpmConfig masked = config;
  for (auto& [prefix, creds] : masked.credentials) {
    if (!creds.token.empty()) creds.token = "t";
    if (!creds.password.empty()) creds.password = "p";
  }
  CALLBOARD_FUZZ_CHECK("to_string-independent-of-secrets", masked.to_string() == shown,
                       shown + " vs masked " + masked.to_string());

  // The same text on a fresh config gives the same result.
  callboard::NpmConfig again;
  auto applied_again = callboard::apply_npmrc(again, text, "fuzz.npmrc", fake_getenv);
  CALLBOARD_FUZZ_CHECK("deterministic",
                       applied_again.ok() == applied.ok() && summary(again) == summary(config),
                       summary(config) + " vs " + summary(again));

  // Lookups on whatever URLs the input contains never crash.
  std::size_t lines = 0;
  for (std::size_t start = 0; start <= text.size() && lines < 16; ++lines) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const std::string nerf = callboard::nerf_dart(line);
    CALLBOARD_FUZZ_CHECK("nerf-dart-shape",
                         nerf.empty() || (nerf.starts_with("//") && nerf.back() == '/'), nerf);
    if (auto header = config.authorization_for(line)) {
      CALLBOARD_FUZZ_CHECK(
          "auth-header", header->starts_with("Bearer ") || header->starts_with("Basic "), *header);
    }
    (void)config.registry_for(line);
    (void)config.packument_url(line);
  }
  if (!config.registry.empty()) (void)config.authorization_for(config.registry + "pkg");
  return 0;
}
