// `callboard scan` and `callboard matrix`: the compatibility scanner from the
// command line.
//
// Release manifests come from the database (`callboard index` stores the
// seed copy), or from a folder with --releases. Packages come from the
// database, or from a package.json file or folder given as a path.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/compat.hpp"
#include "callboard/registry.hpp"
#include "callboard/semver.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli/json_writer.hpp"

namespace callboard::cli {
namespace {

constexpr std::size_t kMaxPackageJsonBytes = 4u << 20;

using compat::Tier;

Result<std::string> read_file(const std::filesystem::path& path, std::size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(ErrorCode::kNotFound, "cannot read " + path.string() + ": " + ec.message());
  if (size > limit) {
    return make_error(ErrorCode::kResourceExhausted, path.string() + " is larger than the limit")
        .with("bytes", std::to_string(size))
        .with("limit", std::to_string(limit));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return make_error(ErrorCode::kUnavailable, "cannot read " + path.string());
  return text.str();
}

/// Release manifests from a folder (`<v>.json` or `<v>/manifest.json`).
Result<std::vector<Release>> releases_from_folder(const std::filesystem::path& folder) {
  std::vector<Release> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::filesystem::path file = entry.path();
    if (entry.is_directory()) {
      file /= "manifest.json";
      if (!std::filesystem::exists(file)) continue;
    } else if (file.extension() != ".json") {
      continue;
    }
    auto text = read_file(file, 16u << 20);
    if (!text) return std::move(text).error();
    auto release = parse_release(*text);
    if (!release) return std::move(release).error().with("file", file.string());
    out.push_back(std::move(*release));
  }
  if (ec)
    return make_error(ErrorCode::kNotFound, "cannot list " + folder.string() + ": " + ec.message());
  return out;
}

/// The catalog: releases from --releases or the database (else the seed
/// data shipped with callboard), moved packages from the database.
Result<compat::ReleaseCatalog> load_catalog(const ParsedArgs& args, backend::Storage& storage) {
  std::vector<Release> releases;
  if (auto folder = args.get("releases")) {
    auto loaded = releases_from_folder(*folder);
    if (!loaded) return std::move(loaded).error();
    releases = std::move(*loaded);
  } else {
    auto versions = storage.release_versions();
    if (!versions) return std::move(versions).error();
    for (const auto& v : *versions) {
      auto r = storage.release(v);
      if (!r) return std::move(r).error();
      if (*r) releases.push_back(std::move(**r));
    }
    if (releases.empty()) {
      auto loaded = releases_from_folder(default_data_dir() / "releases");
      if (!loaded) return std::move(loaded).error();
      releases = std::move(*loaded);
    }
  }
  if (releases.empty()) {
    return make_error(
        ErrorCode::kFailedPrecondition,
        "no Backstage release manifests: run 'callboard index' or pass --releases <folder>");
  }
  // Only removed packages can be moved: look those up, not every package.
  // `backstage.moved` where their packuments are indexed, else an indexed
  // @backstage-community twin.
  compat::ReleaseCatalog plain(releases);
  std::vector<Packument> removed;
  for (const auto& [name, gone] : plain.removed_packages()) {
    auto p = storage.packument(name);
    if (p && *p) removed.push_back(std::move(**p));
  }
  auto moved = compat::moved_packages(removed);
  auto names = storage.package_names();
  if (!names) return std::move(names).error();
  moved.merge(compat::community_moves(plain, *names));  // keeps backstage.moved on a clash
  return compat::ReleaseCatalog(releases, std::move(moved));
}

/// "<name>[@range]": the last '@' not at the start separates the range.
std::pair<std::string, std::string> split_package(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return {std::string(text), ""};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

bool is_path(std::string_view text) {
  return text.starts_with('.') || text.starts_with('/') || text.ends_with(".json");
}

Result<Manifest> manifest_from_path(std::filesystem::path path) {
  if (std::filesystem::is_directory(path)) path /= "package.json";
  auto text = read_file(path, kMaxPackageJsonBytes);
  if (!text) return std::move(text).error();
  auto m = parse_manifest(*text);
  if (!m) return std::move(m).error().with("file", path.string());
  return m;
}

/// The version an install of `range` picks: the highest non-prerelease
/// version the range admits (a prerelease only when asked for one).
const Manifest* pick_version(const Packument& p, std::string_view range) {
  if (range.empty()) return p.latest();
  if (const Manifest* exact = p.find(range)) return exact;
  if (auto tag = p.dist_tags.find(range); tag != p.dist_tags.end()) return p.find(tag->second);
  auto parsed = semver::Range::parse(range);
  if (!parsed) return nullptr;
  for (auto it = p.versions.rbegin(); it != p.versions.rend(); ++it) {
    if (parsed->satisfied_by(std::string_view(it->version))) return &*it;
  }
  return nullptr;
}

std::string newest_stable(const compat::ReleaseCatalog& catalog) {
  const auto& releases = catalog.releases();
  for (auto it = releases.rbegin(); it != releases.rend(); ++it) {
    if (it->find('-') == std::string::npos) return *it;
  }
  return releases.empty() ? std::string() : releases.back();
}

void print_finding(std::ostream& out, const compat::Finding& f, bool deciding) {
  out << (deciding ? "* " : "  ") << compat::to_string(f.severity);
  for (std::size_t i = compat::to_string(f.severity).size(); i < 8; ++i) out << ' ';
  out << f.id << '\n' << "            " << f.message << '\n';
}

void print_scan(std::ostream& out, const compat::ScanResult& r) {
  out << r.package << '@' << r.version << " on Backstage " << r.release << ": "
      << compat::to_string(r.tier) << '\n';
  if (r.findings.empty()) {
    out << "  no findings: every @backstage/* range admits this release's versions\n";
    return;
  }
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const bool deciding = std::find(r.deciding.begin(), r.deciding.end(), i) != r.deciding.end();
    print_finding(out, r.findings[i], deciding);
  }
  if (!r.deciding.empty()) out << "(* decided the verdict)\n";
}

/// "1.20.0-1.22.3, 1.24.0" for the releases whose index is set.
std::string release_spans(const std::vector<std::string>& releases, const std::vector<bool>& set) {
  std::string out;
  for (std::size_t i = 0; i < set.size();) {
    if (!set[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < set.size() && set[j + 1]) ++j;
    if (!out.empty()) out += ", ";
    out += releases[i];
    if (j > i) out += "-" + releases[j];
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

int exit_for(Tier tier) {
  return static_cast<int>(tier == Tier::kIncompatible ? ExitCode::kNegative : ExitCode::kOk);
}

int run_upgrade(Context& ctx, const ParsedArgs& args, backend::Storage& storage,
                const compat::ReleaseCatalog& catalog) {
  const auto release = args.get("release");
  if (!release) return usage_error(ctx, "scan", "--app without a package needs --release <target>");
  auto app = load_app_profile(*args.get("app"));
  if (!app) return report_error(ctx, app.error());
  std::vector<Packument> packuments;
  std::vector<std::string> names;
  for (const auto& wp : app->packages) {
    for (const auto* deps : {&wp.manifest.dependencies, &wp.manifest.dev_dependencies}) {
      for (const auto& [name, spec] : *deps) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& name : names) {
    auto p = storage.packument(name);
    if (!p) return report_error(ctx, p.error());
    if (*p) packuments.push_back(std::move(**p));
  }
  auto report = compat::check_upgrade(*app, catalog, *release, packuments);
  if (!report) return report_error(ctx, report.error());
  if (ctx.json) {
    ctx.out << compat::to_json(*report) << '\n';
  } else {
    ctx.out << "Upgrade of " << *args.get("app") << " from Backstage "
            << (report->from.empty() ? "?" : report->from) << " to " << report->to << ": "
            << (report->blocked ? "blocked" : "not blocked") << '\n';
    std::size_t fine = 0;
    for (const auto& item : report->items) {
      if (item.tier == Tier::kAligned && item.reasons.empty()) {
        ++fine;
        continue;
      }
      ctx.out << (item.blocking ? "  BLOCKS  " : "  note    ") << item.package << ' ' << item.range
              << " (" << item.workspace << "): " << compat::to_string(item.tier);
      if (!item.version.empty()) ctx.out << " at " << item.version;
      if (!item.upgrade_to.empty()) ctx.out << "; move to " << item.upgrade_to;
      ctx.out << '\n';
      for (const auto& f : item.reasons)
        ctx.out << "          " << f.id << ": " << f.message << '\n';
    }
    ctx.out << "  " << fine << " other packages are aligned with " << report->to << '\n';
  }
  return static_cast<int>(report->blocked ? ExitCode::kNegative : ExitCode::kOk);
}

}  // namespace

void print_scan_help(std::ostream& out) {
  out << "Usage: callboard scan <package>[@range] [--release V | --app DIR] [--json]\n"
         "       callboard scan <package> --release V --newest [--tier aligned|compatible] "
         "[--json]\n"
         "       callboard scan --app DIR --release V [--json]\n"
         "\n"
         "Checks a plugin version against a Backstage release manifest: @backstage/* ranges\n"
         "(second copies, singletons, registration versions), removed and moved packages,\n"
         "legacy/new plugin systems, role, engines.node and peers (with --app), deprecation\n"
         "and declared targets. The verdict is aligned (no second copies), compatible (only\n"
         "libraries duplicated) or incompatible, with the findings that decided it.\n"
         "\n"
         "<package> is an indexed package name (the version the range picks, default latest),\n"
         "or, as npm spells paths, ./dir, /dir or a file ending in .json: a package.json or a\n"
         "folder holding one. For an indexed package whose tarball 'callboard verify' stored,\n"
         "the backend system its code shows wins over what package.json suggests\n"
         "(finding backend-system-code-mismatch when they differ).\n"
         "\n"
         "Options:\n"
         "  --release V      the release: 1.31.0, or 1.31 for its newest patch (default:\n"
         "                   the app's backstage.json with --app, else the newest release)\n"
         "  --app DIR        a Backstage app: its release, roles, engines.node and packages\n"
         "  --node V         the app's Node.js version or range (overrides --app's engines)\n"
         "  --target V       the Backstage version the plugin's sources target, when its\n"
         "                   package.json has no supported-versions (a workspace backstage.json)\n"
         "  --newest         print the newest version at --tier (default compatible) or better\n"
         "                   on the release: {\"package\",\"release\",\"tier\",\"version\"}\n"
         "  --releases DIR   read release manifests from a folder instead of the database\n"
         "  --db URL         storage (default sqlite:callboard.db, or CALLBOARD_DB)\n"
         "\n"
         "Without a package, --app and --release list the app's packages that block an\n"
         "upgrade to the release, and why.\n"
         "\n"
         "Exit: 0 aligned/compatible (a version found, upgrade not blocked); 1 incompatible\n"
         "(no version found, upgrade blocked); 4 unknown package or release.\n";
}

int run_scan(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"db", "release", "app", "tier", "releases", "node", "target"},
                          {"newest", "help"});
  if (args.has("help")) {
    print_scan_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "scan", args.error);
  if (args.positional.size() > 1) return usage_error(ctx, "scan", "expected one package");
  if (args.positional.empty() && !args.has("app")) return usage_error(ctx, "scan", "expected a package");
  std::optional<Tier> tier = Tier::kCompatible;
  if (auto t = args.get("tier")) {
    tier = compat::parse_tier(*t);
    if (!tier || *tier == Tier::kIncompatible) {
      return usage_error(ctx, "scan", "--tier takes 'aligned' or 'compatible'");
    }
  }
  if (args.has("tier") && !args.has("newest"))
    return usage_error(ctx, "scan", "--tier goes with --newest");

  auto storage = open_existing_db(args);
  if (!storage) return report_error(ctx, storage.error());
  auto catalog = load_catalog(args, **storage);
  if (!catalog) return report_error(ctx, catalog.error());

  if (args.positional.empty()) return run_upgrade(ctx, args, **storage, *catalog);

  // The host.
  std::optional<AppProfile> app;
  compat::HostProfile host;
  bool have_host = false;
  if (auto dir = args.get("app")) {
    auto loaded = load_app_profile(*dir);
    if (!loaded) return report_error(ctx, loaded.error());
    app = std::move(*loaded);
    host = compat::host_from_app(*app);
    have_host = true;
  }
  if (auto node = args.get("node")) {
    host.node = *node;
    have_host = true;
  }
  compat::ScanOptions options;
  if (have_host) options.host = &host;
  options.declared_target = args.get("target").value_or("");

  std::string release;
  if (auto r = args.get("release")) {
    release = *r;
  } else if (app && !app->backstage_version.empty()) {
    release = app->backstage_version;
  } else {
    release = newest_stable(*catalog);
  }
  const auto release_index = catalog->find(release);
  if (!release_index) {
    return report_error(
        ctx, make_error(ErrorCode::kNotFound, "no Backstage release manifest for '" + release +
                                                  "'; see 'callboard releases list'"));
  }
  const std::string release_text = catalog->releases()[*release_index];

  const std::string& target = args.positional.front();
  std::optional<Packument> packument;
  std::vector<ArtifactRecord> code_records;  // outlives `options`' view of it
  Manifest manifest;
  if (is_path(target)) {
    if (args.has("newest"))
      return usage_error(ctx, "scan", "--newest needs an indexed package, not a file");
    auto m = manifest_from_path(target);
    if (!m) return report_error(ctx, m.error());
    manifest = std::move(*m);
  } else {
    auto [name, range] = split_package(target);
    auto p = (*storage)->packument(name);
    if (!p) return report_error(ctx, p.error());
    if (!*p) {
      return report_error(
          ctx, make_error(ErrorCode::kNotFound, "'" + name +
                                                    "' is not indexed; run 'callboard index "
                                                    "--package " +
                                                    name + "'"));
    }
    packument = std::move(**p);
    // What `callboard verify` stored about this package's tarballs: the
    // backend system their code shows wins over package.json's.
    auto stored = (*storage)->artifacts(name);
    if (!stored) return report_error(ctx, stored.error());
    code_records = std::move(*stored);
    options.artifacts = code_records;
    if (args.has("newest")) {
      compat::MatrixBuilder builder(*catalog, options);
      const compat::SupportMatrix matrix = builder.build(*packument);
      // Honour a range: only versions it admits count.
      std::optional<std::string> found;
      if (range.empty()) {
        found = matrix.newest(release_text, *tier);
      } else {
        auto parsed = semver::Range::parse(range);
        if (!parsed) return report_error(ctx, parsed.error());
        const std::size_t r = *release_index;
        for (std::size_t v = matrix.versions.size(); v-- > 0;) {
          if (!parsed->satisfied_by(std::string_view(matrix.versions[v]))) continue;
          if (matrix.deprecated[v]) continue;
          if (matrix.at(v, r) <= *tier) {
            found = matrix.versions[v];
            break;
          }
        }
      }
      // The verdict of the version found, which may be better than the
      // minimum asked for (an aligned version answers --tier compatible).
      std::optional<Tier> verdict;
      if (found) {
        const auto row = std::find(matrix.versions.begin(), matrix.versions.end(), *found);
        if (row != matrix.versions.end()) {
          verdict = matrix.at(static_cast<std::size_t>(row - matrix.versions.begin()), *release_index);
        }
      }
      const std::string_view minimum = compat::to_string(*tier);
      if (ctx.json) {
        std::string doc = R"({"package":)" + json_string(packument->name) + R"(,"release":)" +
                          json_string(release_text) + R"(,"minimumTier":)" + json_string(minimum) +
                          R"(,"tier":)" + (verdict ? json_string(compat::to_string(*verdict)) : std::string("null")) +
                          R"(,"version":)" + (found ? json_string(*found) : std::string("null")) + "}\n";
        ctx.out << doc;
      } else if (found) {
        ctx.out << packument->name << '@' << *found << " is the newest version " << minimum
                << (*tier == Tier::kAligned ? "" : " or better") << " on Backstage " << release_text;
        if (verdict) ctx.out << ": " << compat::to_string(*verdict);
        ctx.out << '\n';
      } else {
        ctx.out << "no version of " << packument->name << " is " << minimum
                << (*tier == Tier::kAligned ? "" : " or better") << " on Backstage " << release_text
                << '\n';
      }
      return static_cast<int>(found ? ExitCode::kOk : ExitCode::kNegative);
    }
    const Manifest* picked = pick_version(*packument, range);
    if (picked == nullptr) {
      return report_error(ctx, make_error(ErrorCode::kNotFound,
                                          "no version of " + name + " matches '" + range + "'"));
    }
    manifest = *picked;
  }
  if (args.has("newest")) return usage_error(ctx, "scan", "--newest needs an indexed package");

  auto result = compat::scan(manifest, *catalog, release_text, options);
  if (!result) return report_error(ctx, result.error());
  if (ctx.json) {
    ctx.out << compat::to_json(*result) << '\n';
  } else {
    print_scan(ctx.out, *result);
    // And the releases this version supports, from the matrix rules.
    compat::MatrixBuilder builder(*catalog, options);
    const std::vector<Tier> row = builder.tiers(manifest);
    std::vector<bool> aligned(row.size()), compatible(row.size());
    for (std::size_t r = 0; r < row.size(); ++r) {
      aligned[r] = row[r] == Tier::kAligned;
      compatible[r] = row[r] == Tier::kCompatible;
    }
    ctx.out << "releases where this version is aligned:    "
            << release_spans(catalog->releases(), aligned) << '\n'
            << "releases where this version is compatible: "
            << release_spans(catalog->releases(), compatible) << '\n';
  }
  return exit_for(result->tier);
}

void print_matrix_help(std::ostream& out) {
  out << "Usage: callboard matrix <pluginId|package> [--all] [--json]\n"
         "\n"
         "Every indexed version of the plugin's packages (or of one package) x every\n"
         "Backstage release -> aligned / compatible / incompatible. The human output lists\n"
         "the releases each version reaches per tier (newest 10 versions unless --all);\n"
         "versions whose tarball 'callboard verify' stored are judged by their code's\n"
         "backend system. "
         "--json prints "
         "{\"plugin\",\"matrices\":[{\"package\",\"releases\",\"versions\":[{\"version\",\n"
         "\"deprecated\",\"tiers\"}]}]} with one letter per release (a, c, i).\n"
         "\n"
         "Options:\n"
         "  --all            every version in the human output\n"
         "  --releases DIR   read release manifests from a folder instead of the database\n"
         "  --db URL         storage (default sqlite:callboard.db, or CALLBOARD_DB)\n";
}

int run_matrix(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"db", "releases"}, {"all", "help"});
  if (args.has("help")) {
    print_matrix_help(ctx.out);
    return 0;
  }
  if (!args.error.empty()) return usage_error(ctx, "matrix", args.error);
  if (args.positional.size() != 1) return usage_error(ctx, "matrix", "expected one plugin id or package");
  auto storage = open_existing_db(args);
  if (!storage) return report_error(ctx, storage.error());
  auto catalog = load_catalog(args, **storage);
  if (!catalog) return report_error(ctx, catalog.error());

