// solve(): the request and the app become the root's requirements and the
// host pins; the engine runs (once, or once per candidate release); a
// solution becomes an install plan with reasons, edits and duplicates.
#include <algorithm>
#include <set>
#include <utility>

#include "callboard/semver.hpp"
#include "callboard/solver.hpp"
#include "registry/plugins_detail.hpp"
#include "solver/engine.hpp"

namespace callboard::solver {

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::kAdd: return "add";
    case ChangeKind::kUpgrade: return "upgrade";
    case ChangeKind::kRemove: return "remove";
  }
  return "add";
}

std::vector<std::string> default_singletons() {
  // Backstage's own (the registry's and the scanner's list), plus React,
  // whose hooks break when two copies are loaded.
  std::vector<std::string> out(plugins_detail::kSingletonPackages.begin(),
                               plugins_detail::kSingletonPackages.end());
  out.emplace_back("react");
  out.emplace_back("react-dom");
  return out;
}

namespace {

using detail::Edge;
using detail::EdgeKind;
using detail::Engine;
using detail::Node;
using detail::NodeKind;

struct AppDependency {
  std::string workspace;  // "." or "packages/backend"
  std::string name;
  std::string spec;
};

std::vector<AppDependency> app_dependencies(const AppProfile& app) {
  std::set<std::string> local;
  for (const WorkspacePackage& wp : app.packages) {
    if (!wp.manifest.name.empty()) local.insert(wp.manifest.name);
  }
  std::vector<AppDependency> out;
  for (const WorkspacePackage& wp : app.packages) {
    for (const auto& [name, spec] : wp.manifest.dependencies) {
      if (local.contains(name)) continue;
      out.push_back({wp.path.empty() ? "." : wp.path, name, spec});
    }
  }
  return out;
}

std::string manifest_file(const std::string& workspace) {
  return workspace == "." || workspace.empty() ? "package.json" : workspace + "/package.json";
}

struct Prepared {
  detail::RootSpec root;
  std::vector<std::string> skipped;
};

Result<Prepared> prepare(const SolveRequest& request, const Release* release, bool release_moved) {
  Prepared p;
  std::set<std::string, std::less<>> changed;
  for (const PackageChange& c : request.changes) changed.insert(c.name);
  if (release) {
    p.root.release = release->version;
    for (const auto& [name, version] : release->packages) p.root.release_pins.emplace(name, version);
  }
  for (const LockedPackage& l : request.app.locked) {
    auto it = p.root.locked.find(l.name);
    if (it == p.root.locked.end()) {
      p.root.locked.emplace(l.name, l.version);
    } else if (auto a = semver::Version::parse(it->second), b = semver::Version::parse(l.version);
               a && b && *a < *b) {
      it->second = l.version;
    }
  }
  for (const AppDependency& d : app_dependencies(request.app)) {
    if (changed.contains(d.name)) continue;
    auto spec = semver::parse_specifier(d.spec);
    std::string range;
    const std::string* pinned = release ? release->find(d.name) : nullptr;
    if (spec && spec->kind == semver::SpecifierKind::kBackstage) {
      if (!pinned) {
        p.skipped.push_back(d.name + " " + d.spec);
        continue;
      }
      range = "^" + *pinned;
    } else if (spec && (spec->kind == semver::SpecifierKind::kRange || spec->kind == semver::SpecifierKind::kTag)) {
      range = d.spec;
      // On a release other than the app's own, the app's ranges on release
      // packages move with it (as `backstage-cli versions:bump` does).
      if (release_moved && pinned) range = "^" + *pinned;
    } else if (spec && spec->kind == semver::SpecifierKind::kAlias) {
      std::string inner = "*";
      if (auto at = spec->raw.rfind('@'); at != std::string::npos && at > 4) inner = spec->raw.substr(at + 1);
      p.root.edges.push_back(Edge{EdgeKind::kAppPin, spec->target, inner, d.workspace});
      continue;
    } else {
      p.skipped.push_back(d.name + " " + d.spec);
      continue;
    }
    p.root.edges.push_back(Edge{EdgeKind::kAppPin, d.name, range, d.workspace});
  }
  for (const PackageChange& c : request.changes) {
    if (c.kind == ChangeKind::kRemove) continue;
    p.root.requested.insert(c.name);
    p.root.edges.push_back(Edge{EdgeKind::kRequest, c.name, c.range.empty() ? std::string("*") : c.range, {}});
  }
  return p;
}

Result<void> validate(const SolveRequest& request) {
  for (const PackageChange& c : request.changes) {
    if (c.name.empty()) {
      return Error{ErrorCode::kInvalidArgument, "a requested change names no package", {}, false};
    }
    if (!c.range.empty()) {
      auto spec = semver::parse_specifier(c.range);
      if (!spec || (spec->kind != semver::SpecifierKind::kRange && spec->kind != semver::SpecifierKind::kTag)) {
        return Error{ErrorCode::kInvalidArgument, "'" + c.range + "' is not a version range or dist-tag", {}, false}
            .with("package", c.name)
            .with("range", c.range);
      }
    }
    if (!c.workspace.empty()) {
      const bool known = std::any_of(request.app.packages.begin(), request.app.packages.end(),
                                     [&](const WorkspacePackage& wp) { return wp.path == c.workspace; });
      if (!known) {
        return Error{ErrorCode::kInvalidArgument, "the app has no workspace '" + c.workspace + "'", {}, false}
            .with("package", c.name)
            .with("workspace", c.workspace);
      }
    }
  }
  return {};
}

// ---- Building the plan -----------------------------------------------------

struct Chosen {
  std::uint32_t node;
  std::string name;
  std::string version;
};

std::string requirement_text(const Engine& e, std::uint32_t from, std::uint32_t from_version, const Edge& edge,
                             const std::string& root_name) {
  const Node& n = e.nodes()[from];
  if (n.kind == NodeKind::kRoot) {
    if (edge.kind == EdgeKind::kRequest) return "requested " + edge.range;
    return root_name + " (" + manifest_file(edge.origin) + ") " + edge.range;
  }
  std::string kind = "dependency";
  if (edge.kind == EdgeKind::kPeer) kind = "peer";
  if (edge.kind == EdgeKind::kOptionalPeer) kind = "optional peer";
  return n.name + " " + e.version_text(from, from_version) + " " + kind + " " + edge.range;
}

std::string pick_workspace(const SolveRequest& request, const PackageChange& change, const Manifest* manifest) {
  if (!change.workspace.empty()) return change.workspace;
  if (request.app.packages.empty()) return ".";
  const PackageRole role = manifest ? detect_role(*manifest) : PackageRole::kUnknown;
  PackageRole want = PackageRole::kUnknown;
  switch (role) {
    case PackageRole::kBackendPlugin:
    case PackageRole::kBackendPluginModule:
    case PackageRole::kNodeLibrary:
      want = PackageRole::kBackend;
      break;
    case PackageRole::kFrontendPlugin:
    case PackageRole::kFrontendPluginModule:
    case PackageRole::kWebLibrary:
      want = PackageRole::kFrontend;
      break;
    default:
      break;
  }
  if (want != PackageRole::kUnknown) {
    for (const WorkspacePackage& wp : request.app.packages) {
      if (detect_role(wp.manifest) == want) return wp.path;
    }
  }
  return request.app.packages.front().path.empty() ? "." : request.app.packages.front().path;
}

InstallPlan build_plan(Engine& e, const SolveRequest& request, const detail::RootSpec& root,
                       const std::string& previous_release) {
  InstallPlan plan;
  plan.release = root.release;
  plan.previous_release = previous_release;
  const auto& nodes = e.nodes();

  // Chosen versions, by name: host-level first.
  std::map<std::string, std::string> host_version;
  std::map<std::string, std::set<std::string>> copy_versions;
  for (std::uint32_t i = 1; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.decided < 0) continue;
    const std::string v = e.version_text(i, static_cast<std::uint32_t>(n.decided));
    if (n.kind == NodeKind::kHost) host_version[n.name] = v; else copy_versions[n.name].insert(v);
  }
  // A name with only requirement copies: the newest one is hoisted to the
  // host level, unless that would break the release pin or an optional peer
  // on the name (npm then keeps every copy nested).
  std::map<std::string, std::vector<std::string>> host_only_ranges;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].decided < 0) continue;
    for (const Edge& edge : e.edges_of(i, static_cast<std::uint32_t>(nodes[i].decided))) {
      if (edge.kind == EdgeKind::kOptionalPeer) host_only_ranges[edge.name].push_back(edge.range);
    }
  }
  for (const auto& [name, versions] : copy_versions) {
    if (host_version.contains(name)) continue;
    std::optional<semver::Version> best;
    std::string best_text;
    for (const std::string& text : versions) {
      const auto v = semver::Version::parse(text);
      if (!v) continue;
      if (auto pin = root.release_pins.find(name); pin != root.release_pins.end() && pin->second != text) continue;
      bool fits = true;
      for (const std::string& r : host_only_ranges[name]) {
        auto range = semver::Range::parse(r);
        fits = fits && range && range->versions().contains(*v);
      }
      if (fits && (!best || *best < *v)) {
        best = *v;
        best_text = text;
      }
    }
    if (best) host_version[name] = best_text;
  }

  // Requirements met by each (name, version, host-level?).
  std::map<std::tuple<std::string, std::string, bool>, std::vector<std::string>> required_by;
  std::map<std::tuple<std::string, std::string, bool>, std::vector<std::string>> ranges_of;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.decided < 0) continue;
    const auto v = static_cast<std::uint32_t>(n.decided);
    const std::vector<Edge> edges = e.edges_of(i, v);
    for (const Edge& edge : edges) {
      std::string version;
      bool host_level = true;
      if (edge.kind == EdgeKind::kDependency && !e.is_singleton(edge.name)) {
        // Met by the copy for this requirement; it is host-level when it
        // equals the host-level version.
        if (auto c = e.copy_used(i, v, edge.name, edge.range); c && nodes[*c].decided >= 0) {
          version = e.version_text(*c, static_cast<std::uint32_t>(nodes[*c].decided));
        }
        if (version.empty()) continue;  // external or skipped
        auto hv = host_version.find(edge.name);
        host_level = hv != host_version.end() && hv->second == version;
      } else {
        auto it = host_version.find(edge.name);
        if (it == host_version.end()) continue;  // absent optional peer, external
        version = it->second;
      }
      const auto key = std::tuple{edge.name, version, host_level};
      required_by[key].push_back(requirement_text(e, i, v, edge, request.root_name));
      ranges_of[key].push_back(edge.range);
    }
  }

  std::map<std::string, std::shared_ptr<const Packument>> packuments;
  for (const Node& n : nodes) {
    if (n.kind != NodeKind::kRoot && n.packument) packuments[n.name] = n.packument;
  }
  for (auto& [key, requirers] : required_by) {
    const auto& [name, version, host_level] = key;
    PlannedPackage p;
    p.name = name;
    p.version = version;
    p.host_level = host_level;
    std::sort(requirers.begin(), requirers.end());
    requirers.erase(std::unique(requirers.begin(), requirers.end()), requirers.end());
    p.required_by = requirers;
    if (auto it = root.locked.find(name); it != root.locked.end()) p.previous = it->second;
    // Why this version.
    const auto pin = root.release_pins.find(name);
    if (host_level && pin != root.release_pins.end() && pin->second == version) {
      p.reason = "pinned by Backstage " + root.release;
    } else if (!p.previous.empty() && p.previous == version && !root.requested.contains(name)) {
      p.reason = "already installed";
    } else {
      // Is there a newer version every requirement on this copy accepts?
      std::string newer;
      const auto& pk = packuments[name];
      if (!pk) continue;
      const auto chosen = semver::Version::parse(version);
      for (auto it = pk->versions.rbegin(); it != pk->versions.rend(); ++it) {
        auto v = semver::Version::parse(it->version);
        if (!v || !chosen || !(*chosen < *v)) break;
        bool all = true;
        for (const std::string& r : ranges_of[key]) {
          auto range = semver::Range::parse(r);
          if (!range || !range->versions().contains(*v)) {
            all = false;
            break;
          }
        }
        if (all) {
          newer = it->version;
          break;
        }
      }
      const std::string base = root.requested.contains(name) ? "requested; " : "";
      if (newer.empty()) {
        p.reason = base + "newest version its requirements allow";
      } else {
        p.reason = base + "newer " + newer + " matches its ranges but conflicts with other requirements";
      }
      if (!host_level) {
        auto hv = host_version.find(name);
        p.reason += hv == host_version.end() ? std::string("; nested copy (no host-level copy)")
                                             : "; nested copy (the host-level copy is " + hv->second + ")";
      }
    }
    plan.packages.push_back(std::move(p));
  }
  std::sort(plan.packages.begin(), plan.packages.end(), [](const PlannedPackage& a, const PlannedPackage& b) {
    if (a.name != b.name) return a.name < b.name;
    if (a.host_level != b.host_level) return a.host_level;
    return *semver::Version::parse(a.version) < *semver::Version::parse(b.version);
  });
  std::map<std::string, std::set<std::string>> versions_by_name;
  for (const PlannedPackage& p : plan.packages) versions_by_name[p.name].insert(p.version);
  for (auto& [name, versions] : versions_by_name) {
    if (versions.size() < 2) continue;
    DuplicateCopies d;
    d.name = name;
    d.versions.assign(versions.begin(), versions.end());
    std::sort(d.versions.begin(), d.versions.end(), [](const std::string& a, const std::string& b) {
      return semver::sort_order(*semver::Version::parse(a), *semver::Version::parse(b)) < 0;
    });
    plan.duplicates.push_back(std::move(d));
  }

  // Edits to the app's package.json files.
  auto listing = [&](const std::string& name) {
    std::vector<std::pair<std::string, std::string>> out;  // workspace, spec
    for (const WorkspacePackage& wp : request.app.packages) {
      if (auto it = wp.manifest.dependencies.find(name); it != wp.manifest.dependencies.end()) {
        out.emplace_back(wp.path.empty() ? "." : wp.path, it->second);
      }
    }
    return out;
  };
  auto satisfies = [](const std::string& spec, const std::string& version) {
    auto r = semver::Range::parse(spec);
    auto v = semver::Version::parse(version);
    return r && v && r->versions().contains(*v);
  };
  for (const PackageChange& c : request.changes) {
    const auto current = listing(c.name);
    if (c.kind == ChangeKind::kRemove) {
      for (const auto& [ws, spec] : current) plan.edits.push_back({manifest_file(ws), "dependencies", c.name, spec, ""});
      continue;
    }
    auto hv = host_version.find(c.name);
    if (hv == host_version.end()) continue;  // external
    const std::string wanted = c.kind == ChangeKind::kAdd && !c.range.empty() ? c.range : "^" + hv->second;
    const Manifest* m = packuments[c.name] ? packuments[c.name]->find(hv->second) : nullptr;
    const std::string target = pick_workspace(request, c, m);
    bool target_listed = false;
    for (const auto& [ws, spec] : current) {
      if (ws == target) target_listed = true;
      if (spec != wanted && (ws == target || !satisfies(spec, hv->second))) {
        plan.edits.push_back({manifest_file(ws), "dependencies", c.name, spec, wanted});
      }
    }
    if (!target_listed && c.kind == ChangeKind::kAdd) {
      plan.edits.push_back({manifest_file(target), "dependencies", c.name, "", wanted});
    }
  }
  if (root.release != previous_release && !root.release.empty()) {
    plan.edits.push_back({"backstage.json", "version", "backstage", previous_release, root.release});
    for (const AppDependency& d : app_dependencies(request.app)) {
      auto pin = root.release_pins.find(d.name);
      if (pin == root.release_pins.end()) continue;
      if (satisfies(d.spec, pin->second) || d.spec.starts_with("backstage:")) continue;
      plan.edits.push_back({manifest_file(d.workspace), "dependencies", d.name, d.spec, "^" + pin->second});
    }
  }
  std::sort(plan.edits.begin(), plan.edits.end(), [](const ManifestEdit& a, const ManifestEdit& b) {
    return std::tie(a.file, a.name, a.field) < std::tie(b.file, b.name, b.field);
  });
  plan.external.assign(e.external().begin(), e.external().end());
  for (const PlannedPackage& p : plan.packages) {
    if (e.unindexed().contains(p.name + "@" + p.version)) plan.unindexed.push_back(p.name + "@" + p.version);
  }
  std::set<std::string> skipped(e.skipped().begin(), e.skipped().end());
  for (std::uint32_t i = 1; i < nodes.size(); ++i) {
    if (nodes[i].decided < 0) continue;
    for (const std::string& sk : e.skipped_of(i, static_cast<std::uint32_t>(nodes[i].decided))) skipped.insert(sk);
  }
  plan.skipped.assign(skipped.begin(), skipped.end());
  plan.stats = e.stats();
  return plan;
}

}  // namespace

