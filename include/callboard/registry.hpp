#pragma once
/// \file
/// The registry: indexes Backstage plugins from their sources into a
/// Storage, groups packages into plugins, scores them, and searches.
///
/// Sources: an npm registry (packuments by name; discovery starts from
/// known names and follows every Backstage link until closure), the
/// Backstage plugin directory (YAML files), Backstage release manifests,
/// and local folders or .tgz files (a vendor's private plugins).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"
#include "callboard/npm_config.hpp"

namespace callboard {

// ---------------------------------------------------------------------------
// Grouping and scoring (pure functions over model values).

struct PluginInputs {
  /// Latest-known packuments of every indexed package.
  const std::vector<Packument>* packuments = nullptr;
  const std::vector<DirectoryEntry>* directory = nullptr;
  /// Release manifests, any order.
  const std::vector<Release>* releases = nullptr;
  /// "Now" for recency factors; pass a fixed value for reproducible output.
  Timestamp now{};
  /// name -> monthly downloads (optional popularity input).
  const std::map<std::string, std::uint64_t, std::less<>>* downloads = nullptr;
};

/// Groups packages into plugins by `backstage.pluginId` / `pluginPackages` /
/// `pluginPackage`, falling back to role detection and name patterns for
/// packages without metadata; attaches directory entries (by npm package
/// name), systems, supported releases and the score. Sorted by id (packages
/// and modules by name); the same inputs in any order give the same output.
/// Null input pointers count as empty. Never throws.
///
/// Errors: kResourceExhausted when memory runs out while building,
/// kInternal for any other failure (a bug). An error is never an empty
/// table: callers must not store anything in its place.
///
/// Rules (src/registry/plugins.cpp has the full reference):
///  - Metadata is the latest version's `backstage` field, else the newest
///    version's that has one. `pluginId: null`, apps and CLIs are not plugins.
///  - Packages sharing a pluginId (declared, else derive_plugin_id) in one
///    npm scope, listed in each other's `pluginPackages`, or linked by
///    `moved` form one plugin, if it has a frontend-plugin or backend-plugin
///    package. The same id from two publishers is two plugins: @backstage,
///    then @backstage-community, then the first created keeps the plain id;
///    the others become "<id>@<scope without @>" ("argocd@roadiehq").
///  - Modules are listed in `modules` of the plugin they extend
///    (`pluginPackage`, else pluginId / derived id); a module whose plugin is
///    not indexed is a plugin of its own, id = its name without scope and
///    plugin prefix (its declared id when its pluginPackage is itself).
///  - Moved packages stay listed among their new plugin's packages.
///  - `deprecated`: every package's latest is deprecated or moved.
///  - `supported_releases`: releases on which some version of the primary
///    package (frontend plugin, else backend plugin, not moved/deprecated
///    first) admits the release's version of every Backstage singleton it
///    depends on (core-plugin-api, core-app-api, frontend-plugin-api,
///    frontend-app-api, backend-plugin-api, backend-app-api,
///    plugin-catalog-react) and needs no @backstage package the release
///    lacks (removed before it, or a singleton introduced after it).
///    `workspace:` and `backstage:` specifiers count as satisfied.
///  - The score's popularity input is the most downloaded package's count.
///
/// Complexity: linear in packages and versions; the ecosystem seed (468
/// packages, 3,700 versions, 203 releases) takes tens of milliseconds.
CALLBOARD_EXPORT Result<std::vector<Plugin>> build_plugins(const PluginInputs& inputs);

/// The plugin id a package name suggests when it has no metadata:
/// "@backstage-community/plugin-jenkins-backend" -> "jenkins",
/// "@roadiehq/backstage-plugin-argo-cd" -> "argo-cd",
/// "@backstage/plugin-catalog-backend-module-github" -> "catalog" (a module
/// gives its target's id), "@pagerduty/backstage-plugin-backend" ->
/// "pagerduty" (only role words left: the scope); empty when the name does
/// not look like a plugin package ("@backstage/core-components",
/// "@backstage/cli", "@backstage/core-plugin-api"). The rule table is in
/// src/registry/plugin_id.cpp; tests/cases/registry/derive_plugin_id.json
/// holds real names and their ids.
CALLBOARD_EXPORT std::string derive_plugin_id(std::string_view package_name);

/// The score of one plugin from its packages' packuments (factors:
/// recency, cadence, metadata, new backend system, latest release support,
/// license, deprecation, directory status, popularity when known).
///
/// Each factor is 0..1 with a sentence giving the real value; `new_backend`
/// (frontend-only plugins), `latest_release` (no releases given) and
/// `popularity` (downloads unknown) are left out when they do not apply and
/// the remaining weights are scaled to sum to 1. Total = 100 x the weighted
/// sum, rounded to 0.1. Reads `plugin.last_published` (else the packuments),
/// `backend_system`, `supported_releases`, `directory` and `deprecated`.
/// Deterministic for the same arguments; null packuments are skipped. The
/// weights and curves are in src/registry/score.cpp. Never throws; errors as
/// build_plugins's (kResourceExhausted when memory runs out, kInternal
/// otherwise), never a zero score in place of one.
CALLBOARD_EXPORT Result<Score> score_plugin(const Plugin& plugin, const std::vector<const Packument*>& packuments,
                                    const std::vector<Release>& releases, Timestamp now,
                                    std::optional<std::uint64_t> monthly_downloads = std::nullopt);

// ---------------------------------------------------------------------------
// Indexing.

struct IndexOptions {
  /// Seed with the ecosystem list, release manifests and plugin directory
  /// shipped with callboard (or found in `data_dir`).
  bool seed_ecosystem = true;
  /// Extra package names to index.
  std::vector<std::string> packages;
  /// Follow Backstage links (dependencies on @backstage*, plugin packages,
  /// peerModules, pluginPackage, moved) until closure.
  bool follow_links = true;
  /// Local folders (with package.json) and .tgz files to index as packages.
  std::vector<std::filesystem::path> local_sources;
  /// Where the seed data lives; empty for the installed default.
  std::filesystem::path data_dir;
  /// Stop following links past this many packages.
  std::size_t max_packages = 50000;
  /// Fixed "now" for scores (tests, reproducible output); epoch = real time.
  Timestamp now{};
  friend bool operator==(const IndexOptions&, const IndexOptions&) = default;
};

/// Where an index run is (IndexProgress::phase), in order.
enum class IndexPhase : std::uint8_t {
  kSeed,     ///< reading the seed data (ecosystem list, releases, directory)
  kFetch,    ///< fetching packuments (and reading local sources)
  kPlugins,  ///< grouping packages into plugins and scoring them
  kDone,     ///< finished; the last progress report of a run
};
/// "seed", "fetch", "plugins", "done".
CALLBOARD_EXPORT std::string_view to_string(IndexPhase phase) noexcept;

struct IndexProgress {
  std::size_t done = 0;        ///< packages finished (any outcome)
  std::size_t queued = 0;      ///< waiting or in flight
  std::size_t changed = 0;     ///< written because new or different
  std::size_t unchanged = 0;   ///< 304, or same content
  std::size_t not_found = 0;   ///< 404 (recorded, not fatal)
  std::size_t failed = 0;      ///< errors after retries
  std::size_t requests = 0;    ///< HTTP exchanges, retries included
  std::uint64_t bytes = 0;     ///< response bytes received
  std::string current;         ///< last package finished
  IndexPhase phase = IndexPhase::kSeed;  ///< to_string() gives its text
};

struct IndexFailure {
  std::string package;
  Error error;
  friend bool operator==(const IndexFailure&, const IndexFailure&) = default;
};

struct IndexReport {
  IndexProgress totals;
  std::size_t packages = 0;   ///< packuments stored after the run
  std::size_t versions = 0;   ///< their versions
  std::size_t plugins = 0;
  std::size_t releases = 0;
  std::size_t directory_entries = 0;
  std::vector<std::string> missing;  ///< names answered 404
  std::vector<IndexFailure> failures;
  std::chrono::milliseconds elapsed{0};
};

// ---------------------------------------------------------------------------
// Dependency closure (what a solve can reach, fetched before it runs).

/// One edge a closure starts from: what an app or a request asks for.
struct Requirement {
  /// The package name as written in the dependency map (for an
  /// `npm:<target>@<range>` specifier, the alias; the edge goes to target).
  std::string name;
  /// An npm specifier as written: "^1.2.0", "npm:other@^1", "latest", "*";
  /// empty means "*". Specifiers that are not registry ranges, dist-tags or
  /// aliases (git, file, url, workspace, backstage, patch) are skipped.
  std::string range;
  /// Who asks, free text ("app", "request"); shown in MissingPackage.
  std::string required_by;

