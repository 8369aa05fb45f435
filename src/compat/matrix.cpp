// Support matrices: every version of a package x every release -> tier.
//
// Cost model: the same few hundred (package, specifier) pairs recur across
// thousands of versions, so each pair is classified against every release
// once (detail::classify, the rule scan() uses) and kept as two bit sets:
// releases where it makes the version incompatible, and where it makes it
// at best compatible. A version is then the OR of its pairs' sets plus the
// release-dependent version rules (legacy backend, from the code when a
// stored artifact record applies; declared target), and a
// cell costs a few word operations.

#include <algorithm>

#include "compat/detail.hpp"

namespace callboard::compat {

namespace {
using Bits = std::vector<std::uint64_t>;

void set_bit(Bits& bits, std::size_t i) noexcept { bits[i / 64] |= std::uint64_t{1} << (i % 64); }
bool test_bit(const Bits& bits, std::size_t i) noexcept {
  return ((bits[i / 64] >> (i % 64)) & 1u) != 0;
}

struct Effect {
  Bits incompatible;
  Bits compatible;  // at best compatible (a second copy of a library, a moved package)
  bool invalid = false;
};
}  // namespace

struct MatrixBuilder::State {
  const ReleaseCatalog::Impl& catalog;
  ScanOptions options;
  std::size_t words = 0;
  detail::StringMap<Effect> effects;
  Bits legacy_gone;  // releases without the legacy backend system
  std::map<std::pair<std::uint64_t, std::uint64_t>, Bits>
      declared;     // major.minor -> releases older
  std::string key;  // scratch
  // options.artifacts by "name\nversion" (the last of repeated ones, as
  // detail::artifact_for picks).
  detail::StringMap<const ArtifactRecord*> artifacts;

  State(const ReleaseCatalog::Impl& c, ScanOptions o) : catalog(c), options(std::move(o)) {
    for (const ArtifactRecord& r : options.artifacts) artifacts[r.name + "\n" + r.version] = &r;
    const std::size_t n = catalog.release_count();
    words = (n + 63) / 64;
    legacy_gone.assign(words, 0);
    for (std::size_t r = 0; r < n; ++r) {
      if (detail::legacy_backend_limit(PluginSystem::kLegacy, catalog, r) == Tier::kIncompatible) {
        set_bit(legacy_gone, r);
      }
    }
  }

  const Effect& effect(std::string_view name, std::string_view spec, std::string_view field,
                       bool optional) {
    key.assign(name).append(1, '\n').append(spec).append(1, optional ? 'o' : '-');
    if (auto it = effects.find(key); it != effects.end()) return it->second;
    Effect e;
    e.incompatible.assign(words, 0);
    e.compatible.assign(words, 0);
    const detail::ParsedDep dep = detail::parse_dep(name, spec, field, optional, catalog);
    if (dep.checked.starts_with("@backstage/")) {
      e.invalid = !dep.valid;
      for (std::size_t r = 0; r < catalog.release_count(); ++r) {
        switch (detail::limit_of(detail::classify(dep, catalog, r))) {
          case Tier::kAligned: break;
          case Tier::kCompatible: set_bit(e.compatible, r); break;
          case Tier::kIncompatible: set_bit(e.incompatible, r); break;
        }
      }
    }
    return effects.emplace(key, std::move(e)).first->second;
  }

  const Bits& declared_bits(const semver::Version& target) {
    auto [it, inserted] = declared.try_emplace({target.major(), target.minor()});
    if (inserted) {
      it->second.assign(words, 0);
      for (std::size_t r = 0; r < catalog.release_count(); ++r) {
        if (detail::declared_limit(target, catalog.versions[r]) == Tier::kIncompatible)
          set_bit(it->second, r);
      }
    }
    return it->second;
  }

