// `callboard semver`: node-semver's bin/semver.js (7.8.5), argument for
// argument and quirk for quirk, on top of callboard::semver.
//
// What node does, and so what this does:
//  - an argument containing '=' is split at the first one: `--range=^1` is
//    `--range ^1`, and `a=b` is two arguments `a` and `b`;
//  - options that take a value take the next argument raw (no '=' split), and
//    a missing value is JavaScript `undefined` (std::nullopt here);
//  - `-i` takes the next argument as its level only if it is a release type,
//    else increments `patch` and leaves that argument as a version;
//  - anything else is a version; invalid versions are silently dropped;
//  - output: the versions satisfying every range, sorted by precedence
//    (stable: equal versions keep their order), each clean()ed, then inc()ed
//    when -i was given; an increment that fails prints `null`;
//  - exit 1 with no output when nothing is left, or when -i is combined with
//    a range or more than one version.
// With --json the same result is printed as one JSON array instead.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/json.hpp"
#include "callboard/semver.hpp"

#include "cli/cli.hpp"

namespace callboard::cli {
namespace {

namespace sv = callboard::semver;

// An argument as node sees it: a string, or `undefined` when an option
// consumed a value past the end of argv.
using Arg = std::optional<std::string>;

// node-semver RELEASE_TYPES (+ 'release', which the CLI also accepts for -i).
bool is_cli_release_type(const Arg& arg) {
  if (!arg) return false;
  static constexpr std::array<std::string_view, 8> kTypes = {
      "major", "premajor", "minor", "preminor", "patch", "prepatch", "prerelease", "release"};
  return std::find(kTypes.begin(), kTypes.end(), *arg) != kTypes.end();
}

bool is_js_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// JavaScript's `Number(text) ? 1 : 0` for an ASCII string: whether the
// string converts to a number other than 0 and NaN. Non-ASCII whitespace
// (which JS would also trim) is treated as garbage, i.e. NaN.
bool js_number_is_truthy(std::string_view text) {
  while (!text.empty() && is_js_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_js_whitespace(text.back())) text.remove_suffix(1);
  if (text.empty()) return false;  // Number('') === 0
  // 0x / 0o / 0b integers (no sign allowed).
  if (text.size() > 2 && text[0] == '0') {
    const char p = static_cast<char>(text[1] | 0x20);
    int base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (base != 0) {
      bool any_nonzero = false;
      for (char c : text.substr(2)) {
        int digit = -1;
        if (c >= '0' && c <= '9') {
          digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
          digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
          digit = c - 'A' + 10;
        }
        if (digit < 0 || digit >= base) return false;  // NaN
        any_nonzero = any_nonzero || digit != 0;
      }
      return any_nonzero;
    }
  }
  std::string_view body = text;
  if (body.front() == '+' || body.front() == '-') body.remove_prefix(1);
  if (body == "Infinity") return true;
  // StrDecimalLiteral: digits [. digits] [e[+-]digits], or . digits [e...]
  std::size_t i = 0;
  bool mantissa_digit = false;
  bool nonzero = false;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
    mantissa_digit = true;
    nonzero = nonzero || body[i] != '0';
    ++i;
  }
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
      mantissa_digit = true;
      nonzero = nonzero || body[i] != '0';
      ++i;
    }
  }
  if (!mantissa_digit) return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    if (i == exp_start) return false;
    if (i != body.size()) return false;
    // A nonzero mantissa can still underflow to 0 (1e-400); let strtod decide.
    const std::string copy(text);
    const double value = std::strtod(copy.c_str(), nullptr);
    return value != 0.0 && !std::isnan(value);
  }
  return i == body.size() && nonzero;
}

sv::IdentifierBase identifier_base_from(const std::optional<Arg>& n) {
  // Not given, or `-n` with nothing after it (undefined): base 0.
  if (!n || !n->has_value()) return sv::IdentifierBase::kZero;
  if (**n == "false") return sv::IdentifierBase::kNone;
  return js_number_is_truthy(**n) ? sv::IdentifierBase::kOne : sv::IdentifierBase::kZero;
}

bool is_valid(const Arg& v, sv::Options options) {
  return v && sv::Version::parse(*v, options).ok();
}

