#pragma once
// Internals of the compatibility scanner shared by scan (checks.cpp), the
// matrix builder (matrix.cpp) and the app upgrade check (upgrade.cpp).
// Not installed; tests include it through src/.
//
// One rule per check lives here, as a function of (pre-parsed input,
// release index); scan() turns its outcome into a Finding with a message,
// the MatrixBuilder only keeps its tier, so the two cannot disagree.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "callboard/compat.hpp"
#include "callboard/semver.hpp"

namespace callboard::compat {

namespace detail {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

inline constexpr std::int32_t kNone = -1;

}  // namespace detail

struct ReleaseCatalog::Impl {
  std::vector<std::string> texts;         // release versions, ascending
  std::vector<semver::Version> versions;  // parsed, same order
  detail::StringMap<std::uint32_t> ids;   // package name -> dense id
  std::vector<std::string> names;         // id -> package name
  // Flat table, release-major: table[r * names.size() + id] is an index
  // into `pool`, or kNone when release r does not list the package.
  std::vector<std::int32_t> table;
  std::vector<semver::Version> pool;
  std::vector<std::string> pool_texts;
  // Per package id: first and last release listing it, and the release it
  // is gone from for good (kNone when never removed).
  std::vector<std::int32_t> first, last, removed;
  std::map<std::string, std::string, std::less<>> moved;
  // The release from which the legacy backend system is gone: where
  // @backstage/backend-common was removed (kNone when the history has no
  // such release).
  std::int32_t legacy_backend_gone = detail::kNone;

