// VersionSet: exact set algebra over the SemVer precedence order.
//
// Releases and prereleases are kept apart because node-semver treats them
// apart: a prerelease only matches a comparator set that names a prerelease
// of the same major.minor.patch. Each half is a sorted list of disjoint,
// non-adjacent half-open intervals whose bounds are themselves members of
// that half (the smallest release / prerelease at or above the raw bound),
// which makes the representation canonical: equal sets, equal lists.
#include <algorithm>

#include "semver/detail.hpp"

namespace callboard::semver {

namespace {

const Version& min_release() {
  static const Version v(0, 0, 0);
  return v;
}
const Version& min_prerelease() {
  static const Version v(0, 0, 0, {Identifier(std::uint64_t{0})});
  return v;
}

// Smallest release >= v.
Version release_at_or_above(const Version& v) { return v.release(); }

// Smallest prerelease >= v.
Version prerelease_at_or_above(const Version& v) {
  if (v.is_prerelease()) return Version(v.major(), v.minor(), v.patch(), {v.prerelease().begin(), v.prerelease().end()});
  return Version(v.major(), v.minor(), v.patch() + 1, {Identifier(std::uint64_t{0})});
}

bool less_upper(const std::optional<Version>& a, const std::optional<Version>& b) {
  if (!a) return false;
  if (!b) return true;
  return *a < *b;
}

// Normalises raw intervals into the canonical list for one half.
std::vector<Interval> normalise(std::vector<Interval> raw, bool prerelease_half) {
  std::vector<Interval> out;
  for (auto& iv : raw) {
    Interval n{prerelease_half ? prerelease_at_or_above(iv.lower) : release_at_or_above(iv.lower), std::nullopt};
    if (iv.upper) n.upper = prerelease_half ? prerelease_at_or_above(*iv.upper) : release_at_or_above(*iv.upper);
    if (n.upper && !(n.lower < *n.upper)) continue;
    out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end(), [](const Interval& a, const Interval& b) { return a.lower < b.lower; });
  std::vector<Interval> merged;
  for (auto& iv : out) {
    if (!merged.empty()) {
      Interval& last = merged.back();
      if (!last.upper || !(*last.upper < iv.lower)) {  // overlapping or adjacent
        if (less_upper(last.upper, iv.upper)) last.upper = iv.upper;
        continue;
      }
    }
    merged.push_back(std::move(iv));
  }
  return merged;
}

std::vector<Interval> intersect_lists(std::span<const Interval> a, std::span<const Interval> b) {
  std::vector<Interval> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const Version& lo = a[i].lower < b[j].lower ? b[j].lower : a[i].lower;
    const std::optional<Version>& hi = less_upper(a[i].upper, b[j].upper) ? a[i].upper : b[j].upper;
    if (!hi || lo < *hi) out.push_back({lo, hi});
    if (less_upper(a[i].upper, b[j].upper)) ++i; else ++j;
  }
  return out;
}

std::vector<Interval> complement_list(std::span<const Interval> a, const Version& minimum) {
  std::vector<Interval> out;
  Version cursor = minimum;
  bool open = true;
  for (const auto& iv : a) {
    if (cursor < iv.lower) out.push_back({cursor, iv.lower});
    if (!iv.upper) {
      open = false;
      break;
    }
    cursor = *iv.upper;
  }
  if (open) out.push_back({cursor, std::nullopt});
  return out;
}

bool list_contains(std::span<const Interval> list, const Version& v) {
  // Last interval whose lower bound is <= v.
  auto it = std::upper_bound(list.begin(), list.end(), v, [](const Version& x, const Interval& iv) { return x < iv.lower; });
  if (it == list.begin()) return false;
  --it;
  return !it->upper || v < *it->upper;
}

void append_interval_text(std::string& out, const Interval& iv) {
  out += ">=" + iv.lower.to_string();
  if (iv.upper) out += " <" + iv.upper->to_string();
}

}  // namespace

VersionSet VersionSet::all() {
  VersionSet s;
  s.releases_ = {{min_release(), std::nullopt}};
  s.prereleases_ = {{min_prerelease(), std::nullopt}};
  return s;
}

VersionSet VersionSet::exactly(const Version& v) {
  return between(v, v.successor(), !v.is_prerelease(), v.is_prerelease());
}