  friend bool operator==(const Requirement&, const Requirement&) = default;
};

struct ClosureOptions {
  /// At most this many distinct package names are reached (stored, fetched,
  /// missing or failed alike); reaching one more ends the run with
  /// kResourceExhausted (what was stored is kept).
  std::size_t max_packages = 20000;
  /// Ask the registry for stored packuments too (conditionally, with the
  /// validators `index` stored); otherwise a stored packument is used as is.
  bool refresh = false;
  /// "Now" for the sync records written; epoch = real time.
  Timestamp now{};
};

struct ClosureProgress {
  std::size_t done = 0;            ///< names finished (any outcome)
  std::size_t queued = 0;          ///< names waiting for a request or in flight
  std::size_t fetched = 0;         ///< answered 200 or 304 by the registry
  std::size_t stored_already = 0;  ///< read from storage without a request
  std::size_t not_found = 0;       ///< answered 404 (recorded in `missing`)
  std::size_t failed = 0;          ///< other failures, after the transport's retries
  std::size_t requests = 0;        ///< HTTP exchanges, retries included
  std::uint64_t bytes = 0;         ///< response bytes received
  std::string current;             ///< last name finished
};

/// A package the registry answered 404 for, and who needs it.
struct MissingPackage {
  std::string name;
  /// "a@1.2.0 dependency ^3", "a@1.2.0 peer ^3", or a root's
  /// "<required_by> <specifier>"; sorted, at most kMaxShown.
  std::vector<std::string> required_by;
  /// How many requirers there were before the cap.
  std::size_t requirers = 0;
  static constexpr std::size_t kMaxShown = 20;

