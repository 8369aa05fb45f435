#pragma once
// The values the catalog conformance cases store and the answers they work
// out for them: packuments, and twelve plugins whose search, filter and
// facet results are stated by hand in catalog_cases.cpp. Plain functions,
// also used by callboard's own storage tests. Not installed.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/model.hpp"

namespace callboard::backend::conformance::fixtures {

inline Timestamp ts(std::int64_t millis) { return Timestamp{std::chrono::milliseconds{millis}}; }

/// A seed state whose fingerprint is `text`: the small typed value the
/// transaction cases write and read back.
inline SeedState marker(std::string text) { return SeedState{std::move(text), {}}; }

inline Manifest manifest(const std::string& name, const std::string& version) {
  Manifest m;
  m.name = name;
  m.version = version;
  m.description = "Test package " + name;
  m.keywords = {"backstage", "plugin"};
  m.license = "Apache-2.0";
  m.dependencies = {{"@backstage/core-plugin-api", "^1.9.0"}, {"react-use", "^17.2.4"}};
  m.peer_dependencies = {{"react", "^16.13.1 || ^17.0.0 || ^18.0.0"}};
  BackstageMetadata b;
  b.role = PackageRole::kFrontendPlugin;
  b.plugin_id = "demo";
  m.backstage = b;
  m.dist.tarball = "https://example.invalid/" + name + "/-/x-" + version + ".tgz";
  m.dist.integrity = "sha512-AAAA";
  m.dist.shasum = "0123456789abcdef0123456789abcdef01234567";
  m.published = ts(1714564800123);
  return m;
}

inline Packument packument(const std::string& name, const std::vector<std::string>& versions) {
  Packument p;
  p.name = name;
  p.description = "Packument of " + name;
  for (const auto& v : versions) p.versions.push_back(manifest(name, v));
  if (!versions.empty()) p.dist_tags["latest"] = versions.back();
  p.created = ts(1600000000000);
  p.modified = ts(1714564800123);
  return p;
}

inline PluginPackage pkg(std::string name, PackageRole role, std::string latest = "1.0.0") {
  return PluginPackage{std::move(name), role, std::move(latest)};
}

struct PluginSpec {
  std::string id;
  std::string title;
  std::string description;
  std::string category;
  std::vector<PluginPackage> packages;
  std::vector<PluginPackage> modules;
  PluginSystem backend = PluginSystem::kNotApplicable;
  PluginSystem frontend = PluginSystem::kNotApplicable;
  std::vector<std::string> releases;
  bool deprecated = false;
  double score = 0;
  std::vector<std::string> keywords = {};
};

inline Plugin make_plugin(const PluginSpec& s) {
  Plugin p;
  p.id = s.id;
  p.declared_id = true;
  p.title = s.title;
  p.description = s.description;
  p.category = s.category;
  p.keywords = s.keywords;
  p.packages = s.packages;
  p.modules = s.modules;
  p.backend_system = s.backend;
  p.frontend_system = s.frontend;
  p.supported_releases = s.releases;
  p.deprecated = s.deprecated;
  p.score.total = s.score;
  p.score.factors = {ScoreFactor{"recency", "Release recency", 0.5, 1.0, "last release 12 days ago"}};
  p.last_published = ts(1714564800000);
  return p;
}

/// Twelve plugins; conformance_test.cpp states the answers for them.
inline std::vector<Plugin> twelve_plugins() {
  using R = PackageRole;
  using S = PluginSystem;
  std::vector<PluginSpec> specs = {
      {"argo-cd", "Argo CD", "View Argo CD deployment status for your services.", "Deployment",
       {pkg("@roadiehq/backstage-plugin-argo-cd", R::kFrontendPlugin)}, {}, S::kNotApplicable, S::kLegacy,
       {"1.52.0", "1.53.0"}, false, 80},
      {"kubernetes", "Kubernetes", "Monitor Kubernetes workloads and pods.", "Infrastructure",
       {pkg("@backstage/plugin-kubernetes", R::kFrontendPlugin),
        pkg("@backstage/plugin-kubernetes-backend", R::kBackendPlugin),
        pkg("@backstage/plugin-kubernetes-common", R::kCommonLibrary)},
       {}, S::kNew, S::kNew, {"1.53.0", "1.53.1", "1.54.0"}, false, 95},
      {"jenkins", "Jenkins", "Jenkins CI builds; also deploys to kubernetes clusters.", "CI/CD",
       {pkg("@backstage-community/plugin-jenkins", R::kFrontendPlugin),
        pkg("@backstage-community/plugin-jenkins-backend", R::kBackendPlugin)},
       {pkg("@backstage-community/plugin-scaffolder-backend-module-jenkins", R::kBackendPluginModule)},
       S::kTransitional, S::kLegacy, {"1.52.0"}, false, 70},
      {"sonarqube", "SonarQube", "Code quality and security.", "Quality",
       {pkg("@backstage-community/plugin-sonarqube", R::kFrontendPlugin),
        pkg("@backstage-community/plugin-sonarqube-backend", R::kBackendPlugin)},
       {}, S::kLegacy, S::kLegacy, {"1.53.0"}, false, 60},
      {"tech-radar", "Tech Radar", "Visualize technology choices.", "Discovery",
       {pkg("@backstage-community/plugin-tech-radar", R::kFrontendPlugin)}, {}, S::kNotApplicable,
       S::kTransitional, {"1.54.0"}, false, 75},
      {"catalog", "Software Catalog", "Track ownership and metadata of all software.", "Core",
       {pkg("@backstage/plugin-catalog", R::kFrontendPlugin), pkg("@backstage/plugin-catalog-backend", R::kBackendPlugin)},
       {pkg("@backstage/plugin-catalog-backend-module-github", R::kBackendPluginModule)}, S::kNew, S::kNew,
       {"1.53.0", "1.54.0"}, false, 99},
      {"github-actions", "GitHub Actions", "Show GitHub workflow runs.", "CI/CD",
       {pkg("@backstage-community/plugin-github-actions", R::kFrontendPlugin)}, {}, S::kNotApplicable, S::kLegacy,
       {"1.50.0"}, true, 40},
      {"pagerduty", "PagerDuty", "On-call and incidents.", "Monitoring",
       {pkg("@pagerduty/backstage-plugin", R::kFrontendPlugin),
        pkg("@pagerduty/backstage-plugin-backend", R::kBackendPlugin)},
       {}, S::kLegacy, S::kLegacy, {"1.53.2"}, false, 65},
      {"grafana", "Grafana", "Dashboards and alerts for monitoring.", "monitoring",
       {pkg("@k-phoen/backstage-plugin-grafana", R::kFrontendPlugin)}, {}, S::kNotApplicable, S::kLegacy, {}, false,
       55},
      {"lighthouse", "Lighthouse", "Website audits.", "Quality",
       {pkg("@backstage-community/plugin-lighthouse", R::kFrontendPlugin),
        pkg("@backstage-community/plugin-lighthouse-backend", R::kBackendPlugin)},
       {}, S::kNew, S::kLegacy, {"1.53.0"}, false, 50},
      {"todo", "TODO", "Browse TODO comments in your source code.", "Discovery",
       {pkg("@backstage-community/plugin-todo", R::kFrontendPlugin),
        pkg("@backstage-community/plugin-todo-backend", R::kBackendPlugin)},
       {}, S::kNew, S::kNew, {"1.54.0"}, false, 45},
      {"cost-insights", "Cost Insights", "Cloud cost visibility.", "",
       {pkg("@backstage-community/plugin-cost-insights", R::kFrontendPlugin)}, {}, S::kNotApplicable, S::kLegacy,
       {"1.53.0"}, false, 30},
  };
  std::vector<Plugin> out;
  for (const auto& s : specs) out.push_back(make_plugin(s));
  return out;
}

inline std::vector<std::string> hit_ids(const SearchPage& page) {
  std::vector<std::string> ids;
  for (const auto& h : page.hits) ids.push_back(h.plugin.id);
  return ids;
}

}  // namespace callboard::backend::conformance::fixtures
