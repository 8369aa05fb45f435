// The product API's JSON codecs: requests round-trip, decoders are strict
// and say where, results have the documented shape.

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "callboard/codec.hpp"

using namespace callboard;

namespace {

template <typename T, typename Decode>
void round_trip(const T& request, Decode decode) {
  const std::string text = codec::encode(request);
  auto back = decode(text, codec::kMaxRequestBytes);
  INFO(text);
  REQUIRE(back.ok());
  CHECK(*back == request);
  CHECK(codec::encode(*back) == text);  // canonical
}

}  // namespace

TEST_CASE("codec: requests round-trip", "[codec]") {
  IndexOptions index;
  index.seed_ecosystem = false;
  index.follow_links = false;
  index.packages = {"@backstage/plugin-todo", "@roadiehq/backstage-plugin-argo-cd"};
  index.local_sources = {"/tmp/a", "b.tgz"};
  index.data_dir = "/data";
  index.max_packages = 12;
  index.now = *parse_timestamp("2026-12-04T10:00:00.000Z");
  round_trip(index, codec::decode_index_request);
  round_trip(IndexOptions{}, codec::decode_index_request);

  backend::SearchQuery q;
  q.text = "kubernetes \"quoted\" \xc3\xa9";
  q.roles = {PackageRole::kBackendPlugin, PackageRole::kFrontendPlugin};
  q.categories = {"Infrastructure"};
  q.backend_system = PluginSystem::kNew;
  q.supports_release = "1.31";
  q.include_deprecated = false;
  q.offset = 40;
  q.limit = 7;
  round_trip(q, codec::decode_search_request);
  round_trip(backend::SearchQuery{}, codec::decode_search_request);

  round_trip(InfoRequest{"@backstage/plugin-catalog"}, codec::decode_info_request);
  round_trip(ReleaseImportRequest{"https://example.invalid/v1/releases/1.31.0/manifest.json"},
             codec::decode_release_import_request);
  round_trip(VerifyRequest{"@backstage/plugin-todo", "latest", "/tmp/keep", VerifyStore::kNever},
             codec::decode_verify_request);
  round_trip(ChangelogRequest{"@backstage/core-plugin-api", "1.9.0", "1.10.0", true},
             codec::decode_changelog_request);
}

TEST_CASE("codec: absent members keep the defaults", "[codec]") {
  auto q = codec::decode_search_request("{}");
  REQUIRE(q.ok());
  CHECK(codec::encode(*q) == codec::encode(backend::SearchQuery{}));
  auto v = codec::decode_verify_request(R"({"package":"x"})");
  REQUIRE(v.ok());
  CHECK(v->store == VerifyStore::kIfExists);
  CHECK(v->version.empty());
}

TEST_CASE("codec: decoders are strict and say where", "[codec]") {
  struct Case {
    std::string text;
    ErrorCode code;
    std::string pointer;
  };
  const Case cases[] = {
      {R"({"text":"a","limti":3})", ErrorCode::kInvalidArgument, "/limti"},
      {R"({"text":3})", ErrorCode::kInvalidArgument, "/text"},
      {R"({"limit":-1})", ErrorCode::kInvalidArgument, "/limit"},
      {R"({"limit":1.5})", ErrorCode::kInvalidArgument, "/limit"},
      {R"({"roles":["frontend-plugin","wizard"]})", ErrorCode::kInvalidArgument, "/roles"},
      {R"({"backendSystem":"newest"})", ErrorCode::kInvalidArgument, "/backendSystem"},
      {R"({"includeDeprecated":"yes"})", ErrorCode::kInvalidArgument, "/includeDeprecated"},
      {R"([1,2])", ErrorCode::kInvalidArgument, ""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = codec::decode_search_request(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == c.code);
    CHECK(r.error().detail("pointer") == c.pointer);
  }
  auto broken = codec::decode_search_request(R"({"text":)");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::kInvalidArgument);
  auto big = codec::decode_info_request(std::string(codec::kMaxRequestBytes + 1, ' '));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kResourceExhausted);
  auto deep = codec::decode_info_request(std::string(100, '[') + std::string(100, ']'));
  REQUIRE_FALSE(deep.ok());
  auto store = codec::decode_verify_request(R"({"package":"x","store":"sometimes"})");
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().detail("pointer") == "/store");
}

TEST_CASE("codec: error documents and exit codes", "[codec]") {
  const Error e = make_error(ErrorCode::kNotFound, "no \"such\" package").with("package", "x");
  CHECK(codec::encode(e) ==
        R"({"error":{"code":"not_found","exit_code":4,"message":"no \"such\" package","context":{"package":"x"},)"
        R"("retryable":false}})");
  // Only a policy decision exits 7; access refused and damaged data have their own codes.
  CHECK(codec::exit_code_for(ErrorCode::kPolicyDenied) == 7);
  CHECK(codec::exit_code_for(ErrorCode::kPermissionDenied) == 9);
  CHECK(codec::exit_code_for(ErrorCode::kDataLoss) == 8);
  CHECK(codec::exit_code_for(ErrorCode::kInvalidArgument) == 3);
  CHECK(codec::exit_code_for(ErrorCode::kUnavailable) == 5);
  CHECK(codec::exit_code_for(ErrorCode::kInternal) == 70);
}

