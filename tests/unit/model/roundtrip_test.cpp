// Property: for every value a parser can produce, parse(to_json(x)) == x.
// Values are drawn from a seeded generator that covers escapes, multi-byte
// UTF-8, JSON-pointer-hostile keys, edge timestamps and awkward doubles.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"

using namespace callboard;

namespace {

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::string text(std::size_t max_len = 12) {
    static const char* const kPieces[] = {"a",    "b",    "z", "0",  "9",  "-",  ".",  "/",
                                          "~",    "@",    " ", "\"", "\\", "\n", "\t", "\x01",
                                          "\x1f", "\x7f", "é", "中", "😀",  "~1", "}",  "]"};
    std::string s;
    const std::size_t n = below(max_len + 1);
    for (std::size_t i = 0; i < n; ++i) s += kPieces[below(std::size(kPieces))];
    return s;
  }
  std::string nonempty_text() {
    std::string s = text();
    return s.empty() ? "x" : s;
  }
  std::vector<std::string> texts(std::size_t max = 4) {
    std::vector<std::string> v(below(max + 1));
    for (auto& s : v) s = text();
    return v;
  }
  std::map<std::string, std::string, std::less<>> text_map(std::size_t max = 4) {
    std::map<std::string, std::string, std::less<>> m;
    for (std::size_t i = below(max + 1); i > 0; --i) m[text()] = text();
    return m;
  }
  std::optional<std::string> maybe_text() {
    return chance(0.5) ? std::optional<std::string>(text()) : std::nullopt;
  }

  Timestamp timestamp() {
    if (chance(0.3)) return Timestamp{};
    // 0000-01-01 .. 9999-12-31, the range parse_timestamp produces.
    const std::int64_t lo = -62167219200000;
    const std::int64_t hi = 253402300799999;
    std::int64_t ms = std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    if (ms == 0) ms = 1;
    return Timestamp{std::chrono::milliseconds{ms}};
  }

  double number() {
    switch (below(5)) {
      case 0: return static_cast<double>(below(101));
      case 1: return std::uniform_real_distribution<double>(0, 1)(rng_);
      case 2: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
      case 3: {
        // Any finite double, by its bits.
        for (;;) {
          const double d =
              std::bit_cast<double>(std::uniform_int_distribution<std::uint64_t>()(rng_));
          if (std::isfinite(d)) return d;
        }
      }
      default: return below(2) ? 0.1 : 1e-300;
    }
  }

  std::string version() {
    std::string v =
        std::to_string(below(3)) + "." + std::to_string(below(12)) + "." + std::to_string(below(4));
    if (chance(0.3)) v += below(2) ? "-next." + std::to_string(below(3)) : "-alpha";
    if (chance(0.1))
      v += below(2) ? "+build." + std::to_string(below(3)) : "+build.0" + std::to_string(below(3));
    return v;
  }

  Manifest manifest() {
    Manifest m;
    m.name = text();
    m.version = text();
    m.description = text();
    m.keywords = texts();
    m.license = text();
    m.homepage = text();
    m.repository = {text(), text(), text()};
    if (chance(0.3)) m.deprecated = nonempty_text();
    m.private_package = chance(0.2);
    m.dependencies = text_map();
    m.dev_dependencies = text_map();
    m.peer_dependencies = text_map();
    m.optional_dependencies = text_map();
    for (std::size_t i = below(3); i > 0; --i)
      m.peer_dependencies_meta[text()].optional = chance(0.5);
    m.engines = text_map(2);
    if (chance(0.6)) {
      BackstageMetadata b;
      if (chance(0.7)) {
        b.role = static_cast<PackageRole>(1 + below(12));
      } else {
        b.unknown_role = text();  // never a known role name: those contain no generator pieces only
        if (parse_package_role(b.unknown_role)) b.unknown_role += "?";
      }
      if (chance(0.5)) {
        b.plugin_id = text();
      } else {
        b.plugin_id_null = chance(0.5);
      }
      b.plugin_packages = texts();
      if (chance(0.5)) b.plugin_package = text();
      b.peer_modules = texts();
      b.features = text_map(2);
      b.moved = maybe_text();
      b.inline_package = chance(0.2);
      m.backstage = b;
    }
    m.supported_versions = maybe_text();
    m.scripts = text_map();
    m.main = text();
    m.module = text();
    m.types = text();
    m.publish_main = text();
    m.publish_module = text();
    m.publish_types = text();
    for (std::size_t i = below(3); i > 0; --i) m.export_features["." + text()] = text();
    m.workspaces = texts();
    if (chance(0.3)) m.package_manager = text();
    m.dist.tarball = text();
    m.dist.integrity = text();
    m.dist.shasum = text();
    if (chance(0.5)) m.dist.unpacked_size = std::uniform_int_distribution<std::uint64_t>()(rng_);
    if (chance(0.5)) m.dist.file_count = below(1000);
    m.published = timestamp();
    return m;
  }

