// The exact Range parser: node-semver classes/range.js parseRange step by
// step, with the same regular expressions (internal/re.js "safe" variants,
// \d spelled [0-9]) run by std::regex's ECMAScript engine. It is slow and
// only used for inputs the fast parser (range_fast.cpp) does not cover.
#include <regex>

#include "semver/detail.hpp"

namespace callboard::semver::detail {

namespace {

// ---- regex sources, built as internal/re.js builds them
const std::string kNum = "0|[1-9][0-9]{0,256}";
const std::string kNumLoose = "[0-9]{1,256}";
const std::string kNonNum = "[0-9]{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250}";
const std::string kPrid = "(?:" + kNonNum + "|" + kNum + ")";
const std::string kPridLoose = "(?:" + kNonNum + "|" + kNumLoose + ")";
const std::string kPrerelease = "(?:-(" + kPrid + "(?:\\." + kPrid + ")*))";
const std::string kPrereleaseLoose = "(?:-?(" + kPridLoose + "(?:\\." + kPridLoose + ")*))";
const std::string kBuild = "(?:\\+([a-zA-Z0-9-]{1,250}(?:\\.[a-zA-Z0-9-]{1,250})*))";
const std::string kMainLoose = "(" + kNumLoose + ")\\.(" + kNumLoose + ")\\.(" + kNumLoose + ")";
const std::string kLoosePlain = "[v=\\s]*" + kMainLoose + kPrereleaseLoose + "?" + kBuild + "?";
const std::string kGtlt = "((?:<|>)?=?)";
const std::string kXid = kNum + "|x|X|\\*";
const std::string kXidLoose = kNumLoose + "|x|X|\\*";
const std::string kXrangePlain = "[v=\\s]*(" + kXid + ")(?:\\.(" + kXid + ")(?:\\.(" + kXid + ")(?:" + kPrerelease +
                                 ")?" + kBuild + "?)?)?";
const std::string kXrangePlainLoose = "[v=\\s]*(" + kXidLoose + ")(?:\\.(" + kXidLoose + ")(?:\\.(" + kXidLoose +
                                      ")(?:" + kPrereleaseLoose + ")?" + kBuild + "?)?)?";

struct Regexes {
  std::regex hyphen, hyphen_loose, comparator_trim, tilde_trim, caret_trim, tilde, tilde_loose, caret, caret_loose,
      xrange, xrange_loose, star, gte0, gte0pre, build;
};

const Regexes& regexes() {
  static const Regexes r = [] {
    const auto f = std::regex::ECMAScript | std::regex::optimize;
    Regexes x;
    x.hyphen = std::regex("^\\s{0,1}(" + kXrangePlain + ")\\s{1,1}-\\s{1,1}(" + kXrangePlain + ")\\s{0,1}$", f);
    x.hyphen_loose =
        std::regex("^\\s{0,1}(" + kXrangePlainLoose + ")\\s{1,1}-\\s{1,1}(" + kXrangePlainLoose + ")\\s{0,1}$", f);
    x.comparator_trim = std::regex("(\\s{0,1})" + kGtlt + "\\s{0,1}(" + kLoosePlain + "|" + kXrangePlain + ")", f);
    x.tilde_trim = std::regex("(\\s{0,1})(?:~>?)\\s{1,1}", f);
    x.caret_trim = std::regex("(\\s{0,1})(?:\\^)\\s{1,1}", f);
    x.tilde = std::regex("^(?:~>?)" + kXrangePlain + "$", f);
    x.tilde_loose = std::regex("^(?:~>?)" + kXrangePlainLoose + "$", f);
    x.caret = std::regex("^(?:\\^)" + kXrangePlain + "$", f);
    x.caret_loose = std::regex("^(?:\\^)" + kXrangePlainLoose + "$", f);
    x.xrange = std::regex("^" + kGtlt + "\\s{0,1}" + kXrangePlain + "$", f);
    x.xrange_loose = std::regex("^" + kGtlt + "\\s{0,1}" + kXrangePlainLoose + "$", f);
    x.star = std::regex("(<|>)?=?\\s{0,1}\\*", f);
    x.gte0 = std::regex("^\\s{0,1}>=\\s{0,1}0\\.0\\.0\\s{0,1}$", f);
    x.gte0pre = std::regex("^\\s{0,1}>=\\s{0,1}0\\.0\\.0-0\\s{0,1}$", f);
    x.build = std::regex(kBuild, f);
    return x;
  }();
  return r;
}

// ---- JavaScript string helpers (input only ever holds ' ' as whitespace here)
bool ws(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// "a b".split(/\s+/)
std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size();) {
    if (ws(s[i])) {
      out.push_back(std::move(cur));
      cur.clear();
      while (i < s.size() && ws(s[i])) ++i;
    } else {
      cur.push_back(s[i++]);
    }
  }
  out.push_back(std::move(cur));
  return out;
}

// "a b".split(' ')
std::vector<std::string> split_space(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t p = s.find(' ', start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ' ';
    out += parts[i];
  }
  return out;
}

// Whether `s` holds any of `chars`. Every regex below has a literal its
// matches must contain; testing for it first skips the regex, whose run costs
// time in proportion to its (large: the {0,256} bounds unroll) automaton even
// when nothing matches.
bool has_any(std::string_view s, std::string_view chars) { return s.find_first_of(chars) != std::string_view::npos; }

// Two characters std::regex's \s matches (ASCII whitespace), side by side.
bool has_adjacent_whitespace(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; };
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (ws(s[i - 1]) && ws(s[i])) return true;
  }
  return false;
}

