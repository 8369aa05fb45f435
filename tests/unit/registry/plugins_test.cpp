// build_plugins: grouping, modules, ids, directory entries, systems,
// supported releases, determinism.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>

#include "callboard/registry.hpp"

#include "plugins_test_support.hpp"

using namespace callboard;
using callboard::test::fixture;
using callboard::test::Pkg;
using callboard::test::real_releases;
using callboard::test::ts;
using R = PackageRole;

namespace {

// A function, not a namespace-scope constant: parse_timestamp may not be
// usable during static initialisation of another translation unit.
Timestamp now() { return ts("2026-07-01T00:00:00Z"); }

struct World {
  std::vector<Packument> packuments;
  std::vector<DirectoryEntry> directory;
  std::vector<Release> releases;
  std::map<std::string, std::uint64_t, std::less<>> downloads;

  std::vector<Plugin> build() const {
    PluginInputs in;
    in.packuments = &packuments;
    in.directory = &directory;
    in.releases = &releases;
    in.now = now();
    in.downloads = &downloads;
    auto built = build_plugins(in);
    REQUIRE(built.ok());
    return std::move(built).value();
  }
};

std::vector<Plugin> build(std::vector<Packument> packuments) {
  World w;
  w.packuments = std::move(packuments);
  return w.build();
}

const Plugin* find(const std::vector<Plugin>& plugins, std::string_view id) {
  for (const auto& p : plugins) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::vector<std::string> ids(const std::vector<Plugin>& plugins) {
  std::vector<std::string> out;
  for (const auto& p : plugins) out.push_back(p.id);
  return out;
}

std::vector<std::string> names(const std::vector<PluginPackage>& packages) {
  std::vector<std::string> out;
  for (const auto& p : packages) out.push_back(p.name);
  return out;
}

DirectoryEntry entry(std::string id, std::string package, std::string status = {}) {
  DirectoryEntry e;
  e.id = std::move(id);
  e.title = "Title of " + e.id;
  e.description = "Directory description of " + e.id;
  e.category = "CI/CD";
  e.npm_package_name = std::move(package);
  e.status = std::move(status);
  return e;
}

Release release(std::string version, std::map<std::string, std::string, std::less<>> packages) {
  Release r;
  r.version = std::move(version);
  r.packages = std::move(packages);
  return r;
}

// The supported releases of a plugin made of one backend package of the
// new backend system (a legacy one is incompatible once the release drops
// the legacy system: the scanner's rule, which supported_releases follows).
std::vector<std::string> support_of(Pkg pkg, const std::vector<Release>& releases) {
  World w;
  w.packuments = {pkg.role(R::kBackendPlugin).id("probe").feature(".", "@backstage/BackendFeature")};
  w.releases = releases;
  const auto plugins = w.build();
  REQUIRE(plugins.size() == 1);
  return plugins.front().supported_releases;
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("packages that share a pluginId in one scope form one plugin", "[registry][plugins]") {
  const std::vector<std::string> all = {"@backstage-community/plugin-jenkins",
                                        "@backstage-community/plugin-jenkins-backend",
                                        "@backstage-community/plugin-jenkins-common"};
  const auto plugins = build({
      Pkg(all[1]).role(R::kBackendPlugin).id("jenkins").links(all).description("Jenkins backend"),
      Pkg(all[0]).role(R::kFrontendPlugin).id("jenkins").links(all).description("Jenkins frontend"),
      Pkg(all[2]).role(R::kCommonLibrary).id("jenkins").links(all),
  });
  REQUIRE(plugins.size() == 1);
  const Plugin& p = plugins.front();
  CHECK(p.id == "jenkins");
  CHECK(p.declared_id);
  CHECK(names(p.packages) == all);  // sorted by name
  CHECK(p.packages[0].role == R::kFrontendPlugin);
  CHECK(p.packages[2].role == R::kCommonLibrary);
  CHECK(p.packages[0].latest_version == "1.0.0");
  CHECK(p.title == "Jenkins");
  CHECK(p.description == "Jenkins frontend");  // the frontend package is primary
  CHECK(p.modules.empty());
}

TEST_CASE("pluginPackages links packages whose ids disagree", "[registry][plugins]") {
  SECTION("one declares, the other has a role only (Roadie's argo-cd)") {
    const auto plugins = build({
        Pkg("@roadiehq/backstage-plugin-argo-cd").role(R::kFrontendPlugin),
        Pkg("@roadiehq/backstage-plugin-argo-cd-backend")
            .role(R::kBackendPlugin)
            .id("argocd")
            .links({"@roadiehq/backstage-plugin-argo-cd",
                    "@roadiehq/backstage-plugin-argo-cd-backend"}),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"argocd"});
    CHECK(plugins[0].declared_id);
    CHECK(plugins[0].packages.size() == 2);
    CHECK(plugins[0].title == "Argocd");
  }
  SECTION("both declare different ids: the primary (frontend) package's id wins") {
    const auto plugins = build({
        Pkg("@acme/plugin-foo")
            .role(R::kFrontendPlugin)
            .id("foo")
            .links({"@acme/plugin-foo-backend"}),
        Pkg("@acme/plugin-foo-backend").role(R::kBackendPlugin).id("foo-backend"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"foo"});
    CHECK(plugins[0].packages.size() == 2);
  }
  SECTION("without a link, different declared ids stay different plugins") {
    const auto plugins = build({
        Pkg("@acme/plugin-foo").role(R::kFrontendPlugin).id("foo"),
        Pkg("@acme/plugin-foo-backend").role(R::kBackendPlugin).id("foo-backend"),
    });
    CHECK(ids(plugins) == std::vector<std::string>{"foo", "foo-backend"});
  }
  SECTION("a link across scopes joins the publishers") {
    const auto plugins = build({
        Pkg("@acme/plugin-foo")
            .role(R::kFrontendPlugin)
            .id("foo")
            .links({"@other/plugin-foo-backend"}),
        Pkg("@other/plugin-foo-backend").role(R::kBackendPlugin).id("foo"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"foo"});
    CHECK(plugins[0].packages.size() == 2);
  }
}

TEST_CASE("modules attach to the plugin they extend", "[registry][plugins]") {
  const auto plugins = build({
      Pkg("@backstage/plugin-catalog").role(R::kFrontendPlugin).id("catalog"),
      Pkg("@backstage/plugin-catalog-backend").role(R::kBackendPlugin).id("catalog"),
      Pkg("@backstage/plugin-catalog-backend-module-github")
          .role(R::kBackendPluginModule)
          .id("catalog")
          .target("@backstage/plugin-catalog-backend"),
      // Another publisher's module, by pluginPackage.
      Pkg("@acme/plugin-catalog-backend-module-acme")
          .role(R::kBackendPluginModule)
          .id("catalog")
          .target("@backstage/plugin-catalog-backend"),
      // No metadata: the role comes from the name, the target from the
      // derived id ("catalog"), found as the plain id.
      Pkg("@roadiehq/backstage-plugin-catalog-backend-module-aws")
          .no_metadata()
          .main("dist/index.cjs.js", "dist/index.d.ts"),
      // Target not indexed, but the module's pluginId exists in the target's scope.
      Pkg("@backstage/plugin-catalog-backend-module-x")
          .role(R::kBackendPluginModule)
          .id("catalog")
          .target("@backstage/plugin-catalog-node"),
  });
  REQUIRE(ids(plugins) == std::vector<std::string>{"catalog"});
  const Plugin& p = plugins.front();
  CHECK(names(p.packages) ==
        std::vector<std::string>{"@backstage/plugin-catalog", "@backstage/plugin-catalog-backend"});
  CHECK(names(p.modules) ==
        std::vector<std::string>{"@acme/plugin-catalog-backend-module-acme",
                                 "@backstage/plugin-catalog-backend-module-github",
                                 "@backstage/plugin-catalog-backend-module-x",
                                 "@roadiehq/backstage-plugin-catalog-backend-module-aws"});
  CHECK(p.modules[1].role == R::kBackendPluginModule);
  CHECK(p.modules[3].role == R::kBackendPluginModule);
}

TEST_CASE("a module whose plugin is not indexed stands alone", "[registry][plugins]") {
  SECTION("explicit target elsewhere: its own name is its id") {
    const auto plugins = build({
        Pkg("@roadiehq/scaffolder-backend-module-utils")
            .role(R::kBackendPluginModule)
            .id("scaffolder")
            .target("@backstage/plugin-scaffolder-backend"),
        // Another publisher holds "scaffolder": an explicit target is never guessed.
        Pkg("@acme/plugin-scaffolder").role(R::kFrontendPlugin).id("scaffolder"),
    });
    REQUIRE(ids(plugins) ==
            std::vector<std::string>{"scaffolder", "scaffolder-backend-module-utils"});
    const Plugin& alone = plugins[1];
    CHECK_FALSE(alone.declared_id);
    CHECK(names(alone.packages) ==
          std::vector<std::string>{"@roadiehq/scaffolder-backend-module-utils"});
    CHECK(alone.modules.empty());
    CHECK(plugins[0].modules.empty());
  }
  SECTION("a module that names itself as its plugin package keeps its declared id") {
    const auto plugins = build({
        Pkg("@backstage-community/plugin-3scale-backend")
            .role(R::kBackendPluginModule)
            .id("3scale")
            .target("@backstage-community/plugin-3scale-backend"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"3scale"});
    CHECK(plugins[0].declared_id);
  }
  SECTION("a standalone module never takes an id a plugin holds") {
    const auto plugins = build({
        Pkg("@acme/plugin-foo").role(R::kFrontendPlugin).id("foo"),
        Pkg("@other/plugin-foo").role(R::kFrontendPluginModule).target("@other/elsewhere"),
    });
    CHECK(ids(plugins) == std::vector<std::string>{"foo", "foo@other"});
    CHECK(find(plugins, "foo")->packages.at(0).name == "@acme/plugin-foo");
  }
}

TEST_CASE("packages that are not plugins", "[registry][plugins]") {
  const auto plugins = build({
      Pkg("@acme/plugin-tools-backend").role(R::kBackendPlugin).null_id(),  // explicit "not a
                                                                            // plugin"
      Pkg("@backstage/core-components").role(R::kWebLibrary),
      Pkg("@backstage/cli").role(R::kCli),
      Pkg("@backstage/backend-plugin-api").role(R::kNodeLibrary),
      Pkg("@acme/plugin-lonely-common").role(R::kCommonLibrary).id("lonely"),  // library-only group
      Pkg("@acme/app").role(R::kFrontend).id("app"),
  });
  CHECK(plugins.empty());
}

TEST_CASE("packages without metadata: role detection and derived ids", "[registry][plugins]") {
  SECTION("legacy backend and frontend of one plugin group by derived id") {
    const auto plugins = build({
        Pkg("@roadiehq/backstage-plugin-aws-backend")
            .no_metadata()
            .script("start", "backstage-cli backend:dev"),
        Pkg("@roadiehq/backstage-plugin-aws")
            .no_metadata()
            .script("start", "backstage-cli plugin:serve"),
        Pkg("@roadiehq/backstage-plugin-aws-common")
            .no_metadata()
            .main("dist/index.cjs.js", "dist/index.d.ts", "dist/index.esm.js"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"aws"});
    const Plugin& p = plugins.front();
    CHECK_FALSE(p.declared_id);
    REQUIRE(p.packages.size() == 3);
    CHECK(p.packages[0].role == R::kFrontendPlugin);
    CHECK(p.packages[1].role == R::kBackendPlugin);
    CHECK(p.packages[2].role == R::kCommonLibrary);
    CHECK(p.title == "AWS");
  }
  SECTION("a derived id joins declared packages of the same scope") {
    const auto plugins = build({
        Pkg("@backstage/plugin-catalog").role(R::kFrontendPlugin),  // role only (older packages)
        Pkg("@backstage/plugin-catalog-backend").role(R::kBackendPlugin).id("catalog"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"catalog"});
    CHECK(plugins[0].declared_id);
    CHECK(plugins[0].packages.size() == 2);
  }
  SECTION("a plugin role without a plugin-looking name still gets an id") {
    const auto plugins = build({Pkg("@acme/insights-backend").role(R::kBackendPlugin)});
    CHECK(ids(plugins) == std::vector<std::string>{"insights"});
  }
  SECTION("the newest version with metadata speaks when the latest has none") {
    const auto plugins = build({
        Pkg("@acme/plugin-tool-backend", "1.0.0")
            .role(R::kBackendPlugin)
            .id("special")
            .next("1.1.0", "2026-06-02T00:00:00Z")
            .no_metadata()
            .script("start", "backstage-cli backend:dev"),
    });
    REQUIRE(ids(plugins) == std::vector<std::string>{"special"});
    CHECK(plugins[0].declared_id);
    CHECK(plugins[0].packages[0].latest_version == "1.1.0");
  }
}

TEST_CASE("the same pluginId from different publishers is different plugins",
          "[registry][plugins]") {
  auto rbac = [](std::string scope, std::string prefix, std::string_view created) {
    std::vector<Packument> out;
    for (std::string suffix : {"", "-backend"}) {
      out.push_back(Pkg(scope + "/" + prefix + "rbac" + suffix)
                        .role(suffix.empty() ? R::kFrontendPlugin : R::kBackendPlugin)
                        .id("rbac")
                        .created(created));
    }
    return out;
  };
  std::vector<Packument> all;
  for (auto& p : rbac("@spotify", "backstage-plugin-", "2022-01-01T00:00:00Z")) all.push_back(p);
  for (auto& p : rbac("@janus-idp", "backstage-plugin-", "2023-01-01T00:00:00Z")) all.push_back(p);
  SECTION("no @backstage or @backstage-community package: the first created keeps the plain id") {
    const auto plugins = build(all);
    CHECK(ids(plugins) == std::vector<std::string>{"rbac", "rbac@janus-idp"});
    CHECK(find(plugins, "rbac")->packages[0].name == "@spotify/backstage-plugin-rbac");
  }
  SECTION("@backstage-community takes precedence, whatever the age") {
    for (auto& p : rbac("@backstage-community", "plugin-", "2025-01-01T00:00:00Z"))
      all.push_back(p);
    const auto plugins = build(all);
    CHECK(ids(plugins) == std::vector<std::string>{"rbac", "rbac@janus-idp", "rbac@spotify"});
    CHECK(find(plugins, "rbac")->packages[0].name == "@backstage-community/plugin-rbac");
    CHECK(find(plugins, "rbac@spotify")->title == "RBAC");
  }
  SECTION("an unscoped package qualifies with its name") {
    all.push_back(Pkg("backstage-plugin-rbac")
                      .role(R::kFrontendPlugin)
                      .id("rbac")
                      .created("2024-01-01T00:00:00Z"));
    const auto plugins = build(all);
    CHECK(has(ids(plugins), "rbac@backstage-plugin-rbac"));
  }
}

TEST_CASE("moved packages join the plugin they moved to", "[registry][plugins]") {
  const auto plugins = build({
      Pkg("@backstage/plugin-adr")
          .role(R::kFrontendPlugin)
          .moved("@backstage-community/plugin-adr")
          .deprecated(),
      Pkg("@backstage/plugin-adr-backend")
          .role(R::kBackendPlugin)
          .moved("@backstage-community/plugin-adr-backend"),
      Pkg("@backstage-community/plugin-adr")
          .role(R::kFrontendPlugin)
          .id("adr")
          .description("current"),
      Pkg("@backstage-community/plugin-adr-backend").role(R::kBackendPlugin).id("adr"),
  });
  REQUIRE(ids(plugins) == std::vector<std::string>{"adr"});
  const Plugin& p = plugins.front();
  CHECK(p.packages.size() == 4);  // the old names still find the plugin
  CHECK(p.description == "current");
  CHECK_FALSE(p.deprecated);

  SECTION("when the target is not indexed, the old package is its own deprecated plugin") {
    const auto alone = build({
        Pkg("@backstage/plugin-adr")
            .role(R::kFrontendPlugin)
            .moved("@backstage-community/plugin-adr"),
    });
    REQUIRE(ids(alone) == std::vector<std::string>{"adr"});
    CHECK_FALSE(alone[0].declared_id);
    CHECK(alone[0].deprecated);
  }
}

TEST_CASE("directory entries attach by npm package name", "[registry][plugins]") {
  World w;
  w.packuments = {
      Pkg("@backstage-community/plugin-adr").role(R::kFrontendPlugin).id("adr"),
      Pkg("@backstage-community/plugin-adr-backend").role(R::kBackendPlugin).id("adr"),
      Pkg("@backstage-community/plugin-foo").role(R::kFrontendPlugin).id("foo"),
      Pkg("@backstage/plugin-bar")
          .role(R::kFrontendPlugin)
          .moved("@backstage-community/plugin-bar2"),
      Pkg("@backstage-community/plugin-bar2").role(R::kFrontendPlugin).id("bar"),
      Pkg("@acme/plugin-baz").role(R::kFrontendPlugin).id("baz").description("From npm"),
  };
  w.directory = {
      entry("adr", "@backstage-community/plugin-adr-backend", "active"),
      // Stale name, not indexed: the same name in @backstage-community matches.
      entry("foo", "@backstage/plugin-foo"),
      // Stale name, indexed with `moved`: its plugin is the moved-to one.
      entry("bar", "@backstage/plugin-bar"),
      entry("unrelated", "@acme/not-indexed"),
      entry("no-package", ""),
  };
  const auto plugins = w.build();
  REQUIRE(ids(plugins) == std::vector<std::string>{"adr", "bar", "baz", "foo"});
  const Plugin& adr = *find(plugins, "adr");
  REQUIRE(adr.directory);
  CHECK(adr.directory->id == "adr");
  CHECK(adr.title == "Title of adr");
  CHECK(adr.description == "Directory description of adr");
  CHECK(adr.category == "CI/CD");
  REQUIRE(find(plugins, "foo")->directory);
  CHECK(find(plugins, "foo")->directory->id == "foo");
  REQUIRE(find(plugins, "bar")->directory);
  CHECK(find(plugins, "bar")->directory->id == "bar");
  const Plugin& baz = *find(plugins, "baz");
  CHECK_FALSE(baz.directory);
  CHECK(baz.title == "Baz");
  CHECK(baz.description == "From npm");
  CHECK(baz.category.empty());

  SECTION("two entries for one plugin: the one naming the primary package wins") {
    w.directory.push_back(entry("adr-frontend", "@backstage-community/plugin-adr"));
    const auto again = w.build();
    CHECK(find(again, "adr")->directory->id == "adr-frontend");
  }
}

TEST_CASE("keywords, publication, deprecation and systems", "[registry][plugins]") {
  World w;
  w.packuments = {
      Pkg("@acme/plugin-x", "1.0.0", "2026-01-01T00:00:00Z")
          .role(R::kFrontendPlugin)
          .id("x")
          .keywords({"backstage", "zeta"})
          .deprecated(),
      Pkg("@acme/plugin-x-backend", "1.0.0", "2026-03-01T00:00:00Z")
          .role(R::kBackendPlugin)
          .id("x")
          .keywords({"alpha", "backstage", ""})
          .dep("@backstage/backend-plugin-api", "^1.0.0")
          .feature(".", "@backstage/BackendFeature")
          .next("1.1.0", "2026-05-01T00:00:00Z"),
  };
  auto plugins = w.build();
  REQUIRE(plugins.size() == 1);
  const Plugin& p = plugins.front();
  CHECK(p.keywords == std::vector<std::string>{"alpha", "backstage", "zeta"});
  CHECK(p.last_published == ts("2026-05-01T00:00:00Z"));
  CHECK_FALSE(p.deprecated);  // one of two packages
  CHECK(p.backend_system == PluginSystem::kNew);
  CHECK(p.score.factors.size() >= 7);
  CHECK(p.score.total > 0);

  w.packuments[1] =
      Pkg("@acme/plugin-x-backend").role(R::kBackendPlugin).id("x").moved("@acme/elsewhere");
  plugins = w.build();
  CHECK(plugins.at(0).deprecated);  // deprecated or moved, every one
}

TEST_CASE("systems from real fixtures", "[registry][plugins]") {
  const auto plugins = build({fixture("backstage-community__plugin-jenkins.json"),
                              fixture("backstage-community__plugin-jenkins-backend.json"),
                              fixture("backstage-community__plugin-tech-radar.json"),
                              fixture("roadiehq__backstage-plugin-aws-backend.json")});
  REQUIRE(ids(plugins) == std::vector<std::string>{"aws", "jenkins", "tech-radar"});
  const Plugin& jenkins = *find(plugins, "jenkins");
  CHECK(jenkins.backend_system == PluginSystem::kTransitional);
  CHECK(jenkins.frontend_system == PluginSystem::kLegacy);
  CHECK(find(plugins, "tech-radar")->backend_system == PluginSystem::kNotApplicable);
  CHECK(find(plugins, "tech-radar")->frontend_system == PluginSystem::kTransitional);
  CHECK(find(plugins, "aws")->backend_system == PluginSystem::kLegacy);
}

TEST_CASE("every fixture lands in the plugin it belongs to", "[registry][plugins]") {
  std::vector<Packument> all;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/plugin-package-json")) {
    if (e.path().extension() == ".json") all.push_back(fixture(e.path().filename().string()));
  }
  REQUIRE(all.size() == 15);
  const auto plugins = build(all);
  CHECK(ids(plugins) == std::vector<std::string>{"argocd", "aws", "catalog", "jenkins",
                                                 "scaffolder", "sonarqube", "tech-radar",
                                                 "topology"});
  const Plugin& catalog = *find(plugins, "catalog");
  CHECK(names(catalog.packages) ==
        std::vector<std::string>{"@backstage/plugin-catalog", "@backstage/plugin-catalog-backend"});
  // By pluginPackage; and Roadie's module without metadata, by derived id.
  CHECK(names(catalog.modules) ==
        std::vector<std::string>{"@backstage/plugin-catalog-backend-module-github",
                                 "@roadiehq/catalog-backend-module-aws"});
  const Plugin& scaffolder = *find(plugins, "scaffolder");
  CHECK_FALSE(scaffolder.declared_id);  // 0.6.0, no metadata
  // Jenkins' module names itself as its pluginPackage; its name says scaffolder.
  CHECK(names(scaffolder.modules) ==
        std::vector<std::string>{"@backstage-community/plugin-scaffolder-backend-module-jenkins",
                                 "@roadiehq/scaffolder-backend-module-utils"});
  CHECK(names(find(plugins, "argocd")->packages) ==
        std::vector<std::string>{"@roadiehq/backstage-plugin-argo-cd",
                                 "@roadiehq/backstage-plugin-argo-cd-backend"});
  CHECK(find(plugins, "topology")->packages.at(0).name == "backstage-community-plugin-topology");
  // Every package appears exactly once.
  std::set<std::string> seen;
  std::size_t count = 0;
  for (const auto& p : plugins) {
    for (const auto& list : {p.packages, p.modules}) {
      for (const auto& pkg : list) {
        seen.insert(pkg.name);
        ++count;
      }
    }
  }
  CHECK(count == 15);
  CHECK(seen.size() == 15);
}

TEST_CASE("supported releases on the real release manifests", "[registry][plugins][releases]") {
  const auto& releases = real_releases();
  REQUIRE(releases.size() >= 200);

  SECTION("backend-plugin-api ^1.0.0: 1.31.0 and later, not 1.30.x") {
    const auto s = support_of(
        Pkg("@acme/plugin-p-backend").dep("@backstage/backend-plugin-api", "^1.0.0"), releases);
    CHECK(has(s, "1.31.0"));
    CHECK(has(s, "1.53.0"));
    CHECK_FALSE(has(s, "1.30.0"));
    CHECK_FALSE(has(s, "1.30.5"));
    CHECK_FALSE(has(s, "1.0.0"));
    CHECK(s.front() == "1.31.0");
  }
  SECTION("backend-common is removed from 1.32.0 on") {
    const auto s = support_of(Pkg("@acme/plugin-p-backend")
                                  .dep("@backstage/backend-plugin-api", "^1.0.0")
                                  .dep("@backstage/backend-common", "^0.25.0"),
                              releases);
    REQUIRE_FALSE(s.empty());
    CHECK(s.front() == "1.31.0");
    CHECK(has(s, "1.31.1"));
    CHECK_FALSE(has(s, "1.32.0"));
    CHECK_FALSE(has(s, "1.53.0"));
  }
  SECTION("a singleton before it existed is not supported") {
    // backend-plugin-api first appears in 1.4.0.
    const auto s = support_of(
        Pkg("@acme/plugin-p-backend").dep("@backstage/backend-plugin-api", "backstage:^"),
        releases);
    CHECK(s.front() == "1.4.0");
    CHECK(has(s, "1.53.0"));
    CHECK(has(s, "1.54.0-next.0"));  // backstage:^ resolves to the release itself
  }
  SECTION("frontend plugin on core-plugin-api ^1.0.0: every 1.x release") {
    World w;
    w.packuments = {
        Pkg("@acme/plugin-f").role(R::kFrontendPlugin).dep("@backstage/core-plugin-api", "^1.0.0")};
    w.releases = releases;
    const auto plugins = w.build();
    CHECK(plugins.at(0).supported_releases.size() == releases.size());
  }
  SECTION("catalog-react majors: ^1 stops at 1.48.0, the version OR-s across versions") {
    const auto one = support_of(
        Pkg("@acme/plugin-p").dep("@backstage/plugin-catalog-react", "^1.0.0"), releases);
    CHECK(has(one, "1.47.0"));
    CHECK_FALSE(has(one, "1.48.0"));
    const auto both = support_of(Pkg("@acme/plugin-p", "1.0.0")
                                     .dep("@backstage/plugin-catalog-react", "^1.0.0")
                                     .next("2.0.0", "2026-06-02T00:00:00Z")
                                     .dep("@backstage/plugin-catalog-react", "^2.0.0 || ^3.0.0"),
                                 releases);
    CHECK(has(both, "1.47.0"));
    CHECK(has(both, "1.48.0"));
    CHECK(has(both, "1.53.0"));
  }
  SECTION("non-singleton dependencies that a release lacks are fine") {
    const auto s = support_of(
        Pkg("@acme/plugin-p-backend").dep("@backstage/plugin-catalog-node", "^99.0.0"), releases);
    CHECK(s.size() == releases.size());
  }
  SECTION("an optional peer on a removed package does not count") {
    const auto s = support_of(
        Pkg("@acme/plugin-p-backend").peer("@backstage/backend-common", "^0.25.0", true), releases);
    CHECK(s.size() == releases.size());
    const auto required = support_of(
        Pkg("@acme/plugin-p-backend").peer("@backstage/backend-common", "^0.25.0"), releases);
    CHECK_FALSE(has(required, "1.32.0"));
  }
  SECTION("peers count like dependencies") {
    const auto s = support_of(
        Pkg("@acme/plugin-p-backend").peer("@backstage/backend-plugin-api", "^1.0.0"), releases);
    CHECK(s.front() == "1.31.0");
  }
  SECTION("an invalid range supports nothing; a tag or workspace: everything") {
    CHECK(support_of(Pkg("@acme/plugin-p").dep("@backstage/core-plugin-api", ">>1"), releases)
              .empty());
    CHECK(support_of(Pkg("@acme/plugin-p").dep("@backstage/core-plugin-api", "latest"), releases)
              .size() == releases.size());
    CHECK(
        support_of(Pkg("@acme/plugin-p").dep("@backstage/core-plugin-api", "workspace:^"), releases)
            .size() == releases.size());
  }
  SECTION("prerelease versions count only when there is nothing else") {
    const auto s = support_of(Pkg("@acme/plugin-p", "1.0.0")
                                  .dep("@backstage/backend-plugin-api", "^1.0.0")
                                  .next("2.0.0-next.0", "2026-06-02T00:00:00Z")
                                  .no_deps(),
                              releases);
    CHECK(s.front() == "1.31.0");
    const auto only = support_of(
        Pkg("@acme/plugin-p", "2.0.0-next.0").dep("@backstage/backend-plugin-api", "^1.0.0"),
        releases);
    CHECK(only.front() == "1.31.0");
  }
  SECTION("the real fixtures") {
    World w;
    w.packuments = {fixture("backstage-community__plugin-jenkins-backend.json"),
                    fixture("backstage-community__plugin-sonarqube-backend.json"),
                    fixture("roadiehq__backstage-plugin-argo-cd-backend.json")};
    w.releases = releases;
    const auto plugins = w.build();
    // jenkins-backend 0.4.6: backend-plugin-api ^0.6.21, which only
    // 1.28.3 and 1.28.4 ship (1.29.0 has 0.7.0).
    CHECK(find(plugins, "jenkins")->supported_releases ==
          std::vector<std::string>{"1.28.3", "1.28.4"});
    // sonarqube-backend 0.4.1: backend-plugin-api ^1.1.1, from 1.35.0 on.
    const auto& sonar = find(plugins, "sonarqube")->supported_releases;
    CHECK(sonar.front() == "1.35.0");
    CHECK_FALSE(has(sonar, "1.34.2"));
    CHECK(has(sonar, "1.53.0"));
    CHECK_FALSE(has(sonar, "1.54.0-next.0"));  // ships 1.10.0-next.0, outside ^1.1.1
    // argo-cd-backend: backstage:^ everywhere backend-plugin-api exists.
    CHECK(find(plugins, "argocd")->supported_releases.front() == "1.4.0");
  }
}

TEST_CASE("supported releases: synthetic manifests and odd inputs",
          "[registry][plugins][releases]") {
  const std::vector<Release> releases = {
      release("1.2.0", {{"@backstage/core-plugin-api", "1.2.0"}}),
      release("1.0.0", {{"@backstage/core-plugin-api", "1.0.0"}, {"@backstage/old", "1.0.0"}}),
      release("1.1.0", {{"@backstage/core-plugin-api", "1.1.0"}}),
      release("not-a-version", {{"@backstage/core-plugin-api", "1.1.0"}}),
      release("1.1.0", {{"@backstage/core-plugin-api", "1.1.0"}}),  // duplicate
  };
  CHECK(support_of(Pkg("@acme/plugin-p").dep("@backstage/core-plugin-api", "^1.1.0"), releases) ==
        std::vector<std::string>{"1.1.0", "1.2.0"});
  CHECK(support_of(Pkg("@acme/plugin-p").dep("@backstage/old", "*"), releases) ==
        std::vector<std::string>{"1.0.0"});
  CHECK(support_of(Pkg("@acme/plugin-p"), {}).empty());
}

TEST_CASE("output does not depend on input order", "[registry][plugins]") {
  World w;
  for (const char* f :
       {"backstage__plugin-catalog-backend.json", "backstage__plugin-catalog.json",
        "backstage__plugin-catalog-backend-module-github.json",
        "roadiehq__backstage-plugin-argo-cd.json",
        "roadiehq__backstage-plugin-argo-cd-backend.json",
        "roadiehq__catalog-backend-module-aws.json", "backstage-community__plugin-jenkins.json"}) {
    w.packuments.push_back(fixture(f));
  }
  for (auto scope : {"@a", "@b", "@c"}) {
    w.packuments.push_back(
        Pkg(std::string(scope) + "/plugin-same").role(R::kFrontendPlugin).id("same"));
  }
  w.directory = {entry("argo-cd", "@roadiehq/backstage-plugin-argo-cd"),
                 entry("dup", "@roadiehq/backstage-plugin-argo-cd"),
                 entry("catalog", "@backstage/plugin-catalog")};
  w.releases = {real_releases().begin(), real_releases().begin() + 40};
  w.downloads = {{"@backstage/plugin-catalog", 1000}, {"@roadiehq/backstage-plugin-argo-cd", 50}};
  const auto expected = w.build();
  REQUIRE(ids(expected) ==
          std::vector<std::string>{"argocd", "catalog", "jenkins", "same", "same@b", "same@c"});
  std::mt19937 rng(20260701);
  for (int round = 0; round < 8; ++round) {
    std::shuffle(w.packuments.begin(), w.packuments.end(), rng);
    std::shuffle(w.directory.begin(), w.directory.end(), rng);
    std::shuffle(w.releases.begin(), w.releases.end(), rng);
    CHECK(w.build() == expected);
  }
}

TEST_CASE("null and empty inputs", "[registry][plugins]") {
  auto none = build_plugins(PluginInputs{});
  REQUIRE(none.ok());
  CHECK(none->empty());
  World w;
  w.packuments = {Packument{}};  // no versions
  CHECK(w.build().empty());
}

// The real ecosystem, when someone fetched its packuments:
//   CALLBOARD_ECOSYSTEM_PACKUMENTS=/dir/with/<name>.json files
TEST_CASE("the real ecosystem (optional)", "[registry][plugins][ecosystem]") {
  const char* dir = std::getenv("CALLBOARD_ECOSYSTEM_PACKUMENTS");
  if (dir == nullptr || !std::filesystem::is_directory(dir)) {
    WARN("CALLBOARD_ECOSYSTEM_PACKUMENTS not set: skipped");
    return;
  }
  World w;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto p = parse_packument(test::read_text(e.path()));
    if (p) w.packuments.push_back(std::move(*p));
  }
  w.releases = real_releases();
  const auto started = std::chrono::steady_clock::now();
  const auto plugins = w.build();
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << w.packuments.size() << " packuments -> " << plugins.size() << " plugins in " << ms
            << " ms\n";
  std::set<std::string> packages;
  std::set<std::string> plugin_ids;
  for (const auto& p : plugins) {
    CHECK(plugin_ids.insert(p.id).second);
    for (const auto& list : {p.packages, p.modules}) {
      for (const auto& pkg : list) CHECK(packages.insert(pkg.name).second);
    }
  }
  for (auto id : {"catalog", "scaffolder", "techdocs", "jenkins", "kubernetes", "search", "auth"}) {
    CHECK(plugin_ids.count(id) == 1);
  }
}
