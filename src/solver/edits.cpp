// plan_edits(): a solution as package.json edits in the app's package
// manager's own terms, so that installing them gives exactly the plan.
//
// What a package manager does with a range when nothing holds it (no
// lockfile entry, no override) is floated_version(): npm and pnpm take the
// `latest` dist-tag when it satisfies, yarn the highest satisfying version.
// A copy the plan wants at another version must be held:
//  - the app's own dependency on it gets a range that admits nothing newer
//    (the exact version, or `^v` when nothing newer fits in `^v`);
//  - a transitive copy gets an override in the root package.json, global
//    for the host-level copy, scoped to its dependers for a nested copy.
// A copy the lockfile already holds at the planned version needs nothing:
// every package manager keeps a locked version that still satisfies.
#include <algorithm>
#include <set>
#include <tuple>

#include "callboard/semver.hpp"
#include "solver/plan_detail.hpp"

namespace callboard::solver::detail {

std::string manifest_file(const std::string& workspace) {
  return workspace == "." || workspace.empty() ? "package.json" : workspace + "/package.json";
}

std::optional<std::string> floated_version(const Packument& packument, const std::string& range,
                                           PackageManager manager) {
  auto spec = semver::parse_specifier(range);
  if (!spec) return std::nullopt;
  if (spec->kind == semver::SpecifierKind::kTag) {
    auto tag = packument.dist_tags.find(spec->target);
    if (tag == packument.dist_tags.end() || !packument.find(tag->second)) return std::nullopt;
    return tag->second;
  }
  if (spec->kind != semver::SpecifierKind::kRange || !spec->range) return std::nullopt;
  const semver::VersionSet& set = spec->range->versions();
  auto admits = [&](const std::string& text) {
    auto v = semver::Version::parse(text);
    return v && set.contains(*v);
  };
  if (manager != PackageManager::kYarnClassic && manager != PackageManager::kYarnBerry) {
    if (auto tag = packument.dist_tags.find("latest");
        tag != packument.dist_tags.end() && packument.find(tag->second) && admits(tag->second)) {
      return tag->second;
    }
  }
  const bool skip_deprecated = manager == PackageManager::kNpm || manager == PackageManager::kPnpm;
  for (int pass = skip_deprecated ? 0 : 1; pass < 2; ++pass) {
    for (auto it = packument.versions.rbegin(); it != packument.versions.rend(); ++it) {
      if (pass == 0 && it->deprecated) continue;
      if (admits(it->version)) return it->version;
    }
  }
  return std::nullopt;
}

std::string pick_workspace(const SolveRequest& request, const PackageChange& change, const Manifest* manifest,
                           const Packument* packument) {
  if (!change.workspace.empty()) return change.workspace;
  if (request.app.packages.empty()) return ".";
  PackageRole role = manifest ? detect_role(*manifest) : PackageRole::kUnknown;
  if (role == PackageRole::kUnknown && packument) {
    // The chosen version says nothing: any version's role (newest first).
    for (auto it = packument->versions.rbegin(); it != packument->versions.rend() && role == PackageRole::kUnknown;
         ++it) {
      role = detect_role(*it);
    }
  }
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

namespace {

std::string_view manager_name(PackageManager m) {
  switch (m) {
    case PackageManager::kNpm: return "npm";
    case PackageManager::kYarnClassic:
    case PackageManager::kYarnBerry: return "yarn";
    case PackageManager::kPnpm: return "pnpm";
  }
  return "npm";
}

bool satisfies(const std::string& spec, const std::string& version) {
  auto r = semver::Range::parse(spec);
  auto v = semver::Version::parse(version);
  return r && v && r->versions().contains(*v);
}

class EditWriter {
 public:
  explicit EditWriter(const EditInputs& in) : in_(in), manager_(in.request.app.package_manager) {
    for (const WorkspacePackage& wp : in_.request.app.packages) {
      if (!wp.manifest.name.empty()) local_.insert(wp.manifest.name);
    }
  }

  std::vector<ManifestEdit> run() {
    for (const PlanCopy& c : in_.copies) {
      if (c.host_level) host_copy(c);
    }
    for (const PlanCopy& c : in_.copies) {
      if (!c.host_level) nested_copy(c);
    }
    requested_changes();
    unmet_peers();
    release_move();
    // An override of a name the app depends on directly: the app's range
    // becomes the same exact version (npm refuses an override that differs
    // from a direct dependency's spec, EOVERRIDE).
    for (const auto& [name, version] : global_overrides_) {
      for (const auto& [ws, spec] : listing(name)) {
        auto held = edits_.find({manifest_file(ws), std::vector<std::string>{field_of(ws, name), name}});
        if (held != edits_.end() && held->second.to == version) continue;
        if (spec != version) set_dependency(ws, name, spec, version, "the same version as its override (" +
                                                                         std::string(manager_name(manager_)) +
                                                                         " wants a direct dependency and its override to agree)");
      }
    }
    std::vector<ManifestEdit> out;
    for (auto& [key, edit] : edits_) out.push_back(std::move(edit));
    if (manager_ == PackageManager::kNpm) {
      // npm: a name that is overridden and also has overrides of its own
      // dependencies sets its own version under ".".
      std::set<std::string> scoped;
      for (const ManifestEdit& e : out) {
        if (e.path.size() == 3 && e.path[0] == "overrides") scoped.insert(e.path[1]);
      }
      for (ManifestEdit& e : out) {
        if (e.path.size() == 2 && e.path[0] == "overrides" && scoped.contains(e.path[1])) e.path.emplace_back(".");
      }
    }
    std::sort(out.begin(), out.end(), [](const ManifestEdit& a, const ManifestEdit& b) {
      return std::tie(a.file, a.path) < std::tie(b.file, b.path);
    });
    return out;
  }

 private:
  const Packument* packument(const std::string& name) const {
    auto it = in_.packuments.find(name);
    return it == in_.packuments.end() ? nullptr : it->second.get();
  }

  /// (workspace, spec) for each app package.json that lists `name` (in
  /// `dependencies`, or `devDependencies` when those count).
  std::vector<std::pair<std::string, std::string>> listing(const std::string& name) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const WorkspacePackage& wp : in_.request.app.packages) {
      if (auto it = wp.manifest.dependencies.find(name); it != wp.manifest.dependencies.end()) {
        out.emplace_back(wp.path.empty() ? "." : wp.path, it->second);
      } else if (auto dev = wp.manifest.dev_dependencies.find(name);
                 in_.request.options.dev_dependencies && dev != wp.manifest.dev_dependencies.end()) {
        out.emplace_back(wp.path.empty() ? "." : wp.path, dev->second);
      }
    }
    return out;
  }

  /// The member of a workspace's package.json that lists `name`:
  /// "devDependencies" when only that one does, else "dependencies" (where
  /// an added package goes).
  std::string field_of(const std::string& workspace, const std::string& name) const {
    for (const WorkspacePackage& wp : in_.request.app.packages) {
      if ((wp.path.empty() ? "." : wp.path) != workspace) continue;
      if (!wp.manifest.dependencies.contains(name) && wp.manifest.dev_dependencies.contains(name) &&
          in_.request.options.dev_dependencies) {
        return "devDependencies";
      }
    }
    return "dependencies";
  }

  bool changed(const std::string& name) const {
    return std::any_of(in_.request.changes.begin(), in_.request.changes.end(),
                       [&](const PackageChange& c) { return c.name == name; });
  }

  /// The range to write for the app's dependency on `name` at `version`:
  /// `^version` when the package manager would install `version` for it,
  /// else the exact version.
  std::string hold_spec(const std::string& name, const std::string& version) const {
    const Packument* pk = packument(name);
    const std::string caret = "^" + version;
    if (pk && floated_version(*pk, caret, manager_) == version) return caret;
    return version;
  }

  /// Would the package manager install `version` for `range` on its own?
  bool floats_to(const std::string& name, const std::string& range, const std::string& version) const {
    const Packument* pk = packument(name);
    return pk && floated_version(*pk, range, manager_) == version;
  }

  std::string why_held(const std::string& name, const std::string& version, const std::string& range) const {
    const Packument* pk = packument(name);
    auto floated = pk ? floated_version(*pk, range, manager_) : std::nullopt;
    std::string why = "holds " + version;
    if (floated) why += ": " + std::string(manager_name(manager_)) + " would install " + *floated + " for " + range;
    return why;
  }

  void add_edit(ManifestEdit e) {
    const auto key = std::pair{e.file, e.path};
    edits_[key] = std::move(e);
  }

  void set_dependency(const std::string& workspace, const std::string& name, std::optional<std::string> from,
                      std::optional<std::string> to, std::string reason) {
    add_edit(ManifestEdit{manifest_file(workspace), {field_of(workspace, name), name}, name, std::move(from),
                          std::move(to), std::move(reason)});
  }

  /// The override member for `name`, global or under `parent`.
  std::vector<std::string> override_path(const std::string& name, const std::string& parent) const {
    switch (manager_) {
      case PackageManager::kNpm:
        if (parent.empty()) return {"overrides", name};
        return {"overrides", parent, name};
      case PackageManager::kYarnClassic:
      case PackageManager::kYarnBerry:
        return {"resolutions", parent.empty() ? name : parent + "/" + name};
      case PackageManager::kPnpm:
        return {"pnpm", "overrides", parent.empty() ? name : parent + ">" + name};
    }
    return {"overrides", name};
  }

  void set_override(const std::string& name, const std::string& parent, const std::string& version,
                    std::string reason) {
    std::vector<std::string> path = override_path(name, parent);
    add_edit(ManifestEdit{"package.json", std::move(path), name, std::nullopt, version, std::move(reason)});
    if (parent.empty()) global_overrides_[name] = version;
  }

  /// Does the lockfile already make the package manager install `version`
  /// for this requirement? npm and pnpm reuse a locked copy that satisfies a
  /// new range; yarn resolves each descriptor (name@range) on its own, so
  /// only a locked entry for that very range holds.
  bool held_by_lock(const PlanCopy& c, const Requirement& r) const {
    if (manager_ == PackageManager::kYarnClassic || manager_ == PackageManager::kYarnBerry) {
      for (const LockedPackage& l : in_.request.app.locked) {
        if (l.name == c.name && l.version == c.version &&
            std::find(l.descriptors.begin(), l.descriptors.end(), r.range) != l.descriptors.end()) {
          return true;
        }
      }
      return false;
    }
    if (c.host_level) {
      auto it = in_.lock.host.find(c.name);
      return it != in_.lock.host.end() && it->second == c.version;
    }
    return in_.lock.any.contains({c.name, c.version});
  }

  void host_copy(const PlanCopy& c) {
    // The app's own ranges on it.
    for (const Requirement& r : c.requirements) {
      if (!r.parent.empty() || r.kind != EdgeKind::kAppPin) continue;
      if (held_by_lock(c, r) || floats_to(c.name, r.range, c.version)) continue;
      if (changed(c.name)) continue;  // requested_changes() writes it
      for (const auto& [ws, spec] : listing(c.name)) {
        if (ws == (r.workspace.empty() ? "." : r.workspace)) {
          set_dependency(ws, c.name, spec, hold_spec(c.name, c.version), why_held(c.name, c.version, spec));
        }
      }
    }
    // Transitive requirements: any range the package manager would float
    // past the planned version needs an override (which one it meets first
    // depends on its walk, so all must agree).
    for (const Requirement& r : c.requirements) {
      if (r.parent.empty() || local_.contains(r.parent)) continue;
      if (held_by_lock(c, r) || floats_to(c.name, r.range, c.version)) continue;
      set_override(c.name, "", c.version, why_held(c.name, c.version, r.range) + " (required by " + r.parent + " " +
                                              r.parent_version + ")");
      break;
    }
  }

  void nested_copy(const PlanCopy& c) {
    const bool global = global_overrides_.contains(c.name);
    for (const Requirement& r : c.requirements) {
      if (r.parent.empty() || local_.contains(r.parent)) continue;
      if (!global && (held_by_lock(c, r) || floats_to(c.name, r.range, c.version))) continue;
      std::string reason = global ? "keeps " + c.name + " " + c.version + " under " + r.parent + " " +
                                        r.parent_version + " (the global override would replace it)"
                                  : why_held(c.name, c.version, r.range) + " under " + r.parent + " " + r.parent_version;
      set_override(c.name, parent_selector(r), c.version, std::move(reason));
    }
  }

  /// The parent of a scoped override: its name, or with several planned
  /// versions of it "name@version" (npm and pnpm take a spec there; an
  /// override under readable-stream for 3.6.2's string_decoder must not
  /// reach 4.8.0's). yarn's `parent/child` takes no version.
  std::string parent_selector(const Requirement& r) const {
    if (manager_ != PackageManager::kNpm && manager_ != PackageManager::kPnpm) return r.parent;
    std::set<std::string> versions;
    for (const PlanCopy& other : in_.copies) {
      if (other.name == r.parent) versions.insert(other.version);
    }
    return versions.size() > 1 ? r.parent + "@" + r.parent_version : r.parent;
  }

  /// The workspace whose package.json lists `name` (a requested add goes
  /// where requested_changes() puts it); empty when the app does not list it.
  std::string workspace_of(const std::string& name) const {
    for (const auto& [ws, spec] : listing(name)) return ws;
    for (const PackageChange& c : in_.request.changes) {
      if (c.name != name || c.kind != ChangeKind::kAdd) continue;
      auto hv = in_.host_version.find(c.name);
      const Packument* pk = packument(c.name);
      const Manifest* m = pk && hv != in_.host_version.end() ? pk->find(hv->second) : nullptr;
      return pick_workspace(in_.request, c, m, pk);
    }
    return {};
  }

  /// yarn (classic and berry) does not install peer dependencies: a peer
  /// the app does not list, and that no planned package depends on, would
  /// be missing. It becomes a dependency of the workspace that lists its
  /// depender (else the root), at the planned version.
  void unmet_peers() {
    if (manager_ != PackageManager::kYarnClassic && manager_ != PackageManager::kYarnBerry) return;
    for (const PlanCopy& c : in_.copies) {
      if (!c.host_level || local_.contains(c.name) || !listing(c.name).empty() || changed(c.name)) continue;
      const Requirement* peer = nullptr;
      bool depended_on = false;
      for (const Requirement& r : c.requirements) {
        if (r.kind == EdgeKind::kPeer && !peer) peer = &r;
        if (r.kind == EdgeKind::kDependency || r.kind == EdgeKind::kAppPin || r.kind == EdgeKind::kRequest) {
          depended_on = true;
        }
      }
      if (!peer || depended_on) continue;
      std::string ws = workspace_of(peer->parent);
      if (ws.empty()) ws = ".";
      set_dependency(ws, c.name, std::nullopt, hold_spec(c.name, c.version),
                     "yarn does not install peer dependencies: " + peer->parent + " " + peer->parent_version +
                         " peers " + c.name + " " + peer->range);
    }
  }

  void requested_changes() {
    for (const PackageChange& c : in_.request.changes) {
      const auto current = listing(c.name);
      if (c.kind == ChangeKind::kRemove) {
        for (const auto& [ws, spec] : current) set_dependency(ws, c.name, spec, std::nullopt, "removal requested");
        continue;
      }
      auto hv = in_.host_version.find(c.name);
      if (hv == in_.host_version.end()) continue;  // external
      const Packument* pk = packument(c.name);
      std::string wanted = hold_spec(c.name, hv->second);
      // A range the user gave is kept when it holds the chosen version.
      if (c.kind == ChangeKind::kAdd && !c.range.empty() && pk &&
          floated_version(*pk, c.range, manager_) == hv->second) {
        wanted = c.range;
      }
      const Manifest* m = pk ? pk->find(hv->second) : nullptr;
      const std::string target = pick_workspace(in_.request, c, m, pk);
      bool target_listed = false;
      for (const auto& [ws, spec] : current) {
        if (ws == target) target_listed = true;
        if (spec != wanted && (ws == target || !satisfies(spec, hv->second) || !floats_to(c.name, spec, hv->second))) {
          set_dependency(ws, c.name, spec, wanted, std::string(to_string(c.kind)) + " requested");
        }
      }
      if (!target_listed && c.kind == ChangeKind::kAdd) {
        set_dependency(target, c.name, std::nullopt, wanted, "add requested");
      }
    }
  }

  void release_move() {
    const RootSpec& root = in_.root;
    if (root.release == in_.previous_release || root.release.empty()) return;
    add_edit(ManifestEdit{"backstage.json",
                          {"version"},
                          "backstage",
                          in_.previous_release.empty() ? std::nullopt : std::optional<std::string>(in_.previous_release),
                          root.release,
                          "moves the app to Backstage " + root.release});
    for (const WorkspacePackage& wp : in_.request.app.packages) {
      const std::string ws = wp.path.empty() ? "." : wp.path;
      std::vector<std::pair<std::string, std::string>> listed(wp.manifest.dependencies.begin(),
                                                              wp.manifest.dependencies.end());
      if (in_.request.options.dev_dependencies) {
        for (const auto& [name, spec] : wp.manifest.dev_dependencies) {
          if (!wp.manifest.dependencies.contains(name)) listed.emplace_back(name, spec);
        }
      }
      for (const auto& [name, spec] : listed) {
        if (local_.contains(name) || changed(name) || spec.starts_with("backstage:")) continue;
        auto pin = root.release_pins.find(name);
        if (pin == root.release_pins.end()) continue;
        auto hv = in_.host_version.find(name);
        const std::string version = hv != in_.host_version.end() ? hv->second : pin->second;
        if (satisfies(spec, version) && floats_to(name, spec, version)) continue;
        const auto key = std::pair{manifest_file(ws), std::vector<std::string>{field_of(ws, name), name}};
        if (edits_.contains(key)) continue;
        set_dependency(ws, name, spec, hold_spec(name, version), "Backstage " + root.release + " ships " + version);
      }
    }
  }

  const EditInputs& in_;
  PackageManager manager_;
  std::set<std::string> local_;
  std::map<std::pair<std::string, std::vector<std::string>>, ManifestEdit> edits_;
  std::map<std::string, std::string> global_overrides_;
};

}  // namespace

std::vector<ManifestEdit> plan_edits(const EditInputs& in) { return EditWriter(in).run(); }

}  // namespace callboard::solver::detail
