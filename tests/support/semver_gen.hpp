#pragma once
/// \file
/// Seeded generator of version and range strings that stress node-semver's
/// corners: prereleases, `-0` bounds, x-ranges, partials, hyphen ranges,
/// `||`, whitespace quirks, `v`/`=` prefixes, build metadata, loose-only
/// forms, `~>`, huge numbers, long inputs and junk.
///
/// Deterministic across platforms: it uses std::mt19937_64 directly (no
/// standard distributions, whose results are implementation-defined).

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace callboard::test {

class SemverGen {
 public:
  explicit SemverGen(std::uint64_t seed) : rng_(seed) {}

  /// A version-like string (mostly valid, some loose-only, some junk).
  std::string version();
  /// A strictly valid version with small numbers (so ranges often match it).
  std::string plain_version();
  /// A range-like string.
  std::string range();
  /// Free text for coerce().
  std::string coerce_text();
  /// A release type name for inc() (sometimes invalid).
  std::string release_type();
  /// A prerelease identifier argument for inc() ("" = none).
  std::string inc_identifier();

  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

 private:
  std::string number();
  std::string small_number();
  std::string prerelease_id();
  std::string prerelease();
  std::string build();
  std::string partial(bool allow_x);
  std::string simple();
  std::string comparator_set();
  std::string junk(std::size_t max_len);
  std::string special_range();
  std::string ws();

  std::mt19937_64 rng_;
};

}  // namespace callboard::test
