#pragma once
// A set of version indices of one package: a sorted list of disjoint,
// non-adjacent half-open intervals [lo, hi). The solver's terms live over
// the versions a package actually has (its universe 0..n-1), so set algebra
// is integer interval algebra: exact, allocation-light, and canonical (equal
// sets have equal lists). Ranges are mapped onto it through their exact
// semver::VersionSet.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace callboard::solver::detail {

class IndexSet {
 public:
  using Interval = std::pair<std::uint32_t, std::uint32_t>;

  IndexSet() = default;
  static IndexSet range(std::uint32_t lo, std::uint32_t hi) {
    IndexSet s;
    if (lo < hi) s.iv_.emplace_back(lo, hi);
    return s;
  }
  static IndexSet single(std::uint32_t i) { return range(i, i + 1); }
  /// Builds from a sorted list of indices.
  static IndexSet from_sorted(const std::vector<std::uint32_t>& indices) {
    IndexSet s;
    for (std::uint32_t i : indices) {
      if (!s.iv_.empty() && s.iv_.back().second == i) {
        ++s.iv_.back().second;
      } else {
        s.iv_.emplace_back(i, i + 1);
      }
    }
    return s;
  }

  [[nodiscard]] bool empty() const noexcept { return iv_.empty(); }
  [[nodiscard]] bool is_full(std::uint32_t n) const noexcept {
    return n == 0 ? iv_.empty() : (iv_.size() == 1 && iv_[0].first == 0 && iv_[0].second == n);
  }
  [[nodiscard]] const std::vector<Interval>& intervals() const noexcept { return iv_; }
  [[nodiscard]] std::uint32_t size() const noexcept {
    std::uint32_t n = 0;
    for (const auto& [lo, hi] : iv_) n += hi - lo;
    return n;
  }
  [[nodiscard]] bool contains(std::uint32_t i) const noexcept {
    for (const auto& [lo, hi] : iv_) {
      if (i < lo) return false;
      if (i < hi) return true;
    }
    return false;
  }

  [[nodiscard]] IndexSet intersect(const IndexSet& o) const {
    IndexSet out;
    std::size_t i = 0, j = 0;
    while (i < iv_.size() && j < o.iv_.size()) {
      const std::uint32_t lo = std::max(iv_[i].first, o.iv_[j].first);
      const std::uint32_t hi = std::min(iv_[i].second, o.iv_[j].second);
      if (lo < hi) out.iv_.emplace_back(lo, hi);
      if (iv_[i].second < o.iv_[j].second) ++i; else ++j;
    }
    return out;
  }
  [[nodiscard]] IndexSet complement(std::uint32_t n) const {
    IndexSet out;
    std::uint32_t cursor = 0;
    for (const auto& [lo, hi] : iv_) {
      if (cursor < lo) out.iv_.emplace_back(cursor, lo);
      cursor = hi;
    }
    if (cursor < n) out.iv_.emplace_back(cursor, n);
    return out;
  }
  [[nodiscard]] IndexSet unite(const IndexSet& o) const {
    IndexSet out;
    std::size_t i = 0, j = 0;
    auto push = [&out](const Interval& v) {
      if (!out.iv_.empty() && out.iv_.back().second >= v.first) {
        out.iv_.back().second = std::max(out.iv_.back().second, v.second);
      } else {
        out.iv_.push_back(v);
      }
    };
    while (i < iv_.size() || j < o.iv_.size()) {
      if (j == o.iv_.size() || (i < iv_.size() && iv_[i].first <= o.iv_[j].first)) {
        push(iv_[i++]);
      } else {
        push(o.iv_[j++]);
      }
    }
    return out;
  }
  [[nodiscard]] bool is_subset_of(const IndexSet& o) const {
    // Every interval of *this lies inside one interval of o (o is canonical).
    std::size_t j = 0;
    for (const auto& [lo, hi] : iv_) {
      while (j < o.iv_.size() && o.iv_[j].second <= lo) ++j;
      if (j == o.iv_.size() || o.iv_[j].first > lo || o.iv_[j].second < hi) return false;
    }
    return true;
  }
  [[nodiscard]] bool intersects(const IndexSet& o) const {
    std::size_t i = 0, j = 0;
    while (i < iv_.size() && j < o.iv_.size()) {
      if (std::max(iv_[i].first, o.iv_[j].first) < std::min(iv_[i].second, o.iv_[j].second)) return true;
      if (iv_[i].second < o.iv_[j].second) ++i; else ++j;
    }
    return false;
  }

  friend bool operator==(const IndexSet&, const IndexSet&) = default;

 private:
  std::vector<Interval> iv_;
};

/// A term over one package: the set of outcomes it allows, as versions
/// (`set`, indices into the package's universe) plus whether "not
/// installed" is allowed (`absent`). PubGrub's positive term "p in S" is
/// {S, absent=false}; its negative term "not p in S" is {U \ S, absent=true}.
/// Intersection, subset and disjointness are then plain set algebra.
struct Term {
  std::uint32_t pkg = 0;
  IndexSet set;
  bool absent = true;
  /// The requirement text this term came from ("^1.2.0"), for explanations;
  /// empty when derived (then the set is printed).
  std::string label;

  [[nodiscard]] bool positive() const noexcept { return !absent; }
  /// The negation within a universe of n versions.
  [[nodiscard]] Term negate(std::uint32_t n) const { return Term{pkg, set.complement(n), !absent, label}; }
  [[nodiscard]] Term intersect(const Term& o) const {
    return Term{pkg, set.intersect(o.set), absent && o.absent, set == o.set && absent == o.absent ? label : std::string()};
  }
  [[nodiscard]] Term unite(const Term& o) const {
    return Term{pkg, set.unite(o.set), absent || o.absent, set == o.set && absent == o.absent ? label : std::string()};
  }
  [[nodiscard]] bool is_subset_of(const Term& o) const { return set.is_subset_of(o.set) && (!absent || o.absent); }
  [[nodiscard]] bool is_disjoint(const Term& o) const { return !set.intersects(o.set) && !(absent && o.absent); }
  [[nodiscard]] bool is_any(std::uint32_t n) const { return absent && set.is_full(n); }
};

}  // namespace callboard::solver::detail