  friend bool operator==(const MissingPackage&, const MissingPackage&) = default;
};

struct ClosureReport {
  std::size_t packages = 0;        ///< names whose packument the closure used
  std::size_t fetched = 0;         ///< of those, answered 200 or 304
  std::size_t stored_already = 0;  ///< of those, read from storage only
  std::size_t requests = 0;        ///< HTTP exchanges, retries included
  std::uint64_t bytes = 0;         ///< response bytes received
  std::vector<MissingPackage> missing;  ///< 404s, sorted by name
  std::vector<IndexFailure> failures;   ///< sorted by package name
  std::chrono::milliseconds elapsed{0};
  friend bool operator==(const ClosureReport&, const ClosureReport&) = default;
};

struct PackageInfo {
  Packument packument;
  std::optional<Plugin> plugin;
  std::optional<backend::SyncRecord> sync;
};

class CALLBOARD_EXPORT Registry {
 public:
  Registry(std::shared_ptr<backend::Storage> storage, std::shared_ptr<backend::Transport> transport,
           NpmConfig npm);

  /// Fetches, stores, groups and scores. Incremental: packages already stored
  /// are asked for with conditional requests (ETag / Last-Modified) and are
  /// rewritten only when their content changed. Progress is reported after
  /// every package; `stop` cancels (what was committed stays; a later run
  /// resumes).
  Result<IndexReport> index(const IndexOptions& options,
                            const std::function<void(const IndexProgress&)>& progress = {},
                            std::stop_token stop = {});

