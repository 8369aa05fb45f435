// An app's host profile, and which of its packages block an upgrade.

#include <algorithm>
#include <set>
#include <tuple>

#include "compat/detail.hpp"

namespace callboard::compat {
namespace {

bool depends(const Manifest& m, std::string_view name) {
  return m.dependencies.find(name) != m.dependencies.end();
}

PluginSystem system_of(bool new_dep, bool legacy_dep) {
  if (new_dep && legacy_dep) return PluginSystem::kTransitional;
  if (new_dep) return PluginSystem::kNew;
  if (legacy_dep) return PluginSystem::kLegacy;
  return PluginSystem::kNotApplicable;
}

/// Combines the systems of two host packages of the same kind: any
/// transitional or mixed pair is transitional.
PluginSystem combine(PluginSystem a, PluginSystem b) {
  if (a == PluginSystem::kNotApplicable) return b;
  if (b == PluginSystem::kNotApplicable || a == b) return a;
  return PluginSystem::kTransitional;
}

}  // namespace

HostProfile host_from_app(const AppProfile& app) {
  HostProfile host;
  std::set<PackageRole> roles;
  for (const auto& wp : app.packages) {
    const Manifest& m = wp.manifest;
    if (wp.path == "." || wp.path.empty()) {
      if (auto node = m.engines.find("node"); node != m.engines.end()) host.node = node->second;
    }
    const PackageRole role = detect_role(m);
    DependencyMap* provides = nullptr;
    if (role == PackageRole::kFrontend) {
      provides = &host.frontend_provides;
      host.frontend_system =
          combine(host.frontend_system, system_of(depends(m, "@backstage/frontend-defaults") ||
                                                      depends(m, "@backstage/frontend-app-api"),
                                                  depends(m, "@backstage/app-defaults") ||
                                                      depends(m, "@backstage/core-app-api")));
    } else if (role == PackageRole::kBackend) {
      provides = &host.backend_provides;
      host.backend_system =
          combine(host.backend_system, system_of(depends(m, "@backstage/backend-defaults") ||
                                                     depends(m, "@backstage/backend-app-api"),
                                                 depends(m, "@backstage/backend-common")));
    }
    if (provides == nullptr) continue;
    roles.insert(role);
    for (const auto& [name, spec] : m.dependencies) {
      if (!name.starts_with("@backstage/")) provides->emplace(name, spec);
    }
  }
  host.roles.assign(roles.begin(), roles.end());
  // The host-level copy of a name (what the app root's node_modules holds),
  // else its highest locked version.
  std::set<std::string, std::less<>> host_level;
  for (const auto& locked : app.locked) {
    auto v = semver::Version::parse(locked.version);
    if (!v) continue;
    auto [it, inserted] = host.locked.emplace(locked.name, locked.version);
    if (inserted) {
      if (locked.host_level) host_level.insert(locked.name);
    } else if (locked.host_level && !host_level.contains(locked.name)) {
      it->second = locked.version;
      host_level.insert(locked.name);
    } else if (locked.host_level == host_level.contains(locked.name)) {
      auto old = semver::Version::parse(it->second);
      if (!old || *old < *v) it->second = locked.version;
    }
  }
  return host;
}

namespace {

/// The version of `packument` an app with `spec` runs: the locked one, else
/// the newest non-prerelease version the range admits, else nullptr.
const Manifest* installed_version(const Packument& packument, std::string_view spec,
                                  const HostProfile& host) {
  if (auto locked = host.locked.find(packument.name); locked != host.locked.end()) {
    if (const Manifest* m = packument.find(locked->second)) return m;
  }
  auto parsed = semver::parse_specifier(spec);
  if (!parsed || !parsed->range) return nullptr;
  for (auto it = packument.versions.rbegin(); it != packument.versions.rend(); ++it) {
    if (semver::is_prerelease_text(it->version)) continue;
    if (parsed->range->satisfied_by(std::string_view(it->version))) return &*it;
  }
  return nullptr;
}

bool looks_like_backstage(const Manifest& m) {
  return m.name.starts_with("@backstage") || m.backstage.has_value() ||
         m.name.find("backstage") != std::string::npos;
}

}  // namespace

Result<UpgradeReport> check_upgrade(const AppProfile& app, const ReleaseCatalog& catalog,
                                    std::string_view release,
                                    const std::vector<Packument>& packuments) {
  const auto r = detail::require_release(catalog, release);
  if (!r) return r.error();
  const ReleaseCatalog::Impl& impl = catalog.impl();
  const std::string& target = impl.texts[*r];
  UpgradeReport report;
  report.from = app.backstage_version;
  report.to = target;

  const HostProfile host = host_from_app(app);
  ScanOptions options;
  options.host = &host;
  MatrixBuilder builder(catalog, options);
  std::map<std::string_view, const Packument*> by_name;
  for (const auto& p : packuments) by_name.emplace(p.name, &p);
  std::map<std::string, SupportMatrix, std::less<>> matrices;
  std::set<std::string, std::less<>> own;
  for (const auto& wp : app.packages) own.insert(wp.manifest.name);

  for (const auto& wp : app.packages) {
    const std::string workspace = wp.path.empty() ? "." : wp.path;
    for (const DependencyMap* deps : {&wp.manifest.dependencies, &wp.manifest.dev_dependencies}) {
      const std::string field =
          deps == &wp.manifest.dependencies ? "dependencies" : "devDependencies";
      for (const auto& [name, spec] : *deps) {
        if (own.count(name) != 0) continue;
        UpgradeItem item;
        item.package = name;
        item.workspace = workspace;
        item.range = spec;
        const auto id = impl.id_of(name);
        if (id) {
          if (const std::string* have = impl.version_text(*r, *id)) {
            // versions:bump moves it to the release's version.
            item.version = *have;
            report.items.push_back(std::move(item));
            continue;
          }
          const std::int32_t removed = impl.removed[*id];
          if (removed != detail::kNone && static_cast<std::int32_t>(*r) >= removed) {
            const std::string& gone = impl.texts[static_cast<std::size_t>(removed)];
            const std::string& last = impl.texts[static_cast<std::size_t>(impl.last[*id])];
            Evidence ev{name, field, spec, "", target};
            if (auto moved = impl.moved.find(name); moved != impl.moved.end()) {
              item.tier = Tier::kCompatible;
              item.upgrade_to = moved->second;
              item.reasons.push_back(Finding{"package-moved", Severity::kWarning, Tier::kCompatible,
                                             "the app's " + workspace + " depends on " + name +
                                                 ", which left the Backstage release in " + gone +
                                                 " and moved to " + moved->second +
                                                 ": switch to it (backstage-cli versions:migrate).",
                                             std::move(ev)});
            } else {
              item.tier = Tier::kIncompatible;
              item.blocking = true;
              item.reasons.push_back(
                  Finding{"package-removed", Severity::kError, Tier::kIncompatible,
                          "the app's " + workspace + " depends on " + name +
                              ", removed from Backstage in " + gone + " (last in " + last +
                              "): remove the dependency and migrate the code that uses it before "
                              "upgrading to " +
                              target + ".",
                          std::move(ev)});
            }
            report.items.push_back(std::move(item));
            continue;
          }
        }
        auto known = by_name.find(name);
        if (known == by_name.end()) continue;  // not indexed: nothing to judge it by
        const Packument& packument = *known->second;
        const Manifest* m = installed_version(packument, spec, host);
        if (m == nullptr) m = packument.latest();
        if (m == nullptr || !looks_like_backstage(*m)) continue;
        auto cached = matrices.find(name);
        if (cached == matrices.end())
          cached = matrices.emplace(name, builder.build(packument)).first;
        item.version = m->version;
        auto scanned = scan(*m, catalog, target, options);
        if (!scanned) return std::move(scanned).error();
        item.tier = scanned->tier;
        for (std::size_t i : scanned->deciding) item.reasons.push_back(scanned->findings[i]);
        item.upgrade_to = cached->second.newest(target, Tier::kCompatible).value_or("");
        item.blocking = item.tier == Tier::kIncompatible && item.upgrade_to.empty();
        report.items.push_back(std::move(item));
      }
    }
  }
  std::sort(report.items.begin(), report.items.end(),
            [](const UpgradeItem& a, const UpgradeItem& b) {
              return std::tie(a.package, a.workspace, a.range) <
                     std::tie(b.package, b.workspace, b.range);
            });
  report.blocked = std::any_of(report.items.begin(), report.items.end(),
                               [](const UpgradeItem& i) { return i.blocking; });
  return report;
}

}  // namespace callboard::compat
