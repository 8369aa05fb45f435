// Safe extraction: every hostile fixture of make_hostile.py is refused with
// its reason and leaves nothing behind; the benign one and real tarballs
// extract as npm would lay them out.

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <stop_token>
#include <string>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::artifact_fixtures;
using callboard::test::read_text;
using callboard::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> expected_refusals() {
  std::map<std::string, std::string> out;
  std::istringstream in(read_text(artifact_fixtures() / "hostile" / "EXPECTED.tsv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

std::size_t count_files(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

}  // namespace

TEST_CASE("every hostile fixture is refused, naming the entry and the reason", "[artifact][extract]") {
  const auto expected = expected_refusals();
  REQUIRE(expected.size() == 13);
  for (const auto& [file, reason] : expected) {
    INFO(file << " should be refused for: " << reason);
    const std::string bytes = read_text(artifact_fixtures() / "hostile" / file);

    auto scanned = scan_tarball(bytes);
    REQUIRE_FALSE(scanned.ok());
    CHECK(scanned.error().message.find(reason) != std::string::npos);
    CHECK((scanned.error().code == ErrorCode::kInvalidArgument ||
           scanned.error().code == ErrorCode::kResourceExhausted));
    if (file != "decompression-bomb.tgz") {
      // An entry is named, in the message and in the context.
      CHECK(scanned.error().message.rfind("entry '", 0) == 0);
      CHECK_FALSE(scanned.error().detail("entry").empty());
    }

    TempDir tmp;
    const fs::path dest = tmp.path / "out";
    auto extracted = extract_tarball(bytes, dest);
    REQUIRE_FALSE(extracted.ok());
    CHECK(extracted.error().message == scanned.error().message);
    // Nothing is left behind, and nothing was written next to the target.
    CHECK_FALSE(fs::exists(dest));
    CHECK(count_files(tmp.path) == 0);
  }
  CHECK_FALSE(fs::exists("/tmp/callboard-evil.txt"));
}

TEST_CASE("the decompression bomb is stopped by the ratio, early", "[artifact][extract]") {
  const std::string bytes = read_text(artifact_fixtures() / "hostile" / "decompression-bomb.tgz");
  auto r = scan_tarball(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kResourceExhausted);
  CHECK(r.error().detail("limit") == "200");
  // Without the ratio bound, the total size bound stops it instead.
  ExtractLimits loose;
  loose.max_compression_ratio = 1u << 30;
  loose.max_total_bytes = 16u << 20;
  auto r2 = scan_tarball(bytes, loose);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().message.find("unpacks to more than 16777216 bytes") != std::string::npos);
  CHECK(r2.error().detail("entry") == "package/zeros.bin");
  // And the per-file bound.
  ExtractLimits small_files;
  small_files.max_file_bytes = 1u << 20;
  CHECK(scan_tarball(bytes, small_files).error().message.find("the file is 67108864 bytes") != std::string::npos);
}

TEST_CASE("the benign fixture extracts with links inside, safe modes, root files dropped", "[artifact][extract]") {
  const std::string bytes = read_text(artifact_fixtures() / "hostile" / "benign.tgz");
  TempDir tmp;
  const fs::path dest = tmp.path / "pkg";
  auto r = extract_tarball(bytes, dest);
  REQUIRE(r.ok());
  CHECK(r->entries.size() == 6);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0] == "README.md: at the archive root");
  CHECK_FALSE(fs::exists(dest / "README.md"));
  CHECK(read_text(dest / "package.json").find("hostile-fixture") != std::string::npos);
  CHECK(fs::is_symlink(dest / "dist" / "main.js"));
  CHECK(fs::read_symlink(dest / "dist" / "main.js") == "index.cjs.js");
  CHECK(read_text(dest / "dist" / "copy.js") == read_text(dest / "dist" / "index.cjs.js"));
  CHECK(fs::hard_link_count(dest / "dist" / "index.cjs.js") == 2);
  struct stat st {};
  REQUIRE(::stat((dest / "bin" / "cli.js").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);  // setuid dropped, execute kept
  REQUIRE(::stat((dest / "package.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);

  // Links can be refused altogether.
  ExtractLimits no_links;
  no_links.allow_symlinks = false;
  CHECK(scan_tarball(bytes, no_links).error().detail("entry") == "package/dist/main.js");
  ExtractLimits no_hardlinks;
  no_hardlinks.allow_hardlinks = false;
  CHECK(scan_tarball(bytes, no_hardlinks).error().detail("entry") == "package/dist/copy.js");
}

TEST_CASE("extract_tarball refuses a non-empty target and keeps it intact", "[artifact][extract]") {
  const std::string bytes = read_text(artifact_fixtures() / "hostile" / "benign.tgz");
  TempDir tmp;
  { std::ofstream(tmp.path / "keep.txt") << "mine"; }
  auto r = extract_tarball(bytes, tmp.path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kAlreadyExists);
  CHECK(read_text(tmp.path / "keep.txt") == "mine");

  // An existing empty folder is fine, and is emptied again on failure.
  fs::create_directory(tmp.path / "empty");
  CHECK(extract_tarball(bytes, tmp.path / "empty").ok());
  fs::create_directory(tmp.path / "empty2");
  auto bad = extract_tarball(read_text(artifact_fixtures() / "hostile" / "symlink-chain.tgz"), tmp.path / "empty2");
  REQUIRE_FALSE(bad.ok());
  CHECK(fs::exists(tmp.path / "empty2"));
  CHECK(fs::is_empty(tmp.path / "empty2"));
}

TEST_CASE("real tarballs scan and extract like npm lays them out", "[artifact][extract]") {
  const std::map<std::string, std::size_t> files = {
      {"backstage-plugin-proxy-backend-0.6.20.tgz", 11},
      {"backstage-plugin-proxy-backend-0.2.41.tgz", 10},
      {"backstage-community-plugin-jenkins-backend-0.29.0.tgz", 25},
      {"janus-idp-backstage-plugin-keycloak-backend-1.9.14.tgz", 26},
  };
  for (const auto& [file, count] : files) {
    INFO(file);
    const std::string bytes = read_text(artifact_fixtures() / "real" / file);
    TempDir tmp;
    auto r = extract_tarball(bytes, tmp.path / "pkg");
    REQUIRE(r.ok());
    std::size_t regular = 0;
    for (const auto& e : r->entries) regular += e.kind == EntryKind::kFile ? 1 : 0;
    CHECK(regular == count);  // `npm pack`'s "total files"
    CHECK(r->skipped.empty());
    CHECK(fs::exists(tmp.path / "pkg" / "package.json"));
    CHECK(r->archive_bytes == bytes.size());
    CHECK(r->unpacked_bytes > bytes.size());
  }
}

TEST_CASE("limits on entries, paths and depth name what was exceeded", "[artifact][extract]") {
  const std::string jenkins =
      read_text(artifact_fixtures() / "real" / "backstage-community-plugin-jenkins-backend-0.29.0.tgz");
  ExtractLimits few;
  few.max_entries = 5;
  auto r = scan_tarball(jenkins, few);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kResourceExhausted);
  CHECK(r.error().detail("limit") == "5");

  ExtractLimits shallow;
  shallow.max_depth = 2;
  auto d = scan_tarball(jenkins, shallow);
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().detail("entry").find("dist/actions/") != std::string::npos);

  ExtractLimits short_paths;
  short_paths.max_path_bytes = 20;
  CHECK(scan_tarball(jenkins, short_paths).error().message.find("bytes long") != std::string::npos);

  ExtractLimits tiny_archive;
  tiny_archive.max_archive_bytes = 1000;
  CHECK(scan_tarball(jenkins, tiny_archive).error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("garbage, truncation and cancellation are errors, never crashes", "[artifact][extract]") {
  CHECK(scan_tarball("").error().code == ErrorCode::kInvalidArgument);
  CHECK(scan_tarball("this is not a tarball at all, just some text").error().code == ErrorCode::kInvalidArgument);
  const std::string jenkins =
      read_text(artifact_fixtures() / "real" / "backstage-community-plugin-jenkins-backend-0.29.0.tgz");
  for (const std::size_t cut : {std::size_t{10}, std::size_t{100}, jenkins.size() / 2, jenkins.size() - 10}) {
    INFO(cut);
    auto r = scan_tarball(jenkins.substr(0, cut), {}, [](const TarEntry&) { return true; },
                          [](const TarEntry&, std::string) {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
  std::stop_source stop;
  stop.request_stop();
  CHECK(scan_tarball(jenkins, {}, {}, {}, stop.get_token()).error().code == ErrorCode::kCancelled);
}
