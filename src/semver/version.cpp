// Version and Identifier: node-semver classes/semver.js, internal/identifiers.js,
// functions/{inc,diff,coerce,clean,valid}.js.
#include <algorithm>
#include <cstdlib>
#include <regex>

#include "semver/detail.hpp"

namespace callboard::semver {

using detail::is_digit;

// ---------------------------------------------------------------- Identifier

Identifier::Identifier(std::uint64_t number)
    : text_(std::to_string(number)),
      number_(number),
      magnitude_(static_cast<double>(number)),
      numeric_(true),
      small_(true) {}

Identifier Identifier::from_parsed_text(std::string_view text) {
  Identifier id;
  id.text_.assign(text.data(), text.size());
  bool digits = true;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!is_digit(c)) {
      digits = false;
      break;
    }
    if (v <= kMaxSafeInteger) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!digits) return id;
  id.numeric_ = true;
  if (text.size() <= 16 && v < kMaxSafeInteger && (text.size() == 1 || text[0] != '0')) {
    id.number_ = v;
    id.small_ = true;
    id.magnitude_ = static_cast<double>(v);
  } else {
    id.magnitude_ = std::strtod(id.text_.c_str(), nullptr);
  }
  return id;
}

Identifier::Identifier(std::string text) : text_(std::move(text)) {
  numeric_ = !text_.empty();
  for (char c : text_) numeric_ = numeric_ && is_digit(c);
  if (!numeric_) return;
  magnitude_ = std::strtod(text_.c_str(), nullptr);
  if ((text_.size() == 1 || text_[0] != '0') && text_.size() <= 16) {
    const std::uint64_t v = std::strtoull(text_.c_str(), nullptr, 10);
    if (v < kMaxSafeInteger) {
      number_ = v;
      small_ = true;
    }
  }
}

