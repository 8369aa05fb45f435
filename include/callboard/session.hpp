#pragma once
/// \file
/// The product API: one object every front end (the CLI, and later the C
/// ABI, the Python and Node bindings, the REST server) opens and calls, so
/// that all of them decide the same way. A front end parses its input into
/// the request types below, calls a Session, and renders the result through
/// the codecs of callboard/codec.hpp.
///
/// What a Session decides that front ends used to: where the storage is and
/// whether an operation may create it, the npm configuration and the
/// transport built from it, the artifact cache's location, which release a
/// range names, the release catalog with moved packages, and the findings
/// on a verified tarball.
///
/// Thread-safety: every member function may be called from any thread, and
/// from several at once. Calls that use the storage are serialised on the
/// Session's one storage connection (backend::Storage is used by one thread
/// at a time), so the storage's caches (SQLite's text index: about 1 s and
/// 45 MB per 100,000 plugins to build) are built once per Session, not once
/// per caller. The release catalog is built once and shared by every call
/// until this Session writes releases or packuments (index, releases
/// import, a solve that fetches its closure). Tarball downloads (verify,
/// changelog) run outside that lock; index and a solve's closure fetch
/// write what they download as it arrives, so they hold the storage for
/// their whole run and other calls on the same Session wait. A server
/// opens one Session per storage and shares it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/artifact.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/compat.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"
#include "callboard/npm_config.hpp"
#include "callboard/registry.hpp"
#include "callboard/solver.hpp"

namespace callboard {

/// The storage URL when none is given: $CALLBOARD_DB when set and not
/// empty, else "sqlite:callboard.db" (in the current directory).
CALLBOARD_EXPORT std::string default_storage_url();

/// Where verified tarballs are cached when no folder is given:
/// $CALLBOARD_CACHE_DIR, else $XDG_CACHE_HOME/callboard/artifacts, else
/// $HOME/.cache/callboard/artifacts, else <temp>/callboard-artifacts.
CALLBOARD_EXPORT std::filesystem::path default_artifact_cache_dir();

struct SessionOptions {
  /// The storage ("sqlite:path", "sqlite:///abs/path", "memory:", a
  /// registered scheme). Empty: default_storage_url().
  std::string storage;
  /// The npm configuration (registry, per-scope registries, credentials,
  /// proxy, TLS). nullopt: load_npm_config(npm_options) on first use.
  std::optional<NpmConfig> npm;
  NpmConfigOptions npm_options;
  /// The transport for registry requests and downloads. Null: a curl
  /// transport configured from the npm configuration (proxy, TLS, CA file,
  /// user agent) and the limits below, made on first use.
  std::shared_ptr<backend::Transport> transport;
  /// Requests in flight while indexing or fetching a closure. Indexing is
  /// bound by the registry's latency, not CPU: on the configured registry a
  /// full crawl (736 requests) took 7.7 s at 8, 4.2 s at 16, 2.3 s at 32.
  std::size_t max_concurrency = 32;
  /// Empty: the npm configuration's user-agent, else "callboard/<version>".
  std::string user_agent;
  /// The tarball cache folder. nullopt: default_artifact_cache_dir(); an
  /// empty path: no cache (every download is fresh, nothing is kept).
  std::optional<std::filesystem::path> artifact_cache;
  /// Seed data (ecosystem list, releases, plugin directory). Empty:
  /// default_data_dir().
  std::filesystem::path data_dir;
};

// ---------------------------------------------------------------------------
// Requests and results. Each has a codec (callboard/codec.hpp) and a
// schema in docs/api/.

/// `info`: a package name, or a plugin id (then its first package).
struct InfoRequest {
  std::string name;
  friend bool operator==(const InfoRequest&, const InfoRequest&) = default;
};

/// `releases import`: a folder of manifests (`<version>.json` or
/// `<version>/manifest.json`), or an http(s) URL of one manifest.
struct ReleaseImportRequest {
  std::string source;
  friend bool operator==(const ReleaseImportRequest&, const ReleaseImportRequest&) = default;
};

struct ReleaseImportReport {
  /// How many manifests were stored.
  std::size_t imported = 0;
  /// The versions stored, for an import from a URL (one); empty for a folder.
  std::vector<std::string> versions;
  friend bool operator==(const ReleaseImportReport&, const ReleaseImportReport&) = default;
};

struct ReleaseList {
  /// Stored release versions, ascending by semver.
  std::vector<std::string> versions;
  friend bool operator==(const ReleaseList&, const ReleaseList&) = default;
};

/// Enum <-> text through a table of (value, text) pairs: the request
/// enums' names below.
namespace session_names {
template <typename E, std::size_t N>
[[nodiscard]] constexpr std::string_view text_of(const std::array<std::pair<E, std::string_view>, N>& table,
                                                 E value) noexcept {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return table.front().second;
}
template <typename E, std::size_t N>
[[nodiscard]] constexpr std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table,
                                                  std::string_view text) noexcept {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}
}  // namespace session_names

