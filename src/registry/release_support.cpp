// Which Backstage releases a package supports: the singleton and
// removed-package checks of plugins_detail.hpp, precomputed per release.
//
// Cost model: the same few hundred (package, specifier) pairs recur across
// thousands of versions, so each pair is parsed and tested against every
// release once, as a bitset; a version is then the AND of its pairs' sets
// and a package the OR of its versions'.

#include <algorithm>
#include <bit>
#include <tuple>

#include "registry/plugins_detail.hpp"

namespace callboard::plugins_detail {
namespace {

bool is_singleton(std::string_view name) noexcept {
  return std::find(kSingletonPackages.begin(), kSingletonPackages.end(), name) !=
         kSingletonPackages.end();
}

void set_bit(std::vector<std::uint64_t>& bits, std::size_t i) noexcept {
  bits[i / 64] |= std::uint64_t{1} << (i % 64);
}

void clear_bit(std::vector<std::uint64_t>& bits, std::size_t i) noexcept {
  bits[i / 64] &= ~(std::uint64_t{1} << (i % 64));
}

bool test_bit(const std::vector<std::uint64_t>& bits, std::size_t i) noexcept {
  return ((bits[i / 64] >> (i % 64)) & 1u) != 0;
}

}  // namespace

ReleaseSupport::ReleaseSupport(const std::vector<Release>& releases) {
  const auto usable = ordered_releases(releases);
  const std::size_t n = usable.size();
  words_ = (n + 63) / 64;
  for (const auto& [version, release] : usable) {
    versions_.push_back(version);
    texts_.push_back(release->version);
  }
  for (std::string_view name : kSingletonPackages) {
    auto& per_release = singleton_versions_[std::string(name)];
    per_release.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (const std::string* text = usable[i].second->find(name)) {
        auto v = semver::Version::parse(*text);
        if (v) per_release[i] = std::move(*v);
      }
    }
  }
  // Which releases hold each package (one hash lookup per manifest entry;
  // ordered structures cost several string compares each).
  std::unordered_map<std::string_view, Bits> present;
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& entry : usable[i].second->packages) {
      auto& bits = present[entry.first];
      if (bits.empty()) bits.assign(words_, 0);
      set_bit(bits, i);
    }
  }
  for (const auto& [name, bits] : present) {
    // Removed: absent from a release, present in an earlier one. Singletons
    // are also unavailable before they were introduced: the app cannot
    // share a copy it lacks (a new-backend plugin before backend-plugin-api).
    const bool singleton = is_singleton(name);
    Bits missing(words_, 0);
    bool any = false;
    bool seen = false;
    for (std::size_t i = 0; i < n; ++i) {
      const bool here = test_bit(bits, i);
      seen = seen || here;
      if (!here && (seen || singleton)) {
        set_bit(missing, i);
        any = true;
      }
    }
    if (any) unavailable_.emplace(std::string(name), std::move(missing));
  }
}

const ReleaseSupport::Bits& ReleaseSupport::spec_bits(std::string_view package,
                                                      std::string_view spec) {
  std::string key;
  key.reserve(package.size() + spec.size() + 1);
  key.append(package).append(1, '\n').append(spec);
  if (auto it = spec_cache_.find(key); it != spec_cache_.end()) return it->second;

  const std::size_t n = versions_.size();
  Bits bits(words_, 0);
  for (std::size_t i = 0; i < n; ++i) set_bit(bits, i);
  auto parsed = semver::parse_specifier(spec);
  if (!parsed) {
    // npm refuses to install an invalid specifier: no release works.
    std::fill(bits.begin(), bits.end(), 0);
  } else {
    std::string_view checked;
    if (parsed->kind == semver::SpecifierKind::kRange && parsed->range) {
      checked = package;
    } else if (parsed->kind == semver::SpecifierKind::kAlias && parsed->range) {
      checked = parsed->target;  // the package actually installed
    }
    // workspace:, backstage: (resolves to the release itself), tags, URLs,
    // git and files stay "satisfied": nothing here can judge them.
    auto it = checked.empty() ? singleton_versions_.end()
                              : singleton_versions_.find(std::string(checked));
    if (it != singleton_versions_.end()) {
      const semver::Range& range = *parsed->range;
      for (std::size_t i = 0; i < n; ++i) {
        const auto& v = it->second[i];
        if (v && !range.satisfied_by(*v)) clear_bit(bits, i);
      }
    }
  }
  return spec_cache_.emplace(std::move(key), std::move(bits)).first->second;
}

void ReleaseSupport::apply(Bits& acc, const DependencyMap& deps, const Manifest& manifest,
                           bool peers) {
  for (const auto& [name, spec] : deps) {
    if (!name.starts_with("@backstage/")) continue;
    if (auto it = unavailable_.find(name); it != unavailable_.end()) {
      bool optional_peer = false;
      if (peers) {
        auto meta = manifest.peer_dependencies_meta.find(name);
        optional_peer = meta != manifest.peer_dependencies_meta.end() && meta->second.optional;
      }
      if (!optional_peer) {
        for (std::size_t w = 0; w < words_; ++w) acc[w] &= ~it->second[w];
      }
    }
    if (is_singleton(name)) {
      const Bits& ok = spec_bits(name, spec);
      for (std::size_t w = 0; w < words_; ++w) acc[w] &= ok[w];
    }
  }
}

std::vector<std::uint64_t> ReleaseSupport::supported_bits(const Manifest& manifest) {
  Bits acc(words_, 0);
  for (std::size_t i = 0; i < versions_.size(); ++i) set_bit(acc, i);
  apply(acc, manifest.dependencies, manifest, false);
  apply(acc, manifest.peer_dependencies, manifest, true);
  return acc;
}

std::vector<std::string> ReleaseSupport::supported(const Packument& packument) {
  std::vector<std::string> out;
  if (versions_.empty()) return out;
  const bool has_release =
      std::any_of(packument.versions.begin(), packument.versions.end(),
                  [](const Manifest& m) { return !is_prerelease_text(m.version); });
  Bits any(words_, 0);
  std::size_t covered = 0;
  for (const auto& m : packument.versions) {
    if (has_release && is_prerelease_text(m.version)) continue;
    const Bits bits = supported_bits(m);
    covered = 0;
    for (std::size_t w = 0; w < words_; ++w) {
      any[w] |= bits[w];
      covered += static_cast<std::size_t>(std::popcount(any[w]));
    }
    if (covered == versions_.size()) break;  // every release already supported
  }
  for (std::size_t i = 0; i < versions_.size(); ++i) {
    if (test_bit(any, i)) out.push_back(texts_[i]);
  }
  return out;
}

}  // namespace callboard::plugins_detail
