// `callboard verify` and `callboard changelog`: a package's tarball from the
// configured npm registry, verified against the registry's integrity,
// extracted safely, and what it says about itself.
//
// The registry and its credentials come from the user's npm configuration
// (NPM_CONFIG_REGISTRY, .npmrc files) exactly as npm reads them. Tarballs are
// kept in a content-addressed cache (--cache DIR, else $CALLBOARD_CACHE_DIR,
// else $XDG_CACHE_HOME/callboard/artifacts, else ~/.cache/callboard/artifacts).
// `verify` stores what the verified tarball holds (ArtifactRecord) in the
// database (--db, CALLBOARD_DB, sqlite:callboard.db; --no-store skips it).

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/artifact.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/semver.hpp"
#include "callboard/version.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli/json_writer.hpp"

namespace callboard::cli {
namespace {

namespace fs = std::filesystem;

/// Packuments of the largest packages reach tens of MiB; the abbreviated
/// form asked for here is far smaller.
constexpr std::size_t kMaxPackumentBytes = 64u << 20;

struct Args {
  std::vector<std::string> positional;
  std::optional<std::string> cache;
  std::optional<std::string> keep;
  std::optional<std::string> db;
  bool no_store = false;
  bool no_cache = false;
  bool prereleases = false;
  bool help = false;
  std::string error;
};

Args parse(std::span<const std::string> raw, bool verify) {
  Args a;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::string& arg = raw[i];
    auto value = [&](std::optional<std::string>& into) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        into = arg.substr(eq + 1);
      } else if (i + 1 < raw.size()) {
        into = raw[++i];
      } else {
        a.error = "option " + arg + " needs a value";
      }
    };
    if (arg == "-h" || arg == "--help") {
      a.help = true;
    } else if (arg == "--cache" || arg.starts_with("--cache=")) {
      value(a.cache);
    } else if (verify && (arg == "--keep" || arg.starts_with("--keep="))) {
      value(a.keep);
    } else if (verify && (arg == "--db" || arg.starts_with("--db="))) {
      value(a.db);
    } else if (verify && arg == "--no-store") {
      a.no_store = true;
    } else if (arg == "--no-cache") {
      a.no_cache = true;
    } else if (!verify && arg == "--prereleases") {
      a.prereleases = true;
    } else if (arg.size() > 1 && arg.front() == '-') {
      a.error = "unknown option '" + arg + "'";
    } else {
      a.positional.push_back(arg);
    }
    if (!a.error.empty()) break;
  }
  return a;
}

fs::path default_cache_dir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if (auto dir = env("CALLBOARD_CACHE_DIR"); !dir.empty()) return dir;
  if (auto xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return fs::path(xdg) / "callboard" / "artifacts";
  if (auto home = env("HOME"); !home.empty()) return fs::path(home) / ".cache" / "callboard" / "artifacts";
  return fs::temp_directory_path() / "callboard-artifacts";
}

/// "@scope/name@1.2.3" -> {"@scope/name", "1.2.3"}; no version -> "latest".
std::pair<std::string, std::string> split_spec(std::string_view spec) {
  const auto at = spec.rfind('@');
  if (at == std::string_view::npos || at == 0) return {std::string(spec), "latest"};
  return {std::string(spec.substr(0, at)), std::string(spec.substr(at + 1))};
}

struct Session {
  NpmConfig npm;
  std::unique_ptr<backend::Transport> transport;
  std::optional<ArtifactCache> cache;
};

Result<Session> open_session(const Args& args) {
  Session s;
  auto npm = load_npm_config();
  if (!npm) return std::move(npm).error();
  s.npm = std::move(*npm);
  backend::TransportOptions options;
  options.user_agent = !s.npm.user_agent.empty() ? s.npm.user_agent : "callboard/" + std::string(callboard::version());
  options.verify_tls = s.npm.strict_ssl;
  options.ca_file = s.npm.cafile;
  options.proxy = !s.npm.https_proxy.empty() ? s.npm.https_proxy : s.npm.http_proxy;
  options.no_proxy = s.npm.no_proxy;
  auto transport = backend::make_curl_transport(options);
  if (!transport) return std::move(transport).error();
  s.transport = std::move(*transport);
  if (!args.no_cache) {
    auto cache = ArtifactCache::open(args.cache ? fs::path(*args.cache) : default_cache_dir());
    if (!cache) return std::move(cache).error();
    s.cache = std::move(*cache);
  }
  return s;
}

