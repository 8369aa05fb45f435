// Differential test: for several .npmrc + environment setups in a temporary
// HOME and project, load_npm_config must agree with what the real
// `npm config get registry @scope:registry ...` prints for the same setup.
// npm runs under `env -i` with only the setup's variables (and PATH), so the
// developer's own configuration cannot leak into either side. Skipped (with
// a warning) when npm is not on PATH.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "callboard/npm_config.hpp"

#include "child_process.hpp"
#include "npm/npmrc_text.hpp"

namespace fs = std::filesystem;
using callboard::NpmConfig;
using callboard::NpmConfigOptions;
using callboard::test::ChildProcess;

namespace {

std::string quote_sh(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct Setup {
  std::string name;
  std::map<std::string, std::string> files;  // path under the setup root -> text
  std::vector<std::string> dirs;             // extra directories (node_modules, ...)
  std::map<std::string, std::string> env;    // besides PATH and HOME; "@ROOT@" is replaced
  std::string cwd = "proj";                  // where npm runs / project_dir
  bool isolate_global = true;                // NPM_CONFIG_GLOBALCONFIG -> a missing file
};

const std::vector<std::string> kScopes = {"@acme", "@glob", "@other"};

// Few setups, each checking several rules: every npm start costs about
// 0.7 s of CPU.
std::vector<Setup> setups() {
  std::vector<Setup> s;
  s.push_back({"nothing configured", {{"proj/package.json", "{}"}}, {}, {}});
  s.push_back({"user file: no trailing slash, quoted scope, ${VAR} replacement and escapes",
               {{"proj/package.json", "{}"},
                {"home/.npmrc",
                 "registry=http://${REG_HOST}:${REG_PORT}\n"
                 "@acme:registry = \"http://acme.test/x\"\n"
                 "@glob:registry=http://a.test/${NOT_SET?}x/\n"
                 "@other:registry=http://o.test/\\\\${REG_HOST}\n"}},
               {},
               {{"REG_HOST", "127.0.0.1"}, {"REG_PORT", "9999"}}});
  s.push_back(
      {"project beats user, found from a subdirectory; global below both",
       {{"proj/package.json", "{}"},
        {"proj/.npmrc",
         "registry=http://project.test/p/\n@acme:registry=http://acme-project.test/\n"},
        {"home/.npmrc",
         "registry=http://user.test/\n@acme:registry=http://acme-user.test/\n"
         "@other:registry=http://other-user.test/\n"},
        {"global/npmrc", "@glob:registry=http://glob.test/\nregistry=http://global.test/\n"}},
       {"proj/src/deep"},
       {{"NPM_CONFIG_GLOBALCONFIG", "@ROOT@/global/npmrc"}},
       "proj/src/deep",
       false});
  s.push_back({"NPM_CONFIG_REGISTRY beats the files; NPM_CONFIG_USERCONFIG moves the user file",
               {{"proj/package.json", "{}"},
                {"proj/.npmrc", "registry=http://project.test/\n"},
                {"custom/my.npmrc",
                 "@acme:registry=http://custom.test/\nregistry=http://custom-user.test/\n"},
                {"home/.npmrc", "@other:registry=http://ignored-home.test/\n"}},
               {},
               {{"NPM_CONFIG_REGISTRY", "http://env.test:8080/reg"},
                {"NPM_CONFIG_USERCONFIG", "@ROOT@/custom/my.npmrc"}}});
  s.push_back({"npm_config_registry; the global file from PREFIX",
               {{"proj/package.json", "{}"},
                {"prefix/etc/npmrc",
                 "registry=http://prefix-global.test/\n@glob:registry=http://pg.test/\n"}},
               {},
               {{"npm_config_registry", "http://lower-env.test/"}, {"PREFIX", "@ROOT@/prefix"}},
               "proj",
               false});
  s.push_back(
      {"node_modules marks the project; comments, CRLF, sections; the project moves the user file",
       {{"nm/.npmrc",
         "; comment\r\n# another\r\nregistry = http://nm.test/ ; trailing\r\n"
         "userconfig=@ROOT@/alt/.npmrc\r\n"
         "@acme:registry='http://acme-nm.test/'\r\n[section]\r\nregistry=http://no.test/\r\n"},
        {"alt/.npmrc", "registry=http://alt-user.test/\n@other:registry=http://alt-other.test/\n"},
        {"home/.npmrc", "@glob:registry=http://home-glob.test/\n"}},
       {"nm/node_modules", "nm/a/b"},
       {},
       "nm/a/b"});
  // npm keeps the quotes (the value does not end with one) and then fails.
  s.push_back(
      {"a value npm keeps quotes in is not a URL",
       {{"proj/package.json", "{}"}, {"home/.npmrc", "registry = \"http://x.test/\" ; comment\n"}},
       {},
       {}});
  return s;
}

std::string replace_root(std::string text, const std::string& root) {
  for (std::size_t at = text.find("@ROOT@"); at != std::string::npos;
       at = text.find("@ROOT@", at)) {
    text.replace(at, 6, root);
  }
  return text;
}

std::string normalized(const std::string& url) {
  return url.empty() || url.back() == '/' ? url : url + "/";
}

}  // namespace

TEST_CASE("load_npm_config agrees with `npm config get`", "[npm][differential]") {
  if (!callboard::test::executable_available("npm")) {
    WARN("skipped: npm is not on PATH");
    return;
  }
  const fs::path base =
      fs::temp_directory_path() / ("callboard-npmdiff-" + std::to_string(::getpid()));
  fs::remove_all(base);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{base};

  const std::string path_env = std::getenv("PATH");
  const auto all = setups();
  std::vector<std::map<std::string, std::string>> envs;
  std::vector<std::unique_ptr<ChildProcess>> children;
  // All npm processes at once: each takes about a second to start.
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Setup& s = all[i];
    const std::string root = (base / std::to_string(i)).string();
    fs::create_directories(fs::path(root) / "home");
    fs::create_directories(fs::path(root) / s.cwd);
    for (const auto& d : s.dirs) fs::create_directories(fs::path(root) / d);
    for (const auto& [rel, text] : s.files) {
      const fs::path p = fs::path(root) / rel;
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << replace_root(text, root);
    }
    std::map<std::string, std::string> env = {{"PATH", path_env}, {"HOME", root + "/home"}};
    if (s.isolate_global) env["NPM_CONFIG_GLOBALCONFIG"] = root + "/no-global-npmrc";
    for (const auto& [k, v] : s.env) env[k] = replace_root(v, root);
    envs.push_back(env);

    std::vector<std::string> argv = {"env", "-i"};
    for (const auto& [k, v] : env) argv.push_back(k + "=" + v);
    std::string cmd = "cd " + quote_sh(root + "/" + s.cwd) + " && exec npm config get registry";
    for (const auto& scope : kScopes) cmd += " " + scope + ":registry";
    cmd += " 2>/dev/null";
    argv.insert(argv.end(), {"sh", "-c", cmd});
    children.push_back(std::make_unique<ChildProcess>(argv));
  }

