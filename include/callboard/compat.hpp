#pragma once
/// \file
/// The compatibility scanner: does a plugin version work on a Backstage
/// release (and, when given, in a particular app)?
///
/// A scan checks one Manifest against one release of a ReleaseCatalog and
/// returns Findings, each with a stable id, a severity, a message a user can
/// act on, the evidence (package, field, range, the release's version), and
/// the best tier it still allows. The verdict is the worst of those tiers,
/// and lists the findings that decided it.
///
/// Tiers (best first):
///  - kAligned: every `@backstage/*` range admits the release's version of
///    that package, so the app needs no second copy of anything;
///  - kCompatible: only non-singleton libraries (`-common`, `-node`,
///    `-react`, core-components, ...) would get a second copy, the
///    registration versions still match, and nothing else is wrong;
///  - kIncompatible: a singleton would be duplicated, the plugin registers
///    with a newer plugin API than the host understands, a removed package
///    is required, the role or engines do not fit, a declared target is
///    newer than the release, ...
///
/// Finding ids (stable), with the severity and the best tier they allow:
///   singleton-duplicate      error, incompatible: a singleton's range
///                            (core-plugin-api, core-app-api, frontend-/
///                            backend-plugin-api, frontend-/backend-app-api,
///                            plugin-catalog-react) misses the release's version
///   registration-skew        error, incompatible: backend-/frontend-plugin-api
///                            range needs a newer version than the release's
///   backstage-range-mismatch warning, compatible: a library's range misses
///                            the release's version (a second copy)
///   package-removed          error, incompatible (warning for an optional
///                            peer): the release no longer lists the package
///   package-moved            warning, compatible: removed, and `backstage.moved`
///                            names its new home (the old one still installs)
///   package-unreleased       error for singletons, info for libraries: first
///                            listed in a later release
///   invalid-specifier        error, incompatible: no package manager can install it
///   unchecked-specifier      info: workspace:, tags, URLs (not judged)
///   legacy-backend-system    warning; error, incompatible from the release
///                            that removed @backstage/backend-common
///   transitional-backend-system, legacy-frontend-system,
///   transitional-frontend-system   info
///   backend-system-code-mismatch   warning when package.json and the
///                            verified tarball's code (ScanOptions::artifacts)
///                            disagree on whether the plugin is legacy-only,
///                            info for other differences; the code wins
///   backend-system-mismatch, frontend-system-mismatch   error, incompatible:
///                            a new-system-only plugin on a legacy host
///                            (warning for a legacy plugin on a new host)
///   role-mismatch            error, incompatible: no host package of its kind
///   role-not-plugin          info: a library, CLI or app
///   engines-node             error, incompatible when disjoint from the
///                            app's Node.js; warning when only partly
///   peer-unsatisfiable       warning, compatible: a non-Backstage peer the
///                            app's host package has outside the range
///   deprecated-version, moved-plugin   warning; prerelease-version info
///   declared-target          error, incompatible when `supported-versions`
///                            (or a workspace backstage.json) is a newer
///                            minor than the release; warning when older;
///                            info when the same
///
/// Everything here is deterministic and pure: the same inputs give the same
/// findings in the same order. Values are regular; a ReleaseCatalog is
/// immutable after construction and safe to share between threads; a
/// MatrixBuilder is not (it caches).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard::compat {

/// How bad a finding is for a user.
enum class Severity : std::uint8_t { kInfo = 0, kWarning, kError };
/// "info", "warning", "error".
CALLBOARD_EXPORT std::string_view to_string(Severity severity) noexcept;

/// The verdict tiers, best first (so `std::max` of two tiers is the worse).
enum class Tier : std::uint8_t { kAligned = 0, kCompatible, kIncompatible };
/// "aligned", "compatible", "incompatible".
CALLBOARD_EXPORT std::string_view to_string(Tier tier) noexcept;
/// The tier for its name; nullopt for anything else.
CALLBOARD_EXPORT std::optional<Tier> parse_tier(std::string_view text) noexcept;

