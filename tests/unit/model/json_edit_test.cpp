// edit_json_text and apply_json_edits: golden cases (tests/cases/model/json_edit/*.json),
// real package.json files, a differential check against editing the parsed value,
// and the safety rules of writing files.
#include "callboard/json_edit.hpp"
#include "json_edit_model.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "model/json_detail.hpp"
#include "model_test_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using callboard::ErrorCode;
using callboard::JsonEdit;
using callboard::model_test::read_text;
using callboard::model_test::repo_path;

json::value parse(std::string_view text) {
  auto v = callboard::model_detail::parse_document(text, {}, "test",
                                                   callboard::model_detail::SkipProfile::kNone, {});
  if (!v.ok()) throw std::runtime_error("test input does not parse: " + v.error().to_string());
  return *v;
}


/// Checks the editor against the value model; returns the edited text.
std::string check_edit(std::string_view input, const std::vector<JsonEdit>& edits) {
  auto out = callboard::edit_json_text(input, edits);
  json::value expected = parse(input.substr(input.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0));
  bool ok = true;
  for (const auto& e : edits) ok = ok && callboard::test::apply_to_value(expected.as_object(), e);
  if (!ok) {
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kFailedPrecondition);
    return {};
  }
  INFO(input);
  REQUIRE(out.ok());
  const std::string_view body =
      std::string_view(*out).substr(out->rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0);
  CHECK(parse(body) == expected);
  return *out;
}

callboard::Result<std::string> edit_text(std::string_view text, std::vector<JsonEdit> edits) {
  return callboard::edit_json_text(text, edits);
}

JsonEdit set(std::vector<std::string> path, std::string value) {
  return {std::move(path), std::move(value)};
}
JsonEdit drop(std::vector<std::string> path) { return {std::move(path), std::nullopt}; }

/// `text` with `line` inserted before the first line that starts with `before`.
std::string insert_line(std::string text, std::string_view before, std::string_view line) {
  const auto at = text.find(before);
  REQUIRE(at != std::string::npos);
  const auto start = text.rfind('\n', at) + 1;
  text.insert(start, line);
  return text;
}

}  // namespace

TEST_CASE("json_edit golden cases", "[json_edit]") {
  std::size_t count = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(CALLBOARD_CASES_DIR) / "model/json_edit")) {
    const json::value file = json::parse(read_text(entry.path()));
    for (const auto& c : file.as_array()) {
      const auto& obj = c.as_object();
      const std::string name(obj.at("name").as_string());
      const std::string input(obj.at("input").as_string());
      std::vector<JsonEdit> edits;
      for (const auto& e : obj.at("edits").as_array()) {
        JsonEdit edit;
        for (const auto& k : e.at("path").as_array()) edit.path.emplace_back(k.as_string());
        if (!e.at("value").is_null()) edit.value = std::string(e.at("value").as_string());
        edits.push_back(std::move(edit));
      }
      INFO(entry.path().filename().string() << ": " << name);
      auto out = callboard::edit_json_text(input, edits);
      if (const auto* err = obj.if_contains("error")) {
        REQUIRE_FALSE(out.ok());
        CHECK(to_string(out.error().code) == std::string_view(err->as_string()));
        if (out.error().code == ErrorCode::kFailedPrecondition) {
          CHECK_FALSE(out.error().detail("path").empty());
          CHECK_FALSE(out.error().detail("pointer").empty());
        }
      } else {
        REQUIRE(out.ok());
        CHECK(*out == std::string_view(obj.at("expected").as_string()));
        check_edit(input, edits);
      }
      ++count;
    }
  }
  CHECK(count >= 40);
}

