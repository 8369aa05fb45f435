// Subresource Integrity: parsing as ssri does, npm's shasum fallback,
// streaming verification, and the registry's own values for real tarballs.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "artifact_test_support.hpp"
#include "callboard/artifact.hpp"

using namespace callboard;
using callboard::test::artifact_fixtures;
using callboard::test::read_text;

namespace {

// Digests of "hello\n" from `openssl dgst -sha1|-sha512 -binary | base64`.
constexpr const char* kHelloSha1Hex = "f572d396fae9206628714fb2ce00f72e94f2258f";
constexpr const char* kHelloSha1 = "sha1-9XLTlvrpIGYocU+yzgD3LpTyJY8=";
constexpr const char* kHelloSha512 =
    "sha512-58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ==";

struct RealTarball {
  std::string file, name, version, integrity, shasum;
};

std::vector<RealTarball> real_tarballs() {
  std::vector<RealTarball> out;
  std::istringstream in(read_text(artifact_fixtures() / "real" / "integrity.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    RealTarball t;
    std::getline(fields, t.file, '\t');
    std::getline(fields, t.name, '\t');
    std::getline(fields, t.version, '\t');
    std::getline(fields, t.integrity, '\t');
    std::getline(fields, t.shasum, '\t');
    out.push_back(t);
  }
  return out;
}

}  // namespace

TEST_CASE("parse_integrity reads one sha512 token", "[artifact][integrity]") {
  auto sri = parse_integrity(kHelloSha512);
  REQUIRE(sri.ok());
  REQUIRE(sri->hashes.size() == 1);
  CHECK(sri->hashes[0].algorithm == HashAlgorithm::kSha512);
  CHECK(sri->to_string() == kHelloSha512);
  CHECK(verify_integrity("hello\n", *sri).ok());
}

TEST_CASE("parse_integrity: the strongest algorithm decides, as in ssri", "[artifact][integrity]") {
  // A wrong sha1 next to a right sha512: only sha512 is checked.
  const std::string wrong_sha1 = "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  auto sri = parse_integrity(wrong_sha1 + "  " + kHelloSha512 + "?opt\n");
  REQUIRE(sri.ok());
  CHECK(sri->algorithm() == HashAlgorithm::kSha512);
  CHECK(sri->strongest().size() == 1);
  CHECK(verify_integrity("hello\n", *sri).ok());
  CHECK(sri->hashes[1].options == "opt");

  // A right sha1 next to a wrong sha512: refused (no downgrade to sha1).
  const auto wrong512 = compute_integrity("other", HashAlgorithm::kSha512).to_string();
  auto mixed = parse_integrity(std::string(kHelloSha1) + " " + wrong512);
  REQUIRE(mixed.ok());
  auto verdict = verify_integrity("hello\n", *mixed);
  REQUIRE_FALSE(verdict.ok());
  CHECK(verdict.error().code == ErrorCode::kDataLoss);

  // Two sha512 hashes: either may match.
  auto two = parse_integrity(wrong512 + " " + kHelloSha512);
  REQUIRE(two.ok());
  CHECK(two->strongest().size() == 2);
  CHECK(verify_integrity("hello\n", *two).ok());
}

TEST_CASE("parse_integrity skips unknown algorithms and refuses malformed known ones", "[artifact][integrity]") {
  auto sri = parse_integrity(std::string("md5-XUFAKrxLKna5cZ2REBfFkg== ") + kHelloSha1);
  REQUIRE(sri.ok());
  CHECK(sri->algorithm() == HashAlgorithm::kSha1);

  for (const char* bad : {"", "   ", "md5-XUFAKrxLKna5cZ2REBfFkg==", "sha512", "nonsense"}) {
    auto r = parse_integrity(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
  }
  // Known algorithm, digest of the wrong length or not base64.
  for (const char* bad : {"sha512-AAAA", "sha256-!!!!", "sha1-9XLTlvrpIGYocU+yzgD3LpTyJY8=AA"}) {
    auto r = parse_integrity(std::string(bad) + " " + kHelloSha1);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("base64") != std::string::npos);
  }
  auto huge = parse_integrity(std::string(70000, 'a'));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("integrity_from_shasum and expected_integrity follow npm", "[artifact][integrity]") {
  auto sha1 = integrity_from_shasum(kHelloSha1Hex);
  REQUIRE(sha1.ok());
  CHECK(sha1->to_string() == kHelloSha1);
  CHECK(integrity_from_shasum(std::string(kHelloSha1Hex).substr(1)).error().code == ErrorCode::kInvalidArgument);
  CHECK_FALSE(integrity_from_shasum("zz72d396fae9206628714fb2ce00f72e94f2258f").ok());

  Manifest m;
  m.name = "x";
  m.version = "1.0.0";
  auto none = expected_integrity(m);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kFailedPrecondition);
  CHECK(none.error().detail("package") == "x");

  m.dist.shasum = kHelloSha1Hex;
  CHECK(expected_integrity(m)->algorithm() == HashAlgorithm::kSha1);
  // integrity wins over shasum, even when the shasum disagrees.
  m.dist.shasum = "0000000000000000000000000000000000000000";
  m.dist.integrity = kHelloSha512;
  CHECK(expected_integrity(m)->algorithm() == HashAlgorithm::kSha512);
}

TEST_CASE("IntegrityVerifier checks chunk by chunk and names both hashes on mismatch", "[artifact][integrity]") {
  const std::string data(1 << 20, 'x');
  for (const auto algorithm :
       {HashAlgorithm::kSha1, HashAlgorithm::kSha256, HashAlgorithm::kSha384, HashAlgorithm::kSha512}) {
    const Integrity expected = compute_integrity(data, algorithm);
    IntegrityVerifier v(expected);
    for (std::size_t i = 0; i < data.size(); i += 4093) v.update(std::string_view(data).substr(i, 4093));
    CHECK(v.size() == data.size());
    auto ok = v.finish();
    REQUIRE(ok.ok());
    CHECK(ok->algorithm == algorithm);
    CHECK_FALSE(v.finish().ok());  // only once
  }
  IntegrityVerifier bad(compute_integrity("expected"));
  bad.update("actual");
  auto r = bad.finish();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kDataLoss);
  CHECK(r.error().detail("expected") == compute_integrity("expected").to_string());
  CHECK(r.error().detail("actual") == compute_integrity("actual").to_string());
  CHECK(r.error().detail("bytes") == "6");
}

TEST_CASE("real tarballs match the registry's integrity and shasum", "[artifact][integrity]") {
  const auto tarballs = real_tarballs();
  REQUIRE(tarballs.size() == 4);
  for (const auto& t : tarballs) {
    INFO(t.file);
    const std::string bytes = read_text(artifact_fixtures() / "real" / t.file);
    auto sri = parse_integrity(t.integrity);
    REQUIRE(sri.ok());
    CHECK(verify_integrity(bytes, *sri).ok());
    CHECK(verify_integrity(bytes, *integrity_from_shasum(t.shasum)).ok());
    CHECK(compute_integrity(bytes).to_string() == t.integrity);
    // One flipped byte anywhere is caught.
    std::string tampered = bytes;
    tampered[tampered.size() / 2] = static_cast<char>(tampered[tampered.size() / 2] ^ 1);
    CHECK(verify_integrity(tampered, *sri).error().code == ErrorCode::kDataLoss);
  }
}
