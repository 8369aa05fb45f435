#pragma once
/// \file
/// Semantic versions and ranges with the exact semantics of npm's `semver`
/// package (pinned: 7.8.5), which is what npm, yarn and pnpm use to decide
/// what `^1.2.3` means. Every function here returns what the node-semver
/// function of the same name returns for the same inputs; the few deliberate
/// differences are listed in docs/semver.md with their reasons.
///
/// On top of node-semver's string-level model, a Range also carries its
/// meaning as a normalised set of versions (`VersionSet`), so callers such as
/// the solver can intersect, complement and compare ranges exactly.
///
/// All types here are regular values, immutable after construction and safe
/// to share between threads. Nothing here allocates global state.

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"

namespace callboard::semver {

/// Longest version string accepted (node-semver MAX_LENGTH).
inline constexpr std::size_t kMaxVersionLength = 256;
/// Largest major/minor/patch accepted: 2^53-1 (node-semver MAX_SAFE_INTEGER).
inline constexpr std::uint64_t kMaxSafeInteger = 9007199254740991ULL;
/// Longest range string accepted. node-semver has no limit; we bound it so a
/// hostile package.json cannot make parsing quadratic in memory.
inline constexpr std::size_t kMaxRangeLength = 64 * 1024;

/// Parsing and matching options, as node-semver's options bag.
struct Options {
  /// Accept sloppy input such as `=v1.2.3`, `1.2.3beta`, leading zeros.
  bool loose = false;
  /// Let prerelease versions match ranges whose comparators have none.
  bool include_prerelease = false;
  friend bool operator==(const Options&, const Options&) = default;
};

/// One dot-separated prerelease identifier ("alpha", "1"). A numeric
/// identifier compares numerically and below any alphanumeric one.
class CALLBOARD_EXPORT Identifier {
 public:
  Identifier() = default;
  /// Builds an identifier from its text. `text` must consist of
  /// [0-9A-Za-z-] and be non-empty (not checked here; use Version::parse).
  explicit Identifier(std::string text);
  explicit Identifier(std::uint64_t number);
  /// Builds an identifier whose text is already known to be canonical
  /// (digits without leading zeros, or alphanumeric); used by the parser.
  static Identifier from_parsed_text(std::string_view text);

  [[nodiscard]] bool is_numeric() const noexcept { return numeric_; }
  /// The number, for numeric identifiers below 2^53-1; otherwise 0.
  [[nodiscard]] std::uint64_t number() const noexcept { return number_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

  /// node-semver compareIdentifiers.
  friend CALLBOARD_EXPORT std::strong_ordering operator<=>(const Identifier& a,
                                                           const Identifier& b) noexcept;
  friend bool operator==(const Identifier& a, const Identifier& b) noexcept {
    return (a <=> b) == 0;
  }

 private:
  std::string text_;
  std::uint64_t number_ = 0;
  double magnitude_ = 0;  // numeric value as JavaScript sees it (for > 2^53 digits)
  bool numeric_ = false;
  bool small_ = false;  // numeric and below 2^53-1: node keeps it as a number
};

/// A parsed semantic version. Ordering and equality follow SemVer precedence
/// (node-semver `compare`): build metadata is ignored, so `1.0.0+a == 1.0.0+b`.
/// Use compare_build() to order by build as well.
class CALLBOARD_EXPORT Version {
 public:
  /// 0.0.0
  Version() = default;
  Version(std::uint64_t major, std::uint64_t minor, std::uint64_t patch,
          std::vector<Identifier> prerelease = {}, std::vector<std::string> build = {});

  /// Parses like `new SemVer(text, options)`: leading/trailing whitespace is
  /// trimmed, a leading `v` (and, loose, `=` and spaces) is accepted.
  /// Errors: kInvalidArgument with context "input" and "reason"; kResourceExhausted
  /// when longer than kMaxVersionLength.
  static Result<Version> parse(std::string_view text, Options options = {});

  [[nodiscard]] std::uint64_t major() const noexcept { return major_; }
  [[nodiscard]] std::uint64_t minor() const noexcept { return minor_; }
  [[nodiscard]] std::uint64_t patch() const noexcept { return patch_; }
  [[nodiscard]] std::span<const Identifier> prerelease() const noexcept { return prerelease_; }
  [[nodiscard]] std::span<const std::string> build() const noexcept { return build_; }
  [[nodiscard]] bool is_prerelease() const noexcept { return !prerelease_.empty(); }

  /// The canonical form without build metadata ("1.2.3-beta.1"), as node's `.version`.
  [[nodiscard]] std::string to_string() const;
  /// The canonical form with build metadata, if any ("1.2.3-beta.1+sha.5").
  [[nodiscard]] std::string to_string_with_build() const;

