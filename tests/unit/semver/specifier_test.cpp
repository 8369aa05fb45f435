// parse_specifier: the dependency specifiers real package.json files use.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "callboard/semver.hpp"

namespace sv = callboard::semver;
using Kind = sv::SpecifierKind;

namespace {

sv::Specifier parse_ok(std::string_view text) {
  auto s = sv::parse_specifier(text);
  INFO("specifier: '" << text << "'");
  REQUIRE(s.ok());
  return *s;
}

}  // namespace

TEST_CASE("parse_specifier classifies each kind", "[semver][specifier]") {
  struct Row {
    const char* text;
    Kind kind;
    const char* target;  // nullptr: not checked
    const char* range;   // canonical range, nullptr: must have none (or not checked for '?')
  };
  const Row rows[] = {
      {"^1.2.3", Kind::kRange, nullptr, ">=1.2.3 <2.0.0-0"},
      {"", Kind::kRange, nullptr, "*"},
      {"*", Kind::kRange, nullptr, "*"},
      {"1.x", Kind::kRange, nullptr, ">=1.0.0 <2.0.0-0"},
      {">=1.2.3 <2 || 3.0.0", Kind::kRange, nullptr, ">=1.2.3 <2.0.0-0||3.0.0"},
      {"workspace:^", Kind::kWorkspace, "^", "?"},
      {"workspace:*", Kind::kWorkspace, "*", "*"},
      {"workspace:^1.2.3", Kind::kWorkspace, "^1.2.3", ">=1.2.3 <2.0.0-0"},
      {"backstage:^", Kind::kBackstage, "^", nullptr},
      {"npm:@scope/x@^1", Kind::kAlias, "@scope/x", ">=1.0.0 <2.0.0-0"},
      {"npm:@rjsf/core@5.13.0", Kind::kAlias, "@rjsf/core", "5.13.0"},
      {"npm:lodash@~4.17", Kind::kAlias, "lodash", ">=4.17.0 <4.18.0-0"},
      {"latest", Kind::kTag, "latest", nullptr},
      {"next", Kind::kTag, "next", nullptr},
      {"beta", Kind::kTag, "beta", nullptr},
      {"https://example.com/pkg/x-1.0.0.tgz", Kind::kUrl, "https://example.com/pkg/x-1.0.0.tgz", nullptr},
      {"http://example.com/x.tgz", Kind::kUrl, "http://example.com/x.tgz", nullptr},
      {"git+ssh://git@github.com/u/r.git#v1.0.0", Kind::kGit, nullptr, nullptr},
      {"git+https://github.com/u/r.git", Kind::kGit, nullptr, nullptr},
      {"git://github.com/u/r.git", Kind::kGit, nullptr, nullptr},
      {"git@github.com:u/r.git", Kind::kGit, nullptr, nullptr},
      {"github:u/r", Kind::kGit, nullptr, nullptr},
      {"u/r", Kind::kGit, nullptr, nullptr},
      {"u/r#ref", Kind::kGit, nullptr, nullptr},
      {"u/r#semver:^1.0.0", Kind::kGit, nullptr, nullptr},
      {"file:../x", Kind::kFile, "../x", nullptr},
      {"link:../x", Kind::kFile, "../x", nullptr},
      {"portal:../x", Kind::kFile, "../x", nullptr},
      {"./x", Kind::kFile, "./x", nullptr},
      {"../x", Kind::kFile, "../x", nullptr},
      {"/abs/x", Kind::kFile, "/abs/x", nullptr},
      {"~/x", Kind::kFile, "~/x", nullptr},
      {"patch:x@npm%3A1.0.0#./x.patch", Kind::kPatch, nullptr, nullptr},
  };
  for (const auto& row : rows) {
    INFO("specifier: '" << row.text << "'");
    const auto s = parse_ok(row.text);
    CHECK(s.raw == row.text);
    CHECK(sv::to_string(s.kind) == sv::to_string(row.kind));
    if (row.target != nullptr) CHECK(s.target == row.target);
    if (row.range == nullptr) {
      if (row.kind != Kind::kRange && row.kind != Kind::kAlias && row.kind != Kind::kWorkspace) {
        CHECK_FALSE(s.range.has_value());
      }
    } else if (std::string_view(row.range) != "?") {
      REQUIRE(s.range.has_value());
      CHECK(s.range->to_string() == row.range);
    }
  }
}

TEST_CASE("parse_specifier rejects what no tool accepts", "[semver][specifier]") {
  for (const char* bad : {"^^1", "npm:", "npm:@scope", "has space", ">=1 <2 %", "\x01"}) {
    INFO("specifier: '" << bad << "'");
    auto s = sv::parse_specifier(bad);
    CHECK_FALSE(s.ok());
    if (!s.ok()) {
      CHECK(s.error().code == callboard::ErrorCode::kInvalidArgument);
      CHECK_FALSE(s.error().message.empty());
    }
  }
  const std::string huge(sv::kMaxRangeLength + 1, '1');
  auto s = sv::parse_specifier(huge);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == callboard::ErrorCode::kResourceExhausted);
}

TEST_CASE("every specifier in the registry corpus is classified", "[semver][specifier]") {
  // Real dependency/peerDependency/engines values from the registry; each
  // must classify, and a kRange must carry exactly valid_range's answer.
  std::ifstream in(std::string(CALLBOARD_CASES_DIR) + "/semver/registry-corpus.json");
  REQUIRE(in.good());
  std::stringstream buf;
  buf << in.rdbuf();
  const auto corpus = boost::json::parse(buf.str());
  std::map<std::string, std::size_t> kinds;
  for (const auto& r : corpus.at("ranges").as_array()) {
    const std::string text(r.as_string());
    auto s = sv::parse_specifier(text);
    INFO("specifier: '" << text << "'");
    CHECK(s.ok());
    if (!s.ok()) continue;
    ++kinds[std::string(sv::to_string(s->kind))];
    if (s->kind == Kind::kRange) {
      REQUIRE(s->range.has_value());
      CHECK(std::optional<std::string>(s->range->to_string()) == sv::valid_range(text));
    } else {
      CHECK_FALSE(sv::valid_range(text).has_value());
    }
  }
  CHECK(kinds["range"] > 1000);
}