int emit(Context& ctx, const std::vector<std::optional<std::string>>& lines) {
  if (ctx.json) {
    JsonWriter w;
    w.begin_array();
    for (const auto& line : lines) {
      if (line) {
        w.string(*line);
      } else {
        w.null();
      }
    }
    w.end_array();
    ctx.out << w.take() << '\n';
  } else {
    std::string text;
    for (const auto& line : lines) {
      text += line ? *line : std::string("null");
      text += '\n';
    }
    ctx.out << text;
  }
  return static_cast<int>(ExitCode::kOk);
}

int fail(Context& ctx) {
  if (ctx.json) ctx.out << "[]\n";
  return static_cast<int>(ExitCode::kNegative);
}

}  // namespace

void print_semver_help(std::ostream& out) {
  out << "callboard semver - node-semver 7.8.5's command line, on callboard's semver engine\n"
         "\n"
         "Usage: callboard [--json] semver [options] <version> [<version> [...]]\n"
         "Prints valid versions sorted by SemVer precedence\n"
         "\n"
         "Options:\n"
         "-r --range <range>\n"
         "        Print versions that match the specified range.\n"
         "\n"
         "-i --increment [<level>]\n"
         "        Increment a version by the specified level.  Level can\n"
         "        be one of: major, minor, patch, premajor, preminor,\n"
         "        prepatch, prerelease, or release.  Default level is 'patch'.\n"
         "        Only one version may be specified.\n"
         "\n"
         "--preid <identifier>\n"
         "        Identifier to be used to prefix premajor, preminor,\n"
         "        prepatch or prerelease version increments.\n"
         "\n"
         "-l --loose\n"
         "        Interpret versions and ranges loosely\n"
         "\n"
         "-p --include-prerelease\n"
         "        Always include prerelease versions in range matching\n"
         "\n"
         "-c --coerce\n"
         "        Coerce a string into SemVer if possible\n"
         "        (does not imply --loose)\n"
         "\n"
         "--rtl\n"
         "        Coerce version strings right to left\n"
         "\n"
         "--ltr\n"
         "        Coerce version strings left to right (default)\n"
         "\n"
         "-n <base>\n"
         "        Base number to be used for the prerelease identifier.\n"
         "        Can be either 0 or 1, or false to omit the number altogether.\n"
         "        Defaults to 0.\n"
         "\n"
         "-rv --reverse\n"
         "        Print versions in descending order.\n"
         "\n"
         "-v --version <version>\n"
         "        A version to consider (useful when it starts with '-').\n"
         "\n"
         "--json\n"
         "        Print the result as one JSON array of strings (an increment that\n"
         "        fails is null); [] when nothing matches.\n"
         "\n"
         "Program exits successfully (0) if any valid version satisfies\n"
         "all supplied ranges, and prints all satisfying versions.\n"
         "\n"
         "If no satisfying versions are found, then exits failure (1).\n"
         "\n"
         "Versions are printed in ascending order, so supplying\n"
         "multiple versions to the utility will just sort them.\n";
}

