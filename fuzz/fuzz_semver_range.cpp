// libFuzzer target: semver ranges, version sets and dependency specifiers.
//
// The whole input is one range text. Checked, under all four option
// combinations:
//  - parse never crashes; errors carry the documented codes;
//  - canonical form: valid_range(text) == to_string(); in strict mode
//    valid_range(to_string()) == to_string() and the reparsed range denotes
//    the same VersionSet. Loose mode is NOT idempotent in node-semver (`~00`
//    gives `>=0.0.0 <1.0.0-0`, whose reparse drops the `>=0.0.0`), so there
//    the second round must be a fixpoint and differ only by that rewrite;
//  - satisfied_by(v), on versions derived from the input and from the range's
//    own bounds, agrees with node's algorithm run on sets() (every comparator
//    of some set passes, plus the same-tuple prerelease rule), with the
//    string overload and with the free satisfies();
//  - VersionSet: normalised (sorted, disjoint, non-adjacent, non-empty
//    intervals; release intervals bounded by releases, prerelease intervals
//    starting at prereleases), complement laws, intersect/unite agree with
//    contains(), De Morgan, subset/intersects consistency, intersects() on
//    ranges equals non-empty intersection;
//  - the fast range parser (src/semver/range_fast.cpp), wherever it accepts
//    an input, gives exactly the comparator sets of the regex-faithful one
//    (range_exact.cpp);
//  - parse_specifier never crashes, keeps `raw`, and a kRange has a range.
// Each node-semver property was checked on node-semver 7.8.5 first
// (fuzz/check_properties_in_node.mjs).

#include <array>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/semver.hpp"
#include "fuzz_check.hpp"
#include "semver/detail.hpp"

