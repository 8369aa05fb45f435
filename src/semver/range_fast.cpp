// The fast Range parser. It covers the shapes real package.json files use
// (`^1.2.3`, `~1.2`, `>=1.0.0 <2`, `1.x || 2.x`, `*`, prereleases), computes
// node-semver's desugaring for them directly, and returns nullopt for
// anything else, which then goes through the exact regex pipeline in
// range_exact.cpp. Both must agree on every input the fast path accepts: the
// fuzz target fuzz_semver_range and tests/unit/semver check that.
#include "semver/detail.hpp"

namespace callboard::semver::detail {

namespace {

using Op = Comparator::Op;

struct Part {
  bool x = true;  // missing, x, X or *
  std::uint64_t n = 0;
};

struct Token {
  std::string_view op;  // "", "^", "~", "~>", "=", "<", "<=", ">", ">="
  Part M, m, p;
  std::string_view pre;  // without the leading '-'
  bool v = false;        // a `v` prefix was given
};

// XID = 0|[1-9]\d* (at most 15 digits, so every +1 stays exact) | x | X | *
bool parse_xid(std::string_view s, std::size_t& i, Part& out) {
  if (i >= s.size()) return false;
  const char c = s[i];
  if (c == 'x' || c == 'X' || c == '*') {
    ++i;
    out = Part{};
    return true;
  }
  const std::size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::size_t len = i - start;
  if (len == 0 || len > 15 || (len > 1 && s[start] == '0')) return false;
  std::uint64_t v = 0;
  for (std::size_t k = start; k < i; ++k) v = v * 10 + static_cast<std::uint64_t>(s[k] - '0');
  out = Part{false, v};
  return true;
}

bool is_lone_operator(std::string_view t) {
  return t == "^" || t == "~" || t == "~>" || t == ">" || t == ">=" || t == "<" || t == "<=" || t == "=";
}

bool starts_version(char c) { return is_digit(c) || c == 'x' || c == 'X' || c == '*'; }

bool parse_token(std::string_view t, Token& tok) {
  std::size_t i = 0;
  if (t.starts_with("~>")) i = 2;
  else if (t.starts_with(">=") || t.starts_with("<=")) i = 2;
  else if (!t.empty() && (t[0] == '^' || t[0] == '~' || t[0] == '=' || t[0] == '<' || t[0] == '>')) i = 1;
  tok.op = t.substr(0, i);
  // One `v` may follow the operator: `^v3.10.1`, `>=v1.2.3` (every pattern allows it).
  tok.v = i < t.size() && t[i] == 'v';
  if (tok.v) ++i;
  if (!parse_xid(t, i, tok.M)) return false;
  tok.m = Part{};
  tok.p = Part{};
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!parse_xid(t, i, tok.m)) return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      if (!parse_xid(t, i, tok.p)) return false;
      if (i < t.size() && t[i] == '-') {
        tok.pre = t.substr(i + 1);
        if (!valid_prerelease_text(tok.pre, false)) return false;
        i = t.size();
      }
    }
  }
  if (i != t.size()) return false;
  // Shapes the regex pipeline treats specially: `1.x.5`, `x.1`, `1.x.x-pre`.
  if (tok.M.x && !tok.m.x) return false;
  if (tok.m.x && !tok.p.x) return false;
  if (!tok.pre.empty() && (tok.M.x || tok.m.x || tok.p.x)) return false;
  return true;
}

Version pre0(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return Version(a, b, c, {Identifier(std::uint64_t{0})});
}

Version with_pre(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::string_view pre) {
  std::vector<Identifier> ids;
  std::size_t k = 0;
  while (true) {
    const std::size_t dot = pre.find('.', k);
    ids.push_back(make_parsed_identifier(pre.substr(k, dot == std::string_view::npos ? std::string_view::npos : dot - k)));
    if (dot == std::string_view::npos) break;
    k = dot + 1;
  }
  return Version(a, b, c, std::move(ids));
}

