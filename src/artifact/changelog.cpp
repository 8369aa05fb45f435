// CHANGELOG.md as changesets (Backstage), conventional-changelog and
// keep-a-changelog write it: version headings, section headings, bullets.

#include <algorithm>
#include <cctype>
#include <string>

#include "callboard/artifact.hpp"
#include "callboard/semver.hpp"

namespace callboard {
namespace {

constexpr std::size_t kMaxChangelogBytes = 16u << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

/// "1.2.0", "[1.2.0](https://...) (2024-01-01)", "v1.2.0 - 2024-01-01",
/// "@scope/name@1.2.0" -> the version text, when it parses.
std::optional<std::string> heading_version(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') text.remove_prefix(1);
  std::size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != ']' && text[end] != '(' && text[end] != '\t') ++end;
  std::string_view token = text.substr(0, end);
  // Changesets in a monorepo sometimes write "name@1.2.0".
  if (const auto at = token.rfind('@'); at != std::string_view::npos && at > 0) token = token.substr(at + 1);
  if (!token.empty() && (token.front() == 'v' || token.front() == 'V')) token.remove_prefix(1);
  if (token.empty() || !std::isdigit(static_cast<unsigned char>(token.front()))) return std::nullopt;
  if (!semver::Version::parse(token)) return std::nullopt;
  return std::string(token);
}

bool says_breaking(std::string_view text) {
  std::size_t at = text.find("BREAKING");
  while (at != std::string_view::npos) {
    const bool before = at == 0 || !std::isalpha(static_cast<unsigned char>(text[at - 1]));
    const std::size_t after = at + 8;
    const bool behind = after >= text.size() || !std::isalpha(static_cast<unsigned char>(text[after]));
    if (before && behind) return true;
    at = text.find("BREAKING", at + 1);
  }
  return false;
}

bool major_section(std::string_view section) {
  std::string lower(section);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return lower.find("major") != std::string::npos || lower.find("breaking") != std::string::npos;
}

void finish_item(ChangelogEntry* entry) {
  if (entry == nullptr || entry->items.empty()) return;
  ChangelogItem& item = entry->items.back();
  while (!item.text.empty() && (item.text.back() == '\n' || item.text.back() == ' ')) item.text.pop_back();
  item.breaking = major_section(item.section) || says_breaking(item.text);
  entry->breaking = entry->breaking || item.breaking;
}

/// Changesets' bump: Major Changes, or Minor Changes before 1.0.
void set_semver_major(Changelog& log) {
  for (ChangelogEntry& e : log.entries) {
    const auto v = semver::Version::parse(e.version);
    const bool zero = v && v->major() == 0;
    for (const ChangelogItem& item : e.items) {
      std::string lower(item.section);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      if (major_section(item.section) || (zero && lower.find("minor") != std::string::npos)) e.semver_major = true;
    }
  }
}

}  // namespace

Result<Changelog> parse_changelog(std::string_view markdown) {
  if (markdown.size() > kMaxChangelogBytes) {
    return make_error(ErrorCode::kResourceExhausted, "CHANGELOG is larger than 16 MiB")
        .with("bytes", std::to_string(markdown.size()));
  }
  Changelog out;
  ChangelogEntry* entry = nullptr;
  std::string section;
  bool in_item = false;
  bool in_fence = false;
  bool previous_blank = true;
  std::size_t item_indent = 0;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    auto nl = markdown.find('\n', pos);
    if (nl == std::string_view::npos) nl = markdown.size();
    std::string_view line = markdown.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    ++line_no;
    const std::size_t indent = indentation(line);
    const std::string_view body = line.substr(indent);
    const bool blank = body.empty();
    const bool fence_line = body.starts_with("```") || body.starts_with("~~~");
    const bool was_in_fence = in_fence;
    if (fence_line) in_fence = !in_fence;

    if (!was_in_fence && !fence_line && indent < 4 && body.starts_with("#") && !(in_item && indent > 0)) {
      std::size_t level = 0;
      while (level < body.size() && body[level] == '#') ++level;
      if (level < body.size() && body[level] != ' ' && body[level] != '\t') level = 0;  // "#hashtag"
      if (level > 0) {
        const std::string_view text = trim(body.substr(level));
        if (level <= 3) {
          if (auto version = heading_version(text)) {
            finish_item(entry);
            out.entries.push_back(ChangelogEntry{*version, {}, false, false, line_no});
            entry = &out.entries.back();
            section.clear();
            in_item = false;
            previous_blank = true;
            continue;
          }
        }
        if (entry != nullptr && level >= 3) {
          finish_item(entry);
          section = std::string(text);
          in_item = false;
          previous_blank = true;
          continue;
        }
        // "# Changelog", "## Unreleased", a package title: not part of the
        // entry above.
        finish_item(entry);
        entry = nullptr;
        in_item = false;
        previous_blank = true;
        continue;
      }
    }
    if (entry == nullptr) {
      previous_blank = blank;
      continue;
    }
    const bool bullet = !was_in_fence && indent <= 1 && (body.starts_with("- ") || body.starts_with("* ") ||
                                                     body == "-" || body == "*");
    if (bullet) {
      finish_item(entry);
      entry->items.push_back(ChangelogItem{section, std::string(trim(body.substr(1))), false});
      in_item = true;
      item_indent = indent + 2;
    } else if (in_item && (was_in_fence || blank || indent >= item_indent || !previous_blank)) {
      // A continuation: indented, inside a fence, a blank line, or lazy
      // (unindented right after a text line).
      std::string& text = entry->items.back().text;
      text += '\n';
      text += line.substr(std::min(indent, item_indent));
    } else if (!blank) {
      finish_item(entry);
      in_item = false;
    }
    previous_blank = blank;
  }
  finish_item(entry);
  set_semver_major(out);
  return out;
}

Result<std::vector<ChangelogEntry>> changelog_between(const Changelog& changelog, std::string_view from,
                                                      std::string_view to, bool include_prereleases) {
  const auto lo = semver::Version::parse(from);
  if (!lo) return make_error(ErrorCode::kInvalidArgument, "'" + std::string(from) + "' is not a version");
  const auto hi = semver::Version::parse(to);
  if (!hi) return make_error(ErrorCode::kInvalidArgument, "'" + std::string(to) + "' is not a version");
  if (*hi < *lo) {
    return make_error(ErrorCode::kInvalidArgument,
                      "from " + std::string(from) + " is newer than to " + std::string(to));
  }
  const bool prereleases = include_prereleases || hi->is_prerelease();
  std::vector<std::pair<semver::Version, const ChangelogEntry*>> picked;
  for (const ChangelogEntry& e : changelog.entries) {
    auto v = semver::Version::parse(e.version);
    if (!v || !(*lo < *v) || *hi < *v) continue;
    if (v->is_prerelease() && !prereleases) continue;
    picked.emplace_back(std::move(*v), &e);
  }
  std::stable_sort(picked.begin(), picked.end(), [](const auto& a, const auto& b) { return b.first < a.first; });
  std::vector<ChangelogEntry> out;
  out.reserve(picked.size());
  for (const auto& [v, e] : picked) out.push_back(*e);
  return out;
}

}  // namespace callboard
