// JavaScript string semantics the port depends on: what `\s` and trim() mean,
// how `.length` counts, how `+x + 1` prints.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>

#include "semver/detail.hpp"

namespace callboard::semver::detail {

namespace {

// Decodes one UTF-8 code point at text[i]; returns {code point, byte length}.
// Invalid bytes decode as themselves with length 1 (they are never whitespace).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return {b0, 1};
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= text.size()) return -1;
    const auto b = static_cast<unsigned char>(text[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if ((b0 & 0xE0) == 0xC0) {
    const int c1 = cont(1);
    if (c1 < 0) return {0xFFFD, 1};
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | c1), 2};
  }
  if ((b0 & 0xF0) == 0xE0) {
    const int c1 = cont(1), c2 = cont(2);
    if (c1 < 0 || c2 < 0) return {0xFFFD, 1};
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | (c1 << 6) | c2), 3};
  }
  if ((b0 & 0xF8) == 0xF0) {
    const int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return {0xFFFD, 1};
    return {static_cast<char32_t>(((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3), 4};
  }
  return {0xFFFD, 1};
}

bool is_js_space(char32_t c) noexcept {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

std::size_t utf16_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto [cp, len] = decode(text, i);
    n += cp >= 0x10000 ? 2 : 1;
    i += len;
  }
  return n;
}

std::size_t js_space_at(std::string_view text, std::size_t i) noexcept {
  if (i >= text.size()) return 0;
  const char c = text[i];
  if (static_cast<unsigned char>(c) < 0x80) {
    return (c == ' ' || (c >= '\t' && c <= '\r')) ? 1 : 0;
  }
  auto [cp, len] = decode(text, i);
  return is_js_space(cp) ? len : 0;
}

std::string_view js_trim(std::string_view text) noexcept {
  std::size_t b = 0;
  while (b < text.size()) {
    const std::size_t n = js_space_at(text, b);
    if (n == 0) break;
    b += n;
  }
  std::size_t e = text.size();
  while (e > b) {
    // Walk back to the start of the last code point.
    std::size_t s = e - 1;
    while (s > b && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
    const std::size_t n = js_space_at(text, s);
    if (n == 0 || s + n != e) break;
    e = s;
  }
  return text.substr(b, e - b);
}

std::string js_collapse_whitespace(std::string_view text) {
  const std::string_view t = js_trim(text);
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size();) {
    const std::size_t n = js_space_at(t, i);
    if (n == 0) {
      out.push_back(t[i]);
      ++i;
      continue;
    }
    out.push_back(' ');
    i += n;
    while (std::size_t m = js_space_at(t, i)) i += m;
  }
  return out;
}

bool valid_prerelease_text(std::string_view text, bool loose) noexcept {
  if (text.empty()) return false;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    bool all_digits = true;
    while (i < text.size() && text[i] != '.') {
      if (!is_ident_char(text[i])) return false;
      all_digits = all_digits && is_digit(text[i]);
      ++i;
    }
    const std::size_t len = i - start;
    if (len == 0) return false;
    if (all_digits) {
      // NUMERICIDENTIFIER is 0|[1-9]\d{0,256}; loose \d{1,256}.
      if (!loose && len > 1 && text[start] == '0') return false;
      if (len > 257 || (loose && len > 256)) return false;
    } else {
      // \d{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}
      std::size_t d = 0;
      while (is_digit(text[start + d])) ++d;
      if (d > 256 || len - d - 1 > 250) return false;
    }
    if (i == text.size()) return true;
    ++i;  // '.'
  }
}

bool loose_patch_split(std::string_view s, std::size_t i, std::size_t& end) noexcept {
  std::size_t d = i;
  while (d < s.size() && is_digit(s[d])) ++d;
  if (d == i) return false;
  const std::size_t plus = s.find('+', d);
  const std::size_t stop = plus == std::string_view::npos ? s.size() : plus;
  // \d{1,256}: at most 256 digits for the patch itself.
  for (std::size_t k = std::min(d, i + 256); k > i; --k) {
    const std::string_view rest = s.substr(k, stop - k);
    const bool ok = rest.empty() || (rest[0] == '-' && valid_prerelease_text(rest.substr(1), true)) ||
                    valid_prerelease_text(rest, true);
    if (ok) {
      end = k;
      return true;
    }
  }
  return false;
}

Identifier make_parsed_identifier(std::string_view text) {
  // Text without a leading zero before another digit is already canonical.
  if (text.size() == 1 || text[0] != '0' || !is_digit(text[1])) return Identifier::from_parsed_text(text);
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    std::uint64_t v = 0;
    bool big = false;
    for (char c : text) {
      if (v > (kMaxSafeInteger / 10) + 1) {
        big = true;
        break;
      }
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    // node: `num >= 0 && num < MAX_SAFE_INTEGER` keeps it a number.
    if (!big && v < kMaxSafeInteger) return Identifier(v);
  }
  return Identifier(std::string(text));
}

bool js_number_is_nan(std::string_view s) noexcept {
  if (s.empty()) return false;  // Number('') === 0
  if (s == "Infinity" || s == "-Infinity") return false;
  auto all = [](std::string_view t, auto pred) {
    if (t.empty()) return false;
    for (char c : t)
      if (!pred(c)) return false;
    return true;
  };
  if (s.size() > 2 && s[0] == '0') {
    const char p = s[1];
    const std::string_view rest = s.substr(2);
    if (p == 'x' || p == 'X')
      return !all(rest, [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
    if (p == 'o' || p == 'O') return !all(rest, [](char c) { return c >= '0' && c <= '7'; });
    if (p == 'b' || p == 'B') return !all(rest, [](char c) { return c == '0' || c == '1'; });
  }
  std::string_view t = s;
  if (t.front() == '-') t.remove_prefix(1);
  // digits ( [eE] -? digits )?   -- no '.', no '+', given the identifier alphabet
  std::size_t i = 0;
  while (i < t.size() && is_digit(t[i])) ++i;
  if (i == 0) return true;
  if (i == t.size()) return false;
  if (t[i] != 'e' && t[i] != 'E') return true;
  ++i;
  if (i < t.size() && t[i] == '-') ++i;
  const std::size_t exp_start = i;
  while (i < t.size() && is_digit(t[i])) ++i;
  return !(i > exp_start && i == t.size());
}

std::string js_plus_one(std::string_view digits) {
  // Exact for everything that can end up in a valid comparator (< 2^53);
  // beyond that node's result is rejected later anyway, so only the shape
  // (digits, or an exponent form from 1e21 on) has to match.
  std::uint64_t v = 0;
  std::size_t nz = 0;
  while (nz < digits.size() && digits[nz] == '0') ++nz;
  if (digits.size() - nz <= 15) {  // below 2^53: JavaScript's arithmetic is exact
    for (char c : digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return std::to_string(v + 1);
  }
  const std::string s(digits);
  const double d = std::strtod(s.c_str(), nullptr) + 1.0;
  if (std::isinf(d)) return "Infinity";
  char buf[400];
  if (d < 1e21) {
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

Error invalid(std::string message, std::string_view input, std::string reason) {
  Error e = make_error(ErrorCode::kInvalidArgument, std::move(message));
  e.with("input", std::string(input.substr(0, 300)));
  if (!reason.empty()) e.with("reason", std::move(reason));
  return e;
}

}  // namespace callboard::semver::detail

namespace callboard::semver {

bool is_prerelease_text(std::string_view version) noexcept {
  const std::size_t plus = version.find('+');
  return version.substr(0, plus).find('-') != std::string_view::npos;
}

}  // namespace callboard::semver
