// libFuzzer target: semver versions.
//
// The whole input is one version text; its lines (at most four) are also
// parsed as separate versions for the ordering laws. Checked, under all four
// option combinations:
//  - parse never crashes; parse(to_string_with_build(v), same options)
//    gives back v with the same text and build (when within kMaxVersionLength);
//  - loose accepts whatever strict accepts, with the same result, and
//    include_prerelease does not change how a version parses;
//  - valid() agrees with parse(); clean(x) = s implies valid(s) = clean(s) = s;
//  - coerce() results parse strictly, are fixpoints of coerce(), and carry no
//    prerelease or build unless include_prerelease;
//  - ordering: antisymmetric, transitive, compare_build refines <=>,
//    successor() is strictly greater, release() is not greater;
//  - inc() and diff() never crash; diff is nullopt exactly on equal precedence.
// Each property holds in node-semver 7.8.5 (fuzz/check_properties_in_node.mjs).

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/semver.hpp"
#include "fuzz_check.hpp"

namespace {

using callboard::semver::CoerceOptions;
using callboard::semver::Identifier;
using callboard::semver::IdentifierBase;
using callboard::semver::Options;
using callboard::semver::ReleaseType;
using callboard::semver::Version;
using callboard::fuzz::describe;
namespace semver = callboard::semver;

constexpr std::array<Options, 4> kOptionCombos = {
    Options{false, false}, Options{true, false}, Options{false, true}, Options{true, true}};

std::string show(const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : "null"; }

std::string show_result(const callboard::Result<Version>& r) {
  return r.ok() ? "\"" + r->to_string_with_build() + "\"" : "error: " + r.error().to_string();
}

void check_round_trip(const Version& v, Options options) {
  const std::string full = v.to_string_with_build();
  const std::string plain = v.to_string();
  CALLBOARD_FUZZ_CHECK("to_string-is-prefix", full.compare(0, plain.size(), plain) == 0,
                       full + " vs " + plain);
  CALLBOARD_FUZZ_CHECK("build-iff-plus", (full.size() != plain.size()) == !v.build().empty(), full);
  CALLBOARD_FUZZ_CHECK("prerelease-iff-dash", v.is_prerelease() == (plain.find('-') != std::string::npos),
                       plain);
  if (full.size() <= semver::kMaxVersionLength) {
    auto again = Version::parse(full, options);
    CALLBOARD_FUZZ_CHECK("version-roundtrip", again.ok() && again->to_string_with_build() == full &&
                                                  semver::compare_build(*again, v) == 0 && *again == v,
                         full + " " + describe(options) + " reparsed as " + show_result(again));
  }
  if (plain.size() <= semver::kMaxVersionLength) {
    auto again = Version::parse(plain, options);
    CALLBOARD_FUZZ_CHECK("version-roundtrip-nobuild", again.ok() && again->to_string_with_build() == plain,
                         plain + " " + describe(options) + " reparsed as " + show_result(again));
  }
}

void check_coerce(std::string_view text) {
  // Not crossed with `loose`: coerce builds "M.m.p" itself, which parses the
  // same either way, and coerce is the most expensive call here.
  for (const bool rtl : {false, true}) {
    for (const bool include_prerelease : {false, true}) {
      {
        const CoerceOptions options{rtl, include_prerelease, false};
        const std::optional<Version> v = semver::coerce(text, options);
        if (!v) continue;
        const std::string full = v->to_string_with_build();
        const std::string where = full + " rtl=" + std::to_string(rtl) +
                                  " includePrerelease=" + std::to_string(include_prerelease);
        CALLBOARD_FUZZ_CHECK("coerce-valid", Version::parse(full).ok(), where);
        CALLBOARD_FUZZ_CHECK("coerce-plain",
                             include_prerelease || (!v->is_prerelease() && v->build().empty()), where);
        const std::optional<Version> w = semver::coerce(full, options);
        CALLBOARD_FUZZ_CHECK("coerce-idempotent",
                             w && w->to_string_with_build() == full && semver::compare_build(*w, *v) == 0,
                             where + " -> " + (w ? w->to_string_with_build() : "null"));
      }
    }
  }
}

void check_order(const Version& a, const Version& b) {
  const auto ab = a <=> b;
  const auto ba = b <=> a;
  CALLBOARD_FUZZ_CHECK("order-antisymmetric", (ab < 0) == (ba > 0) && (ab == 0) == (ba == 0),
                       a.to_string_with_build() + " vs " + b.to_string_with_build());
  const auto build = semver::compare_build(a, b);
  CALLBOARD_FUZZ_CHECK("compare_build-refines", ab == 0 || (build < 0) == (ab < 0),
                       a.to_string_with_build() + " vs " + b.to_string_with_build());
  CALLBOARD_FUZZ_CHECK("compare_build-antisymmetric", (build < 0) == (semver::compare_build(b, a) > 0),
                       a.to_string_with_build() + " vs " + b.to_string_with_build());
  const std::optional<ReleaseType> d = semver::diff(a, b);
  CALLBOARD_FUZZ_CHECK("diff-null-iff-equal", d.has_value() == (ab != 0),
                       a.to_string() + " vs " + b.to_string());
}

void check_version_alone(const Version& v) {
  CALLBOARD_FUZZ_CHECK("order-reflexive", (v <=> v) == 0 && semver::compare_build(v, v) == 0,
                       v.to_string_with_build());
  if (v.major() < semver::kMaxSafeInteger && v.minor() < semver::kMaxSafeInteger &&
      v.patch() < semver::kMaxSafeInteger) {
    const Version next = v.successor();
    CALLBOARD_FUZZ_CHECK("successor-greater", next > v, v.to_string() + " -> " + next.to_string());
  }
  const Version release = v.release();
  CALLBOARD_FUZZ_CHECK("release-order", v.is_prerelease() ? release > v : release == v,
                       v.to_string() + " -> " + release.to_string());
  CALLBOARD_FUZZ_CHECK("diff-self", !semver::diff(v, v).has_value(), v.to_string());
}

void exercise_inc(const Version& v, std::string_view identifier, Options options) {
  // node's inc can leave the valid range (9007199254740991.0.0 + major prints
  // 9007199254740992.0.0), so only absence of crashes and UB is checked here.
  for (const ReleaseType type : {ReleaseType::kMajor, ReleaseType::kPremajor, ReleaseType::kMinor,
                                 ReleaseType::kPreminor, ReleaseType::kPatch, ReleaseType::kPrepatch,
                                 ReleaseType::kPrerelease, ReleaseType::kRelease, ReleaseType::kPre}) {
    for (const IdentifierBase base : {IdentifierBase::kZero, IdentifierBase::kOne, IdentifierBase::kNone}) {
      auto r = semver::inc(v, type, identifier, base, options);
      if (r.ok()) (void)r->to_string_with_build();
      auto plain = semver::inc(v, type, {}, base, options);
      if (plain.ok()) (void)plain->to_string_with_build();
    }
    const auto name = semver::to_string(type);
    const auto back = semver::parse_release_type(name);
    CALLBOARD_FUZZ_CHECK("release-type-roundtrip", back && *back == type, std::string(name));
  }
  (void)semver::parse_release_type(identifier);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;

  std::array<std::optional<Version>, 4> by_option;
  for (std::size_t i = 0; i < kOptionCombos.size(); ++i) {
    const Options options = kOptionCombos[i];
    auto parsed = Version::parse(text, options);
    const std::optional<std::string> valid = semver::valid(text, options);
    if (parsed.ok()) {
      by_option[i] = *parsed;
      check_round_trip(*parsed, options);
      check_version_alone(*parsed);
      CALLBOARD_FUZZ_CHECK("valid-agrees", valid && *valid == parsed->to_string(),
                           describe(options) + " valid=" + show(valid));
    } else {
      CALLBOARD_FUZZ_CHECK("valid-agrees", !valid, describe(options) + " valid=" + show(valid));
      const auto code = parsed.error().code;
      CALLBOARD_FUZZ_CHECK("parse-error-code",
                           code == callboard::ErrorCode::kInvalidArgument ||
                               (code == callboard::ErrorCode::kResourceExhausted &&
                                text.size() > semver::kMaxVersionLength),
                           parsed.error().to_string());
    }

    const std::optional<std::string> cleaned = semver::clean(text, options);
    if (cleaned) {
      const auto valid_again = semver::valid(*cleaned, options);
      CALLBOARD_FUZZ_CHECK("clean-valid", valid_again == cleaned,
                           describe(options) + " clean=" + show(cleaned) + " valid=" + show(valid_again));
      const auto clean_again = semver::clean(*cleaned, options);
      CALLBOARD_FUZZ_CHECK("clean-idempotent", clean_again == cleaned,
                           describe(options) + " clean=" + show(cleaned) + " again=" + show(clean_again));
    }
  }
  auto text_of = [](const std::optional<Version>& v) {
    return v ? v->to_string_with_build() : std::string("invalid");
  };
  CALLBOARD_FUZZ_CHECK("strict-implies-loose",
                       !by_option[0] || (by_option[1] && text_of(by_option[1]) == text_of(by_option[0])),
                       text_of(by_option[0]) + " vs loose " + text_of(by_option[1]));
  CALLBOARD_FUZZ_CHECK("include_prerelease-irrelevant",
                       text_of(by_option[0]) == text_of(by_option[2]) &&
                           text_of(by_option[1]) == text_of(by_option[3]),
                       text_of(by_option[0]) + " / " + text_of(by_option[2]));

  check_coerce(text);

  // Several versions, one per line, for the ordering laws and inc().
  std::vector<Version> versions;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size() && lines.size() < 4;) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (const std::string_view line : lines) {
    if (auto v = Version::parse(line, Options{true, false}); v.ok()) versions.push_back(*v);
  }
  for (const Version& a : versions) {
    for (const Version& b : versions) check_order(a, b);
  }
  // node's precedence is transitive unless a numeric prerelease identifier
  // is past 2^53, where it compares doubles (1.0.0-9007199254740993 equals
  // both ...992 and ...992.0-x, which differ; checked in node 7.8.5). We
  // keep node's answers there; sort_order is the total order to sort with.
  const auto huge = [](const Version& v) {
    return std::any_of(v.prerelease().begin(), v.prerelease().end(),
                       [](const Identifier& i) { return i.is_numeric() && i.text().size() >= 16; });
  };
  for (const Version& a : versions) {
    for (const Version& b : versions) {
      const auto ab = semver::sort_order(a, b);
      CALLBOARD_FUZZ_CHECK("sort_order-antisymmetric", (ab < 0) == (semver::sort_order(b, a) > 0),
                           a.to_string_with_build() + " vs " + b.to_string_with_build());
      CALLBOARD_FUZZ_CHECK("sort_order-equal-iff-identical",
                           (ab == 0) == (a.to_string_with_build() == b.to_string_with_build()),
                           a.to_string_with_build() + " vs " + b.to_string_with_build());
      if (!huge(a) && !huge(b)) {
        CALLBOARD_FUZZ_CHECK("sort_order-refines-compare_build",
                             semver::compare_build(a, b) == 0 || (semver::compare_build(a, b) < 0) == (ab < 0),
                             a.to_string_with_build() + " vs " + b.to_string_with_build());
      }
      for (const Version& c : versions) {
        if (semver::sort_order(a, b) <= 0 && semver::sort_order(b, c) <= 0) {
          CALLBOARD_FUZZ_CHECK("sort_order-transitive", semver::sort_order(a, c) <= 0,
                               a.to_string_with_build() + " <= " + b.to_string_with_build() + " <= " +
                                   c.to_string_with_build());
        }
        if (huge(a) || huge(b) || huge(c)) continue;
        if (a <= b && b <= c) {
          CALLBOARD_FUZZ_CHECK("order-transitive", a <= c,
                               a.to_string() + " <= " + b.to_string() + " <= " + c.to_string());
        }
      }
    }
  }
  if (!versions.empty()) {
    const std::string_view identifier = lines.size() > 1 ? lines.back() : std::string_view("rc");
    exercise_inc(versions.front(), identifier, Options{false, false});
    exercise_inc(versions.front(), identifier, Options{true, false});
  }
  return 0;
}