struct Solver::Cache {
  detail::SharedCache shared;
};

Solver::Solver(PackageSource& source) : source_(source), cache_(std::make_unique<Cache>()) {}
Solver::~Solver() = default;

Result<SolveOutcome> solve(const SolveRequest& request, PackageSource& source,
                           const std::function<void(const SolveProgress&)>& progress, std::stop_token stop) {
  Solver solver(source);
  return solver.solve(request, progress, std::move(stop));
}

Result<SolveOutcome> Solver::solve(const SolveRequest& request,
                                   const std::function<void(const SolveProgress&)>& progress, std::stop_token stop) {
  if (auto ok = validate(request); !ok) return ok.error();
  PackageSource& source = source_;
  detail::SharedCache& cache = cache_->shared;
  // The app's own release (backstage.json); a request.release that differs
  // from it is a release move, as an upgrade search finding one would be.
  const std::string previous_release = !request.app.backstage_version.empty() ? request.app.backstage_version
                                       : request.release                      ? request.release->version
                                                                              : std::string();

  // Releases to try: the app's, or with allow_release_upgrade every
  // candidate at or above it, lowest first.
  std::vector<const Release*> candidates;
  if (request.allow_release_upgrade && !request.releases.empty()) {
    std::optional<semver::Version> floor;
    if (!previous_release.empty()) {
      if (auto v = semver::Version::parse(previous_release)) floor = *v;
    }
    std::vector<std::pair<semver::Version, const Release*>> sorted;
    for (const Release& r : request.releases) {
      auto v = semver::Version::parse(r.version);
      if (!v || (floor && *v < *floor) || v->is_prerelease()) continue;
      sorted.emplace_back(*v, &r);
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [v, r] : sorted) candidates.push_back(r);
  }
  if (candidates.empty()) candidates.push_back(request.release ? &*request.release : nullptr);

  SolveOutcome outcome;
  SolveStats total;
  std::vector<std::string> tried;
  // The facts the last failure's proof used; a release that agrees on all
  // of them fails the same way and is skipped without solving.
  std::set<std::pair<std::string, std::string>> last_facts;
  for (const Release* release : candidates) {
    const bool moved = release && release->version != previous_release;
    auto prepared = prepare(request, release, moved);
    if (!prepared) return std::move(prepared).error();
    const detail::RootSpec& root = prepared->root;
    if (outcome.conflict) {
      bool same = true;
      for (const auto& entry : last_facts) {
        const std::string& name = entry.first;
        const std::string& fact = entry.second;
        if (fact == "nopin") {
          same = same && !root.release_pins.contains(name);
        } else if (fact.starts_with("pin:")) {
          auto pin = root.release_pins.find(name);
          same = same && pin != root.release_pins.end() && "pin:" + pin->second == fact;
        } else {
          same = same && std::any_of(root.edges.begin(), root.edges.end(), [&](const Edge& e) {
            return e.kind == EdgeKind::kAppPin && e.name == name && "app:" + e.origin + ":" + e.range == fact;
          });
        }
      }
      if (same) {
        tried.push_back(root.release);
        outcome.conflict->releases_tried = tried;
        outcome.conflict->stats.releases_tried = tried.size();
        continue;
      }
    }
    Engine engine(source, request.options, std::move(prepared->root), request.root_name, cache, progress, stop);
    const detail::RootSpec& spec = engine.root_spec();
    if (progress) progress(SolveProgress{spec.release, 0, 0});
    auto ran = engine.run();
    if (!ran) return std::move(ran).error();
    tried.push_back(spec.release);
    const SolveStats& s = engine.stats();
    total.decisions += s.decisions;
    total.conflicts += s.conflicts;
    total.propagations += s.propagations;
    total.incompatibilities += s.incompatibilities;
    total.packages_loaded += s.packages_loaded;
    total.releases_tried = tried.size();
    if (ran->solved) {
      InstallPlan plan = build_plan(engine, request, spec, previous_release);
      for (const std::string& sk : prepared->skipped) plan.skipped.push_back(sk);
      std::sort(plan.skipped.begin(), plan.skipped.end());
      plan.skipped.erase(std::unique(plan.skipped.begin(), plan.skipped.end()), plan.skipped.end());
      if (release && request.release && moved) {
        // What the app installs from the release: the plan's host-level
        // copies and the app's own dependencies (some may be outside the index).
        std::set<std::string> names;
        for (const PlannedPackage& p : plan.packages) {
          if (p.host_level) names.insert(p.name);
        }
        for (const AppDependency& d : app_dependencies(request.app)) names.insert(d.name);
        for (const PackageChange& c : request.changes) {
          if (c.kind == ChangeKind::kRemove) names.erase(c.name);
        }
        for (const std::string& name : names) {
          const std::string* from = request.release->find(name);
          const std::string* to = release->find(name);
          if (from && (!to || *from != *to)) plan.release_moves.push_back({name, *from, to ? *to : std::string()});
        }
      }
      plan.stats = total;
      outcome.plan = std::move(plan);
      outcome.conflict.reset();
      return outcome;
    }
    last_facts = engine.facts_used(ran->root_cause);
    Conflict conflict;
    conflict.explanation = engine.explain(ran->root_cause, conflict.packages);
    conflict.releases_tried = tried;
    conflict.stats = total;
    outcome.conflict = std::move(conflict);
  }
  return outcome;
}

}  // namespace callboard::solver
