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

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/artifact.hpp"
#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/semver.hpp"
#include "callboard/session.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"

namespace callboard::cli {
namespace {

namespace fs = std::filesystem;

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

/// "@scope/name@1.2.3" -> {"@scope/name", "1.2.3"}; no version -> "latest".
std::pair<std::string, std::string> split_spec(std::string_view spec) {
  const auto at = spec.rfind('@');
  if (at == std::string_view::npos || at == 0) return {std::string(spec), "latest"};
  return {std::string(spec.substr(0, at)), std::string(spec.substr(at + 1))};
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

/// A Session over the --db storage (or CALLBOARD_DB, or ./callboard.db)
/// with the --cache folder, or none with --no-cache.
Result<Session> open_artifact_session(const Args& args) {
  SessionOptions options;
  options.storage = db_url(args.db);
  if (args.no_cache) {
    options.artifact_cache = fs::path();
  } else if (args.cache) {
    options.artifact_cache = fs::path(*args.cache);
  }
  return Session::open(std::move(options));
}

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
         "(exit code 8). Verified tarballs are cached by integrity in --cache DIR, else\n"
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
  VerifyRequest request;
  request.package = name;
  request.version = wanted;
  if (args.keep) request.keep = *args.keep;
  // Without --db or CALLBOARD_DB, only a ./callboard.db that already exists
  // is written: verifying a tarball must not leave a new database behind in
  // whatever folder it ran in.
  const bool db_named = args.db.has_value() || [] {
    const char* env = std::getenv("CALLBOARD_DB");
    return env != nullptr && *env != '\0';
  }();
  request.store = args.no_store ? VerifyStore::kNever : db_named ? VerifyStore::kAlways : VerifyStore::kIfExists;
  auto session = open_artifact_session(args);
  if (!session) return report_error(ctx, session.error());
  auto verified = session->verify(request);
  if (!verified) return report_error(ctx, verified.error());
  const VerifyReport& r = *verified;
  const bool errors = r.has_errors();
  if (ctx.json) {
    ctx.out << codec::encode(r) << '\n';
  } else {
    auto& o = ctx.out;
    o << r.package << '@' << r.version << ": verified " << to_string(r.verified.algorithm) << '-'
      << r.verified.digest.substr(0, 16) << "..." << (r.from_cache ? " (from cache)" : "") << '\n';
    o << "  tarball       " << r.tarball << " (" << r.bytes << " bytes)\n";
    o << "  extracted     " << r.entries << " entries, " << r.unpacked_bytes << " bytes unpacked"
      << (!r.extracted_to.empty() ? " into " + r.extracted_to.string() : " (temporary folder, removed)") << '\n';
    o << "  config schema "
      << (!r.config_schema.empty()       ? r.config_schema
          : r.config_schema_ref.empty() ? std::string("none")
                                        : r.config_schema_ref + " (not JSON)")
      << '\n';
    o << "  dist-dynamic  " << (r.dist_dynamic ? "yes" : "no") << '\n';
    o << "  backend       metadata: " << to_string(r.backend_system_metadata)
      << ", code: " << to_string(r.backend_system_code) << '\n';
    o << "  frontend      metadata: " << to_string(r.frontend_system) << '\n';
    for (const EntryPoint& ep : r.entry_points) {
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
    o << "  changelog     " << (r.changelog ? "CHANGELOG.md" : "none") << '\n';
    o << "  stored        "
      << (r.stored                                      ? std::string("yes")
          : r.not_stored_reason == "no storage exists" ? std::string("no (no ./callboard.db here; --db names one)")
          : args.no_store                               ? std::string("no (--no-store)")
                                                        : "no (" + r.not_stored_reason + ")")
      << '\n';
    for (const compat::Finding& f : r.findings) {
      o << "  " << compat::to_string(f.severity) << ": [" << f.id << "] " << f.message << '\n';
    }
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
  auto session = open_artifact_session(args);
  if (!session) return report_error(ctx, session.error());
  auto report = session->changelog(ChangelogRequest{name, from, to, args.prereleases});
  if (!report) return report_error(ctx, report.error());
  const std::vector<ChangelogEntry>* entries = &report->entries;
  if (ctx.json) {
    ctx.out << codec::encode(*report) << '\n';
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
