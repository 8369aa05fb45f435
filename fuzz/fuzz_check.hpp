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