  Packument packument() {
    Packument p;
    p.name = nonempty_text();
    p.description = text();
    p.dist_tags = text_map(2);
    std::map<std::string, semver::Version> versions;
    for (std::size_t i = below(6); i > 0; --i) {
      const std::string v = version();
      versions.emplace(v, semver::Version::parse(v).value());
    }
    std::vector<std::pair<semver::Version, std::string>> sorted;
    for (const auto& [text_v, v] : versions) sorted.emplace_back(v, text_v);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      const auto c = semver::compare_build(a.first, b.first);
      return c != 0 ? c < 0 : a.second < b.second;
    });
    for (const auto& [v, text_v] : sorted) {
      Manifest m = manifest();
      m.version = text_v;
      if (m.name.empty()) m.name = p.name;
      p.versions.push_back(std::move(m));
    }
    p.created = timestamp();
    p.modified = timestamp();
    return p;
  }

  Release release() {
    Release r;
    r.version = text();
    r.packages = text_map(6);
    return r;
  }

  DirectoryEntry directory_entry() {
    DirectoryEntry e;
    e.id = text();
    e.title = text();
    e.author = text();
    e.author_url = text();
    e.category = text();
    e.description = text();
    e.documentation = text();
    e.icon_url = text();
    e.npm_package_name = text();
    e.added_date = text();
    e.status = text();
    e.stale_since = text();
    e.tags = texts();
    if (chance(0.5)) e.order = std::uniform_int_distribution<std::int64_t>()(rng_);
    e.snapshot_backstage_version = text();
    for (std::size_t i = below(3); i > 0; --i) {
      e.snapshot_packages.push_back({text(), text(), text(), timestamp(), texts()});
    }
    return e;
  }

  PluginPackage plugin_package() { return {text(), static_cast<PackageRole>(below(13)), text()}; }

  Plugin plugin() {
    Plugin p;
    p.id = text();
    p.declared_id = chance(0.5);
    p.title = text();
    p.description = text();
    p.category = text();
    p.keywords = texts();
    for (std::size_t i = below(4); i > 0; --i) p.packages.push_back(plugin_package());
    for (std::size_t i = below(3); i > 0; --i) p.modules.push_back(plugin_package());
    p.backend_system = static_cast<PluginSystem>(below(4));
    p.frontend_system = static_cast<PluginSystem>(below(4));
    p.supported_releases = texts();
    if (chance(0.5)) p.directory = directory_entry();
    p.last_published = timestamp();
    p.deprecated = chance(0.3);
    p.score.total = number();
    for (std::size_t i = below(4); i > 0; --i)
      p.score.factors.push_back({text(), text(), number(), number(), text()});
    return p;
  }

 private:
  std::mt19937 rng_;
};

template <typename T, typename Parse>
void check_round_trip(const T& value, Parse parse) {
  const std::string text = to_json(value);
  const auto again = parse(text);
  if (!again.ok()) FAIL(text << "\n" << again.error().to_string());
  if (!(*again == value))
    FAIL("round trip changed the value:\n" << text << "\n" << to_json(*again));
  // Canonical: printing again gives the same bytes.
  CHECK(to_json(*again) == text);
}

}  // namespace

TEST_CASE("round trip: Manifest", "[model][roundtrip]") {
  Gen gen(1);
  for (int i = 0; i < 400; ++i)
    check_round_trip(gen.manifest(), [](std::string_view t) { return parse_manifest(t); });
}

TEST_CASE("round trip: Packument", "[model][roundtrip]") {
  Gen gen(2);
  for (int i = 0; i < 150; ++i)
    check_round_trip(gen.packument(), [](std::string_view t) { return parse_packument(t); });
}

TEST_CASE("round trip: Release", "[model][roundtrip]") {
  Gen gen(3);
  for (int i = 0; i < 300; ++i)
    check_round_trip(gen.release(), [](std::string_view t) { return parse_release(t); });
}