/// Whether `verify` writes what the tarball holds into the storage.
enum class VerifyStore : std::uint8_t {
  /// Only into a storage that exists already (verifying must not leave a
  /// new database behind in whatever folder it ran in). The default.
  kIfExists,
  /// Into the storage, creating it when missing.
  kAlways,
  /// Never.
  kNever,
};
/// The text of each VerifyStore value in request documents (stable).
inline constexpr std::array<std::pair<VerifyStore, std::string_view>, 3> kVerifyStoreNames = {
    {{VerifyStore::kIfExists, "if-exists"}, {VerifyStore::kAlways, "always"}, {VerifyStore::kNever, "never"}}};
/// "if-exists", "always", "never".
[[nodiscard]] inline std::string_view to_string(VerifyStore store) noexcept {
  return session_names::text_of(kVerifyStoreNames, store);
}
[[nodiscard]] inline std::optional<VerifyStore> parse_verify_store(std::string_view text) noexcept {
  return session_names::value_of(kVerifyStoreNames, text);
}

struct VerifyRequest {
  std::string package;
  /// A version or a dist-tag; empty means "latest".
  std::string version;
  /// Extract into this folder (empty or absent) and leave it there; empty:
  /// a temporary folder, removed afterwards.
  std::filesystem::path keep;
  VerifyStore store = VerifyStore::kIfExists;
  friend bool operator==(const VerifyRequest&, const VerifyRequest&) = default;
};

/// What a verified tarball holds and what is wrong with it.
struct VerifyReport {
  std::string package;
  std::string version;
  std::string tarball;  ///< the URL it came from (no credentials)
  IntegrityHash verified;
  bool from_cache = false;
  std::uint64_t bytes = 0;
  std::uint64_t unpacked_bytes = 0;
  std::size_t entries = 0;
  /// The --keep folder; empty when a temporary one was used (and removed).
  std::filesystem::path extracted_to;
  /// The JSON configuration schema's path in the tarball; empty when none.
  std::string config_schema;
  /// package.json's `configSchema` as written (a path or inline); empty when absent.
  std::string config_schema_ref;
  bool has_config_d_ts = false;
  bool dist_dynamic = false;
  bool changelog = false;
  /// The backend system package.json suggests, and the one the code shows.
  PluginSystem backend_system_metadata = PluginSystem::kNotApplicable;
  PluginSystem backend_system_code = PluginSystem::kNotApplicable;
  PluginSystem frontend_system = PluginSystem::kNotApplicable;
  std::vector<EntryPoint> entry_points;
  CodeMarkers markers;
  /// Findings with the scanner's ids and severities; an error means the
  /// tarball is not what the registry says it is.
  std::vector<compat::Finding> findings;
  /// Whether the record was written to the storage.
  bool stored = false;
  /// Why not, when not: "a finding is an error", "not asked to",
  /// "no storage exists".
  std::string not_stored_reason;

  /// Whether any finding is an error.
  [[nodiscard]] CALLBOARD_EXPORT bool has_errors() const noexcept;
  friend bool operator==(const VerifyReport&, const VerifyReport&) = default;
};

struct ChangelogRequest {
  std::string package;
  std::string from;  ///< a version: entries after it
  std::string to;    ///< a version: entries up to it (its tarball is read)
  bool prereleases = false;
  friend bool operator==(const ChangelogRequest&, const ChangelogRequest&) = default;
};

struct ChangelogReport {
  std::string package;
  std::string from;
  std::string to;
  /// Newest first.
  std::vector<ChangelogEntry> entries;
  friend bool operator==(const ChangelogReport&, const ChangelogReport&) = default;
};

// ---- compatibility --------------------------------------------------------------

/// `scan`: one plugin version against one release (or an app).
struct ScanRequest {
  /// An indexed package, `name[@range]` (the version an install of the
  /// range picks, default latest), or, as npm spells paths, ./dir, /dir or
  /// a file ending in .json: a package.json or a folder holding one.
  std::string package;
  /// The release: a version, "1.31" for its newest patch, or a range
  /// (backstage::find_release). Empty: the app's backstage.json with `app`,
  /// else the newest stable release.
  std::string release;
  /// A Backstage app: its release, roles, engines.node and packages.
  std::filesystem::path app;
  /// The app's Node.js version or range (overrides the app's engines).
  std::string node;
  /// The Backstage version the plugin's sources target, when its
  /// package.json has no supported-versions.
  std::string target;
  /// Read release manifests from this folder instead of the storage.
  std::filesystem::path releases_dir;
  friend bool operator==(const ScanRequest&, const ScanRequest&) = default;
};