/// The registry's manifest for name@version (a version or a dist-tag).
Result<Manifest> fetch_manifest(Session& s, const std::string& name, const std::string& wanted) {
  const std::string url = s.npm.packument_url(name);
  if (url.empty()) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "no npm registry is configured (set NPM_CONFIG_REGISTRY or a registry= line in .npmrc)");
  }
  backend::HttpRequest request;
  request.url = url;
  request.max_response_bytes = kMaxPackumentBytes;
  request.headers.emplace_back("Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8");
  if (auto auth = s.npm.authorization_for(url)) request.headers.emplace_back("Authorization", std::move(*auth));
  auto response = s.transport->fetch(std::move(request));
  if (!response) return std::move(response).error();
  if (response->status == 404) {
    return make_error(ErrorCode::kNotFound, "the registry has no package '" + name + "'").with("package", name);
  }
  if (response->status == 401 || response->status == 403) {
    return make_error(ErrorCode::kPermissionDenied,
                      "the registry refused access to '" + name + "' (HTTP " + std::to_string(response->status) +
                          "): check the auth token for its registry in .npmrc")
        .with("package", name);
  }
  if (response->status != 200) {
    return make_error(ErrorCode::kUnavailable, "the registry answered HTTP " + std::to_string(response->status), true)
        .with("package", name);
  }
  auto packument = parse_packument(response->body);
  if (!packument) return std::move(packument).error().with("package", name);
  std::string version = wanted;
  if (auto tag = packument->dist_tags.find(wanted); tag != packument->dist_tags.end()) version = tag->second;
  const Manifest* m = packument->find(version);
  if (m == nullptr) {
    return make_error(ErrorCode::kNotFound, "'" + name + "' has no version or dist-tag '" + wanted + "'")
        .with("package", name)
        .with("version", wanted);
  }
  return *m;
}

struct Finding {
  std::string id;
  std::string severity;  // "error", "warning", "info"
  std::string message;
};

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::vector<Finding> findings_for(const Manifest& registry, const PackageContents& c, const FetchedTarball& t) {
  std::vector<Finding> out;
  const Manifest& packed = c.manifest;
  if (packed.name != registry.name) {
    out.push_back({"tarball-name-mismatch", "error",
                   "the tarball's package.json is named '" + packed.name + "', the registry says '" + registry.name +
                       "'"});
  }
  if (packed.version != registry.version) {
    out.push_back({"tarball-version-mismatch", "error",
                   "the tarball's package.json has version '" + packed.version + "', the registry says '" +
                       registry.version + "'"});
  }
  // "Manifest confusion": npm installs what the tarball says, while tools
  // reading the registry see the packument's copy.
  auto compare = [&](const DependencyMap& a, const DependencyMap& b, const char* field) {
    if (a != b) {
      out.push_back({"manifest-confusion", "warning",
                     std::string(field) +
                         " differ between the registry's manifest and the tarball's package.json (npm installs "
                         "what the tarball says)"});
    }
  };
  compare(registry.dependencies, packed.dependencies, "dependencies");
  compare(registry.peer_dependencies, packed.peer_dependencies, "peerDependencies");
  if (t.verified.algorithm == HashAlgorithm::kSha1) {
    out.push_back({"integrity-sha1-only", "warning",
                   "the registry gives only a sha1 checksum for this version; sha1 is no longer collision-resistant"});
  }
  const PluginSystem metadata = classify_plugin_systems(packed).backend;
  const PluginSystem code = backend_system_from_code(c);
  if (code != PluginSystem::kNotApplicable && metadata != code) {
    // The same finding, id and severity as the scanner's (src/compat/checks.cpp).
    const bool legacy_differs = (metadata == PluginSystem::kLegacy) != (code == PluginSystem::kLegacy);
    out.push_back({"backend-system-code-mismatch", legacy_differs ? "warning" : "info",
                   (metadata == PluginSystem::kNotApplicable
                        ? std::string("package.json shows no backend plugin system")
                        : "package.json suggests the " + std::string(to_string(metadata)) + " backend system") +
                       ", the built code shows " + std::string(to_string(code)) +
                       "; `callboard scan` follows the code"});
  }
  if (!c.config_schema && c.has_config_d_ts) {
    out.push_back({"config-schema-typescript", "info",
                   "the configuration schema is TypeScript only (config.d.ts): forms cannot be generated from it"});
  } else if (!c.config_schema) {
    out.push_back({"config-schema-absent", "info", "the package declares no configuration schema"});
  }
  if (c.has_dist_dynamic) {
    out.push_back({"dist-dynamic", "info", "ships a dist-dynamic/ export for dynamic plugin loading (RHDH)"});
  }
  for (const std::string& skipped : c.report.skipped) {
    out.push_back({"entry-skipped", "info", "skipped as npm would: " + skipped});
  }
  if (c.changelog_truncated) out.push_back({"changelog-truncated", "info", "CHANGELOG.md was cut at 8 MiB"});
  return out;
}