std::strong_ordering operator<=>(const Identifier& a, const Identifier& b) noexcept {
  // compareIdentifiers: numbers compare numerically (as JavaScript doubles),
  // numeric identifiers sort before alphanumeric ones, the rest by code unit.
  if (a.small_ && b.small_) return a.number_ <=> b.number_;
  if (a.numeric_ && b.numeric_) {
    if (a.magnitude_ < b.magnitude_) return std::strong_ordering::less;
    if (a.magnitude_ > b.magnitude_) return std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }
  if (a.numeric_) return std::strong_ordering::less;
  if (b.numeric_) return std::strong_ordering::greater;
  const int c = a.text_.compare(b.text_);
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

namespace {

// Whether node holds this identifier as a JavaScript number (numeric, below 2^53-1).
bool is_js_number(const Identifier& x) noexcept {
  return x.is_numeric() && (x.number() != 0 || x.text() == "0");
}

// JavaScript `a === b` on the stored representation (number or string).
bool identical(const Identifier& a, const Identifier& b) noexcept {
  const bool an = is_js_number(a);
  if (an != is_js_number(b)) return false;
  return an ? a.number() == b.number() : a.text() == b.text();
}

int sign(std::strong_ordering o) noexcept { return o < 0 ? -1 : o > 0 ? 1 : 0; }

int compare_main(const Version& a, const Version& b) noexcept {
  if (a.major() != b.major()) return a.major() < b.major() ? -1 : 1;
  if (a.minor() != b.minor()) return a.minor() < b.minor() ? -1 : 1;
  if (a.patch() != b.patch()) return a.patch() < b.patch() ? -1 : 1;
  return 0;
}

// SemVer.comparePre, including node's early `return compareIdentifiers(a, b)`
// which stops at the first non-identical pair even when it compares equal.
int compare_pre(std::span<const Identifier> a, std::span<const Identifier> b) noexcept {
  if (!a.empty() && b.empty()) return -1;
  if (a.empty() && !b.empty()) return 1;
  for (std::size_t i = 0;; ++i) {
    if (i >= a.size() && i >= b.size()) return 0;
    if (i >= b.size()) return 1;
    if (i >= a.size()) return -1;
    if (identical(a[i], b[i])) continue;
    return sign(a[i] <=> b[i]);
  }
}

int compare_ids_text(const std::string& a, const std::string& b) {
  return sign(Identifier(a) <=> Identifier(b));
}

}  // namespace

// ---------------------------------------------------------------- Version

Version::Version(std::uint64_t major, std::uint64_t minor, std::uint64_t patch,
                 std::vector<Identifier> prerelease, std::vector<std::string> build)
    : major_(major), minor_(minor), patch_(patch), prerelease_(std::move(prerelease)), build_(std::move(build)) {}

std::weak_ordering Version::compare_prerelease(const Version& a, const Version& b) noexcept {
  const int c = compare_pre(a.prerelease(), b.prerelease());
  return c < 0 ? std::weak_ordering::less : c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent;
}

std::strong_ordering compare_build(const Version& a, const Version& b) noexcept {
  const auto c = a <=> b;
  if (c < 0) return std::strong_ordering::less;
  if (c > 0) return std::strong_ordering::greater;
  const auto ab = a.build(), bb = b.build();
  for (std::size_t i = 0;; ++i) {
    if (i >= ab.size() && i >= bb.size()) return std::strong_ordering::equal;
    if (i >= bb.size()) return std::strong_ordering::greater;
    if (i >= ab.size()) return std::strong_ordering::less;
    if (ab[i] == bb[i]) continue;
    const int r = compare_ids_text(ab[i], bb[i]);
    return r < 0 ? std::strong_ordering::less : r > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
  }
}

namespace {

// Exact order of two numeric identifiers (digits only) by value, then text.
std::strong_ordering numeric_text_order(std::string_view a, std::string_view b) noexcept {
  const auto strip = [](std::string_view s) {
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    return s;
  };
  const std::string_view x = strip(a), y = strip(b);
  if (x.size() != y.size()) return x.size() <=> y.size();
  if (const int c = x.compare(y); c != 0) return c <=> 0;
  return a.compare(b) <=> 0;
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// compareIdentifiers made exact: numbers by value, before alphanumerics,
// which compare by code unit.
std::strong_ordering exact_identifier_order(std::string_view a, std::string_view b) noexcept {
  const bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) return numeric_text_order(a, b);
  if (an != bn) return an ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

template <typename List, typename Text>
std::strong_ordering list_order(const List& a, const List& b, Text text) noexcept {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (const auto c = exact_identifier_order(text(a[i]), text(b[i])); c != 0) return c;
  }
  return a.size() <=> b.size();
}

}  // namespace

std::strong_ordering sort_order(const Version& a, const Version& b) noexcept {
  if (const int c = compare_main(a, b); c != 0) return c <=> 0;
  const auto pa = a.prerelease(), pb = b.prerelease();
  // A release sorts after its prereleases.
  if (pa.empty() != pb.empty()) return pa.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  if (const auto c = list_order(pa, pb, [](const Identifier& i) { return std::string_view(i.text()); }); c != 0) {
    return c;
  }
  return list_order(a.build(), b.build(), [](const std::string& s) { return std::string_view(s); });
}

std::string Version::to_string() const {
  std::string s = std::to_string(major_);
  s += '.';
  s += std::to_string(minor_);
  s += '.';
  s += std::to_string(patch_);
  for (std::size_t i = 0; i < prerelease_.size(); ++i) {
    s += i == 0 ? '-' : '.';
    s += prerelease_[i].text();
  }
  return s;
}

std::string Version::to_string_with_build() const {
  std::string s = to_string();
  for (std::size_t i = 0; i < build_.size(); ++i) {
    s += i == 0 ? '+' : '.';
    s += build_[i];
  }
  return s;
}

Version Version::successor() const {
  if (prerelease_.empty()) return Version(major_, minor_, patch_ + 1, {Identifier(std::uint64_t{0})});
  std::vector<Identifier> pre = prerelease_;
  pre.emplace_back(std::uint64_t{0});
  return Version(major_, minor_, patch_, std::move(pre));
}

namespace {

enum class NumError : std::uint8_t { kNone, kMissing, kLeadingZero, kTooLarge };

// Reads a numeric component at s[i]: strict 0|[1-9]\d*, loose \d+; at most 2^53-1.
inline NumError read_component(std::string_view s, std::size_t& i, bool loose, std::uint64_t& out) noexcept {
  const std::size_t start = i;
  std::uint64_t v = 0;
  while (i < s.size() && is_digit(s[i])) {
    v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (v > kMaxSafeInteger) {
      while (i < s.size() && is_digit(s[i])) ++i;
      return NumError::kTooLarge;
    }
    ++i;
  }
  if (i == start) return NumError::kMissing;
  if (!loose && i - start > 1 && s[start] == '0') return NumError::kLeadingZero;
  out = v;
  return NumError::kNone;
}

std::string describe(NumError e, const char* name, std::size_t offset) {
  switch (e) {
    case NumError::kMissing:
      return std::string("expected digits for the ") + name + " component at offset " + std::to_string(offset);
    case NumError::kLeadingZero: return std::string("the ") + name + " component has a leading zero";
    case NumError::kTooLarge: return std::string("the ") + name + " component is larger than 2^53-1";
    case NumError::kNone: break;
  }
  return {};
}

// Whether trimming could change `s`: an ASCII space at either end, or a
// non-ASCII byte there (which may start or end a Unicode space).
inline bool may_need_trim(std::string_view s) noexcept {
  if (s.empty()) return false;
  auto edge = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || static_cast<unsigned char>(c) >= 0x80; };
  return edge(s.front()) || edge(s.back());
}

void split_identifiers(std::string_view text, std::vector<Identifier>& out) {
  out.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '.')) + 1);
  std::size_t i = 0;
  while (true) {
    const std::size_t dot = text.find('.', i);
    const std::string_view id = text.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    out.push_back(detail::make_parsed_identifier(id));
    if (dot == std::string_view::npos) return;
    i = dot + 1;
  }
}

