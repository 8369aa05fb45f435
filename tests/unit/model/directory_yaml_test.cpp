// parse_directory_entry on the 60 real plugin-directory files
// (data/plugin-directory/) and on malformed or hostile YAML.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "callboard/model.hpp"

namespace {

namespace fs = std::filesystem;
using callboard::DirectoryEntry;
using callboard::ErrorCode;
using callboard::parse_directory_entry;

const fs::path kDirectory = fs::path(CALLBOARD_DATA_DIR) / "plugin-directory";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

DirectoryEntry load(const std::string& id) {
  const std::string text = slurp(kDirectory / (id + ".yaml"));
  REQUIRE_FALSE(text.empty());
  auto entry = parse_directory_entry(text, id);
  if (!entry) FAIL(entry.error().to_string());
  return *entry;
}

callboard::Error parse_error(std::string_view yaml, std::string_view id = "bad") {
  auto entry = parse_directory_entry(yaml, id);
  REQUIRE_FALSE(entry.ok());
  return entry.error();
}

}  // namespace

TEST_CASE("every real plugin-directory file parses", "[model][directory]") {
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(kDirectory)) {
    if (item.path().extension() == ".yaml") files.push_back(item.path());
  }
  REQUIRE(files.size() == 60);
  std::map<std::string, int> statuses;
  int with_snapshot = 0;
  int with_order = 0;
  for (const auto& path : files) {
    const std::string id = path.stem().string();
    INFO(id);
    auto entry = parse_directory_entry(slurp(path), id);
    if (!entry) FAIL(entry.error().to_string());
    CHECK(entry->id == id);
    CHECK_FALSE(entry->title.empty());
    CHECK_FALSE(entry->category.empty());
    CHECK_FALSE(entry->documentation.empty());
    // Trimmed everywhere: no value starts or ends with white space.
    for (const std::string* s : {&entry->title, &entry->author, &entry->author_url, &entry->description,
                                 &entry->npm_package_name, &entry->icon_url}) {
      if (s->empty()) continue;
      CHECK(s->front() != ' ');
      CHECK(s->back() != ' ');
      CHECK(s->back() != '\n');
    }
    ++statuses[entry->status];
    if (!entry->snapshot_packages.empty()) ++with_snapshot;
    if (entry->order) ++with_order;
  }
  // The counts in shared/research/backstage-ecosystem.md §1.
  CHECK(statuses["active"] == 16);
  CHECK(statuses["inactive"] == 2);
  CHECK(statuses["archived"] == 2);
  CHECK(statuses[""] == 40);
  CHECK(with_snapshot == 14);
  CHECK(with_order == 4);
}

TEST_CASE("acr.yaml: the snapshot block", "[model][directory]") {
  const DirectoryEntry e = load("acr");
  CHECK(e.title == "Azure Container Registry");
  CHECK(e.author == "Red Hat");
  CHECK(e.author_url == "https://redhat.com");
  CHECK(e.category == "Infrastructure");
  CHECK(e.npm_package_name == "@backstage-community/plugin-acr");
  CHECK(e.added_date == "2026-02-21");
  CHECK(e.status == "active");
  CHECK(e.icon_url.empty());
  CHECK(e.tags.empty());
  CHECK_FALSE(e.order.has_value());
  CHECK(e.snapshot_backstage_version == "1.52.0");
  REQUIRE(e.snapshot_packages.size() == 1);
  const auto& p = e.snapshot_packages[0];
  CHECK(p.npm_package_name == "@backstage-community/plugin-acr");
  CHECK(p.latest_version == "1.27.0");
  CHECK(p.backstage_role == "frontend-plugin");
  const auto published = callboard::parse_timestamp("2026-08-04T12:49:49.094Z");
  REQUIRE(published);
  CHECK(p.last_published == *published);
  CHECK(p.dependency_names == std::vector<std::string>{
                                  "@backstage/catalog-model", "@backstage/core-components",
                                  "@backstage/core-plugin-api", "@backstage/frontend-plugin-api",
                                  "@backstage/plugin-app-react", "@backstage/plugin-catalog-react",
                                  "@backstage/ui", "luxon", "react-use"});
}

TEST_CASE("api-docs.yaml: two snapshot packages, in file order", "[model][directory]") {
  const DirectoryEntry e = load("api-docs");
  CHECK(e.snapshot_backstage_version == "1.53.1");
  REQUIRE(e.snapshot_packages.size() == 2);
  CHECK(e.snapshot_packages[0].npm_package_name == "@backstage/plugin-api-docs");
  CHECK(e.snapshot_packages[0].dependency_names.size() == 19);
  CHECK(e.snapshot_packages[0].dependency_names.front() == "graphql");
  CHECK(e.snapshot_packages[1].npm_package_name == "@backstage/plugin-api-docs-module-protoc-gen-doc");
  CHECK(e.snapshot_packages[1].backstage_role == "frontend-plugin-module");
  CHECK(e.snapshot_packages[1].dependency_names == std::vector<std::string>{"grpc-docs"});
}