TEST_CASE("round trip: DirectoryEntry", "[model][roundtrip]") {
  Gen gen(4);
  for (int i = 0; i < 300; ++i) {
    check_round_trip(gen.directory_entry(),
                     [](std::string_view t) { return parse_directory_entry_json(t); });
  }
}

TEST_CASE("round trip: Plugin, doubles exactly", "[model][roundtrip]") {
  Gen gen(5);
  for (int i = 0; i < 300; ++i)
    check_round_trip(gen.plugin(), [](std::string_view t) { return parse_plugin_json(t); });
}

TEST_CASE("plugin JSON shape", "[model][plugin]") {
  Plugin p;
  p.id = "argo-cd";
  p.packages = {{"@roadiehq/backstage-plugin-argo-cd", PackageRole::kFrontendPlugin, "2.12.5"}};
  p.backend_system = PluginSystem::kNew;
  p.score.total = 72.5;
  p.score.factors = {{"recency", "Release recency", 0.25, 0.5, "12 days"}};
  p.last_published = *parse_timestamp("2026-09-02T17:22:26.725Z");
  CHECK(
      to_json(p) ==
      R"({"id":"argo-cd","declaredId":false,"title":"","description":"","category":"","keywords":[],)"
      R"("packages":[{"name":"@roadiehq/backstage-plugin-argo-cd","role":"frontend-plugin","latestVersion":"2.12.5"}],)"
      R"("modules":[],"backendSystem":"new","frontendSystem":"not-applicable","supportedReleases":[],)"
      R"("directory":null,"lastPublished":"2026-09-02T17:22:26.725Z","deprecated":false,)"
      R"("score":{"total":72.5,"factors":[{"id":"recency","label":"Release recency","value":0.25,"weight":0.5,"detail":"12 days"}]}})");
}

TEST_CASE("a negative zero is written as 0, which reads back the same (fuzz_release)", "[model][plugin]") {
  auto p = parse_plugin_json(R"({"score":{"total":-0.0,"factors":[{"id":"r","value":-0.0}]}})");
  REQUIRE(p.ok());
  const std::string json = to_json(*p);
  CHECK(json.find(R"("total":0,)") != std::string::npos);
  CHECK(json.find("-0") == std::string::npos);
  auto again = parse_plugin_json(json);
  REQUIRE(again.ok());
  CHECK(to_json(*again) == json);
}

TEST_CASE("plugin and directory JSON errors name the pointer", "[model][plugin][errors]") {
  struct Case {
    const char* text;
    const char* pointer;
  };
  for (const Case& c :
       {Case{R"({"id":1})", "/id"}, Case{R"({"declaredId":"yes"})", "/declaredId"},
        Case{R"({"packages":[{"name":"a","role":"wizard"}]})", "/packages/0/role"},
        Case{R"({"modules":[1]})", "/modules/0"},
        Case{R"({"backendSystem":"newest"})", "/backendSystem"},
        Case{R"({"lastPublished":"yesterday"})", "/lastPublished"},
        Case{R"({"keywords":["a",2]})", "/keywords/1"},
        Case{R"({"score":{"factors":[{"value":"high"}]}})", "/score/factors/0/value"},
        Case{R"({"directory":{"snapshot":{"packages":[{"lastPublished":5}]}}})",
             "/directory/snapshot/packages/0/lastPublished"},
        Case{R"({"directory":{"order":1.5}})", "/directory/order"}}) {
    INFO(c.text);
    const auto r = parse_plugin_json(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(r.error().detail("pointer") == c.pointer);
  }
  const auto d = parse_directory_entry_json(R"({"tags":"a"})");
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().detail("pointer") == "/tags");
  // Absent and null members are defaults.
  const auto empty = parse_plugin_json(R"({"id":"x","directory":null,"lastPublished":null})");
  REQUIRE(empty.ok());
  CHECK(empty->id == "x");
  CHECK_FALSE(empty->directory);
  CHECK(empty->last_published == Timestamp{});
}

TEST_CASE("writer escapes and repairs strings", "[model][json]") {
  Release r;
  r.version = std::string("a\"b\\c\n\x01\x7f") + "é" + "\xff";
  const std::string text = to_json(r);
  CHECK(text.find(R"("a\"b\\c\n\u0001)") != std::string::npos);
  // Invalid UTF-8 becomes U+FFFD, so the output always parses.
  const auto again = parse_release(text);
  REQUIRE(again.ok());
  CHECK(again->version == std::string("a\"b\\c\n\x01\x7f") + "é" + "\xEF\xBF\xBD");
}
