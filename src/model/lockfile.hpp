#pragma once
// Private: readers for the lockfiles a Backstage app may carry
// (package-lock.json / npm-shrinkwrap.json, yarn.lock classic and berry).
// load_app_profile is their only public caller; tests and fuzz targets call
// them directly.
//
// What every reader returns: the packages installed from a registry, as
// (real name, exact version, integrity), sorted by name then version, one
// entry per (name, version). Left out on purpose, because they are not
// registry packages and would mislead a compatibility scan: the app root,
// workspace packages and links, and git / file / tarball-URL dependencies;
// also any entry whose version is not valid semver. An alias
// (`"b": "npm:a@^1"`) is listed under the real name `a`.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/model.hpp"

namespace callboard::model_detail {

/// A lockfile with more registry packages than this is refused
/// (kResourceExhausted). Large Backstage monorepos lock about 5,000.
inline constexpr std::size_t kMaxLockedPackages = 200000;

/// package-lock.json or npm-shrinkwrap.json, lockfileVersion 1 (the nested
/// `dependencies` tree), 2 or 3 (the flat `packages` map, preferred when
/// both are present). `file` names the document in errors.
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

/// Sorts by (name, version) and keeps one entry per pair, preferring one
/// that has an integrity string.
void sort_and_deduplicate(std::vector<LockedPackage>& packages);

}  // namespace callboard::model_detail