TEST_CASE("json_edit on real package.json files", "[json_edit]") {
  const std::string catalog =
      read_text(repo_path("tests/fixtures/plugin-package-json/backstage__plugin-catalog.json"));

  SECTION("replace a version: one line changes") {
    auto out = check_edit(catalog, {set({"dependencies", "@backstage/errors"}, "^1.2.3")});
    std::string expected = catalog;
    const std::string from = "\"@backstage/errors\": \"workspace:^\"";
    expected.replace(expected.find(from), from.size(), "\"@backstage/errors\": \"^1.2.3\"");
    CHECK(out == expected);
  }
  SECTION("add a dependency at its sorted place") {
    auto out = check_edit(catalog, {set({"dependencies", "@backstage/config"}, "^1.0.0")});
    CHECK(out == insert_line(catalog, "\"@backstage/core-components\": \"workspace:^\"",
                             "    \"@backstage/config\": \"^1.0.0\",\n"));
  }
  SECTION("add to the unsorted top level: at the end") {
    auto out = check_edit(catalog, {set({"overrides", "@scope/parent", "child"}, "1.2.3")});
    const auto last = catalog.rfind('}');
    const auto before = catalog.find_last_not_of(" \n", last - 1);
    std::string expected = catalog;
    expected.insert(
        before + 1,
        ",\n  \"overrides\": {\n    \"@scope/parent\": {\n      \"child\": \"1.2.3\"\n    }\n  }");
    CHECK(out == expected);
  }
  SECTION("a whole plan on every fixture") {
    for (const auto& entry :
         fs::directory_iterator(repo_path("tests/fixtures/plugin-package-json"))) {
      if (entry.path().extension() != ".json") continue;
      const std::string text = read_text(entry.path());
      INFO(entry.path().filename().string());
      const std::vector<JsonEdit> plan = {
          set({"dependencies", "@backstage/core-plugin-api"}, "^1.9.0"),
          set({"dependencies", "@backstage/zzz"}, "1.0.0"),
          drop({"devDependencies", "@backstage/cli"}),
          set({"overrides", "a", "b"}, "2"),
          set({"resolutions", "c"}, "3"),
          set({"pnpm", "overrides", "d>e"}, "4"),
      };
      const auto out = check_edit(text, plan);
      // Undoing the additions gives back the original minus the removal.
      std::vector<JsonEdit> undo = {drop({"dependencies", "@backstage/zzz"}),
                                    drop({"overrides", "a", "b"}), drop({"resolutions", "c"}),
                                    drop({"pnpm", "overrides", "d>e"})};
      auto back = callboard::edit_json_text(out, undo);
      REQUIRE(back.ok());
      auto expected = callboard::edit_json_text(
          text, std::vector<JsonEdit>{set({"dependencies", "@backstage/core-plugin-api"}, "^1.9.0"),
                                      drop({"devDependencies", "@backstage/cli"})});
      REQUIRE(expected.ok());
      CHECK(*back == *expected);
    }
  }
  SECTION("apps: removal, CRLF and tab variants") {
    const std::string backend =
        read_text(repo_path("tests/fixtures/apps/npm-app/packages/backend/package.json"));
    auto out = check_edit(backend, {drop({"dependencies", "app"})});
    CHECK(out.find("\"@backstage/backend-defaults\": \"^0.4.0\"\n  }") != std::string::npos);
    out = check_edit(backend, {drop({"dependencies", "app"}),
                               drop({"dependencies", "@backstage/backend-defaults"})});
    CHECK(out.find("dependencies") == std::string::npos);
    CHECK(out.find("    \"role\": \"backend\"\n  }\n}\n") != std::string::npos);

    std::string crlf;
    for (const char c : backend) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    out = check_edit(crlf, {set({"dependencies", "@backstage/plugin-x"}, "1.0.0"),
                            set({"overrides", "a", "b"}, "1")});
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == '\n') CHECK(out[i - 1] == '\r');
    }

    std::string tabs;
    bool start = true;
    for (std::size_t i = 0; i < backend.size(); ++i) {
      if (start && backend.compare(i, 2, "  ") == 0) {
        tabs += '\t';
        ++i;
        continue;
      }
      start = backend[i] == '\n';
      tabs += backend[i];
    }
    out = check_edit(tabs, {set({"overrides", "@s/p", "c"}, "1")});
    CHECK(out.find("\t\"overrides\": {\n\t\t\"@s/p\": {\n\t\t\t\"c\": \"1\"\n\t\t}\n\t}") !=
          std::string::npos);
  }
}

