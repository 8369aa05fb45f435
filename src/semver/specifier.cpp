// Dependency specifiers as they appear in package.json files: what
// npm-package-arg and yarn's protocols accept, classified rather than rejected.
#include "semver/detail.hpp"

namespace callboard::semver {

std::string_view to_string(SpecifierKind kind) noexcept {
  switch (kind) {
    case SpecifierKind::kRange: return "range";
    case SpecifierKind::kTag: return "tag";
    case SpecifierKind::kAlias: return "alias";
    case SpecifierKind::kWorkspace: return "workspace";
    case SpecifierKind::kBackstage: return "backstage";
    case SpecifierKind::kUrl: return "url";
    case SpecifierKind::kGit: return "git";
    case SpecifierKind::kFile: return "file";
    case SpecifierKind::kPatch: return "patch";
  }
  return "";
}

namespace {

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

// encodeURIComponent(tag) === tag: npm-package-arg's test for a dist-tag name.
bool valid_tag(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = detail::is_digit(c) || detail::is_alpha(c) || c == '-' || c == '_' || c == '.' || c == '!' ||
                    c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
    if (!ok) return false;
  }
  return true;
}

// `user/repo`, `user/repo#ref`: GitHub shorthand (hosted-git-info).
bool github_shorthand(std::string_view s) {
  const std::size_t hash = s.find('#');
  const std::string_view path = s.substr(0, hash);
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= path.size()) return false;
  if (path.find('/', slash + 1) != std::string_view::npos) return false;
  for (char c : path) {
    if (c == '@' || c == ':' || c == ' ' || c == '\\') return false;
  }
  return path[0] != '.';
}

// `git@host:owner/repo` (scp-like)
bool scp_like_git(std::string_view s) {
  const std::size_t at = s.find('@');
  const std::size_t colon = s.find(':');
  return at != std::string_view::npos && colon != std::string_view::npos && at < colon && at > 0 &&
         s.find("://") == std::string_view::npos && s.find(' ') == std::string_view::npos;
}

}  // namespace

Result<Specifier> parse_specifier(std::string_view text, Options options) {
  if (text.size() > kMaxRangeLength) {
    return make_error(ErrorCode::kResourceExhausted,
                      "specifier is longer than " + std::to_string(kMaxRangeLength) + " bytes");
  }
  Specifier spec;
  spec.raw = std::string(text);
  const std::string_view s = detail::js_trim(text);

  auto protocol = [&](std::string_view prefix, SpecifierKind kind) -> bool {
    if (!s.starts_with(prefix)) return false;
    spec.kind = kind;
    spec.target = std::string(s.substr(prefix.size()));
    return true;
  };

  if (s.starts_with("npm:")) {
    spec.kind = SpecifierKind::kAlias;
    const std::string_view rest = s.substr(4);
    // The package name may itself start with '@' (a scope).
    const std::size_t at = rest.find('@', rest.starts_with("@") ? 1 : 0);
    const std::string_view name = rest.substr(0, at);
    if (name.empty() || name == "@" || (name.starts_with("@") && name.find('/') == std::string_view::npos)) {
      return detail::invalid("invalid npm: alias \"" + std::string(text) + "\"", text,
                             "expected npm:<package>[@<range>]");
    }
    spec.target = std::string(name);
    const std::string_view inner = at == std::string_view::npos ? std::string_view("*") : rest.substr(at + 1);
    if (auto r = Range::parse(inner, options)) spec.range = std::move(r).value();
    return spec;
  }
  if (protocol("workspace:", SpecifierKind::kWorkspace)) {
    if (auto r = Range::parse(spec.target, options)) spec.range = std::move(r).value();
    return spec;
  }
  if (protocol("backstage:", SpecifierKind::kBackstage)) return spec;
  if (protocol("patch:", SpecifierKind::kPatch)) return spec;
  if (protocol("file:", SpecifierKind::kFile) || protocol("link:", SpecifierKind::kFile) ||
      protocol("portal:", SpecifierKind::kFile)) {
    return spec;
  }
  if (starts_with_any(s, {"./", "../", "/", "~/"}) || s == "." || s == "..") {
    spec.kind = SpecifierKind::kFile;
    spec.target = std::string(s);
    return spec;
  }
  if (starts_with_any(s, {"git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:"}) || scp_like_git(s)) {
    spec.kind = SpecifierKind::kGit;
    spec.target = std::string(s);
    return spec;
  }
  if (starts_with_any(s, {"http://", "https://"})) {
    spec.kind = SpecifierKind::kUrl;
    spec.target = std::string(s);
    return spec;
  }
  if (auto r = Range::parse(s, options)) {
    spec.kind = SpecifierKind::kRange;
    spec.range = std::move(r).value();
    return spec;
  }
  if (github_shorthand(s)) {
    spec.kind = SpecifierKind::kGit;
    spec.target = std::string(s);
    return spec;
  }
  if (valid_tag(s)) {
    spec.kind = SpecifierKind::kTag;
    spec.target = std::string(s);
    return spec;
  }
  return detail::invalid("\"" + std::string(text) + "\" is neither a semver range, a dist-tag, an alias, a URL, "
                         "a git spec nor a file path", text, "unrecognised dependency specifier");
}

}  // namespace callboard::semver
