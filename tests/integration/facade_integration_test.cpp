// One scenario through two front ends: the `callboard` command line with
// --json, and the library's Session facade plus its codecs, on the same
// fixture registry (Verdaccio, tests/registry/) and the same database. Every
// document must be byte-identical: the CLI only parses, calls the facade
// and prints the codec's bytes.
//
// The index run is compared too, except `elapsedMs` (wall time). The rest
// of the scenario reads the database the CLI's index wrote, so the scores
// (which depend on the day they are computed) are the same data for both.

#ifdef CALLBOARD_CLI_PATH

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "callboard/codec.hpp"
#include "callboard/session.hpp"
#include "child_process.hpp"
#include "local_registry.hpp"

namespace fs = std::filesystem;
using namespace callboard;
using callboard::test::ChildProcess;
using callboard::test::LocalRegistry;
using callboard::test::TempDir;

namespace {

constexpr const char* kBackend = "@backstage/plugin-todo-backend";
constexpr const char* kFrontend = "@backstage/plugin-todo";

struct Scenario {
  const LocalRegistry& reg = LocalRegistry::get();
  TempDir tmp;
  std::string db = "sqlite:" + (tmp.path / "c.db").string();
  std::vector<std::string> env;

  Scenario() {
    reg.clear();
    std::ofstream(tmp.path / "npmrc") << "";
    env = {"NPM_CONFIG_REGISTRY=" + reg.proxy, "NPM_CONFIG_USERCONFIG=" + (tmp.path / "npmrc").string(),
           "CALLBOARD_DB=", "CALLBOARD_CACHE_DIR=" + (tmp.path / "cache").string()};
  }

  /// `callboard --json <args>`: {exit status, stdout}.
  std::pair<int, std::string> cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {CALLBOARD_CLI_PATH, "--json"});
    ChildProcess child(args, env);
    std::string out = child.read_all();
    return {child.wait(), std::move(out)};
  }

  /// The same configuration as the CLI gets from its environment.
  SessionOptions options(const std::string& storage) const {
    SessionOptions o;
    o.storage = storage;
    const std::string registry = reg.proxy;
    const std::string userconfig = (tmp.path / "npmrc").string();
    o.npm_options.getenv = [registry, userconfig](std::string_view name) -> std::optional<std::string> {
      if (name == "NPM_CONFIG_REGISTRY") return registry;
      if (name == "NPM_CONFIG_USERCONFIG") return userconfig;
      return std::nullopt;
    };
    o.npm_options.ask_npm = false;
    o.artifact_cache = fs::path();  // as --no-cache
    return o;
  }
};

template <typename T>
std::string document(const Result<T>& r) {
  return r ? codec::encode(*r) + "\n" : codec::encode(r.error()) + "\n";
}

std::string document(const Result<backend::SearchPage>& r, std::size_t offset) {
  return r ? codec::encode(*r, offset) + "\n" : codec::encode(r.error()) + "\n";
}

std::string without_elapsed(const std::string& doc) {
  return std::regex_replace(doc, std::regex(R"("elapsedMs":[0-9]+)"), R"("elapsedMs":0)");
}

}  // namespace

