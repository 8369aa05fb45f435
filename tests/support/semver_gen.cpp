#include "semver_gen.hpp"

namespace callboard::test {
namespace {

const std::vector<std::string> kWords = {"alpha", "beta", "rc", "pre", "a", "b", "x", "next",
                                         "dev", "canary", "z", "A", "RC", "build", "0a", "1a",
                                         "a1", "rc-1", "-", "--", "-1", "x-y", "alpha-", "n0"};
const std::vector<std::string> kHuge = {"9007199254740991", "9007199254740992", "9007199254740993",
                                        "9007199254740990", "99999999999999999999",
                                        "18446744073709551616", "4294967296", "2147483648"};
const std::vector<std::string> kSpecialRanges = {
    "", " ", "*", "x", "X", "x.x", "*.*.*", "X.X.X", ">=*", "<*", ">*", "=*", "~*", "^*",
    "~ 1", "^ 1", "~  1.2", "^  0.1", "> = 1", ">= 1", "< 2", "<= 2.0", "> =1.2.3", "=  1.2.3",
    "~>1.2", "~> 1.2.3", "~>1", "1.x.5", "x.1", "x.x.1", "1.x.5 || 2.x", "1.2.3 - *", "* - 1.2.3",
    "^0.0.0", "^0.0", "^0", "~0", "~0.0", "<0.0.0-0", "<0.0.0", ">=0.0.0", ">=0.0.0-0", "<=0.0.0",
    ">0.0.0", "^0.0.1", "^0.1.0", "^0.0.1-0", "~0.0.1-alpha", "1.2.3-0 - 2", "1 - 2", "1.2 - 3.4",
    "1.2.3 - 2.3.4", "1.2.3 - 2.3.4 - 3", "1.2.3 -2.3.4", "1.2.3- 2.3.4", "1.2.3-beta - 2.0.0-rc",
    "||", "|| 1.2.3", "1.2.3 ||", "1 || 2 || 3", "1.2.3 | 2", ">=1.2.3 <1.2.3", ">1.2.3 <1.2.4-0",
    ">1.0.0 <1.0.1-0", "<1.0.0-0 >0.9.9", "^1.2.3-alpha", "=1.2.3-alpha", ">1.0.0 <2.0.0",
    "^2.0.0-0", ">=16.0.0 <17.0.0", "^17.0.0-0", "1.2.3beta", ">=1.2.3beta", "=v1.2.3", "v1.2.3",
    "vv1.2.3", "=v 1.2.3", " = v 1.2.3 ", "01.2.3", "1.02.3", "1.2.03", "^01.2.3", "~1.2.3-01",
    "1.2.3+build", "^1.2.3+build.5", "1.2.3-beta+build - 2", ">=1.2.3 <=1.2.3", "1.2.3 1.2.3",
    "^1.2.3 ^1.2.3", "* 1.2.3", "1.2.3 *", "*.1.2", ">1.2.x", "<1.2.x", "<=1.x", ">=1.x.x",
    ">1", "<1", ">=1.2", "<1.2.3-0", "~1.2.3-beta.2", "^1.2.3-beta.2", "^0.0.3-beta", "<=1.2.3-0",
    "!1.2.3", "^^1", "~~1", "><1", "1.2.3 >", ">", "<", "=", "^", "~", "-", "1.2.3-", "1.2.3+",
    "1..2", ".1.2", "1.2.", "a.b.c", "latest", "next", "workspace:^", "npm:foo@^1", "git+ssh://x",
    "1.2.3 - 2.3.4 || >=3.0.0-rc.1 <3.1", "\t^1.2.3\t", "^1.2.3\n", ">=1.2.3\t<2", "1.2.3-x.7.z.92",
    "9007199254740991.0.0", "^9007199254740991", "~9007199254740991.9007199254740991",
    "9007199254740992.0.0", ">=9007199254740991.9007199254740991.9007199254740991",
    "<9007199254740991.9007199254740991.9007199254740992", "1.2.3-9007199254740992",
    "1.2.3-9007199254740991", "^1.2.3-99999999999999999999", "1.2.3-0", "1.2.3-00",
};

}  // namespace

std::string SemverGen::small_number() { return std::to_string(below(4)); }

std::string SemverGen::number() {
  const auto r = below(100);
  if (r < 60) return std::to_string(below(4));
  if (r < 78) return std::to_string(below(20));
  if (r < 87) return std::to_string(below(1000));
  if (r < 90) return pick(kHuge);
  if (r < 93) return "0" + std::to_string(below(10));  // leading zero
  if (r < 95) return std::string(1 + below(20), static_cast<char>('0' + below(10)));
  return std::to_string(below(100000));
}

std::string SemverGen::prerelease_id() {
  const auto r = below(100);
  if (r < 40) return std::to_string(below(r < 20 ? 3 : 12));
  if (r < 75) return pick(kWords);
  if (r < 80) return "0" + std::to_string(below(10));  // invalid strict
  if (r < 82) return "";                                // empty id, invalid
  if (r < 85) return pick(kHuge);
  if (r < 88) return "0";
  if (r < 91) return std::to_string(below(10)) + pick(kWords);  // digits first (7.7.2 c99f336)
  if (r < 93) return "_";                                        // invalid character
  return pick(kWords) + std::to_string(below(10));
}

std::string SemverGen::prerelease() {
  std::string s = prerelease_id();
  const auto n = below(100) < 60 ? 0 : below(3) + 1;
  for (std::uint64_t i = 0; i < n; ++i) s += "." + prerelease_id();
  return s;
}

std::string SemverGen::build() {
  static const std::vector<std::string> ids = {"001", "sha", "5", "build", "x-y", "exp", "a1b2",
                                               "0", "-", "20130313144700", ""};
  std::string s = pick(ids);
  if (chance(40)) s += "." + pick(ids);
  return s;
}

std::string SemverGen::ws() {
  const auto r = below(100);
  if (r < 70) return "";
  if (r < 90) return " ";
  if (r < 96) return "  ";
  return "\t";
}

std::string SemverGen::plain_version() {
  std::string s = small_number() + "." + small_number() + "." + small_number();
  if (chance(30)) s += "-" + (chance(50) ? std::to_string(below(3)) : pick(kWords));
  return s;
}

std::string SemverGen::version() {
  const auto r = below(100);
  if (r < 55) {
    std::string s = number() + "." + number() + "." + number();
    if (chance(40)) s += "-" + prerelease();
    if (chance(8)) s += "+" + build();
    return s;
  }
  if (r < 65) {
    static const std::vector<std::string> prefixes = {"v", "=", " v", "=v", "v ", "= v", "  ",
                                                      "vv", "==", "V", " =v ", "\tv"};
    std::string s = pick(prefixes) + plain_version();
    if (chance(30)) s += " ";
    return s;
  }
  if (r < 73) {  // loose-only forms
    const auto k = below(5);
    if (k == 0) return plain_version().substr(0, 5) + pick(kWords);           // 1.2.3beta
    if (k == 1) return "0" + small_number() + "." + small_number() + "." + small_number();
    if (k == 2) return small_number() + ".0" + small_number() + "." + small_number() + "-beta";
    if (k == 3) return "=v" + plain_version();
    return small_number() + "." + small_number() + "." + small_number() + pick(kWords) + "." +
           small_number();
  }
  if (r < 80) {  // partial and x versions: valid only as ranges
    std::string s = small_number();
    if (chance(60)) s += "." + (chance(20) ? std::string("x") : small_number());
    return s;
  }
  if (r < 85) {  // near the 256-character limit
    std::string s = small_number() + "." + small_number() + "." + small_number() + "-";
    const std::size_t target = 246 + below(16);
    while (s.size() < target) s += pick(kWords) + ".";
    s.resize(target);
    if (s.back() == '.') s.back() = 'a';
    return s;
  }
  if (r < 90) return pick(kHuge) + "." + number() + "." + number();
  if (r < 95) return plain_version() + "+" + build();
  return junk(14);
}

std::string SemverGen::junk(std::size_t max_len) {
  static constexpr std::string_view chars = " .-+vx*^~<>=|0123456789abcXV\t_";
  std::string s;
  const auto n = below(max_len + 1);
  for (std::uint64_t i = 0; i < n; ++i) s.push_back(chars[below(chars.size())]);
  return s;
}

std::string SemverGen::partial(bool allow_x) {
  static const std::vector<std::string> xs = {"x", "X", "*"};
  auto part = [&] { return allow_x && chance(18) ? pick(xs) : number(); };
  std::string s = chance(6) ? "v" : "";
  const auto r = below(100);
  const int parts = r < 60 ? 3 : r < 80 ? 2 : 1;
  s += part();
  if (parts >= 2) s += "." + part();
  if (parts >= 3) s += "." + part();
  if (parts == 3 ? chance(28) : chance(3)) s += "-" + prerelease();
  if (chance(5)) s += "+" + build();
  return s;
}

std::string SemverGen::simple() {
  static const std::vector<std::string> ops = {
      "",   "",   "",  "",   "^",  "^",  "^",  "~",  "~",  "~", ">=", ">=", "<",
      "<",  ">",  "<=", "=", "~>", "v",  ">=", "==", "=>", "<>", "!", "^~", "~^"};
  std::string op = pick(ops);
  if (op == "==" || op == "=>" || op == "<>" || op == "!" || op == "^~" || op == "~^") {
    if (!chance(30)) op = ">=";  // keep invalid operators rare
  }
  return op + ws() + partial(true);
}

std::string SemverGen::comparator_set() {
  const auto r = below(100);
  if (r < 14) {
    static const std::vector<std::string> seps = {" - ", " - ", " - ", "  -  ", " -\t", "\t-\t"};
    return partial(true) + pick(seps) + partial(true);
  }
  if (r < 16) return "";
  std::string s = simple();
  const auto n = below(100) < 55 ? 0 : below(3) + 1;
  for (std::uint64_t i = 0; i < n; ++i) s += (chance(85) ? " " : chance(50) ? "  " : "\t") + simple();
  return s;
}

std::string SemverGen::special_range() {
  std::string s = pick(kSpecialRanges);
  if (chance(30)) s += (chance(50) ? " || " : " ") + comparator_set();
  return s;
}

std::string SemverGen::range() {
  const auto r = below(1000);
  if (r < 60) return special_range();
  if (r < 80) return junk(16);
  if (r < 86) {  // long ranges: mostly around 256 characters, a few far beyond
    std::string s = comparator_set();
    const std::size_t target = r < 85 ? 230 + below(60) : 300 + below(800);
    while (s.size() < target) s += " || " + comparator_set();
    return s;
  }
  static const std::vector<std::string> ors = {" || ", " || ", "||", " ||", "|| ", "  ||  ", "|||"};
  std::string s = comparator_set();
  const auto k = below(100);
  const auto sets = k < 70 ? 0 : k < 92 ? 1 : below(3) + 2;
  for (std::uint64_t i = 0; i < sets; ++i) s += (chance(97) ? pick(ors) : std::string("|")) + comparator_set();
  if (chance(4)) s = " " + s + " ";
  return s;
}

std::string SemverGen::coerce_text() {
  static const std::vector<std::string> texts = {
      "v3.4 replaces v3.3.1", "42.6.7.9.3-alpha", "1.2.3.4", "1.2.3.4-rc.1+b", "version 1",
      "1.2.3-rc.1+build.5 and 2.0.0", "x1.2.3y", "12345678901234567.1.2", "1.12345678901234567.2",
      "1234567890123456.1.1", "  5.6  ", "node v18.17.0 (lts)", "a.b.c", "", "v", "1.", ".1",
      "1.2.3-", "1.2.3-alpha.01", "1.2.3+", "01.02.03", "1.2.3beta", "1.2.3-beta.1.2.3.4",
      "2.0.0-x.7.z.92+meta", "9007199254740991.9007199254740992.1", "10.20.30.40.50",
  };
  const auto r = below(100);
  if (r < 40) return pick(texts);
  if (r < 60) return junk(20);
  if (r < 80) return junk(6) + version() + junk(6);
  std::string s;
  const auto n = below(4) + 1;
  for (std::uint64_t i = 0; i < n; ++i) s += std::to_string(below(30)) + (chance(70) ? "." : junk(2));
  if (chance(30)) s += "-" + prerelease();
  if (chance(20)) s += "+" + build();
  return s;
}

std::string SemverGen::release_type() {
  static const std::vector<std::string> types = {"major", "premajor", "minor", "preminor",
                                                 "patch", "prepatch", "prerelease", "release",
                                                 "pre", "foo", "Major", ""};
  return pick(types);
}

std::string SemverGen::inc_identifier() {
  static const std::vector<std::string> ids = {"", "", "", "alpha", "beta", "rc", "1", "01",
                                               "a.b", "alpha.1", "-", "invalid id!", "x.0",
                                               "beta.0", "0", "dev.3"};
  return pick(ids);
}

}  // namespace callboard::test