// Appends the comparators node's replaceCaret/replaceTilde/replaceXRange
// produce for one token (before the GTE0 rewrite).
void expand(const Token& t, bool inc, std::vector<Comparator>& out) {
  const std::uint64_t M = t.M.n, m = t.m.n, p = t.p.n;
  auto lower = [&](std::uint64_t a, std::uint64_t b, std::uint64_t c, bool z) {
    out.push_back({Op::kGte, z ? pre0(a, b, c) : Version(a, b, c)});
  };
  auto upper0 = [&](std::uint64_t a, std::uint64_t b, std::uint64_t c) { out.push_back({Op::kLt, pre0(a, b, c)}); };
  auto exact_lower = [&] {
    out.push_back({Op::kGte, t.pre.empty() ? Version(M, m, p) : with_pre(M, m, p, t.pre)});
  };
  if (t.op == "^") {
    if (t.M.x) return out.push_back({});
    if (t.m.x) return lower(M, 0, 0, inc), upper0(M + 1, 0, 0);
    if (t.p.x) {
      lower(M, m, 0, inc);
      return M == 0 ? upper0(M, m + 1, 0) : upper0(M + 1, 0, 0);
    }
    exact_lower();
    if (M == 0) return m == 0 ? upper0(0, 0, p + 1) : upper0(0, m + 1, 0);
    return upper0(M + 1, 0, 0);
  }
  if (t.op == "~" || t.op == "~>") {
    if (t.M.x) return out.push_back({});
    if (t.m.x) return lower(M, 0, 0, inc), upper0(M + 1, 0, 0);
    if (t.p.x) return lower(M, m, 0, inc), upper0(M, m + 1, 0);
    exact_lower();
    return upper0(M, m + 1, 0);
  }
  // x-ranges and plain comparators
  std::string_view gtlt = t.op;
  const bool any_x = t.p.x;  // m.x or M.x imply p.x here
  if (!any_x) {
    const Version v = t.pre.empty() ? Version(M, m, p) : with_pre(M, m, p, t.pre);
    Op op = Op::kEq;
    if (gtlt == "<") op = Op::kLt;
    else if (gtlt == "<=") op = Op::kLte;
    else if (gtlt == ">") op = Op::kGt;
    else if (gtlt == ">=") op = Op::kGte;
    return out.push_back({op, v});
  }
  if (gtlt == "=") gtlt = "";
  if (t.M.x) {
    if (gtlt == ">" || gtlt == "<") return out.push_back({Op::kLt, pre0(0, 0, 0)});
    return out.push_back({});  // "*", removed by replaceStars
  }
  if (!gtlt.empty()) {
    std::uint64_t a = M, b = t.m.x ? 0 : m;
    if (gtlt == ">") {
      if (t.m.x) ++a; else ++b;
      return lower(a, b, 0, inc);
    }
    if (gtlt == "<=") {
      if (t.m.x) ++a; else ++b;
      return upper0(a, b, 0);
    }
    if (gtlt == "<") return upper0(a, b, 0);
    return lower(a, b, 0, inc);  // ">="
  }
  if (t.m.x) return lower(M, 0, 0, inc), upper0(M + 1, 0, 0);
  return lower(M, m, 0, inc), upper0(M, m + 1, 0);
}

// node de-duplicates comparators by their printed value.
bool same_value(const Version& a, const Version& b) {
  if (a.major() != b.major() || a.minor() != b.minor() || a.patch() != b.patch()) return false;
  const auto pa = a.prerelease(), pb = b.prerelease();
  if (pa.size() != pb.size()) return false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (pa[i].text() != pb[i].text()) return false;
  }
  return true;
}

bool is_gte0(const Comparator& c, bool inc) {
  if (c.op != Op::kGte || c.version.major() != 0 || c.version.minor() != 0 || c.version.patch() != 0) return false;
  if (!inc) return !c.version.is_prerelease();
  return c.version.prerelease().size() == 1 && c.version.prerelease()[0].text() == "0";
}

}  // namespace

std::optional<std::vector<std::vector<Comparator>>> parse_range_sets_fast(std::string_view collapsed,
                                                                          Options options) {
  // Loose mode desugars every shape accepted here exactly as strict mode does
  // (the loose patterns only widen what is accepted), so both share this path.
  const bool inc = options.include_prerelease;
  std::vector<std::vector<Comparator>> sets;
  std::size_t start = 0;
  std::vector<Comparator> expanded;
  while (true) {
    const std::size_t bar = collapsed.find("||", start);
    std::string_view part =
        collapsed.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    expanded.clear();
    if (part.empty()) {
      expanded.push_back({});
    } else {
      std::size_t k = 0;
      std::string glued;
      while (k <= part.size()) {
        std::size_t sp = part.find(' ', k);
        std::string_view tok_text = part.substr(k, sp == std::string_view::npos ? std::string_view::npos : sp - k);
        // `>= 1.2.3`, `^ 1.2`, `~> 1`: the comparator/caret/tilde trims glue a lone
        // operator to the version after it.
        if (is_lone_operator(tok_text) && sp != std::string_view::npos && sp + 1 < part.size() &&
            starts_version(part[sp + 1])) {
          const std::size_t next = part.find(' ', sp + 1);
          glued.assign(tok_text);
          glued.append(part.substr(sp + 1, next == std::string_view::npos ? std::string_view::npos : next - sp - 1));
          tok_text = glued;
          sp = next;
        }
        Token tok;
        if (tok_text.empty() || !parse_token(tok_text, tok)) return std::nullopt;
        const std::size_t first = expanded.size();
        expand(tok, inc, expanded);
        // replaceGTE0 matches the text: a plain `>=v0.0.0` keeps its `v` there
        // (only caret, tilde and x-range rewrites print fresh text), so it stays.
        const bool kept_text = tok.v && tok.op != "^" && tok.op != "~" && tok.op != "~>" && !tok.p.x;
        if (!kept_text) {
          for (std::size_t c = first; c < expanded.size(); ++c) {
            if (is_gte0(expanded[c], inc)) expanded[c] = Comparator{};
          }
        }
        if (sp == std::string_view::npos) break;
        k = sp + 1;
      }
    }
    // Null set wins; then de-duplicate by value; then drop ANY if others remain.
    std::vector<Comparator> set;
    bool null_set = false;
    for (const auto& c : expanded) {
      if (is_null_set_comparator(c)) {
        set = {c};
        null_set = true;
        break;
      }
      bool dup = false;
      for (const auto& e : set) {
        if (e.op == c.op && (c.op == Op::kAny || same_value(e.version, c.version))) {
          dup = true;
          break;
        }
      }
      if (!dup) set.push_back(c);
    }
    if (!null_set && set.size() > 1) {
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (set[i].op == Op::kAny) {
          set.erase(set.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
    }
    sets.push_back(std::move(set));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  finish_sets(sets);
  return sets;
}

}  // namespace callboard::semver::detail
