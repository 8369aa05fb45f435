// The Session facade without a network: storage opened as each operation
// allows, errors a front end can render, and calls from several threads at
// once on one Session.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "callboard/codec.hpp"
#include "callboard/session.hpp"
#include "test_files.hpp"

namespace fs = std::filesystem;
using namespace callboard;
using callboard::test::TempDir;

namespace {

SessionOptions offline_options(std::string storage) {
  SessionOptions o;
  o.storage = std::move(storage);
  o.npm = NpmConfig{};  // no registry: nothing may reach the network
  o.artifact_cache = fs::path();
  return o;
}

}  // namespace

TEST_CASE("session: read-only calls never create the storage, a write does", "[session]") {
  const TempDir dir;
  const fs::path file = dir.path / "index.db";
  auto session = Session::open(offline_options("sqlite:" + file.string()));
  REQUIRE(session.ok());
  auto page = session->search({});
  REQUIRE_FALSE(page.ok());
  CHECK(page.error().code == ErrorCode::kNotFound);
  CHECK(page.error().message.starts_with("there is no index at "));
  CHECK_FALSE(session->releases().ok());
  CHECK_FALSE(session->info(InfoRequest{"@backstage/plugin-catalog"}).ok());
  CHECK_FALSE(fs::exists(file));

  auto imported = session->import_releases(ReleaseImportRequest{std::string(CALLBOARD_DATA_DIR) + "/releases"});
  REQUIRE(imported.ok());
  CHECK(imported->imported > 40);
  CHECK(fs::exists(file));
  auto list = session->releases();
  REQUIRE(list.ok());
  CHECK(list->versions.size() == imported->imported);
  CHECK(list->versions.front() == "1.0.0");
}

TEST_CASE("session: errors of a call carry what a front end renders", "[session]") {
  auto session = Session::open(offline_options("memory:"));
  REQUIRE(session.ok());
  auto info = session->info(InfoRequest{"@x/nothing"});
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().code == ErrorCode::kNotFound);
  CHECK(info.error().detail("name") == "@x/nothing");
  CHECK(codec::encode(info.error()).find(R"("exit_code":4)") != std::string::npos);

  // No registry configured: a download says so, and nothing is fetched.
  auto verified = session->verify(VerifyRequest{"@backstage/plugin-todo", "", {}, VerifyStore::kNever});
  REQUIRE_FALSE(verified.ok());
  CHECK(verified.error().code == ErrorCode::kFailedPrecondition);
  auto log = session->changelog(ChangelogRequest{"@backstage/plugin-todo", "1.0", "2.0.0", false});
  REQUIRE_FALSE(log.ok());
  CHECK(log.error().code == ErrorCode::kInvalidArgument);
  auto bad = Session::open([] {
    SessionOptions o;
    o.max_concurrency = 0;
    return o;
  }());
  CHECK_FALSE(bad.ok());
  auto empty = session->solve(SolveCommand{});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("session: one Session serves calls from several threads", "[session]") {
  const TempDir dir;
  auto session = Session::open(offline_options("sqlite:" + (dir.path / "c.db").string()));
  REQUIRE(session.ok());
  REQUIRE(session->import_releases(ReleaseImportRequest{std::string(CALLBOARD_DATA_DIR) + "/releases"}).ok());
  const std::string expected = codec::encode(*session->releases());
  backend::SearchQuery query;
  query.text = "catalog";
  const std::string expected_search = codec::encode(*session->search(query), 0);

  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      for (int i = 0; i < 25; ++i) {
        auto list = t % 2 == 0 ? session->releases() : Result<ReleaseList>(ReleaseList{});
        if (t % 2 == 0) {
          out = list ? codec::encode(*list) : codec::encode(list.error());
        } else {
          auto page = session->search(query);
          out = page ? codec::encode(*page, 0) : codec::encode(page.error());
        }
      }
      seen[t] = out;
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < seen.size(); ++t) CHECK(seen[t] == (t % 2 == 0 ? expected : expected_search));
}
