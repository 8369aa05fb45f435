// Grouping packages into plugins. The rules (the reference; the header
// summarises them):
//
// Metadata. Each package is described by its latest version's `backstage`
// field; when the latest has none, by the newest version that has one (a
// latest built without metadata should not drop the package out of its
// plugin). The role is detect_role() of that manifest.
//
// Kinds of package.
//  - `pluginId: null`, apps, CLIs and dynamic containers: not plugins.
//  - Modules (frontend-plugin-module, backend-plugin-module): attached to
//    the plugin they extend (see below).
//  - Members: frontend-plugin, backend-plugin, the three library roles and
//    unknown roles, with an id: the declared `pluginId`, else the id the
//    name suggests (derive_plugin_id; for frontend-plugin / backend-plugin
//    also names without a plugin marker). No id: not a plugin package.
//
// Groups. Members are joined (union-find) when they share (id, npm scope),
// when one lists the other in `pluginPackages`, or when one has `moved` to
// the other (the old name then stays listed among the plugin's packages,
// so a search for it still finds the plugin). A declared id only groups
// within its scope: "argo-cd" from two publishers is two plugins unless a
// `pluginPackages` list links them. A group is a plugin when it has a
// frontend-plugin or backend-plugin package; library-only groups are not.
//
// The plugin's id: the primary package's declared id; else the id most
// members declare (ties: smallest); else the primary's derived id. The
// primary package is the first by (not moved, not deprecated,
// frontend-plugin before backend-plugin before the rest, name).
//
// Id collisions (the same id from different groups): the group whose
// primary package is in @backstage keeps the plain id, else the one in
// @backstage-community, else the one whose packages were created first;
// the others become "<id>@<scope without @>" ("argocd@roadiehq"; an
// unscoped package uses its name as qualifier). First come keeps the id,
// so ids stay stable as new publishers appear.
//
// Modules. A module goes into the `modules` of the plugin holding its
// `pluginPackage`; when that package is not indexed, of the plugin with the
// module's `pluginId` (or the id derived from the pluginPackage's name) in
// the pluginPackage's scope. Without `pluginPackage` (or pointing to
// itself): the plugin with its pluginId / derived id in its own scope, else
// the plugin holding that plain id. A module whose target is not indexed
// stands alone as a plugin of its own, id = its name without scope and
// plugin prefix ("scaffolder-backend-module-utils"), or its declared
// pluginId when its pluginPackage is itself (a plugin in all but role).
//
// Directory entries attach by `npmPackageName` to the plugin holding that
// package; a stale "@backstage/<x>" name that is not indexed also matches
// "@backstage-community/<x>" (the 2024 move kept the names).

#include <algorithm>
#include <map>
#include <numeric>
#include <new>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "callboard/compat.hpp"
#include "callboard/registry.hpp"
#include "callboard/semver.hpp"

#include "registry/plugins_detail.hpp"

