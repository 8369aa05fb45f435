#pragma once
// Package-name rules and link discovery for the indexer.

#include <string>
#include <string_view>
#include <vector>

#include "callboard/model.hpp"

namespace callboard::registry_detail {

/// npm's rules for names a registry may serve (validate-npm-package-name,
/// "valid for old packages"): 1-214 characters, no leading '.' or '_', no
/// spaces, URL-safe, at most one '/' and then only as "@scope/name".
bool is_valid_package_name(std::string_view name) noexcept;

/// True for names the ecosystem crawl follows: @backstage/*,
/// @backstage-community/*, and any name mentioning "backstage".
bool is_backstage_name(std::string_view name) noexcept;

/// True for packages plugin grouping looks at: a Backstage name, a
/// `backstage` field in some version, or a dependency or peer on a
/// Backstage-named package in some version. Other packages in storage (the
/// npm dependencies fetch_closure brings in: react, express, babel plugins)
/// are never plugins, whatever their names look like.
bool is_backstage_package(const Packument& packument) noexcept;

/// Every package a packument links to that the crawl should follow, sorted
/// and unique: Backstage-named dependencies, peer and optional
/// dependencies of every version, and the `backstage` field's
/// pluginPackages, pluginPackage, peerModules and moved (any name).
std::vector<std::string> collect_links(const Packument& packument);

}  // namespace callboard::registry_detail