TEST_CASE("the CLI's --json and the facade's codecs give the same bytes", "[integration][session][cli]") {
  Scenario s;
  // Index: the CLI into c.db, the facade into its own database.
  const std::vector<std::string> index_args = {"index", "--no-seed", "--no-follow", "--quiet", "--package", kBackend,
                                               "--package", kFrontend};
  std::vector<std::string> cli_index = index_args;
  cli_index.insert(cli_index.end(), {"--db", s.db});
  const auto [index_status, index_cli] = s.cli(cli_index);
  REQUIRE(index_status == 0);
  {
    auto session = Session::open(s.options("sqlite:" + (s.tmp.path / "facade.db").string()));
    REQUIRE(session.ok());
    IndexOptions request;
    request.seed_ecosystem = false;
    request.follow_links = false;
    request.packages = {kBackend, kFrontend};
    CHECK(without_elapsed(document(session->index(request))) == without_elapsed(index_cli));
  }
  const auto [import_status, import_cli] =
      s.cli({"releases", "import", std::string(CALLBOARD_REPO_ROOT) + "/data/releases", "--db", s.db});
  REQUIRE(import_status == 0);

  auto session = Session::open(s.options(s.db));
  REQUIRE(session.ok());

  // Search, with and without text and facets.
  {
    backend::SearchQuery q;
    q.text = "todo";
    CHECK(document(session->search(q), q.offset) == s.cli({"search", "todo", "--db", s.db}).second);
    backend::SearchQuery facets;
    facets.roles = {PackageRole::kBackendPlugin};
    facets.limit = 5;
    CHECK(document(session->search(facets), facets.offset) ==
          s.cli({"search", "--role", "backend-plugin", "--limit", "5", "--db", s.db}).second);
  }
  // Info, found and not found (the error document too).
  CHECK(document(session->info(InfoRequest{kBackend})) == s.cli({"info", kBackend, "--db", s.db}).second);
  {
    const auto [status, out] = s.cli({"info", "@backstage/no-such-plugin", "--db", s.db});
    CHECK(status == 4);
    CHECK(document(session->info(InfoRequest{"@backstage/no-such-plugin"})) == out);
  }
  CHECK(document(session->releases()) == s.cli({"releases", "list", "--db", s.db}).second);

  // Scan: a version on a release, the newest compatible one, the matrix, an
  // app's upgrade, and a package.json given as a path.
  {
    const std::string app = std::string(CALLBOARD_REPO_ROOT) + "/examples/sample-app";
    ScanRequest scan;
    scan.package = kBackend;
    scan.release = "1.31";
    CHECK(document(session->scan(scan)) == s.cli({"scan", kBackend, "--release", "1.31", "--db", s.db}).second);
    NewestRequest newest;
    newest.package = std::string(kBackend) + "@^1.0.0";
    newest.release = "1.31.0";
    newest.minimum = compat::Tier::kAligned;
    CHECK(document(session->newest(newest)) ==
          s.cli({"scan", newest.package, "--release", "1.31.0", "--newest", "--tier", "aligned", "--db", s.db})
              .second);
    CHECK(document(session->matrix(MatrixRequest{kBackend, {}})) == s.cli({"matrix", kBackend, "--db", s.db}).second);
    CHECK(document(session->upgrade(UpgradeRequest{app, "1.32.0", {}})) ==
          s.cli({"scan", "--app", app, "--release", "1.32.0", "--db", s.db}).second);
    ScanRequest file;
    file.package = app + "/packages/backend/package.json";
    file.app = app;
    CHECK(document(session->scan(file)) == s.cli({"scan", file.package, "--app", app, "--db", s.db}).second);
    ScanRequest unknown;
    unknown.package = "@backstage/plugin-nothing-here";
    const auto [status, out] = s.cli({"scan", unknown.package, "--db", s.db});
    CHECK(status == 4);
    CHECK(document(session->scan(unknown)) == out);
  }

  // Solve an install for the sample app from what the index holds (the
  // fixture registry serves only the todo plugin's packages; the rest of the
  // app is taken as installable), then check it: there is no plan yet.
  {
    const std::string app = std::string(CALLBOARD_REPO_ROOT) + "/examples/sample-app";
    SolveCommand command;
    command.app = app;
    command.offline = true;
    command.options.unknown_packages = solver::UnknownPackages::kAssumeExternal;
    command.changes.push_back({solver::ChangeKind::kAdd, kBackend, "", ""});
    const auto [status, out] =
        s.cli({"solve", "--app", app, "add", kBackend, "--offline", "--assume-external", "--db", s.db});
    CHECK((status == 0 || status == 6));
    CHECK(document(session->solve(command)) == out);
    const auto [check_status, check_out] =
        s.cli({"check", "--app", app, "--plan", (s.tmp.path / "no-plan.json").string()});
    CHECK(check_status == 4);
    CHECK(document(session->check(CheckRequest{app, s.tmp.path / "no-plan.json"})) == check_out);
  }

  // Verify a tarball: both store into the same database (the second write
  // replaces the first with the same record), neither uses a cache.
  {
    VerifyRequest v;
    v.package = kBackend;
    v.version = "1.0.0";
    v.store = VerifyStore::kAlways;
    const auto [status, out] = s.cli({"verify", std::string(kBackend) + "@1.0.0", "--no-cache", "--db", s.db});
    CHECK(status == 0);
    CHECK(document(session->verify(v)) == out);
  }
  // An unknown version: the same error document.
  {
    VerifyRequest v;
    v.package = kBackend;
    v.version = "9.9.9";
    v.store = VerifyStore::kNever;
    const auto [status, out] = s.cli({"verify", std::string(kBackend) + "@9.9.9", "--no-cache", "--no-store"});
    CHECK(status == 4);
    CHECK(document(session->verify(v)) == out);
  }
}

#endif
