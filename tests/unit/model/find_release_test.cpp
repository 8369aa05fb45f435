// backstage::find_release: the one rule for which release a user's text
// names (scan --release, solve --release, the matrix, the Session).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "callboard/backstage.hpp"

using callboard::backstage::find_release;

namespace {

const std::vector<std::string> kReleases = {"1.29.0", "1.30.0", "1.30.5", "1.31.0-next.1", "1.31.0",
                                            "1.31.3", "1.32.0-next.0", "1.48.0", "2.0.0-next.0"};

std::string named(std::string_view wanted) {
  const auto i = find_release(kReleases, wanted);
  return i ? kReleases[*i] : "(none)";
}

}  // namespace

TEST_CASE("find_release: exact versions, prereleases included", "[model][backstage]") {
  CHECK(named("1.30.0") == "1.30.0");
  CHECK(named("1.31.0-next.1") == "1.31.0-next.1");
  CHECK(named("v1.31.3") == "1.31.3");
  CHECK(named("1.31.3+build.7") == "1.31.3");
  CHECK(named("1.31.1") == "(none)");  // a version is never widened to a range
}

TEST_CASE("find_release: a major.minor line is its newest stable patch", "[model][backstage]") {
  CHECK(named("1.31") == "1.31.3");
  CHECK(named("1.31.x") == "1.31.3");
  CHECK(named("1.31.*") == "1.31.3");
  CHECK(named("v1.30") == "1.30.5");
  CHECK(named("1.32") == "(none)");  // only a prerelease of 1.32
  CHECK(named("1.33") == "(none)");
}

TEST_CASE("find_release: any other range is the newest release it admits", "[model][backstage]") {
  CHECK(named("1.x") == "1.48.0");
  CHECK(named("^1.30.0") == "1.48.0");
  CHECK(named(">=1.29 <1.31") == "1.30.5");
  CHECK(named("~1.30.1") == "1.30.5");
  CHECK(named(">=1.32.0-next.0 <1.33.0") == "1.32.0-next.0");  // the range names that prerelease
  CHECK(named("2.x") == "(none)");
  CHECK(named("not a version") == "(none)");
  CHECK(named("") == "(none)");
  CHECK(find_release({}, "1.x") == std::nullopt);
}
