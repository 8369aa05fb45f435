// DirectoryEntry <-> JSON (callboard's own storage/CLI form; the plugin
// directory's YAML is read by directory_yaml.cpp).
//
// Shape: every field always present, empty strings and lists included, so
// consumers of `--json` output see a fixed schema:
//   {"id","title","author","authorUrl","category","description","documentation",
//    "iconUrl","npmPackageName","addedDate","status","staleSince","tags":[],
//    "order":n|null,"snapshot":{"backstageVersion","packages":[{"npmPackageName",
//    "latestVersion","backstageRole","lastPublished":ISO|null,"dependencyNames":[]}]}}
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "callboard/model.hpp"

#include "model/json_detail.hpp"

namespace callboard {
namespace model_detail {
namespace {

void write_strings(Writer& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key);
  w.begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

}  // namespace

void write_directory_entry(Writer& w, const DirectoryEntry& e) {
  w.begin_object();
  w.field("id", e.id);
  w.field("title", e.title);
  w.field("author", e.author);
  w.field("authorUrl", e.author_url);
  w.field("category", e.category);
  w.field("description", e.description);
  w.field("documentation", e.documentation);
  w.field("iconUrl", e.icon_url);
  w.field("npmPackageName", e.npm_package_name);
  w.field("addedDate", e.added_date);
  w.field("status", e.status);
  w.field("staleSince", e.stale_since);
  write_strings(w, "tags", e.tags);
  w.key("order");
  if (e.order) {
    w.int64(*e.order);
  } else {
    w.null();
  }
  w.key("snapshot");
  w.begin_object();
  w.field("backstageVersion", e.snapshot_backstage_version);
  w.key("packages");
  w.begin_array();
  for (const auto& p : e.snapshot_packages) {
    w.begin_object();
    w.field("npmPackageName", p.npm_package_name);
    w.field("latestVersion", p.latest_version);
    w.field("backstageRole", p.backstage_role);
    w.key("lastPublished");
    w.timestamp_or_null(p.last_published);
    write_strings(w, "dependencyNames", p.dependency_names);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
}

DirectoryEntry read_directory_entry(const json::object& object, const std::string& base,
                                    std::string_view what, std::optional<Error>& error) {
  DirectoryEntry e;
  StrictObject r(object, base, what, error);
  r.get("id", e.id);
  r.get("title", e.title);
  r.get("author", e.author);
  r.get("authorUrl", e.author_url);
  r.get("category", e.category);
  r.get("description", e.description);
  r.get("documentation", e.documentation);
  r.get("iconUrl", e.icon_url);
  r.get("npmPackageName", e.npm_package_name);
  r.get("addedDate", e.added_date);
  r.get("status", e.status);
  r.get("staleSince", e.stale_since);
  r.get("tags", e.tags);
  r.get("order", e.order);
  if (const auto* snapshot = r.object("snapshot")) {
    StrictObject s(*snapshot, r.pointer("snapshot"), what, error);
    s.get("backstageVersion", e.snapshot_backstage_version);
    s.each_object("packages", [&](StrictObject& pr) {
      DirectorySnapshotPackage p;
      pr.get("npmPackageName", p.npm_package_name);
      pr.get("latestVersion", p.latest_version);
      pr.get("backstageRole", p.backstage_role);
      pr.get("lastPublished", p.last_published);
      pr.get("dependencyNames", p.dependency_names);
      e.snapshot_packages.push_back(std::move(p));
      return true;
    });
  }
  return e;
}

}  // namespace model_detail

namespace {
constexpr std::string_view kWhat = "directory entry JSON";
}  // namespace

std::string to_json(const DirectoryEntry& entry) {
  model_detail::Writer w;
  model_detail::write_directory_entry(w, entry);
  return w.take();
}

Result<DirectoryEntry> parse_directory_entry_json(std::string_view json_text,
                                                  const ParseLimits& limits) {
  using namespace model_detail;
  return parse_object_document(json_text, limits, kWhat, SkipProfile::kNone,
                               [](const json::object& top) -> Result<DirectoryEntry> {
                                 std::optional<Error> error;
                                 DirectoryEntry entry = read_directory_entry(top, "", kWhat, error);
                                 if (error) return std::move(*error);
                                 return entry;
                               });
}

}  // namespace callboard
