// The package source over a map in memory (and the interface's destructor).
#include <algorithm>
#include <utility>

#include "callboard/semver.hpp"
#include "callboard/solver.hpp"

namespace callboard::solver {

PackageSource::~PackageSource() = default;

void MemoryPackageSource::add(Packument packument) {
  std::vector<std::pair<semver::Version, Manifest>> keyed;
  for (Manifest& m : packument.versions) {
    auto v = semver::Version::parse(m.version);
    if (!v) continue;
    if (m.name.empty()) m.name = packument.name;
    keyed.emplace_back(std::move(*v), std::move(m));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return semver::sort_order(a.first, b.first) < 0; });
  packument.versions.clear();
  for (auto& [v, m] : keyed) packument.versions.push_back(std::move(m));
  std::string name = packument.name;
  packuments_.insert_or_assign(std::move(name), std::make_shared<const Packument>(std::move(packument)));
}

Result<std::shared_ptr<const Packument>> MemoryPackageSource::packument(std::string_view name) noexcept {
  ++lookups_;
  auto it = packuments_.find(name);
  if (it == packuments_.end()) return std::shared_ptr<const Packument>{};
  return it->second;
}

}  // namespace callboard::solver
