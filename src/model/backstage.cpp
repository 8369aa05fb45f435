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

std::optional<std::size_t> find_release(const std::vector<std::string>& texts, std::string_view version) noexcept {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (texts[i] == version) return i;
  }
  // "1.31", "1.31.x", "v1.31.0": the newest non-prerelease release matching.
  std::string_view text = version;
  if (text.starts_with('v')) text.remove_prefix(1);
  if (text.ends_with(".x") || text.ends_with(".*")) text.remove_suffix(2);
  if (text.empty() || text.size() > semver::kMaxVersionLength) return std::nullopt;
  try {
    if (const auto exact = semver::Version::parse(text)) {
      for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto v = semver::Version::parse(texts[i]);
        if (v && *v == *exact) return i;
      }
      return std::nullopt;
    }
    // Any npm range, "1.31" (a major.minor line) included: the newest
    // release it admits. Prereleases only as node-semver admits them, so
    // "1.31" never picks 1.31.0-next.1 over 1.31.3.
    auto range = semver::Range::parse(version);
    if (!range) return std::nullopt;
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (range->satisfied_by(std::string_view(texts[i]))) best = i;
    }
    return best;
  } catch (...) {  // allocation: no answer rather than an escape from noexcept
    return std::nullopt;
  }
}

}  // namespace callboard::backstage
