// The commands that only read the index (search, info, releases list, scan,
// matrix, solve --offline), run as processes in an empty folder: none may
// create ./callboard.db; each says there is no index there and how to make
// one, and exits 4 (ExitCode::kNotFound). A command that writes still
// creates the database.

#ifdef CALLBOARD_CLI_PATH

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "test_files.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using callboard::test::TempDir;

namespace {

const fs::path kRepo = fs::path(CALLBOARD_REPO_ROOT);

/// Runs the CLI in `dir` with no CALLBOARD_DB; returns {status, stdout}, with
/// stderr appended to stdout when `with_stderr`.
std::pair<int, std::string> cli_in(const fs::path& dir, std::vector<std::string> args, bool with_stderr = true) {
  std::vector<std::string> argv = {"/bin/sh", "-c",
                                   with_stderr ? R"(cd "$0" && exec "$@" 2>&1)" : R"(cd "$0" && exec "$@" 2>/dev/null)",
                                   dir.string(), CALLBOARD_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return callboard::test::run_command(argv, {"CALLBOARD_DB="});
}

bool empty_folder(const fs::path& dir) { return fs::directory_iterator(dir) == fs::directory_iterator(); }

const std::vector<std::vector<std::string>>& read_only_commands() {
  static const std::vector<std::vector<std::string>> commands = {
      {"search", "jenkins"},
      {"info", "@backstage/plugin-catalog-backend"},
      {"releases", "list"},
      {"scan", "@backstage/plugin-catalog-backend", "--release", "1.31"},
      {"scan", "--app", (kRepo / "examples/sample-app").string(), "--release", "1.32"},
      {"matrix", "@backstage/plugin-catalog-backend"},
      {"solve", "--app", (kRepo / "examples/sample-app").string(), "add", "@backstage/plugin-catalog-backend",
       "--offline"},
  };
  return commands;
}

}  // namespace

TEST_CASE("cli: read-only commands do not create ./callboard.db", "[registry][cli]") {
  for (const auto& command : read_only_commands()) {
    const TempDir dir;
    auto [status, out] = cli_in(dir.path, command);
    INFO(command[0] << " " << command[1] << ": " << out);
    CHECK(status == 4);  // ExitCode::kNotFound
    CHECK(out.find("there is no index at callboard.db") != std::string::npos);
    CHECK(out.find("run 'callboard index' to make one") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "callboard.db"));
    CHECK(empty_folder(dir.path));
  }
}

TEST_CASE("cli: read-only commands report the missing index as JSON", "[registry][cli]") {
  for (const auto& command : read_only_commands()) {
    const TempDir dir;
    std::vector<std::string> args = {"--json"};
    args.insert(args.end(), command.begin(), command.end());
    auto [status, out] = cli_in(dir.path, args, false);
    INFO(command[0] << " " << command[1] << ": " << out);
    CHECK(status == 4);
    const json::object error = json::parse(out).at("error").as_object();
    CHECK(error.at("code").as_string() == "not_found");
    CHECK(error.at("exit_code").as_int64() == 4);
    CHECK(std::string(error.at("message").as_string()).starts_with("there is no index at callboard.db;"));
    CHECK(empty_folder(dir.path));
  }
}

TEST_CASE("cli: --db naming a missing file is not created either", "[registry][cli]") {
  const TempDir dir;
  const fs::path db = dir.path / "sub" / "x.db";
  fs::create_directories(db.parent_path());
  auto [status, out] = cli_in(dir.path, {"search", "jenkins", "--db", "sqlite:" + db.string()});
  INFO(out);
  CHECK(status == 4);
  CHECK(out.find("there is no index at " + db.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(db));
}

TEST_CASE("cli: a command that writes still creates ./callboard.db", "[registry][cli]") {
  const TempDir dir;
  const fs::path releases = dir.path / "releases";
  fs::create_directories(releases);
  auto [status, out] = cli_in(dir.path, {"releases", "import", releases.string()});
  INFO(out);
  CHECK(status == 0);
  CHECK(fs::exists(dir.path / "callboard.db"));
  // And then the read-only ones find it.
  auto [list_status, list] = cli_in(dir.path, {"releases", "list"});
  INFO(list);
  CHECK(list_status == 0);
}

#endif  // CALLBOARD_CLI_PATH