std::string system_name(PluginSystem s) { return std::string(to_string(s)); }

}  // namespace

void print_verify_help(std::ostream& out) {
  out << "Usage: callboard verify <package>[@<version>|@<dist-tag>] [--cache DIR | --no-cache] [--keep DIR]\n"
         "                        [--db URL | --no-store]\n"
         "\n"
         "Downloads the package's tarball from the configured npm registry (with the\n"
         "credentials npm would send), verifies it against the registry's integrity\n"
         "(sha512, or the sha1 shasum of old packages) while it streams in, extracts it\n"
         "safely into a temporary folder (or DIR with --keep), and lists what it read:\n"
         "package.json, the configuration schema, dist-dynamic/, the entry points'\n"
         "exports, the backend system the code shows, and findings.\n"
         "\n"
         "A tarball that does not match its integrity is never extracted or cached\n"
         "(exit code 3). Verified tarballs are cached by integrity in --cache DIR, else\n"
         "$CALLBOARD_CACHE_DIR, else $XDG_CACHE_HOME/callboard/artifacts.\n"
         "\n"
         "What the tarball holds (integrity, configuration schema, dist-dynamic/, entry\n"
         "points, the backend system its code shows) is stored in the database, where\n"
         "'callboard scan' and 'matrix' use the code's backend system over package.json's.\n"
         "Nothing is stored when a finding is an error (the tarball is not what the registry\n"
         "says it is), and without --db or CALLBOARD_DB only an existing ./callboard.db is\n"
         "written (verify never creates a database on its own).\n"
         "\n"
         "Options:\n"
         "  --db URL      storage (default: $CALLBOARD_DB or sqlite:callboard.db)\n"
         "  --no-store    do not write to the database\n"
         "  --cache DIR   the tarball cache; --no-cache downloads and keeps nothing\n"
         "  --keep DIR    extract into DIR (empty or absent) and leave it there\n";
}

void print_changelog_help(std::ostream& out) {
  out << "Usage: callboard changelog <package> <from> <to> [--prereleases] [--cache DIR | --no-cache]\n"
         "\n"
         "Reads CHANGELOG.md from the verified tarball of <package>@<to> and prints the\n"
         "entries of the versions after <from> up to <to>, newest first, flagging\n"
         "breaking changes (### Major Changes, **BREAKING**, and minor releases of 0.x\n"
         "packages).\n";
}

