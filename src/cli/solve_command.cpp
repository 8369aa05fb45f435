// `callboard solve`: what to install for a change to a Backstage app, or why
// nothing fits.
//
//   callboard solve --app <dir> add <pkg>[@range]... [--release 1.x]
//                   [--allow-release-upgrade] [--workspace <path>] [--db URL] [--json]
//   callboard solve --app <dir> upgrade <pkg>[@range]...
//   callboard solve --app <dir> remove <pkg>...
//
// Packuments and release manifests come from the database `callboard index`
// filled (--db, else CALLBOARD_DB, else sqlite:callboard.db). Packages the
// index does not hold (react, lodash, ...) are taken as installable and
// listed as external.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/codec.hpp"
#include "callboard/model.hpp"
#include "callboard/registry.hpp"
#include "callboard/session.hpp"
#include "callboard/solver.hpp"

#include "cli/args.hpp"
#include "cli/cli.hpp"

namespace callboard::cli {
namespace {

int usage(Context& ctx, const std::string& message) { return usage_error(ctx, "solve", message); }

/// "@scope/name@^1.2" -> ("@scope/name", "^1.2").
std::pair<std::string, std::string> split_spec(const std::string& arg) {
  const auto at = arg.rfind('@');
  if (at == std::string::npos || at == 0) return {arg, ""};
  return {arg.substr(0, at), arg.substr(at + 1)};
}

std::string path_text(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path) out += (out.empty() ? "" : " > ") + part;
  return out;
}

void print_plan(Context& ctx, const solver::InstallPlan& plan, bool full) {
  std::ostream& out = ctx.out;
  if (plan.release != plan.previous_release && !plan.release.empty()) {
    out << "Backstage release: " << plan.previous_release << " -> " << plan.release << "\n";
  } else if (!plan.release.empty()) {
    out << "Backstage release: " << plan.release << "\n";
  }
  out << "Package manager: " << to_string(plan.package_manager) << "\n";
  std::size_t shown = 0;
  out << (full ? "\nInstall plan:\n" : "\nChanges to the installed tree:\n");
  for (const auto& p : plan.packages) {
    if (!full && p.action == solver::PlanAction::kKeep) continue;
    ++shown;
    switch (p.action) {
      case solver::PlanAction::kAdd: out << "  + "; break;
      case solver::PlanAction::kRemove: out << "  - "; break;
      case solver::PlanAction::kKeep: out << "    "; break;
      default: out << "  ~ "; break;
    }
    out << p.name << ' ' << (p.action == solver::PlanAction::kRemove ? *p.previous : p.version);
    if (p.previous && p.action != solver::PlanAction::kKeep && p.action != solver::PlanAction::kRemove) {
      out << " (" << to_string(p.action) << " from " << *p.previous << ")";
    }
    if (!p.host_level) out << " [nested copy]";
    out << "\n      why: " << p.reason << "\n";
    if (!p.required_by.empty()) {
      out << "      required by: " << p.required_by.front();
      if (p.required_by.size() > 1) out << " (+" << p.required_by.size() - 1 << " more)";
      out << "\n";
    }
  }
  if (shown == 0) out << "  (nothing changes)\n";
  if (!plan.edits.empty()) {
    out << "\nEdits (" << to_string(plan.package_manager) << "):\n";
    for (const auto& e : plan.edits) {
      out << "  " << e.file << ": " << path_text(e.path) << ' ';
      if (!e.from) {
        out << "add " << e.to.value_or("");
      } else if (!e.to) {
        out << "remove (was " << *e.from << ")";
      } else {
        out << *e.from << " -> " << *e.to;
      }
      out << "\n      why: " << e.reason << "\n";
    }
  }
  if (!plan.duplicates.empty()) {
    out << "\nDuplicate copies (nested under their dependents):\n";
    for (const auto& d : plan.duplicates) {
      out << "  " << d.name << ":";
      for (const auto& v : d.versions) out << ' ' << v;
      out << "\n";
    }
  }
  if (!plan.release_moves.empty()) {
    out << "\nRelease packages that move with the release:\n";
    for (const auto& m : plan.release_moves) {
      out << "  " << m.name << ' ' << m.from << " -> ";
      if (m.to.empty()) {
        out << "(dropped from " << plan.release << "; the app still requires it)";
      } else {
        out << m.to;
      }
      out << "\n";
    }
  }
  if (!plan.findings.empty()) {
    out << "\nFindings:\n";
    for (const auto& f : plan.findings) out << "  " << f.severity << " [" << f.id << "] " << f.message << "\n";
  }
  out << "\n" << plan.packages.size() << " packages in the tree";
  if (!plan.external.empty()) out << ", " << plan.external.size() << " outside the index (taken as installable)";
  out << "; " << plan.stats.decisions << " decisions, " << plan.stats.conflicts << " conflicts";
  if (plan.stats.releases_tried > 1) out << ", " << plan.stats.releases_tried << " releases tried";
  out << ".\n";
}

}  // namespace