/// What a finding is about. Empty members do not apply.
struct Evidence {
  /// The package the finding is about ("@backstage/core-plugin-api"), or
  /// the scanned package itself for package-level findings.
  std::string package;
  /// Where the plugin says it: "dependencies", "peerDependencies",
  /// "engines.node", "backstage.role", "supported-versions", "deprecated", ...
  std::string field;
  /// What the plugin asks for there ("^1.9.3", ">=18", "backend-plugin").
  std::string range;
  /// What the release or the app has ("1.10.0"; "18 || 20"; "" when absent).
  std::string found;
  /// The release version the check was made against ("1.31.0").
  std::string release;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

struct Finding {
  /// Stable id (see the file comment).
  std::string id;
  Severity severity = Severity::kInfo;
  /// The best tier this finding still allows (kAligned: it does not lower
  /// the verdict).
  Tier limit = Tier::kAligned;
  /// One or two sentences: what is wrong and what to do about it.
  std::string message;
  Evidence evidence;
  friend bool operator==(const Finding&, const Finding&) = default;
};

/// The verdict on one plugin version against one release.
struct ScanResult {
  std::string package;
  std::string version;
  std::string release;
  Tier tier = Tier::kAligned;
  /// Sorted: severity (errors first), then id, then evidence package, then field.
  std::vector<Finding> findings;
  /// Indices into `findings` of those that decided the tier (whose limit is
  /// the tier); empty when the tier is kAligned.
  std::vector<std::size_t> deciding;
  friend bool operator==(const ScanResult&, const ScanResult&) = default;
};

/// What an app offers a plugin, beyond its Backstage release. Built from an
/// AppProfile by host_from_app, or by hand.
struct HostProfile {
  /// Host packages in the app: kFrontend (an app package) and/or kBackend.
  /// Empty: any role fits.
  std::vector<PackageRole> roles;
  /// The app's Node.js: an exact version ("20.11.1") or a range ("18 || 20",
  /// the root package.json `engines.node`). Empty: not checked.
  std::string node;
  /// Non-Backstage packages the frontend / backend host declares
  /// (react, react-router-dom, express, ...), name -> range or version.
  DependencyMap frontend_provides;
  DependencyMap backend_provides;
  /// Exact versions from the app's lockfile, when it has one (name -> version;
  /// when a name is locked more than once, its host-level copy, else the
  /// highest).
  std::map<std::string, std::string, std::less<>> locked;
  /// Which plugin system the host runs: kNew when its backend depends on
  /// backend-defaults (its app on frontend-defaults or frontend-app-api),
  /// kLegacy when only on the old packages, kTransitional for both,
  /// kNotApplicable when unknown.
  PluginSystem backend_system = PluginSystem::kNotApplicable;
  PluginSystem frontend_system = PluginSystem::kNotApplicable;
  friend bool operator==(const HostProfile&, const HostProfile&) = default;
};

/// The host an app profile describes: roles of its workspace packages
/// (declared or detected), the root `engines.node`, the dependencies of its
/// frontend (role frontend) and backend (role backend) packages, the
/// lockfile's versions and the plugin systems its hosts run.
CALLBOARD_EXPORT HostProfile host_from_app(const AppProfile& app);

struct ScanOptions {
  /// The app the plugin would be installed into; nullptr: release only.
  const HostProfile* host = nullptr;
  /// The Backstage release the plugin's sources target (its workspace
  /// backstage.json, or a directory snapshot's `backstage.version`); used
  /// when the manifest has no `supported-versions`. Empty: none.
  std::string declared_target;
  /// What the code of verified tarballs says: stored ArtifactRecords
  /// (backend::Storage::artifact / artifacts). A record applies to the
  /// manifest of the same name and version; others are ignored. When one
  /// applies and its backend_system is not kNotApplicable, that system
  /// (read from the code) replaces the one classify_plugin_systems reads
  /// from package.json for every backend-system check (legacy-backend-
  /// system, transitional-backend-system, backend-system-mismatch, and the
  /// matrix's tiers alike), and backend-system-code-mismatch says when the
  /// two differ. The records are not copied: they must outlive the scan, or
  /// the MatrixBuilder given these options. Empty: metadata only.
  std::span<const ArtifactRecord> artifacts;
};

/// Every Backstage release manifest, pre-resolved for checking: releases
/// sorted by semver (duplicates and invalid versions dropped), each a flat
/// table of parsed package versions, and what the history says about each
/// package: the first release it appears in, and the release from which it
/// is gone for good (present in release N-1, absent from N onward: removed
/// at N). `moved` adds where removed packages went (`backstage.moved`:
/// "@backstage/plugin-adr" -> "@backstage-community/plugin-adr").
///
/// Immutable after construction; thread-safe to share.
class CALLBOARD_EXPORT ReleaseCatalog {
 public:
  /// An empty catalog (no releases).
  ReleaseCatalog();
  /// Releases in any order. Complexity: O(total manifest entries).
  explicit ReleaseCatalog(const std::vector<Release>& releases,
                          std::map<std::string, std::string, std::less<>> moved = {});
  ~ReleaseCatalog();
  ReleaseCatalog(const ReleaseCatalog&);
  ReleaseCatalog& operator=(const ReleaseCatalog&);
  ReleaseCatalog(ReleaseCatalog&&) noexcept;
  ReleaseCatalog& operator=(ReleaseCatalog&&) noexcept;