// Validates and splits a strict prerelease in one pass (the hot path of
// parsing Backstage's many `-next.N` versions). Same acceptance as
// detail::valid_prerelease_text(text, false).
bool parse_strict_prerelease(std::string_view text, std::vector<Identifier>& out) {
  if (text.empty()) return false;
  out.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '.')) + 1);
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    std::size_t digits = 0;  // leading digit run
    bool all_digits = true;
    while (i < text.size() && text[i] != '.') {
      const char c = text[i];
      if (is_digit(c)) {
        if (all_digits) ++digits;
      } else if (detail::is_alpha(c) || c == '-') {
        all_digits = false;
      } else {
        return false;
      }
      ++i;
    }
    const std::size_t len = i - start;
    if (len == 0) return false;
    if (all_digits) {
      if ((len > 1 && text[start] == '0') || len > 257) return false;
    } else if (digits > 256 || len - digits - 1 > 250) {
      return false;
    }
    out.push_back(Identifier::from_parsed_text(text.substr(start, len)));
    if (i == text.size()) return true;
    ++i;
  }
}

bool valid_build_text(std::string_view text) noexcept {
  if (text.empty()) return false;
  std::size_t run = 0;
  for (char c : text) {
    if (c == '.') {
      if (run == 0) return false;
      run = 0;
    } else if (detail::is_ident_char(c)) {
      ++run;
    } else {
      return false;
    }
  }
  return run != 0;
}

}  // namespace