// String.prototype.replace(regex, '') with a non-global regex: first match
// only. `required`: a character every match contains.
std::string replace_first(const std::string& s, const std::regex& re, char required) {
  if (s.find(required) == std::string::npos) return s;
  std::smatch m;
  if (!std::regex_search(s, m, re)) return s;
  return m.prefix().str() + m.suffix().str();
}

bool is_x(const std::ssub_match& g) {
  if (!g.matched || g.length() == 0) return true;
  const std::string v = g.str();
  return v == "x" || v == "X" || v == "*";
}

std::string str(const std::ssub_match& g) { return g.matched ? g.str() : std::string(); }

// replaceCaret
std::string replace_caret(const std::string& comp, const Options& o) {
  std::smatch g;
  if (comp.empty() || comp[0] != '^') return comp;  // the regex is anchored at a '^'
  if (!std::regex_search(comp, g, o.loose ? regexes().caret_loose : regexes().caret)) return comp;
  const std::string z = o.include_prerelease ? "-0" : "";
  const std::string M = str(g[1]), m = str(g[2]), p = str(g[3]), pr = str(g[4]);
  if (is_x(g[1])) return "";
  if (is_x(g[2])) return ">=" + M + ".0.0" + z + " <" + js_plus_one(M) + ".0.0-0";
  if (is_x(g[3])) {
    if (M == "0") return ">=" + M + "." + m + ".0" + z + " <" + M + "." + js_plus_one(m) + ".0-0";
    return ">=" + M + "." + m + ".0" + z + " <" + js_plus_one(M) + ".0.0-0";
  }
  const std::string lower = ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr);
  if (M == "0") {
    if (m == "0") return lower + " <" + M + "." + m + "." + js_plus_one(p) + "-0";
    return lower + " <" + M + "." + js_plus_one(m) + ".0-0";
  }
  return lower + " <" + js_plus_one(M) + ".0.0-0";
}

// replaceTilde
std::string replace_tilde(const std::string& comp, const Options& o) {
  std::smatch g;
  if (comp.empty() || comp[0] != '~') return comp;  // the regex is anchored at a '~'
  if (!std::regex_search(comp, g, o.loose ? regexes().tilde_loose : regexes().tilde)) return comp;
  const std::string z = o.include_prerelease ? "-0" : "";
  const std::string M = str(g[1]), m = str(g[2]), p = str(g[3]), pr = str(g[4]);
  if (is_x(g[1])) return "";
  if (is_x(g[2])) return ">=" + M + ".0.0" + z + " <" + js_plus_one(M) + ".0.0-0";
  if (is_x(g[3])) return ">=" + M + "." + m + ".0" + z + " <" + M + "." + js_plus_one(m) + ".0-0";
  return ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr) + " <" + M + "." + js_plus_one(m) + ".0-0";
}

