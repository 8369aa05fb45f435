#pragma once
/// \file
/// Real package managers for tests: npm, yarn classic, yarn berry and pnpm,
/// each run as a lockfile-only install in an app folder against one registry
/// (the local registry fixture), with a configuration of its own: caches and
/// HOME inside a scratch folder, no user or global config files, no
/// inherited npm_config_ / YARN_ / PNPM_ variables nor CI, no install
/// scripts, no update notifier or telemetry. Test-only code.
///
/// Versions (root package.json devDependencies, installed by `npm ci`, which
/// scripts/bootstrap runs): yarn 1.22.22, @yarnpkg/cli-dist 4.18.1 (berry),
/// pnpm 10.34.9 (the newest 10.x; pnpm 11 needs Node >= 22.13). npm is the
/// one on PATH (it came with node). yarn classic and berry both declare a
/// `yarn` bin, so node_modules/.bin/yarn is whichever npm linked last: each
/// PM is run as `node <its package's bin script>`, never through .bin.
///
/// How each PM is run (install_lockfile):
/// - npm: `npm install --package-lock-only --ignore-scripts --no-audit
///   --no-fund`; NPM_CONFIG_REGISTRY, an empty userconfig and globalconfig,
///   its own cache.
/// - yarn classic: `yarn install --registry R --ignore-scripts
///   --non-interactive --no-progress --prefer-offline --no-default-rc
///   --mutex file:<scratch> --cache-folder <scratch>`, YARN_ variables for the
///   same. It has no lockfile-only mode: it also writes node_modules into the
///   app (0.5-0.9 s for a 2-3 package world, about as fast as npm).
/// - yarn berry: writes `.yarnrc.yml` into the app (yarnPath to the cli-dist
///   script, npmRegistryServer R, unsafeHttpWhitelist 127.0.0.1,
///   enableGlobalCache false and a cacheFolder in scratch, nodeLinker
///   node-modules, enableScripts/enableTelemetry false, enableImmutableInstalls
///   false, npmMinimalAgeGate 0) and an empty yarn.lock when there is none
///   (so a package.json above the app is not taken for the project), then
///   `yarn install --mode=update-lockfile --no-immutable`. It works offline.
///   npmMinimalAgeGate 0 is required: 4.18's default of 1d quarantines what
///   the fixture has just published ("YN0016: pmx-parent@npm:^1.0.0: All
///   versions satisfying "^1.0.0" are quarantined").
/// - pnpm: `.npmrc` with `registry=R` in the app, then `pnpm install
///   --lockfile-only --ignore-scripts --no-frozen-lockfile --store-dir
///   <scratch> --cache-dir <scratch>`, update notifier and
///   manage-package-manager-versions off, XDG_* in scratch.
///
/// Overrides each honours, verified on the local registry (a parent 1.0.0 ->
/// child ^1.0.0, child 1.0.0/1.1.0/1.2.0, a second package "other" -> child
/// ^1.0.0, and "strict" -> child ^1.2.0):
/// - npm 11 `overrides`: global `{"child": "1.1.0"}` (every child edge,
///   even strict's ^1.2.0); parent-scoped `{"parent": {"child": "1.1.0"}}`
///   (parent gets a nested child 1.1.0, other keeps 1.2.0); the key may carry
///   a range `"child@^1.0.0": "1.1.0"`. When the override names a direct
///   dependency of the app its value must equal the app's spec text, else
///   EOVERRIDE ("Override for child@^1.0.0 conflicts with direct
///   dependency"); the same for a parent key with a spec: `"parent@^1.0.0":
///   {...}` works when the app asks ^1.0.0, `"parent@^1"` and
///   `"parent@1.0.0"` fail with EOVERRIDE. `"$child"` refers to the app's own
///   spec of child and works (strict then gets the app's 1.1.0).
/// - yarn classic `resolutions`: `"child"`, `"**/child"`, `"parent/child"`,
///   `"parent/**/child"` and `"**/parent/child"` all apply (a version outside
///   the asker's range is taken with a warning "Resolution field ... is
///   incompatible with requested version"). `"parent@^1.0.0/child"` is
///   ignored (yarn.lock then also holds an unused `child@1.1.0` entry). Its
///   lockfile keys entries by pattern, one version per pattern, so a
///   parent-scoped resolution cannot give parent alone 1.1.0 while "other"
///   asks the same range `child@^1.0.0`: which wins is a race (of 11 runs, 1
///   gave both 1.1.0, 10 gave both 1.2.0 with an unused `child@1.1.0` entry
///   left in yarn.lock). A global resolution of a child the app itself
///   depends on with the same range was lost the same way (the app's
///   pattern wins; yarn.lock still lists an unused 1.1.0).
/// - yarn berry 4 `resolutions`: `"child"` and `"child@npm:^1.0.0"`
///   (value "1.1.0" or "npm:1.1.0") apply everywhere, direct dependencies
///   included; `"parent/child"` applies to parent only (other keeps 1.2.0).
///   `"parent@npm:^1/child"` and `"parent@npm:^1.0.0/child"` never apply: the
///   parent part is compared with the parent's resolved locator, not as a
///   range; `"parent@npm:1.0.0/child"` applies only when that locator is
///   exactly `parent@npm:1.0.0`, which is not so on this fixture (Verdaccio's
///   tarball address differs from the proxy's, so locators carry
///   `::__archiveUrl=...`). Glob keys (`"**/child"`) are ignored with YN0057.
///   yarn.lock does not show a scoped resolution: parent's entry still lists
///   `child: "npm:^1.0.0"` and a `child@npm:^1.0.0` entry at 1.2.0 remains
///   (a real install then puts 1.1.0 under parent/node_modules), so reading
///   berry's lockfile alone misses scoped resolutions.
/// - pnpm 10 `pnpm.overrides` in package.json (10.34 still reads it, without
///   a warning; `overrides:` in pnpm-workspace.yaml works as well; pnpm 11 was
///   not tried, it needs Node >= 22.13):
///   `"child"` (everywhere, direct dependencies included: the importer's
///   specifier becomes the override, no EOVERRIDE), `"child@^1.0.0"`,
///   `"parent>child"` and `"parent@^1>child"` (a range on the parent, matched
///   as a range; `"parent@2>child"` does not apply), `"$child"` references.
///   pnpm-lock.yaml records them under `overrides:` and per snapshot.

