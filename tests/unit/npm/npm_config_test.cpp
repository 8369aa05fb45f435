// npm configuration: the .npmrc dialect, ${VAR} replacement, precedence of
// the layers, nerf-dart credential matching, and that secrets stay secret.

#include "callboard/npm_config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "npm/npmrc_text.hpp"

using callboard::apply_npmrc;
using callboard::ErrorCode;
using callboard::load_npm_config;
using callboard::nerf_dart;
using callboard::NpmConfig;
using callboard::NpmConfigOptions;
namespace fs = std::filesystem;
namespace nd = callboard::npm_detail;

namespace {

using Env = std::map<std::string, std::string>;

auto env_of(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

NpmConfig parse(std::string_view text, const Env& env = {}) {
  NpmConfig c;
  auto r = apply_npmrc(c, text, "test.npmrc", env_of(env));
  INFO(text);
  if (!r.ok()) FAIL(r.error().to_string());
  return c;
}

callboard::Error parse_error(std::string_view text, const Env& env = {}) {
  NpmConfig c;
  auto r = apply_npmrc(c, text, "test.npmrc", env_of(env));
  INFO(text);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

// A temporary directory tree, removed at the end of the test.
struct TempTree {
  fs::path root;
  TempTree() {
    root = fs::temp_directory_path() /
           ("callboard-npm-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  fs::path write(const std::string& rel, const std::string& text) const {
    const fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path dir(const std::string& rel) const {
    fs::create_directories(root / rel);
    return root / rel;
  }
};

}  // namespace

TEST_CASE("ini lines: separators, comments, quotes, sections, arrays", "[npm]") {
  CHECK(parse("registry=http://a.test/").registry == "http://a.test/");
  CHECK(parse("registry = http://a.test/x  ").registry == "http://a.test/x/");
  CHECK(parse("  registry   =   http://a.test/  ; trailing comment").registry == "http://a.test/");
  CHECK(parse("registry=http://a.test/ # hash comment").registry == "http://a.test/");
  CHECK(parse("registry=\"http://a.test/q\"").registry == "http://a.test/q/");
  CHECK(parse("registry='http://a.test/s'").registry == "http://a.test/s/");
  CHECK(parse("; registry=http://no.test/\n# registry=http://no.test/\nregistry=http://yes.test/")
            .registry == "http://yes.test/");
  CHECK(parse("registry=http://one.test/\r\nregistry=http://two.test/\r\n").registry ==
        "http://two.test/");
  CHECK(parse("registry=http://one.test/\rregistry=http://three.test/").registry ==
        "http://three.test/");
  CHECK(parse("registry=http://a.test/\n[section]\nregistry=http://ignored.test/\n").registry ==
        "http://a.test/");
  CHECK(parse("\xEF\xBB\xBFregistry=http://bom.test/").registry == "http://bom.test/");
  CHECK(parse("registry[]=http://list.test/").registry.empty());
  CHECK(parse("unknown-key=whatever\nfund=false\nregistry=http://a.test/").registry ==
        "http://a.test/");
  CHECK(parse("").registry.empty());
  CHECK(parse("\n\n   \n").registry.empty());

  // ini's value rules, one at a time.
  CHECK(nd::ini_unsafe(R"(a\;b)") == "a;b");
  CHECK(nd::ini_unsafe(R"(a\#b ; c)") == "a#b");
  CHECK(nd::ini_unsafe(R"(a\xb)") == R"(a\xb)");
  CHECK(nd::ini_unsafe(R"(a\)") == R"(a\)");
  CHECK(nd::ini_unsafe(R"("a;b")") == "a;b");
  CHECK(nd::ini_unsafe(R"("a\"b\u0041")") == "a\"bA");
  CHECK(nd::ini_unsafe(R"("not json)") == R"("not json)");
  CHECK(nd::ini_unsafe(R"('"json inside"')") == "json inside");
  CHECK(nd::ini_unsafe(R"('x')") == "x");
  CHECK(nd::ini_unsafe("\"") == "\"");
  CHECK(nd::ini_unsafe("'") == "");
}

TEST_CASE("${VAR} replacement follows @npmcli/config", "[npm]") {
  const Env env = {{"A", "alpha"}, {"EMPTY", ""}};
  auto r = [&](std::string_view s) { return nd::env_replace(s, env_of(env)).text; };
  CHECK(r("${A}") == "alpha");
  CHECK(r("x${A}y${A}") == "xalphayalpha");
  CHECK(r("${EMPTY}") == "");
  CHECK(r("${MISSING?}") == "");
  CHECK(r("${A?}") == "alpha");
  CHECK(r(R"(\${A})") == "${A}");
  CHECK(r(R"(\\${A})") == R"(\alpha)");
  CHECK(r(R"(\\\${A})") == R"(\${A})");
  CHECK(r("${A") == "${A");
  CHECK(r("${}") == "${}");
  CHECK(r("$A") == "$A");
  CHECK(r("${A?x}") == "${A?x}");
  const auto missing = nd::env_replace("${NOPE}", env_of(env));
  CHECK(missing.text == "${NOPE}");
  CHECK(missing.missing == std::vector<std::string>{"NOPE"});

  CHECK(parse("registry=http://${A}.test/", env).registry == "http://alpha.test/");
  const auto e = parse_error("fund=false\nregistry=http://${REGISTRY_HOST}/\n", env);
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.detail("file") == "test.npmrc");
  CHECK(e.detail("line") == "2");
  CHECK(e.detail("variable") == "REGISTRY_HOST");
  CHECK(e.message.find("${REGISTRY_HOST}") != std::string::npos);
  // Keys callboard does not use may keep unresolved variables, as npm lets them.
  CHECK(parse("cache=${NOT_SET}/npm\nregistry=http://a.test/").registry == "http://a.test/");
}

TEST_CASE("malformed lines are errors naming file and line", "[npm]") {
  auto check = [](std::string_view text, std::string_view line) {
    const auto e = parse_error(text);
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("file") == "test.npmrc");
    CHECK(e.detail("line") == line);
  };
  check("registry=not a url", "1");
  check("\n\nregistry=ftp://x.test/", "3");
  check("@acme:registry=acme", "1");
  check("=value", "1");
  check("registry", "1");
  check("strict-ssl=maybe", "1");
  check("//r.test/:_password=%%%", "1");
  check("//r.test/:_auth=bm9jb2xvbg==", "1");  // base64 of "nocolon"
  const auto e = parse_error("registry=npm_SECRETTOKEN");
  CHECK(e.to_string().find("SECRETTOKEN") == std::string::npos);
}

TEST_CASE("registries: default, scoped, packument URLs", "[npm]") {
  const auto c = parse(
      "registry=http://main.test:4873\n"
      "@acme:registry=https://acme.test/npm/\n"
      "@other:registry=https://other.test/r\n");
  CHECK(c.registry == "http://main.test:4873/");
  CHECK(c.registry_for("left-pad") == "http://main.test:4873/");
  CHECK(c.registry_for("@acme/thing") == "https://acme.test/npm/");
  CHECK(c.registry_for("@other/thing") == "https://other.test/r/");
  CHECK(c.registry_for("@unknown/thing") == "http://main.test:4873/");
  CHECK(c.packument_url("@acme/thing") == "https://acme.test/npm/@acme%2fthing");
  CHECK(c.packument_url("plain") == "http://main.test:4873/plain");
  CHECK(NpmConfig{}.packument_url("x").empty());
  // A later, closer layer overrides; an empty value clears.
  NpmConfig layered = c;
  REQUIRE(
      apply_npmrc(layered, "registry=http://closer.test/\n@acme:registry=", "b", env_of({})).ok());
  CHECK(layered.registry == "http://closer.test/");
  CHECK(layered.registry_for("@acme/thing") == "http://closer.test/");
}

TEST_CASE("nerf darts", "[npm]") {
  CHECK(nerf_dart("https://host:8443/path/") == "//host:8443/path/");
  CHECK(nerf_dart("https://host/path") == "//host/");
  CHECK(nerf_dart("https://HOST.test:443/a/b/c") == "//host.test/a/b/");
  CHECK(nerf_dart("http://host.test:80/") == "//host.test/");
  CHECK(nerf_dart("http://user:pw@host.test/x/?q=1") == "//host.test/x/");
  CHECK(nerf_dart("http://host.test") == "//host.test/");
  CHECK(nerf_dart("http://host.test/a/../b/") == "//host.test/b/");
  CHECK(nerf_dart("http://[::1]:8080/r/") == "//[::1]:8080/r/");
  CHECK(nerf_dart("not a url").empty());
  CHECK(nerf_dart("http://:80/").empty());
}

TEST_CASE("authorization_for picks the longest nerf-dart prefix", "[npm]") {
  const std::string basic_pw = nd::base64_encode("p@ss:word");
  const auto c = parse(
      "registry=https://reg.test/npm/\n"
      "//reg.test/:_authToken=host-token\n"
      "//reg.test/npm/private/:_authToken=deep-token\n"
      "//basic.test:8080/:username=alice\n"
      "//basic.test:8080/:_password=" +
      basic_pw +
      "\n"
      "//auth.test/:_auth=" +
      nd::base64_encode("bob:secret") +
      "\n"
      "//noslash.test/x:_authToken=noslash-token\n");
  CHECK(c.authorization_for("https://reg.test/npm/left-pad") == "Bearer host-token");
  CHECK(c.authorization_for("https://reg.test/npm/private/pkg") == "Bearer deep-token");
  CHECK(c.authorization_for("https://reg.test/npm/private") == "Bearer host-token");
  CHECK(c.authorization_for("http://REG.test:443/npm/") ==
        std::nullopt);  // port 443 is not http's default
  CHECK(c.authorization_for("https://REG.test:443/npm/") == "Bearer host-token");
  CHECK(c.authorization_for("https://other.test/npm/") == std::nullopt);
  CHECK(c.authorization_for("https://basic.test:8080/x/y") ==
        "Basic " + nd::base64_encode("alice:p@ss:word"));
  CHECK(c.authorization_for("https://basic.test/x") == std::nullopt);
  CHECK(c.authorization_for("https://auth.test/a/b") == "Basic " + nd::base64_encode("bob:secret"));
  CHECK(c.authorization_for("https://noslash.test/x/y") == "Bearer noslash-token");
  CHECK(c.authorization_for("https://noslash.test/xy") == std::nullopt);
  CHECK(c.authorization_for("ftp://reg.test/npm/") == std::nullopt);
  CHECK(c.authorization_for("garbage") == std::nullopt);

  // A username without a password is no credential (npm needs both).
  CHECK(parse("//u.test/:username=only").authorization_for("https://u.test/x") == std::nullopt);
  // A token wins over basic auth for the same prefix, whatever the order.
  const auto both =
      parse("//b.test/:_auth=" + nd::base64_encode("u:p") + "\n//b.test/:_authToken=t\n");
  CHECK(both.authorization_for("https://b.test/x") == "Bearer t");
  // An empty value in a closer layer removes the credential.
  NpmConfig cleared = c;
  REQUIRE(apply_npmrc(cleared, "//reg.test/:_authToken=", "closer", env_of({})).ok());
  CHECK(cleared.authorization_for("https://reg.test/npm/left-pad") == std::nullopt);
  CHECK(cleared.credentials.count("//reg.test/") == 0);
}

TEST_CASE("a URL on the registry's host outside its path gets the registry's credentials",
          "[npm]") {
  const auto c = parse(
      "registry=https://reg.test/npm/registry/\n"
      "//reg.test/npm/registry/:_authToken=reg-token\n"
      "@acme:registry=https://acme.test/api/npm/\n"
      "//acme.test/api/npm/:_authToken=acme-token\n");
  CHECK(c.authorization_for("https://reg.test/npm/registry/pkg") == "Bearer reg-token");
  CHECK(c.authorization_for("https://reg.test/files/pkg-1.0.0.tgz") == "Bearer reg-token");
  CHECK(c.authorization_for("https://acme.test/downloads/a.tgz") == "Bearer acme-token");
  CHECK(c.authorization_for("https://elsewhere.test/a.tgz") == std::nullopt);
}

TEST_CASE("proxies, strict-ssl, cafile, user-agent", "[npm]") {
  const auto c = parse(
      "https-proxy=http://proxy.test:3128\n"
      "proxy=http://plain-proxy.test:3128\n"
      "noproxy=localhost,.internal.test\n"
      "strict-ssl=false\n"
      "cafile=/etc/ssl/custom.pem\n"
      "user-agent=npm/{npm-version} callboard\n");
  CHECK(c.https_proxy == "http://proxy.test:3128");
  CHECK(c.http_proxy == "http://plain-proxy.test:3128");
  CHECK(c.no_proxy == "localhost,.internal.test");
  CHECK_FALSE(c.strict_ssl);
  CHECK(c.cafile == "/etc/ssl/custom.pem");
  CHECK(c.user_agent == "npm/{npm-version} callboard");
  CHECK(parse("proxy=false").http_proxy.empty());
  CHECK(parse("cafile=~/certs/ca.pem", {{"HOME", "/home/u"}}).cafile == "/home/u/certs/ca.pem");
  CHECK(fs::path(parse("cafile=rel/ca.pem").cafile).is_absolute());
  CHECK(parse("strict-ssl").strict_ssl);
}

TEST_CASE("to_string and errors never show secrets", "[npm]") {
  const Env env = {{"NPM_TOKEN", "tok-FROM-ENV-123"}};
  const auto c = parse(
      "registry=https://user:regpass-XYZ@reg.test/\n"
      "//reg.test/:_authToken=${NPM_TOKEN}\n"
      "//b.test/:username=bob\n"
      "//b.test/:_password=" +
          nd::base64_encode("pw-SECRET-456") +
          "\n"
          "https-proxy=http://puser:proxypass-QQQ@proxy.test:8080/\n",
      env);
  CHECK(c.authorization_for("https://reg.test/x") == "Bearer tok-FROM-ENV-123");
  const std::string text = c.to_string();
  INFO(text);
  CHECK(text.find("tok-FROM-ENV") == std::string::npos);
  CHECK(text.find("pw-SECRET") == std::string::npos);
  CHECK(text.find("regpass-XYZ") == std::string::npos);
  CHECK(text.find("proxypass-QQQ") == std::string::npos);
  CHECK(text.find("//reg.test/ = token (test.npmrc)") != std::string::npos);
  CHECK(text.find("//b.test/ = basic") != std::string::npos);
  CHECK(text.find("registry = https://reg.test/ (test.npmrc)") != std::string::npos);
  const auto e = parse_error("//reg.test/:_password=not*base64", env);
  CHECK(e.to_string().find("not*base64") == std::string::npos);
}

TEST_CASE("base64", "[npm]") {
  CHECK(nd::base64_encode("") == "");
  CHECK(nd::base64_encode("f") == "Zg==");
  CHECK(nd::base64_encode("fo") == "Zm8=");
  CHECK(nd::base64_encode("foo") == "Zm9v");
  CHECK(nd::base64_encode("user:pass") == "dXNlcjpwYXNz");
  CHECK(nd::base64_decode("dXNlcjpwYXNz") == "user:pass");
  CHECK(nd::base64_decode("Zg") == "f");
  CHECK(nd::base64_decode("Zm8=\n") == "fo");
  CHECK(nd::base64_decode("-_8") == nd::base64_decode("+/8"));
  CHECK_FALSE(nd::base64_decode("Z").has_value());
  CHECK_FALSE(nd::base64_decode("Zm=9v").has_value());
  CHECK_FALSE(nd::base64_decode("Zm9v!").has_value());
}

TEST_CASE("load_npm_config: env > project > user > global", "[npm]") {
  TempTree tree;
  const fs::path global = tree.write("prefix/etc/npmrc",
                                     "registry=http://global.test/\n@g:registry=http://g.test/\n"
                                     "//global.test/:_authToken=global-token\n");
  const fs::path user =
      tree.write("home/.npmrc", "registry=http://user.test/\n@u:registry=http://u.test/\n");
  tree.write("work/proj/package.json", "{}");
  const fs::path project = tree.write("work/proj/.npmrc", "registry=http://project.test/\n");
  const fs::path start = tree.dir("work/proj/src/deep");

  Env env = {{"HOME", (tree.root / "home").string()},
             {"NPM_CONFIG_PREFIX", (tree.root / "prefix").string()}};
  NpmConfigOptions o;
  o.project_dir = start;
  o.ask_npm = false;
  o.getenv = env_of(env);
  auto c = load_npm_config(o);
  REQUIRE(c.ok());
  CHECK(c->registry == "http://project.test/");
  CHECK(c->registry_for("@g/x") == "http://g.test/");
  CHECK(c->registry_for("@u/x") == "http://u.test/");
  CHECK(c->authorization_for("http://global.test/x") == "Bearer global-token");
  auto origin = [&](const NpmConfig& cfg, std::string_view key) {
    for (const auto& s : cfg.sources) {
      if (s.key == key) return s.origin;
    }
    return std::string();
  };
  CHECK(origin(*c, "registry") == project.string());
  CHECK(origin(*c, "@u:registry") == user.string());
  CHECK(origin(*c, "@g:registry") == global.string());

  env["npm_config_registry"] = "http://env.test";
  o.getenv = env_of(env);
  c = load_npm_config(o);
  REQUIRE(c.ok());
  CHECK(c->registry == "http://env.test/");
  CHECK(origin(*c, "registry") == "env");
  env["NPM_CONFIG_REGISTRY"] = "http://upper.test";
  o.getenv = env_of(env);
  CHECK(load_npm_config(o)->registry == "http://upper.test/");

  // Without a package.json or node_modules anywhere above, the starting
  // directory is the project.
  env.erase("npm_config_registry");
  env.erase("NPM_CONFIG_REGISTRY");
  o.getenv = env_of(env);
  tree.write("lonely/.npmrc", "registry=http://lonely.test/\n");
  o.project_dir = tree.dir("lonely");
  CHECK(load_npm_config(o)->registry == "http://lonely.test/");
  // node_modules marks a project too.
  tree.dir("nm/node_modules");
  tree.write("nm/.npmrc", "registry=http://nm.test/\n");
  o.project_dir = tree.dir("nm/a/b");
  CHECK(load_npm_config(o)->registry == "http://nm.test/");
}

TEST_CASE("load_npm_config: userconfig, globalconfig and errors", "[npm]") {
  TempTree tree;
  tree.write("custom/user.npmrc", "registry=http://custom-user.test/\n");
  tree.write("custom/global.npmrc", "@g:registry=http://custom-global.test/\n");
  tree.write("home/.npmrc", "registry=http://home.test/\n");
  const fs::path proj = tree.dir("proj");
  tree.write("proj/package.json", "{}");
  Env env = {{"HOME", (tree.root / "home").string()},
             {"NPM_CONFIG_USERCONFIG", (tree.root / "custom/user.npmrc").string()},
             {"NPM_CONFIG_GLOBALCONFIG", (tree.root / "custom/global.npmrc").string()}};
  NpmConfigOptions o;
  o.project_dir = proj;
  o.ask_npm = false;
  o.getenv = env_of(env);
  auto c = load_npm_config(o);
  REQUIRE(c.ok());
  CHECK(c->registry == "http://custom-user.test/");
  CHECK(c->registry_for("@g/x") == "http://custom-global.test/");

  // The project file may move the user file.
  tree.write("proj/.npmrc", "userconfig=" + (tree.root / "home/.npmrc").string() + "\n");
  env.erase("NPM_CONFIG_USERCONFIG");
  o.getenv = env_of(env);
  c = load_npm_config(o);
  REQUIRE(c.ok());
  CHECK(c->registry == "http://home.test/");

  // Nothing configured and npm not asked: empty, never a guess.
  TempTree empty;
  NpmConfigOptions none;
  none.project_dir = empty.dir("p");
  none.ask_npm = false;
  none.getenv = env_of({{"HOME", (empty.root / "nohome").string()},
                        {"NPM_CONFIG_GLOBALCONFIG", (empty.root / "none").string()}});
  auto n = load_npm_config(none);
  REQUIRE(n.ok());
  CHECK(n->registry.empty());
  CHECK(n->sources.empty());

  // A bad line names the file; an oversized file is refused.
  const fs::path bad = tree.write("proj/.npmrc", "fund=false\nregistry=::\n");
  auto b = load_npm_config(o);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().detail("file") == bad.string());
  CHECK(b.error().detail("line") == "2");
  tree.write("proj/.npmrc", std::string(5000, '#'));
  o.max_file_bytes = 4096;
  auto big = load_npm_config(o);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("load_npm_config asks npm only when nothing is configured", "[npm]") {
  bool have_npm = false;
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!have_npm) {
      const auto colon = rest.find(':');
      have_npm = ::access((std::string(rest.substr(0, colon)) + "/npm").c_str(), X_OK) == 0;
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  TempTree tree;
  tree.write("home/.npmrc", "registry=http://from-file.test/\n");
  NpmConfigOptions o;
  o.project_dir = tree.dir("p");
  o.ask_npm = true;
  o.getenv = env_of({{"HOME", (tree.root / "home").string()},
                     {"NPM_CONFIG_GLOBALCONFIG", (tree.root / "none").string()}});
  auto c = load_npm_config(o);
  REQUIRE(c.ok());
  CHECK(c->registry == "http://from-file.test/");
  REQUIRE(c->sources.size() == 1);
  CHECK(c->sources.front().origin == (tree.root / "home/.npmrc").string());

  // Nothing anywhere: npm's own answer (its built-in default), marked "npm".
  o.getenv = env_of({{"HOME", (tree.root / "nohome").string()},
                     {"NPM_CONFIG_GLOBALCONFIG", (tree.root / "none").string()}});
  auto asked = load_npm_config(o);
  REQUIRE(asked.ok());
  if (!have_npm) {
    CHECK(asked->registry.empty());
    WARN("npm is not on PATH: only the empty answer was checked");
    return;
  }
  CHECK(nd::is_http_url(asked->registry));
  CHECK(asked->registry.back() == '/');
  REQUIRE(asked->sources.size() == 1);
  CHECK(asked->sources.front().key == "registry");
  CHECK(asked->sources.front().origin == "npm");
}
