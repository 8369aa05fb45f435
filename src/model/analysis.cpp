// Role detection and plugin-system classification of one manifest.
#include <string_view>

#include "callboard/model.hpp"

namespace callboard {
namespace {

bool contains(std::string_view haystack, std::string_view needle) noexcept {
  return haystack.find(needle) != std::string_view::npos;
}

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view script(const Manifest& m, std::string_view name) noexcept {
  const auto it = m.scripts.find(name);
  return it == m.scripts.end() ? std::string_view() : std::string_view(it->second);
}

// `pkg.publishConfig?.main || pkg.main`: an empty string counts as absent.
std::string_view prefer(const std::string& published, const std::string& plain) noexcept {
  return published.empty() ? std::string_view(plain) : std::string_view(published);
}

}  // namespace

PackageRole detect_role(const Manifest& m) noexcept {
  if (m.backstage && m.backstage->role) return *m.backstage->role;

  // A port of PackageRoles.detectRoleFromPackage (backstage/backstage
  // packages/cli-node/src/roles/PackageRoles.ts), in its order.
  const std::string_view start = script(m, "start");
  const std::string_view build = script(m, "build");
  if (contains(start, "app:serve")) return PackageRole::kFrontend;
  if (contains(build, "backend:bundle")) return PackageRole::kBackend;
  if (contains(m.name, "plugin-") && contains(m.name, "-backend-module-")) {
    return PackageRole::kBackendPluginModule;
  }
  if (contains(m.name, "plugin-") && contains(m.name, "-module-"))
    return PackageRole::kFrontendPluginModule;
  if (contains(start, "plugin:serve")) return PackageRole::kFrontendPlugin;
  if (contains(start, "backend:dev")) return PackageRole::kBackendPlugin;

  const std::string_view main = prefer(m.publish_main, m.main);
  const std::string_view module = prefer(m.publish_module, m.module);
  const std::string_view types = prefer(m.publish_types, m.types);
  if (!types.empty()) {
    if (!main.empty() && !module.empty()) return PackageRole::kCommonLibrary;
    if (!module.empty() || ends_with(main, ".esm.js")) return PackageRole::kWebLibrary;
    if (!main.empty()) return PackageRole::kNodeLibrary;
  } else if (!main.empty()) {
    return PackageRole::kCli;
  }
  return PackageRole::kUnknown;
}

namespace {

bool depends_on(const Manifest& m, std::string_view name) noexcept {
  // Runtime dependencies only: RHDH's dynamic export moves @backstage/*
  // packages into peerDependencies; devDependencies say nothing about what
  // the published code imports.
  return m.dependencies.find(name) != m.dependencies.end() ||
         m.peer_dependencies.find(name) != m.peer_dependencies.end();
}

struct FeatureSignal {
  bool root = false;     // declared on "."
  bool subpath = false;  // declared on another subpath only
};

template <typename Pred>
FeatureSignal feature_signal(const Manifest& m, Pred matches) noexcept {
  FeatureSignal signal;
  auto scan = [&](const auto& map) {
    for (const auto& [subpath, feature] : map) {
      if (!matches(std::string_view(feature))) continue;
      if (subpath == ".") {
        signal.root = true;
      } else {
        signal.subpath = true;
      }
    }
  };
  if (m.backstage) scan(m.backstage->features);
  scan(m.export_features);
  return signal;
}

// The rules of classify_plugin_systems (model.hpp), after the research
// notes' table "How a scanner can tell the new backend system from the
// legacy one" (shared/research/backstage-ecosystem.md section 3):
//  - prepack writes `backstage.features` and the exports `backstage`
//    condition only for a default-exported feature, so a feature on "." is
//    the strongest "new" signal; legacy deps next to it mean the package
//    still ships the old entry points too (catalog-backend 1.2x: both);
//  - the feature only on "./alpha" (or a custom subpath) means the root still
//    exports the legacy API: transitional (catalog-backend-module-github);
//  - core-compat-api exists only to bridge the two frontend systems;
//  - both dependency sets: transitional (jenkins-backend 0.4.x);
//  - packages from before the metadata existed carry no signal at all and
//    can only be legacy (scaffolder-backend 0.6.0).
PluginSystem decide(FeatureSignal feature, bool new_dep, bool legacy_dep,
                    bool compat_dep) noexcept {
  if (feature.root)
    return legacy_dep || compat_dep ? PluginSystem::kTransitional : PluginSystem::kNew;
  if (feature.subpath || compat_dep) return PluginSystem::kTransitional;
  if (new_dep && legacy_dep) return PluginSystem::kTransitional;
  if (new_dep) return PluginSystem::kNew;
  return PluginSystem::kLegacy;
}

}  // namespace

PluginSystems classify_plugin_systems(const Manifest& m) noexcept {
  PluginSystems systems;
  const PackageRole role = detect_role(m);

  if (role == PackageRole::kBackendPlugin || role == PackageRole::kBackendPluginModule ||
      role == PackageRole::kBackend) {
    const FeatureSignal feature =
        feature_signal(m, [](std::string_view f) { return f == "@backstage/BackendFeature"; });
    const bool new_dep = depends_on(m, "@backstage/backend-plugin-api") ||
                         depends_on(m, "@backstage/backend-defaults");
    const bool legacy_dep =
        depends_on(m, "@backstage/backend-common") || depends_on(m, "@backstage/backend-tasks");
    systems.backend = decide(feature, new_dep, legacy_dep, false);
  }

  if (role == PackageRole::kFrontendPlugin || role == PackageRole::kFrontendPluginModule ||
      role == PackageRole::kFrontend) {
    const FeatureSignal feature = feature_signal(m, [](std::string_view f) {
      return f == "@backstage/FrontendPlugin" || f == "@backstage/FrontendModule" ||
             f == "@backstage/FrontendFeatureLoader";
    });
    const bool new_dep = depends_on(m, "@backstage/frontend-plugin-api") ||
                         depends_on(m, "@backstage/frontend-defaults");
    const bool legacy_dep =
        depends_on(m, "@backstage/core-plugin-api") || depends_on(m, "@backstage/core-app-api");
    const bool compat_dep = depends_on(m, "@backstage/core-compat-api");
    systems.frontend = decide(feature, new_dep, legacy_dep, compat_dep);
  }
  return systems;
}

}  // namespace callboard