  void tiers(const Manifest& m, Tier* out) {
    const std::size_t n = catalog.release_count();
    Bits inc(words, 0);
    Bits comp(words, 0);
    Tier base = Tier::kAligned;
    detail::for_each_backstage_entry(m, [&](std::string_view name, std::string_view spec,
                                            std::string_view field, bool optional) {
      const Effect& e = effect(name, spec, field, optional);
      if (e.invalid) base = Tier::kIncompatible;
      for (std::size_t w = 0; w < words; ++w) {
        inc[w] |= e.incompatible[w];
        comp[w] |= e.compatible[w];
      }
    });
    // Release-independent rules: the same function scan() runs, without
    // building messages. Invalid specifiers were handled above.
    const ArtifactRecord* code = nullptr;
    if (!artifacts.empty()) {
      key.assign(m.name).append(1, '\n').append(m.version);
      if (auto it = artifacts.find(key); it != artifacts.end()) code = it->second;
    }
    const detail::BackendSystemView backend = detail::backend_system_of(m, code);
    detail::Emitter emit(nullptr);
    detail::release_independent_checks(m, {}, options, backend, {}, emit);
    base = std::max(base, emit.limit());
    if (backend.system == PluginSystem::kLegacy) {
      for (std::size_t w = 0; w < words; ++w) inc[w] |= legacy_gone[w];
    }
    if (auto target = detail::declared_target(m, options.declared_target, nullptr)) {
      const Bits& bits = declared_bits(*target);
      for (std::size_t w = 0; w < words; ++w) inc[w] |= bits[w];
    }
    for (std::size_t r = 0; r < n; ++r) {
      const Tier cell = test_bit(inc, r)    ? Tier::kIncompatible
                        : test_bit(comp, r) ? Tier::kCompatible
                                            : Tier::kAligned;
      out[r] = std::max(base, cell);
    }
  }
};

MatrixBuilder::MatrixBuilder(const ReleaseCatalog& catalog, ScanOptions options)
    : state_(std::make_unique<State>(catalog.impl(), std::move(options))) {}
MatrixBuilder::~MatrixBuilder() = default;

std::vector<Tier> MatrixBuilder::tiers(const Manifest& manifest) {
  std::vector<Tier> out(state_->catalog.release_count());
  state_->tiers(manifest, out.data());
  return out;
}

SupportMatrix MatrixBuilder::build(const Packument& packument) {
  SupportMatrix matrix;
  matrix.package = packument.name;
  matrix.releases = state_->catalog.texts;
  const std::size_t n = matrix.releases.size();
  matrix.versions.reserve(packument.versions.size());
  matrix.tiers.resize(packument.versions.size() * n);
  std::size_t row = 0;
  for (const Manifest& m : packument.versions) {
    matrix.versions.push_back(m.version);
    matrix.deprecated.push_back(m.deprecated.has_value());
    state_->tiers(m, matrix.tiers.data() + row * n);
    ++row;
  }
  return matrix;
}

std::optional<std::string> SupportMatrix::newest(std::string_view release, Tier tier,
                                                 bool include_prerelease,
                                                 bool include_deprecated) const {
  const auto r = detail::find_release(releases, release);
  if (!r) return std::nullopt;
  for (std::size_t v = versions.size(); v-- > 0;) {
    if (!include_prerelease && semver::is_prerelease_text(versions[v])) continue;
    if (!include_deprecated && v < deprecated.size() && deprecated[v]) continue;
    if (at(v, *r) <= tier) return versions[v];
  }
  return std::nullopt;
}

std::vector<std::string> SupportMatrix::releases_supported(std::string_view version,
                                                           Tier tier) const {
  std::vector<std::string> out;
  auto it = std::find(versions.begin(), versions.end(), version);
  if (it == versions.end()) return out;
  const auto v = static_cast<std::size_t>(it - versions.begin());
  for (std::size_t r = 0; r < releases.size(); ++r) {
    if (at(v, r) <= tier) out.push_back(releases[r]);
  }
  return out;
}

std::vector<std::string> SupportMatrix::releases_with_support(Tier tier, bool include_prerelease,
                                                              bool include_deprecated) const {
  std::vector<std::string> out;
  for (std::size_t r = 0; r < releases.size(); ++r) {
    for (std::size_t v = versions.size(); v-- > 0;) {
      if (!include_prerelease && semver::is_prerelease_text(versions[v])) continue;
      if (!include_deprecated && v < deprecated.size() && deprecated[v]) continue;
      if (at(v, r) <= tier) {
        out.push_back(releases[r]);
        break;
      }
    }
  }
  return out;
}

Result<std::optional<std::string>> SupportMatrix::newest_in_range(std::string_view range, std::string_view release,
                                                                  Tier tier) const {
  if (range.empty()) return newest(release, tier);
  auto parsed = semver::Range::parse(range);
  if (!parsed) return std::move(parsed).error();
  const auto r = detail::find_release(releases, release);
  if (!r) return std::optional<std::string>();
  for (std::size_t v = versions.size(); v-- > 0;) {
    if (!parsed->satisfied_by(std::string_view(versions[v]))) continue;
    if (v < deprecated.size() && deprecated[v]) continue;
    if (at(v, *r) <= tier) return std::optional<std::string>(versions[v]);
  }
  return std::optional<std::string>();
}

}  // namespace callboard::compat