// replaceXRange
std::string replace_xrange(const std::string& raw, const Options& o) {
  const std::string comp = trim(raw);
  std::smatch g;
  if (!std::regex_search(comp, g, o.loose ? regexes().xrange_loose : regexes().xrange)) return comp;
  std::string gtlt = str(g[1]);
  std::string M = str(g[2]), m = str(g[3]), p = str(g[4]);
  // invalidXRangeOrder: `1.x.5`, `x.1`
  if ((is_x(g[2]) && !is_x(g[3])) || (is_x(g[3]) && g[4].matched && g[4].length() && !is_x(g[4]))) return comp;
  const bool xM = is_x(g[2]);
  const bool xm = xM || is_x(g[3]);
  const bool xp = xm || is_x(g[4]);
  const bool any_x = xp;
  if (gtlt == "=" && any_x) gtlt = "";
  std::string pr = o.include_prerelease ? "-0" : "";
  if (xM) {
    if (gtlt == ">" || gtlt == "<") return "<0.0.0-0";
    return "*";
  }
  if (!gtlt.empty() && any_x) {
    if (xm) m = "0";
    p = "0";
    if (gtlt == ">") {
      gtlt = ">=";
      if (xm) {
        M = js_plus_one(M);
        m = "0";
        p = "0";
      } else {
        m = js_plus_one(m);
        p = "0";
      }
    } else if (gtlt == "<=") {
      gtlt = "<";
      if (xm) M = js_plus_one(M); else m = js_plus_one(m);
    }
    if (gtlt == "<") pr = "-0";
    return gtlt + M + "." + m + "." + p + pr;
  }
  if (xm) return ">=" + M + ".0.0" + pr + " <" + js_plus_one(M) + ".0.0-0";
  if (xp) return ">=" + M + "." + m + ".0" + pr + " <" + M + "." + js_plus_one(m) + ".0-0";
  return g[0].str();
}

std::string map_join(const std::vector<std::string>& parts, const Options& o,
                     std::string (*fn)(const std::string&, const Options&)) {
  std::vector<std::string> out;
  out.reserve(parts.size());
  for (const auto& p : parts) out.push_back(fn(p, o));
  return join(out);
}

// parseComparator
std::string parse_comparator(std::string comp, const Options& o) {
  comp = replace_first(comp, regexes().build, '+');
  comp = map_join(split_ws(trim(comp)), o, replace_caret);
  comp = map_join(split_ws(trim(comp)), o, replace_tilde);
  comp = map_join(split_ws(comp), o, replace_xrange);
  comp = replace_first(trim(comp), regexes().star, '*');
  return comp;
}

// hyphenReplace
std::string hyphen_replace(const std::smatch& g, bool inc_pr) {
  std::string from, to;
  const std::string fM = str(g[2]), fm = str(g[3]), fp = str(g[4]);
  const std::string tM = str(g[8]), tm = str(g[9]), tp = str(g[10]), tpr = str(g[11]);
  if (is_x(g[2])) from = "";
  else if (is_x(g[3])) from = ">=" + fM + ".0.0" + (inc_pr ? "-0" : "");
  else if (is_x(g[4])) from = ">=" + fM + "." + fm + ".0" + (inc_pr ? "-0" : "");
  else if (g[5].matched && g[5].length()) from = ">=" + g[1].str();
  else from = ">=" + g[1].str() + (inc_pr ? "-0" : "");

  if (is_x(g[8])) to = "";
  else if (is_x(g[9])) to = "<" + js_plus_one(tM) + ".0.0-0";
  else if (is_x(g[10])) to = "<" + tM + "." + js_plus_one(tm) + ".0-0";
  else if (!tpr.empty()) to = "<=" + tM + "." + tm + "." + tp + "-" + tpr;
  else if (inc_pr) to = "<" + tM + "." + tm + "." + js_plus_one(tp) + "-0";
  else to = "<=" + g[7].str();
  return trim(from + " " + to);
}

