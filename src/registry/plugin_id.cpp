// Plugin ids from package names, for packages that declare no
// `backstage.pluginId`. The rules, applied in this order to the name without
// its scope (tests/cases/registry/derive_plugin_id.json holds real names and
// what they give):
//
// clang-format off
//   step         rule                                       example
//   tool plugin  "<tool>-plugin" (eslint, babel, ...): none  eslint-plugin -> ""
//   prefix       "backstage-community-plugin-",              backstage-plugin-argo-cd -> argo-cd
//                "backstage-plugin-", "plugin-" (marker);
//                else a bare "backstage-" goes (no marker)
//   module       "<base>-backend-module-<x>" -> base         catalog-backend-module-aws -> catalog
//                (marker); after a marker also
//                "<base>-module-<x>", "<base>-addon-<x>"     techdocs-addon-mermaid -> techdocs
//   suffixes     one per round, markers first:               search-backend-node -> search
//                "-plugin-for-backstage", "-backstage-       amazon-ecs-plugin-for-backstage-backend
//                plugin", "-plugin" (markers); "-backend",     -> amazon-ecs
//                "-frontend", "-react", "-node", "-common",
//                "-test-utils", "-backstage"
//   no marker    -> "" (core libraries, CLIs, tools)         core-plugin-api -> ""
//   role word    only "backend", "common", ... left:         @pagerduty/backstage-plugin-backend
//                the scope names the plugin                    -> pagerduty
// clang-format on

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "callboard/registry.hpp"

#include "registry/plugins_detail.hpp"