  [[nodiscard]] std::size_t release_count() const noexcept { return texts.size(); }
  [[nodiscard]] std::optional<std::uint32_t> id_of(std::string_view name) const noexcept {
    auto it = ids.find(name);
    if (it == ids.end()) return std::nullopt;
    return it->second;
  }
  /// The version release r lists for package id, or nullptr.
  [[nodiscard]] const semver::Version* version(std::size_t r, std::uint32_t id) const noexcept {
    const std::int32_t i = table[r * names.size() + id];
    return i == detail::kNone ? nullptr : &pool[static_cast<std::size_t>(i)];
  }
  [[nodiscard]] const std::string* version_text(std::size_t r, std::uint32_t id) const noexcept {
    const std::int32_t i = table[r * names.size() + id];
    return i == detail::kNone ? nullptr : &pool_texts[static_cast<std::size_t>(i)];
  }
};

namespace detail {

/// The singletons (one copy per app): the registry's list, so that its
/// `supported_releases` and the scanner agree (src/registry/plugins_detail.hpp).
bool is_singleton(std::string_view package) noexcept;
/// The packages whose version is the plugin registration protocol: a plugin
/// built against a newer one than the host's cannot register
/// ("Invalid registration type 'module-v1.1'").
bool is_registration_api(std::string_view package) noexcept;

/// One `@backstage/*` dependency entry, parsed once.
struct ParsedDep {
  std::string name;     // the entry's key
  std::string checked;  // the package actually installed (alias target), or the key
  std::string spec;     // the raw specifier
  std::string field;    // "dependencies" / "peerDependencies"
  bool optional_peer = false;
  bool valid = true;  // the specifier parses
  semver::SpecifierKind kind = semver::SpecifierKind::kRange;
  std::optional<semver::Range> range;      // for kRange and ranged kAlias
  std::optional<semver::Version> minimum;  // min_version(range)
  std::optional<std::uint32_t> id;         // catalog id of `checked`
};

/// The index in `texts` (ascending release versions) of `version`: the
/// exact text, else the same semver, else for "1.31" / "1.31.x" the newest
/// non-prerelease 1.31.*.
std::optional<std::size_t> find_release(const std::vector<std::string>& texts,
                                        std::string_view version) noexcept;

/// catalog.find(release), or kNotFound saying how to import the manifest.
Result<std::size_t> require_release(const ReleaseCatalog& catalog, std::string_view release);

/// Calls f(name, spec, field, optional_peer) for every entry that may name a
/// `@backstage/*` package: dependencies, then peerDependencies not already
/// in dependencies.
template <typename F>
void for_each_backstage_entry(const Manifest& m, F&& f) {
  auto wanted = [](std::string_view name, std::string_view spec) {
    return name.starts_with("@backstage/") || spec.starts_with("npm:@backstage/");
  };
  for (const auto& [name, spec] : m.dependencies) {
    if (wanted(name, spec))
      f(std::string_view(name), std::string_view(spec), std::string_view("dependencies"), false);
  }
  for (const auto& [name, spec] : m.peer_dependencies) {
    if (!wanted(name, spec) || m.dependencies.find(name) != m.dependencies.end()) continue;
    auto meta = m.peer_dependencies_meta.find(name);
    const bool optional = meta != m.peer_dependencies_meta.end() && meta->second.optional;
    f(std::string_view(name), std::string_view(spec), std::string_view("peerDependencies"),
      optional);
  }
}

/// `@backstage/*` entries of dependencies then peerDependencies (a peer
/// repeating a dependency is checked once, as the dependency).
std::vector<ParsedDep> parse_backstage_deps(const Manifest& manifest,
                                            const ReleaseCatalog::Impl& catalog);
ParsedDep parse_dep(std::string_view name, std::string_view spec, std::string_view field,
                    bool optional_peer, const ReleaseCatalog::Impl& catalog);

/// What one dependency means on one release.
enum class DepOutcome : std::uint8_t {
  kOk,                   // admitted (or follows the release: backstage:^)
  kUnchecked,            // workspace:, tags, URLs, git, files: cannot judge
  kInvalid,              // the specifier does not parse
  kLibraryDuplicate,     // a library's range misses the release's version
  kSingletonDuplicate,   // a singleton's range misses it (older side)
  kRegistrationSkew,     // a registration API newer than the release's
  kRemoved,              // gone from the release (and not moved)
  kRemovedOptional,      // gone, but only an optional peer
  kMoved,                // gone from the release, moved elsewhere
  kUnreleasedSingleton,  // a singleton the release does not have yet
  kUnreleasedLibrary,    // a library the release does not have yet
  kUnlisted,             // never in any release manifest: a plain npm dependency
};
DepOutcome classify(const ParsedDep& dep, const ReleaseCatalog::Impl& catalog,
                    std::size_t release) noexcept;
Tier limit_of(DepOutcome outcome) noexcept;

/// The declared Backstage target of a manifest: `supported-versions`, else
/// the option; coerced ("1.28.4", "^1.28.0" -> 1.28.0). nullopt when none.
std::optional<semver::Version> declared_target(const Manifest& manifest, std::string_view fallback,
                                               std::string* raw);
/// The tier a declared target allows on a release: newer major.minor than
/// the release -> incompatible; else aligned (older gives a warning only).
Tier declared_limit(const semver::Version& declared, const semver::Version& release) noexcept;

/// The tier the legacy-backend rule allows on a release for a plugin with
/// this backend system.
Tier legacy_backend_limit(PluginSystem backend, const ReleaseCatalog::Impl& catalog,
                          std::size_t release) noexcept;

/// The backend system the checks use for one manifest.
struct BackendSystemView {
  /// What the checks use: the code's answer when it decides, else metadata's.
  PluginSystem system = PluginSystem::kNotApplicable;
  /// classify_plugin_systems(manifest).backend.
  PluginSystem metadata = PluginSystem::kNotApplicable;
  /// The stored record that applies to the manifest, or nullptr.
  const ArtifactRecord* code = nullptr;
  /// The code decided (a record applies and its system is not kNotApplicable).
  [[nodiscard]] bool from_code() const noexcept {
    return code != nullptr && code->backend_system != PluginSystem::kNotApplicable;
  }
};
/// `code` is the record for the manifest's name and version, or nullptr.
BackendSystemView backend_system_of(const Manifest& manifest, const ArtifactRecord* code) noexcept;
/// The record of options.artifacts for the manifest's name and version
/// (the last one when repeated), or nullptr. Linear in the records.
const ArtifactRecord* artifact_for(const Manifest& manifest, const ScanOptions& options) noexcept;

/// Collects findings, building messages only when someone reads them.
class Emitter {
 public:
  explicit Emitter(std::vector<Finding>* out) : out_(out) {}
  template <typename MakeMessage>
  void add(std::string_view id, Severity severity, Tier limit, MakeMessage&& make_message,
           Evidence evidence = {}) {
    if (limit > limit_) limit_ = limit;
    if (out_ == nullptr) return;
    out_->push_back(Finding{std::string(id), severity, limit, make_message(), std::move(evidence)});
  }
  [[nodiscard]] Tier limit() const noexcept { return limit_; }
  [[nodiscard]] bool wants_text() const noexcept { return out_ != nullptr; }

 private:
  std::vector<Finding>* out_;
  Tier limit_ = Tier::kAligned;
};

/// The checks that do not depend on the release (role, systems against the
/// host, metadata against code, engines, peers, deprecation, prerelease, moved plugin, invalid
/// specifiers). `release_text` only fills evidence.
/// `backend` is backend_system_of(manifest, the record that applies).
void release_independent_checks(const Manifest& manifest, const std::vector<ParsedDep>& deps,
                                const ScanOptions& options, const BackendSystemView& backend,
                                std::string_view release_text, Emitter& emit);

/// Sorts findings (severity desc, id, evidence package, field, range) and
/// fills the verdict.
void finish(ScanResult& result);

}  // namespace detail
}  // namespace callboard::compat
