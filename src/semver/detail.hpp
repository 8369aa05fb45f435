#pragma once
// Internal helpers shared by the semver translation units. Everything here
// mirrors one piece of node-semver 7.8.5 (classes/*.js, internal/re.js); the
// comments name the piece.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/semver.hpp"

namespace callboard::semver::detail {

/// Length of `text` in UTF-16 code units, as JavaScript's `.length` counts it.
std::size_t utf16_length(std::string_view text) noexcept;

/// JavaScript's String.prototype.trim() on UTF-8 text.
std::string_view js_trim(std::string_view text) noexcept;

/// Length in bytes of the JavaScript whitespace character (\s) at `text[i]`, or 0.
std::size_t js_space_at(std::string_view text, std::size_t i) noexcept;

/// `text.trim().replace(/\s+/g, ' ')`
std::string js_collapse_whitespace(std::string_view text);

/// Whether js_collapse_whitespace would change `text`.
inline bool needs_collapse(std::string_view text) noexcept {
  if (text.empty()) return false;
  if (text.front() == ' ' || text.back() == ' ') return true;
  char prev = 0;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80 || (c >= '\t' && c <= '\r') || (c == ' ' && prev == ' ')) return true;
    prev = c;
  }
  return false;
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_ident_char(char c) noexcept { return is_digit(c) || is_alpha(c) || c == '-'; }

/// Makes an identifier as node's SemVer constructor does: all-digit
/// identifiers below 2^53-1 become numbers (so loose "01" prints as "1").
Identifier make_parsed_identifier(std::string_view text);

/// Whether `text` is a dot-separated list of prerelease identifiers as
/// node's PRERELEASE (strict) / PRERELEASELOOSE regex bodies accept, anchored.
bool valid_prerelease_text(std::string_view text, bool loose) noexcept;

/// Loose mode: the patch digits start at s[i]. MAINVERSIONLOOSE's \d+ may give
/// digits back to the prerelease (`1.2.34beta` is patch 3, prerelease
/// "4beta"), so pick the longest patch whose remainder (up to '+') is empty or
/// a valid loose prerelease (`-?ids`). Sets `end` to the end of the patch.
bool loose_patch_split(std::string_view s, std::size_t i, std::size_t& end) noexcept;

/// JavaScript's isNaN(Number(text)) for identifier text ([0-9A-Za-z-]+).
bool js_number_is_nan(std::string_view text) noexcept;

/// `${+digits + 1}` as JavaScript prints it (digits may be huge or "01").
std::string js_plus_one(std::string_view digits);

/// Structural match of the loose comparator regex (COMPARATORLOOSE), without
/// the length and 2^53 checks the SemVer constructor applies afterwards.
bool matches_comparator_loose(std::string_view comp) noexcept;

/// The comparator sets of a range, exactly as node's Range constructor
/// computes `this.set` (slow, regex-faithful path). Fails as node throws.
Result<std::vector<std::vector<Comparator>>> parse_range_sets_exact(std::string_view collapsed,
                                                                    Options options);

/// The Range constructor's last steps: drop null sets when another set
/// exists, and collapse to `*` when any set is exactly ANY.
void finish_sets(std::vector<std::vector<Comparator>>& sets);
bool is_null_set_comparator(const Comparator& c) noexcept;

/// Fast path for the common shapes; nullopt when the input is outside the
/// shapes it knows (the caller then uses parse_range_sets_exact).
std::optional<std::vector<std::vector<Comparator>>> parse_range_sets_fast(std::string_view collapsed,
                                                                          Options options);

/// node's Range.test over already-parsed sets.
bool test_sets(const std::vector<std::vector<Comparator>>& sets, const Version& v,
               bool include_prerelease) noexcept;

/// The exact VersionSet denoted by comparator sets.
VersionSet version_set_of(const std::vector<std::vector<Comparator>>& sets, bool include_prerelease);

/// Canonical string of comparator sets (node's `range.range`, before the `|| '*'`).
std::string format_sets(const std::vector<std::vector<Comparator>>& sets);

Error invalid(std::string message, std::string_view input, std::string reason);

}  // namespace callboard::semver::detail