// Removes every `+build` (BUILDSTRIPRE: the unbounded BUILD regex, global).
std::string strip_builds(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '+' && i + 1 < s.size() && is_ident_char(s[i + 1])) {
      std::size_t j = i + 1;
      while (j < s.size() && is_ident_char(s[j])) ++j;
      while (j + 1 < s.size() && s[j] == '.' && is_ident_char(s[j + 1])) {
        ++j;
        while (j < s.size() && is_ident_char(s[j])) ++j;
      }
      i = j;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

Result<Comparator> make_comparator(std::string_view comp, const Options& o) {
  Comparator c;
  std::size_t i = 0;
  if (i < comp.size() && (comp[i] == '<' || comp[i] == '>')) ++i;
  if (i < comp.size() && comp[i] == '=') ++i;
  const std::string_view op = comp.substr(0, i);
  const std::string_view rest = comp.substr(i);
  if (rest.empty()) {
    // `''` is ANY; a lone operator matches neither COMPARATOR alternative.
    if (op.empty()) return c;
    return invalid("Invalid comparator: " + std::string(comp), comp, "an operator without a version");
  }
  auto v = Version::parse(rest, Options{o.loose, false});
  if (!v) {
    Error e = std::move(v).error();
    e.message = "Invalid comparator: " + std::string(comp) + " (" + e.message + ")";
    e.code = ErrorCode::kInvalidArgument;
    return e;
  }
  // Build metadata can survive the rewrites (`>=1.2.3+*b` loses the `*` to
  // the star rule after the build rule has run). node keeps it in the
  // comparator's SemVer, but nothing reads it there (`.value`, tests and
  // minVersion ignore it): drop it, so equal text means equal comparators.
  const Version& parsed = *v;
  c.version = Version(parsed.major(), parsed.minor(), parsed.patch(),
                      {parsed.prerelease().begin(), parsed.prerelease().end()});
  if (op == ">") c.op = Comparator::Op::kGt;
  else if (op == ">=") c.op = Comparator::Op::kGte;
  else if (op == "<") c.op = Comparator::Op::kLt;
  else if (op == "<=") c.op = Comparator::Op::kLte;
  else c.op = Comparator::Op::kEq;
  return c;
}

bool is_null_set(const Comparator& c) {
  return c.op == Comparator::Op::kLt && c.version.major() == 0 && c.version.minor() == 0 && c.version.patch() == 0 &&
         c.version.prerelease().size() == 1 && c.version.prerelease()[0].text() == "0";
}

// parseRange
Result<std::vector<Comparator>> parse_part(std::string_view part_in, const Options& o) {
  std::string range = strip_builds(part_in);
  {
    std::smatch g;
    if (has_any(range, "-") && std::regex_search(range, g, o.loose ? regexes().hyphen_loose : regexes().hyphen)) {
      range = hyphen_replace(g, o.include_prerelease);
    }
  }
  // comparator_trim drops the whitespace between an operator and its
  // version. Without '<', '>' or '=' the operator is empty, and then a match
  // drops a character only where two whitespace characters meet.
  if (has_any(range, "<>=") || has_adjacent_whitespace(range)) {
    range = std::regex_replace(range, regexes().comparator_trim, "$1$2$3");
  }
  if (has_any(range, "~")) range = std::regex_replace(range, regexes().tilde_trim, "$1~");
  if (has_any(range, "^")) range = std::regex_replace(range, regexes().caret_trim, "$1^");

  std::vector<std::string> pieces;
  for (const auto& c : split_space(range)) pieces.push_back(parse_comparator(c, o));
  std::vector<std::string> list;
  for (auto& c : split_ws(join(pieces))) {
    list.push_back(replace_first(trim(c), o.include_prerelease ? regexes().gte0pre : regexes().gte0, '>'));
  }
  if (o.loose) {
    std::erase_if(list, [](const std::string& c) { return !matches_comparator_loose(c); });
  }
  // node constructs every comparator (and so throws on any bad one) before
  // it looks for the null set.
  std::vector<Comparator> parsed;
  parsed.reserve(list.size());
  for (const auto& text : list) {
    auto c = make_comparator(trim(text), o);
    if (!c) return std::move(c).error();
    parsed.push_back(std::move(c).value());
  }
  std::vector<Comparator> result;
  std::vector<std::string> values;
  for (auto& c : parsed) {
    if (is_null_set(c)) return std::vector<Comparator>{c};
    const std::string value = c.to_string();
    bool dup = false;
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (values[k] == value) {
        result[k] = c;  // Map.set keeps the first position, stores the last comparator
        dup = true;
      }
    }
    if (!dup) {
      values.push_back(value);
      result.push_back(std::move(c));
    }
  }
  if (result.size() > 1) {
    for (std::size_t k = 0; k < result.size(); ++k) {
      if (result[k].op == Comparator::Op::kAny) {
        result.erase(result.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
    }
  }
  return result;
}

}  // namespace

bool matches_comparator_loose(std::string_view comp) noexcept {
  if (comp.empty()) return true;
  std::size_t i = 0;
  if (comp[i] == '<' || comp[i] == '>') ++i;
  if (i < comp.size() && comp[i] == '=') ++i;
  // The regex allows one whitespace here, but comparators never hold any.
  while (i < comp.size() && (comp[i] == 'v' || comp[i] == '=' || ws(comp[i]))) ++i;
  for (int part = 0; part < 2; ++part) {
    const std::size_t s = i;
    while (i < comp.size() && is_digit(comp[i])) ++i;
    if (i == s || i - s > 256) return false;
    if (i >= comp.size() || comp[i] != '.') return false;
    ++i;
  }
  std::size_t patch_end = 0;
  if (!loose_patch_split(comp, i, patch_end)) return false;
  i = patch_end;
  const std::size_t plus = comp.find('+', i);
  if (plus != std::string_view::npos) {
    const std::string_view b = comp.substr(plus + 1);
    std::size_t run = 0;
    if (b.empty()) return false;
    for (char c : b) {
      if (c == '.') {
        if (run == 0) return false;
        run = 0;
      } else if (is_ident_char(c)) {
        if (++run > 250) return false;
      } else {
        return false;
      }
    }
    if (run == 0) return false;
  }
  return true;
}

Result<std::vector<std::vector<Comparator>>> parse_range_sets_exact(std::string_view collapsed, Options options) {
  std::vector<std::vector<Comparator>> sets;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = collapsed.find("||", start);
    const std::string_view part =
        collapsed.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    auto set = parse_part(trim(part), options);
    if (!set) return std::move(set).error();
    if (!set->empty()) sets.push_back(std::move(set).value());
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  if (sets.empty()) {
    return invalid("Invalid SemVer Range: " + std::string(collapsed), collapsed,
                   "no comparator set is valid");
  }
  finish_sets(sets);
  return sets;
}

bool is_null_set_comparator(const Comparator& c) noexcept { return is_null_set(c); }

void finish_sets(std::vector<std::vector<Comparator>>& sets) {
  if (sets.size() > 1) {
    std::vector<Comparator> first = sets.front();
    std::erase_if(sets, [](const std::vector<Comparator>& s) { return is_null_set(s.front()); });
    if (sets.empty()) {
      sets.push_back(std::move(first));
    } else if (sets.size() > 1) {
      for (const auto& s : sets) {
        if (s.size() == 1 && s.front().op == Comparator::Op::kAny) {
          auto any = s;
          sets = {std::move(any)};
          break;
        }
      }
    }
  }
}

}  // namespace callboard::semver::detail