TEST_CASE("bazaar.yaml has no '---' header", "[model][directory]") {
  const std::string text = slurp(kDirectory / "bazaar.yaml");
  REQUIRE(text.rfind("---", 0) != 0);  // guards the fixture's point
  const DirectoryEntry e = load("bazaar");
  CHECK(e.title == "Bazaar");
  CHECK(e.author == "Axis Communications AB");
  CHECK(e.icon_url == "/img/bazaar.svg");
  CHECK(e.npm_package_name == "@backstage/plugin-bazaar");
  CHECK(e.added_date == "2022-01-11");
  CHECK(e.snapshot_packages.empty());
}

TEST_CASE("buildkite.yaml: trailing space in authorUrl is trimmed", "[model][directory]") {
  const std::string text = slurp(kDirectory / "buildkite.yaml");
  REQUIRE(text.find("authorUrl: https://buildkite.com \n") != std::string::npos);
  const DirectoryEntry e = load("buildkite");
  CHECK(e.author_url == "https://buildkite.com");
  CHECK(e.tags == std::vector<std::string>{"ci", "cd"});
}

TEST_CASE("argo-cd.yaml and argocd.yaml: the duplicate plugin parses twice", "[model][directory]") {
  const DirectoryEntry roadie = load("argo-cd");
  const DirectoryEntry redhat = load("argocd");
  CHECK(roadie.id == "argo-cd");
  CHECK(redhat.id == "argocd");
  CHECK(roadie.npm_package_name == "@roadiehq/backstage-plugin-argo-cd");
  CHECK(redhat.npm_package_name == "@backstage-community/plugin-argocd");
  CHECK(roadie.tags == std::vector<std::string>{"cd", "ci"});
  CHECK(roadie.snapshot_packages.empty());
  CHECK(redhat.snapshot_backstage_version == "1.50.4");
  REQUIRE(redhat.snapshot_packages.size() == 1);
  // This snapshot has no backstageRole and no dependencyNames.
  CHECK(redhat.snapshot_packages[0].latest_version == "2.10.0");
  CHECK(redhat.snapshot_packages[0].backstage_role.empty());
  CHECK(redhat.snapshot_packages[0].dependency_names.empty());
}

TEST_CASE("quoting styles, block scalars, order, status", "[model][directory]") {
  CHECK(load("coder").npm_package_name == "@coder/backstage-plugin-coder");  // double quotes
  CHECK(load("dynatrace").author == "@isand3r");
  const DirectoryEntry artifactory = load("artifactory");
  CHECK_FALSE(artifactory.description.empty());
  CHECK(artifactory.description.back() != '\n');  // `description: |` keeps a final newline
  CHECK(artifactory.stale_since == "2026-02-17");
  CHECK(load("backstage-software-catalog").order == 1);
  CHECK(load("backstage-kubernetes").order == 4);
  CHECK(load("sentry").npm_package_name.empty());
}

TEST_CASE("scalars keep their text, unknown keys and nulls are tolerated", "[model][directory]") {
  auto e = parse_directory_entry(
      "title: \"  Padded  \"\n"
      "author: ~\n"
      "iconUrl:\n"
      "whatever: {nested: [1, 2, {deep: true}]}\n"
      "tags: [a, ' b ', '']\n"
      "order: -3\n"
      "snapshot:\n"
      "  backstage: {version: 1.50}\n"
      "  packages:\n"
      "    - npmPackageName: x\n"
      "    - npmPackageName: y\n"
      "      npm: {latestVersion: 2.0, dependencyNames: ~}\n",
      "inline");
  if (!e) FAIL(e.error().to_string());
  CHECK(e->title == "Padded");
  CHECK(e->author.empty());
  CHECK(e->icon_url.empty());
  CHECK(e->tags == std::vector<std::string>{"a", "b"});
  CHECK(e->order == -3);
  CHECK(e->snapshot_backstage_version == "1.50");  // never a float
  REQUIRE(e->snapshot_packages.size() == 2);
  CHECK(e->snapshot_packages[0].latest_version.empty());
  CHECK(e->snapshot_packages[1].latest_version == "2.0");
}

