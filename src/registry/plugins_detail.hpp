#pragma once
// Internals shared by the plugin grouping (plugins.cpp), the score
// (score.cpp), the plugin-id rules (plugin_id.cpp) and release support
// (release_support.cpp). Not installed; tests include it through src/.

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

/// Which releases a package supports, precomputed per release so that a
/// whole ecosystem is checked in milliseconds. Not thread-safe (caches).
///
/// A package supports release R when SOME of its versions (prereleases only
/// when the package has nothing else) satisfies, on R:
///  - every `dependencies` / `peerDependencies` entry naming a singleton
///    (kSingletonPackages) that R contains admits R's version of it
///    (`workspace:`, `backstage:`, tags, URLs, git and file specifiers
///    count as satisfied; an invalid specifier never is);
///  - no such entry names a package R lacks (optional peers excepted):
///    one removed before R (absent from R, present in an earlier release,
///    like backend-common from 1.32.0), or a singleton introduced after R
///    (backend-plugin-api before 1.4.0). Other @backstage packages that R
///    lacks (newer libraries) are installed from npm like any dependency.
class ReleaseSupport {
 public:
  /// Releases in any order; those whose version is not valid semver are
  /// ignored, duplicates collapse.
  explicit ReleaseSupport(const std::vector<Release>& releases);

  /// Release versions the packument supports, ascending by semver.
  [[nodiscard]] std::vector<std::string> supported(const Packument& packument);
  /// Whether one manifest supports each release, as a bit per release
  /// (ascending order, see release_versions()).
  [[nodiscard]] std::vector<std::uint64_t> supported_bits(const Manifest& manifest);

  /// The usable release versions, ascending.
  [[nodiscard]] const std::vector<std::string>& release_versions() const noexcept { return texts_; }

 private:
  using Bits = std::vector<std::uint64_t>;
  const Bits& spec_bits(std::string_view package, std::string_view spec);
  void apply(Bits& acc, const DependencyMap& deps, const Manifest& manifest, bool peers);

  std::vector<semver::Version> versions_;
  std::vector<std::string> texts_;
  std::size_t words_ = 0;
  // singleton name -> per release: its version in that release, parsed
  // (nullopt when absent or not valid semver).
  std::unordered_map<std::string, std::vector<std::optional<semver::Version>>> singleton_versions_;
  // package -> releases that lack it: removed ones (absent, present
  // before), and for singletons every release without it.
  std::unordered_map<std::string, Bits> unavailable_;
  // "<package>\n<spec>" -> releases on which the spec admits the package.
  std::unordered_map<std::string, Bits> spec_cache_;
};

/// The Error for an exception caught at a public entry point of the
/// registry's pure functions: call only inside a catch block. `what` names
/// the operation ("building plugins"): kResourceExhausted for std::bad_alloc
/// and std::length_error, kInternal for anything else.
Error error_from_current_exception(std::string_view what);

}  // namespace callboard::plugins_detail
