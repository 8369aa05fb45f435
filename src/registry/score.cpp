// The quality/trust score of a plugin: a weighted sum of factors, each 0..1
// and explained by a sentence with the real value behind it.
//
//   id             | weight | value
//   ---------------+--------+-------------------------------------------------------------
//   recency        |  0.20  | 1 within 30 days of the last publication, linear to 0 at 730
//   cadence        |  0.10  | days with a (non-prerelease) publication in the last 365, /6
//   metadata       |  0.10  | share of 7 fields present per package, averaged: role,
//                  |        | pluginId, pluginPackages (pluginPackage for modules),
//                  |        | description, repository, license, keywords
//   new_backend    |  0.10  | new 1, transitional 0.5, legacy 0; left out without a backend
//   latest_release |  0.15  | supports the newest release 1; else 1 - (minors behind + 1)/12
//   license        |  0.05  | worst package: OSI SPDX 1, other text 0.5, none/UNLICENSED 0
//   deprecation    |  0.10  | 1 none deprecated, 0.5 some, 0 the whole plugin
//   directory      |  0.05  | listed 1, inactive/stale 0.5, archived 0, not listed 0.5
//   popularity     |  0.15  | log10(1 + monthly downloads) / 5; left out when unknown
//
// Left-out factors are not listed and the remaining weights are scaled to
// sum to 1, so a frontend-only plugin is not punished for having no backend.

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "callboard/registry.hpp"
#include "callboard/semver.hpp"

#include "registry/plugins_detail.hpp"