VersionSet VersionSet::from_intervals(std::vector<Interval> releases, std::vector<Interval> prereleases) {
  VersionSet s;
  s.releases_ = normalise(std::move(releases), false);
  s.prereleases_ = normalise(std::move(prereleases), true);
  return s;
}

VersionSet VersionSet::between(const Version& lower, std::optional<Version> upper, bool releases, bool prereleases) {
  VersionSet s;
  if (releases) s.releases_ = normalise({{lower, upper}}, false);
  if (prereleases) s.prereleases_ = normalise({{lower, std::move(upper)}}, true);
  return s;
}

bool VersionSet::contains(const Version& v) const noexcept {
  return list_contains(v.is_prerelease() ? std::span<const Interval>(prereleases_) : std::span<const Interval>(releases_), v);
}

bool VersionSet::is_all() const noexcept { return *this == all(); }

VersionSet VersionSet::intersect(const VersionSet& other) const {
  VersionSet s;
  s.releases_ = intersect_lists(releases_, other.releases_);
  s.prereleases_ = intersect_lists(prereleases_, other.prereleases_);
  return s;
}

VersionSet VersionSet::unite(const VersionSet& other) const {
  std::vector<Interval> r(releases_.begin(), releases_.end());
  r.insert(r.end(), other.releases_.begin(), other.releases_.end());
  std::vector<Interval> p(prereleases_.begin(), prereleases_.end());
  p.insert(p.end(), other.prereleases_.begin(), other.prereleases_.end());
  return from_intervals(std::move(r), std::move(p));
}

VersionSet VersionSet::complement() const {
  VersionSet s;
  s.releases_ = complement_list(releases_, min_release());
  s.prereleases_ = complement_list(prereleases_, min_prerelease());
  return s;
}

std::string VersionSet::to_string() const {
  if (empty()) return "<0.0.0-0";
  if (is_all()) return "*";
  std::string out;
  for (std::size_t i = 0; i < releases_.size(); ++i) {
    if (i) out += " || ";
    append_interval_text(out, releases_[i]);
  }
  if (!prereleases_.empty()) {
    if (!out.empty()) out += ' ';
    out += "(prereleases ";
    for (std::size_t i = 0; i < prereleases_.size(); ++i) {
      if (i) out += " || ";
      append_interval_text(out, prereleases_[i]);
    }
    out += ')';
  }
  return out;
}

namespace detail {

VersionSet version_set_of(const std::vector<std::vector<Comparator>>& sets, bool include_prerelease) {
  std::vector<Interval> releases, prereleases;
  for (const auto& set : sets) {
    Version lo = min_prerelease();
    std::optional<Version> hi;
    auto raise = [&](const Version& v) { if (lo < v) lo = v; };
    auto lower_upper = [&](const Version& v) { if (!hi || v < *hi) hi = v; };
    for (const auto& c : set) {
      switch (c.op) {
        case Comparator::Op::kAny: break;
        case Comparator::Op::kGte: raise(c.version); break;
        case Comparator::Op::kGt: raise(c.version.successor()); break;
        case Comparator::Op::kLt: lower_upper(c.version); break;
        case Comparator::Op::kLte: lower_upper(c.version.successor()); break;
        case Comparator::Op::kEq: raise(c.version); lower_upper(c.version.successor()); break;
      }
    }
    if (hi && !(lo < *hi)) continue;
    releases.push_back({lo, hi});
    if (include_prerelease) {
      prereleases.push_back({lo, hi});
      continue;
    }
    // Prereleases pass only within the tuples this set's comparators name.
    for (const auto& c : set) {
      if (c.op == Comparator::Op::kAny || !c.version.is_prerelease()) continue;
      const Version tuple = c.version.release();
      const Version tuple_min(tuple.major(), tuple.minor(), tuple.patch(), {Identifier(std::uint64_t{0})});
      Interval iv{lo < tuple_min ? tuple_min : lo, less_upper(hi, tuple) ? hi : std::optional<Version>(tuple)};
      if (!iv.upper || iv.lower < *iv.upper) prereleases.push_back(std::move(iv));
    }
  }
  return VersionSet::from_intervals(std::move(releases), std::move(prereleases));
}

}  // namespace detail

}  // namespace callboard::semver
