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
#include <set>
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

/// What a lockfile reader returns: npm one entry per install path, yarn and
/// pnpm one per (name, version).
enum class LockedShape { kByPath, kByVersion };

/// A lockfile reader's output (src/model/lockfile.hpp): named, valid
/// versions, sorted by name, host-level first, version (sort_order), path.
/// kByPath: unique non-empty paths, host_level exactly for
/// "node_modules/<name>", no descriptors. kByVersion: no path, host_level
/// left false, unique (name, version), descriptors sorted and unique.
template <typename Locked>
void check_locked_packages(const std::vector<Locked>& packages, LockedShape shape) {
  std::set<std::string> paths;
  for (std::size_t i = 0; i < packages.size(); ++i) {
    const auto& p = packages[i];
    const std::string who = p.name + "@" + p.version + " at '" + p.path + "'";
    CALLBOARD_FUZZ_CHECK("locked-name", !p.name.empty(), who);
    const auto v = semver::Version::parse(p.version);
    CALLBOARD_FUZZ_CHECK("locked-version", v.ok(), who);
    if (shape == LockedShape::kByPath) {
      CALLBOARD_FUZZ_CHECK("locked-path", !p.path.empty(), who);
      CALLBOARD_FUZZ_CHECK("locked-path-unique", paths.insert(p.path).second, who);
      CALLBOARD_FUZZ_CHECK("locked-host-level", p.host_level == (p.path == "node_modules/" + p.name), who);
      CALLBOARD_FUZZ_CHECK("locked-no-descriptors", p.descriptors.empty(), who);
    } else {
      CALLBOARD_FUZZ_CHECK("locked-no-path", p.path.empty() && !p.host_level, who);
      for (std::size_t d = 1; d < p.descriptors.size(); ++d) {
        CALLBOARD_FUZZ_CHECK("locked-descriptors-sorted-unique", p.descriptors[d - 1] < p.descriptors[d], who);
      }
    }
    if (i == 0) continue;
    const auto& q = packages[i - 1];
    const std::string pair = q.name + "@" + q.version + " at '" + q.path + "' then " + who;
    bool ordered = q.name < p.name;
    if (q.name == p.name) {
      if (q.host_level != p.host_level) {
        ordered = q.host_level;
      } else {
        const auto c = semver::sort_order(*semver::Version::parse(q.version), *v);
        // By version the pair must differ; by path, equal versions differ in path.
        ordered = c < 0 || (c == 0 && shape == LockedShape::kByPath && q.path < p.path);
      }
    }
    CALLBOARD_FUZZ_CHECK("locked-sorted-unique", ordered, pair);
  }
}

}  // namespace callboard::fuzz