  /// The same major.minor.patch, no prerelease, no build.
  [[nodiscard]] Version release() const { return Version(major_, minor_, patch_); }
  /// The smallest version greater than this one in precedence order
  /// (1.2.3 -> 1.2.4-0, 1.2.3-a -> 1.2.3-a.0). Used to make bounds inclusive.
  [[nodiscard]] Version successor() const;

  friend std::weak_ordering operator<=>(const Version& a, const Version& b) noexcept {
    // Inline for the common case (range tests on the solver's hot path).
    if (a.major_ != b.major_) return a.major_ < b.major_ ? std::weak_ordering::less : std::weak_ordering::greater;
    if (a.minor_ != b.minor_) return a.minor_ < b.minor_ ? std::weak_ordering::less : std::weak_ordering::greater;
    if (a.patch_ != b.patch_) return a.patch_ < b.patch_ ? std::weak_ordering::less : std::weak_ordering::greater;
    if (a.prerelease_.empty() && b.prerelease_.empty()) return std::weak_ordering::equivalent;
    return compare_prerelease(a, b);
  }
  friend bool operator==(const Version& a, const Version& b) noexcept { return (a <=> b) == 0; }

 private:
  /// Precedence of two versions with the same major.minor.patch, at least one a prerelease.
  static std::weak_ordering compare_prerelease(const Version& a, const Version& b) noexcept;

  std::uint64_t major_ = 0, minor_ = 0, patch_ = 0;
  std::vector<Identifier> prerelease_;
  std::vector<std::string> build_;
};

/// node-semver compareBuild: precedence, then build identifiers.
CALLBOARD_EXPORT std::strong_ordering compare_build(const Version& a, const Version& b) noexcept;

/// A total order for sorting and ordered containers: compare_build's order,
/// except that numeric identifiers compare exactly at any size, then the
/// full text breaks ties. node compares numeric identifiers as doubles, so
/// past 2^53 distinct ones can compare equal and its order stops being
/// transitive (1.0.0-9007199254740993 equals both 1.0.0-9007199254740992
/// and 1.0.0-9007199254740992.0-x, which differ); compare and compare_build
/// keep node's answers, and std::sort with them is undefined on such input.
/// Equal only for identical versions (build included).
CALLBOARD_EXPORT std::strong_ordering sort_order(const Version& a, const Version& b) noexcept;

/// The release types accepted by inc() and diff().
enum class ReleaseType : std::uint8_t {
  kMajor, kPremajor, kMinor, kPreminor, kPatch, kPrepatch, kPrerelease, kRelease, kPre
};
CALLBOARD_EXPORT std::string_view to_string(ReleaseType type) noexcept;
CALLBOARD_EXPORT std::optional<ReleaseType> parse_release_type(std::string_view text) noexcept;

/// How inc() numbers a new prerelease: "0" (default), "1", or none ("false").
enum class IdentifierBase : std::uint8_t { kZero, kOne, kNone };

/// node-semver `inc(version, release, options, identifier, identifierBase)`.
/// Errors: kInvalidArgument where node returns null (invalid identifier,
/// `release` on a non-prerelease, an empty identifier with kNone, ...).
CALLBOARD_EXPORT Result<Version> inc(const Version& version, ReleaseType release,
                                     std::string_view identifier = {},
                                     IdentifierBase base = IdentifierBase::kZero,
                                     Options options = {});

/// node-semver `diff(a, b)`: the release type between two versions, or
/// nullopt when they are equal in precedence.
CALLBOARD_EXPORT std::optional<ReleaseType> diff(const Version& a, const Version& b) noexcept;

/// node-semver `coerce(text, {rtl, includePrerelease})`: the first (or, rtl,
/// the right-most) version-looking run in free text, or nullopt.
struct CoerceOptions {
  bool rtl = false;
  bool include_prerelease = false;
  bool loose = false;
};
CALLBOARD_EXPORT std::optional<Version> coerce(std::string_view text, CoerceOptions options = {});

/// node-semver `clean(text)`: trims, strips leading `=`/`v`, parses; nullopt if invalid.
CALLBOARD_EXPORT std::optional<std::string> clean(std::string_view text, Options options = {});

// --------------------------------------------------------------------------
// Version sets: the exact meaning of a range.

/// A half-open interval [lower, upper) of the version order (upper absent = unbounded).
struct Interval {
  Version lower;                  ///< inclusive
  std::optional<Version> upper;   ///< exclusive; nullopt = +infinity
  friend bool operator==(const Interval&, const Interval&) = default;
};

/// A set of versions, kept exact and normalised: the releases it holds as a
/// sorted union of disjoint, non-adjacent intervals, and likewise the
/// prereleases. Two VersionSets are equal iff they hold the same versions.
///
/// This is what node-semver's per-comparator-set prerelease rule means as a
/// set: `^1.2.3-beta.1` holds releases in [1.2.3, 2.0.0-0) and prereleases in
/// [1.2.3-beta.1, 1.2.3).
class CALLBOARD_EXPORT VersionSet {
 public:
  /// The empty set.
  VersionSet() = default;
  static VersionSet all();
  static VersionSet none() { return {}; }
  static VersionSet exactly(const Version& v);
  /// The union of raw intervals (any bounds, overlapping or not): releases
  /// from `releases`, prereleases from `prereleases`. Normalises in O(n log n).
  static VersionSet from_intervals(std::vector<Interval> releases, std::vector<Interval> prereleases);
  /// Versions in [lower, upper); with `prereleases` false only releases.
  static VersionSet between(const Version& lower, std::optional<Version> upper, bool releases,
                            bool prereleases);