Result<Version> Version::parse(std::string_view text, Options options) {
  // UTF-16 length never exceeds the UTF-8 byte count, so count only when it might matter.
  if (text.size() > kMaxVersionLength && detail::utf16_length(text) > kMaxVersionLength) {
    Error e = make_error(ErrorCode::kResourceExhausted,
                         "version is longer than " + std::to_string(kMaxVersionLength) + " characters");
    e.with("input", std::string(text.substr(0, 64)) + "...");
    return e;
  }
  const std::string_view s = may_need_trim(text) ? detail::js_trim(text) : text;
  auto fail = [&](std::string reason) -> Result<Version> {
    return detail::invalid("Invalid Version: " + std::string(text), text, std::move(reason));
  };
  std::size_t i = 0;
  if (options.loose) {
    while (i < s.size()) {
      if (s[i] == 'v' || s[i] == '=') {
        ++i;
      } else if (std::size_t n = detail::js_space_at(s, i)) {
        i += n;
      } else {
        break;
      }
    }
  } else if (i < s.size() && s[i] == 'v') {
    ++i;
  }
  Version v;
  std::size_t at = i;
  if (auto e = read_component(s, i, options.loose, v.major_); e != NumError::kNone) return fail(describe(e, "major", at));
  if (i >= s.size() || s[i] != '.') return fail("expected '.' after the major component");
  at = ++i;
  if (auto e = read_component(s, i, options.loose, v.minor_); e != NumError::kNone) return fail(describe(e, "minor", at));
  if (i >= s.size() || s[i] != '.') return fail("expected '.' after the minor component");
  at = ++i;
  if (options.loose) {
    std::size_t end = 0;
    if (!detail::loose_patch_split(s, i, end)) {
      return fail(i < s.size() && is_digit(s[i]) ? "invalid prerelease after the patch component"
                                                 : describe(NumError::kMissing, "patch", at));
    }
    if (auto e = read_component(s.substr(0, end), i, true, v.patch_); e != NumError::kNone)
      return fail(describe(e, "patch", at));
  } else if (auto e = read_component(s, i, false, v.patch_); e != NumError::kNone) {
    return fail(describe(e, "patch", at));
  }
  if (i == s.size()) return v;  // the common case: a plain release

  const std::size_t plus = s.find('+', i);
  std::string_view pre = s.substr(i, plus == std::string_view::npos ? std::string_view::npos : plus - i);
  if (!pre.empty()) {
    if (options.loose) {
      // PRERELEASELOOSE is `-?(ids)`: the dash is optional, and an id may itself start with '-'.
      if (pre[0] == '-' && detail::valid_prerelease_text(pre.substr(1), true)) {
        pre.remove_prefix(1);
      } else if (!detail::valid_prerelease_text(pre, true)) {
        return fail("invalid prerelease \"" + std::string(pre) + "\"");
      }
      split_identifiers(pre, v.prerelease_);
    } else {
      if (pre[0] != '-') return fail("unexpected character '" + std::string(1, pre[0]) + "' after the patch component");
      pre.remove_prefix(1);
      if (!parse_strict_prerelease(pre, v.prerelease_))
        return fail("invalid prerelease \"" + std::string(pre) +
                    "\" (identifiers are [0-9A-Za-z-]+, numbers without leading zeros)");
    }
  }
  if (plus != std::string_view::npos) {
    const std::string_view build = s.substr(plus + 1);
    if (!valid_build_text(build)) return fail("invalid build metadata \"" + std::string(build) + "\"");
    std::size_t k = 0;
    while (true) {
      const std::size_t dot = build.find('.', k);
      v.build_.emplace_back(build.substr(k, dot == std::string_view::npos ? std::string_view::npos : dot - k));
      if (dot == std::string_view::npos) break;
      k = dot + 1;
    }
  }
  return v;
}

// ---------------------------------------------------------------- inc / diff

std::string_view to_string(ReleaseType type) noexcept {
  switch (type) {
    case ReleaseType::kMajor: return "major";
    case ReleaseType::kPremajor: return "premajor";
    case ReleaseType::kMinor: return "minor";
    case ReleaseType::kPreminor: return "preminor";
    case ReleaseType::kPatch: return "patch";
    case ReleaseType::kPrepatch: return "prepatch";
    case ReleaseType::kPrerelease: return "prerelease";
    case ReleaseType::kRelease: return "release";
    case ReleaseType::kPre: return "pre";
  }
  return "";
}

std::optional<ReleaseType> parse_release_type(std::string_view text) noexcept {
  for (auto t : {ReleaseType::kMajor, ReleaseType::kPremajor, ReleaseType::kMinor, ReleaseType::kPreminor,
                 ReleaseType::kPatch, ReleaseType::kPrepatch, ReleaseType::kPrerelease, ReleaseType::kRelease,
                 ReleaseType::kPre}) {
    if (to_string(t) == text) return t;
  }
  return std::nullopt;
}