TEST_CASE("json_edit errors", "[json_edit]") {
  SECTION("syntax errors say where") {
    auto out =
        callboard::edit_json_text("{\n  \"a\": tru\n}", std::vector<JsonEdit>{set({"a"}, "1")});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kInvalidArgument);
    CHECK(out.error().detail("line") == "2");
    CHECK_FALSE(out.error().detail("column").empty());
    CHECK_FALSE(out.error().detail("offset").empty());
  }
  SECTION("size and depth bounds") {
    callboard::ParseLimits limits;
    limits.max_document_bytes = 10;
    auto out = callboard::edit_json_text("{\"a\": \"12345678\"}", std::vector<JsonEdit>{}, limits);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kResourceExhausted);
    limits = {};
    limits.max_depth = 3;
    out = callboard::edit_json_text("{\"a\": {\"b\": {}}}",
                                    std::vector<JsonEdit>{set({"a", "b", "c", "d"}, "1")}, limits);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kResourceExhausted);
    out = callboard::edit_json_text("[[[[1]]]]", std::vector<JsonEdit>{}, limits);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kResourceExhausted);
  }
  SECTION("invalid UTF-8 in an edit") {
    auto out = callboard::edit_json_text("{}", std::vector<JsonEdit>{set({"a"}, "\xff")});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kInvalidArgument);
    CHECK(out.error().detail("edit") == "0");
    // Checked before any edit is applied: the bad second edit wins over the first's failure.
    out = edit_text("{\"a\": 1}", {set({"a", "b"}, "1"), set({"c"}, "\xc3")});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kInvalidArgument);
    CHECK(out.error().detail("edit") == "1");
  }
  SECTION("a path through a non-object names the path") {
    auto out = callboard::edit_json_text("{\"overrides\": {\"a\": \"1\"}}",
                                         std::vector<JsonEdit>{set({"overrides", "a", "b"}, "2")});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kFailedPrecondition);
    CHECK(out.error().detail("path") == R"(["overrides","a","b"])");
    CHECK(out.error().detail("pointer") == "/overrides/a");
  }
}

namespace {

/// Random documents in random styles, for the differential check.
struct RandomDoc {
  std::mt19937& rng;
  std::string indent_unit;
  std::string newline;
  std::string colon;
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  std::string key() {
    static const char* const kKeys[] = {"a",    "b",        "c",   "overrides", ".",
                                        "d\"q", "\xc3\xa9", "a>b", "@s/p"};
    return kKeys[pick(9)];
  }
  void value(std::string& out, int depth, const std::string& indent) {
    const int kind = depth > 3 ? pick(3) : pick(5);
    if (kind == 0) {
      out += json::serialize(json::value(key()));
    } else if (kind == 1) {
      out += pick(2) ? "12" : "[1, \"x\"]";
    } else if (kind == 2) {
      out += "null";
    } else {
      object(out, depth + 1, indent);
    }
  }
  void object(std::string& out, int depth, const std::string& indent) {
    const int n = pick(4);
    const bool lines = pick(3) != 0;
    out += "{";
    const std::string inner = indent + indent_unit;
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += pick(4) ? "," : " ,";
      if (lines) {
        out += newline + inner;
      } else if (i > 0) {
        out += " ";
      }
      out += json::serialize(json::value(key())) + colon;
      value(out, depth, inner);
    }
    if (lines && n > 0) out += newline + indent;
    out += "}";
  }
};

}  // namespace

