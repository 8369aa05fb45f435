#pragma once
/// \file
/// The value types every stage shares: what an npm registry says about a
/// package (Packument, Manifest), what Backstage says about a release
/// (Release), what the plugin directory says about a plugin
/// (DirectoryEntry), how packages group into plugins (Plugin), and what a
/// host app looks like on disk (AppProfile).
///
/// All types are plain values: copyable, comparable, no hidden state. The
/// parsers take untrusted text, bound its size, and return an Error that
/// says where (JSON pointer or line) and why when the input is malformed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"

namespace callboard {

/// Milliseconds since the Unix epoch, UTC. A default-constructed value
/// (epoch) means "unknown".
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Parses an ISO-8601 UTC time as npm writes it ("2024-05-01T12:00:00.000Z",
/// also without fraction or with an offset). Returns nullopt when malformed.
CALLBOARD_EXPORT std::optional<Timestamp> parse_timestamp(std::string_view text);
/// "2024-05-01T12:00:00.000Z".
CALLBOARD_EXPORT std::string format_timestamp(Timestamp t);

/// name -> npm specifier ("^1.2.3", "workspace:^", "npm:other@1"), sorted by
/// name. A JSON object with a repeated key keeps the last value, as
/// JSON.parse does.
using DependencyMap = std::map<std::string, std::string, std::less<>>;

/// Backstage package roles (`backstage.role`), from the Backstage CLI's
/// PackageRoles table.
enum class PackageRole : std::uint8_t {
  kUnknown = 0,
  kFrontend,
  kBackend,
  kCli,
  kCliModule,
  kWebLibrary,
  kNodeLibrary,
  kCommonLibrary,
  kFrontendPlugin,
  kFrontendPluginModule,
  kFrontendDynamicContainer,
  kBackendPlugin,
  kBackendPluginModule,
};
/// "frontend-plugin", ...; "unknown" for kUnknown.
CALLBOARD_EXPORT std::string_view to_string(PackageRole role) noexcept;
/// The role for its Backstage name; nullopt for anything else.
CALLBOARD_EXPORT std::optional<PackageRole> parse_package_role(std::string_view text) noexcept;
/// True for frontend-plugin, backend-plugin and their modules.
CALLBOARD_EXPORT bool is_plugin_role(PackageRole role) noexcept;

/// Which plugin system a package targets, judged from metadata only
/// (dependencies, `backstage.features`, exports conditions).
enum class PluginSystem : std::uint8_t {
  kNotApplicable = 0,  ///< libraries, CLIs, apps
  kLegacy,             ///< createRouter / createPlugin only
  kNew,                ///< BackendFeature / FrontendPlugin default export only
  kTransitional,       ///< both, or the new entry point on a subpath (./alpha)
};
CALLBOARD_EXPORT std::string_view to_string(PluginSystem system) noexcept;
CALLBOARD_EXPORT std::optional<PluginSystem> parse_plugin_system(std::string_view text) noexcept;

/// The `backstage` field of a package.json.
struct BackstageMetadata {
  /// Declared role; nullopt when the field has no (or an unknown) role.
  std::optional<PackageRole> role;
  /// The raw role text when it was not a known role (kept for findings).
  std::string unknown_role;
  /// `pluginId`; nullopt when absent. `plugin_id_null` is true for an
  /// explicit `"pluginId": null` (a package that is not a plugin).
  std::optional<std::string> plugin_id;
  bool plugin_id_null = false;
  std::vector<std::string> plugin_packages;
  std::optional<std::string> plugin_package;
  std::vector<std::string> peer_modules;
  /// subpath (".", "./alpha") -> "@backstage/BackendFeature", ...
  std::map<std::string, std::string, std::less<>> features;
  std::optional<std::string> moved;
  bool inline_package = false;

  friend bool operator==(const BackstageMetadata&, const BackstageMetadata&) = default;
};

struct Repository {
  std::string type;
  std::string url;
  std::string directory;
  friend bool operator==(const Repository&, const Repository&) = default;
};

struct Dist {
  std::string tarball;
  /// Subresource Integrity string ("sha512-..."), may be empty for old packages.
  std::string integrity;
  /// Hex sha1 of the tarball (npm's legacy field).
  std::string shasum;
  std::optional<std::uint64_t> unpacked_size;
  std::optional<std::uint64_t> file_count;
  friend bool operator==(const Dist&, const Dist&) = default;
};

struct PeerDependencyMeta {
  bool optional = false;
  friend bool operator==(const PeerDependencyMeta&, const PeerDependencyMeta&) = default;
};

/// One version of a package: a package.json, or one entry of a packument's
/// `versions` (which is the published package.json plus `dist`).
struct Manifest {
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> keywords;
  /// SPDX expression, or the legacy `{type}` / `licenses[]` forms joined
  /// with " OR ". Empty when absent.
  std::string license;
  std::string homepage;
  Repository repository;
  /// Deprecation message; nullopt when not deprecated. npm un-deprecates
  /// with an empty string, which is stored as nullopt.
  std::optional<std::string> deprecated;
  bool private_package = false;

  DependencyMap dependencies;
  DependencyMap dev_dependencies;
  DependencyMap peer_dependencies;
  DependencyMap optional_dependencies;
  std::map<std::string, PeerDependencyMeta, std::less<>> peer_dependencies_meta;
  /// `engines` ("node" -> ">=18"); non-string values are skipped.
  std::map<std::string, std::string, std::less<>> engines;

  std::optional<BackstageMetadata> backstage;
  /// Top-level `supported-versions` (RHDH and Janus-era packages); when
  /// absent there, the same key inside `backstage` (where the community
  /// fixtures carry it). Written back at the top level.
  std::optional<std::string> supported_versions;

  /// Inputs of Backstage's role detection for packages without metadata.
  std::map<std::string, std::string, std::less<>> scripts;
  std::string main;
  std::string module;
  std::string types;
  /// `publishConfig.{main,module,types}` where present.
  std::string publish_main;
  std::string publish_module;
  std::string publish_types;
  /// Subpaths whose `exports` entry carries a `backstage` condition:
  /// "." -> "@backstage/BackendFeature".
  std::map<std::string, std::string, std::less<>> export_features;
  /// `workspaces` (array form or `{packages: [...]}`), for app roots.
  std::vector<std::string> workspaces;
  /// `packageManager` ("yarn@4.4.1", "pnpm@9.1.0+sha512..."), for app roots;
  /// empty when absent or not a string.
  std::string package_manager;

  Dist dist;
  /// Publication time from the packument's `time` map; epoch when unknown.
  Timestamp published{};

  friend bool operator==(const Manifest&, const Manifest&) = default;
};

/// What the registry serves for a package name.
struct Packument {
  std::string name;
  std::string description;
  /// "latest" -> "1.2.3".
  std::map<std::string, std::string, std::less<>> dist_tags;
  /// Every version, ascending in semver::sort_order (semver precedence and
  /// build metadata as compare_build orders them, numeric identifiers
  /// compared exactly at any size, then text: a total order).
  /// Versions that are not valid semver are dropped (npm refuses to publish them).
  std::vector<Manifest> versions;
  Timestamp created{};
  Timestamp modified{};

  /// The manifest for this exact version string, or nullptr.
  [[nodiscard]] CALLBOARD_EXPORT const Manifest* find(std::string_view version) const noexcept;
  /// The manifest `dist-tags.latest` names; else the highest non-prerelease;
  /// else the highest version; nullptr when there are no versions.
  [[nodiscard]] CALLBOARD_EXPORT const Manifest* latest() const noexcept;

  friend bool operator==(const Packument&, const Packument&) = default;
};

/// A Backstage release manifest (versions.backstage.io/v1/releases/<v>).
struct Release {
  std::string version;
  /// "@backstage/core-plugin-api" -> "1.9.3".
  std::map<std::string, std::string, std::less<>> packages;

  /// The package's version in this release, or nullptr when not part of it.
  [[nodiscard]] const std::string* find(std::string_view package) const noexcept {
    auto it = packages.find(package);
    return it == packages.end() ? nullptr : &it->second;
  }
  friend bool operator==(const Release&, const Release&) = default;
};

/// One package inside a directory entry's `snapshot` block.
struct DirectorySnapshotPackage {
  std::string npm_package_name;
  std::string latest_version;
  std::string backstage_role;
  Timestamp last_published{};
  std::vector<std::string> dependency_names;
  friend bool operator==(const DirectorySnapshotPackage&, const DirectorySnapshotPackage&) = default;
};

/// One file of the Backstage plugin directory (microsite/data/plugins/*.yaml).
struct DirectoryEntry {
  /// The file's stem ("argo-cd"), the directory's own identifier.
  std::string id;
  std::string title;
  std::string author;
  std::string author_url;
  std::string category;
  std::string description;
  std::string documentation;
  std::string icon_url;
  std::string npm_package_name;
  std::string added_date;
  /// "active" / "inactive" / "archived"; empty when absent.
  std::string status;
  std::string stale_since;
  std::vector<std::string> tags;
  std::optional<std::int64_t> order;
  /// `snapshot.backstage.version`: the Backstage release the plugin's
  /// repository targets (its backstage.json), when the snapshot found it.
  std::string snapshot_backstage_version;
  std::vector<DirectorySnapshotPackage> snapshot_packages;
  friend bool operator==(const DirectoryEntry&, const DirectoryEntry&) = default;
};

/// One factor of a plugin's quality/trust score.
struct ScoreFactor {
  std::string id;       ///< stable: "recency", "cadence", "metadata", ...
  std::string label;    ///< for people: "Release recency"
  double value = 0;     ///< 0..1
  double weight = 0;    ///< share of the total; weights sum to 1
  std::string detail;   ///< "last release 12 days ago"
  friend bool operator==(const ScoreFactor&, const ScoreFactor&) = default;
};

struct Score {
  double total = 0;  ///< 0..100, the weighted sum of the factors
  std::vector<ScoreFactor> factors;
  friend bool operator==(const Score&, const Score&) = default;
};

struct PluginPackage {
  std::string name;
  PackageRole role = PackageRole::kUnknown;
  std::string latest_version;
  friend bool operator==(const PluginPackage&, const PluginPackage&) = default;
};

/// A Backstage plugin: the packages that share a pluginId, and what is
/// known about them. Modules that extend the plugin are listed separately.
struct Plugin {
  /// `backstage.pluginId`, or derived from the package name when no package
  /// declares one ("@roadiehq/backstage-plugin-argo-cd" -> "argo-cd").
  std::string id;
  /// True when `id` came from metadata, false when derived.
  bool declared_id = false;
  std::string title;
  std::string description;
  std::string category;
  std::vector<std::string> keywords;
  /// Frontend, backend, -react, -node, -common packages; sorted by name.
  std::vector<PluginPackage> packages;
  /// Packages whose `backstage.pluginPackage` points into this plugin.
  std::vector<PluginPackage> modules;
  PluginSystem backend_system = PluginSystem::kNotApplicable;
  PluginSystem frontend_system = PluginSystem::kNotApplicable;
  /// Release versions ("1.53.0") on which the plugin's newest fitting
  /// version needs no second copy of a Backstage singleton.
  std::vector<std::string> supported_releases;
  std::optional<DirectoryEntry> directory;
  Timestamp last_published{};
  bool deprecated = false;
  Score score;
  friend bool operator==(const Plugin&, const Plugin&) = default;
};

/// One package.json inside an app (the root or a workspace).
struct WorkspacePackage {
  /// Directory relative to the app root ("." for the root, "packages/app").
  std::string path;
  Manifest manifest;
  friend bool operator==(const WorkspacePackage&, const WorkspacePackage&) = default;
};

/// One resolved package in an app's lockfile: for npm one installed copy
/// (one install path), for yarn and pnpm one (name, version).
struct LockedPackage {
  /// The real package name (an alias `"b": "npm:a@^1"` is listed as `a`).
  std::string name;
  /// Exact semver version, peer suffixes ("(react@18.2.0)") stripped.
  std::string version;
  /// npm SRI string ("sha512-..."); empty when the lockfile has none (yarn
  /// berry never has one: its checksum hashes yarn's cache zip).
  std::string integrity;
  /// npm: the install path exactly as the lockfile's `packages` key
  /// ("node_modules/a", "node_modules/b/node_modules/a",
  /// "packages/backend/node_modules/a"); lockfileVersion 1: the same path
  /// built from the nested `dependencies` tree. Empty for yarn and pnpm,
  /// which do not record install paths.
  std::string path;
  /// True when this copy is what the app root's node_modules/<name> holds.
  /// npm: path == "node_modules/" + name (an alias installed under another
  /// name is not host-level for its real name). yarn and pnpm: decided by
  /// load_app_profile (see there); the readers leave it false.
  bool host_level = false;
  /// yarn: the ranges of the entry's key ("a@^1.0.0, a@^1.2.0" ->
  /// {"^1.0.0", "^1.2.0"}; berry "a@npm:^1.0.0" -> "^1.0.0"); an alias keeps
  /// its "npm:" form ("npm:a@^1.0.0"). pnpm: the specifiers of the importers
  /// whose direct dependencies resolve to it. npm: empty. Sorted, unique.
  std::vector<std::string> descriptors;
  friend bool operator==(const LockedPackage&, const LockedPackage&) = default;
};

enum class LockfileKind : std::uint8_t { kNone = 0, kNpm, kYarnClassic, kYarnBerry, kPnpm };

/// The package manager an app is installed with.
enum class PackageManager : std::uint8_t { kNpm, kYarnClassic, kYarnBerry, kPnpm };
/// "npm", "yarn-classic", "yarn-berry", "pnpm".
CALLBOARD_EXPORT std::string_view to_string(PackageManager manager) noexcept;

/// A Backstage app as found on disk.
struct AppProfile {
  std::filesystem::path root;
  /// `backstage.json` "version"; empty when the file is absent.
  std::string backstage_version;
  /// The root package.json first, then each workspace, sorted by path.
  std::vector<WorkspacePackage> packages;
  LockfileKind lockfile = LockfileKind::kNone;
  /// Registry packages of the lockfile, sorted by name, then host-level
  /// copies first, then version (semver::sort_order), then path. npm: one
  /// entry per install path; yarn and pnpm: one per (name, version).
  std::vector<LockedPackage> locked;
  /// How the app is installed, and which evidence said so (see
  /// load_app_profile): "package-lock.json", "npm-shrinkwrap.json",
  /// "yarn.lock", "pnpm-lock.yaml", "packageManager field", ".yarnrc.yml"
  /// or "default".
  PackageManager package_manager = PackageManager::kNpm;
  std::string package_manager_source;
  /// Whether the app's package manager fails an install on an unmet peer
  /// range, when a setting says so (the root `.npmrc`: npm's
  /// `legacy-peer-deps` and `strict-peer-deps`, pnpm's
  /// `strict-peer-dependencies`); nullopt: the manager's default (npm
  /// strict, yarn and pnpm lenient). The setting is in strict_peers_source
  /// (".npmrc legacy-peer-deps=true").
  std::optional<bool> strict_peers;
  std::string strict_peers_source;
  friend bool operator==(const AppProfile&, const AppProfile&) = default;
};

/// One entry point of a verified package tarball, as stored: where it is
/// and whether it has a default export (what the new backend and frontend
/// systems load). Its named exports are not kept.
struct ArtifactEntryPoint {
  /// "." or "./alpha".
  std::string subpath;
  /// Package path of the JavaScript file ("dist/index.cjs.js"); empty when
  /// the manifest names none.
  std::string file;
  /// The file is in the tarball.
  bool present = false;
  bool default_export = false;
  friend bool operator==(const ArtifactEntryPoint&, const ArtifactEntryPoint&) = default;
};

/// The most bytes of configuration schema text an ArtifactRecord carries
/// (read_package_contents reads no more either).
inline constexpr std::size_t kMaxArtifactConfigSchemaBytes = std::size_t{4} << 20;
/// The most entry points an ArtifactRecord carries.
inline constexpr std::size_t kMaxArtifactEntryPoints = 1024;

/// What a package tarball whose integrity was verified holds, as far as the
/// scanner and the configuration manager need it. Kept by the Storage per
/// package name and version (backend::Transaction::put_artifact); made from
/// a tarball by artifact_record() (callboard/artifact.hpp).
struct ArtifactRecord {
  std::string name;
  std::string version;
  /// The SRI token the tarball matched ("sha512-..."): which bytes this
  /// record describes.
  std::string integrity;
  /// When the tarball was verified and read.
  Timestamp verified_at{};
  /// The backend system judged from the code (backend_system_from_code):
  /// kNotApplicable when the code shows no backend plugin at all.
  PluginSystem backend_system = PluginSystem::kNotApplicable;
  /// The factory calls and legacy exports the code shows, in this order
  /// when present: "createBackendPlugin", "createBackendModule",
  /// "createRouter", "dynamicPluginInstaller", "createFrontendPlugin",
  /// "createPlugin" (the evidence behind backend_system).
  std::vector<std::string> code_markers;
  /// "." first, then other subpaths sorted; at most kMaxArtifactEntryPoints.
  std::vector<ArtifactEntryPoint> entry_points;
  /// A dist-dynamic/ folder (RHDH's dynamic plugin export) is present.
  bool has_dist_dynamic = false;
  /// `configSchema` of package.json: a package path, "(inline)", or empty.
  std::string config_schema_ref;
  /// The JSON schema text (a JSON object) when the package ships one; at
  /// most kMaxArtifactConfigSchemaBytes.
  std::optional<std::string> config_schema;
  /// Where config_schema came from (a package path or "(inline)").
  std::string config_schema_path;
  /// config.d.ts is present (a TypeScript schema).
  bool has_config_d_ts = false;
  friend bool operator==(const ArtifactRecord&, const ArtifactRecord&) = default;
};

// ---------------------------------------------------------------------------
// Parsers. Each takes untrusted text and a name for error messages.
//
// Common error contract of the JSON parsers below (none throws):
//  - the size bound is checked first: kResourceExhausted ("bytes", "limit");
//  - invalid JSON (including invalid UTF-8 and data after the document):
//    kInvalidArgument with "line", "column" (1-based, in bytes) and "offset";
//  - nesting deeper than max_depth: kResourceExhausted with the same position;
//  - a document of the wrong shape: kInvalidArgument with "pointer" (RFC 6901,
//    "" for the top level) and, where known, "package".
// A JSON object with a repeated key keeps the last value, as JSON.parse does.

struct ParseLimits {
  std::size_t max_document_bytes = 64u << 20;  ///< packuments of huge packages reach ~30 MiB
  std::size_t max_depth = 64;
  std::size_t max_versions = 20000;
};

/// A registry packument (the full document, or npm's abbreviated
/// `application/vnd.npm.install-v1+json` form, whose `modified` is top-level).
/// Each `versions` entry is read as parse_manifest reads a package.json, with
/// its key as `version`, the packument's name when it has none, and
/// `published` from `time[version]`. Keys that are not canonical strict
/// semver ("v1.0.0", "1.2") and entries that are not objects are dropped.
/// `readme`, `users`, `_attachments` and other members nothing reads are
/// checked for syntax but never allocated.
/// Errors: besides the common ones, `/name` missing or not a string
/// (kInvalidArgument); more than max_versions entries (kResourceExhausted,
/// pointer "/versions").
CALLBOARD_EXPORT Result<Packument> parse_packument(std::string_view json, const ParseLimits& limits = {});
/// A package.json file. Tolerant the way npm is with real registry data: a
/// member of an unexpected type is skipped, never an error (a `keywords`
/// string is split on commas and whitespace, `license` objects and legacy
/// `licenses` arrays are joined with " OR ", a `repository` string is its
/// url, non-string dependency values drop that entry, `engines` arrays are
/// ignored). Name and version may be absent (a workspace root). Only the
/// common errors, and a top level that is not an object, fail.
/// Also reads `_published` (ISO time), which to_json(Manifest) writes.
CALLBOARD_EXPORT Result<Manifest> parse_manifest(std::string_view json, const ParseLimits& limits = {});
/// A release manifest (`{"releaseVersion", "packages": [{name, version}]}`),
/// read strictly: a missing or mistyped member is kInvalidArgument with its
/// pointer ("/packages/3/version").
CALLBOARD_EXPORT Result<Release> parse_release(std::string_view json, const ParseLimits& limits = {});
/// A plugin-directory YAML file; `id` is the file's stem.
CALLBOARD_EXPORT Result<DirectoryEntry> parse_directory_entry(std::string_view yaml, std::string_view id,
                                                              const ParseLimits& limits = {});
/// Reads backstage.json, the root package.json, every workspace package.json
/// (npm/yarn `workspaces` globs of the `dir/*` and `dir/**` forms; when the
/// root package.json has none, the `packages` globs of pnpm-workspace.yaml),
/// and the first lockfile present, in this order: npm-shrinkwrap.json (npm
/// itself prefers it to package-lock.json), package-lock.json, yarn.lock,
/// pnpm-lock.yaml.
///
/// yarn and pnpm record no install paths, so for them `host_level` is
/// decided here, per name: the only locked version is host-level; among
/// several, the one whose descriptors include a range the root package.json
/// writes for that name (dependencies, devDependencies,
/// optionalDependencies), else one a workspace's package.json writes (for
/// pnpm the descriptors are the importers' specifiers, so this means "a
/// direct dependency of the root, else of a workspace"), else the one with
/// most descriptors (yarn's hoister prefers the most used); ties go to the
/// highest version. Alias descriptors ("npm:a@^1") count for none of these,
/// and a version reached only through aliases is never host-level (it is
/// installed under the alias's name). pnpm: a name no importer depends on
/// directly has no host-level copy (its layout keeps every copy side by
/// side in node_modules/.pnpm), so `callboard check` judges it by presence.
///
/// package_manager: the lockfile's kind when there is one; else the root
/// package.json `packageManager` field ("yarn@1.x" classic, "yarn@2" and
/// later berry, "pnpm@...", "npm@..."); else a `.yarnrc.yml` at the root
/// (berry); else npm ("default"). An unrecognised packageManager value is
/// skipped, not an error.
CALLBOARD_EXPORT Result<AppProfile> load_app_profile(const std::filesystem::path& root,
                                                     const ParseLimits& limits = {});

/// Canonical JSON for the model (what the storage backends keep): compact,
/// members in a fixed order, maps in key order, so equal values print the
/// same bytes. Parsing the output with the matching parser gives back an
/// equal value for every value a parser can produce. Values built by hand
/// round-trip too unless they hold something no parser produces: a
/// `deprecated` of "", both `role` and `unknown_role`, both `plugin_id` and
/// `plugin_id_null`, an `export_features` subpath not starting with ".",
/// packument versions that are not canonical semver, unsorted or repeated,
/// times outside years 0000-9999 (the epoch means unknown and is omitted or
/// null), non-finite doubles (printed as null), or bytes that are not UTF-8
/// (printed as U+FFFD).
///
/// Shapes: a Packument as the registry serves it (`name`, `description`,
/// `dist-tags`, `versions`, `time`); a Manifest as a package.json (plus
/// `dist` and `_published`); a Release in the upstream manifest format.
CALLBOARD_EXPORT std::string to_json(const Packument& packument);
CALLBOARD_EXPORT std::string to_json(const Manifest& manifest);
CALLBOARD_EXPORT std::string to_json(const Release& release);
/// A Plugin as readable JSON (also the CLI's `info --json` output); every
/// member is always present:
///   {"id","declaredId","title","description","category","keywords":[...],
///    "packages":[{"name","role","latestVersion"}],"modules":[...],
///    "backendSystem","frontendSystem","supportedReleases":[...],
///    "directory":{DirectoryEntry}|null,"lastPublished":ISO|null,"deprecated",
///    "score":{"total","factors":[{"id","label","value","weight","detail"}]}}
/// Roles and systems are their to_string names ("unknown" for kUnknown).
CALLBOARD_EXPORT std::string to_json(const Plugin& plugin);
/// Reads to_json(Plugin)'s shape strictly: absent or null members are
/// defaults; a member of the wrong type, an unknown role or system name, or a
/// malformed time is kInvalidArgument with its pointer ("/packages/0/role").
CALLBOARD_EXPORT Result<Plugin> parse_plugin_json(std::string_view json, const ParseLimits& limits = {});
/// A DirectoryEntry as JSON, every member always present:
///   {"id","title","author","authorUrl","category","description",
///    "documentation","iconUrl","npmPackageName","addedDate","status",
///    "staleSince","tags":[...],"order":n|null,"snapshot":{"backstageVersion",
///    "packages":[{"npmPackageName","latestVersion","backstageRole",
///    "lastPublished":ISO|null,"dependencyNames":[...]}]}}
CALLBOARD_EXPORT std::string to_json(const DirectoryEntry& entry);
/// Reads to_json(DirectoryEntry)'s shape, strictly as parse_plugin_json does.
CALLBOARD_EXPORT Result<DirectoryEntry> parse_directory_entry_json(std::string_view json,
                                                                   const ParseLimits& limits = {});
/// An ArtifactRecord as JSON (its storage form), every member always present:
///   {"name","version","integrity","verifiedAt":ISO|null,"backendSystem",
///    "codeMarkers":[...],"entryPoints":[{"subpath","file","present",
///    "defaultExport"}],"hasDistDynamic","configSchemaRef",
///    "configSchema":string|null,"configSchemaPath","hasConfigDTs"}
CALLBOARD_EXPORT std::string to_json(const ArtifactRecord& record);
/// Reads to_json(ArtifactRecord)'s shape, strictly as parse_plugin_json
/// does; also kInvalidArgument for a configSchema over
/// kMaxArtifactConfigSchemaBytes (pointer "/configSchema") or more than
/// kMaxArtifactEntryPoints entry points (pointer "/entryPoints").
CALLBOARD_EXPORT Result<ArtifactRecord> parse_artifact_record_json(std::string_view json,
                                                                   const ParseLimits& limits = {});

// ---------------------------------------------------------------------------
// Analysis of one manifest.

/// The declared role, else Backstage's PackageRoles.detectRoleFromPackage
/// rules, first match wins: `scripts.start` contains "app:serve" -> frontend;
/// `scripts.build` contains "backend:bundle" -> backend; the name contains
/// "plugin-" and "-backend-module-" -> backend-plugin-module; "plugin-" and
/// "-module-" -> frontend-plugin-module; start contains "plugin:serve" ->
/// frontend-plugin; "backend:dev" -> backend-plugin; then with main, module
/// and types (each its publishConfig value when non-empty): types+main+module
/// -> common-library; types+(module or main ending ".esm.js") -> web-library;
/// types+main -> node-library; main without types -> cli. kUnknown when
/// nothing matches (an unknown declared role also falls through to detection).
CALLBOARD_EXPORT PackageRole detect_role(const Manifest& manifest) noexcept;

struct PluginSystems {
  PluginSystem backend = PluginSystem::kNotApplicable;
  PluginSystem frontend = PluginSystem::kNotApplicable;
  friend bool operator==(const PluginSystems&, const PluginSystems&) = default;
};
/// Legacy / new / transitional backend and frontend system, from metadata
/// only. "Depends on" means `dependencies` or `peerDependencies` (RHDH's
/// dynamic export moves @backstage/* to peers), never devDependencies. A
/// feature is declared by `backstage.features` or by an exports `backstage`
/// condition (export_features).
///
/// Backend, for roles backend-plugin, backend-plugin-module and backend
/// (declared or detected), else kNotApplicable. new deps: backend-plugin-api,
/// backend-defaults; legacy deps: backend-common, backend-tasks; feature:
/// "@backstage/BackendFeature".
/// Frontend, for roles frontend-plugin, frontend-plugin-module and frontend,
/// else kNotApplicable. new deps: frontend-plugin-api, frontend-defaults;
/// legacy deps: core-plugin-api, core-app-api; compat dep: core-compat-api;
/// features: "@backstage/FrontendPlugin", "FrontendModule",
/// "FrontendFeatureLoader".
/// Then, first match wins:
///  1. the feature on "." -> kTransitional with a legacy or compat dep, else kNew;
///  2. the feature only on another subpath ("./alpha"), or a compat dep -> kTransitional;
///  3. new and legacy deps -> kTransitional;
///  4. new deps -> kNew;
///  5. otherwise (legacy deps, or no signal at all: pre-metadata packages) -> kLegacy.
CALLBOARD_EXPORT PluginSystems classify_plugin_systems(const Manifest& manifest) noexcept;

}  // namespace callboard
