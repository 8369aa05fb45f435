// solve(): the request and the app become the root's requirements and the
// host pins; the engine runs (once, or once per candidate release); a
// solution becomes an install plan with reasons, edits and duplicates.
#include <algorithm>
#include <set>
#include <utility>

#include "callboard/backstage.hpp"
#include "callboard/semver.hpp"
#include "callboard/solver.hpp"
#include "solver/engine.hpp"
#include "solver/plan_detail.hpp"

namespace callboard::solver {

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::kAdd: return "add";
    case ChangeKind::kUpgrade: return "upgrade";
    case ChangeKind::kRemove: return "remove";
  }
  return "add";
}

std::string_view to_string(PlanAction action) noexcept {
  switch (action) {
    case PlanAction::kAdd: return "add";
    case PlanAction::kUpgrade: return "upgrade";
    case PlanAction::kDowngrade: return "downgrade";
    case PlanAction::kKeep: return "keep";
    case PlanAction::kRemove: return "remove";
  }
  return "add";
}

std::string_view to_string(ReasonKind kind) noexcept {
  switch (kind) {
    case ReasonKind::kUnspecified: return "unspecified";
    case ReasonKind::kReleasePin: return "release-pin";
    case ReasonKind::kReleasePinRange: return "release-pin-range";
    case ReasonKind::kAlreadyInstalled: return "already-installed";
    case ReasonKind::kNewestAllowed: return "newest-allowed";
    case ReasonKind::kHeldByConflict: return "held-by-conflict";
    case ReasonKind::kRemovalRequested: return "removal-requested";
    case ReasonKind::kNoLongerRequired: return "no-longer-required";
  }
  return "unspecified";
}


namespace {

using detail::Edge;
using detail::EdgeKind;
using detail::Engine;
using detail::Node;
using detail::NodeKind;
using detail::manifest_file;

struct AppDependency {
  std::string workspace;  // "." or "packages/backend"
  std::string name;
  std::string spec;
};

/// The app's own requirements: every workspace's `dependencies`, and with
/// options.dev_dependencies its `devDependencies` too (a name in both is
/// the dependency), as `npm install` installs both.
std::vector<AppDependency> app_dependencies(const SolveRequest& request) {
  const AppProfile& app = request.app;
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
    if (!request.options.dev_dependencies) continue;
    for (const auto& [name, spec] : wp.manifest.dev_dependencies) {
      if (local.contains(name) || wp.manifest.dependencies.contains(name)) continue;
      out.push_back({wp.path.empty() ? "." : wp.path, name, spec});
    }
  }
  return out;
}

/// The lockfile's host-level copy of each name: the entry marked host-level,
/// else (a lockfile that does not say where copies sit) the highest version.
std::map<std::string, std::string, std::less<>> locked_host_versions(const AppProfile& app) {
  std::map<std::string, std::string, std::less<>> out;
  std::set<std::string, std::less<>> marked;
  for (const LockedPackage& l : app.locked) {
    if (l.host_level) {
      out[l.name] = l.version;
      marked.insert(l.name);
    }
  }
  for (const LockedPackage& l : app.locked) {
    if (marked.contains(l.name)) continue;
    auto it = out.find(l.name);
    if (it == out.end()) {
      out.emplace(l.name, l.version);
    } else if (auto a = semver::Version::parse(it->second), b = semver::Version::parse(l.version);
               a && b && *a < *b) {
      it->second = l.version;
    }
  }
  return out;
}

struct Prepared {
  detail::RootSpec root;
  std::vector<std::string> skipped;
};