TEST_CASE("json_edit differential: text edits equal value edits", "[json_edit]") {
  std::mt19937 rng(20261204);
  std::size_t failed_precondition = 0;
  for (int round = 0; round < 3000; ++round) {
    RandomDoc gen{rng, "", "", ""};
    const char* const kUnits[] = {"  ", "    ", "\t"};
    gen.indent_unit = kUnits[gen.pick(3)];
    gen.newline = gen.pick(4) ? "\n" : "\r\n";
    gen.colon = gen.pick(3) ? ": " : ":";
    std::string doc;
    gen.object(doc, 0, "");
    if (gen.pick(2)) doc += gen.newline;
    std::vector<JsonEdit> edits;
    const int count = 1 + gen.pick(4);
    for (int i = 0; i < count; ++i) {
      JsonEdit e;
      const int len = 1 + gen.pick(3);
      for (int k = 0; k < len; ++k) e.path.push_back(gen.key());
      if (gen.pick(3)) e.value = gen.pick(2) ? "1.2.3" : "^2 \"q\"\n";
      edits.push_back(std::move(e));
    }
    INFO(doc);
    const auto out = check_edit(doc, edits);
    if (out.empty()) {
      ++failed_precondition;
      continue;
    }
    // Line breaks written follow the file's first one.
    if (doc.find("\r\n") != std::string::npos && doc.find('\n') == doc.find("\r\n") + 1) {
      for (std::size_t i = 1; i < out.size(); ++i) {
        if (out[i] == '\n') REQUIRE(out[i - 1] == '\r');
      }
    }
  }
  CHECK(failed_precondition > 0);
}

// ---------------------------------------------------------------------------
// apply_json_edits

namespace {

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

struct App {
  callboard::test::TempDir dir;
  fs::path root;
  App() : root(dir.path / "app") {
    fs::create_directories(root);
    for (const char* rel :
         {"package.json", "packages/backend/package.json", "packages/app/package.json"}) {
      fs::create_directories((root / rel).parent_path());
      fs::copy_file(repo_path(std::string("tests/fixtures/apps/npm-app/") + rel), root / rel);
    }
  }
};

std::vector<callboard::FileEdits> plan() {
  return {{"package.json", {set({"overrides", "@scope/parent", "child"}, "1.2.3")}},
          {"packages/backend/package.json",
           {set({"dependencies", "@backstage/backend-defaults"}, "^0.5.0")}}};
}

}  // namespace

