#include "registry/names.hpp"

#include <algorithm>

namespace callboard::registry_detail {
namespace {

bool url_safe(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')';
}

bool valid_part(std::string_view part) noexcept {
  if (part.empty()) return false;
  return std::all_of(part.begin(), part.end(), url_safe);
}

}  // namespace

bool is_valid_package_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 214) return false;
  if (name.front() == '.' || name.front() == '_') return false;
  if (name.front() == '@') {
    const auto slash = name.find('/');
    if (slash == std::string_view::npos) return false;
    const auto scope = name.substr(1, slash - 1);
    const auto rest = name.substr(slash + 1);
    if (rest.front() == '.' || rest.front() == '_') return false;
    return valid_part(scope) && valid_part(rest);
  }
  return valid_part(name);
}

bool is_backstage_name(std::string_view name) noexcept {
  return name.starts_with("@backstage/") || name.starts_with("@backstage-community/") ||
         name.find("backstage") != std::string_view::npos;
}

bool is_backstage_package(const Packument& packument) noexcept {
  if (is_backstage_name(packument.name)) return true;
  auto names_backstage = [](const DependencyMap& deps) {
    return std::any_of(deps.begin(), deps.end(), [](const auto& d) { return is_backstage_name(d.first); });
  };
  return std::any_of(packument.versions.begin(), packument.versions.end(), [&](const Manifest& m) {
    return m.backstage.has_value() || names_backstage(m.dependencies) || names_backstage(m.peer_dependencies);
  });
}

std::vector<std::string> collect_links(const Packument& packument) {
  std::vector<std::string> out;
  auto add_deps = [&](const DependencyMap& deps) {
    for (const auto& [name, spec] : deps) {
      if (is_backstage_name(name)) out.push_back(name);
    }
  };
  for (const Manifest& m : packument.versions) {
    add_deps(m.dependencies);
    add_deps(m.peer_dependencies);
    add_deps(m.optional_dependencies);
    if (m.backstage) {
      const BackstageMetadata& b = *m.backstage;
      out.insert(out.end(), b.plugin_packages.begin(), b.plugin_packages.end());
      out.insert(out.end(), b.peer_modules.begin(), b.peer_modules.end());
      if (b.plugin_package) out.push_back(*b.plugin_package);
      if (b.moved) out.push_back(*b.moved);
    }
  }
  std::erase_if(out, [&](const std::string& n) { return n == packument.name || !is_valid_package_name(n); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace callboard::registry_detail