Result<Prepared> prepare(const SolveRequest& request, const Release* release, bool release_moved) {
  Prepared p;
  // npm places a nested package's peer beside it; pnpm resolves a peer
  // from the dependent's ancestors (the app's own copy first, with a
  // warning when its range disagrees); yarn installs no peers.
  p.root.nested_peers = request.app.package_manager == PackageManager::kNpm;
  std::set<std::string, std::less<>> changed;
  for (const PackageChange& c : request.changes) changed.insert(c.name);
  if (release) {
    p.root.release = release->version;
    for (const auto& [name, version] : release->packages) p.root.release_pins.emplace(name, version);
  }
  p.root.locked = locked_host_versions(request.app);
  for (const AppDependency& d : app_dependencies(request)) {
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
  std::string kind = edge.optional ? "optional dependency" : "dependency";
  if (edge.kind == EdgeKind::kPeer) kind = "peer";
  if (edge.kind == EdgeKind::kOptionalPeer) kind = "optional peer";
  return n.name + " " + e.version_text(from, from_version) + " " + kind + " " + edge.range;
}

void set_action(PlannedPackage& p, const detail::LockView& lock) {
  if (p.host_level) {
    if (auto it = lock.host.find(p.name); it != lock.host.end()) p.previous = it->second;
  } else if (lock.any.contains({p.name, p.version})) {
    p.previous = p.version;
  }
  if (!p.previous) {
    p.action = PlanAction::kAdd;
    return;
  }
  const auto a = semver::Version::parse(*p.previous);
  const auto b = semver::Version::parse(p.version);
  if (*p.previous == p.version) {
    p.action = PlanAction::kKeep;
  } else if (a && b && *a < *b) {
    p.action = PlanAction::kUpgrade;
  } else {
    p.action = PlanAction::kDowngrade;
  }
}

InstallPlan build_plan(Engine& e, const SolveRequest& request, const detail::RootSpec& root,
                       const std::string& previous_release, const std::set<std::string>& baseline_host) {
  InstallPlan plan;
  plan.release = root.release;
  plan.previous_release = previous_release;
  plan.package_manager = request.app.package_manager;
  const auto& nodes = e.nodes();
  auto decided = [&](std::uint32_t i) { return static_cast<std::uint32_t>(nodes[i].decided); };

  // pnpm resolves a package's peer from its parent's own dependency on the
  // name when the parent has one, else from the host level (warning when
  // the range disagrees; the solve for pnpm enforces only what it must).
  // Which copies meet each peer edge then, and which nodes the install
  // reaches: a host copy only peers asked for may be left out.
  const bool pnpm = request.app.package_manager == PackageManager::kPnpm;
  std::map<std::string, std::uint32_t> host_id;
  for (std::uint32_t i = 1; i < nodes.size(); ++i) {
    if (nodes[i].kind == NodeKind::kHost && nodes[i].decided >= 0) host_id[nodes[i].name] = i;
  }
  auto dependency_target = [&](std::uint32_t i, const Edge& edge) -> std::optional<std::uint32_t> {
    if (e.met_by_copy(i, edge)) {
      auto c = e.copy_used(i, decided(i), edge.name, edge.range);
      if (c && nodes[*c].decided >= 0) return c;
      return std::nullopt;
    }
    auto h = host_id.find(edge.name);
    return h == host_id.end() ? std::nullopt : std::optional<std::uint32_t>(h->second);
  };
  std::vector<bool> reached(nodes.size(), !pnpm);
  std::map<std::pair<std::uint32_t, std::string>, std::set<std::uint32_t>> peer_targets;
  if (pnpm) {
    // What dependencies alone reach from the app, and who depends on whom
    // there: the parents a peer is resolved from, and the versions pnpm
    // can reuse for a peer.
    std::vector<std::set<std::uint32_t>> parents(nodes.size());
    std::vector<bool> by_dependency(nodes.size(), false);
    std::vector<std::uint32_t> pending{0};
    by_dependency[0] = true;
    while (!pending.empty()) {
      const std::uint32_t i = pending.back();
      pending.pop_back();
      const std::vector<Edge> edges = e.edges_of(i, decided(i));
      for (const Edge& edge : edges) {
        if (edge.kind == EdgeKind::kPeer || edge.kind == EdgeKind::kOptionalPeer) continue;
        auto t = dependency_target(i, edge);
        if (!t) continue;
        parents[*t].insert(i);
        if (!by_dependency[*t]) {
          by_dependency[*t] = true;
          pending.push_back(*t);
        }
      }
    }
    std::vector<std::uint32_t> queue{0};
    reached[0] = true;
    while (!queue.empty()) {
      const std::uint32_t i = queue.back();
      queue.pop_back();
      const std::vector<Edge> edges = e.edges_of(i, decided(i));
      for (const Edge& edge : edges) {
        std::set<std::uint32_t> targets;
        const bool peer = edge.kind == EdgeKind::kPeer || edge.kind == EdgeKind::kOptionalPeer;
        if (peer && nodes[i].kind != NodeKind::kRoot) {
          bool from_host = parents[i].empty();
          for (std::uint32_t parent : parents[i]) {
            std::optional<std::uint32_t> own;
            for (const Edge& pe : e.edges_of(parent, decided(parent))) {
              if (pe.name == edge.name && (pe.kind == EdgeKind::kDependency || pe.kind == EdgeKind::kAppPin)) {
                own = dependency_target(parent, pe);
              }
            }
            if (own) targets.insert(*own); else from_host = true;
          }
          if (from_host) {
            // No parent has it: pnpm reuses a version some dependency already
            // brings in when the range admits one (the highest), else it
            // installs one (the solver's host-level choice).
            const auto range = semver::Range::parse(edge.range);
            std::optional<std::uint32_t> reuse;
            if (range) {
              for (std::uint32_t t = 1; t < nodes.size(); ++t) {
                if (nodes[t].decided < 0 || nodes[t].name != edge.name || !by_dependency[t]) continue;
                const semver::Version& tv = nodes[t].versions[decided(t)];
                if (!range->versions().contains(tv)) continue;
                if (!reuse || nodes[*reuse].versions[decided(*reuse)] < tv) reuse = t;
              }
            }
            if (reuse) {
              targets.insert(*reuse);
            } else if (auto h = host_id.find(edge.name); h != host_id.end()) {
              targets.insert(h->second);
            }
          }
          peer_targets[{i, edge.name}] = targets;
        } else if (auto t = dependency_target(i, edge)) {
          targets.insert(*t);
        }
        for (std::uint32_t t : targets) {
          if (!reached[t]) {
            reached[t] = true;
            queue.push_back(t);
          }
        }
      }
    }
  }

  // Chosen versions, by name: host-level first.
  std::map<std::string, std::string> host_version;
  std::map<std::string, std::set<std::string>> copy_versions;
  for (std::uint32_t i = 1; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.decided < 0 || !reached[i]) continue;
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
      if (!e.pin_allows(name, text)) continue;
      // A copy whose peers sit beside it (npm) stays nested unless those
      // peers are the host-level versions too.
      bool peers_at_host = true;
      for (std::uint32_t c = 1; c < nodes.size(); ++c) {
        if (nodes[c].kind != NodeKind::kCopy || nodes[c].name != name || nodes[c].decided < 0) continue;
        if (e.version_text(c, decided(c)) != text) continue;
        for (const Edge& edge : e.edges_of(c, decided(c))) {
          if (edge.kind != EdgeKind::kPeer || !e.met_by_copy(c, edge)) continue;
          auto peer = e.copy_used(c, decided(c), edge.name, edge.range);
          if (!peer || nodes[*peer].decided < 0) continue;
          auto hv = host_version.find(edge.name);
          peers_at_host = peers_at_host && hv != host_version.end() &&
                          hv->second == e.version_text(*peer, decided(*peer));
        }
      }
      if (!peers_at_host) continue;
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
  using Key = std::tuple<std::string, std::string, bool>;
  std::map<Key, std::vector<std::string>> required_by;
  std::map<Key, std::vector<detail::Requirement>> requirements;
  std::map<std::pair<std::uint32_t, std::uint32_t>, bool> parent_host_level;
  // A copy is the host-level one when it has the host-level version and
  // each peer it has beside it is the host-level version too; otherwise npm
  // nests it under its depender with its own peers.
  auto is_host_copy = [&](std::uint32_t node, std::uint32_t v) {
    const Node& n = nodes[node];
    if (n.kind == NodeKind::kHost) return true;
    auto hv = host_version.find(n.name);
    if (hv == host_version.end() || hv->second != e.version_text(node, v)) return false;
    for (const Edge& edge : e.edges_of(node, v)) {
      if (edge.kind != EdgeKind::kPeer || !e.met_by_copy(node, edge)) continue;
      auto c = e.copy_used(node, v, edge.name, edge.range);
      if (!c || nodes[*c].decided < 0) continue;
      auto peer_host = host_version.find(edge.name);
      if (peer_host == host_version.end() ||
          peer_host->second != e.version_text(*c, static_cast<std::uint32_t>(nodes[*c].decided))) {
        return false;
      }
    }
    return true;
  };
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.decided < 0 || !reached[i]) continue;
    const auto v = static_cast<std::uint32_t>(n.decided);
    const std::vector<Edge> edges = e.edges_of(i, v);
    for (const Edge& edge : edges) {
      std::string version;
      bool host_level = true;
      if (auto resolved = peer_targets.find({i, edge.name}); resolved != peer_targets.end()) {
        // pnpm: met by what the parent has (see above), one requirement each.
        for (std::uint32_t t : resolved->second) {
          const std::string tv = e.version_text(t, decided(t));
          auto hv = host_version.find(edge.name);
          const bool at_host = nodes[t].kind == NodeKind::kHost || (hv != host_version.end() && hv->second == tv);
          const auto key = Key{edge.name, tv, at_host};
          const auto range = semver::Range::parse(edge.range);
          const auto version = semver::Version::parse(tv);
          if (range && version && !range->versions().contains(*version)) {
            plan.findings.push_back(PlanFinding{
                "peer-unmet", "warning", edge.name,
                n.name + " " + e.version_text(i, v) + " wants " + edge.name + " " + edge.range +
                    " as a peer, but pnpm gives it " + tv + " (from its parent, or the app) and warns: check "
                    "that the plugin works with it"});
          }
          required_by[key].push_back(requirement_text(e, i, v, edge, request.root_name));
          detail::Requirement r;
          r.parent = n.name;
          r.parent_version = e.version_text(i, v);
          r.parent_host_level = is_host_copy(i, v);
          r.kind = edge.kind;
          r.range = edge.range;
          requirements[key].push_back(std::move(r));
        }
        continue;
      }
      if (e.met_by_copy(i, edge)) {
        // Met by the copy for this requirement; it is host-level when it
        // equals the host-level version (and its peers do: is_host_copy).
        auto c = e.copy_used(i, v, edge.name, edge.range);
        if (c && nodes[*c].decided >= 0) {
          version = e.version_text(*c, static_cast<std::uint32_t>(nodes[*c].decided));
        }
        if (version.empty()) continue;  // external or skipped
        host_level = is_host_copy(*c, static_cast<std::uint32_t>(nodes[*c].decided));
      } else {
        auto it = host_version.find(edge.name);
        if (it == host_version.end()) continue;  // absent optional peer, external
        version = it->second;
      }
      const auto key = Key{edge.name, version, host_level};
      required_by[key].push_back(requirement_text(e, i, v, edge, request.root_name));
      detail::Requirement r;
      if (n.kind != NodeKind::kRoot) {
        r.parent = n.name;
        r.parent_version = e.version_text(i, v);
        r.parent_host_level = is_host_copy(i, v);
      }
      r.kind = edge.kind;
      r.range = edge.range;
      r.workspace = edge.origin;
      requirements[key].push_back(std::move(r));
    }
  }

  std::map<std::string, std::shared_ptr<const Packument>> packuments;
  for (const Node& n : nodes) {
    if (n.kind != NodeKind::kRoot && n.packument) packuments[n.name] = n.packument;
  }
  const detail::LockView lock = detail::lock_view(request.app);
  std::vector<detail::PlanCopy> copies;
  for (auto& [key, requirers] : required_by) {
    const auto& [name, version, host_level] = key;
    PlannedPackage p;
    p.name = name;
    p.version = version;
    p.host_level = host_level;
    // With compatible pins: who needs more than the pin (same order as
    // the requirements, before sorting).
    const auto pin_of = root.release_pins.find(name);
    std::vector<std::string> beyond_pin;
    if (host_level && pin_of != root.release_pins.end() && pin_of->second != version &&
        !e.pin_substitutes().contains(name)) {
      const auto pinned = semver::Version::parse(pin_of->second);
      const std::vector<detail::Requirement>& reqs = requirements[key];
      for (std::size_t j = 0; j < reqs.size() && j < requirers.size() && pinned; ++j) {
        auto range = semver::Range::parse(reqs[j].range);
        if (range && !range->versions().contains(*pinned)) beyond_pin.push_back(requirers[j]);
      }
      std::sort(beyond_pin.begin(), beyond_pin.end());
      beyond_pin.erase(std::unique(beyond_pin.begin(), beyond_pin.end()), beyond_pin.end());
    }
    std::sort(requirers.begin(), requirers.end());
    requirers.erase(std::unique(requirers.begin(), requirers.end()), requirers.end());
    p.required_by = requirers;
    set_action(p, lock);
    std::vector<std::string> ranges;
    for (const detail::Requirement& r : requirements[key]) ranges.push_back(r.range);
    // Why this version.
    const auto pin = root.release_pins.find(name);
    if (host_level && pin != root.release_pins.end() && pin->second != version && e.pin_allows(name, version) &&
        !e.pin_substitutes().contains(name)) {
      // A served pin moved inside ^pin (compatible pins).
      p.reason_kind = ReasonKind::kReleasePinRange;
      if (p.previous && *p.previous == version && beyond_pin.empty()) {
        p.reason = "already installed (Backstage " + root.release + " pins " + pin->second + "; " + version +
                   " is in ^" + pin->second + ")";
      } else {
        p.reason = "Backstage " + root.release + " pins " + pin->second + "; " + version +
                   " is the nearest version in ^" + pin->second + " that every requirement accepts";
        std::string who;
        for (const std::string& w : beyond_pin) who += (who.empty() ? "" : "; ") + w;
        plan.findings.push_back(PlanFinding{
            "release-pin-moved", "warning", name,
            "Backstage " + root.release + " pins " + name + " " + pin->second + ", but " +
                (who.empty() ? std::string("the other choices") : who) + " need" +
                (beyond_pin.size() == 1 ? "s" : "") + " a newer one; the plan takes " + version + " (in ^" +
                pin->second + "), a version this release was not tested with"});
      }
    } else if (host_level && pin != root.release_pins.end() && e.pin_allows(name, version)) {
      p.reason_kind = ReasonKind::kReleasePin;
      p.reason = "pinned by Backstage " + root.release;
      if (pin->second != version) {
        p.reason += " to " + pin->second + ", which your registry does not serve; " + version +
                    " is the served version in ^" + pin->second + " that fits";
      }
    } else if (p.previous && *p.previous == version && !root.requested.contains(name)) {
      p.reason_kind = ReasonKind::kAlreadyInstalled;
      p.reason = "already installed";
    } else {
      // Is there a newer version every requirement on this copy accepts?
      std::string newer;
      static const Packument kNone;
      const Packument& pk = packuments[name] ? *packuments[name] : kNone;
      const auto chosen = semver::Version::parse(version);
      for (auto it = pk.versions.rbegin(); it != pk.versions.rend(); ++it) {
        auto v = semver::Version::parse(it->version);
        if (!v || !chosen || !(*chosen < *v)) break;
        bool all = true;
        for (const std::string& r : ranges) {
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
        p.reason_kind = ReasonKind::kNewestAllowed;
        p.reason = base + "newest version its requirements allow";
      } else {
        p.reason_kind = ReasonKind::kHeldByConflict;
        p.reason = base + "newer " + newer + " matches its ranges but conflicts with other requirements";
      }
      if (!host_level) {
        auto hv = host_version.find(name);
        p.reason += hv == host_version.end() ? std::string("; nested copy (no host-level copy)")
                                             : "; nested copy (the host-level copy is " + hv->second + ")";
      }
    }
    copies.push_back(detail::PlanCopy{name, version, host_level, requirements[key]});
    plan.packages.push_back(std::move(p));
  }

  // Host-level copies the lockfile has that the change drops: requested
  // removals, and what only they needed (host-level names of the app as it
  // is, `baseline_host`, that the plan no longer has).
  {
    std::set<std::string> planned_host;
    for (const PlannedPackage& p : plan.packages) {
      if (p.host_level) planned_host.insert(p.name);
    }
    std::set<std::string> gone;
    for (const PackageChange& c : request.changes) {
      if (c.kind == ChangeKind::kRemove) gone.insert(c.name);
    }
    for (const std::string& name : baseline_host) gone.insert(name);
    for (const std::string& name : gone) {
      auto locked = lock.host.find(name);
      if (planned_host.contains(name) || locked == lock.host.end()) continue;
      PlannedPackage p;
      p.name = name;
      p.previous = locked->second;
      p.action = PlanAction::kRemove;
      const bool asked = std::any_of(request.changes.begin(), request.changes.end(), [&](const PackageChange& c) {
        return c.kind == ChangeKind::kRemove && c.name == name;
      });
      p.reason_kind = asked ? ReasonKind::kRemovalRequested : ReasonKind::kNoLongerRequired;
      p.reason = asked ? "removal requested" : "no longer required";
      plan.packages.push_back(std::move(p));
    }
  }

  std::sort(plan.packages.begin(), plan.packages.end(), [](const PlannedPackage& a, const PlannedPackage& b) {
    if (a.name != b.name) return a.name < b.name;
    if (a.host_level != b.host_level) return a.host_level;
    if (a.version.empty() || b.version.empty()) return a.version.empty() < b.version.empty();
    return *semver::Version::parse(a.version) < *semver::Version::parse(b.version);
  });
  std::map<std::string, std::set<std::string>> versions_by_name;
  for (const PlannedPackage& p : plan.packages) {
    if (p.action != PlanAction::kRemove) versions_by_name[p.name].insert(p.version);
  }
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

  plan.edits =
      detail::plan_edits(detail::EditInputs{request, root, packuments, copies, host_version, lock, previous_release});
  plan.external.assign(e.external().begin(), e.external().end());
  for (const auto& [name, sub] : e.pin_substitutes()) {
    auto hv = host_version.find(name);
    if (hv == host_version.end()) continue;
    plan.pin_substitutes.push_back(PinSubstitute{name, sub.pinned, hv->second});
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

void add_findings(InstallPlan& plan, const SolveRequest& request, const detail::RootSpec& root) {
  auto add = [&](std::string id, std::string severity, std::string package, std::string message) {
    plan.findings.push_back(PlanFinding{std::move(id), std::move(severity), std::move(package), std::move(message)});
  };
  for (const PinSubstitute& sub : plan.pin_substitutes) {
    add("release-pin-not-served", "warning", sub.name,
        "Backstage " + root.release + " pins " + sub.name + " " + sub.pinned +
            ", which your registry does not serve; the plan uses " + sub.chosen + " (served, in ^" + sub.pinned +
            ")");
  }
  if (request.app.lockfile != LockfileKind::kNone && !request.app.backstage_version.empty() &&
      request.release && request.release->version == request.app.backstage_version) {
    for (const auto& [name, version] : locked_host_versions(request.app)) {
      const std::string* pin = request.release->find(name);
      if (!pin || *pin == version) continue;
      add("lockfile-disagrees-with-release", "warning", name,
          "the lockfile has " + name + " " + version + " at the top of node_modules, but backstage.json says " +
              request.app.backstage_version + ", which pins " + *pin);
    }
  }
  if (request.app.lockfile == LockfileKind::kNone && !request.app.packages.empty()) {
    std::size_t held = 0;
    for (const ManifestEdit& e : plan.edits) held += e.path.size() > 1 && e.path[0] != "dependencies" && e.path[0] != "devDependencies" ? 1 : 0;
    add("no-lockfile", "info", "",
        "the app has no lockfile, so " + std::string(to_string(request.app.package_manager)) +
            " resolves every range afresh; the edits hold the planned versions (" + std::to_string(held) +
            " override" + (held == 1 ? "" : "s") + ")");
  }
  std::sort(plan.findings.begin(), plan.findings.end(), [](const PlanFinding& a, const PlanFinding& b) {
    return std::tie(a.id, a.package, a.message) < std::tie(b.id, b.package, b.message);
  });
  plan.findings.erase(std::unique(plan.findings.begin(), plan.findings.end()), plan.findings.end());
}

/// Rounds of peer relaxation before a lenient solve gives up.
constexpr std::size_t kMaxPeerRounds = 64;

bool strict_peers(const SolveRequest& request) {
  switch (request.options.peers) {
    case PeerRule::kStrict: return true;
    case PeerRule::kLenient: return false;
    case PeerRule::kFromApp: break;
  }
  return request.app.strict_peers.value_or(request.app.package_manager == PackageManager::kNpm);
}

}  // namespace

detail::LockView detail::lock_view(const AppProfile& app) {
  LockView v;
  if (app.lockfile == LockfileKind::kNone) return v;
  for (auto& [name, version] : locked_host_versions(app)) v.host.emplace(name, version);
  for (const LockedPackage& l : app.locked) v.any.emplace(l.name, l.version);
  return v;
}

struct Solver::Cache {
  detail::SharedCache shared;
};

Solver::Solver(PackageSource& source) : source_(source), cache_(std::make_unique<Cache>()) {}
Solver::~Solver() = default;

std::vector<Requirement> closure_roots(const SolveRequest& request) {
  std::set<std::string> local;
  for (const WorkspacePackage& wp : request.app.packages) {
    if (!wp.manifest.name.empty()) local.insert(wp.manifest.name);
  }
  std::vector<Requirement> roots;
  for (const AppDependency& d : app_dependencies(request)) {
    roots.push_back({d.name, d.spec, request.root_name + " (" + manifest_file(d.workspace) + ")"});
  }
  for (const PackageChange& c : request.changes) {
    if (c.kind == ChangeKind::kRemove || local.contains(c.name)) continue;
    roots.push_back({c.name, c.range.empty() ? std::string("*") : c.range, "requested"});
  }
  return roots;
}

Result<SolveOutcome> solve(const SolveRequest& request, PackageSource& source,
                           const std::function<void(const SolveProgress&)>& progress, std::stop_token stop) {
  Solver solver(source);
  return solver.solve(request, progress, std::move(stop));
}

Result<SolveOutcome> Solver::solve(const SolveRequest& request,
                                   const std::function<void(const SolveProgress&)>& progress, std::stop_token stop) {
  if (auto ok = validate(request); !ok) return ok.error();
  // A plan that meets every peer range first (each release's first round);
  // where the package manager only warns about peers, then one that lets go
  // of as few peer ranges as it can: those the conflicts rest on, round by
  // round (solve_pass).
  return solve_pass(request, !strict_peers(request), progress, std::move(stop));
}

Result<SolveOutcome> Solver::solve_pass(const SolveRequest& request, bool lenient_peers,
                                        const std::function<void(const SolveProgress&)>& progress,
                                        std::stop_token stop) {
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

  // The app as it is (same release, no change): what the lockfile's
  // host-level copies are there for, so the plan can say which ones the
  // change leaves behind. Only with a lockfile and a change.
  std::set<std::string> baseline_host;
  if (request.app.lockfile != LockfileKind::kNone && !request.changes.empty()) {
    SolveRequest as_is;
    as_is.app = request.app;
    as_is.options = request.options;
    as_is.root_name = request.root_name;
    if (request.release && request.release->version == previous_release) {
      as_is.release = request.release;
    } else {
      for (const Release& r : request.releases) {
        if (r.version == previous_release) as_is.release = r;
      }
    }
    auto base = solve(as_is, {}, stop);
    if (!base && base.error().code == ErrorCode::kCancelled) return std::move(base).error();
    if (base && base->plan) {
      for (const PlannedPackage& p : base->plan->packages) {
        if (p.host_level && p.action != PlanAction::kRemove) baseline_host.insert(p.name);
      }
    }
  }

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
    // Relaxing peers: each round lets the peer ranges the last proof rested
    // on go (a peer must still be present: one host-level copy), until a
    // plan is found or the proof needs no peer range.
    const detail::RootSpec base_root = std::move(prepared->root);
    std::set<std::pair<std::string, std::string>> relaxed;
    for (std::size_t round = 0;; ++round) {
      detail::RootSpec round_root = base_root;
      round_root.relaxed_peers = relaxed;
      Engine engine(source, request.options, std::move(round_root), request.root_name, cache, progress, stop);
      const detail::RootSpec& spec = engine.root_spec();
      if (progress) progress(SolveProgress{spec.release, 0, 0});
      auto ran = engine.run();
      if (!ran) return std::move(ran).error();
      if (round == 0) tried.push_back(spec.release);
      const SolveStats& s = engine.stats();
      total.decisions += s.decisions;
      total.conflicts += s.conflicts;
      total.propagations += s.propagations;
      total.incompatibilities += s.incompatibilities;
      total.packages_loaded += s.packages_loaded;
      total.releases_tried = tried.size();
      if (ran->solved) {
        InstallPlan plan = build_plan(engine, request, spec, previous_release, baseline_host);
        // pnpm's own peer resolution is judged in build_plan.
        const bool pnpm = request.app.package_manager == PackageManager::kPnpm;
        for (const detail::UnmetPeer& u : pnpm ? std::vector<detail::UnmetPeer>{} : engine.unmet_peers()) {
          plan.findings.push_back(PlanFinding{
              "peer-unmet", "warning", u.peer,
              u.depender + " wants " + u.peer + " " + u.range + " as a peer, but the plan has " + u.version + "; " +
                  std::string(to_string(request.app.package_manager)) +
                  " warns and installs it anyway: check that the plugin works with it"});
        }
        add_findings(plan, request, spec);
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
          for (const AppDependency& d : app_dependencies(request)) names.insert(d.name);
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
      if (lenient_peers && round < kMaxPeerRounds) {
        const std::size_t before = relaxed.size();
        for (const auto& edge : engine.peer_edges_used(ran->root_cause)) relaxed.insert(edge);
        if (relaxed.size() > before) continue;
      }
      last_facts = engine.facts_used(ran->root_cause);
      Conflict conflict;
      conflict.explanation = engine.explain(ran->root_cause, conflict.packages);
      conflict.ranges = engine.conflict_ranges(ran->root_cause);
      conflict.releases_tried = tried;
      conflict.stats = total;
      outcome.conflict = std::move(conflict);
      break;
    }
  }
  return outcome;
}

}  // namespace callboard::solver
