// Names of package roles and plugin systems.
#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "callboard/model.hpp"

namespace callboard {
namespace {

// Backstage's PackageRoles table (packages/cli-node/src/roles/PackageRoles.ts).
constexpr std::array<std::pair<PackageRole, std::string_view>, 12> kRoleNames = {{
    {PackageRole::kFrontend, "frontend"},
    {PackageRole::kBackend, "backend"},
    {PackageRole::kCli, "cli"},
    {PackageRole::kCliModule, "cli-module"},
    {PackageRole::kWebLibrary, "web-library"},
    {PackageRole::kNodeLibrary, "node-library"},
    {PackageRole::kCommonLibrary, "common-library"},
    {PackageRole::kFrontendPlugin, "frontend-plugin"},
    {PackageRole::kFrontendPluginModule, "frontend-plugin-module"},
    {PackageRole::kFrontendDynamicContainer, "frontend-dynamic-container"},
    {PackageRole::kBackendPlugin, "backend-plugin"},
    {PackageRole::kBackendPluginModule, "backend-plugin-module"},
}};

constexpr std::array<std::pair<PluginSystem, std::string_view>, 4> kSystemNames = {{
    {PluginSystem::kNotApplicable, "not-applicable"},
    {PluginSystem::kLegacy, "legacy"},
    {PluginSystem::kNew, "new"},
    {PluginSystem::kTransitional, "transitional"},
}};

}  // namespace

std::string_view to_string(PackageManager manager) noexcept {
  switch (manager) {
    case PackageManager::kNpm: return "npm";
    case PackageManager::kYarnClassic: return "yarn-classic";
    case PackageManager::kYarnBerry: return "yarn-berry";
    case PackageManager::kPnpm: return "pnpm";
  }
  return "npm";
}

std::string_view to_string(PackageRole role) noexcept {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<PackageRole> parse_package_role(std::string_view text) noexcept {
  for (const auto& [r, name] : kRoleNames) {
    if (name == text) return r;
  }
  return std::nullopt;
}

bool is_plugin_role(PackageRole role) noexcept {
  return role == PackageRole::kFrontendPlugin || role == PackageRole::kFrontendPluginModule ||
         role == PackageRole::kBackendPlugin || role == PackageRole::kBackendPluginModule;
}

std::string_view to_string(PluginSystem system) noexcept {
  for (const auto& [s, name] : kSystemNames) {
    if (s == system) return name;
  }
  return "not-applicable";
}

std::optional<PluginSystem> parse_plugin_system(std::string_view text) noexcept {
  for (const auto& [s, name] : kSystemNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

}  // namespace callboard