  /// Release versions, ascending by semver.
  [[nodiscard]] const std::vector<std::string>& releases() const noexcept;
  /// The index of a release in releases(): the exact version, or for
  /// "1.31" / "1.31.x" the highest non-prerelease 1.31.*; nullopt when none.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view version) const noexcept;
  /// The first release without the package after which it never returns,
  /// when it was present before; nullopt for a package never removed.
  [[nodiscard]] std::optional<std::string> removed_in(std::string_view package) const;
  /// The last release that lists the package; nullopt when none does.
  [[nodiscard]] std::optional<std::string> last_listed_in(std::string_view package) const;
  /// The first release that lists the package; nullopt when none does.
  [[nodiscard]] std::optional<std::string> first_listed_in(std::string_view package) const;
  /// Where a package moved (`backstage.moved`), or empty.
  [[nodiscard]] std::string_view moved_to(std::string_view package) const noexcept;
  /// Every package removed in some release, with the release it is gone
  /// from, sorted by name.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> removed_packages() const;

  struct Impl;
  /// Internal; for src/compat.
  [[nodiscard]] const Impl& impl() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

/// `backstage.moved` of each packument's metadata (the latest version's
/// `backstage` field, else the newest version that has one), name -> target.
CALLBOARD_EXPORT std::map<std::string, std::string, std::less<>> moved_packages(
    const std::vector<Packument>& packuments);

/// Moves the package names themselves show: each package the catalog saw
/// removed, `@backstage/<rest>`, whose twin `@backstage-community/<rest>` is
/// in `known_names` (the community-plugins move at 1.27 kept the names).
/// Use it for removed packages whose packuments are not indexed, where
/// moved_packages() cannot read `backstage.moved`. `known_names` in any order.
CALLBOARD_EXPORT std::map<std::string, std::string, std::less<>> community_moves(
    const ReleaseCatalog& catalog, const std::vector<std::string>& known_names);

/// Scans one plugin version against one release of the catalog.
/// Errors: kNotFound when the catalog has no such release (see find()).
CALLBOARD_EXPORT Result<ScanResult> scan(const Manifest& manifest, const ReleaseCatalog& catalog,
                                         std::string_view release, const ScanOptions& options = {});

/// backend-system-code-mismatch for one manifest and the record of its
/// verified tarball (same id, severity and words as scan()'s), or nullopt
/// when the code shows no backend system or agrees with package.json. For
/// what `verify` reports before anything is stored.
CALLBOARD_EXPORT std::optional<Finding> code_system_finding(const Manifest& manifest, const ArtifactRecord& code);

/// Every version of a package x every release -> tier.
struct SupportMatrix {
  std::string package;
  /// Ascending by semver.
  std::vector<std::string> versions;
  /// Ascending by semver (the catalog's releases).
  std::vector<std::string> releases;
  /// Row-major: tiers[v * releases.size() + r].
  std::vector<Tier> tiers;
  /// Per version: deprecated (npm `deprecated`).
  std::vector<bool> deprecated;

