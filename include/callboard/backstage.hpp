#pragma once
/// \file
/// Facts about the Backstage ecosystem that several modules rely on: the
/// packages an app must hold exactly once, the order of release manifests,
/// and which manifest describes a package. One place, so that the registry,
/// the solver and the scanner read them the same way.
///
/// Owned by the model module (src/model/backstage.cpp). Everything here is
/// reentrant, keeps no state and may be called from any thread.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/export.hpp"
#include "callboard/model.hpp"
#include "callboard/semver.hpp"

namespace callboard::backstage {

/// The Backstage packages of which an app must hold exactly one copy: a
/// plugin whose range on one of them misses a release's version would pull
/// a second copy into an app on that release. One place, documented in
/// docs: the plugin and app APIs of both systems, and catalog-react (its
/// React contexts break when duplicated). Sorted by name.
inline constexpr std::array<std::string_view, 7> kSingletonPackages = {
    "@backstage/backend-app-api",      "@backstage/backend-plugin-api",
    "@backstage/core-app-api",         "@backstage/core-plugin-api",
    "@backstage/frontend-app-api",     "@backstage/frontend-plugin-api",
    "@backstage/plugin-catalog-react",
};

/// Releases with a valid semver version, ascending, one per version: of
/// duplicates (the same precedence) the least by (text, packages) wins, so
/// the result does not depend on the input order. The pointers point into
/// `releases`, which must outlive the result. O(n log n).
[[nodiscard]] CALLBOARD_EXPORT std::vector<std::pair<semver::Version, const Release*>> ordered_releases(
    const std::vector<Release>& releases);

/// The manifest whose `backstage` field describes the package: the latest
/// version when it has a `backstage` field, else the newest version that has
/// one (a latest built without metadata should not drop a package out of
/// its plugin), else the latest. nullptr for a packument without versions;
/// otherwise a pointer into `packument`.
[[nodiscard]] CALLBOARD_EXPORT const Manifest* metadata_manifest(const Packument& packument) noexcept;

/// The one rule for which release a user's text names, used by the
/// scanner (ReleaseCatalog::find, `scan --release`, the matrix), the
/// solver's `--release` and the Session: the index in `releases` (release
/// versions, ascending by semver) of
///  - the release spelled exactly so (a prerelease too: "1.54.0-next.0"),
///    or with a leading "v", or of equal precedence ("1.31.0+build");
///  - for "1.31", "1.31.x" or "1.31.*", the newest non-prerelease 1.31.*;
///  - for any other npm range ("1.x", "^1.30.0", ">=1.31 <1.33"), the
///    newest release it admits (node-semver: prereleases only when the
///    range names one of that version).
/// nullopt when none matches or the text is neither. Linear in `releases`.
[[nodiscard]] CALLBOARD_EXPORT std::optional<std::size_t> find_release(const std::vector<std::string>& releases,
                                                                     std::string_view wanted) noexcept;

}  // namespace callboard::backstage
