#pragma once
/// \file
/// The dependency solver: which versions to install for a change to a
/// Backstage app (add, upgrade or remove packages), or why none fit.
///
/// The algorithm is PubGrub (conflict-driven clause learning over version
/// ranges, as in Dart's pub and pubgrub-rs); a failure is explained as
/// numbered prose derived from the conflict's derivation graph.
///
/// npm semantics as modelled here:
///  - every package name has at most one *host-level* copy (the one at the
///    top of node_modules). The app's own dependencies, every
///    peerDependency and every dependency on a *singleton* constrain that
///    copy;
///  - a `dependencies` entry on a package that is not a singleton may be
///    met by the host-level copy or by a nested copy of its own; a nested
///    copy's own peers and singleton dependencies still constrain the
///    host-level copies. Copies that differ in version are reported as
///    duplicates in the plan, never as a failure;
///  - an optional peer (`peerDependenciesMeta[name].optional`) constrains
///    the host-level copy only when that package is present;
///  - the Backstage release manifest pins each of its packages to the
///    release's version whenever the host-level copy is present, and the
///    app's package.json `dependencies` ranges (every workspace's, on the
///    host-level copy) are hard requirements.
/// `optionalDependencies` and `devDependencies` (the app's too) are not
/// followed; dependency specifiers that are not registry ranges (git, file,
/// url) are skipped and listed in the plan; `workspace:`/`link:` entries
/// naming the app's own workspaces are the app itself.
///
/// Everything here is synchronous and deterministic: the same source
/// contents and the same request give the same plan or the same text.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backstage.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/json_edit.hpp"
#include "callboard/model.hpp"
#include "callboard/registry.hpp"

namespace callboard::backend {
class Storage;
}

namespace callboard::solver {

// ---------------------------------------------------------------------------
// Where versions and manifests come from.

/// Gives the packument (every version with its manifest) of a package, on
/// demand: the solver asks only for packages it reaches, and asks for each
/// name at most once per Solver (once per solve() call for the free function).
///
/// Implementations must not throw. Errors other than "unknown package"
/// (which is nullptr, not an error) abort the solve and are returned
/// from solve() unchanged. Thread-safety: one solve uses one source from one
/// thread; implementations need not be thread-safe.
class CALLBOARD_EXPORT PackageSource {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  static constexpr std::uint32_t kInterfaceVersion = 1;

  virtual ~PackageSource();
  PackageSource() = default;
  PackageSource(const PackageSource&) = delete;
  PackageSource& operator=(const PackageSource&) = delete;

  /// The packument of `name`, its versions sorted ascending (as the model
  /// parsers produce them); nullptr when the source does not know the name.
  /// Shared and immutable, so a source holding packuments in memory gives
  /// them out without copying; the solver keeps it for the solve's duration.
  virtual Result<std::shared_ptr<const Packument>> packument(std::string_view name) noexcept = 0;
};

/// A source over a map held in memory (tests, embedding hosts that already
/// hold packuments). Versions given out of order are sorted on add().
class CALLBOARD_EXPORT MemoryPackageSource final : public PackageSource {
 public:
  MemoryPackageSource() = default;
  /// Adds or replaces the packument of `packument.name`. Versions that are
  /// not valid semver are dropped.
  void add(Packument packument);
  /// How many times packument() was called (tests check laziness with it).
  [[nodiscard]] std::size_t lookups() const noexcept { return lookups_; }

  Result<std::shared_ptr<const Packument>> packument(std::string_view name) noexcept override;