int run_verify(Context& ctx, std::span<const std::string> raw) {
  const Args args = parse(raw, true);
  if (args.help) {
    print_verify_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "verify", args.error);
  if (args.positional.size() != 1) return usage_error(ctx, "verify", "expected one <package>@<version>");
  const auto [name, wanted] = split_spec(args.positional[0]);

  // The database first: a bad --db fails before anything is downloaded.
  // Without --db or CALLBOARD_DB, only a ./callboard.db that already exists
  // is written: verifying a tarball must not leave a new database behind in
  // whatever folder it ran in.
  std::unique_ptr<backend::Storage> storage;
  const bool db_named = args.db.has_value() || [] {
    const char* env = std::getenv("CALLBOARD_DB");
    return env != nullptr && *env != '\0';
  }();
  std::error_code exists_ec;
  const bool default_db_exists = fs::exists(fs::path(kDefaultDbFile), exists_ec);
  const bool store = !args.no_store && (db_named || default_db_exists);
  if (store) {
    auto opened = backend::open_storage(db_url(args.db));
    if (!opened) return report_error(ctx, opened.error());
    storage = std::move(*opened);
  }
  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto manifest = fetch_manifest(*session, name, wanted);
  if (!manifest) return report_error(ctx, manifest.error());
  FetchOptions options;
  options.cache = session->cache ? &*session->cache : nullptr;
  auto tarball = fetch_package_tarball(*session->transport, session->npm, *manifest, options);
  if (!tarball) return report_error(ctx, tarball.error());

  // Extract for real (the proof that it is safe to), then read it.
  fs::path dest;
  bool temporary = false;
  if (args.keep) {
    dest = *args.keep;
  } else {
    std::string tmpl = (fs::temp_directory_path() / "callboard-verify-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return report_failure(ctx, ExitCode::kUnavailable, "unavailable", "cannot create a temporary folder");
    }
    dest = tmpl;
    temporary = true;
  }
  auto extracted = extract_tarball(tarball->bytes, dest);
  if (temporary) {
    std::error_code ec;
    fs::remove_all(dest, ec);
  }
  if (!extracted) return report_error(ctx, extracted.error());
  auto contents = read_package_contents(tarball->bytes);
  if (!contents) return report_error(ctx, contents.error());
  const auto findings = findings_for(*manifest, *contents, *tarball);
  const PluginSystem code_system = backend_system_from_code(*contents);
  const PluginSystems meta = classify_plugin_systems(contents->manifest);
  const bool errors = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "error"; });

  // Store what the verified tarball holds, unless it is not what the
  // registry says it is (then it would be filed under the wrong name).
  bool stored = false;
  if (storage && !errors) {
    const Timestamp now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto record = artifact_record(*contents, tarball->verified, now);
    if (!record) return report_error(ctx, record.error());
    auto txn = storage->begin();
    if (!txn) return report_error(ctx, txn.error());
    if (auto r = (*txn)->put_artifact(*record); !r) return report_error(ctx, r.error());
    if (auto r = (*txn)->commit(); !r) return report_error(ctx, r.error());
    stored = true;
  }

  if (ctx.json) {
    std::string doc = "{\"package\":" + json_string(manifest->name) + ",\"version\":" +
                      json_string(manifest->version) + ",\"tarball\":" + json_string(tarball->url) +
                      ",\"integrity\":" +
                      json_string(std::string(to_string(tarball->verified.algorithm)) + "-" +
                                  tarball->verified.digest) +
                      ",\"verified\":true,\"stored\":" + (stored ? "true" : "false") +
                      ",\"fromCache\":" + (tarball->from_cache ? "true" : "false") +
                      ",\"bytes\":" + std::to_string(tarball->bytes.size()) +
                      ",\"unpackedBytes\":" + std::to_string(extracted->unpacked_bytes) +
                      ",\"entries\":" + std::to_string(extracted->entries.size()) +
                      ",\"extractedTo\":" + (args.keep ? json_string(dest.string()) : "null") +
                      ",\"configSchema\":" +
                      (contents->config_schema ? json_string(contents->config_schema_path) : "null") +
                      ",\"configSchemaRef\":" + json_string(contents->config_schema_ref) +
                      ",\"hasConfigDts\":" + (contents->has_config_d_ts ? "true" : "false") +
                      ",\"distDynamic\":" + (contents->has_dist_dynamic ? "true" : "false") +
                      ",\"changelog\":" + (contents->changelog ? "true" : "false") +
                      ",\"backendSystem\":{\"metadata\":" + json_string(system_name(meta.backend)) +
                      ",\"code\":" + json_string(system_name(code_system)) + "}" +
                      ",\"frontendSystem\":" + json_string(system_name(meta.frontend)) + ",\"entryPoints\":[";
    for (std::size_t i = 0; i < contents->entry_points.size(); ++i) {
      const EntryPoint& ep = contents->entry_points[i];
      if (i > 0) doc += ',';
      doc += "{\"subpath\":" + json_string(ep.subpath) + ",\"file\":" + json_string(ep.file) +
             ",\"present\":" + (ep.present ? "true" : "false") +
             ",\"defaultExport\":" + (ep.default_export ? "true" : "false") + ",\"namedExports\":[";
      for (std::size_t j = 0; j < ep.named_exports.size(); ++j) {
        if (j > 0) doc += ',';
        doc += json_string(ep.named_exports[j]);
      }
      doc += "]}";
    }
    const CodeMarkers& m = contents->markers;
    doc += std::string("],\"markers\":{\"createBackendPlugin\":") + (m.create_backend_plugin ? "true" : "false") +
           ",\"createBackendModule\":" + (m.create_backend_module ? "true" : "false") +
           ",\"createRouter\":" + (m.create_router ? "true" : "false") +
           ",\"dynamicPluginInstaller\":" + (m.dynamic_plugin_installer ? "true" : "false") +
           ",\"createFrontendPlugin\":" + (m.create_frontend_plugin ? "true" : "false") +
           ",\"createPlugin\":" + (m.create_plugin ? "true" : "false") + "},\"findings\":[";
    for (std::size_t i = 0; i < findings.size(); ++i) {
      if (i > 0) doc += ',';
      doc += "{\"id\":" + json_string(findings[i].id) + ",\"severity\":" + json_string(findings[i].severity) +
             ",\"message\":" + json_string(findings[i].message) + "}";
    }
    doc += "]}\n";
    ctx.out << doc;
  } else {
    auto& o = ctx.out;
    o << manifest->name << '@' << manifest->version << ": verified "
      << to_string(tarball->verified.algorithm) << '-' << tarball->verified.digest.substr(0, 16) << "..."
      << (tarball->from_cache ? " (from cache)" : "") << '\n';
    o << "  tarball       " << tarball->url << " (" << tarball->bytes.size() << " bytes)\n";
    o << "  extracted     " << extracted->entries.size() << " entries, " << extracted->unpacked_bytes
      << " bytes unpacked" << (args.keep ? " into " + dest.string() : " (temporary folder, removed)") << '\n';
    o << "  config schema "
      << (contents->config_schema ? contents->config_schema_path
                                  : contents->config_schema_ref.empty() ? std::string("none")
                                                                        : contents->config_schema_ref + " (not JSON)")
      << '\n';
    o << "  dist-dynamic  " << (contents->has_dist_dynamic ? "yes" : "no") << '\n';
    o << "  backend       metadata: " << to_string(meta.backend) << ", code: " << to_string(code_system) << '\n';
    o << "  frontend      metadata: " << to_string(meta.frontend) << '\n';
    for (const EntryPoint& ep : contents->entry_points) {
      o << "  entry " << ep.subpath << "  " << (ep.file.empty() ? "(no JavaScript file)" : ep.file)
        << (ep.present ? "" : " (missing)") << (ep.default_export ? ", default export" : "");
      if (!ep.named_exports.empty()) {
        std::vector<std::string> shown(ep.named_exports.begin(),
                                       ep.named_exports.begin() +
                                           static_cast<std::ptrdiff_t>(std::min<std::size_t>(8, ep.named_exports.size())));
        o << ", exports " << join(shown, ", ") << (ep.named_exports.size() > 8 ? ", ..." : "");
      }
      o << '\n';
    }
    o << "  changelog     " << (contents->changelog ? "CHANGELOG.md" : "none") << '\n';
    o << "  stored        "
      << (stored          ? "yes"
          : storage       ? "no (a finding is an error)"
          : args.no_store ? "no (--no-store)"
                          : "no (no ./callboard.db here; --db names one)")
      << '\n';
    for (const Finding& f : findings) o << "  " << f.severity << ": [" << f.id << "] " << f.message << '\n';
  }
  return static_cast<int>(errors ? ExitCode::kInvalidInput : ExitCode::kOk);
}