namespace callboard {
namespace plugins_detail {

std::string_view moved_to(const Packument& packument) noexcept {
  const Manifest* m = metadata_manifest(packument);
  if (m != nullptr && m->backstage && m->backstage->moved) return *m->backstage->moved;
  return {};
}

}  // namespace plugins_detail

namespace {

using namespace plugins_detail;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

enum class Kind : std::uint8_t { kNotPlugin, kMember, kModule };

struct Node {
  const Packument* packument = nullptr;
  const Manifest* latest = nullptr;
  const Manifest* meta = nullptr;
  std::string_view name;
  std::string_view scope;
  PackageRole role = PackageRole::kUnknown;
  Kind kind = Kind::kNotPlugin;
  std::string id;  // members: declared or derived id
  bool declared = false;
  std::string_view moved;
  bool deprecated = false;   // latest deprecated, or moved
  std::size_t unit = kNone;  // the plugin it ended up in
};

int role_rank(PackageRole role) noexcept {
  switch (role) {
    case PackageRole::kFrontendPlugin: return 0;
    case PackageRole::kBackendPlugin: return 1;
    case PackageRole::kFrontendPluginModule: return 2;
    case PackageRole::kBackendPluginModule: return 3;
    default: return 4;
  }
}

bool better_primary(const Node& a, const Node& b) noexcept {
  return std::make_tuple(!a.moved.empty(), a.deprecated, role_rank(a.role), a.name) <
         std::make_tuple(!b.moved.empty(), b.deprecated, role_rank(b.role), b.name);
}

int scope_rank(std::string_view scope) noexcept {
  if (scope == "@backstage") return 0;
  if (scope == "@backstage-community") return 1;
  return 2;
}

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // The smaller index becomes the root, so roots do not depend on the
  // order of unions.
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::size_t> parent_;
};

// One plugin being built: a group of members, or a module standing alone.
struct Unit {
  std::vector<std::size_t> packages;  // node indices, name order
  std::vector<std::size_t> modules;
  std::size_t primary = kNone;
  std::string base_id;
  std::string id;
  bool declared = false;
  Timestamp created{};  // earliest known creation among its packages
};

void classify(Node& n) {
  const auto& bs = n.meta->backstage;
  if (bs && bs->plugin_id_null) return;
  n.role = detect_role(*n.meta);
  switch (n.role) {
    case PackageRole::kFrontend:
    case PackageRole::kBackend:
    case PackageRole::kCli:
    case PackageRole::kCliModule:
    case PackageRole::kFrontendDynamicContainer: return;
    case PackageRole::kFrontendPluginModule:
    case PackageRole::kBackendPluginModule: n.kind = Kind::kModule; return;
    default: break;
  }
  if (bs && bs->plugin_id && !bs->plugin_id->empty()) {
    n.id = *bs->plugin_id;
    n.declared = true;
  } else {
    const bool plugin_role =
        n.role == PackageRole::kFrontendPlugin || n.role == PackageRole::kBackendPlugin;
    n.id = derive_id(n.name, plugin_role);
  }
  if (!n.id.empty()) n.kind = Kind::kMember;
}

std::string qualifier(const Node& primary) {
  return primary.scope.size() > 1 ? std::string(primary.scope.substr(1))
                                  : std::string(primary.name);
}

/// The scanner's catalog for these inputs, as the Session builds it: the
/// releases, and where removed packages moved (`backstage.moved` of their
/// packuments, else an indexed @backstage-community twin).
compat::ReleaseCatalog catalog_for(const std::vector<Release>& releases, const std::vector<Packument>* packuments) {
  compat::ReleaseCatalog plain(releases);
  if (packuments == nullptr) return plain;
  std::vector<Packument> removed;
  std::vector<std::string> names;
  names.reserve(packuments->size());
  const auto gone = plain.removed_packages();
  for (const Packument& p : *packuments) {
    names.push_back(p.name);
    const bool was_removed = std::binary_search(
        gone.begin(), gone.end(), std::pair<std::string, std::string>{p.name, ""},
        [](const auto& a, const auto& b) { return a.first < b.first; });
    if (was_removed) removed.push_back(p);
  }
  auto moved = compat::moved_packages(removed);
  moved.merge(compat::community_moves(plain, names));
  return compat::ReleaseCatalog(releases, std::move(moved));
}

class Builder {
 public:
  explicit Builder(const PluginInputs& in)
      : in_(in),
        catalog_(catalog_for(in.releases ? *in.releases : no_releases_, in.packuments)),
        matrix_(catalog_),
        summary_(summarize_releases(in.releases ? *in.releases : no_releases_)) {}

  std::vector<Plugin> run() {
    collect();
    group();
    name_groups();
    attach_modules();
    std::vector<Plugin> out;
    out.reserve(units_.size());
    for (const auto& unit : units_) out.push_back(make_plugin(unit));
    std::sort(out.begin(), out.end(), [](const Plugin& a, const Plugin& b) { return a.id < b.id; });
    return out;
  }

 private:
  void collect() {
    std::vector<const Packument*> list;
    if (in_.packuments) {
      for (const auto& p : *in_.packuments) {
        if (p.latest() != nullptr) list.push_back(&p);
      }
    }
    // Names are unique in storage; should a list repeat one, keep the
    // packument with the most versions (then the newest modification).
    std::sort(list.begin(), list.end(), [](const Packument* a, const Packument* b) {
      return std::make_tuple(std::string_view(a->name), b->versions.size(), b->modified) <
             std::make_tuple(std::string_view(b->name), a->versions.size(), a->modified);
    });
    list.erase(
        std::unique(list.begin(), list.end(),
                    [](const Packument* a, const Packument* b) { return a->name == b->name; }),
        list.end());
    nodes_.reserve(list.size());
    for (const Packument* p : list) {
      Node n;
      n.packument = p;
      n.latest = p->latest();
      n.meta = metadata_manifest(*p);
      n.name = p->name;
      n.scope = scope_of(p->name);
      n.moved = moved_to(*p);
      n.deprecated = n.latest->deprecated.has_value() || !n.moved.empty();
      classify(n);
      by_name_.emplace(n.name, nodes_.size());
      nodes_.push_back(std::move(n));
    }
  }

