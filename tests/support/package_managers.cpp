#include "package_managers.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "child_process.hpp"

#ifndef CALLBOARD_REPO_ROOT
#error "CALLBOARD_REPO_ROOT must be defined by the build"
#endif

extern char** environ;

namespace callboard::test {
namespace {

namespace fs = std::filesystem;

fs::path node_modules() { return fs::path(CALLBOARD_REPO_ROOT) / "node_modules"; }

/// The bin script of each PM's package (not node_modules/.bin: both yarns
/// claim `yarn` there).
fs::path bin_script(Pm pm) {
  switch (pm) {
    case Pm::kYarnClassic: return node_modules() / "yarn/bin/yarn.js";
    case Pm::kYarnBerry: return node_modules() / "@yarnpkg/cli-dist/bin/yarn.js";
    case Pm::kPnpm: return node_modules() / "pnpm/bin/pnpm.cjs";
    case Pm::kNpm: break;
  }
  return {};
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

/// `env -u NAME ...` for every inherited variable that would configure a
/// PM behind our back (npm_config_*, YARN_*, PNPM_*, COREPACK_*, CI,
/// NODE_OPTIONS), except those `ours` ("NAME=value") sets: ChildProcess gives
/// them to `env`, which must pass them on.
std::vector<std::string> scrub_environment(const std::vector<std::string>& ours) {
  std::vector<std::string> argv = {"env"};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry = *e;
    const std::string_view name = entry.substr(0, entry.find('='));
    const bool set_by_us = std::any_of(ours.begin(), ours.end(), [&](const std::string& o) {
      return o.size() > name.size() && o.compare(0, name.size(), name) == 0 &&
             o[name.size()] == '=';
    });
    if (set_by_us) continue;
    if (starts_with_ci(name, "npm_config_") || starts_with_ci(name, "yarn_") ||
        starts_with_ci(name, "pnpm_") || starts_with_ci(name, "corepack_") || name == "CI" ||
        name == "NODE_OPTIONS") {
      argv.emplace_back("-u");
      argv.emplace_back(name);
    }
  }
  return argv;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

/// A JSON string literal (for the YAML of .yarnrc.yml, which reads it).
std::string yaml_string(std::string_view s) {
  return boost::json::serialize(boost::json::value(s));
}

boost::json::object& member_object(boost::json::object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = boost::json::object{};
  return v.as_object();
}

}  // namespace

std::string_view pm_name(Pm pm) {
  switch (pm) {
    case Pm::kNpm: return "npm";
    case Pm::kYarnClassic: return "yarn-classic";
    case Pm::kYarnBerry: return "yarn-berry";
    case Pm::kPnpm: return "pnpm";
  }
  return "?";
}

std::string_view lockfile_name(Pm pm) {
  switch (pm) {
    case Pm::kNpm: return "package-lock.json";
    case Pm::kYarnClassic:
    case Pm::kYarnBerry: return "yarn.lock";
    case Pm::kPnpm: return "pnpm-lock.yaml";
  }
  return "";
}

std::optional<std::vector<std::string>> pm_command(Pm pm) {
  if (pm == Pm::kNpm) {
    if (!executable_available("npm")) return std::nullopt;
    return std::vector<std::string>{"npm"};
  }
  const std::string node = node_command();
  const fs::path script = bin_script(pm);
  if (!executable_available(node) || !fs::is_regular_file(script)) return std::nullopt;
  return std::vector<std::string>{node, script.string()};
}

std::string pm_version(Pm pm) {
  auto argv = pm_command(pm);
  if (!argv) return "";
  // Berry refuses to run in a folder it takes for a foreign project; /
  // never is one.
  const std::vector<std::string> env = {"YARN_ENABLE_TELEMETRY=0",
                                        "NPM_CONFIG_UPDATE_NOTIFIER=false"};
  std::vector<std::string> cmd = scrub_environment(env);
  cmd.insert(cmd.end(), {"sh", "-c", "cd / && exec \"$@\"", "sh"});
  cmd.insert(cmd.end(), argv->begin(), argv->end());
  cmd.emplace_back("--version");
  auto [status, out] = run_command(cmd, env);
  return status == 0 ? trim(out) : "";
}

PmInstall install_lockfile(Pm pm, const fs::path& app, std::string_view registry,
                           const fs::path& scratch) {
  auto base = pm_command(pm);
  if (!base)
    throw std::runtime_error(std::string(pm_name(pm)) +
                             " is not installed (npm ci at the repository root)");
  const fs::path s = fs::absolute(scratch);
  const fs::path home = s / "home";
  fs::create_directories(home);
  write_file(s / "empty-npmrc", "");
  write_file(s / "empty-global-npmrc", "");
  const std::string reg(registry);

  // Shared by all: a HOME and XDG folders of our own, empty npm config
  // files (yarn classic and pnpm read npm's too), no update checks.
  std::vector<std::string> env = {
      "HOME=" + home.string(),
      "XDG_CONFIG_HOME=" + (home / ".config").string(),
      "XDG_CACHE_HOME=" + (home / ".cache").string(),
      "XDG_DATA_HOME=" + (home / ".local/share").string(),
      "XDG_STATE_HOME=" + (home / ".local/state").string(),
      "NPM_CONFIG_USERCONFIG=" + (s / "empty-npmrc").string(),
      "NPM_CONFIG_GLOBALCONFIG=" + (s / "empty-global-npmrc").string(),
      "NPM_CONFIG_UPDATE_NOTIFIER=false",
      "NO_UPDATE_NOTIFIER=1",
  };
  std::vector<std::string> args = *base;
  switch (pm) {
    case Pm::kNpm:
      env.push_back("NPM_CONFIG_REGISTRY=" + reg);
      env.push_back("NPM_CONFIG_CACHE=" + (s / "npm-cache").string());
      args.insert(args.end(), {"install", "--package-lock-only", "--ignore-scripts", "--no-audit",
                               "--no-fund"});
      break;
    case Pm::kYarnClassic:
      env.insert(env.end(),
                 {"YARN_REGISTRY=" + reg, "YARN_CACHE_FOLDER=" + (s / "yarn-cache").string(),
                  "YARN_IGNORE_SCRIPTS=true", "YARN_DISABLE_SELF_UPDATE_CHECK=true",
                  "YARN_NON_INTERACTIVE=true"});
      args.insert(args.end(), {"install", "--registry", reg, "--ignore-scripts",
                               "--non-interactive", "--no-progress", "--prefer-offline",
                               "--no-default-rc", "--mutex", "file:" + (s / "yarn-mutex").string(),
                               "--cache-folder", (s / "yarn-cache").string()});
      break;
    case Pm::kYarnBerry: {
      // yarnPath names the script we run, so berry does not hand over to
      // another copy; the rest is the isolation (see the header).
      std::string rc;
      rc += "yarnPath: " + yaml_string(bin_script(pm).string()) + "\n";
      rc += "npmRegistryServer: " + yaml_string(reg) + "\n";
      rc += "unsafeHttpWhitelist:\n  - \"127.0.0.1\"\n";
      rc += "enableGlobalCache: false\n";
      rc += "cacheFolder: " + yaml_string((s / "berry-cache").string()) + "\n";
      rc += "nodeLinker: node-modules\n";
      rc += "enableScripts: false\n";
      rc += "enableTelemetry: false\n";
      rc += "enableImmutableInstalls: false\n";
      rc += "npmMinimalAgeGate: 0\n";
      write_file(app / ".yarnrc.yml", rc);
      if (!fs::exists(app / "yarn.lock")) write_file(app / "yarn.lock", "");
      env.insert(env.end(), {"YARN_ENABLE_TELEMETRY=0",
                             "YARN_GLOBAL_FOLDER=" + (s / "berry-global").string()});
      args.insert(args.end(), {"install", "--mode=update-lockfile", "--no-immutable"});
      break;
    }
    case Pm::kPnpm:
      write_file(app / ".npmrc", "registry=" + reg + "\n");
      args.insert(args.end(),
                  {"install", "--lockfile-only", "--ignore-scripts", "--no-frozen-lockfile",
                   "--registry", reg, "--store-dir", (s / "pnpm-store").string(), "--cache-dir",
                   (s / "pnpm-cache").string(), "--config.update-notifier=false",
                   "--config.manage-package-manager-versions=false"});
      break;
  }

  std::vector<std::string> cmd = scrub_environment(env);
  cmd.insert(cmd.end(), {"sh", "-c", "cd \"$0\" && exec \"$@\"", fs::absolute(app).string()});
  cmd.insert(cmd.end(), args.begin(), args.end());
  PmInstall result;
  const auto start = std::chrono::steady_clock::now();
  ChildProcess child(cmd, env, /*stderr_to_stdout=*/true);
  result.output = child.read_all();
  result.status = child.wait();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.lockfile = app / std::string(lockfile_name(pm));
  return result;
}

void add_override(Pm pm, boost::json::object& package_json, std::string_view child,
                  std::string_view version, std::string_view parent) {
  switch (pm) {
    case Pm::kNpm: {
      auto& overrides = member_object(package_json, "overrides");
      if (parent.empty()) {
        overrides[child] = version;
      } else {
        member_object(overrides, parent)[child] = version;
      }
      break;
    }
    case Pm::kYarnClassic:
    case Pm::kYarnBerry: {
      // Both read "parent/child"; neither takes a range on the parent (see
      // the header).
      auto& resolutions = member_object(package_json, "resolutions");
      resolutions[parent.empty() ? std::string(child)
                                 : std::string(parent) + "/" + std::string(child)] = version;
      break;
    }
    case Pm::kPnpm: {
      auto& overrides = member_object(member_object(package_json, "pnpm"), "overrides");
      overrides[parent.empty() ? std::string(child)
                               : std::string(parent) + ">" + std::string(child)] = version;
      break;
    }
  }
}

}  // namespace callboard::test