TEST_CASE("malformed YAML is rejected with file, line and column", "[model][directory]") {
  SECTION("a tab used for indentation") {
    const auto e = parse_error("title: x\nsnapshot:\n\tbackstage: {}\n", "tabs");
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("file") == "tabs");
    CHECK(e.detail("line") == "3");
    CHECK_FALSE(e.detail("column").empty());
    CHECK(e.message.find("tabs") != std::string::npos);
  }
  SECTION("an unclosed quote") {
    const auto e = parse_error("title: x\nauthor: 'Red Hat\ncategory: CI\n");
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("line") == "4");  // libyaml reports where the scalar runs out
    CHECK(e.message.find("quoted scalar") != std::string::npos);
  }
  SECTION("a list at the top level") {
    const auto e = parse_error("- title: x\n- title: y\n");
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("line") == "1");
    CHECK(e.detail("column") == "1");
    CHECK(e.message.find("must be a mapping") != std::string::npos);
    CHECK(e.message.find("a list") != std::string::npos);
  }
  SECTION("a scalar or nothing at the top level") {
    CHECK(parse_error("just text\n").message.find("a scalar") != std::string::npos);
    CHECK(parse_error("").message.find("an empty document") != std::string::npos);
    CHECK(parse_error("# only a comment\n").code == ErrorCode::kInvalidArgument);
  }
  SECTION("a field of the wrong type") {
    const auto e = parse_error("title: ok\ntags: ci\n");
    CHECK(e.detail("field") == "tags");
    CHECK(e.detail("line") == "2");
    CHECK(e.detail("column") == "7");
    CHECK(parse_error("title: [a, b]\n").detail("field") == "title");
    CHECK(parse_error("order: first\n").detail("field") == "order");
    CHECK(parse_error("order: 99999999999999999999\n").detail("field") == "order");
    CHECK(parse_error("snapshot: [1]\n").detail("field") == "snapshot");
    CHECK(parse_error("snapshot:\n  packages:\n    - npm: {dependencyNames: [[x]]}\n").detail("field") ==
          "snapshot.packages[0].npm.dependencyNames[0]");
    const auto t = parse_error("snapshot:\n  packages:\n    - npm:\n        lastPublishedAt: yesterday\n");
    CHECK(t.detail("field") == "snapshot.packages[0].npm.lastPublishedAt");
    CHECK(t.detail("line") == "4");
  }
  SECTION("a duplicate key") {
    const auto e = parse_error("title: a\nauthor: b\ntitle: c\n");
    CHECK(e.detail("line") == "3");
    CHECK(e.message.find("duplicate key 'title' (first at line 1)") != std::string::npos);
  }
  SECTION("two documents") {
    const auto e = parse_error("---\ntitle: a\n---\ntitle: b\n");
    CHECK(e.detail("line") == "3");
  }
  SECTION("a complex key") {
    CHECK(parse_error("? [a, b]\n: c\n").message.find("keys must be scalars") != std::string::npos);
  }
}

TEST_CASE("hostile YAML hits a bound, not the machine", "[model][directory]") {
  SECTION("deep nesting") {
    const std::string yaml = "title: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
    const auto e = parse_error(yaml, "deep");
    CHECK(e.code == ErrorCode::kResourceExhausted);
    CHECK(e.detail("line") == "1");
    CHECK(e.message.find("deeper than the limit of 64") != std::string::npos);
    callboard::ParseLimits shallow;
    shallow.max_depth = 3;
    CHECK(parse_directory_entry("a: {b: {c: 1}}\n", "x", shallow).ok());
    CHECK_FALSE(parse_directory_entry("a: {b: {c: [1]}}\n", "x", shallow).ok());
  }
  SECTION("an alias bomb (billion laughs)") {
    std::string yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
      const char prev = static_cast<char>(c - 1);
      yaml += std::string(1, c) + ": &" + c + " [";
      for (int i = 0; i < 9; ++i) yaml += std::string(i ? "," : "") + "*" + prev;
      yaml += "]\n";
    }
    yaml += "title: *j\n";
    const auto e = parse_error(yaml, "laughs");
    CHECK(e.code == ErrorCode::kInvalidArgument);
    CHECK(e.detail("line") == "2");
    CHECK(e.message.find("aliases") != std::string::npos);
  }
  SECTION("a 2 MB document") {
    std::string yaml = "title: x\ndescription: ";
    yaml.append(2u << 20, 'a');
    const auto e = parse_error(yaml, "huge");
    CHECK(e.code == ErrorCode::kResourceExhausted);
    CHECK(e.detail("file") == "huge");
    CHECK(e.message.find("limit of 1048576") != std::string::npos);
  }
  SECTION("too many nodes") {
    std::string yaml = "tags:\n";
    for (int i = 0; i < 60000; ++i) yaml += "- t\n";
    CHECK(parse_error(yaml).code == ErrorCode::kResourceExhausted);
  }
  SECTION("bytes that are not UTF-8, and NUL") {
    CHECK(parse_error("title: \xff\xfe\xfd\n").code == ErrorCode::kInvalidArgument);
    CHECK(parse_error(std::string("title: a\0b\n", 11)).code == ErrorCode::kInvalidArgument);
  }
}