namespace {

struct Mutable {
  std::uint64_t major, minor, patch;
  std::vector<Identifier> pre;
};

std::string join_pre(const std::vector<Identifier>& pre) {
  std::string s;
  for (std::size_t i = 0; i < pre.size(); ++i) {
    if (i) s += '.';
    s += pre[i].text();
  }
  return s;
}

Result<void> inc_step(Mutable& v, ReleaseType release, std::string_view identifier, IdentifierBase base,
                      bool loose) {
  const auto sv = to_string(release);
  if (sv.substr(0, 3) == "pre") {
    if (identifier.empty() && base == IdentifierBase::kNone)
      return make_error(ErrorCode::kInvalidArgument, "invalid increment argument: identifier is empty");
    if (!identifier.empty() && !detail::valid_prerelease_text(identifier, loose))
      return make_error(ErrorCode::kInvalidArgument, "invalid identifier: " + std::string(identifier));
  }
  const std::uint64_t base_num = base == IdentifierBase::kOne ? 1 : 0;
  switch (release) {
    case ReleaseType::kPremajor:
      v.pre.clear();
      v.patch = 0;
      v.minor = 0;
      ++v.major;
      return inc_step(v, ReleaseType::kPre, identifier, base, loose);
    case ReleaseType::kPreminor:
      v.pre.clear();
      v.patch = 0;
      ++v.minor;
      return inc_step(v, ReleaseType::kPre, identifier, base, loose);
    case ReleaseType::kPrepatch:
      v.pre.clear();
      if (auto r = inc_step(v, ReleaseType::kPatch, identifier, base, loose); !r) return r;
      return inc_step(v, ReleaseType::kPre, identifier, base, loose);
    case ReleaseType::kPrerelease:
      if (v.pre.empty()) {
        if (auto r = inc_step(v, ReleaseType::kPatch, identifier, base, loose); !r) return r;
      }
      return inc_step(v, ReleaseType::kPre, identifier, base, loose);
    case ReleaseType::kRelease:
      if (v.pre.empty()) return make_error(ErrorCode::kInvalidArgument, "version is not a prerelease");
      v.pre.clear();
      return {};
    case ReleaseType::kMajor:
      if (v.minor != 0 || v.patch != 0 || v.pre.empty()) ++v.major;
      v.minor = 0;
      v.patch = 0;
      v.pre.clear();
      return {};
    case ReleaseType::kMinor:
      if (v.patch != 0 || v.pre.empty()) ++v.minor;
      v.patch = 0;
      v.pre.clear();
      return {};
    case ReleaseType::kPatch:
      if (v.pre.empty()) ++v.patch;
      v.pre.clear();
      return {};
    case ReleaseType::kPre: {
      if (v.pre.empty()) {
        v.pre = {Identifier(base_num)};
      } else {
        bool incremented = false;
        for (std::size_t i = v.pre.size(); i-- > 0;) {
          // Only identifiers node holds as numbers (below 2^53-1) are incremented.
          if (is_js_number(v.pre[i])) {
            v.pre[i] = Identifier(v.pre[i].number() + 1);
            incremented = true;
            break;
          }
        }
        if (!incremented) {
          if (!identifier.empty() && identifier == join_pre(v.pre) && base == IdentifierBase::kNone)
            return make_error(ErrorCode::kInvalidArgument, "invalid increment argument: identifier already exists");
          v.pre.emplace_back(base_num);
        }
      }
      if (!identifier.empty()) {
        std::vector<Identifier> fresh{Identifier(std::string(identifier))};
        if (base != IdentifierBase::kNone) fresh.emplace_back(base_num);
        // isPrereleaseIdentifier(this.prerelease, identifier)
        std::vector<std::string> ids;
        for (std::size_t k = 0;;) {
          const std::size_t dot = identifier.find('.', k);
          ids.emplace_back(identifier.substr(k, dot == std::string_view::npos ? std::string_view::npos : dot - k));
          if (dot == std::string_view::npos) break;
          k = dot + 1;
        }
        bool is_prefix = ids.size() <= v.pre.size();
        for (std::size_t k = 0; is_prefix && k < ids.size(); ++k) {
          is_prefix = (v.pre[k] <=> Identifier(ids[k])) == 0;
        }
        if (is_prefix) {
          const bool nan = ids.size() >= v.pre.size() ||
                           (!v.pre[ids.size()].is_numeric() && detail::js_number_is_nan(v.pre[ids.size()].text()));
          if (nan) v.pre = std::move(fresh);
        } else {
          v.pre = std::move(fresh);
        }
      }
      return {};
    }
  }
  return make_error(ErrorCode::kInvalidArgument, "invalid increment argument");
}

}  // namespace

Result<Version> inc(const Version& version, ReleaseType release, std::string_view identifier, IdentifierBase base,
                    Options options) {
  Mutable m{version.major(), version.minor(), version.patch(),
            std::vector<Identifier>(version.prerelease().begin(), version.prerelease().end())};
  if (auto r = inc_step(m, release, identifier, base, options.loose); !r) {
    Error e = std::move(r).error();
    e.with("version", version.to_string()).with("release", std::string(to_string(release)));
    return e;
  }
  return Version(m.major, m.minor, m.patch, std::move(m.pre),
                 std::vector<std::string>(version.build().begin(), version.build().end()));
}

