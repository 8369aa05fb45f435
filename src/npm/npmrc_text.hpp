#pragma once
// Private helpers of the npm configuration reader: the `ini` dialect npm
// parses .npmrc files with, npm's `${VAR}` replacement, URL splitting and
// base64. Kept apart from npm_config.cpp so the unit tests can check each
// rule against npm's own code (ini 6, @npmcli/config 10) directly.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callboard::npm_detail {

using Getenv = std::function<std::optional<std::string>(std::string_view)>;

/// One `key=value` line of the top level of an .npmrc (lines inside
/// `[sections]` are dropped, as npm never reads them as settings).
struct IniEntry {
  std::string key;     ///< unquoted, not yet env-replaced
  std::string value;   ///< unquoted, not yet env-replaced; "true" for a bare `key`
  bool array = false;  ///< written as `key[]=`
  bool bare = false;   ///< no '=' on the line
  std::size_t line = 0;
};

/// Why a line was not accepted.
struct IniProblem {
  std::size_t line = 0;
  std::string why;
};

/// Parses .npmrc text as ini 6 `decode` does: CR/LF line breaks, `;`/`#`
/// comment lines, `[section]` headers, `key = value` split at the first '=',
/// quoted keys/values ("..." JSON-decoded, '...' stripped), unquoted values
/// cut at the first unescaped `;` or `#`. Returns the top-level entries in
/// file order. A line that ini silently skips because it starts with '='
/// (no key) is reported in `problems` instead.
std::vector<IniEntry> parse_ini(std::string_view text, std::vector<IniProblem>& problems);

/// JavaScript's String.prototype.trim (ASCII and Unicode white space,
/// including a byte-order mark), on UTF-8.
std::string_view js_trim(std::string_view s);

/// ini's `unsafe()`: trims, unquotes, strips an unescaped `;`/`#` comment.
std::string ini_unsafe(std::string_view raw);

/// The result of npm's `${VAR}` replacement on one string.
struct Replaced {
  std::string text;
  /// Names of variables that were not set and had no `?` modifier; npm 11
  /// leaves those as the literal `${NAME}` (we report them where it matters).
  std::vector<std::string> missing;
};

/// @npmcli/config's env-replace: `${NAME}` -> value, `${NAME?}` -> value or
/// empty, an odd number of backslashes before `$` escapes the expression,
/// an even number is halved.
Replaced env_replace(std::string_view text, const Getenv& getenv);

/// The parts of an absolute http(s)-like URL, WHATWG-normalised where npm's
/// behaviour depends on it: scheme and host lower-cased, the scheme's default
/// port dropped, an empty path made "/".
struct UrlParts {
  std::string scheme;    ///< "https"
  std::string userinfo;  ///< "user:pass" (without '@'), may be empty
  std::string host;      ///< "host" or "[::1]"
  std::string port;      ///< "8443", empty for the default
  std::string path;      ///< "/a/b", never empty
  std::string rest;      ///< "?query#fragment" as written
  /// "host" or "host:port", as URL.host.
  [[nodiscard]] std::string host_port() const { return port.empty() ? host : host + ":" + port; }
};

/// nullopt unless `url` is `scheme://host...` with a non-empty host and a
/// numeric port (if any).
std::optional<UrlParts> split_url(std::string_view url);

/// True for an http:// or https:// URL with a host.
bool is_http_url(std::string_view url);

/// The URL without `user:pass@`; text that is not a URL is returned as is
/// unless it contains '@' before the first '/', then the part up to '@' is dropped.
std::string redact_userinfo(std::string_view url);

/// RFC 4648 base64 (with padding).
std::string base64_encode(std::string_view bytes);

/// Lenient like node's Buffer.from(s, 'base64'): standard and URL-safe
/// alphabets, optional padding, ASCII whitespace ignored. nullopt for any
/// other character or a dangling single symbol.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace callboard::npm_detail