  /// Makes sure storage holds the packument of every package reachable from
  /// `roots`, breadth-first over (name, range) edges, fetching what is not
  /// stored through the transport (concurrently, as `index` does: the npm
  /// configuration's per-scope registries and credentials).
  ///
  /// Each edge admits the versions of its target's packument that its range
  /// satisfies (node-semver, no prereleases unless the range names one; a
  /// dist-tag admits the version it tags; `npm:<target>@<range>` is an edge
  /// to target); every admitted version's `dependencies` and
  /// `peerDependencies` are followed as new edges, except peers marked
  /// optional in `peerDependenciesMeta` (a name in both maps counts as its
  /// peer entry, as the solver reads it). devDependencies and
  /// optionalDependencies are not followed; nor are specifiers the solver
  /// skips (git, file, url, workspace, ...), invalid package names, or a
  /// package's edge to itself. An edge already followed is not followed again.
  ///
  /// Fetched packuments are stored like `index` stores them (packument, its
  /// Backstage links, a "npm" sync record with validators and content hash,
  /// batched transactions), so a later `index` re-syncs them; a changed
  /// packument makes the next `index` rebuild plugins. A 404 is recorded in
  /// `missing` with who required it (and as a 404 sync record); other
  /// failures (after the transport's retries, unparsable bodies) are in
  /// `failures` and the run goes on (a stored packument, if any, is used).
  ///
  /// Errors: kInvalidArgument for a root whose name is not an npm package
  /// name; kFailedPrecondition when something must be fetched and there is
  /// no transport or registry; kResourceExhausted past
  /// `options.max_packages` names; kCancelled when `stop` is requested
  /// (what was stored is kept); storage errors as they are. Tokens never
  /// appear in errors or failures. Progress after every name. The report is
  /// sorted, so the same registry and storage give the same report (except
  /// `elapsed`).
  Result<ClosureReport> fetch_closure(std::span<const Requirement> roots, const ClosureOptions& options = {},
                                      const std::function<void(const ClosureProgress&)>& progress = {},
                                      std::stop_token stop = {});

  /// Imports every release manifest (`<version>.json` or
  /// `<version>/manifest.json`) from a folder. Returns how many.
  Result<std::size_t> import_releases(const std::filesystem::path& folder);
  /// Fetches one release manifest (versions.backstage.io's
  /// `v1/releases/<version>/manifest.json` format) from an http(s) URL
  /// through the transport and stores it. Returns its release version.
  /// Errors: kFailedPrecondition without a transport, kNotFound for a 404,
  /// kUnavailable for other statuses and network failures, the parser's
  /// error (with `url`) for a body that is not a release manifest; bodies
  /// over 8 MiB are refused.
  Result<std::string> import_release_url(std::string_view url, std::stop_token stop = {});
  /// Imports every directory YAML file from a folder.
  Result<std::size_t> import_directory(const std::filesystem::path& folder);

  Result<backend::SearchPage> search(const backend::SearchQuery& query);
  /// A package by name, or the first package of a plugin by id.
  Result<std::optional<PackageInfo>> info(std::string_view package_or_plugin);

  [[nodiscard]] backend::Storage& storage() noexcept { return *storage_; }
  /// The storage, shared (it outlives the Registry when the caller keeps it).
  [[nodiscard]] std::shared_ptr<backend::Storage> storage_shared() const noexcept { return storage_; }

 private:
  std::shared_ptr<backend::Storage> storage_;
  std::shared_ptr<backend::Transport> transport_;
  NpmConfig npm_;
};

/// The seed data folder of an installed callboard (share/callboard/data), or
/// of the source tree when run from a build directory.
CALLBOARD_EXPORT std::filesystem::path default_data_dir();

}  // namespace callboard
