// VersionSet algebra, checked by brute force over a dense pool of versions,
// and Range::versions() checked against the comparator-level test
// (Range::satisfied_by) on the same pool. No node needed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <compare>
#include <string>
#include <vector>

#include "callboard/semver.hpp"
#include "semver_gen.hpp"

namespace sv = callboard::semver;

namespace {

sv::Version V(std::string_view text) {
  auto v = sv::Version::parse(text);
  if (!v) FAIL("bad version in test: " << text);
  return *v;
}

/// Releases 0..3 in each component, each with a ladder of prereleases, plus
/// 0.0.0-0 and a few large numbers: every bound the test sets use, its
/// neighbours and the prereleases between them.
const std::vector<sv::Version>& pool() {
  static const std::vector<sv::Version> versions = [] {
    std::vector<sv::Version> out;
    const char* pres[] = {"", "-0", "-0.0", "-1", "-alpha", "-alpha.0", "-alpha.1", "-beta", "-rc.1"};
    for (int a = 0; a <= 4; ++a) {
      for (int b = 0; b <= 3; ++b) {
        for (int c = 0; c <= 3; ++c) {
          for (const char* p : pres) {
            out.push_back(V(std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + p));
          }
        }
      }
    }
    out.push_back(V("9007199254740991.9007199254740991.9007199254740991"));
    out.push_back(V("9007199254740991.0.0-0"));
    out.push_back(V("10.0.0"));
    return out;
  }();
  return versions;
}

/// A mix of sets: primitives and the meaning of random small ranges.
std::vector<sv::VersionSet> sample_sets() {
  std::vector<sv::VersionSet> sets = {sv::VersionSet::none(), sv::VersionSet::all(),
                                      sv::VersionSet::exactly(V("1.2.3")), sv::VersionSet::exactly(V("1.2.3-alpha")),
                                      sv::VersionSet::between(V("1.0.0"), V("2.0.0-0"), true, false),
                                      sv::VersionSet::between(V("1.0.0-0"), V("2.0.0-0"), true, true),
                                      sv::VersionSet::between(V("1.2.3-alpha"), V("1.2.3"), false, true),
                                      sv::VersionSet::between(V("0.0.0-0"), std::nullopt, false, true),
                                      sv::VersionSet::between(V("2.1.0"), std::nullopt, true, false)};
  const char* ranges[] = {"^1.2.3", "^1.2.3-beta.1", "~1.2", "1.x || >=3.1.0-alpha <3.2", ">=0.0.0-0",
                          "<1.0.0", "1.2.3 - 2.3", "*", "<0.0.0-0", ">1.2.3-alpha.0 <1.2.4", "=1.2.3-alpha",
                          "0.x", "^0.0.1", ">=2.0.0-rc.1 || 1.2.3 || <0.1.0"};
  for (const char* r : ranges) {
    for (bool inc : {false, true}) {
      auto range = sv::Range::parse(r, sv::Options{false, inc});
      if (!range) FAIL("bad range in test: " << r);
      sets.push_back(range->versions());
    }
  }
  return sets;
}

void check_normalised(const sv::VersionSet& s) {
  for (auto intervals : {s.releases(), s.prereleases()}) {
    for (std::size_t i = 0; i < intervals.size(); ++i) {
      const auto& iv = intervals[i];
      INFO(s.to_string());
      if (iv.upper) CHECK(iv.lower < *iv.upper);
      if (i + 1 < intervals.size()) {
        REQUIRE(iv.upper.has_value());
        // Disjoint and not adjacent: a gap between consecutive intervals.
        CHECK(*iv.upper < intervals[i + 1].lower);
      }
    }
  }
}

}  // namespace

TEST_CASE("VersionSet operations agree with set membership", "[semver][version_set]") {
  const auto sets = sample_sets();
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto& a = sets[i];
    check_normalised(a);
    const auto ac = a.complement();
    check_normalised(ac);
    for (const auto& v : pool()) {
      INFO("a=" << a.to_string() << " v=" << v.to_string_with_build());
      CHECK(ac.contains(v) == !a.contains(v));
    }
    CHECK(ac.complement() == a);
    CHECK(a.intersect(ac).empty());
    CHECK(a.unite(ac).is_all());
    CHECK(a.intersect(sv::VersionSet::all()) == a);
    CHECK(a.unite(sv::VersionSet::none()) == a);
    CHECK(a.empty() == (a == sv::VersionSet::none()));
    for (std::size_t j = 0; j < sets.size(); ++j) {
      const auto& b = sets[j];
      const auto i_ab = a.intersect(b);
      const auto u_ab = a.unite(b);
      const auto m_ab = a.minus(b);
      check_normalised(i_ab);
      check_normalised(u_ab);
      bool any_common = false;
      bool a_in_b = true;
      for (const auto& v : pool()) {
        const bool in_a = a.contains(v);
        const bool in_b = b.contains(v);
        INFO("a=" << a.to_string() << " b=" << b.to_string() << " v=" << v.to_string_with_build());
        CHECK(i_ab.contains(v) == (in_a && in_b));
        CHECK(u_ab.contains(v) == (in_a || in_b));
        CHECK(m_ab.contains(v) == (in_a && !in_b));
        any_common = any_common || (in_a && in_b);
        a_in_b = a_in_b && (!in_a || in_b);
      }
      INFO("a=" << a.to_string() << " b=" << b.to_string());
      CHECK(i_ab == b.intersect(a));
      CHECK(u_ab == b.unite(a));
      CHECK(u_ab.complement() == ac.intersect(b.complement()));  // De Morgan
      // The pool is finite: a common version in it proves intersection; a
      // version of a outside b disproves subset.
      if (any_common) CHECK(a.intersects(b));
      if (!a_in_b) CHECK_FALSE(a.is_subset_of(b));
      CHECK(a.is_subset_of(b) == m_ab.empty());
      CHECK(a.intersects(b) == !i_ab.empty());
      for (std::size_t k = 0; k < sets.size(); k += 3) {
        const auto& c = sets[k];
        CHECK(a.intersect(b).intersect(c) == a.intersect(b.intersect(c)));
        CHECK(a.unite(b).unite(c) == a.unite(b.unite(c)));
        CHECK(a.intersect(b.unite(c)) == i_ab.unite(a.intersect(c)));
      }
    }
  }
}

