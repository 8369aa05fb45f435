// The npm configuration reader: which files npm reads, in which order, and
// what the registry-related keys in them mean. The rules follow npm 11
// (@npmcli/config 10, ini 6, npm-registry-fetch 19); where callboard is
// stricter than npm, the comment says so and why.

#include "callboard/npm_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <system_error>
#include <utility>

#include "npm/npm_process.hpp"
#include "npm/npmrc_text.hpp"

extern char** environ;

namespace callboard {
namespace {

namespace fs = std::filesystem;
using npm_detail::Getenv;
using npm_detail::IniEntry;

constexpr std::string_view kEnvOrigin = "env";

enum class KeyKind {
  kIgnored,
  kRegistry,
  kScopeRegistry,
  kCredential,
  kHttpsProxy,
  kProxy,
  kNoProxy,
  kStrictSsl,
  kCafile,
  kUserAgent,
  kUserConfig,
  kGlobalConfig,
  kPrefix,
};

enum class CredentialField { kNone, kToken, kAuth, kUsername, kPassword };

struct ClassifiedKey {
  KeyKind kind = KeyKind::kIgnored;
  std::string prefix;  // the scope ("@x") or the nerf dart ("//host/path/")
  CredentialField field = CredentialField::kNone;
};

ClassifiedKey classify(std::string_view key) {
  static constexpr std::pair<std::string_view, KeyKind> kPlain[] = {
      {"registry", KeyKind::kRegistry},
      {"https-proxy", KeyKind::kHttpsProxy},
      {"proxy", KeyKind::kProxy},
      {"noproxy", KeyKind::kNoProxy},
      {"strict-ssl", KeyKind::kStrictSsl},
      {"cafile", KeyKind::kCafile},
      {"user-agent", KeyKind::kUserAgent},
      {"userconfig", KeyKind::kUserConfig},
      {"globalconfig", KeyKind::kGlobalConfig},
      {"prefix", KeyKind::kPrefix},
  };
  for (const auto& [name, kind] : kPlain) {
    if (key == name) return {kind, {}, CredentialField::kNone};
  }
  // npm-registry-fetch looks up `${scope}:registry` with scope = "@name".
  constexpr std::string_view kRegistrySuffix = ":registry";
  if (key.size() > kRegistrySuffix.size() + 1 && key.front() == '@' &&
      key.ends_with(kRegistrySuffix)) {
    return {KeyKind::kScopeRegistry,
            std::string(key.substr(0, key.size() - kRegistrySuffix.size())),
            CredentialField::kNone};
  }
  if (key.starts_with("//")) {
    const std::size_t colon = key.rfind(':');
    if (colon == std::string_view::npos || colon < 2) return {};
    const std::string_view field = key.substr(colon + 1);
    CredentialField f = CredentialField::kNone;
    if (field == "_authToken") f = CredentialField::kToken;
    if (field == "_auth") f = CredentialField::kAuth;
    if (field == "username") f = CredentialField::kUsername;
    if (field == "_password") f = CredentialField::kPassword;
    if (f == CredentialField::kNone) return {};  // :email, :certfile, :always-auth, ...
    return {KeyKind::kCredential, std::string(key.substr(0, colon)), f};
  }
  return {};
}

// userconfig / globalconfig / prefix: they choose which files are read, so
// load_npm_config looks at them before applying any layer.
struct Locations {
  std::optional<std::string> userconfig;
  std::optional<std::string> globalconfig;
  std::optional<std::string> prefix;
};

Error line_error(std::string message, std::string_view origin, std::size_t line,
                 std::string_view key) {
  Error e = make_error(ErrorCode::kInvalidArgument, std::move(message));
  e.with("file", std::string(origin));
  if (line != 0) e.with("line", std::to_string(line));
  if (!key.empty()) e.with("key", std::string(key));
  return e;
}

void set_source(NpmConfig& config, std::string key, std::string_view origin) {
  auto it =
      std::lower_bound(config.sources.begin(), config.sources.end(), key,
                       [](const NpmConfigSource& s, const std::string& k) { return s.key < k; });
  if (it != config.sources.end() && it->key == key) {
    it->origin = std::string(origin);
  } else {
    config.sources.insert(it, NpmConfigSource{std::move(key), std::string(origin)});
  }
}

std::string normalize_registry(std::string_view url) {
  std::string out(npm_detail::js_trim(url));
  if (out.empty() || out.back() != '/') out += '/';
  return out;
}

// npm's path type: "~/x" is under HOME, anything relative is resolved
// against the current directory (not the .npmrc's directory).
std::string resolve_path(std::string_view value, const Getenv& getenv) {
  std::string v(value);
  if (v.starts_with("~/")) {
    if (auto home = getenv("HOME"); home && !home->empty())
      return (fs::path(*home) / v.substr(2)).string();
  }
  fs::path p(v);
  if (p.is_relative()) {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) p = cwd / p;
  }
  return p.lexically_normal().string();
}

std::optional<std::string> real_getenv(std::string_view name) {
  const std::string n(name);
  const char* v = std::getenv(n.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Applies one `key=value` of a layer. `locations` collects the keys that
// pick files (only load_npm_config passes it).
Result<void> apply_entry(NpmConfig& config, const IniEntry& entry, std::string_view origin,
                         const Getenv& getenv, Locations* locations) {
  const npm_detail::Replaced key = npm_detail::env_replace(entry.key, getenv);
  const ClassifiedKey ck = classify(key.text);
  if (ck.kind == KeyKind::kIgnored) return {};
  // npm would read `key[]=` as a list, which none of these keys accepts; it
  // warns and drops the value, and so do we (without the warning).
  if (entry.array) return {};
  const npm_detail::Replaced value = npm_detail::env_replace(entry.value, getenv);
  // npm 11 leaves an unset `${VAR}` in place and carries on with the
  // literal text (older npm threw "Failed to replace env in config"). For a
  // key callboard uses, the literal can only fail later in a confusing way
  // (a registry URL with "${" in it, a bearer token "${NPM_TOKEN}"), so it is
  // an error here, naming the file, line and variable.
  if (!key.missing.empty() || !value.missing.empty()) {
    const std::string& name = !key.missing.empty() ? key.missing.front() : value.missing.front();
    Error e = line_error("${" + name + "} is not set in the environment; set it, or write ${" +
                             name + "?} to mean an empty value",
                         origin, entry.line, key.text);
    e.with("variable", name);
    return e;
  }
  const std::string& v = value.text;
  auto need_value = [&]() -> Result<void> {
    if (entry.bare)
      return line_error("`" + key.text + "` needs a value (`" + key.text + "=...`)", origin,
                        entry.line, key.text);
    return {};
  };

  switch (ck.kind) {
    case KeyKind::kRegistry:
    case KeyKind::kScopeRegistry: {
      if (auto r = need_value(); !r) return r;
      std::string url;
      if (!v.empty()) {
        // Not echoed: a misplaced token is a common reason for this.
        if (!npm_detail::is_http_url(v)) {
          return line_error("the value of `" + key.text + "` is not an http:// or https:// URL",
                            origin, entry.line, key.text);
        }
        url = normalize_registry(v);
      }
      if (ck.kind == KeyKind::kRegistry) {
        config.registry = std::move(url);
      } else if (url.empty()) {
        config.scope_registries.erase(ck.prefix);
      } else {
        config.scope_registries.insert_or_assign(ck.prefix, std::move(url));
      }
      break;
    }
    case KeyKind::kCredential: {
      if (auto r = need_value(); !r) return r;
      // Changed on a copy: a bad value must not leave an empty entry behind.
      NpmCredentials c;
      if (auto it = config.credentials.find(ck.prefix); it != config.credentials.end())
        c = it->second;
      switch (ck.field) {
        case CredentialField::kToken: c.token = v; break;
        case CredentialField::kUsername: c.username = v; break;
        case CredentialField::kPassword: {
          auto decoded = npm_detail::base64_decode(v);
          if (!decoded)
            return line_error("`" + key.text + "` is not base64", origin, entry.line, key.text);
          c.password = std::move(*decoded);
          break;
        }
        case CredentialField::kAuth: {
          if (v.empty()) {
            c.username.clear();
            c.password.clear();
            break;
          }
          auto decoded = npm_detail::base64_decode(v);
          const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
          if (colon == std::string::npos) {
            return line_error("`" + key.text + "` is not base64 of \"username:password\"", origin,
                              entry.line, key.text);
          }
          c.username = decoded->substr(0, colon);
          c.password = decoded->substr(colon + 1);
          break;
        }
        case CredentialField::kNone: break;
      }
      if (c == NpmCredentials{}) {
        config.credentials.erase(ck.prefix);
      } else {
        config.credentials.insert_or_assign(ck.prefix, std::move(c));
      }
      break;
    }
    case KeyKind::kHttpsProxy:
    case KeyKind::kProxy:
    case KeyKind::kNoProxy: {
      // npm types these [null, false, url]: "false"/"null" mean "none".
      std::string text = (v == "false" || v == "null" || entry.bare) ? std::string() : v;
      std::string& field = ck.kind == KeyKind::kHttpsProxy ? config.https_proxy
                           : ck.kind == KeyKind::kProxy    ? config.http_proxy
                                                           : config.no_proxy;
      field = std::move(text);
      break;
    }
    case KeyKind::kStrictSsl:
      if (v == "true") {
        config.strict_ssl = true;
      } else if (v == "false") {
        config.strict_ssl = false;
      } else {
        return line_error("`strict-ssl` must be true or false", origin, entry.line, key.text);
      }
      break;
    case KeyKind::kCafile:
      if (auto r = need_value(); !r) return r;
      config.cafile = v.empty() ? std::string() : resolve_path(v, getenv);
      break;
    case KeyKind::kUserAgent:
      if (auto r = need_value(); !r) return r;
      config.user_agent = v;
      break;
    case KeyKind::kUserConfig:
    case KeyKind::kGlobalConfig:
    case KeyKind::kPrefix:
      if (locations != nullptr && !entry.bare && !v.empty()) {
        std::string path = resolve_path(v, getenv);
        if (ck.kind == KeyKind::kUserConfig) locations->userconfig = std::move(path);
        if (ck.kind == KeyKind::kGlobalConfig) locations->globalconfig = std::move(path);
        if (ck.kind == KeyKind::kPrefix) locations->prefix = std::move(path);
      }
      return {};  // not recorded in `sources`: not a registry setting
    case KeyKind::kIgnored: return {};
  }
  set_source(config, key.text, origin);
  return {};
}

Result<void> apply_entries(NpmConfig& config, const std::vector<IniEntry>& entries,
                           std::string_view origin, const Getenv& getenv, Locations* locations) {
  for (const IniEntry& entry : entries) {
    if (auto r = apply_entry(config, entry, origin, getenv, locations); !r) return r;
  }
  return {};
}

Result<std::vector<IniEntry>> parse_npmrc(std::string_view text, std::string_view origin) {
  std::vector<npm_detail::IniProblem> problems;
  std::vector<IniEntry> entries = npm_detail::parse_ini(text, problems);
  if (!problems.empty()) return line_error(problems.front().why, origin, problems.front().line, {});
  return entries;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> npmrc_settings(std::string_view text,
                                                                      std::string_view origin) {
  auto entries = parse_npmrc(text, origin);
  if (!entries) return std::move(entries).error();
  std::vector<std::pair<std::string, std::string>> settings;
  for (IniEntry& e : *entries) {
    if (!e.array) settings.emplace_back(std::move(e.key), std::move(e.value));
  }
  return settings;
}

namespace {

// npm's env layer: every npm_config_* variable (prefix matched in any case),
// the rest of the name lower-cased with '_' turned into '-' except a leading
// one; nerf-darted names ("npm_config_//host/:_authToken") are kept as they
// are. Empty values are skipped, as npm skips them.
std::optional<IniEntry> env_entry(std::string_view name, std::string_view value) {
  constexpr std::string_view kPrefix = "npm_config_";
  if (name.size() <= kPrefix.size() || value.empty()) return std::nullopt;
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    const char c = name[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kPrefix[i]) return std::nullopt;
  }
  std::string key(name.substr(kPrefix.size()));
  if (!key.starts_with("//")) {
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (key[i] == '_' && i != 0) key[i] = '-';
      if (key[i] >= 'A' && key[i] <= 'Z') key[i] = static_cast<char>(key[i] - 'A' + 'a');
    }
  }
  IniEntry entry;
  entry.key = std::move(key);
  entry.value = std::string(npm_detail::js_trim(value));
  return entry;
}

std::vector<IniEntry> env_layer(const NpmConfigOptions& options, const Getenv& getenv) {
  std::vector<IniEntry> entries;
  if (!options.getenv) {
    // The real environment can be listed, which also finds scoped registries
    // and nerf-darted credentials set through the environment.
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      const std::string_view var(*e);
      const std::size_t eq = var.find('=');
      if (eq == std::string_view::npos) continue;
      if (auto entry = env_entry(var.substr(0, eq), var.substr(eq + 1)))
        entries.push_back(std::move(*entry));
    }
    return entries;
  }
  // A lookup function cannot be listed: ask for the keys callboard reads,
  // spelled the two usual ways.
  static constexpr std::string_view kKeys[] = {
      "registry", "https_proxy", "proxy",      "noproxy",      "strict_ssl",
      "cafile",   "user_agent",  "userconfig", "globalconfig", "prefix"};
  for (const std::string_view key : kKeys) {
    std::string upper(key);
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    for (const std::string& name : {"NPM_CONFIG_" + upper, "npm_config_" + std::string(key)}) {
      if (auto v = getenv(name)) {
        if (auto entry = env_entry(name, *v)) {
          entries.push_back(std::move(*entry));
          break;
        }
      }
    }
  }
  return entries;
}

// Reads a config file; nullopt when it does not exist or cannot be read (npm
// ignores those too), an error when it is larger than the bound.
Result<std::optional<std::string>> read_config_file(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<std::string>();
  std::string text;
  char buf[8192];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return make_error(ErrorCode::kResourceExhausted,
                        "npm config file is larger than " + std::to_string(max_bytes) + " bytes")
          .with("file", path.string());
    }
  }
  return std::optional<std::string>(std::move(text));
}

