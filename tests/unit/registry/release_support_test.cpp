// The registry's release support (src/registry/release_support.cpp) against
// the scanner's verdicts (callboard/compat.hpp): what the registry calls
// unsupported, the scanner calls incompatible. Lives with the registry's
// tests because it reads the registry's private ReleaseSupport; the compat
// test helpers are header-only.

#include <catch2/catch.hpp>

#include "../compat/compat_test_support.hpp"
#include "registry/plugins_detail.hpp"

using namespace callboard;
using namespace callboard::compat;
using namespace callboard::compat_test;

TEST_CASE("what the registry calls unsupported the scanner calls incompatible") {
  // The registry's supported_releases (src/registry/release_support.cpp)
  // checks singletons and removed packages only; the scanner checks those
  // the same way plus more (legacy backend, declared targets, ...), so its
  // "compatible or better" must be a subset of the registry's "supported".
  plugins_detail::ReleaseSupport support(real_releases());
  REQUIRE(support.release_versions() == real_catalog().releases());
  MatrixBuilder builder(real_catalog());
  std::size_t stricter = 0;
  for (const Manifest& m : all_manifests()) {
    const auto bits = support.supported_bits(m);
    const auto row = builder.tiers(m);
    for (std::size_t r = 0; r < row.size(); ++r) {
      const bool registry_ok = ((bits[r / 64] >> (r % 64)) & 1u) != 0;
      if (!registry_ok) {
        INFO(m.name << "@" << m.version << " on " << real_catalog().releases()[r]);
        CHECK(row[r] == Tier::kIncompatible);
      } else if (row[r] == Tier::kIncompatible) {
        ++stricter;
      }
    }
  }
  // The scanner's extra rules do fire on this data (legacy backends after
  // 1.32, the topology wrapper's declared target, ...).
  CHECK(stricter > 0);
}
