#pragma once
// Local sources: a folder with a package.json, or an npm pack tarball
// (.tgz), indexed as if a registry served it (a vendor's private plugins).

#include <filesystem>

#include "callboard/error.hpp"
#include "callboard/model.hpp"

namespace callboard::registry_detail {

/// Reads `<folder>/package.json`, or `package/package.json` inside a .tgz
/// (the first top-level folder's package.json: npm pack writes "package/").
/// The manifest must have a valid name and a valid semver version. Bounds:
/// 1 MiB for package.json, 10,000 archive entries scanned, 256 MiB read.
Result<Manifest> read_local_manifest(const std::filesystem::path& path);

/// Adds (or replaces) `manifest` as a version of `packument`; keeps versions
/// sorted; points dist-tags.latest at the highest non-prerelease version
/// (else the highest). A manifest without a publish time gets `now`.
void merge_local_version(Packument& packument, Manifest manifest, Timestamp now);

}  // namespace callboard::registry_detail