  [[nodiscard]] bool contains(const Version& v) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return releases_.empty() && prereleases_.empty(); }
  [[nodiscard]] bool is_all() const noexcept;

  [[nodiscard]] VersionSet intersect(const VersionSet& other) const;
  [[nodiscard]] VersionSet unite(const VersionSet& other) const;
  [[nodiscard]] VersionSet complement() const;
  [[nodiscard]] VersionSet minus(const VersionSet& other) const { return intersect(other.complement()); }
  [[nodiscard]] bool intersects(const VersionSet& other) const { return !intersect(other).empty(); }
  [[nodiscard]] bool is_subset_of(const VersionSet& other) const { return minus(other).empty(); }

  /// Release intervals, each [lower, upper) with lower and upper releases.
  [[nodiscard]] std::span<const Interval> releases() const noexcept { return releases_; }
  /// Prerelease intervals, each starting at a prerelease.
  [[nodiscard]] std::span<const Interval> prereleases() const noexcept { return prereleases_; }

  /// A readable form such as ">=1.2.3 <2.0.0-0 (+ prereleases >=1.2.3-beta.1 <1.2.3)".
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const VersionSet&, const VersionSet&) = default;

 private:
  std::vector<Interval> releases_;
  std::vector<Interval> prereleases_;
};

// --------------------------------------------------------------------------
// Ranges

/// A single comparator such as `>=1.2.3`; `op == kAny` is the match-all `''`.
struct Comparator {
  enum class Op : std::uint8_t { kAny, kEq, kLt, kLte, kGt, kGte };
  Op op = Op::kAny;
  Version version;  ///< unused for kAny

  /// The canonical text (">=1.2.3", "" for kAny), as node's `.value`.
  [[nodiscard]] std::string to_string() const;
  /// Whether `v` passes this comparator alone (no prerelease rule).
  [[nodiscard]] bool test(const Version& v) const noexcept;
  friend bool operator==(const Comparator& a, const Comparator& b) noexcept {
    return a.op == b.op && (a.op == Op::kAny || compare_build(a.version, b.version) == 0);
  }
};

/// A parsed range: `||`-separated sets of comparators, desugared exactly as
/// node-semver desugars them, plus the exact VersionSet they denote.
class CALLBOARD_EXPORT Range {
 public:
  /// `*`
  Range();

  /// Parses like `new Range(text, options)`.
  /// Errors: kInvalidArgument ("Invalid SemVer Range", with context "input",
  /// "reason" and, where known, "offset"); kResourceExhausted over kMaxRangeLength.
  static Result<Range> parse(std::string_view text, Options options = {});

  /// The canonical string, exactly node-semver's `validRange` ("*" for any).
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] Options options() const noexcept { return options_; }
  /// The comparator sets after desugaring (node's `range.set`).
  [[nodiscard]] const std::vector<std::vector<Comparator>>& sets() const noexcept { return sets_; }
  /// The exact set of versions this range admits under its options. Computed
  /// on first use (thread-safe) and shared by copies of this Range.
  [[nodiscard]] const VersionSet& versions() const;

  /// node-semver `range.test(v)`: some comparator set admits `v` (for a
  /// prerelease `v`, one that names a prerelease of the same major.minor.patch).
  [[nodiscard]] bool satisfied_by(const Version& v) const noexcept;
  /// node-semver `range.test(text)`: parses `text` with this range's options; false if invalid.
  [[nodiscard]] bool satisfied_by(std::string_view version_text) const noexcept;

  /// Equality of the parsed form (canonical string and options), not of meaning;
  /// compare versions() for meaning.
  friend bool operator==(const Range& a, const Range& b) noexcept {
    return a.options_ == b.options_ && a.sets_ == b.sets_;
  }

 private:
  struct Derived;  // lazily computed VersionSet, shared between copies
  Range(std::vector<std::vector<Comparator>> sets, Options options);

  std::vector<std::vector<Comparator>> sets_;
  Options options_;
  std::shared_ptr<Derived> derived_;
};