  const std::string& wanted = args.positional.front();
  std::vector<std::string> names;
  std::string plugin_id;
  auto plugin = (*storage)->plugin(wanted);
  if (!plugin) return report_error(ctx, plugin.error());
  if (*plugin) {
    plugin_id = (*plugin)->id;
    for (const auto& p : (*plugin)->packages) names.push_back(p.name);
    for (const auto& p : (*plugin)->modules) names.push_back(p.name);
  } else {
    names.push_back(wanted);
  }
  std::vector<compat::SupportMatrix> matrices;
  for (const auto& name : names) {
    auto p = (*storage)->packument(name);
    if (!p) return report_error(ctx, p.error());
    if (!*p) continue;
    // Versions whose tarball `callboard verify` stored are judged by their code.
    auto stored = (*storage)->artifacts(name);
    if (!stored) return report_error(ctx, stored.error());
    compat::ScanOptions options;
    options.artifacts = *stored;
    compat::MatrixBuilder builder(*catalog, options);
    matrices.push_back(builder.build(**p));
  }
  if (matrices.empty()) {
    return report_error(ctx, make_error(ErrorCode::kNotFound, "'" + wanted +
                                                                  "' is neither an indexed plugin "
                                                                  "nor an indexed package"));
  }
  if (ctx.json) {
    std::string doc = R"({"plugin":)" +
                      (plugin_id.empty() ? std::string("null") : json_string(plugin_id)) +
                      R"(,"matrices":[)";
    for (std::size_t i = 0; i < matrices.size(); ++i) {
      if (i > 0) doc += ',';
      doc += compat::to_json(matrices[i]);
    }
    doc += "]}\n";
    ctx.out << doc;
    return 0;
  }
  if (!plugin_id.empty()) ctx.out << "plugin " << plugin_id << '\n';
  for (const auto& m : matrices) {
    ctx.out << m.package << " (" << m.versions.size() << " versions x " << m.releases.size()
            << " releases)\n";
    const std::size_t shown =
        args.has("all") ? m.versions.size() : std::min<std::size_t>(10, m.versions.size());
    for (std::size_t k = 0; k < shown; ++k) {
      const std::size_t v = m.versions.size() - 1 - k;
      std::vector<bool> aligned(m.releases.size()), compatible(m.releases.size());
      for (std::size_t r = 0; r < m.releases.size(); ++r) {
        aligned[r] = m.at(v, r) == Tier::kAligned;
        compatible[r] = m.at(v, r) == Tier::kCompatible;
      }
      ctx.out << "  " << m.versions[v] << (m.deprecated[v] ? " (deprecated)" : "") << '\n'
              << "      aligned:    " << release_spans(m.releases, aligned) << '\n'
              << "      compatible: " << release_spans(m.releases, compatible) << '\n';
    }
    if (shown < m.versions.size())
      ctx.out << "  ... " << m.versions.size() - shown << " older versions (--all)\n";
  }
  return 0;
}

}  // namespace callboard::cli