std::optional<ReleaseType> diff(const Version& v1, const Version& v2) noexcept {
  const auto c = v1 <=> v2;
  if (c == 0) return std::nullopt;
  const bool v1_higher = c > 0;
  const Version& high = v1_higher ? v1 : v2;
  const Version& low = v1_higher ? v2 : v1;
  const bool high_pre = high.is_prerelease();
  const bool low_pre = low.is_prerelease();
  if (low_pre && !high_pre) {
    if (low.patch() == 0 && low.minor() == 0) return ReleaseType::kMajor;
    if (compare_main(low, high) == 0) {
      if (low.minor() != 0 && low.patch() == 0) return ReleaseType::kMinor;
      return ReleaseType::kPatch;
    }
  }
  if (v1.major() != v2.major()) return high_pre ? ReleaseType::kPremajor : ReleaseType::kMajor;
  if (v1.minor() != v2.minor()) return high_pre ? ReleaseType::kPreminor : ReleaseType::kMinor;
  if (v1.patch() != v2.patch()) return high_pre ? ReleaseType::kPrepatch : ReleaseType::kPatch;
  return ReleaseType::kPrerelease;
}

// ---------------------------------------------------------------- coerce / clean / valid

namespace {

constexpr const char* kPrid = R"((?:[0-9]{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}|0|[1-9][0-9]{0,256}))";

const std::regex& coerce_regex(bool full) {
  // COERCE / COERCEFULL from internal/re.js (safe variants), with \d spelled [0-9].
  static const std::regex plain(R"(((?:^|[^0-9]))([0-9]{1,16})(?:\.([0-9]{1,16}))?(?:\.([0-9]{1,16}))?(?:$|[^0-9]))",
                                std::regex::ECMAScript | std::regex::optimize);
  static const std::regex with_pre(
      std::string(R"(((?:^|[^0-9]))([0-9]{1,16})(?:\.([0-9]{1,16}))?(?:\.([0-9]{1,16}))?(?:(?:-()") + kPrid +
          R"((?:\.)" + kPrid +
          R"()*)))?(?:(?:\+([a-zA-Z0-9-]{1,250}(?:\.[a-zA-Z0-9-]{1,250})*)))?(?:$|[^0-9]))",
      std::regex::ECMAScript | std::regex::optimize);
  return full ? with_pre : plain;
}

}  // namespace

std::optional<Version> coerce(std::string_view text, CoerceOptions options) {
  if (text.size() > kMaxRangeLength) return std::nullopt;
  const std::string s(text);
  const std::regex& re = coerce_regex(options.include_prerelease);
  std::smatch m;
  std::optional<std::smatch> found;
  if (!options.rtl) {
    if (std::regex_search(s, m, re)) found = m;
  } else {
    // Right-most match that does not share its end with a longer one to its left.
    std::size_t last_index = 0;
    auto end_of = [](const std::smatch& x, std::size_t offset) {
      return offset + static_cast<std::size_t>(x.position(0) + x.length(0));
    };
    std::size_t found_offset = 0;
    while (last_index <= s.size()) {
      const auto flags = last_index == 0 ? std::regex_constants::match_default : std::regex_constants::match_prev_avail;
      std::smatch next;
      if (!std::regex_search(s.cbegin() + static_cast<std::ptrdiff_t>(last_index), s.cend(), next, re, flags)) break;
      if (found && end_of(*found, found_offset) == s.size()) break;
      if (!found || end_of(next, last_index) != end_of(*found, found_offset)) {
        found = next;
        found_offset = last_index;
      }
      last_index = last_index + static_cast<std::size_t>(next.position(0)) +
                   static_cast<std::size_t>(next.length(1) + next.length(2));
    }
  }
  if (!found) return std::nullopt;
  const std::smatch& f = *found;
  std::string out = f[2].str();
  out += '.';
  out += f[3].matched && f[3].length() ? f[3].str() : "0";
  out += '.';
  out += f[4].matched && f[4].length() ? f[4].str() : "0";
  if (options.include_prerelease && f[5].matched && f[5].length()) out += "-" + f[5].str();
  if (options.include_prerelease && f[6].matched && f[6].length()) out += "+" + f[6].str();
  auto v = Version::parse(out, Options{options.loose, options.include_prerelease});
  if (!v) return std::nullopt;
  return std::move(v).value();
}

std::optional<std::string> clean(std::string_view text, Options options) {
  std::string_view s = detail::js_trim(text);
  while (!s.empty() && (s.front() == '=' || s.front() == 'v')) s.remove_prefix(1);
  auto v = Version::parse(s, options);
  if (!v) return std::nullopt;
  return v->to_string();
}

std::optional<std::string> valid(std::string_view text, Options options) {
  auto v = Version::parse(text, options);
  if (!v) return std::nullopt;
  return v->to_string();
}

}  // namespace callboard::semver