TEST_CASE("apply_json_edits writes, backs up and reports", "[json_edit]") {
  App app;
  const std::string root_before = read_text(app.root / "package.json");
  const std::string backend_before = read_text(app.root / "packages/backend/package.json");
  ::chmod((app.root / "packages/backend/package.json").c_str(), 0640);
  const auto files = plan();
  callboard::ApplyOptions options;
  options.backup_dir = app.dir.path / "backup";
  auto report = callboard::apply_json_edits(app.root, files, options);
  REQUIRE(report.ok());
  REQUIRE(report->files.size() == 2);
  CHECK(report->backup_dir == options.backup_dir);
  for (const auto& f : report->files) {
    CHECK(f.changed);
    CHECK_FALSE(f.created);
    CHECK(f.backup == options.backup_dir / f.file);
  }
  CHECK(read_text(options.backup_dir / "package.json") == root_before);
  CHECK(read_text(options.backup_dir / "packages/backend/package.json") == backend_before);
  CHECK(read_text(app.root / "package.json") ==
        *callboard::edit_json_text(root_before, files[0].edits));
  CHECK(read_text(app.root / "packages/backend/package.json") ==
        *callboard::edit_json_text(backend_before, files[1].edits));
  struct stat st {};
  REQUIRE(::stat((app.root / "packages/backend/package.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(::stat((options.backup_dir / "packages/backend/package.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(report->files[1].diff ==
        "--- a/packages/backend/package.json\n"
        "+++ b/packages/backend/package.json\n"
        "@@ -6,7 +6,7 @@\n"
        "     \"role\": \"backend\"\n"
        "   },\n"
        "   \"dependencies\": {\n"
        "-    \"@backstage/backend-defaults\": \"^0.4.0\",\n"
        "+    \"@backstage/backend-defaults\": \"^0.5.0\",\n"
        "     \"app\": \"link:../app\"\n"
        "   }\n"
        " }\n");
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(app.root)) {
    CHECK(e.path().filename().string().find(".callboard-") == std::string::npos);
  }

  // Applying again changes nothing and backs up nothing.
  auto again = callboard::apply_json_edits(app.root, files);
  REQUIRE(again.ok());
  for (const auto& f : again->files) {
    CHECK_FALSE(f.changed);
    CHECK(f.diff.empty());
    CHECK(f.backup.empty());
  }
  CHECK(again->backup_dir.empty());
  CHECK_FALSE(fs::exists(app.root / ".callboard"));
}

TEST_CASE("apply_json_edits default backup folder", "[json_edit]") {
  App app;
  const std::string before = read_text(app.root / "package.json");
  const std::vector<callboard::FileEdits> files = {{"package.json", {set({"version"}, "1.0.0")}}};
  auto report = callboard::apply_json_edits(app.root, files);
  REQUIRE(report.ok());
  CHECK(report->backup_dir.parent_path() == app.root / ".callboard" / "backup");
  const std::string stamp = report->backup_dir.filename().string();
  CHECK(stamp.size() == 16);
  CHECK(stamp[8] == 'T');
  CHECK(stamp.back() == 'Z');
  CHECK(read_text(report->backup_dir / "package.json") == before);
  auto second = callboard::apply_json_edits(
      app.root, std::vector<callboard::FileEdits>{{"package.json", {set({"version"}, "2.0.0")}}});
  REQUIRE(second.ok());
  CHECK(second->backup_dir != report->backup_dir);
  CHECK(read_text(second->backup_dir / "package.json") ==
        *callboard::edit_json_text(before, files[0].edits));
}

TEST_CASE("apply_json_edits dry run writes nothing", "[json_edit]") {
  App app;
  const std::string before = read_text(app.root / "package.json");
  callboard::ApplyOptions options;
  options.dry_run = true;
  auto report = callboard::apply_json_edits(app.root, plan(), options);
  REQUIRE(report.ok());
  CHECK(report->files[0].changed);
  CHECK(report->files[0].backup.empty());
  CHECK(report->files[0].diff.find("+  \"overrides\": {\n") != std::string::npos);
  CHECK(read_text(app.root / "package.json") == before);
  CHECK_FALSE(fs::exists(app.root / ".callboard"));
}

TEST_CASE("apply_json_edits writes nothing when one file fails", "[json_edit]") {
  App app;
  const std::string before = read_text(app.root / "package.json");
  write_file(app.root / "packages/app/package.json",
             "{\n  \"name\": \"app\",\n  \"dependencies\": \"oops\"\n}\n");
  const std::vector<callboard::FileEdits> files = {
      {"package.json", {set({"version"}, "1.0.0")}},
      {"packages/app/package.json", {set({"dependencies", "x"}, "1")}}};
  auto report = callboard::apply_json_edits(app.root, files);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kFailedPrecondition);
  CHECK(report.error().detail("file") == "packages/app/package.json");
  CHECK(read_text(app.root / "package.json") == before);
  CHECK_FALSE(fs::exists(app.root / ".callboard"));

  write_file(app.root / "packages/app/package.json", "{ not json");
  report = callboard::apply_json_edits(app.root, files);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kInvalidArgument);
  CHECK(report.error().detail("file") == "packages/app/package.json");
  CHECK(read_text(app.root / "package.json") == before);
}

TEST_CASE("apply_json_edits replaces nothing when a backup fails", "[json_edit]") {
  App app;
  const std::string before = read_text(app.root / "package.json");
  const std::string backend_before = read_text(app.root / "packages/backend/package.json");
  callboard::ApplyOptions options;
  options.backup_dir = app.root / "package.json" / "backup";  // below a file: cannot be created
  auto report = callboard::apply_json_edits(app.root, plan(), options);
  REQUIRE_FALSE(report.ok());
  CHECK(read_text(app.root / "package.json") == before);
  CHECK(read_text(app.root / "packages/backend/package.json") == backend_before);
}