int run_semver(Context& ctx, std::span<const std::string> args) {
  if (args.empty()) {
    print_semver_help(ctx.out);
    return static_cast<int>(ExitCode::kOk);
  }

  std::deque<Arg> argv(args.begin(), args.end());
  std::vector<Arg> versions;
  std::vector<Arg> ranges;
  struct Increment {
    std::string level;
    std::optional<Arg> maybe_errant_value;  // set when the level defaulted to patch
    std::string option;
  };
  std::optional<Increment> inc;
  bool loose = false;
  bool include_prerelease = false;
  bool coerce = false;
  bool rtl = false;
  bool reverse = false;
  Arg identifier;
  std::optional<Arg> identifier_base;

  const auto shift = [&argv]() -> Arg {
    if (argv.empty()) return std::nullopt;
    Arg front = std::move(argv.front());
    argv.pop_front();
    return front;
  };

  while (!argv.empty()) {
    Arg a = shift();
    // Only strings reach here: `undefined` is only ever produced by shift()
    // for an option's value, never pushed back. Keep node's split anyway.
    std::string arg = a.value_or(std::string());
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      argv.emplace_front(arg.substr(eq + 1));
      arg.resize(eq);
    }

    if (arg == "-rv" || arg == "-rev" || arg == "--rev" || arg == "--reverse") {
      reverse = true;
    } else if (arg == "-l" || arg == "--loose") {
      loose = true;
    } else if (arg == "-p" || arg == "--include-prerelease") {
      include_prerelease = true;
    } else if (arg == "-v" || arg == "--version") {
      versions.push_back(shift());
    } else if (arg == "-i" || arg == "--inc" || arg == "--increment") {
      const Arg next = argv.empty() ? Arg() : argv.front();
      if (is_cli_release_type(next)) {
        inc = Increment{*shift(), std::nullopt, arg};
      } else {
        inc = Increment{"patch", next, arg};
      }
    } else if (arg == "--preid") {
      identifier = shift();
    } else if (arg == "-r" || arg == "--range") {
      ranges.push_back(shift());
    } else if (arg == "-n") {
      identifier_base = shift();
    } else if (arg == "-c" || arg == "--coerce") {
      coerce = true;
    } else if (arg == "--rtl") {
      rtl = true;
    } else if (arg == "--ltr") {
      rtl = false;
    } else if (arg == "-h" || arg == "--help" || arg == "-?") {
      print_semver_help(ctx.out);
      return static_cast<int>(ExitCode::kOk);
    } else {
      versions.emplace_back(std::move(arg));
    }
  }

  const sv::Options options{loose, include_prerelease};

  if (inc && inc->maybe_errant_value &&
      std::find(versions.begin(), versions.end(), *inc->maybe_errant_value) != versions.end() &&
      !is_valid(*inc->maybe_errant_value, options)) {
    ctx.err << "Invalid value for " << inc->option
            << "; defaulting to 'patch'. This may become a failure in future major versions.\n";
  }

  // Coerce (keeping the original text when coercion finds nothing), then keep
  // only valid versions.
  std::vector<std::string> kept;
  for (Arg& v : versions) {
    if (coerce && v) {
      if (auto coerced = sv::coerce(*v, sv::CoerceOptions{rtl, include_prerelease, loose})) {
        v = coerced->to_string();
      }
    }
    if (is_valid(v, options)) kept.push_back(std::move(*v));
  }
  if (kept.empty()) return fail(ctx);

  if (inc && (kept.size() != 1 || !ranges.empty())) {
    ctx.err << "--inc can only be used on a single version with no range\n";
    return fail(ctx);
  }

  for (const Arg& range : ranges) {
    std::erase_if(
        kept, [&](const std::string& v) { return !range || !sv::satisfies(v, *range, options); });
    if (kept.empty()) return fail(ctx);
  }

  // Sort by precedence; std::stable_sort keeps equal versions in input order,
  // as Array.prototype.sort does.
  struct Entry {
    std::string text;
    sv::Version version;
  };
  std::vector<Entry> entries;
  entries.reserve(kept.size());
  for (std::string& v : kept) {
    auto parsed = sv::Version::parse(v, options);
    entries.push_back(Entry{std::move(v), std::move(parsed).value()});
  }
  std::stable_sort(entries.begin(), entries.end(), [reverse](const Entry& x, const Entry& y) {
    return reverse ? (y.version < x.version) : (x.version < y.version);
  });

  std::vector<std::optional<std::string>> lines;
  lines.reserve(entries.size());
  for (const Entry& entry : entries) {
    std::optional<std::string> cleaned = sv::clean(entry.text, options);
    if (inc && cleaned) {
      // semver.inc(v, level, options, identifier, identifierBase); null on error.
      std::optional<std::string> bumped;
      const auto release = sv::parse_release_type(inc->level);
      auto base = sv::Version::parse(*cleaned, options);
      if (release && base.ok()) {
        auto result = sv::inc(*base, *release, identifier.value_or(std::string()),
                              identifier_base_from(identifier_base), options);
        if (result.ok()) bumped = result->to_string();
      }
      cleaned = std::move(bumped);
    }
    lines.push_back(std::move(cleaned));
  }
  return emit(ctx, lines);
}

}  // namespace callboard::cli