  std::size_t node_of(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? kNone : it->second;
  }

  void group() {
    UnionFind uf(nodes_.size());
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.kind != Kind::kMember) continue;
      auto [it, fresh] = key_.emplace(std::make_pair(n.id, std::string(n.scope)), i);
      if (!fresh) uf.unite(it->second, i);
      const auto& bs = n.meta->backstage;
      if (bs) {
        for (const auto& other : bs->plugin_packages) {
          const std::size_t j = node_of(other);
          if (j != kNone && nodes_[j].kind == Kind::kMember) uf.unite(i, j);
        }
      }
      if (!n.moved.empty()) {
        const std::size_t j = node_of(n.moved);
        if (j != kNone && nodes_[j].kind == Kind::kMember) uf.unite(i, j);
      }
    }
    // Groups in order of their first member's name; a group becomes a unit
    // only when it holds a frontend or backend plugin.
    std::map<std::size_t, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].kind == Kind::kMember) groups[uf.find(i)].push_back(i);
    }
    for (auto& [root, members] : groups) {
      const bool plugin = std::any_of(members.begin(), members.end(), [&](std::size_t i) {
        return nodes_[i].role == PackageRole::kFrontendPlugin ||
               nodes_[i].role == PackageRole::kBackendPlugin;
      });
      if (!plugin) continue;
      Unit unit;
      unit.packages = std::move(members);
      for (std::size_t i : unit.packages) nodes_[i].unit = units_.size();
      units_.push_back(std::move(unit));
    }
  }

  void settle(Unit& unit) {
    unit.primary = unit.packages.front();
    for (std::size_t i : unit.packages) {
      if (better_primary(nodes_[i], nodes_[unit.primary])) unit.primary = i;
      const Timestamp c = nodes_[i].packument->created;
      if (c != Timestamp{} && (unit.created == Timestamp{} || c < unit.created)) unit.created = c;
    }
    const Node& primary = nodes_[unit.primary];
    if (primary.declared) {
      unit.base_id = primary.id;
      unit.declared = true;
      return;
    }
    // The id most members declare; moved (old) packages only break ties
    // when nothing current declares one.
    for (bool include_moved : {false, true}) {
      std::map<std::string_view, std::size_t> votes;
      for (std::size_t i : unit.packages) {
        const Node& n = nodes_[i];
        if (n.declared && (include_moved || n.moved.empty())) ++votes[n.id];
      }
      std::size_t best = 0;
      for (const auto& [id, count] : votes) {
        if (count > best) {
          best = count;
          unit.base_id = std::string(id);
        }
      }
      if (best > 0) {
        unit.declared = true;
        return;
      }
    }
    unit.base_id = primary.id;
  }

  // Precedence for the plain id: @backstage, @backstage-community, then the
  // first created, then scope and primary name for a total order.
  auto precedence(const Unit& unit) const {
    const Node& p = nodes_[unit.primary];
    const auto created = unit.created == Timestamp{} ? Timestamp::max() : unit.created;
    return std::make_tuple(scope_rank(p.scope), created, p.scope, p.name);
  }

  void name_groups() {
    for (auto& unit : units_) settle(unit);
    std::map<std::string_view, std::vector<std::size_t>> by_id;
    for (std::size_t u = 0; u < units_.size(); ++u) by_id[units_[u].base_id].push_back(u);
    std::set<std::string> taken;
    for (auto& [id, list] : by_id) {
      std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
        return precedence(units_[a]) < precedence(units_[b]);
      });
      units_[list.front()].id = std::string(id);
      plain_.emplace(std::string(id), list.front());
      taken.insert(std::string(id));
    }
    for (auto& [id, list] : by_id) {
      for (std::size_t k = 1; k < list.size(); ++k) {
        Unit& unit = units_[list[k]];
        unit.id = unique(std::string(id) + "@" + qualifier(nodes_[unit.primary]), taken);
      }
    }
    taken_ = std::move(taken);
  }

  static std::string unique(std::string id, std::set<std::string>& taken) {
    if (taken.insert(id).second) return id;
    for (std::size_t n = 2;; ++n) {
      std::string candidate = id + "~" + std::to_string(n);
      if (taken.insert(candidate).second) return candidate;
    }
  }

  std::size_t unit_by_key(std::string_view id, std::string_view scope) const {
    if (id.empty()) return kNone;
    auto it = key_.find(std::make_pair(std::string(id), std::string(scope)));
    return it == key_.end() ? kNone : nodes_[it->second].unit;
  }

  std::size_t module_target(const Node& m) const {
    const auto& bs = m.meta->backstage;
    std::vector<std::string> ids;
    if (bs && bs->plugin_id && !bs->plugin_id->empty()) ids.push_back(*bs->plugin_id);
    const std::string_view target =
        bs && bs->plugin_package ? std::string_view(*bs->plugin_package) : "";
    if (!target.empty() && target != m.name) {
      const std::size_t t = node_of(target);
      if (t != kNone && nodes_[t].unit != kNone) return nodes_[t].unit;
      ids.push_back(derive_id(target, false));
      for (const auto& id : ids) {
        if (auto u = unit_by_key(id, scope_of(target)); u != kNone) return u;
      }
      return kNone;  // an explicit target elsewhere: never guess another publisher's plugin
    }
    ids.push_back(derive_id(m.name, false));
    for (const auto& id : ids) {
      if (auto u = unit_by_key(id, m.scope); u != kNone) return u;
    }
    for (const auto& id : ids) {
      if (auto it = plain_.find(id); it != plain_.end()) return it->second;
    }
    return kNone;
  }

  void attach_modules() {
    std::vector<std::size_t> alone;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].kind != Kind::kModule) continue;
      const std::size_t u = module_target(nodes_[i]);
      if (u != kNone) {
        units_[u].modules.push_back(i);
      } else {
        alone.push_back(i);
      }
    }
    // After every group has its id, so a module never displaces a plugin.
    for (std::size_t i : alone) {
      Unit unit;
      unit.packages = {i};
      unit.primary = i;
      // A module that names itself as its plugin package is a plugin in all
      // but role: its declared id stands; otherwise the module's own name.
      const auto& bs = nodes_[i].meta->backstage;
      if (bs && bs->plugin_package == nodes_[i].name && bs->plugin_id && !bs->plugin_id->empty()) {
        unit.base_id = *bs->plugin_id;
        unit.declared = true;
      } else {
        unit.base_id = standalone_module_id(nodes_[i].name);
      }
      const std::string& base = unit.base_id;
      unit.id = taken_.count(base) == 0 ? base : base + "@" + qualifier(nodes_[i]);
      unit.id = unique(unit.id, taken_);
      nodes_[i].unit = units_.size();
      units_.push_back(std::move(unit));
    }
  }

  PluginPackage package_of(std::size_t i) const {
    const Node& n = nodes_[i];
    PluginPackage p;
    p.name = std::string(n.name);
    p.role = n.role;
    p.latest_version = n.latest->version;
    return p;
  }

  // The best package of the unit with one of these roles, or kNone.
  std::size_t best_with_role(const Unit& unit, PackageRole role) const {
    std::size_t best = kNone;
    for (std::size_t i : unit.packages) {
      if (nodes_[i].role != role) continue;
      if (best == kNone || better_primary(nodes_[i], nodes_[best])) best = i;
    }
    return best;
  }

  const DirectoryEntry* directory_for(const Unit& unit) {
    if (!in_.directory) return nullptr;
    if (!directory_indexed_) index_directory();
    const DirectoryEntry* best = nullptr;
    std::tuple<bool, int, std::string_view> best_rank{};
    for (std::size_t i : unit.packages) {
      auto range = directory_.equal_range(nodes_[i].name);
      for (auto it = range.first; it != range.second; ++it) {
        const auto rank = std::make_tuple(i != unit.primary, role_rank(nodes_[i].role),
                                          std::string_view(it->second->id));
        if (best == nullptr || rank < best_rank) {
          best = it->second;
          best_rank = rank;
        }
      }
    }
    return best;
  }

  void index_directory() {
    directory_indexed_ = true;
    for (const auto& e : *in_.directory) {
      std::string_view name = e.npm_package_name;
      if (name.empty()) continue;
      std::string renamed;
      if (node_of(name) == kNone && name.starts_with("@backstage/")) {
        renamed = "@backstage-community/" + std::string(name.substr(11));
        if (node_of(renamed) != kNone) name = renamed;
      }
      directory_.emplace(std::string(name), &e);
    }
  }

  Plugin make_plugin(const Unit& unit) {
    Plugin plugin;
    plugin.id = unit.id;
    plugin.declared_id = unit.declared;
    const Node& primary = nodes_[unit.primary];

    std::set<std::string> keywords;
    std::vector<const Packument*> packuments;
    std::optional<std::uint64_t> downloads;
    bool deprecated = true;
    for (std::size_t i : unit.packages) {
      const Node& n = nodes_[i];
      plugin.packages.push_back(package_of(i));
      packuments.push_back(n.packument);
      for (const auto& k : n.latest->keywords) {
        if (!k.empty()) keywords.insert(k);
      }
      for (const auto& v : n.packument->versions) {
        plugin.last_published = std::max(plugin.last_published, v.published);
      }
      deprecated = deprecated && n.deprecated;
      if (in_.downloads) {
        if (auto it = in_.downloads->find(n.name); it != in_.downloads->end()) {
          downloads = std::max(downloads.value_or(0), it->second);
        }
      }
    }
    plugin.deprecated = deprecated;
    plugin.keywords.assign(keywords.begin(), keywords.end());
    for (std::size_t i : unit.modules) plugin.modules.push_back(package_of(i));
    auto by_name = [](const PluginPackage& a, const PluginPackage& b) { return a.name < b.name; };
    std::sort(plugin.packages.begin(), plugin.packages.end(), by_name);
    std::sort(plugin.modules.begin(), plugin.modules.end(), by_name);

    for (auto [role, module_role, field] :
         {std::make_tuple(PackageRole::kBackendPlugin, PackageRole::kBackendPluginModule,
                          &plugin.backend_system),
          std::make_tuple(PackageRole::kFrontendPlugin, PackageRole::kFrontendPluginModule,
                          &plugin.frontend_system)}) {
      std::size_t i = best_with_role(unit, role);
      if (i == kNone) i = best_with_role(unit, module_role);
      if (i == kNone) continue;
      const PluginSystems systems = classify_plugin_systems(*nodes_[i].latest);
      *field = role == PackageRole::kBackendPlugin ? systems.backend : systems.frontend;
    }

    // The scanner's rule (docs/registry.md): a release is supported when
    // some version of the primary package is compatible or better on it,
    // which is when `scan --newest --release R` finds one. Deprecated
    // versions count; prereleases only for a package that has nothing else.
    {
      const compat::SupportMatrix m = matrix_.build(*primary.packument);
      const bool stable = std::any_of(m.versions.begin(), m.versions.end(),
                                      [](const std::string& v) { return !semver::is_prerelease_text(v); });
      plugin.supported_releases = m.releases_with_support(compat::Tier::kCompatible, !stable, true);
    }

    if (const DirectoryEntry* entry = directory_for(unit)) plugin.directory = *entry;
    if (plugin.directory && !plugin.directory->title.empty()) {
      plugin.title = plugin.directory->title;
    } else {
      plugin.title = title_for_id(unit.base_id, primary.name);
    }
    if (plugin.directory && !plugin.directory->description.empty()) {
      plugin.description = plugin.directory->description;
    } else {
      plugin.description = primary.latest->description;
      if (plugin.description.empty()) plugin.description = primary.packument->description;
      for (std::size_t i : unit.packages) {
        if (!plugin.description.empty()) break;
        plugin.description = nodes_[i].latest->description;
      }
    }
    if (plugin.directory) plugin.category = plugin.directory->category;

    plugin.score = score_with(plugin, packuments, summary_, in_.now, downloads);
    return plugin;
  }

  const PluginInputs& in_;
  const std::vector<Release> no_releases_;
  compat::ReleaseCatalog catalog_;
  compat::MatrixBuilder matrix_;
  ReleaseSummary summary_;
  std::vector<Node> nodes_;
  std::unordered_map<std::string_view, std::size_t> by_name_;
  // (id, scope) -> first member node with it.
  std::map<std::pair<std::string, std::string>, std::size_t> key_;
  std::vector<Unit> units_;
  // plain id -> the unit holding it.
  std::map<std::string, std::size_t, std::less<>> plain_;
  std::set<std::string> taken_;
  std::multimap<std::string, const DirectoryEntry*, std::less<>> directory_;
  bool directory_indexed_ = false;
};

}  // namespace

namespace plugins_detail {

Error error_from_current_exception(std::string_view what) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory while " + std::string(what));
  } catch (const std::length_error& e) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": " + e.what());
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  } catch (...) {
    return make_error(ErrorCode::kInternal, std::string(what) + ": unknown exception");
  }
}

}  // namespace plugins_detail

Result<std::vector<Plugin>> build_plugins(const PluginInputs& inputs) {
  // An empty table in place of an error would let the caller replace every
  // stored plugin with nothing; the error goes back instead.
  try {
    return Builder(inputs).run();
  } catch (...) {
    return plugins_detail::error_from_current_exception("building plugins");
  }
}

}  // namespace callboard