TEST_CASE("apply_json_edits refuses hostile paths", "[json_edit]") {
  App app;
  write_file(app.dir.path / "outside.json", "{}\n");
  fs::create_symlink(app.dir.path / "outside.json", app.root / "link-out.json");
  fs::create_symlink(app.dir.path, app.root / "dir-out");
  fs::create_symlink(app.root / "packages/backend/package.json", app.root / "link-in.json");
  fs::create_symlink(app.dir.path / "nothing.json", app.root / "dangling.json");
  for (const std::string& file : std::vector<std::string>{
           "/etc/passwd", "../outside.json", "packages/../../outside.json", "link-out.json",
           "dir-out/outside.json", "", std::string("a\0b", 3), "packages/..", "dangling.json"}) {
    INFO(file);
    auto report = callboard::apply_json_edits(
        app.root, std::vector<callboard::FileEdits>{{file, {set({"a"}, "1")}}});
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().code == ErrorCode::kInvalidArgument);
    CHECK(report.error().detail("file") == file);
  }
  CHECK(read_text(app.dir.path / "outside.json") == "{}\n");

  // The same file twice (here through a symlink) is refused too.
  auto twice = callboard::apply_json_edits(
      app.root,
      std::vector<callboard::FileEdits>{{"packages/backend/package.json", {set({"a"}, "1")}},
                                        {"link-in.json", {set({"b"}, "1")}}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::kInvalidArgument);

  // A symlink inside the root: its target is edited, the link stays.
  auto in = callboard::apply_json_edits(
      app.root, std::vector<callboard::FileEdits>{{"link-in.json", {set({"version"}, "9")}}});
  REQUIRE(in.ok());
  CHECK(fs::is_symlink(app.root / "link-in.json"));
  CHECK(read_text(app.root / "packages/backend/package.json").find("\"version\": \"9\"") !=
        std::string::npos);

  // A folder is not a file.
  auto folder = callboard::apply_json_edits(
      app.root, std::vector<callboard::FileEdits>{{"packages", {set({"a"}, "1")}}});
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("apply_json_edits creates missing files only when every edit sets", "[json_edit]") {
  App app;
  auto report = callboard::apply_json_edits(
      app.root,
      std::vector<callboard::FileEdits>{{"plugins/new/package.json", {set({"name"}, "new")}}});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kNotFound);  // no such folder

  fs::create_directories(app.root / "plugins/new");
  report = callboard::apply_json_edits(
      app.root, std::vector<callboard::FileEdits>{
                    {"plugins/new/package.json", {drop({"a"}), set({"name"}, "new")}}});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kNotFound);
  CHECK_FALSE(fs::exists(app.root / "plugins/new/package.json"));

  report = callboard::apply_json_edits(
      app.root,
      std::vector<callboard::FileEdits>{
          {"plugins/new/package.json", {set({"name"}, "new"), set({"dependencies", "a"}, "1")}}});
  REQUIRE(report.ok());
  CHECK(report->files[0].created);
  CHECK(report->files[0].changed);
  CHECK(report->files[0].backup.empty());
  CHECK(read_text(app.root / "plugins/new/package.json") ==
        "{\n  \"dependencies\": {\n    \"a\": \"1\"\n  },\n  \"name\": \"new\"\n}\n");
  CHECK(report->files[0].diff.rfind(
            "--- /dev/null\n+++ b/plugins/new/package.json\n@@ -0,0 +1,6 @@\n", 0) == 0);
}

TEST_CASE("unified_diff", "[json_edit]") {
  CHECK(callboard::unified_diff("a\n", "a\n", "a/x", "b/x").empty());
  CHECK(callboard::unified_diff("a\nb", "a\nc", "a/x", "b/x") ==
        "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No "
        "newline at end of file\n");
  CHECK(callboard::unified_diff("", "x\n", "/dev/null", "b/x") ==
        "--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+x\n");
  // Two changes far apart make two hunks.
  std::string a;
  for (int i = 0; i < 20; ++i) a += std::to_string(i) + "\n";
  std::string b = a;
  b.replace(b.find("2\n"), 2, "two\n");
  b.replace(b.find("17\n"), 3, "seventeen\n");
  const auto d = callboard::unified_diff(a, b, "a/x", "b/x");
  CHECK(d ==
        "--- a/x\n+++ b/x\n@@ -1,6 +1,6 @@\n 0\n 1\n-2\n+two\n 3\n 4\n 5\n"
        "@@ -15,6 +15,6 @@\n 14\n 15\n 16\n-17\n+seventeen\n 18\n 19\n");
}