TEST_CASE("codec: result documents", "[codec]") {
  IndexReport r;
  r.packages = 2;
  r.missing = {"@x/gone"};
  r.failures.push_back({"@x/bad", make_error(ErrorCode::kUnavailable, "HTTP 503", true)});
  r.elapsed = std::chrono::milliseconds(1500);
  const auto doc = boost::json::parse(codec::encode(r)).as_object();
  CHECK(doc.at("packages").as_int64() == 2);
  CHECK(doc.at("elapsedMs").as_int64() == 1500);
  CHECK(doc.at("missing").as_array().size() == 1);
  CHECK(doc.at("failures").as_array()[0].at("code").as_string() == "unavailable");

  CHECK(codec::encode(ReleaseList{{"1.30.0", "1.31.0"}}) == R"(["1.30.0","1.31.0"])");
  CHECK(codec::encode(ReleaseImportReport{3, {}}) == R"({"imported":3,"versions":[]})");

  backend::SearchPage page;
  page.total = 0;
  page.facets.push_back({"role", {{"backend-plugin", 2}}});
  CHECK(codec::encode(page, 20) == R"({"total":0,"offset":20,"hits":[],"facets":{"role":{"backend-plugin":2}}})");

  ChangelogReport log{"p", "1.0.0", "1.1.0", {}};
  ChangelogEntry entry;
  entry.version = "1.1.0";
  entry.semver_major = false;
  entry.items.push_back({"Minor Changes", "adds a thing", false});
  log.entries.push_back(entry);
  CHECK(codec::encode(log) ==
        R"({"package":"p","from":"1.0.0","to":"1.1.0","entries":[{"version":"1.1.0","breaking":false,)"
        R"("semverMajor":false,"items":[{"section":"Minor Changes","breaking":false,"text":"adds a thing"}]}]})");
}

TEST_CASE("codec: solve and check requests round-trip", "[codec]") {
  SolveCommand c;
  c.app = "/srv/app";
  c.changes = {{solver::ChangeKind::kAdd, "@backstage/plugin-todo", "^0.2.0", "packages/app"},
               {solver::ChangeKind::kRemove, "@backstage/plugin-tech-radar", "", ""}};
  c.release = "1.x";
  c.allow_release_upgrade = true;
  c.options.singletons = {"@backstage/plugin-*"};
  c.options.unknown_packages = solver::UnknownPackages::kAssumeExternal;
  c.options.release_pins = solver::ReleasePins::kCompatible;
  c.options.peers = solver::PeerRule::kLenient;
  c.options.dev_dependencies = false;
  c.options.max_steps = 1000;
  c.offline = true;
  c.apply = ApplyMode::kDryRun;
  round_trip(c, codec::decode_solve_request);
  round_trip(SolveCommand{}, codec::decode_solve_request);
  round_trip(CheckRequest{"/srv/app", "/tmp/plan.json"}, codec::decode_check_request);

  auto bad = codec::decode_solve_request(R"({"changes":[{"kind":"add","name":"a"},{"kind":"replace","name":"b"}]})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail("pointer") == "/changes/1/kind");
  auto nested = codec::decode_solve_request(R"({"options":{"peers":"strict","pins":"exact"}})");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error().detail("pointer") == "/options/pins");
  auto unnamed = codec::decode_solve_request(R"({"changes":[{"kind":"add"}]})");
  REQUIRE_FALSE(unnamed.ok());
  CHECK(unnamed.error().detail("pointer") == "/changes/0/name");
}

TEST_CASE("codec: scanner requests round-trip", "[codec]") {
  round_trip(ScanRequest{"@backstage/plugin-todo@^0.2", "1.31", "/srv/app", "20.x", "1.30.0", "/releases"},
             codec::decode_scan_request);
  round_trip(ScanRequest{}, codec::decode_scan_request);
  NewestRequest n;
  n.package = "@backstage/plugin-todo";
  n.release = "1.x";
  n.minimum = compat::Tier::kAligned;
  n.node = "22";
  round_trip(n, codec::decode_newest_request);
  round_trip(UpgradeRequest{"/srv/app", "1.40.0", ""}, codec::decode_upgrade_request);
  round_trip(MatrixRequest{"todo", "/releases"}, codec::decode_matrix_request);
  auto incompatible = codec::decode_newest_request(R"({"package":"x","minimumTier":"incompatible"})");
  REQUIRE_FALSE(incompatible.ok());
  CHECK(incompatible.error().detail("pointer") == "/minimumTier");
  auto unknown = codec::decode_scan_request(R"({"package":"x","tier":"aligned"})");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().detail("pointer") == "/tier");
}
