// Range, Comparator and the range functions of node-semver (ranges/*.js).
#include <algorithm>
#include <mutex>

#include "semver/detail.hpp"

namespace callboard::semver {

using Op = Comparator::Op;

// ---------------------------------------------------------------- Comparator

std::string Comparator::to_string() const {
  switch (op) {
    case Op::kAny: return "";
    case Op::kEq: return version.to_string();
    case Op::kLt: return "<" + version.to_string();
    case Op::kLte: return "<=" + version.to_string();
    case Op::kGt: return ">" + version.to_string();
    case Op::kGte: return ">=" + version.to_string();
  }
  return "";
}

bool Comparator::test(const Version& v) const noexcept {
  switch (op) {
    case Op::kAny: return true;
    case Op::kEq: return v == version;
    case Op::kLt: return v < version;
    case Op::kLte: return v <= version;
    case Op::kGt: return v > version;
    case Op::kGte: return v >= version;
  }
  return false;
}

namespace detail {

bool test_sets(const std::vector<std::vector<Comparator>>& sets, const Version& v, bool include_prerelease) noexcept {
  for (const auto& set : sets) {
    bool ok = true;
    for (const auto& c : set) {
      if (!c.test(v)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (!v.is_prerelease() || include_prerelease) return true;
    for (const auto& c : set) {
      if (c.op == Op::kAny || !c.version.is_prerelease()) continue;
      if (c.version.major() == v.major() && c.version.minor() == v.minor() && c.version.patch() == v.patch())
        return true;
    }
  }
  return false;
}

std::string format_sets(const std::vector<std::vector<Comparator>>& sets) {
  std::string out;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (i) out += "||";
    for (std::size_t k = 0; k < sets[i].size(); ++k) {
      if (k) out += ' ';
      out += sets[i][k].to_string();
    }
  }
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------- Range

struct Range::Derived {
  std::once_flag once;
  VersionSet versions;
};

Range::Range() : sets_{{Comparator{}}}, derived_(std::make_shared<Derived>()) {}

const VersionSet& Range::versions() const {
  std::call_once(derived_->once,
                 [this] { derived_->versions = detail::version_set_of(sets_, options_.include_prerelease); });
  return derived_->versions;
}

Result<Range> Range::parse(std::string_view text, Options options) {
  if (text.size() > kMaxRangeLength) {
    Error e = make_error(ErrorCode::kResourceExhausted,
                         "range is longer than " + std::to_string(kMaxRangeLength) + " bytes");
    e.with("input", std::string(text.substr(0, 64)) + "...");
    return e;
  }
  // Most ranges are already in collapsed form; copy only when they are not.
  std::string collapsed_storage;
  std::string_view collapsed = text;
  if (detail::needs_collapse(text)) {
    collapsed_storage = detail::js_collapse_whitespace(text);
    collapsed = collapsed_storage;
  }
  if (!options.loose) {
    // No rewriting step removes these characters, so a comparator holding one
    // reaches node's Comparator constructor, which throws.
    for (std::size_t i = 0; i < collapsed.size(); ++i) {
      const char c = collapsed[i];
      if (static_cast<unsigned char>(c) >= 0x80 || detail::is_ident_char(c)) continue;
      switch (c) {
        case '.': case '+': case '^': case '~': case '<': case '>': case '=': case '*': case '|': case ' ':
          continue;
        default: {
          Error e = detail::invalid("Invalid SemVer Range: " + std::string(collapsed), text,
                                    std::string("character '") + c + "' cannot appear in a range");
          e.with("offset", std::to_string(i));
          return e;
        }
      }
    }
  }
  if (auto fast = detail::parse_range_sets_fast(collapsed, options)) return Range(std::move(*fast), options);
  auto exact = detail::parse_range_sets_exact(collapsed, options);
  if (!exact) {
    Error e = std::move(exact).error();
    if (e.detail("input") != text) {
      e.context.insert(e.context.begin(), ErrorDetail{"range", std::string(text.substr(0, 300))});
    }
    return e;
  }
  return Range(std::move(exact).value(), options);
}

Range::Range(std::vector<std::vector<Comparator>> sets, Options options)
    : sets_(std::move(sets)), options_(options), derived_(std::make_shared<Derived>()) {}

std::string Range::to_string() const {
  std::string s = detail::format_sets(sets_);
  return s.empty() ? "*" : s;
}

bool Range::satisfied_by(const Version& v) const noexcept {
  return detail::test_sets(sets_, v, options_.include_prerelease);
}

bool Range::satisfied_by(std::string_view version_text) const noexcept {
  auto v = Version::parse(version_text, Options{options_.loose, false});
  return v && satisfied_by(*v);
}

// ---------------------------------------------------------------- functions

bool satisfies(std::string_view version, std::string_view range, Options options) {
  auto r = Range::parse(range, options);
  return r && r->satisfied_by(version);
}

std::optional<std::string> valid_range(std::string_view range, Options options) {
  auto r = Range::parse(range, options);
  if (!r) return std::nullopt;
  return r->to_string();
}

namespace {

template <typename Better>
std::optional<std::string> pick_satisfying(std::span<const std::string> versions, std::string_view range,
                                           Options options, Better better) {
  auto r = Range::parse(range, options);
  if (!r) return std::nullopt;
  std::optional<std::string> best;
  std::optional<Version> best_v;
  for (const auto& text : versions) {
    auto v = Version::parse(text, Options{options.loose, false});
    if (!v || !r->satisfied_by(*v)) continue;
    if (!best_v || better(*v, *best_v)) {
      best = text;
      best_v = std::move(v).value();
    }
  }
  return best;
}

}  // namespace

std::optional<std::string> max_satisfying(std::span<const std::string> versions, std::string_view range,
                                          Options options) {
  return pick_satisfying(versions, range, options, [](const Version& v, const Version& best) { return best < v; });
}

std::optional<std::string> min_satisfying(std::span<const std::string> versions, std::string_view range,
                                          Options options) {
  return pick_satisfying(versions, range, options, [](const Version& v, const Version& best) { return v < best; });
}

std::optional<Version> min_version(const Range& range) {
  Version minver(0, 0, 0);
  if (range.satisfied_by(minver)) return minver;
  minver = Version(0, 0, 0, {Identifier(std::uint64_t{0})});
  if (range.satisfied_by(minver)) return minver;
  std::optional<Version> best;
  for (const auto& set : range.sets()) {
    std::optional<Version> set_min;
    for (const auto& c : set) {
      Version v(c.version.major(), c.version.minor(), c.version.patch(),
                {c.version.prerelease().begin(), c.version.prerelease().end()});
      switch (c.op) {
        case Op::kGt:
          if (!v.is_prerelease()) {
            v = Version(v.major(), v.minor(), v.patch() + 1);
          } else {
            std::vector<Identifier> pre(v.prerelease().begin(), v.prerelease().end());
            pre.emplace_back(std::uint64_t{0});
            v = Version(v.major(), v.minor(), v.patch(), std::move(pre));
          }
          [[fallthrough]];
        case Op::kEq:
        case Op::kGte:
          if (!set_min || *set_min < v) set_min = v;
          break;
        case Op::kAny:
          // node clones ANY's semver (a Symbol) into an invalid SemVer and throws;
          // ANY only occurs alone in a set, where 0.0.0 already matched above.
          break;
        case Op::kLt:
        case Op::kLte:
          break;
      }
    }
    if (set_min && (!best || *set_min < *best)) best = set_min;
  }
  if (best && (range.options().loose || range.options().include_prerelease) &&
      (best->major() > kMaxSafeInteger || best->minor() > kMaxSafeInteger || best->patch() > kMaxSafeInteger)) {
    // node re-parses the candidate with the range's options to test it, and
    // the re-parse rejects a component above 2^53-1.
    return std::nullopt;
  }
  if (best && range.satisfied_by(*best)) {
    return Version(best->major(), best->minor(), best->patch(), {best->prerelease().begin(), best->prerelease().end()});
  }
  return std::nullopt;
}

bool intersects(const Range& a, const Range& b) noexcept { return a.versions().intersects(b.versions()); }

// ---------------------------------------------------------------- subset (ranges/subset.js)

namespace {

bool is_gt(Op op) { return op == Op::kGt || op == Op::kGte; }
bool is_lt(Op op) { return op == Op::kLt || op == Op::kLte; }

// satisfies(v, String(c), options): the comparator re-parsed as a one-set range.
bool satisfies_comparator(const Version& v, const Comparator& c, bool include_prerelease) {
  return detail::test_sets({{c}}, v, include_prerelease);
}

const Comparator* higher_gt(const Comparator* a, const Comparator* b) {
  if (!a) return b;
  const auto comp = a->version <=> b->version;
  if (comp > 0) return a;
  if (comp < 0) return b;
  return (b->op == Op::kGt && a->op == Op::kGte) ? b : a;
}

const Comparator* lower_lt(const Comparator* a, const Comparator* b) {
  if (!a) return b;
  const auto comp = a->version <=> b->version;
  if (comp < 0) return a;
  if (comp > 0) return b;
  return (b->op == Op::kLt && a->op == Op::kLte) ? b : a;
}

// nullopt: sub is the null set.
std::optional<bool> simple_subset(std::vector<Comparator> sub, std::vector<Comparator> dom, bool inc_pre) {
  const Comparator ge0{Op::kGte, Version(0, 0, 0)};
  const Comparator ge0pre{Op::kGte, Version(0, 0, 0, {Identifier(std::uint64_t{0})})};
  if (sub.size() == 1 && sub[0].op == Op::kAny) {
    if (dom.size() == 1 && dom[0].op == Op::kAny) return true;
    sub = {inc_pre ? ge0pre : ge0};
  }
  if (dom.size() == 1 && dom[0].op == Op::kAny) {
    if (inc_pre) return true;
    dom = {ge0};
  }
  std::vector<const Comparator*> eq_set;
  const Comparator* gt = nullptr;
  const Comparator* lt = nullptr;
  for (const auto& c : sub) {
    if (is_gt(c.op)) {
      gt = higher_gt(gt, &c);
    } else if (is_lt(c.op)) {
      lt = lower_lt(lt, &c);
    } else {
      // eqSet is a Set of SemVer objects: distinct objects, so duplicates by
      // value still count twice only if they are different comparators.
      eq_set.push_back(&c);
    }
  }
  if (eq_set.size() > 1) return std::nullopt;

  int gtlt_comp = 2;  // "undefined"
  if (gt && lt) {
    const auto o = gt->version <=> lt->version;
    gtlt_comp = o < 0 ? -1 : o > 0 ? 1 : 0;
    if (gtlt_comp > 0) return std::nullopt;
    if (gtlt_comp == 0 && (gt->op != Op::kGte || lt->op != Op::kLte)) return std::nullopt;
  }
  for (const Comparator* eq : eq_set) {
    if (gt && !satisfies_comparator(eq->version, *gt, inc_pre)) return std::nullopt;
    if (lt && !satisfies_comparator(eq->version, *lt, inc_pre)) return std::nullopt;
    for (const auto& c : dom) {
      if (!satisfies_comparator(eq->version, c, inc_pre)) return false;
    }
    return true;
  }

  const Comparator* higher = nullptr;
  const Comparator* lower = nullptr;
  bool has_dom_lt = false, has_dom_gt = false;
  std::optional<Version> need_dom_lt_pre =
      (lt && !inc_pre && lt->version.is_prerelease()) ? std::optional<Version>(lt->version) : std::nullopt;
  std::optional<Version> need_dom_gt_pre =
      (gt && !inc_pre && gt->version.is_prerelease()) ? std::optional<Version>(gt->version) : std::nullopt;
  if (need_dom_lt_pre && need_dom_lt_pre->prerelease().size() == 1 && lt->op == Op::kLt &&
      need_dom_lt_pre->prerelease()[0].is_numeric() && need_dom_lt_pre->prerelease()[0].text() == "0") {
    need_dom_lt_pre.reset();
  }
  auto same_tuple_pre = [](const Comparator& c, const Version& v) {
    return c.op != Op::kAny && c.version.is_prerelease() && c.version.major() == v.major() &&
           c.version.minor() == v.minor() && c.version.patch() == v.patch();
  };
  for (const auto& c : dom) {
    has_dom_gt = has_dom_gt || is_gt(c.op);
    has_dom_lt = has_dom_lt || is_lt(c.op);
    if (gt) {
      if (need_dom_gt_pre && same_tuple_pre(c, *need_dom_gt_pre)) need_dom_gt_pre.reset();
      if (is_gt(c.op)) {
        higher = higher_gt(gt, &c);
        if (higher == &c && higher != gt) return false;
      } else if (gt->op == Op::kGte && !c.test(gt->version)) {
        return false;
      }
    }
    if (lt) {
      if (need_dom_lt_pre && same_tuple_pre(c, *need_dom_lt_pre)) need_dom_lt_pre.reset();
      if (is_lt(c.op)) {
        lower = lower_lt(lt, &c);
        if (lower == &c && lower != lt) return false;
      } else if (lt->op == Op::kLte && !c.test(lt->version)) {
        return false;
      }
    }
    if ((c.op == Op::kEq || c.op == Op::kAny) && (lt || gt) && gtlt_comp != 0) return false;
  }
  if (gt && has_dom_lt && !lt && gtlt_comp != 0) return false;
  if (lt && has_dom_gt && !gt && gtlt_comp != 0) return false;
  if (need_dom_gt_pre || need_dom_lt_pre) return false;
  return true;
}

}  // namespace

bool subset(const Range& sub, const Range& dom) noexcept {
  const bool inc_pre = sub.options().include_prerelease;
  bool saw_non_null = false;
  for (const auto& simple_sub : sub.sets()) {
    bool found = false;
    for (const auto& simple_dom : dom.sets()) {
      const auto is_sub = simple_subset(simple_sub, simple_dom, inc_pre);
      saw_non_null = saw_non_null || is_sub.has_value();
      if (is_sub.value_or(false)) {
        found = true;
        break;
      }
    }
    if (!found && saw_non_null) return false;
  }
  return true;
}

// ---------------------------------------------------------------- outside (ranges/outside.js)

bool outside(const Version& v, const Range& range, char hilo) noexcept {
  if (hilo != '>' && hilo != '<') return false;
  const bool gtr_mode = hilo == '>';
  auto gtfn = [&](const Version& a, const Version& b) { return gtr_mode ? a > b : a < b; };
  auto ltefn = [&](const Version& a, const Version& b) { return gtr_mode ? a <= b : a >= b; };
  auto ltfn = [&](const Version& a, const Version& b) { return gtr_mode ? a < b : a > b; };
  const Op comp = gtr_mode ? Op::kGt : Op::kLt;
  const Op ecomp = gtr_mode ? Op::kGte : Op::kLte;
  if (range.satisfied_by(v)) return false;
  const Comparator ge0{Op::kGte, Version(0, 0, 0)};
  for (const auto& set : range.sets()) {
    const Comparator* high = nullptr;
    const Comparator* low = nullptr;
    for (const auto& c0 : set) {
      const Comparator* c = c0.op == Op::kAny ? &ge0 : &c0;
      if (!high) high = c;
      if (!low) low = c;
      if (gtfn(c->version, high->version)) {
        high = c;
      } else if (ltfn(c->version, low->version)) {
        low = c;
      }
    }
    if (high->op == comp || high->op == ecomp) return false;
    if ((low->op == Op::kEq || low->op == comp) && ltefn(v, low->version)) return false;
    if (low->op == ecomp && ltfn(v, low->version)) return false;
  }
  return true;
}

}  // namespace callboard::semver