TEST_CASE("VersionSet primitives", "[semver][version_set]") {
  CHECK(sv::VersionSet::none().empty());
  CHECK(sv::VersionSet::all().is_all());
  CHECK(sv::VersionSet::all().contains(V("0.0.0-0")));
  const auto one = sv::VersionSet::exactly(V("1.2.3-alpha"));
  CHECK(one.contains(V("1.2.3-alpha")));
  CHECK(one.contains(V("1.2.3-alpha+build")));
  CHECK_FALSE(one.contains(V("1.2.3-alpha.0")));
  CHECK_FALSE(one.contains(V("1.2.3")));
  const auto rel = sv::VersionSet::between(V("1.0.0"), V("2.0.0-0"), true, false);
  CHECK(rel.contains(V("1.5.0")));
  CHECK_FALSE(rel.contains(V("1.5.0-rc.1")));
  CHECK_FALSE(rel.contains(V("2.0.0")));
  const auto pre = sv::VersionSet::between(V("1.0.0"), V("2.0.0-0"), false, true);
  CHECK(pre.contains(V("1.5.0-rc.1")));
  CHECK_FALSE(pre.contains(V("1.5.0")));
}

TEST_CASE("Range::versions() is exactly the versions Range::satisfied_by accepts", "[semver][version_set]") {
  // Range::satisfied_by follows node's comparator-by-comparator test; the
  // VersionSet is built separately. They must agree on every version.
  callboard::test::SemverGen gen(7);
  std::size_t checked = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = gen.range();
    for (auto opts : {sv::Options{}, sv::Options{false, true}, sv::Options{true, false}}) {
      auto r = sv::Range::parse(text, opts);
      if (!r) continue;
      ++checked;
      for (const auto& v : pool()) {
        const bool by_comparators = r->satisfied_by(v.to_string_with_build());
        if (r->versions().contains(v) != by_comparators) {
          FAIL_CHECK("range '" << text << "' (loose=" << opts.loose << ", includePrerelease="
                               << opts.include_prerelease << ") v=" << v.to_string_with_build()
                               << " set=" << r->versions().to_string() << " comparators say "
                               << by_comparators);
          break;
        }
      }
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE("Version::successor is the next version in precedence order", "[semver][version_set]") {
  CHECK(V("1.2.3").successor() == V("1.2.4-0"));
  CHECK(V("1.2.3-a").successor() == V("1.2.3-a.0"));
  const auto& p = pool();
  for (const auto& v : p) {
    const auto s = v.successor();
    CHECK(v < s);
    for (const auto& w : p) {
      // Nothing in the pool lies strictly between v and its successor.
      if (v < w) CHECK_FALSE(w < s);
    }
  }
}

TEST_CASE("sort_order is a total order where node's precedence is not transitive", "[semver][order]") {
  using callboard::semver::sort_order;
  using callboard::semver::Version;
  // node-semver 7.8.5: compare(a, b) == 0, compare(a, c) == 0, compare(b, c) == 1
  // (prerelease numbers past 2^53 compare as doubles). Kept: compare is node's.
  const auto a = *Version::parse("1.0.0-9007199254740993");
  const auto b = *Version::parse("1.0.0-9007199254740992.0-9007199254740993");
  const auto c = *Version::parse("1.0.0-9007199254740992");
  CHECK(std::is_eq(a <=> b));
  CHECK(std::is_eq(a <=> c));
  CHECK(std::is_gt(b <=> c));
  // sort_order: exact numbers, so c < b < a.
  CHECK(std::is_lt(sort_order(c, b)));
  CHECK(std::is_lt(sort_order(b, a)));
  CHECK(std::is_lt(sort_order(c, a)));
  std::vector<Version> many;
  for (int i = 0; i < 40; ++i) {
    for (const auto* text : {"1.0.0-9007199254740993", "1.0.0-9007199254740992.0-9007199254740993",
                             "1.0.0-9007199254740992", "1.0.0-9007199254740992.1", "1.0.0"}) {
      many.push_back(*Version::parse(std::string(text) + (i % 2 ? "+b" + std::to_string(i) : "")));
    }
  }
  std::sort(many.begin(), many.end(), [](const Version& x, const Version& y) { return sort_order(x, y) < 0; });
  CHECK(std::is_sorted(many.begin(), many.end(),
                       [](const Version& x, const Version& y) { return sort_order(x, y) < 0; }));
  // Where node is transitive, sort_order agrees with compare_build, and it
  // is equal only for identical versions.
  CHECK(std::is_gt(sort_order(*Version::parse("1.2.3-alpha.10"), *Version::parse("1.2.3-alpha.9"))));
  CHECK(std::is_gt(sort_order(*Version::parse("1.2.3-alpha"), *Version::parse("1.2.3-1"))));
  CHECK(std::is_gt(sort_order(*Version::parse("1.2.3"), *Version::parse("1.2.3-rc.1"))));
  CHECK(std::is_neq(sort_order(*Version::parse("1.2.3+b.2"), *Version::parse("1.2.3+b.02"))));
  CHECK(std::is_eq(sort_order(*Version::parse("1.2.3+b.2"), *Version::parse("1.2.3+b.2"))));
}
