// `callboard scan` and `callboard matrix`: the compatibility scanner from the
// command line.
//
// Release manifests come from the database (`callboard index` stores the
// seed copy), or from a folder with --releases. Packages come from the
// database, or from a package.json file or folder given as a path.

#include <algorithm>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/semver.hpp"
#include "callboard/session.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"

namespace callboard::cli {
namespace {

using compat::Tier;

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

int run_upgrade(Context& ctx, const ParsedArgs& args, Session& session) {
  const auto release = args.get("release");
  if (!release) return usage_error(ctx, "scan", "--app without a package needs --release <target>");
  auto report = session.upgrade(UpgradeRequest{*args.get("app"), *release, args.get("releases").value_or("")});
  if (!report) return report_error(ctx, report.error());
  if (ctx.json) {
    ctx.out << codec::encode(*report) << '\n';
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

  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  if (args.positional.empty()) return run_upgrade(ctx, args, *session);

  const std::string& target = args.positional.front();
  if (args.has("newest")) {
    if (target.starts_with('.') || target.starts_with('/') || target.ends_with(".json")) {
      return usage_error(ctx, "scan", "--newest needs an indexed package, not a file");
    }
    NewestRequest request;
    request.package = target;
    request.release = args.get("release").value_or("");
    request.minimum = *tier;
    request.app = args.get("app").value_or("");
    request.node = args.get("node").value_or("");
    request.target = args.get("target").value_or("");
    request.releases_dir = args.get("releases").value_or("");
    auto report = session->newest(request);
    if (!report) return report_error(ctx, report.error());
    const std::string_view minimum = compat::to_string(report->minimum);
    if (ctx.json) {
      ctx.out << codec::encode(*report) << '\n';
    } else if (report->version) {
      ctx.out << report->package << '@' << *report->version << " is the newest version " << minimum
              << (report->minimum == Tier::kAligned ? "" : " or better") << " on Backstage " << report->release;
      if (report->tier) ctx.out << ": " << compat::to_string(*report->tier);
      ctx.out << '\n';
    } else {
      ctx.out << "no version of " << report->package << " is " << minimum
              << (report->minimum == Tier::kAligned ? "" : " or better") << " on Backstage " << report->release
              << '\n';
    }
    return static_cast<int>(report->version ? ExitCode::kOk : ExitCode::kNegative);
  }

  ScanRequest request;
  request.package = target;
  request.release = args.get("release").value_or("");
  request.app = args.get("app").value_or("");
  request.node = args.get("node").value_or("");
  request.target = args.get("target").value_or("");
  request.releases_dir = args.get("releases").value_or("");
  auto report = session->scan(request);
  if (!report) return report_error(ctx, report.error());
  if (ctx.json) {
    ctx.out << codec::encode(*report) << '\n';
  } else {
    print_scan(ctx.out, report->scan);
    // And the releases this version supports, from the matrix rules.
    std::vector<bool> aligned(report->tiers.size()), compatible(report->tiers.size());
    for (std::size_t r = 0; r < report->tiers.size(); ++r) {
      aligned[r] = report->tiers[r] == Tier::kAligned;
      compatible[r] = report->tiers[r] == Tier::kCompatible;
    }
    ctx.out << "releases where this version is aligned:    " << release_spans(report->releases, aligned) << '\n'
            << "releases where this version is compatible: " << release_spans(report->releases, compatible)
            << '\n';
  }
  return exit_for(report->scan.tier);
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
  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto report = session->matrix(MatrixRequest{args.positional.front(), args.get("releases").value_or("")});
  if (!report) return report_error(ctx, report.error());
  if (ctx.json) {
    ctx.out << codec::encode(*report) << '\n';
    return 0;
  }
  const std::string& plugin_id = report->plugin;
  const std::vector<compat::SupportMatrix>& matrices = report->matrices;
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
