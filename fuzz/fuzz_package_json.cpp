// libFuzzer target: what callboard reads from inside a package tarball —
// package.json (parse_manifest plus `configSchema` and `exports`), redirect
// package.json files, the config schema, the export scan of a built entry
// file, and CHANGELOG.md (src/artifact/*.cpp compiled in directly).
//
// The input is split on the line "----" into up to five files, written into
// an in-memory tar as npm pack would (package/<file>):
//   package.json, dist/index.cjs.js, CHANGELOG.md, alpha/package.json,
//   config.schema.json
// Checked:
//  - read_package_contents never crashes; on success the manifest is what
//    parse_manifest gives for the same text; entry points are unique,
//    "." first, their files relative paths inside the package; named exports
//    are sorted, unique, at most 256, never "default" or "__esModule"; a
//    config schema, when found, is a JSON object's text;
//  - parse_changelog on the CHANGELOG part never fails under 16 MiB; entry
//    versions parse as semver; changelog_between returns entries inside the
//    bounds, newest first;
//  - parse_integrity on the first line of the CHANGELOG part never crashes,
//    and what it returns prints and parses back to itself.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/changelog.cpp"         // NOLINT(bugprone-suspicious-include)
#include "artifact/extract.cpp"           // NOLINT(bugprone-suspicious-include)
#include "artifact/integrity.cpp"         // NOLINT(bugprone-suspicious-include)
#include "artifact/package_contents.cpp"  // NOLINT(bugprone-suspicious-include)
#include "artifact/tar_reader.cpp"        // NOLINT(bugprone-suspicious-include)
#include "callboard/semver.hpp"
#include "fuzz_check.hpp"

namespace {

using callboard::fuzz::check_failed;

#define PKG_CHECK(cond, detail)                                     \
  do {                                                              \
    if (!(cond)) check_failed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)

/// One ustar member (name < 100 bytes), as npm pack writes them.
void add_member(std::string& tar, const std::string& name, std::string_view content) {
  std::string header(512, '\0');
  header.replace(0, name.size(), name);
  auto octal = [&](std::size_t offset, std::size_t width, std::uint64_t value) {
    std::string digits(width - 1, '0');
    for (std::size_t i = width - 1; i-- > 0 && value > 0; value >>= 3) digits[i] = static_cast<char>('0' + (value & 7));
    header.replace(offset, width - 1, digits);
  };
  octal(100, 8, 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.size());
  octal(136, 12, 499162500);
  header.replace(148, 8, "        ");
  header[156] = '0';
  header.replace(257, 6, std::string("ustar\0", 6));
  header.replace(263, 2, "00");
  unsigned sum = 0;
  for (const char c : header) sum += static_cast<unsigned char>(c);
  octal(148, 7, sum);
  tar += header;
  tar.append(content);
  tar.append((512 - content.size() % 512) % 512, '\0');
}

/// A ".." path component ("a/../b"; not "alph..a.js").
bool has_dot_dot(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (path.substr(start, slash - start) == "..") return true;
    start = slash + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = input;
  using namespace callboard;
  if (size > (1u << 20)) return 0;

  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 4) {
    const auto sep = input.find("\n----\n", start);
    if (sep == std::string_view::npos) break;
    parts.push_back(input.substr(start, sep - start));
    start = sep + 6;
  }
  parts.push_back(input.substr(start));
  static const char* const kNames[] = {"package/package.json", "package/dist/index.cjs.js", "package/CHANGELOG.md",
                                       "package/alpha/package.json", "package/config.schema.json"};
  std::string tar;
  for (std::size_t i = 0; i < parts.size(); ++i) add_member(tar, kNames[i], parts[i]);
  tar.append(1024, '\0');

  auto contents = read_package_contents(tar);
  auto manifest = parse_manifest(parts[0]);
  if (contents) {
    PKG_CHECK(manifest.ok(), "contents without a manifest");
    PKG_CHECK(contents->manifest == *manifest, "manifest differs from parse_manifest");
    std::set<std::string> subpaths;
    for (std::size_t i = 0; i < contents->entry_points.size(); ++i) {
      const EntryPoint& ep = contents->entry_points[i];
      PKG_CHECK(subpaths.insert(ep.subpath).second, ep.subpath);
      PKG_CHECK(ep.subpath == "." ? i == 0 : ep.subpath.rfind("./", 0) == 0 || ep.subpath.rfind(".", 0) == 0,
                ep.subpath);
      PKG_CHECK(ep.file.empty() || (ep.file.front() != '/' && !has_dot_dot(ep.file)), ep.file);
      PKG_CHECK(ep.named_exports.size() <= 256, ep.subpath);
      std::set<std::string> names(ep.named_exports.begin(), ep.named_exports.end());
      PKG_CHECK(names.size() == ep.named_exports.size(), "duplicate export");
      PKG_CHECK(std::is_sorted(ep.named_exports.begin(), ep.named_exports.end()), "unsorted exports");
      PKG_CHECK(!names.contains("default") && !names.contains("__esModule"), ep.subpath);
    }
    if (contents->config_schema) {
      PKG_CHECK(!contents->config_schema->empty() && contents->config_schema->front() == '{',
                contents->config_schema_path);
    }
    (void)backend_system_from_code(*contents);
  } else {
    // Only the manifest itself can make a well-formed tarball unreadable.
    PKG_CHECK(!manifest.ok(), contents.error().to_string());
  }

  if (parts.size() > 2) {
    auto log = parse_changelog(parts[2]);
    PKG_CHECK(log.ok(), "parse_changelog failed under the size bound");
    for (const ChangelogEntry& e : log->entries) PKG_CHECK(semver::Version::parse(e.version).ok(), e.version);
    auto between = changelog_between(*log, "0.0.0", "99999.0.0", true);
    PKG_CHECK(between.ok(), "changelog_between");
    for (std::size_t i = 1; i < between->size(); ++i) {
      PKG_CHECK(!(*semver::Version::parse((*between)[i - 1].version) < *semver::Version::parse((*between)[i].version)),
                "not newest first");
    }
    const std::string_view first_line = parts[2].substr(0, parts[2].find('\n'));
    if (auto sri = parse_integrity(first_line)) {
      auto again = parse_integrity(sri->to_string());
      PKG_CHECK(again.ok() && *again == *sri, sri->to_string());
    }
  }
  return 0;
}
