// ISO-8601 timestamps as npm's registry writes them ("2024-05-01T12:00:00.000Z").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "callboard/model.hpp"

namespace callboard {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's
// days_from_civil), valid for every year we accept (0..9999).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[pos]; advances pos.
std::optional<unsigned> digits(std::string_view text, std::size_t& pos, std::size_t n) noexcept {
  if (pos > text.size() || text.size() - pos < n) return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view text, std::size_t& pos, char c) noexcept {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

constexpr std::int64_t kMsPerDay = 86'400'000;
// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: what four-digit years hold.
constexpr std::int64_t kMinMs = days_from_civil(0, 1, 1) * kMsPerDay;
constexpr std::int64_t kMaxMs = (days_from_civil(9999, 12, 31) + 1) * kMsPerDay - 1;

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  const auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = digits(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !expect(text, pos, '-')) return std::nullopt;
  const auto day = digits(text, pos, 2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;

  std::int64_t ms = days_from_civil(*year, *month, *day) * kMsPerDay;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    const auto hour = digits(text, pos, 2);
    if (!hour || *hour > 23 || !expect(text, pos, ':')) return std::nullopt;
    const auto minute = digits(text, pos, 2);
    if (!minute || *minute > 59) return std::nullopt;
    unsigned second = 0;
    unsigned millis = 0;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      const auto s = digits(text, pos, 2);
      if (!s || *s > 59) return std::nullopt;
      second = *s;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        // Any number of fraction digits; milliseconds keep the first three.
        std::size_t count = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (count < 3) millis = millis * 10 + static_cast<unsigned>(text[pos] - '0');
          ++count;
          ++pos;
        }
        if (count == 0) return std::nullopt;
        for (std::size_t i = count; i < 3; ++i) millis *= 10;
      }
    }
    ms += ((static_cast<std::int64_t>(*hour) * 60 + *minute) * 60 + second) * 1000 + millis;
    // Zone: Z, +HH:MM, +HHMM, +HH; none means UTC.
    if (pos < text.size()) {
      const char z = text[pos];
      if (z == 'Z' || z == 'z') {
        ++pos;
      } else if (z == '+' || z == '-') {
        ++pos;
        const auto oh = digits(text, pos, 2);
        if (!oh || *oh > 23) return std::nullopt;
        unsigned om = 0;
        if (pos < text.size()) {
          if (text[pos] == ':') ++pos;
          const auto m = digits(text, pos, 2);
          if (!m || *m > 59) return std::nullopt;
          om = *m;
        }
        const std::int64_t offset = (static_cast<std::int64_t>(*oh) * 60 + om) * 60'000;
        ms += z == '+' ? -offset : offset;
      } else {
        return std::nullopt;
      }
    }
    if (pos != text.size()) return std::nullopt;
  }
  if (ms < kMinMs || ms > kMaxMs) return std::nullopt;
  return Timestamp{std::chrono::milliseconds{ms}};
}

std::string format_timestamp(Timestamp t) {
  const std::int64_t ms = t.time_since_epoch().count();
  std::int64_t days = ms / kMsPerDay;
  std::int64_t rest = ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  const auto ms_of_day = static_cast<unsigned>(rest);
  const unsigned hour = ms_of_day / 3'600'000;
  const unsigned minute = ms_of_day / 60'000 % 60;
  const unsigned second = ms_of_day / 1000 % 60;
  const unsigned millis = ms_of_day % 1000;

  std::string out;
  out.reserve(24);
  auto put = [&out](std::uint64_t v, int width) {
    char buf[24];
    int n = 0;
    do {
      buf[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (int i = n; i < width; ++i) out.push_back('0');
    while (n > 0) out.push_back(buf[--n]);
  };
  // Years outside 0..9999 (never produced by parse_timestamp) keep their sign
  // and digits so nothing is lost in logs, though they do not parse back.
  if (c.year < 0) out.push_back('-');
  put(static_cast<std::uint64_t>(c.year < 0 ? -c.year : c.year), 4);
  out.push_back('-');
  put(c.month, 2);
  out.push_back('-');
  put(c.day, 2);
  out.push_back('T');
  put(hour, 2);
  out.push_back(':');
  put(minute, 2);
  out.push_back(':');
  put(second, 2);
  out.push_back('.');
  put(millis, 3);
  out.push_back('Z');
  return out;
}

}  // namespace callboard