/// node-semver `satisfies(version, range, options)`: false when either is invalid.
CALLBOARD_EXPORT bool satisfies(std::string_view version, std::string_view range, Options options = {});
/// node-semver `valid(version)`: the canonical version or nullopt.
CALLBOARD_EXPORT std::optional<std::string> valid(std::string_view version, Options options = {});
/// node-semver `validRange(range)`: the canonical range or nullopt.
CALLBOARD_EXPORT std::optional<std::string> valid_range(std::string_view range, Options options = {});

/// node-semver `maxSatisfying(versions, range)`: the highest version (as
/// given) that satisfies, or nullopt (also when the range is invalid).
CALLBOARD_EXPORT std::optional<std::string> max_satisfying(std::span<const std::string> versions,
                                                           std::string_view range, Options options = {});
/// node-semver `minSatisfying`.
CALLBOARD_EXPORT std::optional<std::string> min_satisfying(std::span<const std::string> versions,
                                                           std::string_view range, Options options = {});
/// node-semver `minVersion(range)`: the lowest version that could match, or nullopt.
CALLBOARD_EXPORT std::optional<Version> min_version(const Range& range);

/// Whether some version satisfies both ranges. Exact, unlike node-semver's
/// pairwise-comparator `intersects`, which is wrong on some prerelease
/// ranges (docs/semver.md lists each difference and why).
CALLBOARD_EXPORT bool intersects(const Range& a, const Range& b) noexcept;

/// node-semver `subset(sub, dom)`: whether every version `sub` admits, `dom` admits.
/// Same answers as node-semver (its comparator algorithm, ported).
CALLBOARD_EXPORT bool subset(const Range& sub, const Range& dom) noexcept;

/// node-semver `outside(version, range, hilo)`: whether `v` is above (`'>'`)
/// or below (`'<'`) every version the range admits. gtr/ltr are shorthands.
CALLBOARD_EXPORT bool outside(const Version& v, const Range& range, char hilo) noexcept;
inline bool gtr(const Version& v, const Range& range) noexcept { return outside(v, range, '>'); }
inline bool ltr(const Version& v, const Range& range) noexcept { return outside(v, range, '<'); }

// --------------------------------------------------------------------------
// Specifiers: what real package.json dependency fields contain.

/// What kind of thing a dependency specifier is.
enum class SpecifierKind : std::uint8_t {
  kRange,      ///< a semver range ("^1.2.3", "1.x", "*", "")
  kTag,        ///< a dist-tag ("latest", "next")
  kAlias,      ///< "npm:<name>@<spec>" (or "npm:<name>")
  kWorkspace,  ///< "workspace:^", "workspace:*", "workspace:1.2.3" (yarn/pnpm)
  kBackstage,  ///< "backstage:^" (Backstage's yarn plugin: version from the release manifest)
  kUrl,        ///< "https://.../pkg.tgz"
  kGit,        ///< "git+ssh://...", "github:u/r", "u/r#ref", "git@host:..."
  kFile,       ///< "file:../x", "link:../x", "portal:../x", "./x", "../x", "/x", "~/x"
  kPatch,      ///< "patch:..." (yarn patch protocol)
};
CALLBOARD_EXPORT std::string_view to_string(SpecifierKind kind) noexcept;

/// A classified dependency specifier. `raw` is what was given, unchanged.
struct Specifier {
  SpecifierKind kind = SpecifierKind::kRange;
  std::string raw;
  /// kRange: the range; kAlias/kWorkspace: the range after the prefix when it is one.
  std::optional<Range> range;
  /// kAlias: the aliased package name; kTag: the tag; kWorkspace/kBackstage:
  /// what follows the protocol; kUrl/kGit/kFile/kPatch: the location.
  std::string target;
  friend bool operator==(const Specifier&, const Specifier&) = default;
};

/// Classifies a dependency specifier as npm-package-arg and yarn do.
/// Errors: kInvalidArgument for text that is none of the kinds (with "input"
/// and "reason"); kResourceExhausted over kMaxRangeLength.
CALLBOARD_EXPORT Result<Specifier> parse_specifier(std::string_view text, Options options = {});

/// True when `version`, the text of a version, has a prerelease part: a '-'
/// before any '+'. Cheap (no parse, no validation): for text already known
/// to be a version, such as a packument's keys. Never throws.
[[nodiscard]] CALLBOARD_EXPORT bool is_prerelease_text(std::string_view version) noexcept;

}  // namespace callboard::semver