namespace callboard {
namespace {

using plugins_detail::is_prerelease_text;

struct FactorSpec {
  std::string_view id;
  std::string_view label;
  double weight;
};

constexpr std::array<FactorSpec, 9> kFactors = {{
    {"recency", "Release recency", 0.20},
    {"cadence", "Release cadence", 0.10},
    {"metadata", "Backstage metadata", 0.10},
    {"new_backend", "New backend system", 0.10},
    {"latest_release", "Latest Backstage release", 0.15},
    {"license", "License", 0.05},
    {"deprecation", "Deprecation", 0.10},
    {"directory", "Plugin directory", 0.05},
    {"popularity", "Popularity", 0.15},
}};

constexpr std::int64_t kFreshDays = 30;
constexpr std::int64_t kStaleDays = 730;
constexpr double kFullCadence = 6.0;          // a publication every two months
constexpr double kMinorsToZero = 12.0;        // a year of monthly Backstage releases
constexpr double kFullPopularityLog10 = 5.0;  // 100,000 downloads a month

// OSI-approved SPDX identifiers seen on npm (compared case-insensitively).
constexpr std::array<std::string_view, 38> kOsiLicenses = {"0BSD",
                                                           "AFL-3.0",
                                                           "AGPL-3.0",
                                                           "AGPL-3.0-only",
                                                           "AGPL-3.0-or-later",
                                                           "Apache-2.0",
                                                           "Artistic-2.0",
                                                           "BSD-2-Clause",
                                                           "BSD-3-Clause",
                                                           "BSL-1.0",
                                                           "CDDL-1.0",
                                                           "EPL-1.0",
                                                           "EPL-2.0",
                                                           "EUPL-1.2",
                                                           "GPL-2.0",
                                                           "GPL-2.0-only",
                                                           "GPL-2.0-or-later",
                                                           "GPL-3.0",
                                                           "GPL-3.0-only",
                                                           "GPL-3.0-or-later",
                                                           "ISC",
                                                           "LGPL-2.1",
                                                           "LGPL-2.1-only",
                                                           "LGPL-2.1-or-later",
                                                           "LGPL-3.0",
                                                           "LGPL-3.0-only",
                                                           "LGPL-3.0-or-later",
                                                           "MIT",
                                                           "MIT-0",
                                                           "MPL-2.0",
                                                           "MS-PL",
                                                           "NCSA",
                                                           "OSL-3.0",
                                                           "PostgreSQL",
                                                           "UPL-1.0",
                                                           "Unlicense",
                                                           "Zlib",
                                                           "BlueOak-1.0.0"};

std::string format_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string format_date(Timestamp t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// 1: every identifier of the SPDX expression is OSI-approved; 0.5: some
// other text (a proprietary "SEE LICENSE IN ..."); 0: none or UNLICENSED.
double license_value(std::string_view expression) {
  const std::size_t first = expression.find_first_not_of(" \t");
  if (first == std::string_view::npos) return 0;
  expression = expression.substr(first, expression.find_last_not_of(" \t") - first + 1);
  if (iequals(expression, "UNLICENSED")) return 0;
  bool after_with = false;
  bool any = false;
  std::size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() &&
           (expression[i] == ' ' || expression[i] == '(' || expression[i] == ')'))
      ++i;
    std::size_t j = i;
    while (j < expression.size() && expression[j] != ' ' && expression[j] != '(' &&
           expression[j] != ')')
      ++j;
    std::string_view token = expression.substr(i, j - i);
    i = j;
    if (token.empty()) continue;
    if (iequals(token, "AND") || iequals(token, "OR")) continue;
    if (iequals(token, "WITH")) {
      after_with = true;  // the exception id that follows is not a license
      continue;
    }
    if (after_with) {
      after_with = false;
      continue;
    }
    if (token.ends_with('+')) token.remove_suffix(1);
    const bool known = std::any_of(kOsiLicenses.begin(), kOsiLicenses.end(),
                                   [&](std::string_view l) { return iequals(l, token); });
    if (!known) return 0.5;
    any = true;
  }
  return any ? 1.0 : 0.5;
}

struct Built {
  std::vector<ScoreFactor> factors;
  void add(std::string_view id, double value, std::string detail) {
    for (const auto& spec : kFactors) {
      if (spec.id != id) continue;
      ScoreFactor f;
      f.id = std::string(spec.id);
      f.label = std::string(spec.label);
      f.value = std::clamp(value, 0.0, 1.0);
      f.weight = spec.weight;
      f.detail = std::move(detail);
      factors.push_back(std::move(f));
    }
  }
};

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

void recency(Built& out, const Plugin& plugin, const std::vector<const Packument*>& packuments,
             Timestamp now) {
  Timestamp last = plugin.last_published;
  if (last == Timestamp{}) {
    for (const Packument* p : packuments) {
      if (!p) continue;
      for (const auto& m : p->versions) last = std::max(last, m.published);
    }
  }
  if (last == Timestamp{}) {
    out.add("recency", 0, "no publication time known");
    return;
  }
  const std::int64_t days =
      std::max<std::int64_t>(0, std::chrono::floor<std::chrono::days>(now - last).count());
  double value = 1;
  if (days >= kStaleDays) {
    value = 0;
  } else if (days > kFreshDays) {
    value =
        1 - static_cast<double>(days - kFreshDays) / static_cast<double>(kStaleDays - kFreshDays);
  }
  out.add("recency", value,
          "last release " + plural(static_cast<std::size_t>(days), "day", "days") + " ago (" +
              format_date(last) + ")");
}

void cadence(Built& out, const std::vector<const Packument*>& packuments, Timestamp now) {
  std::set<std::int64_t> days;
  for (const Packument* p : packuments) {
    if (!p) continue;
    for (const auto& m : p->versions) {
      if (m.published == Timestamp{} || m.published > now || is_prerelease_text(m.version))
        continue;
      if (now - m.published >= std::chrono::days(365)) continue;
      days.insert(std::chrono::floor<std::chrono::days>(m.published).time_since_epoch().count());
    }
  }
  const double value = std::min(1.0, static_cast<double>(days.size()) / kFullCadence);
  out.add("cadence", value,
          days.empty()
              ? std::string("no release in the last 365 days")
              : "releases on " + plural(days.size(), "day", "days") + " in the last 365 days");
}

void metadata(Built& out, const std::vector<const Packument*>& packuments) {
  constexpr std::array<std::string_view, 7> kFields = {
      "role", "pluginId", "pluginPackages", "description", "repository", "license", "keywords"};
  std::map<std::string_view, std::size_t> missing;
  std::size_t present = 0;
  std::size_t packages = 0;
  for (const Packument* p : packuments) {
    const Manifest* m = p ? p->latest() : nullptr;
    if (!m) continue;
    ++packages;
    const auto& bs = m->backstage;
    const std::array<bool, 7> ok = {
        bs && bs->role.has_value(),
        bs && bs->plugin_id && !bs->plugin_id->empty(),
        bs && (!bs->plugin_packages.empty() || bs->plugin_package.has_value()),
        !m->description.empty() || !p->description.empty(),
        !m->repository.url.empty(),
        !m->license.empty(),
        !m->keywords.empty(),
    };
    for (std::size_t i = 0; i < ok.size(); ++i) {
      if (ok[i]) {
        ++present;
      } else {
        ++missing[kFields[i]];
      }
    }
  }
  if (packages == 0) {
    out.add("metadata", 0, "no package metadata");
    return;
  }
  const double avg = static_cast<double>(present) / static_cast<double>(packages);
  std::string detail = format_number(avg, 1) + " of 7 metadata fields on average";
  if (!missing.empty()) {
    // The most often missing field(s), in the fixed field order.
    std::size_t most = 0;
    for (const auto& [field, n] : missing) most = std::max(most, n);
    std::string names;
    for (auto field : kFields) {
      auto it = missing.find(field);
      if (it == missing.end() || it->second != most) continue;
      if (!names.empty()) names += ", ";
      names += field;
    }
    detail += " (most often missing: " + names + ")";
  }
  out.add("metadata", avg / 7.0, std::move(detail));
}

void new_backend(Built& out, const Plugin& plugin) {
  switch (plugin.backend_system) {
    case PluginSystem::kNotApplicable: return;  // frontend-only: left out
    case PluginSystem::kNew: out.add("new_backend", 1, "uses the new backend system"); return;
    case PluginSystem::kTransitional:
      out.add("new_backend", 0.5, "supports both the new and the legacy backend system");
      return;
    case PluginSystem::kLegacy: out.add("new_backend", 0, "legacy backend system only"); return;
  }
}

void latest_release(Built& out, const Plugin& plugin,
                    const plugins_detail::ReleaseSummary& summary) {
  if (!summary.newest) return;  // no release known: left out
  const semver::Version* newest = &*summary.newest;
  const std::string& newest_text = summary.newest_text;
  const std::size_t known = summary.known;

  const auto& supported = plugin.supported_releases;
  if (std::find(supported.begin(), supported.end(), newest_text) != supported.end()) {
    out.add("latest_release", 1, "supports " + newest_text + ", the newest release");
    return;
  }
  std::optional<semver::Version> best;
  std::string best_text;
  for (const auto& s : supported) {
    auto v = semver::Version::parse(s);
    if (!v) continue;
    if (*v == *newest) {
      out.add("latest_release", 1, "supports " + newest_text + ", the newest release");
      return;
    }
    if (*v < *newest && (!best || *v > *best)) {
      best = *v;
      best_text = s;
    }
  }
  if (!best) {
    out.add(
        "latest_release", 0,
        "supports none of the " + std::to_string(known) + " known releases up to " + newest_text);
    return;
  }
  const std::uint64_t behind = best->major() != newest->major()
                                   ? static_cast<std::uint64_t>(kMinorsToZero)
                                   : newest->minor() - best->minor();
  const double value = 1 - static_cast<double>(behind + 1) / kMinorsToZero;
  std::string detail = "newest supported release is " + best_text + ", ";
  detail += behind == 0
                ? std::string("an older patch of ") + newest_text
                : plural(static_cast<std::size_t>(behind), "minor release", "minor releases") +
                      " behind " + newest_text;
  out.add("latest_release", value, std::move(detail));
}

void license(Built& out, const std::vector<const Packument*>& packuments) {
  double worst = 1;
  std::string worst_detail;
  std::set<std::string> licenses;
  bool any = false;
  for (const Packument* p : packuments) {
    const Manifest* m = p ? p->latest() : nullptr;
    if (!m) continue;
    any = true;
    const double v = license_value(m->license);
    if (!m->license.empty()) licenses.insert(m->license);
    if (v < worst) {
      worst = v;
      worst_detail =
          m->license.empty() ? p->name + " declares no license" : p->name + " is " + m->license;
    }
  }
  if (!any) {
    out.add("license", 0, "no package to read a license from");
    return;
  }
  if (worst_detail.empty()) {
    std::string all;
    for (const auto& l : licenses) all += (all.empty() ? "" : ", ") + l;
    worst_detail = all;
  }
  out.add("license", worst, std::move(worst_detail));
}

void deprecation(Built& out, const Plugin& plugin,
                 const std::vector<const Packument*>& packuments) {
  if (plugin.deprecated) {
    out.add("deprecation", 0, "every package is deprecated or moved");
    return;
  }
  std::vector<std::string> deprecated;
  std::size_t counted = 0;
  for (const Packument* p : packuments) {
    const Manifest* m = p ? p->latest() : nullptr;
    // A package that moved is an old name of the plugin, not a flaw of it.
    if (!m || !plugins_detail::moved_to(*p).empty()) continue;
    ++counted;
    if (m->deprecated) deprecated.push_back(p->name);
  }
  if (deprecated.empty()) {
    out.add("deprecation", 1, "no package is deprecated");
    return;
  }
  std::sort(deprecated.begin(), deprecated.end());
  std::string names;
  for (const auto& n : deprecated) names += (names.empty() ? "" : ", ") + n;
  out.add("deprecation", 0.5,
          std::to_string(deprecated.size()) + " of " + plural(counted, "package", "packages") +
              " deprecated (" + names + ")");
}

void directory(Built& out, const Plugin& plugin) {
  if (!plugin.directory) {
    out.add("directory", 0.5, "not listed in the plugin directory");
    return;
  }
  const DirectoryEntry& e = *plugin.directory;
  const std::string where = "listed in the plugin directory as '" + e.id + "'";
  if (e.status == "archived") {
    out.add("directory", 0, where + ", archived");
  } else if (e.status == "inactive") {
    out.add("directory", 0.5, where + ", inactive");
  } else if (!e.stale_since.empty()) {
    out.add("directory", 0.5, where + ", stale since " + e.stale_since);
  } else {
    out.add("directory", 1, e.status.empty() ? where : where + ", " + e.status);
  }
}

void popularity(Built& out, std::optional<std::uint64_t> downloads) {
  if (!downloads) return;  // unknown: left out
  const double value = std::log10(1.0 + static_cast<double>(*downloads)) / kFullPopularityLog10;
  out.add("popularity", value, std::to_string(*downloads) + " downloads a month");
}

}  // namespace

