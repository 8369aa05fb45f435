// score_plugin: each factor's value and sentence, weights, the total.
#include <catch2/catch.hpp>
#include <cmath>

#include "callboard/registry.hpp"

#include "plugins_test_support.hpp"

using namespace callboard;
using callboard::test::Pkg;
using callboard::test::ts;
using R = PackageRole;

namespace {

// A function, not a namespace-scope constant: parse_timestamp may not be
// usable during static initialisation of another translation unit.
Timestamp now() { return ts("2026-07-01T00:00:00Z"); }

std::string days_ago(int days) { return format_timestamp(now() - std::chrono::days(days)); }

// A package with every metadata field, published `days` ago.
Pkg complete(std::string name, int days = 10) {
  return std::move(Pkg(std::move(name), "1.0.0", days_ago(days))
                       .role(R::kBackendPlugin)
                       .id("x")
                       .links({"@acme/plugin-x-backend"})
                       .description("does x")
                       .repository("https://example.invalid/acme/x")
                       .keywords({"backstage"}));
}

struct Case {
  Plugin plugin;
  std::vector<Packument> packuments;
  std::vector<Release> releases;
  std::optional<std::uint64_t> downloads;

  Score score() const {
    std::vector<const Packument*> ptrs;
    for (const auto& p : packuments) ptrs.push_back(&p);
    auto score = score_plugin(plugin, ptrs, releases, now(), downloads);
    REQUIRE(score.ok());
    return std::move(score).value();
  }
};

const ScoreFactor* factor(const Score& s, std::string_view id) {
  for (const auto& f : s.factors) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

double value(const Score& s, std::string_view id) {
  const ScoreFactor* f = factor(s, id);
  REQUIRE(f != nullptr);
  return f->value;
}

std::string detail_of(const Score& s, std::string_view id) {
  const ScoreFactor* f = factor(s, id);
  REQUIRE(f != nullptr);
  return f->detail;
}

double weight_sum(const Score& s) {
  double sum = 0;
  for (const auto& f : s.factors) sum += f.weight;
  return sum;
}

Release release(std::string version) {
  Release r;
  r.version = std::move(version);
  return r;
}

std::vector<Release> recent_releases() {
  return {release("1.50.0"), release("1.53.0"), release("1.51.0"), release("1.52.0"),
          release("1.54.0-next.0")};
}

}  // namespace

TEST_CASE("a complete, healthy plugin scores 100", "[registry][score]") {
  Case c;
  Pkg pkg = complete("@acme/plugin-x-backend", 10);
  for (int d : {70, 130, 190, 250, 310}) pkg.next("1.0." + std::to_string(d), days_ago(10 + d));
  // next() moved the "latest" forward in version but back in time; the
  // newest publication is what counts.
  c.packuments = {pkg};
  c.plugin.id = "x";
  c.plugin.backend_system = PluginSystem::kNew;
  c.plugin.supported_releases = {"1.52.0", "1.53.0"};
  c.plugin.directory = DirectoryEntry{};
  c.plugin.directory->id = "x";
  c.plugin.directory->status = "active";
  c.releases = recent_releases();
  c.downloads = 99999;
  const Score s = c.score();
  CHECK(s.factors.size() == 9);
  for (const auto& f : s.factors) {
    INFO(f.id << ": " << f.detail);
    CHECK(f.value == Approx(1.0));
    CHECK_FALSE(f.label.empty());
  }
  CHECK(weight_sum(s) == Approx(1.0));
  CHECK(s.total == 100.0);
  CHECK(detail_of(s, "recency") == "last release 10 days ago (2026-06-21)");
  CHECK(detail_of(s, "cadence") == "releases on 6 days in the last 365 days");
  CHECK(detail_of(s, "latest_release") == "supports 1.53.0, the newest release");
  CHECK(detail_of(s, "popularity") == "99999 downloads a month");
  CHECK(detail_of(s, "directory") == "listed in the plugin directory as 'x', active");
  CHECK(detail_of(s, "license") == "Apache-2.0");
  CHECK(detail_of(s, "metadata") == "7.0 of 7 metadata fields on average");
}

TEST_CASE("recency decays from 30 days to two years", "[registry][score]") {
  auto at = [](int days) {
    Case c;
    c.packuments = {complete("@acme/plugin-x-backend", days)};
    return c.score();
  };
  CHECK(value(at(0), "recency") == 1.0);
  CHECK(value(at(30), "recency") == 1.0);
  CHECK(value(at(380), "recency") == Approx(0.5));
  CHECK(detail_of(at(380), "recency") == "last release 380 days ago (2025-06-16)");
  CHECK(value(at(730), "recency") == 0.0);
  CHECK(value(at(2000), "recency") == 0.0);
  CHECK(value(at(-5), "recency") == 1.0);  // clock skew: published "in the future"
  CHECK(detail_of(at(1), "recency") == "last release 1 day ago (2026-06-30)");

  SECTION("the plugin's last_published wins over the packuments") {
    Case c;
    c.packuments = {complete("@acme/plugin-x-backend", 1000)};
    c.plugin.last_published = now() - std::chrono::days(380);
    CHECK(value(c.score(), "recency") == Approx(0.5));
  }
  SECTION("unknown publication time") {
    Case c;
    Packument p = complete("@acme/plugin-x-backend");
    p.versions[0].published = Timestamp{};
    c.packuments = {p};
    CHECK(value(c.score(), "recency") == 0.0);
    CHECK(detail_of(c.score(), "recency") == "no publication time known");
  }
}

TEST_CASE("cadence counts days with a release in the last year", "[registry][score]") {
  Case c;
  c.packuments = {Pkg("@acme/plugin-x", "1.0.0", "2026-06-30T01:00:00Z")
                      .next("1.0.1", "2026-06-30T23:00:00Z")         // same day
                      .next("1.1.0-next.0", "2026-06-20T00:00:00Z")  // prerelease
                      .next("0.9.0", days_ago(100))
                      .next("0.8.0", days_ago(400)),                       // too old
                  Pkg("@acme/plugin-x-backend", "1.0.0", days_ago(100))};  // same day as 0.9.0
  const Score s = c.score();
  CHECK(value(s, "cadence") == Approx(2.0 / 6.0));
  CHECK(detail_of(s, "cadence") == "releases on 2 days in the last 365 days");

  Case none;
  none.packuments = {Pkg("@acme/plugin-x", "1.0.0", days_ago(500))};
  CHECK(value(none.score(), "cadence") == 0.0);
  CHECK(detail_of(none.score(), "cadence") == "no release in the last 365 days");
}

TEST_CASE("metadata completeness averages over packages", "[registry][score]") {
  Case c;
  c.packuments = {complete("@acme/plugin-x-backend"), Pkg("@acme/plugin-x").license("")};
  const Score s = c.score();
  CHECK(value(s, "metadata") == Approx(0.5));
  CHECK(detail_of(s, "metadata")
            .rfind("3.5 of 7 metadata fields on average (most often missing: role, pluginId", 0) ==
        0);

  Case module;  // a module's pluginPackage counts as its link
  module.packuments = {complete("@acme/plugin-x-backend-module-y")};
  module.packuments[0].versions[0].backstage->plugin_packages.clear();
  module.packuments[0].versions[0].backstage->plugin_package = "@acme/plugin-x-backend";
  CHECK(value(module.score(), "metadata") == 1.0);

  Case missing_keywords;
  missing_keywords.packuments = {complete("@acme/a"), complete("@acme/b").keywords({})};
  CHECK(detail_of(missing_keywords.score(), "metadata") ==
        "6.5 of 7 metadata fields on average (most often missing: keywords)");
}

TEST_CASE("new backend system, left out for frontend-only plugins", "[registry][score]") {
  Case c;
  c.packuments = {complete("@acme/plugin-x")};
  const Score frontend_only = c.score();
  CHECK(factor(frontend_only, "new_backend") == nullptr);
  CHECK(weight_sum(frontend_only) == Approx(1.0));
  c.plugin.backend_system = PluginSystem::kNew;
  CHECK(value(c.score(), "new_backend") == 1.0);
  c.plugin.backend_system = PluginSystem::kTransitional;
  CHECK(value(c.score(), "new_backend") == 0.5);
  c.plugin.backend_system = PluginSystem::kLegacy;
  CHECK(value(c.score(), "new_backend") == 0.0);
  CHECK(detail_of(c.score(), "new_backend") == "legacy backend system only");
  CHECK(weight_sum(c.score()) == Approx(1.0));
}

TEST_CASE("latest release support", "[registry][score]") {
  Case c;
  c.packuments = {complete("@acme/plugin-x")};
  CHECK(factor(c.score(), "latest_release") == nullptr);  // no releases known

  c.releases = recent_releases();
  c.plugin.supported_releases = {"1.50.0"};
  CHECK(value(c.score(), "latest_release") == Approx(1 - 4.0 / 12));
  CHECK(detail_of(c.score(), "latest_release") ==
        "newest supported release is 1.50.0, 3 minor releases behind 1.53.0");

  c.plugin.supported_releases = {};
  CHECK(value(c.score(), "latest_release") == 0.0);
  CHECK(detail_of(c.score(), "latest_release") ==
        "supports none of the 5 known releases up to 1.53.0");

  c.releases.push_back(release("1.53.1"));
  c.plugin.supported_releases = {"1.52.0", "1.53.0"};
  CHECK(value(c.score(), "latest_release") == Approx(11.0 / 12));
  CHECK(detail_of(c.score(), "latest_release") ==
        "newest supported release is 1.53.0, an older patch of 1.53.1");

  c.plugin.supported_releases = {"0.9.0"};  // another major line
  CHECK(value(c.score(), "latest_release") == 0.0);
}

TEST_CASE("license: OSI identifiers, other text, none", "[registry][score]") {
  auto of = [](std::vector<std::string> licenses) {
    Case c;
    char n = 'a';
    for (auto& l : licenses)
      c.packuments.push_back(complete(std::string("@acme/") + n++).license(l));
    return c.score();
  };
  CHECK(value(of({"Apache-2.0"}), "license") == 1.0);
  CHECK(value(of({"(MIT OR Apache-2.0)"}), "license") == 1.0);
  CHECK(value(of({"GPL-3.0-or-later"}), "license") == 1.0);
  CHECK(value(of({"Apache-2.0 WITH LLVM-exception"}), "license") == 1.0);
  CHECK(value(of({" mit "}), "license") == 1.0);
  CHECK(value(of({"GPL-2.0+"}), "license") == 1.0);
  CHECK(value(of({"SEE LICENSE IN LICENSE.md"}), "license") == 0.5);
  CHECK(value(of({"Proprietary"}), "license") == 0.5);
  CHECK(value(of({"()"}), "license") == 0.5);
  CHECK(value(of({""}), "license") == 0.0);
  CHECK(value(of({"UNLICENSED"}), "license") == 0.0);
  const Score worst = of({"MIT", "UNLICENSED", "SEE LICENSE IN x"});
  CHECK(value(worst, "license") == 0.0);
  CHECK(detail_of(worst, "license") == "@acme/b is UNLICENSED");
  CHECK(detail_of(of({"MIT", "Apache-2.0", "MIT"}), "license") == "Apache-2.0, MIT");
  CHECK(detail_of(of({""}), "license") == "@acme/a declares no license");
}

TEST_CASE("deprecation", "[registry][score]") {
  Case c;
  c.packuments = {complete("@acme/a"), complete("@acme/b").deprecated()};
  CHECK(value(c.score(), "deprecation") == 0.5);
  CHECK(detail_of(c.score(), "deprecation") == "1 of 2 packages deprecated (@acme/b)");
  c.plugin.deprecated = true;
  CHECK(value(c.score(), "deprecation") == 0.0);
  // A package that moved is an old name, not a flaw.
  Case moved;
  moved.packuments = {complete("@acme/a"), complete("@old/a").moved("@acme/a").deprecated()};
  CHECK(value(moved.score(), "deprecation") == 1.0);
  CHECK(detail_of(moved.score(), "deprecation") == "no package is deprecated");
}

TEST_CASE("directory status", "[registry][score]") {
  auto with = [](std::optional<std::string> status, std::string stale = {}) {
    Case c;
    c.packuments = {complete("@acme/a")};
    if (status) {
      c.plugin.directory = DirectoryEntry{};
      c.plugin.directory->id = "a";
      c.plugin.directory->status = *status;
      c.plugin.directory->stale_since = stale;
    }
    return value(c.score(), "directory");
  };
  CHECK(with(std::nullopt) == 0.5);
  CHECK(with("active") == 1.0);
  CHECK(with("") == 1.0);
  CHECK(with("inactive") == 0.5);
  CHECK(with("archived") == 0.0);
  CHECK(with("", "2025-01-01") == 0.5);
}

TEST_CASE("popularity is log-scaled and optional", "[registry][score]") {
  Case c;
  c.packuments = {complete("@acme/a")};
  CHECK(factor(c.score(), "popularity") == nullptr);
  c.downloads = 999;
  CHECK(value(c.score(), "popularity") == Approx(0.6));
  c.downloads = 0;
  CHECK(value(c.score(), "popularity") == 0.0);
  c.downloads = 1000000000;
  CHECK(value(c.score(), "popularity") == 1.0);
}

TEST_CASE("total: renormalised weighted sum, rounded to 0.1, deterministic", "[registry][score]") {
  // Frontend only, no releases, no downloads: recency .2, cadence .1,
  // metadata .1, license .05, deprecation .1, directory .05 remain (sum .6).
  Case c;
  c.packuments = {complete("@acme/plugin-x", 10)};  // one release day: cadence 1/6
  const Score s = c.score();
  CHECK(s.factors.size() == 6);
  const double expected = (0.2 * 1 + 0.1 / 6 + 0.1 * 1 + 0.05 * 1 + 0.1 * 1 + 0.05 * 0.5) / 0.6;
  CHECK(s.total == Approx(std::round(expected * 1000) / 10));
  CHECK(s.total == 81.9);
  CHECK(c.score() == s);
  double sum = 0;
  for (const auto& f : s.factors) sum += f.value * f.weight;
  CHECK(s.total == Approx(std::round(sum * 1000) / 10));
  // Factor order is fixed.
  std::vector<std::string> order;
  for (const auto& f : s.factors) order.push_back(f.id);
  CHECK(order == std::vector<std::string>{"recency", "cadence", "metadata", "license",
                                          "deprecation", "directory"});
}

TEST_CASE("no packuments, null entries", "[registry][score]") {
  Plugin p;
  auto scored = score_plugin(p, {nullptr}, {}, now());
  REQUIRE(scored.ok());
  const Score& s = *scored;
  CHECK(value(s, "metadata") == 0.0);
  CHECK(value(s, "recency") == 0.0);
  CHECK(weight_sum(s) == Approx(1.0));
  CHECK(s.total >= 0);
  CHECK(s.total <= 100);
}
