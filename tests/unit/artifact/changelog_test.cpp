// CHANGELOG.md: golden tests on real changelogs (tests/fixtures/artifact/
// changelog/), plus the heading and bullet shapes other tools write.

#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::artifact_fixtures;
using callboard::test::read_text;

namespace {

/// A stable text rendering of changelog_between's result for golden files.
std::string render(const std::vector<ChangelogEntry>& entries) {
  std::string out;
  for (const ChangelogEntry& e : entries) {
    out += "## " + e.version + (e.breaking ? "  [BREAKING]" : "") + (e.semver_major ? "  [semver-major]" : "") + "  (line " + std::to_string(e.line) + ")\n";
    for (const ChangelogItem& item : e.items) {
      const auto nl = item.text.find('\n');
      const std::string first = item.text.substr(0, std::min<std::size_t>(nl, 100));
      out += std::string(item.breaking ? "  ! " : "  - ") + "[" + item.section + "] " + first + "\n";
    }
  }
  return out;
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto file = artifact_fixtures() / "changelog" / name;
  if (const char* update = std::getenv("CALLBOARD_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(file, std::ios::binary) << actual;
  }
  CHECK(read_text(file) == actual);
}

Changelog load(const std::string& name) {
  auto c = parse_changelog(read_text(artifact_fixtures() / "changelog" / name));
  REQUIRE(c.ok());
  return std::move(*c);
}

}  // namespace

TEST_CASE("scaffolder-backend 1.33.0 -> 2.1.1: the major release and its breaking items", "[artifact][changelog]") {
  const Changelog log = load("plugin-scaffolder-backend-2.1.1.CHANGELOG.md");
  // Every "## <version>" heading of the trimmed file (grep -c '^## ').
  CHECK(log.entries.size() == 10);
  auto between = changelog_between(log, "1.33.0", "2.1.1");
  REQUIRE(between.ok());
  // Stable releases only: 2.1.1, 2.1.0, 2.0.0.
  REQUIRE(between->size() == 3);
  CHECK((*between)[0].version == "2.1.1");
  CHECK((*between)[2].version == "2.0.0");
  const ChangelogEntry& major = (*between)[2];
  CHECK(major.breaking);
  std::size_t majors = 0;
  for (const auto& item : major.items) majors += item.section == "Major Changes" ? 1 : 0;
  CHECK(majors == 4);  // 33394db, a8fcf04, 73b94d7, 5863b04
  // 2.1.0's "BREAKING `/alpha`:" minor change is flagged from its text.
  CHECK((*between)[1].breaking);
  check_golden("scaffolder-backend-1.33.0-2.1.1.golden.txt", render(*between));

  // With prereleases: every heading after 1.33.0.
  auto all = changelog_between(log, "1.33.0", "2.1.1", true);
  REQUIRE(all.ok());
  CHECK(all->size() == 9);
  // A prerelease target includes prereleases up to it.
  auto next = changelog_between(log, "1.33.0", "2.0.0-next.2");
  REQUIRE(next.ok());
  REQUIRE(next->size() == 3);
  CHECK(next->front().version == "2.0.0-next.2");
}

TEST_CASE("jenkins-backend 0.10.0 -> 0.29.0: a 0.x package's breaking minor", "[artifact][changelog]") {
  const Changelog log = load("plugin-jenkins-backend-0.29.0.CHANGELOG.md");
  CHECK(log.entries.size() == 31);
  auto between = changelog_between(log, "0.10.0", "0.29.0");
  REQUIRE(between.ok());
  CHECK(between->size() == 23);
  std::vector<std::string> breaking;
  for (const auto& e : *between) {
    if (e.breaking) breaking.push_back(e.version);
  }
  // grep -n BREAKING on the fixture: only 0.11.0 says it.
  CHECK(breaking == std::vector<std::string>{"0.11.0"});
  check_golden("jenkins-backend-0.10.0-0.29.0.golden.txt", render(*between));
  CHECK(changelog_between(log, "0.29.0", "0.29.0")->empty());
}

TEST_CASE("changelog headings and bullets in other tools' shapes", "[artifact][changelog]") {
  const std::string text =
      "# Changelog\n"
      "\n"
      "## [2.0.0](https://example.invalid/compare/v1.1.0...v2.0.0) (2024-03-01)\n"
      "\n"
      "### ⚠ BREAKING CHANGES\n"
      "\n"
      "* drop node 16\n"
      "\n"
      "### Features\n"
      "\n"
      "* **api:** a thing ([abc123](https://example.invalid))\n"
      "  that continues\n"
      "lazily here\n"
      "\n"
      "```\n"
      "## 9.9.9 inside a fence is no heading\n"
      "```\n"
      "\n"
      "### [1.1.0](https://example.invalid) (2024-01-01)\n"
      "\n"
      "- v-less patch\n"
      "\n"
      "## v1.0.0 - 2023-12-01\n"
      "- first\n"
      "## not a version\n"
      "- ignored\n";
  auto log = parse_changelog(text);
  REQUIRE(log.ok());
  REQUIRE(log->entries.size() == 3);
  CHECK(log->entries[0].version == "2.0.0");
  REQUIRE(log->entries[0].items.size() == 2);
  CHECK(log->entries[0].items[0].breaking);  // under "⚠ BREAKING CHANGES"
  CHECK(log->entries[0].items[1].section == "Features");
  CHECK(log->entries[0].items[1].text == "**api:** a thing ([abc123](https://example.invalid))\nthat continues\nlazily here");
  CHECK_FALSE(log->entries[0].items[1].breaking);
  CHECK(log->entries[1].version == "1.1.0");
  CHECK(log->entries[2].version == "1.0.0");
  CHECK(log->entries[2].items.size() == 1);  // "ignored" is under a non-version heading

  CHECK(changelog_between(*log, "2.0.0", "1.0.0").error().code == ErrorCode::kInvalidArgument);
  CHECK(changelog_between(*log, "x", "1.0.0").error().code == ErrorCode::kInvalidArgument);
  CHECK(parse_changelog("no headings at all\n")->entries.empty());
  CHECK(parse_changelog(std::string(17u << 20, 'a')).error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("BREAKING is a word in capitals, not any substring", "[artifact][changelog]") {
  auto log = parse_changelog(
      "## 1.0.0\n\n### Patch Changes\n\n- Fixed NONBREAKING thing\n- Fixed breaking thing (lowercase)\n"
      "- **BREAKING**: real\n- BREAKING `/alpha`: also real\n");
  REQUIRE(log.ok());
  const auto& items = log->entries.at(0).items;
  REQUIRE(items.size() == 4);
  CHECK_FALSE(items[0].breaking);
  CHECK_FALSE(items[1].breaking);
  CHECK(items[2].breaking);
  CHECK(items[3].breaking);
}