struct ScanReport {
  compat::ScanResult scan;
  /// Every release of the catalog, ascending, and this version's tier on
  /// each (the support matrix's row for it).
  std::vector<std::string> releases;
  std::vector<compat::Tier> tiers;
  friend bool operator==(const ScanReport&, const ScanReport&) = default;
};

/// `scan --newest`: the newest version of an indexed package at a tier or
/// better on a release.
struct NewestRequest {
  /// `name[@range]`: only versions the range admits count.
  std::string package;
  std::string release;  ///< as ScanRequest::release
  compat::Tier minimum = compat::Tier::kCompatible;
  std::filesystem::path app;
  std::string node;
  std::string target;
  std::filesystem::path releases_dir;
  friend bool operator==(const NewestRequest&, const NewestRequest&) = default;
};

struct NewestReport {
  std::string package;
  std::string release;  ///< the release version judged against
  compat::Tier minimum = compat::Tier::kCompatible;
  /// The verdict of the version found (may be better than `minimum`).
  std::optional<compat::Tier> tier;
  /// nullopt when no (non-deprecated, stable) version reaches `minimum`.
  std::optional<std::string> version;
  friend bool operator==(const NewestReport&, const NewestReport&) = default;
};

/// `scan --app DIR --release V`: which of the app's packages block an upgrade.
struct UpgradeRequest {
  std::filesystem::path app;
  std::string release;  ///< the target release (required)
  std::filesystem::path releases_dir;
  friend bool operator==(const UpgradeRequest&, const UpgradeRequest&) = default;
};

/// `matrix`: every version of a plugin's packages (or of one package) x
/// every release.
struct MatrixRequest {
  std::string name;  ///< a plugin id or a package name
  std::filesystem::path releases_dir;
  friend bool operator==(const MatrixRequest&, const MatrixRequest&) = default;
};

struct MatrixReport {
  /// The plugin id; empty when a package was named.
  std::string plugin;
  /// One per indexed package of the plugin (packages, then modules).
  std::vector<compat::SupportMatrix> matrices;
  friend bool operator==(const MatrixReport&, const MatrixReport&) = default;
};

// ---- solving ------------------------------------------------------------------

/// Whether `solve` writes the plan's edits into the app.
enum class ApplyMode : std::uint8_t {
  kNone,    ///< only plan
  kDryRun,  ///< compute the file changes (diffs), write nothing
  kWrite,   ///< write the edits (backups under <app>/.callboard/backup/) and save the plan
};
/// The text of each ApplyMode value in request documents (stable).
inline constexpr std::array<std::pair<ApplyMode, std::string_view>, 3> kApplyModeNames = {
    {{ApplyMode::kNone, "none"}, {ApplyMode::kDryRun, "dry-run"}, {ApplyMode::kWrite, "write"}}};
/// "none", "dry-run", "write".
[[nodiscard]] inline std::string_view to_string(ApplyMode mode) noexcept {
  return session_names::text_of(kApplyModeNames, mode);
}
[[nodiscard]] inline std::optional<ApplyMode> parse_apply_mode(std::string_view text) noexcept {
  return session_names::value_of(kApplyModeNames, text);
}

/// A change to a Backstage app, as a front end states it.
struct SolveCommand {
  /// The app's root folder (backstage.json, package.json files, lockfile).
  std::filesystem::path app = ".";
  std::vector<solver::PackageChange> changes;
  /// A release version or range ("1.31.0", "1.x": the newest stored release
  /// it admits); empty: the app's backstage.json.
  std::string release;
  /// Find the lowest stored release at or above the app's on which
  /// everything fits.
  bool allow_release_upgrade = false;
  solver::SolveOptions options;
  /// Use only what the storage holds; otherwise every package the plan can
  /// reach that the storage lacks is fetched first (and stored).
  bool offline = false;
  ApplyMode apply = ApplyMode::kNone;
  friend bool operator==(const SolveCommand&, const SolveCommand&) = default;
};

struct SolveReport {
  solver::SolveOutcome outcome;
  /// What was fetched before solving; nullopt offline.
  std::optional<ClosureReport> closure;
  /// The file changes, when asked to apply (or dry-run) and a plan was found.
  std::optional<ApplyReport> applied;
  /// The app's root, and where --apply saved the plan (empty otherwise).
  std::filesystem::path app_root;
  std::filesystem::path plan_file;
  friend bool operator==(const SolveReport&, const SolveReport&) = default;
};

/// After an install: does the app's lockfile hold a plan?
struct CheckRequest {
  std::filesystem::path app = ".";
  /// A `solve --json` document; empty: the one `solve --apply` saved,
  /// <app>/.callboard/plan.json.
  std::filesystem::path plan;
  friend bool operator==(const CheckRequest&, const CheckRequest&) = default;
};

