// Plugin <-> JSON. The same shape is callboard's storage form and the CLI's
// `info --json` output, so it is written for people: every field always
// present, camelCase names, roles and systems as their names, times as
// ISO-8601 (null when unknown).
//
//   {"id","declaredId","title","description","category","keywords":[],
//    "packages":[{"name","role","latestVersion"}],"modules":[...],
//    "backendSystem","frontendSystem","supportedReleases":[],
//    "directory":{...}|null,"lastPublished":ISO|null,"deprecated":bool,
//    "score":{"total","factors":[{"id","label","value","weight","detail"}]}}
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "callboard/model.hpp"

#include "model/json_detail.hpp"

namespace callboard {
namespace {

using namespace model_detail;
constexpr std::string_view kWhat = "plugin JSON";

void write_strings(Writer& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key);
  w.begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

void write_packages(Writer& w, std::string_view key, const std::vector<PluginPackage>& packages) {
  w.key(key);
  w.begin_array();
  for (const auto& p : packages) {
    w.begin_object();
    w.field("name", p.name);
    w.field("role", to_string(p.role));
    w.field("latestVersion", p.latest_version);
    w.end_object();
  }
  w.end_array();
}

void read_packages(StrictObject& r, std::string_view key, std::vector<PluginPackage>& out) {
  r.each_object(key, [&](StrictObject& pr) {
    PluginPackage p;
    pr.get("name", p.name);
    std::string role;
    pr.get("role", role);
    if (!role.empty() && role != "unknown") {
      const auto parsed = parse_package_role(role);
      if (!parsed) return pr.fail(pr.pointer("role"), "unknown package role \"" + role + "\"");
      p.role = *parsed;
    }
    pr.get("latestVersion", p.latest_version);
    out.push_back(std::move(p));
    return true;
  });
}

}  // namespace

std::string to_json(const Plugin& plugin) {
  Writer w;
  w.begin_object();
  w.field("id", plugin.id);
  w.key("declaredId");
  w.boolean(plugin.declared_id);
  w.field("title", plugin.title);
  w.field("description", plugin.description);
  w.field("category", plugin.category);
  write_strings(w, "keywords", plugin.keywords);
  write_packages(w, "packages", plugin.packages);
  write_packages(w, "modules", plugin.modules);
  w.field("backendSystem", to_string(plugin.backend_system));
  w.field("frontendSystem", to_string(plugin.frontend_system));
  write_strings(w, "supportedReleases", plugin.supported_releases);
  w.key("directory");
  if (plugin.directory) {
    write_directory_entry(w, *plugin.directory);
  } else {
    w.null();
  }
  w.key("lastPublished");
  w.timestamp_or_null(plugin.last_published);
  w.key("deprecated");
  w.boolean(plugin.deprecated);
  w.key("score");
  w.begin_object();
  w.key("total");
  w.number(plugin.score.total);
  w.key("factors");
  w.begin_array();
  for (const auto& f : plugin.score.factors) {
    w.begin_object();
    w.field("id", f.id);
    w.field("label", f.label);
    w.key("value");
    w.number(f.value);
    w.key("weight");
    w.number(f.weight);
    w.field("detail", f.detail);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
  return w.take();
}

namespace {

/// parse_plugin_json's reading of the top-level object.
Result<Plugin> read_plugin(const json::object& top) {
  std::optional<Error> error;
  Plugin plugin;
  StrictObject r(top, "", kWhat, error);
  r.get("id", plugin.id);
  r.get("declaredId", plugin.declared_id);
  r.get("title", plugin.title);
  r.get("description", plugin.description);
  r.get("category", plugin.category);
  r.get("keywords", plugin.keywords);
  read_packages(r, "packages", plugin.packages);
  read_packages(r, "modules", plugin.modules);
  r.get("backendSystem", plugin.backend_system);
  r.get("frontendSystem", plugin.frontend_system);
  r.get("supportedReleases", plugin.supported_releases);
  if (const auto* dir = r.object("directory")) {
    plugin.directory = read_directory_entry(*dir, r.pointer("directory"), kWhat, error);
  }
  r.get("lastPublished", plugin.last_published);
  r.get("deprecated", plugin.deprecated);
  if (const auto* score = r.object("score")) {
    StrictObject s(*score, r.pointer("score"), kWhat, error);
    s.get("total", plugin.score.total);
    s.each_object("factors", [&](StrictObject& fr) {
      ScoreFactor f;
      fr.get("id", f.id);
      fr.get("label", f.label);
      fr.get("value", f.value);
      fr.get("weight", f.weight);
      fr.get("detail", f.detail);
      plugin.score.factors.push_back(std::move(f));
      return true;
    });
  }
  if (error) return std::move(*error).with("plugin", plugin.id);
  return plugin;
}

}  // namespace

Result<Plugin> parse_plugin_json(std::string_view json_text, const ParseLimits& limits) {
  return parse_object_document(json_text, limits, kWhat, SkipProfile::kNone, read_plugin);
}

}  // namespace callboard