 private:
  std::map<std::string, std::shared_ptr<const Packument>, std::less<>> packuments_;
  std::size_t lookups_ = 0;
};

/// A source reading packuments from a Storage (what `callboard index`
/// filled). The storage must outlive the source; storage errors are passed on.
CALLBOARD_EXPORT std::unique_ptr<PackageSource> storage_package_source(backend::Storage& storage);

// ---------------------------------------------------------------------------
// The request.

/// Packages that must never be duplicated by default: Backstage's plugin and
/// app API packages (@backstage/core-plugin-api, core-app-api,
/// frontend-plugin-api, frontend-app-api, backend-plugin-api,
/// backend-app-api, plugin-catalog-react), react and react-dom.
inline std::vector<std::string> default_singletons() {
  // Backstage's own (the registry's and the scanner's list), plus React,
  // whose hooks break when two copies are loaded.
  std::vector<std::string> out(backstage::kSingletonPackages.begin(), backstage::kSingletonPackages.end());
  out.emplace_back("react");
  out.emplace_back("react-dom");
  return out;
}

enum class ChangeKind : std::uint8_t {
  kAdd,      ///< install a package the app does not list yet (or re-range one it lists)
  kUpgrade,  ///< move a listed package to the newest version the range allows
  kRemove,   ///< drop a package from the app's package.json files
};
CALLBOARD_EXPORT std::string_view to_string(ChangeKind kind) noexcept;

/// One requested change.
struct PackageChange {
  ChangeKind kind = ChangeKind::kAdd;
  std::string name;
  /// npm range; empty means any version (the newest that fits is chosen).
  std::string range;
  /// Workspace path ("packages/backend") whose package.json gets the edit;
  /// empty: chosen from the package's Backstage role (backend roles go to
  /// the app's backend package, frontend roles to its frontend package,
  /// everything else to the root).
  std::string workspace;
  friend bool operator==(const PackageChange&, const PackageChange&) = default;
};

/// What happens to a package the source does not know.
enum class UnknownPackages : std::uint8_t {
  /// A requirement on it cannot be met: the solve fails and says so.
  kFail,
  /// It is assumed installable and unconstrained (its own dependencies are
  /// unknown); the plan lists it under `external`. For indexes that hold
  /// only the Backstage ecosystem (react, lodash, ... are not in them).
  kAssumeExternal,
};

/// How a release's pins bind the app's host-level copies.
enum class ReleasePins : std::uint8_t {
  /// Exactly the pinned version when the registry serves it (else the
  /// nearest served one in `^pin`, a `release-pin-not-served` finding).
  /// Backstage's framework packages are tested together only at the
  /// release's versions: a backend-plugin-api newer than the release's
  /// backend-defaults can fail at run time on a service it declares and
  /// nobody provides. The default.
  kExact,
  /// The pinned version, or when a requirement needs it a newer served one
  /// inside `^pin` (what `backstage-cli versions:bump` writes for the
  /// release, so what a package manager may install anyway), the nearest
  /// preferred; each moved pin is a `release-pin-moved` warning. For
  /// registries that serve only some versions of a release, and apps that
  /// already run ahead of their backstage.json.
  kCompatible,
};

/// Whether a peer dependency's range must hold.
enum class PeerRule : std::uint8_t {
  /// From the app: strict for npm (ERESOLVE) unless its .npmrc sets
  /// `legacy-peer-deps`; lenient for yarn and pnpm (they warn), unless the
  /// .npmrc sets pnpm's `strict-peer-dependencies`. See AppProfile::strict_peers.
  kFromApp,
  /// A peer's range must hold, as npm requires.
  kStrict,
  /// A solution that meets every peer range is preferred; when there is
  /// none, the peer is met by whatever version the host level has (still
  /// one copy) and each unmet range is a `peer-unmet` finding.
  kLenient,
};

struct SolveOptions {
  /// Package names that must have exactly one copy. Default: default_singletons().
  /// An entry ending in '*' is a prefix ("@backstage/plugin-*": every
  /// Backstage plugin package, as the Backstage CLI's strictest duplicate
  /// rule has it).
  std::vector<std::string> singletons = default_singletons();
  /// Treat every package as a singleton (classic single-copy semantics, as
  /// pub and cargo have; used by the textbook examples).
  bool all_singletons = false;
  UnknownPackages unknown_packages = UnknownPackages::kFail;
  ReleasePins release_pins = ReleasePins::kExact;
  /// The app's devDependencies are requirements too (npm, yarn and pnpm
  /// install them, and a conflict among them fails the install as any
  /// other); false for production installs (`npm install --omit=dev`).
  bool dev_dependencies = true;
  PeerRule peers = PeerRule::kFromApp;
  /// Upper bound on decisions plus conflicts; kResourceExhausted beyond it.
  std::size_t max_steps = 2'000'000;
  friend bool operator==(const SolveOptions&, const SolveOptions&) = default;
};

/// Everything solve() needs besides the package source.
struct SolveRequest {
  /// The app (backstage.json, package.json files, lockfile). An empty profile
  /// (no packages) is an empty app: only `changes` are required.
  AppProfile app;
  /// The release to solve against (its manifest); nullopt: no release pins.
  /// When it differs from app.backstage_version the app moves to it: the
  /// app's ranges on the release's packages follow the new release (as
  /// `backstage-cli versions:bump` rewrites them) and the plan edits them.
  std::optional<Release> release;
  /// Candidate releases for allow_release_upgrade, any order.
  std::vector<Release> releases;
  /// Search the lowest release, at or above `release`, on which everything fits.
  bool allow_release_upgrade = false;
  std::vector<PackageChange> changes;
  SolveOptions options;
  /// The root's name in explanations ("root" in the textbook examples).
  std::string root_name = "your app";
};

// ---------------------------------------------------------------------------
// The answer.

/// What a planned copy does to the installed tree, judged against the
/// lockfile (the copy at the same place: host-level against the lockfile's
/// host-level copy, a nested copy against the lockfile's nested copies).
enum class PlanAction : std::uint8_t {
  kAdd,        ///< not in the lockfile (or the app has none)
  kUpgrade,    ///< the lockfile has an older version
  kDowngrade,  ///< the lockfile has a newer version
  kKeep,       ///< the lockfile has this version
  kRemove,     ///< the lockfile has it and the plan no longer needs it
};
CALLBOARD_EXPORT std::string_view to_string(PlanAction action) noexcept;

/// Why a copy in the plan has its version, for programs to branch on
/// (PlannedPackage::reason says it for people, with the versions). The
/// JSON text (to_string) of each value is stable.
enum class ReasonKind : std::uint8_t {
  /// Read from a plan document written before `reasonKind` existed.
  kUnspecified,
  /// "release-pin": the release's version of it, or, when the registry
  /// does not serve that version, the served version in ^pin that fits.
  kReleasePin,
  /// "release-pin-range": compatible pins (ReleasePins::kCompatible) moved
  /// it inside ^pin, or kept the installed version there.
  kReleasePinRange,
  /// "already-installed": the lockfile's version, kept.
  kAlreadyInstalled,
  /// "newest-allowed": the newest version its requirements allow.
  kNewestAllowed,
  /// "held-by-conflict": a newer version matches its ranges but conflicts
  /// with other requirements.
  kHeldByConflict,
  /// "removal-requested": the request removes it (kRemove).
  kRemovalRequested,
  /// "no-longer-required": only what the change drops needed it (kRemove).
  kNoLongerRequired,
};
CALLBOARD_EXPORT std::string_view to_string(ReasonKind kind) noexcept;

/// One copy of a package in the install plan.
struct PlannedPackage {
  std::string name;
  /// The version to install; empty for kRemove.
  std::string version;
  /// The version the lockfile has at this place; nullopt when it has none
  /// (or the app has no lockfile).
  std::optional<std::string> previous;
  /// True for the host-level copy; false for a nested copy.
  bool host_level = true;
  PlanAction action = PlanAction::kAdd;
  /// Why this version: "requested", "already installed", "pinned by
  /// Backstage 1.31.0", "newest matching", "shared with the host-level copy", ...
  /// Text for people: branch on reason_kind, never on this.
  std::string reason;
  ReasonKind reason_kind = ReasonKind::kUnspecified;
  /// Requirements this copy meets: "your app (packages/backend) ^1.2.0",
  /// "@backstage/plugin-x 1.4.0 dependency ^0.5.0", "... peer ^1.0.0".
  std::vector<std::string> required_by;
  friend bool operator==(const PlannedPackage&, const PlannedPackage&) = default;
};

/// One change to a package.json (or backstage.json) of the app, in the
/// terms of the app's package manager.
struct ManifestEdit {
  /// File relative to the app root ("packages/backend/package.json", "backstage.json").
  std::string file;
  /// JSON path of the member inside the file: {"dependencies", name};
  /// {"overrides", name} or {"overrides", parent, name} (npm),
  /// {"resolutions", name} or {"resolutions", "parent/name"} (yarn),
  /// {"pnpm", "overrides", name} or {"pnpm", "overrides", "parent>name"}
  /// (pnpm); {"version"} for backstage.json.
  std::vector<std::string> path;
  /// The package the edit is about ("backstage" for backstage.json).
  std::string name;
  /// Old value; nullopt when the member is added.
  std::optional<std::string> from;
  /// New value; nullopt when the member is removed.
  std::optional<std::string> to;
  /// Why the edit is there, for the person reviewing it: "requested",
  /// "holds 1.2.0: npm would install 1.3.0 for ^1.2.0", ...
  std::string reason;
  friend bool operator==(const ManifestEdit&, const ManifestEdit&) = default;
};

/// Something about the app or the registry the user should know; the plan
/// still stands. Ids are stable: "release-pin-not-served",
/// "lockfile-disagrees-with-release", "no-lockfile", "package-not-served".
struct PlanFinding {
  std::string id;
  /// "info", "warning" or "error".
  std::string severity;
  /// The package concerned; empty for findings about the app.
  std::string package;
  std::string message;
  friend bool operator==(const PlanFinding&, const PlanFinding&) = default;
};

/// A release pin the package source does not serve, and the version the
/// plan uses in its place: a served version inside `^pinned` (the range
/// Backstage's own version bump writes), the nearest one that fits.
struct PinSubstitute {
  std::string name;
  std::string pinned;
  std::string chosen;
  friend bool operator==(const PinSubstitute&, const PinSubstitute&) = default;
};

/// A package that would be installed in more than one version.
struct DuplicateCopies {
  std::string name;
  /// Sorted ascending; the host-level one is marked by PlannedPackage.
  std::vector<std::string> versions;
  friend bool operator==(const DuplicateCopies&, const DuplicateCopies&) = default;
};

struct SolveStats {
  std::size_t decisions = 0;
  std::size_t conflicts = 0;
  std::size_t propagations = 0;
  std::size_t incompatibilities = 0;
  std::size_t packages_loaded = 0;
  /// Releases considered (allow_release_upgrade), including the one that
  /// fitted. A release that agrees with the previous one on every host fact
  /// the previous failure's proof used (release pins, app ranges) fails the
  /// same way: it is counted here but not solved again.
  std::size_t releases_tried = 0;
  friend bool operator==(const SolveStats&, const SolveStats&) = default;
};

/// A release package whose pinned version moves with a release upgrade.
struct ReleaseMove {
  std::string name;
  std::string from;
  /// Empty when the new release no longer ships the package (backend-common
  /// after 1.31): nothing pins it any more, the plan keeps a version the
  /// app's ranges allow, and `callboard scan` reports it as removed.
  std::string to;
  friend bool operator==(const ReleaseMove&, const ReleaseMove&) = default;
};

struct InstallPlan {
  /// The release solved against ("" without a release).
  std::string release;
  /// The app's release before the change.
  std::string previous_release;
  /// Sorted by name, host-level copy first, then nested copies by version.
  std::vector<PlannedPackage> packages;
  /// Sorted by file, then name.
  std::vector<ManifestEdit> edits;
  std::vector<DuplicateCopies> duplicates;
  /// Release packages the app uses whose version moves or that the new
  /// release dropped (release upgrade only), sorted by name.
  std::vector<ReleaseMove> release_moves;
  /// Packages the source does not know (UnknownPackages::kAssumeExternal), sorted.
  std::vector<std::string> external;
  /// "name spec" requirements skipped because the spec is not a registry range, sorted.
  std::vector<std::string> skipped;
  /// Release pins the source does not serve (a registry that holds only
  /// some versions) and what was used instead; no version the source does
  /// not serve is ever planned. Sorted by name.
  std::vector<PinSubstitute> pin_substitutes;
  /// The package manager whose terms `edits` are written in (the app's, as
  /// load_app_profile detected it).
  PackageManager package_manager = PackageManager::kNpm;
  /// Sorted by id, then package.
  std::vector<PlanFinding> findings;
  SolveStats stats;
  friend bool operator==(const InstallPlan&, const InstallPlan&) = default;
};

/// Why no plan exists.
/// A requirement a conflict rests on: its range as written in package.json
/// (or the release's pin), then the versions of the package the registry
/// serves that it admits.
struct ConflictRange {
  std::string package;
  /// As written ("^1.9.2", "^1.0.0 || ^2.0.0"); a release pin is its
  /// version ("1.0.0"), or "^1.0.0" when the pin may move (compatible pins,
  /// or a pin the registry does not serve).
  std::string range;
  /// Who requires it: "your app (packages/backend/package.json)",
  /// "requested", "Backstage 1.31.0", or the depending versions as the
  /// explanation names them ("@backstage-community/plugin-jenkins-backend 0.29.0").
  std::string required_by;
  /// "dependency", "peer", "optional peer", "app", "request", "release pin".
  std::string kind;
  /// Served versions it admits, ascending; at most kMaxAdmitted (the
  /// highest ones), the full count in admitted_count.
  std::vector<std::string> admitted;
  std::size_t admitted_count = 0;
  static constexpr std::size_t kMaxAdmitted = 12;
  friend bool operator==(const ConflictRange&, const ConflictRange&) = default;
};

struct Conflict {
  /// PubGrub-style prose, lines separated by '\n'; lines referred to later
  /// end in "(n)".
  std::string explanation;
  /// The requirements the explanation rests on, with the served versions
  /// each admits, sorted by package, then range, then requirer.
  std::vector<ConflictRange> ranges;
  /// Packages named in the explanation, sorted.
  std::vector<std::string> packages;
  /// Releases tried (allow_release_upgrade): the explanation is the one for
  /// the newest.
  std::vector<std::string> releases_tried;
  SolveStats stats;
  friend bool operator==(const Conflict&, const Conflict&) = default;
};

/// A plan or a conflict. Errors (source failures, malformed requests,
/// cancellation, the step bound) are the Error of solve()'s Result.
struct SolveOutcome {
  std::optional<InstallPlan> plan;
  std::optional<Conflict> conflict;
  [[nodiscard]] bool ok() const noexcept { return plan.has_value(); }
  friend bool operator==(const SolveOutcome&, const SolveOutcome&) = default;
};

/// Progress of a long solve: the current release and the work done so far.
struct SolveProgress {
  std::string release;
  std::size_t decisions = 0;
  std::size_t conflicts = 0;
};

/// Solves requests against one source and keeps what it learns about
/// packages (packuments, parsed versions, dependency lists) for the next
/// call, which makes many solves over the same index (a plugin x release
/// matrix, a release search) cheap. The source's contents must not change
/// while a Solver uses it; one Solver is used from one thread at a time.
class CALLBOARD_EXPORT Solver {
 public:
  explicit Solver(PackageSource& source);
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  /// As the free function solve() below.
  Result<SolveOutcome> solve(const SolveRequest& request,
                             const std::function<void(const SolveProgress&)>& progress = {},
                             std::stop_token stop = {});