// npm's "localPrefix": the nearest directory upward with a package.json or
// a node_modules folder, else the starting directory. (npm also climbs to a
// workspace root that lists this package; callboard does not read
// workspaces.)
fs::path local_prefix(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return start;
  // "/a/b/" names the same directory as "/a/b"; walk up from the latter.
  if (!dir.has_filename() && dir != dir.root_path()) dir = dir.parent_path();
  for (fs::path p = dir;; p = p.parent_path()) {
    if (fs::is_regular_file(p / "package.json", ec) || fs::is_directory(p / "node_modules", ec))
      return p;
    if (p == p.parent_path() || p.empty()) break;
  }
  return dir;
}

// The prefix npm derives from its node binary (/usr/bin/node -> /usr),
// found through PATH.
std::optional<fs::path> node_prefix(const Getenv& getenv) {
  const auto path = getenv("PATH");
  if (!path) return std::nullopt;
  std::string_view rest(*path);
  while (true) {
    const std::size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::error_code ec;
    const fs::path candidate = fs::path(dir) / "node";
    if (fs::is_regular_file(candidate, ec)) {
      const fs::path real = fs::canonical(candidate, ec);
      if (!ec) return real.parent_path().parent_path();
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

struct Layer {
  std::string origin;
  std::vector<IniEntry> entries;
};

// Reads and parses one file layer; an empty layer when the file is absent.
Result<Layer> file_layer(const fs::path& path, const NpmConfigOptions& options) {
  Layer layer;
  layer.origin = path.string();
  auto text = read_config_file(path, options.max_file_bytes);
  if (!text) return std::move(text).error();
  if (!*text) return layer;
  auto entries = parse_npmrc(**text, layer.origin);
  if (!entries) return std::move(entries).error();
  layer.entries = std::move(*entries);
  return layer;
}

// The location keys of one layer (userconfig, globalconfig, prefix).
Result<Locations> layer_locations(const Layer& layer, const Getenv& getenv) {
  NpmConfig scratch;
  Locations loc;
  if (auto r = apply_entries(scratch, layer.entries, layer.origin, getenv, &loc); !r)
    return std::move(r).error();
  return loc;
}

Result<NpmConfig> load_impl(const NpmConfigOptions& options) {
  const Getenv getenv = options.getenv ? options.getenv : Getenv(real_getenv);

  Layer env;
  env.origin = std::string(kEnvOrigin);
  env.entries = env_layer(options, getenv);
  auto env_loc = layer_locations(env, getenv);
  if (!env_loc) return std::move(env_loc).error();

  std::optional<fs::path> default_user;
  if (auto home = getenv("HOME"); home && !home->empty()) default_user = fs::path(*home) / ".npmrc";

  // The project file is skipped when it is the user file (a home directory
  // that has a node_modules folder), as npm does.
  const fs::path project_file = local_prefix(options.project_dir) / ".npmrc";
  const std::optional<fs::path> user_before =
      env_loc->userconfig ? std::optional<fs::path>(fs::path(*env_loc->userconfig)) : default_user;
  Layer project;
  if (!user_before || user_before->lexically_normal() != project_file.lexically_normal()) {
    auto layer = file_layer(project_file, options);
    if (!layer) return std::move(layer).error();
    project = std::move(*layer);
  }
  auto project_loc = layer_locations(project, getenv);
  if (!project_loc) return std::move(project_loc).error();

  std::optional<fs::path> user_file = default_user;
  if (project_loc->userconfig) user_file = fs::path(*project_loc->userconfig);
  if (env_loc->userconfig) user_file = fs::path(*env_loc->userconfig);
  Layer user;
  if (user_file) {
    auto layer = file_layer(*user_file, options);
    if (!layer) return std::move(layer).error();
    user = std::move(*layer);
  }
  auto user_loc = layer_locations(user, getenv);
  if (!user_loc) return std::move(user_loc).error();

  // globalconfig defaults to $prefix/etc/npmrc, prefix to $PREFIX or the
  // node binary's grandparent; the nearest layer that sets either wins.
  std::optional<fs::path> global_file;
  for (const Locations* loc : {&*user_loc, &*project_loc, &*env_loc}) {
    if (loc->globalconfig) global_file = fs::path(*loc->globalconfig);
  }
  if (!global_file) {
    std::optional<fs::path> prefix;
    if (auto p = getenv("PREFIX"); p && !p->empty()) {
      prefix = fs::path(*p);
    } else if (auto n = node_prefix(getenv)) {
      prefix = *n;
      if (auto destdir = getenv("DESTDIR"); destdir && !destdir->empty()) {
        prefix = fs::path(*destdir) / prefix->relative_path();
      }
    }
    for (const Locations* loc : {&*user_loc, &*project_loc, &*env_loc}) {
      if (loc->prefix) prefix = fs::path(*loc->prefix);
    }
    if (prefix) global_file = *prefix / "etc" / "npmrc";
  }
  Layer global;
  if (global_file) {
    auto layer = file_layer(*global_file, options);
    if (!layer) return std::move(layer).error();
    global = std::move(*layer);
  }

  NpmConfig config;
  for (const Layer* layer : {&global, &user, &project, &env}) {
    if (auto r = apply_entries(config, layer->entries, layer->origin, getenv, nullptr); !r) {
      return std::move(r).error();
    }
  }
  if (config.registry.empty() && options.ask_npm) {
    if (auto answer = npm_detail::ask_npm_registry(); answer && npm_detail::is_http_url(*answer)) {
      config.registry = normalize_registry(*answer);
      set_source(config, "registry", "npm");
    }
  }
  return config;
}

}  // namespace

std::string nerf_dart(std::string_view url) {
  const auto parts = npm_detail::split_url(url);
  if (!parts) return {};
  const std::size_t slash = parts->path.rfind('/');
  return "//" + parts->host_port() + parts->path.substr(0, slash + 1);
}

std::string NpmConfig::registry_for(std::string_view package_name) const {
  if (package_name.starts_with('@')) {
    const std::size_t slash = package_name.find('/');
    if (slash != std::string_view::npos) {
      if (auto it = scope_registries.find(package_name.substr(0, slash));
          it != scope_registries.end()) {
        return it->second;
      }
    }
  }
  return registry;
}

std::string NpmConfig::packument_url(std::string_view package_name) const {
  std::string url = registry_for(package_name);
  if (url.empty()) return url;
  for (const char c : package_name) {
    if (c == '/') {
      url += "%2f";
    } else {
      url += c;
    }
  }
  return url;
}

namespace {

std::optional<std::string> header_for(const NpmCredentials& c) {
  if (!c.token.empty()) return "Bearer " + c.token;
  if (!c.username.empty() && !c.password.empty()) {
    return "Basic " + npm_detail::base64_encode(c.username + ":" + c.password);
  }
  return std::nullopt;
}

// npm-registry-fetch's regFromURI: "//host[:port]/a/b/c" is tried, then with
// the last segment or the trailing slash removed, down to "//host".
std::optional<std::string> match_credentials(const NpmConfig& config,
                                             const npm_detail::UrlParts& parts) {
  std::string key = "//" + parts.host_port() + parts.path;
  while (key.size() > 2) {
    if (auto it = config.credentials.find(key); it != config.credentials.end()) {
      if (auto header = header_for(it->second)) return header;
    }
    if (key.back() == '/') {
      key.pop_back();
    } else {
      key.erase(key.rfind('/') + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NpmConfig::authorization_for(std::string_view url) const {
  const auto parts = npm_detail::split_url(url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) return std::nullopt;
  if (auto header = match_credentials(*this, *parts)) return header;
  // npm's fallback: a URL on the registry's host but outside its path (a
  // tarball served from another path) gets the registry's credentials.
  auto same_host_registry = [&](const std::string& reg) -> std::optional<std::string> {
    if (reg.empty()) return std::nullopt;
    const auto rp = npm_detail::split_url(reg);
    if (!rp || rp->host_port() != parts->host_port()) return std::nullopt;
    return match_credentials(*this, *rp);
  };
  if (auto header = same_host_registry(registry)) return header;
  for (const auto& [scope, reg] : scope_registries) {
    if (auto header = same_host_registry(reg)) return header;
  }
  return std::nullopt;
}

std::string NpmConfig::to_string() const {
  auto origin_of = [&](std::string_view key) -> std::string {
    for (const auto& s : sources) {
      if (s.key == key) return " (" + s.origin + ")";
    }
    return {};
  };
  std::string out;
  out += "registry = " +
         (registry.empty() ? std::string("(none)") : npm_detail::redact_userinfo(registry)) +
         origin_of("registry") + "\n";
  for (const auto& [scope, url] : scope_registries) {
    out += scope + ":registry = " + npm_detail::redact_userinfo(url) +
           origin_of(scope + ":registry") + "\n";
  }
  for (const auto& [prefix, c] : credentials) {
    // Which kind, and where the deciding key came from; never the secret.
    if (!c.token.empty()) {
      out += prefix + " = token" + origin_of(prefix + ":_authToken") + "\n";
    } else if (!c.username.empty() && !c.password.empty()) {
      std::string from = origin_of(prefix + ":_auth");
      if (from.empty()) from = origin_of(prefix + ":username");
      out += prefix + " = basic" + from + "\n";
    } else {
      out += prefix + " = incomplete (no token, or username without password)\n";
    }
  }
  if (!https_proxy.empty())
    out += "https-proxy = " + npm_detail::redact_userinfo(https_proxy) + "\n";
  if (!http_proxy.empty()) out += "proxy = " + npm_detail::redact_userinfo(http_proxy) + "\n";
  if (!no_proxy.empty()) out += "noproxy = " + no_proxy + "\n";
  out += std::string("strict-ssl = ") + (strict_ssl ? "true" : "false") + "\n";
  if (!cafile.empty()) out += "cafile = " + cafile + "\n";
  if (!user_agent.empty()) out += "user-agent = " + user_agent + "\n";
  return out;
}

Result<void> apply_npmrc(
    NpmConfig& config, std::string_view text, std::string_view origin,
    const std::function<std::optional<std::string>(std::string_view)>& getenv) {
  try {
    const Getenv lookup = getenv ? getenv : Getenv(real_getenv);
    auto entries = parse_npmrc(text, origin);
    if (!entries) return std::move(entries).error();
    return apply_entries(config, *entries, origin, lookup, nullptr);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("reading npm config failed: ") + e.what())
        .with("file", std::string(origin));
  }
}

Result<NpmConfig> load_npm_config(const NpmConfigOptions& options) {
  try {
    return load_impl(options);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("reading npm config failed: ") + e.what());
  }
}

}  // namespace callboard
