// Backstage ecosystem facts shared by the registry, the solver and the
// scanner (contracts in callboard/backstage.hpp).

#include "callboard/backstage.hpp"

#include <algorithm>
#include <tuple>

namespace callboard::backstage {

std::vector<std::pair<semver::Version, const Release*>> ordered_releases(const std::vector<Release>& releases) {
  std::vector<std::pair<semver::Version, const Release*>> usable;
  usable.reserve(releases.size());
  for (const auto& r : releases) {
    auto v = semver::Version::parse(r.version);
    if (v) usable.emplace_back(std::move(*v), &r);
  }
  // Total order (version, text, content) so that duplicate versions resolve
  // the same way whatever the input order.
  std::sort(usable.begin(), usable.end(), [](const auto& a, const auto& b) {
    if (auto c = a.first <=> b.first; c != 0) return c < 0;
    return std::tie(a.second->version, a.second->packages) <
           std::tie(b.second->version, b.second->packages);
  });
  usable.erase(std::unique(usable.begin(), usable.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               usable.end());
  return usable;
}

const Manifest* metadata_manifest(const Packument& packument) noexcept {
  const Manifest* latest = packument.latest();
  if (latest == nullptr || latest->backstage) return latest;
  for (auto it = packument.versions.rbegin(); it != packument.versions.rend(); ++it) {
    if (it->backstage) return &*it;
  }
  return latest;
}

}  // namespace callboard::backstage