#include <boost/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callboard::test {

enum class Pm { kNpm, kYarnClassic, kYarnBerry, kPnpm };

/// All four, in a fixed order.
inline constexpr Pm kAllPms[] = {Pm::kNpm, Pm::kYarnClassic, Pm::kYarnBerry, Pm::kPnpm};

/// "npm", "yarn-classic", "yarn-berry", "pnpm".
std::string_view pm_name(Pm pm);

/// The file the PM's install writes in the app folder: package-lock.json,
/// yarn.lock (both yarns) or pnpm-lock.yaml.
std::string_view lockfile_name(Pm pm);

/// The command that starts the PM (node and its bin script from the repo's
/// node_modules; npm from PATH), or nullopt when it is not installed.
std::optional<std::vector<std::string>> pm_command(Pm pm);

/// `<pm> --version`, trimmed; empty when it is not installed or fails.
std::string pm_version(Pm pm);

struct PmInstall {
  int status = -1;                 ///< exit status (0: success)
  std::string output;              ///< stdout and stderr together
  std::filesystem::path lockfile;  ///< <app>/<lockfile_name(pm)> (may not exist on failure)
  double seconds = 0;              ///< wall time of the install
};

/// Runs the PM's lockfile-only install in `app` (which holds package.json)
/// against `registry` (an http URL ending in '/'), with caches, HOME and
/// config files inside `scratch` (created if missing; one per app, as
/// several installs of the same app may share it). Writes `.yarnrc.yml`
/// (berry) or `.npmrc` (pnpm) into `app`. Throws std::runtime_error when the
/// PM is not installed.
PmInstall install_lockfile(Pm pm, const std::filesystem::path& app, std::string_view registry,
                           const std::filesystem::path& scratch);

/// Adds to `package_json` the override this PM honours that pins `child` to
/// `version`: everywhere when `parent` is empty, else only under `parent` (npm
/// `overrides`, yarn `resolutions`, pnpm `pnpm.overrides`; syntax above).
/// npm's rule applies: the app must not depend on `child` itself with another spec.
void add_override(Pm pm, boost::json::object& package_json, std::string_view child,
                  std::string_view version, std::string_view parent = {});

}  // namespace callboard::test