void print_solve_help(std::ostream& out) {
  out << "Usage: callboard solve --app <dir> add <package>[@<range>]... [options]\n"
         "       callboard solve --app <dir> upgrade <package>[@<range>]... [options]\n"
         "       callboard solve --app <dir> remove <package>... [options]\n"
         "\n"
         "Finds the versions to install for a change to a Backstage app, or explains\n"
         "why none fit. The app's release manifest (backstage.json) and the ranges in\n"
         "its package.json files are hard constraints; peer dependencies and\n"
         "Backstage singletons (core-plugin-api, backend-plugin-api, ...) must be met\n"
         "by the one host-level copy; other dependencies may get a nested copy.\n"
         "\n"
         "Options:\n"
         "  --app <dir>               the app's root folder (default: .)\n"
         "  --release <version|range> solve against this release (default: backstage.json)\n"
         "  --allow-release-upgrade   find the lowest release at or above the app's on which\n"
         "                            everything fits, and say what else moves\n"
         "  --workspace <path>        package.json to edit for `add` (default: by role)\n"
         "  --release-pins <exact|compatible>\n"
         "                            exact (default): the release's versions; compatible: a\n"
         "                            requirement may move a pin to a newer version inside ^pin\n"
         "                            (each one reported)\n"
         "  --peers <strict|lenient>  whether peer ranges must hold (default: the app's package\n"
         "                            manager: npm strict; yarn and pnpm only warn, so a plan that\n"
         "                            meets every peer is preferred and unmet ones are findings)\n"
         "  --omit-dev                leave the app's devDependencies out (a production install,\n"
         "                            npm install --omit=dev); by default they count, as npm installs them\n"
         "  --singleton <name>        add a package that must never be duplicated (repeatable;\n"
         "                            a trailing * is a prefix: '@backstage/plugin-*')\n"
         "  --offline                 use only what the database holds (no registry requests);\n"
         "                            by default packages the plan can reach that the index lacks\n"
         "                            (react, express, every peer) are fetched from the registry your\n"
         "                            npm configuration names, and cached in the database\n"
         "  --assume-external         take packages the database lacks as installable (their own\n"
         "                            dependencies unchecked) instead of failing on them\n"
         "  --strict                  the default now (packages nobody serves fail); kept for scripts\n"
         "  --full                    list the whole tree instead of what changes\n"
         "  --apply                   write the edits into the app's package.json files (backups in\n"
         "                            <app>/.callboard/backup/) and save the plan for 'callboard check'\n"
         "  --dry-run                 show the diffs --apply would make, write nothing\n"
         "  --db <url>                database (default: $CALLBOARD_DB or sqlite:callboard.db)\n"
         "  --json                    the outcome as one JSON document\n"
         "\n"
         "Exit codes: 0 a plan was found, 6 no versions fit (the explanation says why).\n";
}

