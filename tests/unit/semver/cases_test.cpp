// Data-driven golden cases: tests/cases/semver/*.json (all but the registry
// corpus). Each case is {"op", "args", "opts", "expected"} with "expected"
// computed by node-semver 7.8.5 (tests/corpus/make-golden-cases.mjs), so
// this test checks the engine without needing node. For intersects,
// "expected" is the exact answer and "node" records node's differing one.
//
// A bug found elsewhere becomes a new row (or file) here, not new code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "semver_ops.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> case_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(CALLBOARD_CASES_DIR) / "semver")) {
    const auto& p = entry.path();
    if (p.extension() == ".json" && p.filename() != "registry-corpus.json") files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

json::value load(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return json::parse(buf.str());
}

}  // namespace

TEST_CASE("golden semver cases match node-semver 7.8.5", "[semver][cases]") {
  const auto files = case_files();
  REQUIRE(files.size() >= 10);
  std::size_t total = 0;
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const json::value doc = load(file);
      const auto& cases = doc.at("cases").as_array();
      CHECK(!cases.empty());
      std::size_t index = 0;
      for (const auto& c : cases) {
        const auto& o = c.as_object();
        callboard::test::SemverOp op{};
        REQUIRE(callboard::test::parse_semver_op(o.at("op").as_string(), op));
        const json::object opts = o.contains("opts") ? o.at("opts").as_object() : json::object{};
        const json::value ours = callboard::test::evaluate(op, o.at("args").as_array(), opts);
        INFO(file.filename().string() << " case " << index << ": " << o.at("op").as_string() << "("
                                      << json::serialize(o.at("args")) << ") " << json::serialize(opts)
                                      << (o.contains("note") ? " note: " + json::serialize(o.at("note")) : ""));
        CHECK(callboard::test::show(ours) == callboard::test::show(o.at("expected")));
        ++index;
        ++total;
      }
    }
  }
  CHECK(total > 0);
}