  [[nodiscard]] Tier at(std::size_t version, std::size_t release) const noexcept {
    return tiers[version * releases.size() + release];
  }
  /// The newest version whose tier on `release` is `tier` or better,
  /// skipping prereleases unless `include_prerelease` and deprecated
  /// versions unless `include_deprecated`; nullopt when none (or the release
  /// is not in the matrix; "1.31" means the newest 1.31.* as find() does).
  [[nodiscard]] CALLBOARD_EXPORT std::optional<std::string> newest(
      std::string_view release, Tier tier, bool include_prerelease = false,
      bool include_deprecated = false) const;
  /// newest() among the versions an npm range admits (node-semver; an
  /// empty range admits every version): what `scan <pkg>@<range> --newest`
  /// answers. Prereleases and deprecated versions are left out.
  /// kInvalidArgument for a range that does not parse.
  [[nodiscard]] CALLBOARD_EXPORT Result<std::optional<std::string>> newest_in_range(std::string_view range,
                                                                                   std::string_view release,
                                                                                   Tier tier) const;
  /// The releases on which `version` reaches `tier` or better, ascending;
  /// empty when the version is not in the matrix.
  [[nodiscard]] CALLBOARD_EXPORT std::vector<std::string> releases_supported(
      std::string_view version, Tier tier) const;
  /// The releases on which some version reaches `tier` or better: exactly
  /// those for which newest(release, tier, include_prerelease,
  /// include_deprecated) finds one. Ascending. What the registry stores as
  /// Plugin::supported_releases (and search's `--release` filters on), so
  /// that search and the scanner answer with one rule.
  [[nodiscard]] CALLBOARD_EXPORT std::vector<std::string> releases_with_support(
      Tier tier, bool include_prerelease = false, bool include_deprecated = false) const;
  friend bool operator==(const SupportMatrix&, const SupportMatrix&) = default;
};

/// Builds support matrices quickly: each distinct (package, specifier) pair
/// is resolved against every release once, as bit sets, so a cell costs a
/// few word operations. The tiers equal scan()'s for every cell (tests
/// check this on real data). Not thread-safe; one per thread.
class CALLBOARD_EXPORT MatrixBuilder {
 public:
  /// Keeps a reference to `catalog`, which must outlive the builder.
  explicit MatrixBuilder(const ReleaseCatalog& catalog, ScanOptions options = {});
  ~MatrixBuilder();
  MatrixBuilder(const MatrixBuilder&) = delete;
  MatrixBuilder& operator=(const MatrixBuilder&) = delete;

  /// Every version of the packument (in its semver order) x every release.
  [[nodiscard]] SupportMatrix build(const Packument& packument);
  /// One version x every release, in release order.
  [[nodiscard]] std::vector<Tier> tiers(const Manifest& manifest);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// One package an app depends on, judged for an upgrade to a release.
struct UpgradeItem {
  std::string package;
  /// The workspace that depends on it ("packages/backend").
  std::string workspace;
  /// The app's specifier.
  std::string range;
  /// What the app would run: the release's version for packages the
  /// target release lists (versions:bump moves them), else the locked
  /// version, else the newest indexed version the range admits; empty
  /// when unknown (not indexed).
  std::string version;
  /// The tier of `version` on the target release (kAligned for packages
  /// the release itself ships).
  Tier tier = Tier::kAligned;
  /// The newest indexed version that is compatible or better on the target
  /// release; empty when none.
  std::string upgrade_to;
  /// True when the item prevents the upgrade: its version is incompatible
  /// and no indexed version is compatible, or the release removed it.
  bool blocking = false;
  /// The findings that decided `tier` (or the removal).
  std::vector<Finding> reasons;
  friend bool operator==(const UpgradeItem&, const UpgradeItem&) = default;
};

struct UpgradeReport {
  std::string from;  ///< the app's backstage.json version ("" when absent)
  std::string to;    ///< the target release
  /// Plugins and Backstage packages of every workspace, sorted by package,
  /// then workspace; packages that are neither Backstage packages nor
  /// plugins (react, pg) are left out.
  std::vector<UpgradeItem> items;
  /// Whether any item blocks.
  bool blocked = false;
  friend bool operator==(const UpgradeReport&, const UpgradeReport&) = default;
};

/// Which installed plugins block an upgrade of `app` to `release`, and why.
/// `packuments` are the indexed packages (looked up by name; those not
/// given are judged from the release alone). Errors: kNotFound for a
/// release the catalog does not have.
CALLBOARD_EXPORT Result<UpgradeReport> check_upgrade(const AppProfile& app,
                                                     const ReleaseCatalog& catalog,
                                                     std::string_view release,
                                                     const std::vector<Packument>& packuments);

/// Canonical JSON (compact, fixed member order):
///   ScanResult: {"package","version","release","tier","findings":[{"id",
///     "severity","limit","message","evidence":{"package","field","range",
///     "found","release"}}],"deciding":[ids...]}
///   SupportMatrix: {"package","releases":[...],"versions":[{"version",
///     "deprecated","tiers":"aacci..."}]} (one letter per release:
///     a = aligned, c = compatible, i = incompatible)
///   UpgradeReport: {"from","to","blocked","items":[{"package","workspace",
///     "range","version","tier","upgradeTo","blocking","reasons":[finding]}]}
CALLBOARD_EXPORT std::string to_json(const ScanResult& result);
CALLBOARD_EXPORT std::string to_json(const SupportMatrix& matrix);
CALLBOARD_EXPORT std::string to_json(const UpgradeReport& report);
CALLBOARD_EXPORT std::string to_json(const Finding& finding);

}  // namespace callboard::compat