// ---------------------------------------------------------------------------

/// The facade. Move-only; cheap to keep open, and meant to be: the storage
/// connection, the transport and the release catalog live as long as it.
class CALLBOARD_EXPORT Session {
 public:
  /// Checks the options; opens nothing yet (the storage is opened by the
  /// first call that needs it, so that a call that only reads never
  /// creates one). Errors: kInvalidArgument for max_concurrency outside
  /// 1..256. A storage URL with an unknown scheme, or a storage that cannot
  /// be opened, is the error of the first call that uses it.
  static Result<Session> open(SessionOptions options);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  /// The storage URL in use.
  [[nodiscard]] const std::string& storage_url() const noexcept;

  /// Fetches, stores, groups and scores (Registry::index). Progress after
  /// every package; `stop` cancels (what was committed stays). Creates the
  /// storage when missing. Uses options.data_dir when the request has none.
  Result<IndexReport> index(const IndexOptions& request, const std::function<void(const IndexProgress&)>& progress = {},
                            std::stop_token stop = {});

  /// Ranked search with facets. Read-only: kNotFound ("there is no index at
  /// ...; run 'callboard index' to make one") when the storage does not exist.
  Result<backend::SearchPage> search(const backend::SearchQuery& query);

  /// A package, or a plugin's first package. kNotFound when neither is
  /// indexed (or there is no index).
  Result<PackageInfo> info(const InfoRequest& request);

  /// Stored release versions. Read-only.
  Result<ReleaseList> releases();
  /// Stores release manifests from a folder or a URL (through the transport).
  Result<ReleaseImportReport> import_releases(const ReleaseImportRequest& request, std::stop_token stop = {});

  /// Downloads a package's tarball from the configured registry, verifies
  /// it against the registry's integrity while it streams in, extracts it
  /// safely, reads what it holds, and (per request.store, and only without
  /// an error finding) stores the ArtifactRecord. Errors: kNotFound for an
  /// unknown package or version/dist-tag, kPermissionDenied for 401/403,
  /// kDataLoss for an integrity mismatch (nothing extracted or cached),
  /// the transport's errors. A tarball with an error finding is not an
  /// error: the report says so (has_errors()).
  Result<VerifyReport> verify(const VerifyRequest& request, std::stop_token stop = {});

  /// The CHANGELOG.md entries of `to`'s verified tarball between two
  /// versions, newest first. kInvalidArgument when from/to are not
  /// versions; kNotFound when the tarball has no CHANGELOG.md.
  Result<ChangelogReport> changelog(const ChangelogRequest& request, std::stop_token stop = {});

  /// Scans one plugin version against a release (and an app). Read-only.
  /// Errors: kNotFound for an unknown package, version or release, or no
  /// index; the manifest's parse errors for a path; kFailedPrecondition
  /// when no release manifest is stored or given.
  Result<ScanReport> scan(const ScanRequest& request);
  /// The newest version at `minimum` or better (the support matrix's
  /// answer, deprecated versions and prereleases left out). Read-only.
  Result<NewestReport> newest(const NewestRequest& request);
  /// Upgrade blockers of an app for a target release. Read-only.
  Result<compat::UpgradeReport> upgrade(const UpgradeRequest& request);
  /// Support matrices. Read-only. Versions whose tarball `verify` stored
  /// are judged by their code's backend system.
  Result<MatrixReport> matrix(const MatrixRequest& request);

  /// Plans a change to an app (solver::Solver), fetching first what the
  /// plan can reach and the storage lacks (unless offline; read-only then),
  /// and applies it when asked. Errors: the app's (load_app_profile),
  /// kNotFound for a release no stored one matches, the closure's and the
  /// solver's. No versions fitting is not an error: the outcome holds the
  /// conflict.
  Result<SolveReport> solve(const SolveCommand& command,
                            const std::function<void(const ClosureProgress&)>& progress = {},
                            std::stop_token stop = {});

  /// Reads the app's lockfile and says whether it holds the plan. Errors:
  /// kNotFound without a plan file, kInvalidArgument for a plan file that
  /// holds a conflict or is malformed, the lockfile's.
  Result<solver::InstallCheck> check(const CheckRequest& request);

  /// The registry's manifest for name@version_or_tag (an abbreviated
  /// packument request with npm's credentials for that registry).
  /// kFailedPrecondition when no registry is configured, kNotFound for a
  /// 404 or an unknown version/tag, kPermissionDenied for 401/403.
  Result<Manifest> registry_manifest(std::string_view name, std::string_view version_or_tag,
                                     std::stop_token stop = {});

  struct State;

 private:
  explicit Session(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace callboard