int run_changelog(Context& ctx, std::span<const std::string> raw) {
  const Args args = parse(raw, false);
  if (args.help) {
    print_changelog_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "changelog", args.error);
  if (args.positional.size() != 3) return usage_error(ctx, "changelog", "expected <package> <from> <to>");
  const std::string& name = args.positional[0];
  const std::string& from = args.positional[1];
  const std::string& to = args.positional[2];
  if (!semver::Version::parse(from) || !semver::Version::parse(to)) {
    return usage_error(ctx, "changelog", "<from> and <to> must be versions");
  }
  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto manifest = fetch_manifest(*session, name, to);
  if (!manifest) return report_error(ctx, manifest.error());
  FetchOptions options;
  options.cache = session->cache ? &*session->cache : nullptr;
  auto tarball = fetch_package_tarball(*session->transport, session->npm, *manifest, options);
  if (!tarball) return report_error(ctx, tarball.error());
  auto contents = read_package_contents(tarball->bytes);
  if (!contents) return report_error(ctx, contents.error());
  if (!contents->changelog) {
    return report_failure(ctx, ExitCode::kNotFound, "not_found",
                          name + "@" + to + " ships no CHANGELOG.md");
  }
  auto log = parse_changelog(*contents->changelog);
  if (!log) return report_error(ctx, log.error());
  auto entries = changelog_between(*log, from, to, args.prereleases);
  if (!entries) return report_error(ctx, entries.error());

  if (ctx.json) {
    std::string doc = "{\"package\":" + json_string(name) + ",\"from\":" + json_string(from) +
                      ",\"to\":" + json_string(to) + ",\"entries\":[";
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const ChangelogEntry& e = (*entries)[i];
      if (i > 0) doc += ',';
      doc += "{\"version\":" + json_string(e.version) + ",\"breaking\":" + (e.breaking ? "true" : "false") +
             ",\"semverMajor\":" + (e.semver_major ? "true" : "false") + ",\"items\":[";
      for (std::size_t j = 0; j < e.items.size(); ++j) {
        if (j > 0) doc += ',';
        doc += "{\"section\":" + json_string(e.items[j].section) + ",\"breaking\":" +
               (e.items[j].breaking ? "true" : "false") + ",\"text\":" + json_string(e.items[j].text) + "}";
      }
      doc += "]}";
    }
    doc += "]}\n";
    ctx.out << doc;
    return 0;
  }
  std::size_t marked = 0;
  std::size_t by_semver = 0;
  for (const ChangelogEntry& e : *entries) {
    marked += e.breaking ? 1 : 0;
    by_semver += !e.breaking && e.semver_major ? 1 : 0;
  }
  ctx.out << name << ' ' << from << " -> " << to << ": " << entries->size() << " release(s), " << marked
          << " marked breaking, " << by_semver << " more are 0.x minor releases (breaking by semver)\n";
  for (const ChangelogEntry& e : *entries) {
    ctx.out << "\n## " << e.version << (e.breaking ? "  [BREAKING]" : e.semver_major ? "  [major by semver]" : "")
            << '\n';
    std::string section;
    for (const ChangelogItem& item : e.items) {
      if (item.section != section) {
        section = item.section;
        ctx.out << "### " << section << '\n';
      }
      std::string text = item.text;
      for (std::size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 3)) text.insert(p + 1, "  ");
      ctx.out << (item.breaking ? "! " : "- ") << text << '\n';
    }
  }
  return 0;
}

}  // namespace callboard::cli