namespace {

using callboard::semver::Comparator;
using callboard::semver::Identifier;
using callboard::semver::Interval;
using callboard::semver::Options;
using callboard::semver::Range;
using callboard::semver::Version;
using callboard::semver::VersionSet;
using callboard::fuzz::describe;
namespace semver = callboard::semver;

constexpr std::array<Options, 4> kOptionCombos = {
    Options{false, false}, Options{true, false}, Options{false, true}, Options{true, true}};

constexpr std::size_t kMaxProbes = 48;

/// node-semver's `testSet`, written against Range::sets(): the reference the
/// VersionSet must agree with.
bool reference_test(const Range& range, const Version& v) {
  for (const auto& set : range.sets()) {
    bool all = true;
    for (const Comparator& c : set) {
      if (!c.test(v)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (!v.is_prerelease() || range.options().include_prerelease) return true;
    for (const Comparator& c : set) {
      if (c.op == Comparator::Op::kAny || !c.version.is_prerelease()) continue;
      if (c.version.major() == v.major() && c.version.minor() == v.minor() &&
          c.version.patch() == v.patch()) {
        return true;
      }
    }
  }
  return false;
}

std::string show_intervals(std::span<const Interval> intervals) {
  std::string s;
  for (const Interval& i : intervals) {
    s += "[" + i.lower.to_string() + ", " + (i.upper ? i.upper->to_string() : "inf") + ") ";
  }
  return s;
}

void check_normalised(const VersionSet& set, const char* what) {
  const auto check_list = [&](std::span<const Interval> list, bool releases) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Interval& iv = list[i];
      const std::string where = std::string(what) + (releases ? " releases " : " prereleases ") +
                                show_intervals(list);
      CALLBOARD_FUZZ_CHECK("interval-nonempty", !iv.upper || iv.lower < *iv.upper, where);
      if (releases) {
        CALLBOARD_FUZZ_CHECK("release-interval-bounds",
                             !iv.lower.is_prerelease() && (!iv.upper || !iv.upper->is_prerelease()),
                             where);
      } else {
        CALLBOARD_FUZZ_CHECK("prerelease-interval-lower", iv.lower.is_prerelease(), where);
      }
      if (i + 1 < list.size()) {
        // Non-adjacent: [a, b) followed by [b, c) would be one interval.
        CALLBOARD_FUZZ_CHECK("intervals-sorted-disjoint", iv.upper && *iv.upper < list[i + 1].lower, where);
      }
    }
  };
  check_list(set.releases(), true);
  check_list(set.prereleases(), false);
  CALLBOARD_FUZZ_CHECK("empty-agrees", set.empty() == (set == VersionSet::none()), what);
  CALLBOARD_FUZZ_CHECK("is_all-agrees", set.is_all() == (set == VersionSet::all()), what);
  (void)set.to_string();
}

void add_probe(std::vector<Version>& probes, const Version& v) {
  if (probes.size() < kMaxProbes) probes.push_back(v);
}

void add_neighbours(std::vector<Version>& probes, const Version& v) {
  add_probe(probes, v);
  add_probe(probes, v.release());
  add_probe(probes, Version(v.major(), v.minor(), v.patch(), {Identifier(std::uint64_t{0})}));
  add_probe(probes, Version(v.major(), v.minor(), v.patch(), {Identifier(std::string("zzz"))}));
  if (v.patch() < semver::kMaxSafeInteger) add_probe(probes, v.successor());
  if (v.is_prerelease()) {
    std::vector<Identifier> pre(v.prerelease().begin(), v.prerelease().end());
    pre.emplace_back(std::uint64_t{0});
    add_probe(probes, Version(v.major(), v.minor(), v.patch(), std::move(pre)));
  }
}

/// Versions worth testing a range on: its own bounds and their neighbours,
/// whatever coerce() finds in the text, and a few fixed ones.
std::vector<Version> probes_for(std::string_view text, const Range& range) {
  std::vector<Version> probes;
  for (const auto& set : range.sets()) {
    for (const Comparator& c : set) {
      if (c.op != Comparator::Op::kAny) add_neighbours(probes, c.version);
    }
  }
  for (const auto& list : {range.versions().releases(), range.versions().prereleases()}) {
    for (const Interval& iv : list) {
      add_neighbours(probes, iv.lower);
      if (iv.upper) add_neighbours(probes, *iv.upper);
    }
  }
  if (auto c = semver::coerce(text, {.rtl = false, .include_prerelease = true})) add_probe(probes, *c);
  if (auto c = semver::coerce(text, {.rtl = true, .include_prerelease = true})) add_probe(probes, *c);
  add_probe(probes, Version());
  add_probe(probes, Version(0, 0, 0, {Identifier(std::uint64_t{0})}));
  add_probe(probes, Version(1, 2, 3, {Identifier(std::string("alpha"))}));
  add_probe(probes, Version(semver::kMaxSafeInteger, 0, 0));
  return probes;
}

/// The second operand for binary set laws: the back half of the input if it
/// parses (default options: set laws do not depend on how B was written),
/// else one of a few fixed ranges chosen by the input.
Range other_range(std::string_view text) {
  if (auto r = Range::parse(text.substr(text.size() / 2)); r.ok()) return std::move(r).value();
  static constexpr std::array<std::string_view, 6> kFixed = {
      "^1.0.0", ">=1.2.3-beta <2", "*", "<0.0.0-0", "1.2.3 - 2 || ^3.0.0-rc.1", ">0.0.0-0 <0.0.1"};
  const std::string_view fixed = kFixed[text.size() % kFixed.size()];
  auto r = Range::parse(fixed, Options{false, text.size() % 2 == 1});
  CALLBOARD_FUZZ_CHECK("fixed-range-parses", r.ok(), std::string(fixed));
  return std::move(r).value();
}

void check_fast_path(std::string_view text, Options options) {
  if (text.size() > semver::kMaxRangeLength) return;
  namespace detail = callboard::semver::detail;
  const std::string collapsed = detail::js_collapse_whitespace(text);
  auto fast = detail::parse_range_sets_fast(collapsed, options);
  if (!fast) return;
  auto exact = detail::parse_range_sets_exact(collapsed, options);
  const std::string fast_text = detail::format_sets(*fast);
  const std::string exact_text = exact.ok() ? detail::format_sets(*exact) : "error: " + exact.error().to_string();
  CALLBOARD_FUZZ_CHECK("fast-path-agrees-exact", exact.ok() && *exact == *fast && exact_text == fast_text,
                       describe(options) + " fast: " + fast_text + " exact: " + exact_text);
}

void check_canonical(std::string_view text, const Range& range, Options options) {
  const std::string canonical = range.to_string();
  // valid_range() parses again; once per input is enough (the regex path
  // under sanitizers is what limits executions per second).
  if (options == Options{}) {
    const auto valid = semver::valid_range(text, options);
    CALLBOARD_FUZZ_CHECK("valid_range-is-to_string", valid && *valid == canonical,
                         describe(options) + " to_string=" + canonical + " valid_range=" + valid.value_or("null"));
  }
  if (canonical.size() > semver::kMaxRangeLength) return;

  auto again = Range::parse(canonical, options);
  CALLBOARD_FUZZ_CHECK("canonical-reparses", again.ok(),
                       describe(options) + " " + canonical + ": " +
                           (again.ok() ? std::string() : again.error().to_string()));
  const std::string second = again->to_string();
  if (!options.loose) {
    CALLBOARD_FUZZ_CHECK("valid_range-idempotent-strict", second == canonical,
                         describe(options) + " " + canonical + " -> " + second);
  }
  if (second == canonical) {
    CALLBOARD_FUZZ_CHECK("reparse-same-meaning", again->versions() == range.versions(),
                         describe(options) + " " + canonical + ": " + range.versions().to_string() +
                             " vs " + again->versions().to_string());
    CALLBOARD_FUZZ_CHECK("reparse-equal", *again == range, canonical);
    return;
  }
  // Loose drift: the only rewrite is dropping the `>=0.0.0` (`>=0.0.0-0`
  // with include_prerelease) comparators node's GTE0 rule missed the first
  // time, a set left empty making the whole range `*`.
  const std::string_view gte0 = options.include_prerelease ? ">=0.0.0-0" : ">=0.0.0";
  std::string expected;
  bool any = false;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = canonical.find("||", start);
    const std::string_view set_text =
        std::string_view(canonical).substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::string kept;
    std::size_t pos = 0;
    while (pos <= set_text.size()) {
      const std::size_t space = std::min(set_text.find(' ', pos), set_text.size());
      const std::string_view comp = set_text.substr(pos, space - pos);
      if (comp != gte0) {
        if (!kept.empty()) kept += ' ';
        kept += comp;
      }
      pos = space + 1;
    }
    if (kept.empty()) any = true;
    if (!expected.empty() || start != 0) expected += "||";
    expected += kept;
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  if (any) expected = "*";
  CALLBOARD_FUZZ_CHECK("loose-drift-is-only-gte0", second == expected,
                       describe(options) + " " + canonical + " -> " + second + " expected " + expected);
  auto third = Range::parse(second, options);
  CALLBOARD_FUZZ_CHECK("loose-fixpoint-after-2", third.ok() && third->to_string() == second,
                       describe(options) + " " + canonical + " -> " + second);
}

void check_membership(std::string_view text, const Range& range, Options options,
                      const std::vector<Version>& probes) {
  const VersionSet& set = range.versions();
  const VersionSet complement = set.complement();
  std::size_t string_checks = 0;
  for (const Version& v : probes) {
    const bool expected = reference_test(range, v);
    const bool got = range.satisfied_by(v);
    CALLBOARD_FUZZ_CHECK("satisfied_by-matches-testSet", got == expected,
                         describe(options) + " range " + range.to_string() + " version " +
                             v.to_string() + ": got " + std::to_string(got) + ", node's testSet says " +
                             std::to_string(expected) + "; set " + set.to_string());
    CALLBOARD_FUZZ_CHECK("contains-agrees", set.contains(v) == got, v.to_string());
    CALLBOARD_FUZZ_CHECK("complement-contains", complement.contains(v) == !got,
                         v.to_string() + " in " + complement.to_string());
    const std::string vtext = v.to_string();
    // Probes taken from the set's own bounds can lie past 2^53-1 (the
    // interval above `>M.M.M` starts at M.M.(M+1)): such a version has no
    // text node-semver accepts, so as text it satisfies nothing.
    const bool representable = v.major() <= semver::kMaxSafeInteger && v.minor() <= semver::kMaxSafeInteger &&
                               v.patch() <= semver::kMaxSafeInteger;
    if (!representable) {
      CALLBOARD_FUZZ_CHECK("satisfied_by-string-unrepresentable", !range.satisfied_by(std::string_view(vtext)), vtext);
    } else if (vtext.size() <= semver::kMaxVersionLength) {
      CALLBOARD_FUZZ_CHECK("satisfied_by-string", range.satisfied_by(std::string_view(vtext)) == got, vtext);
      // The free function re-parses the range: one probe, default options.
      if (options == Options{} && string_checks++ < 1) {
        CALLBOARD_FUZZ_CHECK("satisfies-string", semver::satisfies(vtext, text, options) == got,
                             describe(options) + " " + vtext);
      }
    }
  }
}

void check_set_laws(const Range& a, const Range& b, const std::vector<Version>& probes) {
  const VersionSet& sa = a.versions();
  const VersionSet& sb = b.versions();
  const VersionSet ca = sa.complement();
  const VersionSet cb = sb.complement();
  const VersionSet both = sa.intersect(sb);
  const VersionSet either = sa.unite(sb);
  const VersionSet only_a = sa.minus(sb);
  check_normalised(sa, "A");
  check_normalised(ca, "complement(A)");
  check_normalised(both, "A&B");
  check_normalised(either, "A|B");
  check_normalised(only_a, "A-B");

  const std::string names = "A=" + a.to_string() + " B=" + b.to_string();
  CALLBOARD_FUZZ_CHECK("double-complement", ca.complement() == sa, names);
  CALLBOARD_FUZZ_CHECK("complement-disjoint", sa.intersect(ca).empty(), names);
  CALLBOARD_FUZZ_CHECK("complement-covers", sa.unite(ca).is_all(), names);
  CALLBOARD_FUZZ_CHECK("intersect-commutes", both == sb.intersect(sa), names);
  CALLBOARD_FUZZ_CHECK("unite-commutes", either == sb.unite(sa), names);
  CALLBOARD_FUZZ_CHECK("de-morgan", either.complement() == ca.intersect(cb), names);
  CALLBOARD_FUZZ_CHECK("de-morgan-2", both.complement() == ca.unite(cb), names);
  CALLBOARD_FUZZ_CHECK("subset-of-union", sa.is_subset_of(either) && sb.is_subset_of(either), names);
  CALLBOARD_FUZZ_CHECK("intersection-subset", both.is_subset_of(sa) && both.is_subset_of(sb), names);
  CALLBOARD_FUZZ_CHECK("self-subset", sa.is_subset_of(sa) && sa.minus(sa).empty(), names);
  CALLBOARD_FUZZ_CHECK("intersects-agrees", sa.intersects(sb) == !both.empty(), names);
  CALLBOARD_FUZZ_CHECK("range-intersects-exact", semver::intersects(a, b) == !both.empty(), names);
  CALLBOARD_FUZZ_CHECK("minus-is-intersect-complement", only_a == sa.intersect(cb), names);
  CALLBOARD_FUZZ_CHECK("all-none", VersionSet::all().complement() == VersionSet::none() &&
                                       VersionSet::none().complement() == VersionSet::all(),
                       "all/none");

  for (const Version& v : probes) {
    const bool in_a = sa.contains(v);
    const bool in_b = sb.contains(v);
    const std::string where = names + " version " + v.to_string();
    CALLBOARD_FUZZ_CHECK("intersect-contains", both.contains(v) == (in_a && in_b), where);
    CALLBOARD_FUZZ_CHECK("unite-contains", either.contains(v) == (in_a || in_b), where);
    CALLBOARD_FUZZ_CHECK("minus-contains", only_a.contains(v) == (in_a && !in_b), where);
    CALLBOARD_FUZZ_CHECK("exactly-contains", VersionSet::exactly(v).contains(v), where);
  }

  // node-semver's own algorithms: ported as-is, not necessarily exact, so only
  // run for crashes and sanitizer reports.
  (void)semver::subset(a, b);
  (void)semver::min_version(a);
  if (!probes.empty()) {
    (void)semver::outside(probes.front(), a, '>');
    (void)semver::outside(probes.back(), a, '<');
  }
}

void check_specifier(std::string_view text, Options options) {
  auto spec = semver::parse_specifier(text, options);
  if (!spec.ok()) {
    const auto code = spec.error().code;
    if (code == callboard::ErrorCode::kUnimplemented) {
      static const bool noted = [] {
        std::fprintf(stderr, "fuzz_semver_range: parse_specifier is not implemented; its checks are skipped\n");
        return true;
      }();
      (void)noted;
      return;
    }
    CALLBOARD_FUZZ_CHECK("specifier-error-code",
                         code == callboard::ErrorCode::kInvalidArgument ||
                             (code == callboard::ErrorCode::kResourceExhausted &&
                              text.size() > semver::kMaxRangeLength),
                         spec.error().to_string());
    return;
  }
  CALLBOARD_FUZZ_CHECK("specifier-raw", spec->raw == text, spec->raw);
  CALLBOARD_FUZZ_CHECK("specifier-range-present",
                       spec->kind != semver::SpecifierKind::kRange || spec->range.has_value(),
                       std::string(semver::to_string(spec->kind)));
  CALLBOARD_FUZZ_CHECK("specifier-kind-name", !semver::to_string(spec->kind).empty(), "kind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;

  std::optional<Range> other;
  for (const Options options : kOptionCombos) {
    check_fast_path(text, options);
    auto parsed = Range::parse(text, options);
    if (!parsed.ok()) {
      const auto code = parsed.error().code;
      CALLBOARD_FUZZ_CHECK("range-error-code",
                           code == callboard::ErrorCode::kInvalidArgument ||
                               (code == callboard::ErrorCode::kResourceExhausted &&
                                text.size() > semver::kMaxRangeLength),
                           parsed.error().to_string());
      CALLBOARD_FUZZ_CHECK("valid_range-null", !semver::valid_range(text, options), describe(options));
      continue;
    }
    const Range& range = *parsed;
    CALLBOARD_FUZZ_CHECK("options-kept", range.options() == options, describe(options));
    CALLBOARD_FUZZ_CHECK("sets-nonempty", !range.sets().empty(), range.to_string());

    check_canonical(text, range, options);
    const std::vector<Version> probes = probes_for(text, range);
    check_membership(text, range, options, probes);

    if (!other) other = other_range(text);
    check_set_laws(range, *other, probes);
  }
  check_specifier(text, Options{});
  check_specifier(text, Options{true, false});
  return 0;
}
