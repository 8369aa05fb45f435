#pragma once
/// \file
/// Shared helpers for the fuzz targets: a CHECK that reports the
/// property and the input before aborting (libFuzzer then saves the input as a
/// crash artifact), and the properties both targets assert about versions.
///
/// Every property asserted here was first checked against node-semver 7.8.5
/// itself (fuzz/check_properties_in_node.mjs), so a failure means "we differ
/// from node-semver or from our own documented contract", never "we asserted
/// something node-semver does not do".

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/semver.hpp"

namespace callboard::fuzz {

/// The input being run, for failure reports. Set by each target's entry point.
inline std::string_view g_current_input;

[[noreturn]] inline void check_failed(const char* property, const char* file, int line,
                                      const std::string& detail) {
  std::fprintf(stderr, "\n==== fuzz property failed: %s (%s:%d)\n", property, file, line);
  std::fprintf(stderr, "input (%zu bytes): \"", g_current_input.size());
  for (const char ch : g_current_input) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", c);
    }
  }
  std::fprintf(stderr, "\"\n%s\n", detail.c_str());
  std::abort();
}

/// Options rendered for failure messages.
inline std::string describe(const semver::Options& o) {
  std::string s = "{";
  if (o.loose) s += "loose ";
  if (o.include_prerelease) s += "includePrerelease";
  return s + "}";
}

}  // namespace callboard::fuzz

/// Asserts a property; `detail` is evaluated only on failure.
#define CALLBOARD_FUZZ_CHECK(property, cond, detail)                                     \
  do {                                                                                    \
    if (!(cond)) ::callboard::fuzz::check_failed(property, __FILE__, __LINE__, (detail)); \
  } while (0)

namespace callboard::fuzz {

/// What every parser's failure must carry: a message and the invalid-input
/// or resource code. With `says_where`, also a place: a text position
/// (offset with line and column), a JSON pointer, or a size bound.
inline void check_parse_error(const Error& e, bool says_where) {
  CALLBOARD_FUZZ_CHECK("error-has-message", !e.message.empty(), e.to_string());
  CALLBOARD_FUZZ_CHECK("error-code",
                       e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kResourceExhausted,
                       e.to_string());
  CALLBOARD_FUZZ_CHECK("syntax-error-position",
                       e.detail("offset").empty() || (!e.detail("line").empty() && !e.detail("column").empty()),
                       e.to_string());
  if (!says_where) return;
  const bool where = !e.detail("offset").empty() || !e.detail("pointer").empty() ||
                     e.code == ErrorCode::kResourceExhausted || e.message.find("top level") != std::string::npos;
  CALLBOARD_FUZZ_CHECK("error-says-where", where, e.to_string());
}

/// A lockfile reader's output: named, valid versions, sorted by name then
/// version, no duplicates.
template <typename Locked>
void check_locked_packages(const std::vector<Locked>& packages) {
  for (std::size_t i = 0; i < packages.size(); ++i) {
    const auto& p = packages[i];
    CALLBOARD_FUZZ_CHECK("locked-name", !p.name.empty(), p.version);
    CALLBOARD_FUZZ_CHECK("locked-version", semver::Version::parse(p.version).ok(), p.name + "@" + p.version);
    if (i > 0) {
      const auto& q = packages[i - 1];
      CALLBOARD_FUZZ_CHECK("locked-sorted-unique", q.name < p.name || (q.name == p.name && q.version < p.version),
                           q.name + "@" + q.version + " then " + p.name + "@" + p.version);
    }
  }
}

}  // namespace callboard::fuzz
