#pragma once
// Private: readers for the lockfiles a Backstage app may carry
// (package-lock.json / npm-shrinkwrap.json, yarn.lock classic and berry,
// pnpm-lock.yaml).
// load_app_profile is their only public caller; tests and fuzz targets call
// them directly.
//
// What every reader returns: the packages installed from a registry, with
// their real name, exact version and integrity, in the order of
// sort_locked. npm: one entry per install path (`path`, `host_level` set);
// yarn and pnpm: one entry per (name, version) with the `descriptors` that
// resolve to it, `host_level` left false (load_app_profile decides it with
// decide_host_level, since it needs the app's package.json files). Left out
// on purpose, because they are not registry packages and would mislead a
// compatibility scan: the app root, workspace packages and links, and git /
// file / tarball-URL dependencies; also any entry whose version is not
// valid semver. An alias (`"b": "npm:a@^1"`) is listed under the real name
// `a`.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/model.hpp"

namespace callboard::model_detail {

/// A lockfile with more registry packages than this is refused
/// (kResourceExhausted). Large Backstage monorepos lock about 5,000.
inline constexpr std::size_t kMaxLockedPackages = 200000;

/// package-lock.json or npm-shrinkwrap.json, lockfileVersion 1 (the nested
/// `dependencies` tree, whose paths are rebuilt as
/// "node_modules/a/node_modules/b"), 2 or 3 (the flat `packages` map,
/// preferred when both are present; `path` is its key). `file` names the
/// document in errors.
///
/// Errors: kResourceExhausted over `limits.max_document_bytes`,
/// `limits.max_depth` or kMaxLockedPackages; kInvalidArgument for invalid
/// JSON (with line/column), an unsupported lockfileVersion, or a wrongly
/// typed member (with its JSON pointer in "pointer"). Context always has
/// "file". Never throws.
Result<std::vector<LockedPackage>> parse_package_lock(std::string_view json, std::string_view file,
                                                      const ParseLimits& limits = {});

/// Which yarn.lock format `text` is: kYarnBerry when a top-level
/// `__metadata:` key is present, else kYarnClassic.
LockfileKind detect_yarn_lock_kind(std::string_view text) noexcept;

struct YarnLock {
  LockfileKind kind = LockfileKind::kNone;
  std::vector<LockedPackage> packages;
};

/// A yarn.lock of either format (see detect_yarn_lock_kind).
///
/// Classic (yarn 1, not YAML): entries `"a@^1.0.0", "a@^1.1.0":` with
/// indented `version "1.2.3"` and `integrity sha512-...`; errors carry
/// "file" and "line". Berry (yarn 2+, YAML): entries keyed by descriptor with
/// `resolution: "a@npm:1.2.3"` and `version:`; only `npm:` resolutions are
/// listed (workspace:, patch:, link:, portal:, file:, git are not). Berry's
/// `checksum` is a hash of yarn's cache zip, not of the npm tarball, so it
/// is not reported as `integrity` (which is an npm SRI string elsewhere).
/// One entry per (name, version); its `descriptors` are the ranges of the
/// keys that resolve to it (see LockedPackage::descriptors).
///
/// Errors as parse_package_lock, with "line" and "column" instead of a
/// pointer. Never throws.
Result<YarnLock> parse_yarn_lock(std::string_view text, std::string_view file, const ParseLimits& limits = {});

/// An npm/yarn descriptor "name@range" split at the '@' that ends the name
/// ("@scope/a@npm:^1" -> {"@scope/a", "npm:^1"}); the range is empty when
/// there is no such '@'. nullopt when the name would be empty.
struct Descriptor {
  std::string_view name;
  std::string_view range;
};
std::optional<Descriptor> split_descriptor(std::string_view text) noexcept;

/// pnpm-lock.yaml, lockfileVersion 5.x ("/a/1.2.3" keys), 6.x
/// ("/@scope/a@1.2.3(react@18.2.0)") and 9.x ("a@1.2.3" in `packages`, peer
/// variants in `snapshots`). Lists the `packages` entries with a registry
/// resolution (an `integrity`; `tarball`, `directory` and `repo`
/// resolutions are skipped, as are `link:` and `file:` versions), versions
/// without their peer suffix, one entry per (name, version); `descriptors`
/// are the specifiers of `importers` whose direct dependencies
/// (dependencies, devDependencies, optionalDependencies) resolve to it.
/// An importer's alias ("b": {specifier: "npm:a@^1", version: "a@1.0.0"})
/// adds "npm:a@^1".
///
/// Errors: kResourceExhausted over `limits.max_document_bytes`,
/// `limits.max_depth`, the YAML node bound or kMaxLockedPackages;
/// kInvalidArgument for bad YAML, an unsupported or missing
/// lockfileVersion, or a wrongly typed member, with "file", "line",
/// "column" and "field" (the key in question). Never throws.
Result<std::vector<LockedPackage>> parse_pnpm_lock(std::string_view text, std::string_view file,
                                                   const ParseLimits& limits = {});

/// A lockfile's version text as the readers report it: the canonical form
/// of a valid semver version, build included ("v1.2.3 " -> "1.2.3"), so that
/// equal versions are equal strings; nullopt when it is not one (a tag, a
/// URL, "link:...") or longer than semver::kMaxVersionLength.
std::optional<std::string> registry_version(std::string_view text);

/// The readers' order: by name, host-level copies first, then version
/// (semver::sort_order; text order for a version that does not parse, which
/// no reader produces), then path, then integrity.
void sort_locked(std::vector<LockedPackage>& packages);

/// npm: keeps one entry per install path (a repeated key keeps the copy
/// with an integrity string), then sort_locked.
void deduplicate_by_path(std::vector<LockedPackage>& packages);

/// yarn and pnpm: keeps one entry per (name, version), merging their
/// descriptors (sorted, unique) and preferring a non-empty integrity, then
/// sort_locked.
void merge_by_version(std::vector<LockedPackage>& packages);

/// Sets host_level on yarn/pnpm entries (see load_app_profile in model.hpp
/// for the rule): `root_ranges` and `workspace_ranges` map a name to the
/// ranges the root package.json and the workspaces' write for it. Then
/// sort_locked. `direct_only` (pnpm): only a copy some importer depends on
/// directly can be host-level; pnpm's layout has no top level for the rest
/// (node_modules/.pnpm holds every copy side by side).
using RangesByName = std::map<std::string, std::set<std::string, std::less<>>, std::less<>>;
void decide_host_level(std::vector<LockedPackage>& packages, const RangesByName& root_ranges,
                       const RangesByName& workspace_ranges, bool direct_only = false);

}  // namespace callboard::model_detail