namespace plugins_detail {

ReleaseSummary summarize_releases(const std::vector<Release>& releases) {
  ReleaseSummary summary;
  std::vector<semver::Version> valid;
  std::optional<semver::Version> newest_any;
  std::string newest_any_text;
  for (const auto& r : releases) {
    auto v = semver::Version::parse(r.version);
    if (!v) continue;
    valid.push_back(*v);
    if (!newest_any || *v > *newest_any) {
      newest_any = *v;
      newest_any_text = r.version;
    }
    if (!v->is_prerelease() && (!summary.newest || *v > *summary.newest)) {
      summary.newest = *v;
      summary.newest_text = r.version;
    }
  }
  if (!summary.newest) {
    summary.newest = std::move(newest_any);
    summary.newest_text = std::move(newest_any_text);
  }
  std::sort(valid.begin(), valid.end());
  summary.known = static_cast<std::size_t>(std::unique(valid.begin(), valid.end()) - valid.begin());
  return summary;
}

Score score_with(const Plugin& plugin, const std::vector<const Packument*>& packuments,
                 const ReleaseSummary& releases, Timestamp now,
                 std::optional<std::uint64_t> monthly_downloads) {
  Built built;
  recency(built, plugin, packuments, now);
  cadence(built, packuments, now);
  metadata(built, packuments);
  new_backend(built, plugin);
  latest_release(built, plugin, releases);
  license(built, packuments);
  deprecation(built, plugin, packuments);
  directory(built, plugin);
  popularity(built, monthly_downloads);

  double weights = 0;
  for (const auto& f : built.factors) weights += f.weight;
  Score score;
  double total = 0;
  for (auto& f : built.factors) {
    f.weight /= weights;
    total += f.value * f.weight;
  }
  score.total = std::round(std::clamp(total, 0.0, 1.0) * 1000.0) / 10.0;
  score.factors = std::move(built.factors);
  return score;
}

}  // namespace plugins_detail

Result<Score> score_plugin(const Plugin& plugin, const std::vector<const Packument*>& packuments,
                           const std::vector<Release>& releases, Timestamp now,
                           std::optional<std::uint64_t> monthly_downloads) {
  try {
    return plugins_detail::score_with(
        plugin, packuments, plugins_detail::summarize_releases(releases), now, monthly_downloads);
  } catch (...) {
    return plugins_detail::error_from_current_exception("scoring plugin " + plugin.id);
  }
}

}  // namespace callboard
