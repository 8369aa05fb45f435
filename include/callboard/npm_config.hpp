#pragma once
/// \file
/// npm configuration, read the way npm reads it: `NPM_CONFIG_*` environment
/// variables first, then the project `.npmrc`, the user `.npmrc`
/// (`NPM_CONFIG_USERCONFIG`, default `~/.npmrc`) and the global `npmrc`
/// (`NPM_CONFIG_GLOBALCONFIG`, default `$PREFIX/etc/npmrc`). `${VAR}` in
/// values is replaced from the environment. Per-scope registries
/// (`@scope:registry=`) and per-registry credentials (`//host/path/:_authToken=`,
/// `:_auth=`, `:username=` + `:_password=`) follow npm's "nerf dart" matching.
///
/// Credentials never appear in errors, logs, to_string() or storage.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"

namespace callboard {

/// Credentials for one registry prefix. Holds secrets: never print it.
struct NpmCredentials {
  std::string token;     ///< `_authToken`
  std::string username;  ///< `username` (with `_password`), or from `_auth`
  std::string password;  ///< decoded from base64 `_password` / `_auth`
  friend bool operator==(const NpmCredentials&, const NpmCredentials&) = default;
};

/// One setting and where it came from, for `callboard config` style output.
struct NpmConfigSource {
  std::string key;
  std::string origin;  ///< "env", a file path, "npm" (asked `npm config get`)
  friend bool operator==(const NpmConfigSource&, const NpmConfigSource&) = default;
};

struct NpmConfig {
  /// The default registry, always ending in '/'. Empty when nothing is
  /// configured anywhere (callboard never guesses a host).
  std::string registry;
  /// "@scope" -> registry URL ending in '/'.
  std::map<std::string, std::string, std::less<>> scope_registries;
  /// Nerf-darted registry prefix ("//host:port/path/") -> credentials.
  std::map<std::string, NpmCredentials, std::less<>> credentials;
  std::string https_proxy;
  std::string http_proxy;
  std::string no_proxy;
  bool strict_ssl = true;
  std::string cafile;
  std::string user_agent;
  /// Where registry-related keys came from (no values).
  std::vector<NpmConfigSource> sources;

  /// The registry a package is fetched from: its scope's, else the default.
  [[nodiscard]] CALLBOARD_EXPORT std::string registry_for(std::string_view package_name) const;
  /// The packument URL: registry + name with '/' escaped as %2f; empty when
  /// no registry applies.
  [[nodiscard]] CALLBOARD_EXPORT std::string packument_url(std::string_view package_name) const;
  /// The `Authorization` header value for a URL ("Bearer ..." or
  /// "Basic ..."), matched by the longest nerf-dart prefix of the URL
  /// (npm-registry-fetch's walk: "//host/a/b", "//host/a/", "//host/a", ...);
  /// a token wins over basic credentials, which need both username and
  /// password. A URL on the host of a configured registry but outside its
  /// path (a tarball) gets that registry's credentials, as npm does.
  /// nullopt when none applies or the URL is not http(s).
  [[nodiscard]] CALLBOARD_EXPORT std::optional<std::string> authorization_for(std::string_view url) const;
  /// A description safe to print: registries and which prefixes have
  /// credentials ("token", "basic"), never the secrets.
  [[nodiscard]] CALLBOARD_EXPORT std::string to_string() const;
};

struct NpmConfigOptions {
  /// Where to look for the project `.npmrc` (npm uses the nearest directory
  /// with a package.json or node_modules, walking up from here).
  std::filesystem::path project_dir = ".";
  /// Environment lookup; defaults to std::getenv. Tests pass their own.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  /// When no registry is configured in the environment or any file, ask
  /// `npm config get registry` (npm's built-in default). Off: leave empty.
  bool ask_npm = true;
  /// Upper bound for one .npmrc file.
  std::size_t max_file_bytes = 1u << 20;
};

/// Loads the configuration. A malformed .npmrc line is an error naming the
/// file and line; a missing or unreadable file is skipped (as npm does); a
/// file over max_file_bytes is kResourceExhausted.
///
/// Which files: the project `.npmrc` in npm's local prefix (workspace roots
/// are not looked for), the user file (NPM_CONFIG_USERCONFIG, `userconfig`
/// in the project file, else $HOME/.npmrc), the global file
/// (`globalconfig`, else `<prefix>/etc/npmrc` with prefix from `prefix`,
/// $PREFIX or the grandparent of the `node` found on PATH). npm's builtin
/// `<npm>/npmrc` is not read. With the default `getenv` every npm_config_*
/// variable is read (including `npm_config_@scope:registry`); a custom
/// `getenv` cannot be listed, so only registry, https-proxy, proxy, noproxy,
/// strict-ssl, cafile, user-agent, userconfig, globalconfig and prefix are
/// looked up (as NPM_CONFIG_X and npm_config_x). `npm config get registry`
/// (ask_npm) runs with the process environment, not `getenv`.
CALLBOARD_EXPORT Result<NpmConfig> load_npm_config(const NpmConfigOptions& options = {});

/// Applies one .npmrc text (later calls override earlier keys, as a layer
/// closer to the user would). `origin` names the file in errors.
///
/// Parsed as npm's `ini` parser does (comments, quotes, sections ignored,
/// `key[]=` lists ignored for these keys). Errors (kInvalidArgument, with
/// `file`, `line`, `key`): a line starting with '=', a registry that is not
/// an http(s) URL, strict-ssl not true/false, `_auth`/`_password` not
/// base64, a registry-related key without '=', and an unset `${VAR}` in a
/// key callboard uses (npm 11 would keep the literal `${VAR}`; `${VAR?}`
/// means empty). Other keys are not checked. On error the lines before the
/// bad one have been applied. Values are never quoted in errors.
CALLBOARD_EXPORT Result<void> apply_npmrc(NpmConfig& config, std::string_view text, std::string_view origin,
                                          const std::function<std::optional<std::string>(std::string_view)>& getenv);

/// The top-level settings of one .npmrc text as npm's `ini` parser reads
/// them (comments, quotes, sections dropped), in file order, `${VAR}` not
/// replaced; a bare `key` reads "true". For keys callboard reads besides the
/// registry ones (`legacy-peer-deps`, pnpm's `strict-peer-dependencies`).
/// Error (kInvalidArgument, with `file` and `line`): a line starting with '='.
CALLBOARD_EXPORT Result<std::vector<std::pair<std::string, std::string>>> npmrc_settings(std::string_view text,
                                                                                       std::string_view origin);

/// "https://host:8443/path/" -> "//host:8443/path/" (npm's nerf-dart).
CALLBOARD_EXPORT std::string nerf_dart(std::string_view url);

}  // namespace callboard
