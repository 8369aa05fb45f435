// The content-addressed cache: verify-before-store, verify-on-read,
// concurrent writers in separate processes, size accounting and pruning.

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::read_text;
using callboard::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("the cache stores verified bytes under their hash and reads them back", "[artifact][cache]") {
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path / "cache");
  REQUIRE(cache.ok());
  const std::string bytes = "tarball bytes";
  const Integrity sri = compute_integrity(bytes);

  auto miss = cache->read(sri);
  REQUIRE(miss.ok());
  CHECK_FALSE(miss->has_value());

  auto path = cache->write(sri, bytes);
  REQUIRE(path.ok());
  CHECK(*path == cache->path_for(sri));
  CHECK(path->string().find("/content/sha512/") != std::string::npos);
  auto hit = cache->read(sri);
  REQUIRE(hit.ok());
  REQUIRE(hit->has_value());
  CHECK(**hit == bytes);
  CHECK(cache->stats()->entries == 1);
  CHECK(cache->stats()->bytes == bytes.size());
  // No temporary file is left behind.
  CHECK(fs::is_empty(tmp.path / "cache" / "tmp"));
}

TEST_CASE("the cache refuses bytes that do not match and drops corrupt entries", "[artifact][cache]") {
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path);
  REQUIRE(cache.ok());
  const Integrity sri = compute_integrity("the real thing");
  auto bad = cache->write(sri, "an impostor");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kDataLoss);
  CHECK(cache->stats()->entries == 0);
  CHECK(fs::is_empty(tmp.path / "tmp"));

  REQUIRE(cache->write(sri, "the real thing").ok());
  // Someone edits the entry on disk (another tenant, a disk error).
  { std::ofstream(cache->path_for(sri), std::ios::binary) << "the fake thing"; }
  auto read = cache->read(sri);
  REQUIRE(read.ok());
  CHECK_FALSE(read->has_value());
  CHECK_FALSE(fs::exists(cache->path_for(sri)));
}

TEST_CASE("an old package's sha1 integrity gets its own entry", "[artifact][cache]") {
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path);
  REQUIRE(cache.ok());
  const Integrity sha1 = compute_integrity("old", HashAlgorithm::kSha1);
  auto path = cache->write(sha1, "old");
  REQUIRE(path.ok());
  CHECK(path->parent_path().parent_path().filename() == "sha1");
  CHECK(path->filename().string().size() == 40);
  CHECK(cache->read(sha1)->value() == "old");
}

TEST_CASE("processes writing one cache at once never see partial entries", "[artifact][cache]") {
  TempDir tmp;
  const fs::path root = tmp.path / "shared";
  REQUIRE(ArtifactCache::open(root).ok());
  // 8 processes x 25 rounds: all write the same 2 MiB entry and one of
  // their own, and read the shared one back after every write.
  const std::string shared(2u << 20, 's');
  const Integrity shared_sri = compute_integrity(shared);
  std::vector<pid_t> children;
  for (int p = 0; p < 8; ++p) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int failures = 0;
      auto cache = ArtifactCache::open(root);
      if (!cache) ::_exit(2);
      const std::string own = "process " + std::to_string(p) + std::string(100000, static_cast<char>('a' + p));
      for (int round = 0; round < 25; ++round) {
        failures += cache->write(shared_sri, shared).ok() ? 0 : 1;
        failures += cache->write(compute_integrity(own), own).ok() ? 0 : 1;
        auto back = cache->read(shared_sri);
        failures += back.ok() && back->has_value() && **back == shared ? 0 : 1;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto cache = ArtifactCache::open(root);
  REQUIRE(cache.ok());
  auto stats = cache->stats();
  REQUIRE(stats.ok());
  CHECK(stats->entries == 9);
  CHECK(fs::is_empty(root / "tmp"));
  CHECK(cache->read(shared_sri)->value() == shared);
}

TEST_CASE("prune removes least recently used entries down to a size", "[artifact][cache]") {
  TempDir tmp;
  auto cache = ArtifactCache::open(tmp.path);
  REQUIRE(cache.ok());
  std::vector<Integrity> sris;
  for (int i = 0; i < 4; ++i) {
    const std::string bytes(1000, static_cast<char>('a' + i));
    sris.push_back(compute_integrity(bytes));
    auto path = cache->write(sris.back(), bytes);
    REQUIRE(path.ok());
    // Oldest first: entry 0 an hour ago, entry 3 now.
    fs::last_write_time(*path, fs::file_time_type::clock::now() - std::chrono::minutes(60 - 15 * i));
  }
  // Reading entry 0 makes it the most recently used.
  REQUIRE(cache->read(sris[0])->has_value());
  auto left = cache->prune(2500);
  REQUIRE(left.ok());
  CHECK(left->entries == 2);
  CHECK(left->bytes == 2000);
  CHECK(cache->read(sris[0])->has_value());
  CHECK_FALSE(cache->read(sris[1])->has_value());
  CHECK_FALSE(cache->read(sris[2])->has_value());
  CHECK(cache->read(sris[3])->has_value());
  CHECK(cache->stats().value() == *left);
}