namespace callboard {
namespace plugins_detail {
namespace {

constexpr std::array<std::string_view, 3> kMarkerPrefixes = {"backstage-community-plugin-",
                                                             "backstage-plugin-", "plugin-"};
constexpr std::array<std::string_view, 3> kMarkerSuffixes = {"-plugin-for-backstage",
                                                             "-backstage-plugin", "-plugin"};
constexpr std::array<std::string_view, 7> kRoleSuffixes = {
    "-backend", "-frontend", "-react", "-node", "-common", "-test-utils", "-backstage"};
// What is left when a name was nothing but markers and role words.
constexpr std::array<std::string_view, 7> kRoleWords = {"backend", "frontend", "react",    "node",
                                                        "common",  "plugin",   "backstage"};
// "<tool>-plugin" names extend build tools, not Backstage.
constexpr std::array<std::string_view, 9> kToolPlugins = {
    "eslint-plugin",   "babel-plugin",   "webpack-plugin", "rollup-plugin", "vite-plugin",
    "prettier-plugin", "postcss-plugin", "yarn-plugin",    "jest-plugin"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) noexcept {
  for (auto item : list) {
    if (item == s) return true;
  }
  return false;
}

std::string_view strip_scope(std::string_view name) noexcept {
  if (name.starts_with('@')) {
    const std::size_t slash = name.find('/');
    if (slash != std::string_view::npos) return name.substr(slash + 1);
  }
  return name;
}

// Drops the first matching marker prefix; a bare "backstage-" goes too but
// is no marker ("backstage-cli" is not a plugin). Returns whether a marker
// was found.
bool strip_prefix(std::string_view& s) noexcept {
  for (auto p : kMarkerPrefixes) {
    if (s.starts_with(p) && s.size() > p.size()) {
      s.remove_prefix(p.size());
      return true;
    }
  }
  constexpr std::string_view kBare = "backstage-";
  if (s.starts_with(kBare) && s.size() > kBare.size()) s.remove_prefix(kBare.size());
  return false;
}

// Cuts s at the first `infix` that has something before it.
bool cut_at(std::string_view& s, std::string_view infix) noexcept {
  const std::size_t pos = s.find(infix);
  if (pos == std::string_view::npos || pos == 0) return false;
  s = s.substr(0, pos);
  return true;
}

}  // namespace

std::string_view scope_of(std::string_view package_name) noexcept {
  if (!package_name.starts_with('@')) return {};
  const std::size_t slash = package_name.find('/');
  return slash == std::string_view::npos ? std::string_view{} : package_name.substr(0, slash);
}

std::string derive_id(std::string_view package_name, bool lax) {
  std::string_view s = strip_scope(package_name);
  if (!lax) {
    for (auto tool : kToolPlugins) {
      if (s.find(tool) != std::string_view::npos) return {};
    }
  }
  bool marked = strip_prefix(s);
  if (cut_at(s, "-backend-module-")) {
    marked = true;
  } else if (marked) {
    if (!cut_at(s, "-module-")) cut_at(s, "-addon-");
  }
  // One suffix per round, markers first: "x-plugin-for-backstage-backend"
  // must lose "-backend" and then the marker, not "-backstage".
  auto strip_one = [&s]<std::size_t N>(const std::array<std::string_view, N>& suffixes) {
    for (auto suffix : suffixes) {
      if (s.size() > suffix.size() && s.ends_with(suffix)) {
        s.remove_suffix(suffix.size());
        return true;
      }
    }
    return false;
  };
  for (;;) {
    if (strip_one(kMarkerSuffixes)) {
      marked = true;
    } else if (!strip_one(kRoleSuffixes)) {
      break;
    }
  }
  if (!marked && !lax) return {};
  if (s.empty() || contains(kRoleWords, s)) {
    // "@pagerduty/backstage-plugin-backend": the scope names the plugin.
    const std::string_view scope = scope_of(package_name);
    if (scope.size() > 1) return std::string(scope.substr(1));
  }
  return std::string(s);
}

std::string standalone_module_id(std::string_view package_name) {
  std::string_view s = strip_scope(package_name);
  strip_prefix(s);
  return std::string(s);
}

std::string humanize_id(std::string_view id) {
  // Words that plain capitalisation gets wrong.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 29> kWords = {{
      {"adr", "ADR"},
      {"ai", "AI"},
      {"api", "API"},
      {"aws", "AWS"},
      {"cd", "CD"},
      {"ci", "CI"},
      {"cli", "CLI"},
      {"devops", "DevOps"},
      {"dns", "DNS"},
      {"gcp", "GCP"},
      {"github", "GitHub"},
      {"gitlab", "GitLab"},
      {"graphql", "GraphQL"},
      {"id", "ID"},
      {"k8s", "K8s"},
      {"ldap", "LDAP"},
      {"mcp", "MCP"},
      {"npm", "NPM"},
      {"ocm", "OCM"},
      {"oidc", "OIDC"},
      {"rbac", "RBAC"},
      {"sonarqube", "SonarQube"},
      {"sql", "SQL"},
      {"sso", "SSO"},
      {"techdocs", "TechDocs"},
      {"ui", "UI"},
      {"url", "URL"},
      {"ecr", "ECR"},
      {"ecs", "ECS"},
  }};
  std::string out;
  out.reserve(id.size());
  std::size_t start = 0;
  while (start <= id.size()) {
    std::size_t end = id.find_first_of("-_ ", start);
    if (end == std::string_view::npos) end = id.size();
    const std::string_view word = id.substr(start, end - start);
    if (!word.empty()) {
      if (!out.empty()) out.push_back(' ');
      auto it = std::find_if(kWords.begin(), kWords.end(),
                             [&](const auto& w) { return w.first == word; });
      if (it != kWords.end()) {
        out.append(it->second);
      } else {
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(word.front()))));
        out.append(word.substr(1));
      }
    }
    start = end + 1;
  }
  return out;
}

std::string title_for_id(std::string_view id, std::string_view primary_package) {
  const bool slug = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
  if (!slug) return humanize_id(derive_id(primary_package, true));
  std::string_view s = id;
  strip_prefix(s);  // declared ids such as "backstage-plugin-buildkite"
  return humanize_id(s);
}

}  // namespace plugins_detail

std::string derive_plugin_id(std::string_view package_name) {
  try {
    return plugins_detail::derive_id(package_name, false);
  } catch (...) {
    return {};
  }
}

}  // namespace callboard