  std::string npm_default;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Setup& s = all[i];
    INFO("setup: " << s.name);
    const std::string out = children[i]->read_all();
    const int status = children[i]->wait();
    INFO("npm said:\n" << out);
    std::map<std::string, std::string> npm;
    std::size_t pos = 0;
    while (pos < out.size()) {
      const std::size_t nl = std::min(out.find('\n', pos), out.size());
      const std::string line = out.substr(pos, nl - pos);
      pos = nl + 1;
      const std::size_t eq = line.find('=');
      if (eq != std::string::npos) npm[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (i == 0) npm_default = npm["registry"];  // npm's built-in default, whatever it is
    const std::string root = (base / std::to_string(i)).string();
    NpmConfigOptions o;
    o.project_dir = root + "/" + s.cwd;
    o.ask_npm = false;
    const auto env = envs[i];
    o.getenv = [env](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    auto ours = callboard::load_npm_config(o);
    if (status != 0) {
      // npm itself gives up on this configuration (an unusable registry
      // URL); callboard must refuse it too, instead of carrying on.
      CHECK_FALSE(ours.ok());
      continue;
    }
    REQUIRE(npm.count("registry") == 1);
    if (!ours.ok()) {
      // We refuse exactly what npm would carry on with as a broken URL.
      INFO(ours.error().to_string());
      bool npm_has_bad_url = !callboard::npm_detail::is_http_url(npm["registry"]);
      for (const auto& scope : kScopes) {
        const std::string& v = npm[scope + ":registry"];
        npm_has_bad_url =
            npm_has_bad_url || (v != "undefined" && !callboard::npm_detail::is_http_url(v));
      }
      CHECK(npm_has_bad_url);
      continue;
    }
    if (ours->registry.empty()) {
      CHECK(npm["registry"] == npm_default);
    } else {
      CHECK(i != 0);
      CHECK(ours->registry == normalized(npm["registry"]));
    }
    for (const auto& scope : kScopes) {
      INFO("scope " << scope);
      const std::string& v = npm[scope + ":registry"];
      const auto it = ours->scope_registries.find(scope);
      if (v == "undefined") {
        CHECK(it == ours->scope_registries.end());
      } else {
        REQUIRE(it != ours->scope_registries.end());
        CHECK(it->second == normalized(v));
      }
    }
  }
  CHECK_FALSE(npm_default.empty());
}