 private:
  struct Cache;
  Result<SolveOutcome> solve_pass(const SolveRequest& request, bool lenient_peers,
                                  const std::function<void(const SolveProgress&)>& progress, std::stop_token stop);
  PackageSource& source_;
  std::unique_ptr<Cache> cache_;
};

/// Solves `request` against `source` (a Solver used once).
/// Errors: kInvalidArgument for a change with an empty name or an invalid
/// range (context "package", "range"), or an unknown `workspace`; whatever
/// the source returns; kCancelled when `stop` is requested (checked between
/// decisions); kResourceExhausted past options.max_steps.
/// `progress` is called at most every 1024 steps and once per release tried.
CALLBOARD_EXPORT Result<SolveOutcome> solve(const SolveRequest& request, PackageSource& source,
                                            const std::function<void(const SolveProgress&)>& progress = {},
                                            std::stop_token stop = {});

// ---------------------------------------------------------------------------
// Applying a plan.

/// Writes `plan.edits` into the app below `root` (apply_json_edits:
/// all-or-nothing, backups, atomic replacement, minimal diffs), then saves
/// the outcome document (to_json) as `<root>/.callboard/plan.json` for
/// `callboard check`. With options.dry_run nothing is written and the report
/// shows the diffs. Errors: apply_json_edits's, and kPermissionDenied or
/// kInternal when the plan file cannot be written (the edits stay applied;
/// the error says so).
CALLBOARD_EXPORT Result<ApplyReport> apply_plan(const std::filesystem::path& root, const InstallPlan& plan,
                                                const ApplyOptions& options = {});

// ---------------------------------------------------------------------------
// After the install: does the lockfile hold the plan?

/// One way an installed tree differs from its plan.
struct CheckProblem {
  /// "missing" (a planned copy the lockfile lacks), "wrong-version" (the
  /// host-level copy is at another version), "duplicate-singleton" (a
  /// singleton in more than one version), "unplanned-copy" (another version
  /// of a planned package the plan does not have: a duplicate it never
  /// reported), "not-removed" (a package the plan
  /// removes is still at the top of node_modules), "no-lockfile".
  std::string id;
  std::string package;
  /// The planned version (empty for duplicate-singleton and not-removed).
  std::string expected;
  /// What the lockfile has, comma-separated ("" when nothing).
  std::string found;
  std::string message;
  friend bool operator==(const CheckProblem&, const CheckProblem&) = default;
};

struct InstallCheck {
  /// No problems: every planned copy is installed at its version and no
  /// singleton is duplicated.
  bool matches = false;
  /// Planned copies looked up.
  std::size_t checked = 0;
  /// Sorted by package, then id.
  std::vector<CheckProblem> problems;
  friend bool operator==(const InstallCheck&, const InstallCheck&) = default;
};

/// Compares the app's lockfile (after an install) with `plan`. Host-level
/// copies are compared with the lockfile's host-level copy (npm lockfiles
/// say where each copy sits; for yarn and pnpm, load_app_profile's
/// host-level mark); nested copies must be present somewhere in the tree.
/// `singletons` as SolveOptions::singletons (a trailing '*' is a prefix).
/// Deterministic; no I/O.
CALLBOARD_EXPORT InstallCheck check_install(const InstallPlan& plan, const AppProfile& installed,
                                            const std::vector<std::string>& singletons = default_singletons());

/// {"matches":bool,"checked":n,"problems":[{"id","package","expected"|null,"found"|null,"message"}]}
CALLBOARD_EXPORT std::string to_json(const InstallCheck& check);

/// Where the dependency closure of a solve of `request` starts, for
/// fetching it before solving (Registry::fetch_closure): every dependency
/// of the app's package.json files with its range as written (the app's own
/// workspaces left out) and each requested add or upgrade ("*" without a
/// range). In that order, app files by path.
CALLBOARD_EXPORT std::vector<Requirement> closure_roots(const SolveRequest& request);

/// The outcome as JSON (the CLI's `solve --json` document):
///   {"ok":true,"plan":{"release","previousRelease","packages":[{"name","version"|null,
///    "previous"|null,"hostLevel","action","reason","requiredBy":[...]}],
///    "edits":[{"file","path":[...],"name","from"|null,"to"|null,"reason"}],
///    "duplicates":[{"name","versions":[...]}],"releaseMoves":[{"name","from","to"|null}],
///    "external":[...],"skipped":[...],"pinSubstitutes":[{"name","pinned","chosen"|null}],
///    "packageManager","findings":[{"id","severity","package"|null,"message"}],"stats":{...}}}
/// or {"ok":false,"conflict":{"explanation","packages":[...],"releasesTried":[...],"stats":{...}}}.
/// `action` is to_string(PlanAction); `packageManager` is to_string(PackageManager).
/// parse_outcome_json() reads it back.
CALLBOARD_EXPORT std::string to_json(const SolveOutcome& outcome);
/// Reads to_json(SolveOutcome)'s document back (a plan saved by
/// `callboard solve --json` or `--apply`, checked later by `callboard
/// check`). Hostile input: bounded by `max_bytes`; a malformed document or
/// a member of the wrong type is kInvalidArgument with its JSON pointer.
/// Round trip: parse_outcome_json(to_json(o)) == o.
CALLBOARD_EXPORT Result<SolveOutcome> parse_outcome_json(std::string_view json, std::size_t max_bytes = 64u << 20);

}  // namespace callboard::solver