int run_solve(Context& ctx, std::span<const std::string> raw) {
  const auto args = parse_args(raw, {"app", "db", "release", "workspace", "singleton", "peers", "release-pins"},
                               {"help", "allow-release-upgrade", "strict", "full", "apply", "dry-run", "offline",
                                "assume-external", "omit-dev"});
  if (args.has("help")) {
    print_solve_help(ctx.out);
    return static_cast<int>(ExitCode::kOk);
  }
  if (!args.error.empty()) return usage(ctx, args.error);
  const std::string app_dir = args.get("app").value_or(".");
  const std::string release_arg = args.get("release").value_or("");
  const std::string workspace = args.get("workspace").value_or("");
  const bool allow_upgrade = args.has("allow-release-upgrade");
  const bool offline = args.has("offline");
  const bool assume_external = args.has("assume-external");
  const bool full = args.has("full");
  const bool apply = args.has("apply");
  const bool dry_run = args.has("dry-run");
  if (apply && dry_run) return usage(ctx, "--apply and --dry-run exclude each other");
  const std::vector<std::string> extra_singletons = args.all("singleton");
  const std::string peers = args.get("peers").value_or("");
  const std::string pins = args.get("release-pins").value_or("exact");
  if (pins != "exact" && pins != "compatible") {
    return usage(ctx, "--release-pins takes exact or compatible, not '" + pins + "'");
  }
  if (!peers.empty() && peers != "strict" && peers != "lenient") {
    return usage(ctx, "--peers takes strict or lenient, not '" + peers + "'");
  }
  const std::vector<std::string>& positional = args.positional;
  if (positional.empty()) return usage(ctx, "say what to do: add, upgrade or remove");
  solver::ChangeKind kind;
  if (positional[0] == "add") {
    kind = solver::ChangeKind::kAdd;
  } else if (positional[0] == "upgrade") {
    kind = solver::ChangeKind::kUpgrade;
  } else if (positional[0] == "remove") {
    kind = solver::ChangeKind::kRemove;
  } else {
    return usage(ctx, "unknown action '" + positional[0] + "' (add, upgrade or remove)");
  }
  if (positional.size() < 2) return usage(ctx, "name at least one package");

  SolveCommand command;
  command.app = app_dir;
  command.release = release_arg;
  command.allow_release_upgrade = allow_upgrade;
  command.offline = offline;
  command.apply = apply ? ApplyMode::kWrite : dry_run ? ApplyMode::kDryRun : ApplyMode::kNone;
  command.options.unknown_packages =
      assume_external ? solver::UnknownPackages::kAssumeExternal : solver::UnknownPackages::kFail;
  for (const std::string& s : extra_singletons) command.options.singletons.push_back(s);
  command.options.dev_dependencies = !args.has("omit-dev");
  if (pins == "compatible") command.options.release_pins = solver::ReleasePins::kCompatible;
  if (!peers.empty()) command.options.peers = peers == "strict" ? solver::PeerRule::kStrict : solver::PeerRule::kLenient;
  for (std::size_t i = 1; i < positional.size(); ++i) {
    auto [name, range] = split_spec(positional[i]);
    if (kind == solver::ChangeKind::kRemove && !range.empty()) {
      return usage(ctx, "remove takes package names without ranges");
    }
    command.changes.push_back({kind, name, range, workspace});
  }

  auto session = open_session(args);
  if (!session) return report_error(ctx, session.error());
  auto solved = session->solve(command);
  if (!solved) return report_error(ctx, solved.error());
  if (const auto& closure = solved->closure) {
    if (closure->fetched > 0 || !closure->missing.empty()) {
      ctx.err << "callboard: " << closure->packages << " packages reachable, " << closure->fetched
              << " fetched from the registry";
      if (!closure->missing.empty()) ctx.err << ", " << closure->missing.size() << " not served";
      ctx.err << "\n";
    }
    for (const IndexFailure& f : closure->failures) {
      ctx.err << "callboard: warning: could not fetch " << f.package << ": " << f.error.message << "\n";
    }
  }
  const solver::SolveOutcome* outcome = &solved->outcome;
  const std::optional<ApplyReport>& applied = solved->applied;
  if (ctx.json) {
    ctx.out << codec::encode(*solved) << '\n';
  } else if (outcome->plan) {
    print_plan(ctx, *outcome->plan, full);
    if (applied) {
      ctx.out << "\n" << (dry_run ? "Would change" : "Changed") << ":\n";
      std::size_t changed = 0;
      for (const FileChangeReport& f : applied->files) {
        if (!f.changed) continue;
        ++changed;
        ctx.out << f.diff;
      }
      if (changed == 0) ctx.out << "  (no file changes)\n";
      if (!dry_run) {
        if (!applied->backup_dir.empty()) ctx.out << "Backups: " << applied->backup_dir.string() << "\n";
        ctx.out << "Saved the plan to " << solved->plan_file.string()
                << "; after installing, 'callboard check --app " << solved->app_root.string()
                << "' says whether the lockfile holds it.\n";
      }
    }
    for (const solver::PackageChange& c : command.changes) {
      for (const solver::PlannedPackage& p : outcome->plan->packages) {
        if (p.name == c.name && p.host_level && p.reason_kind == solver::ReasonKind::kReleasePin) {
          ctx.out << "note: " << p.name << " stays at " << p.version << ", " << p.reason
                  << "; --release <newer> or --allow-release-upgrade moves the release\n";
        }
      }
    }
  } else {
    ctx.out << "No versions fit:\n\n" << outcome->conflict->explanation;
    if (!outcome->conflict->ranges.empty()) {
      ctx.out << "\nThe ranges this rests on, as written, and the versions your registry serves in them:\n";
      for (const solver::ConflictRange& r : outcome->conflict->ranges) {
        std::string whose;
        if (r.kind == "request") {
          whose = "requested";
        } else if (r.kind == "release pin") {
          whose = "pinned by " + r.required_by;
        } else if (r.kind == "app") {
          whose = "in " + r.required_by;
        } else {
          whose = std::string(r.kind.starts_with("o") ? "an " : "a ") + r.kind + " of " + r.required_by;
        }
        ctx.out << "  " << r.package << " " << r.range << ", " << whose << ": ";
        if (r.admitted_count == 0) {
          ctx.out << "none served";
        } else {
          if (r.admitted_count > r.admitted.size()) {
            ctx.out << (r.admitted_count - r.admitted.size()) << " more, then ";
          }
          for (std::size_t k = 0; k < r.admitted.size(); ++k) ctx.out << (k ? ", " : "") << r.admitted[k];
        }
        ctx.out << "\n";
      }
    }
    if (outcome->conflict->releases_tried.size() > 1) {
      ctx.out << "\n(" << outcome->conflict->releases_tried.size()
              << " releases tried; the explanation is for the newest, "
              << outcome->conflict->releases_tried.back() << ".)\n";
    }
  }
  return static_cast<int>(outcome->plan ? ExitCode::kOk : ExitCode::kUnsatisfiable);
}

}  // namespace callboard::cli
