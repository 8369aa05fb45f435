#pragma once
// Internals shared by the plugin grouping (plugins.cpp), the score
// (score.cpp) and the plugin-id rules (plugin_id.cpp). Not installed; tests
// include it through src/.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "callboard/backstage.hpp"
#include "callboard/error.hpp"
#include "callboard/model.hpp"
#include "callboard/semver.hpp"

namespace callboard::plugins_detail {

// Shared with the solver and the scanner, so public (callboard/backstage.hpp,
// callboard/semver.hpp); named here so the registry's code reads as before.
using backstage::kSingletonPackages;
using backstage::metadata_manifest;
using backstage::ordered_releases;
using semver::is_prerelease_text;

/// "@roadiehq" for "@roadiehq/x", "" for unscoped names.
std::string_view scope_of(std::string_view package_name) noexcept;

/// The `backstage.moved` target of the metadata manifest, or "".
std::string_view moved_to(const Packument& packument) noexcept;

/// The plugin id for a name with the strict rules of derive_plugin_id, or,
/// with `lax`, also for names without a plugin marker (used for packages
/// whose role already says they are plugins): "@acme/insights-backend" ->
/// "insights". Never empty with `lax` unless the name is empty.
std::string derive_id(std::string_view package_name, bool lax);

/// The id of a module that stands alone because its target plugin is not
/// indexed: the name without scope and plugin prefix
/// ("@x/backstage-plugin-scaffolder-backend-module-foo" ->
/// "scaffolder-backend-module-foo").
std::string standalone_module_id(std::string_view package_name);

/// "argo-cd" -> "Argo CD": words capitalised, a few known words spelled
/// as their owners do ("GitHub", "API").
std::string humanize_id(std::string_view id);

/// A title for a plugin without a directory entry: the humanized id
/// without plugin prefixes ("backstage-plugin-buildkite" -> "Buildkite"),
/// or, for ids that are not slugs ("@get-dx/backstage-backend-plugin"),
/// the humanized id the primary package's name suggests.
std::string title_for_id(std::string_view id, std::string_view primary_package);

/// What the score needs from the release manifests, computed once per
/// build rather than once per plugin.
struct ReleaseSummary {
  /// The highest release that is not a prerelease; else the highest.
  std::optional<semver::Version> newest;
  std::string newest_text;
  /// Distinct valid release versions.
  std::size_t known = 0;
};
ReleaseSummary summarize_releases(const std::vector<Release>& releases);

/// score_plugin with the releases already summarised. Throws what
/// allocation throws (build_plugins and score_plugin turn it into an Error).
Score score_with(const Plugin& plugin, const std::vector<const Packument*>& packuments,
                 const ReleaseSummary& releases, Timestamp now,
                 std::optional<std::uint64_t> monthly_downloads);

/// The Error for an exception caught at a public entry point of the
/// registry's pure functions: call only inside a catch block. `what` names
/// the operation ("building plugins"): kResourceExhausted for std::bad_alloc
/// and std::length_error, kInternal for anything else.
Error error_from_current_exception(std::string_view what);

}  // namespace callboard::plugins_detail
