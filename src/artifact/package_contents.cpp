// read_package_contents: package.json, the config schema, dist-dynamic/,
// the entry points' exports and the CHANGELOG, from one pass over a
// verified tarball held in memory.

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "artifact/tar_reader.hpp"
#include "callboard/artifact.hpp"
#include "callboard/json.hpp"

namespace callboard {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxJsonFileBytes = 4u << 20;
constexpr std::size_t kMaxJsonTotalBytes = 32u << 20;
constexpr std::size_t kMaxReadChangelogBytes = 8u << 20;
constexpr std::size_t kMaxNamedExports = 256;
constexpr std::size_t kMaxEntryPoints = 64;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_js(std::string_view path) {
  return ends_with(path, ".js") || ends_with(path, ".cjs") || ends_with(path, ".mjs");
}

bool is_code_path(std::string_view path) {
  return (path.starts_with("dist/") || path.starts_with("dist-dynamic/dist/")) && is_js(path);
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string_view take_ident(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && ident_char(s[n])) ++n;
  return s.substr(0, n);
}

/// What one built JavaScript file exports, read line by line from the
/// shapes rollup/esbuild write for Backstage packages.
struct ExportInfo {
  bool default_export = false;
  std::set<std::string> named;
};

void add_name(ExportInfo& info, std::string_view name) {
  if (name.empty() || name == "__esModule") return;
  if (name == "default") {
    info.default_export = true;
  } else if (info.named.size() < kMaxNamedExports) {
    info.named.emplace(name);
  }
}

/// `{ a, b as c, d as default }` -> c, default, ... (the exported names).
void read_export_list(ExportInfo& info, std::string_view list) {
  std::size_t i = 0;
  while (i < list.size()) {
    auto comma = list.find(',', i);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(i, comma - i);
    i = comma + 1;
    while (!item.empty() && (item.front() == ' ' || item.front() == '\n' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\n' || item.back() == '\t')) item.remove_suffix(1);
    if (const auto as = item.rfind(" as "); as != std::string_view::npos) item = item.substr(as + 4);
    item = skip_spaces(item);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'')) item = item.substr(1, item.size() - 2);
    add_name(info, take_ident(item));
  }
}

ExportInfo read_exports(std::string_view code) {
  ExportInfo info;
  std::size_t pos = 0;
  while (pos < code.size()) {
    auto nl = code.find('\n', pos);
    if (nl == std::string_view::npos) nl = code.size();
    std::string_view line = skip_spaces(code.substr(pos, nl - pos));
    const std::size_t line_start = pos;
    pos = nl + 1;
    if (line.starts_with("exports.")) {
      const std::string_view name = take_ident(line.substr(8));
      if (skip_spaces(line.substr(8 + name.size())).starts_with("=")) add_name(info, name);
    } else if (line.starts_with("exports[\"default\"]") || line.starts_with("exports['default']") ||
               line.starts_with("module.exports.default")) {
      info.default_export = true;
    } else if (line.starts_with("Object.defineProperty(exports,")) {
      std::string_view rest = skip_spaces(line.substr(30));
      if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) add_name(info, take_ident(rest.substr(1)));
    } else if (line.starts_with("export default")) {
      info.default_export = true;
    } else if (line.starts_with("export {") || line.starts_with("export{")) {
      const auto open = code.find('{', line_start);
      const auto close = code.find('}', open);
      if (open != std::string_view::npos && close != std::string_view::npos && close - open < 64 * 1024) {
        read_export_list(info, code.substr(open + 1, close - open - 1));
        pos = std::max(pos, close + 1);
      }
    } else if (line.starts_with("export ")) {
      std::string_view rest = skip_spaces(line.substr(7));
      for (const std::string_view kw : {"async ", "function* ", "function ", "class ", "const ", "let ", "var "}) {
        if (rest.starts_with(kw)) {
          rest = skip_spaces(rest.substr(kw.size()));
          if (kw == "async ") {
            if (!rest.starts_with("function")) break;
            rest = skip_spaces(rest.substr(8));
            if (rest.starts_with("*")) rest = skip_spaces(rest.substr(1));
          }
          add_name(info, take_ident(rest));
          break;
        }
      }
    }
  }
  return info;
}

bool contains_call(std::string_view code, std::string_view name) {
  // `name(` not preceded by an identifier character (createPlugin vs
  // createBackendPlugin is told apart by the name itself).
  std::size_t at = code.find(name);
  while (at != std::string_view::npos) {
    const bool starts = at == 0 || !ident_char(code[at - 1]);
    const std::size_t after = at + name.size();
    if (starts && after < code.size() && code[after] == '(') return true;
    at = code.find(name, at + 1);
  }
  return false;
}

void scan_markers(std::string_view code, CodeMarkers& m) {
  m.create_backend_plugin = m.create_backend_plugin || contains_call(code, "createBackendPlugin");
  m.create_backend_module = m.create_backend_module || contains_call(code, "createBackendModule");
  m.create_frontend_plugin = m.create_frontend_plugin || contains_call(code, "createFrontendPlugin") ||
                             contains_call(code, "createFrontendModule");
  m.create_plugin = m.create_plugin || contains_call(code, "createPlugin");
}

/// "./dist/../dist/index.js" relative to `base` ("" or "alpha") -> "dist/index.js";
/// empty when it leaves the package.
std::string normalize_relative(std::string_view base, std::string_view target) {
  std::vector<std::string> parts;
  auto push = [&](std::string_view path) {
    std::size_t i = 0;
    while (i <= path.size()) {
      auto slash = path.find('/', i);
      if (slash == std::string_view::npos) slash = path.size();
      const std::string_view part = path.substr(i, slash - i);
      if (part == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.emplace_back(part);
      }
      i = slash + 1;
    }
    return true;
  };
  if (!push(base) || !push(target)) return {};
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

/// The file a conditional `exports` value points at for `require`, else
/// default, import, node (as Backstage's loader would require it).
std::optional<std::string> export_target(const json::value& v, int depth = 0) {
  if (depth > 6) return std::nullopt;
  if (const auto* s = v.if_string()) return std::string(s->data(), s->size());
  if (const auto* a = v.if_array()) {
    for (const auto& item : *a) {
      if (auto t = export_target(item, depth + 1)) return t;
    }
    return std::nullopt;
  }
  if (const auto* o = v.if_object()) {
    for (const char* key : {"require", "default", "node", "import"}) {
      if (const auto* inner = o->if_contains(key)) {
        if (auto t = export_target(*inner, depth + 1)) return t;
      }
    }
  }
  return std::nullopt;
}

std::map<std::string, std::string> entry_files_from_exports(const json::value& exports) {
  std::map<std::string, std::string> out;
  const auto* object = exports.if_object();
  const bool subpaths = object != nullptr && !object->empty() && object->begin()->key().starts_with(".");
  if (!subpaths) {
    if (auto t = export_target(exports)) out["."] = *t;
    return out;
  }
  for (const auto& kv : *object) {
    const std::string key(kv.key().data(), kv.key().size());
    if (!key.starts_with(".") || key.find('*') != std::string::npos || key == "./package.json") continue;
    if (auto t = export_target(kv.value())) out[key] = *t;
    if (out.size() >= kMaxEntryPoints) break;
  }
  return out;
}

struct Collected {
  std::optional<std::string> package_json;
  std::map<std::string, std::string> json_files;  // other .json files (bounded)
  std::size_t json_bytes = 0;
  std::optional<std::string> changelog;
  std::string changelog_path;
  bool changelog_truncated = false;
  std::map<std::string, ExportInfo> exports;  // code files
  CodeMarkers markers;
};

bool wanted(const TarEntry& e) {
  if (e.path == "package.json") return true;
  if (ends_with(e.path, ".json")) return e.size <= kMaxJsonFileBytes && !e.path.starts_with("node_modules/");
  if (is_code_path(e.path)) return true;
  std::string lower = e.path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "changelog.md";
}

void collect(Collected& c, const TarEntry& e, std::string content) {
  if (e.path == "package.json") {
    c.package_json = std::move(content);
  } else if (ends_with(e.path, ".json")) {
    if (c.json_bytes + content.size() <= kMaxJsonTotalBytes) {
      c.json_bytes += content.size();
      c.json_files[e.path] = std::move(content);
    }
  } else if (is_code_path(e.path)) {
    ExportInfo info = read_exports(content);
    scan_markers(content, c.markers);
    c.exports[e.path] = std::move(info);
  } else {
    // Prefer the exact name when a package has both spellings.
    if (c.changelog && c.changelog_path == "CHANGELOG.md") return;
    if (content.size() > kMaxReadChangelogBytes) {
      const auto cut = content.rfind('\n', kMaxReadChangelogBytes);
      content.resize(cut == std::string::npos ? kMaxReadChangelogBytes : cut + 1);
      c.changelog_truncated = true;
    } else {
      c.changelog_truncated = false;
    }
    c.changelog = std::move(content);
    c.changelog_path = e.path;
  }
}

bool is_json_object(std::string_view text) {
  return json_object_members(text, {}, ParseLimits{kMaxJsonFileBytes, 64, 20000}, "config schema").ok();
}

}  // namespace

Result<PackageContents> read_package_contents(std::string_view archive, const ExtractLimits& limits,
                                              std::stop_token stop) {
  Collected c;
  auto report = scan_tarball(
      archive, limits, wanted, [&](const TarEntry& e, std::string content) { collect(c, e, std::move(content)); },
      std::move(stop));
  if (!report) return std::move(report).error();

  PackageContents out;
  if (!c.package_json) {
    return make_error(ErrorCode::kNotFound, "the tarball has no package.json at the package root")
        .with("file", "package.json");
  }
  auto manifest = parse_manifest(*c.package_json);
  if (!manifest) return std::move(manifest).error().with("file", "package.json");
  out.manifest = std::move(*manifest);

  // What parse_manifest does not keep: configSchema and the exports map.
  // Read through the model's bounded parser, as JSON text per member, then
  // parsed again here (the members are no deeper than the document was).
  static constexpr std::string_view kExtraMembers[] = {"configSchema", "exports"};
  const auto extra = json_object_members(*c.package_json, kExtraMembers, ParseLimits{}, "package.json");
  json::object members;
  const json::object* pkg = nullptr;
  if (extra) {
    json::parse_options options;
    options.max_depth = ParseLimits{}.max_depth;
    for (const auto& [key, text] : *extra) {
      json::error_code ec;
      json::value v = json::parse(text, ec, {}, options);
      if (!ec) members[key] = std::move(v);
    }
    pkg = &members;
  }

  std::set<std::string> paths;
  for (const TarEntry& e : report->entries) paths.insert(e.path);
  out.has_config_d_ts = paths.contains("config.d.ts");
  out.has_dist_dynamic = std::any_of(report->entries.begin(), report->entries.end(),
                                     [](const TarEntry& e) { return e.path.starts_with("dist-dynamic/"); });

  // The config schema.
  std::optional<std::string> inline_schema;
  if (pkg != nullptr) {
    if (const auto* ref = pkg->if_contains("configSchema")) {
      if (const auto* s = ref->if_string()) {
        out.config_schema_ref = normalize_relative("", std::string_view(s->data(), s->size()));
      } else if (ref->is_object()) {
        out.config_schema_ref = "(inline)";
        // The text the model serialised from its exact parse: numbers as
        // written, not as read back here.
        inline_schema = extra->find("configSchema")->second;
      }
    }
  }
  auto use_schema = [&](const std::string& path) {
    auto it = c.json_files.find(path);
    if (it == c.json_files.end() || !is_json_object(it->second)) return false;
    out.config_schema = it->second;
    out.config_schema_path = path;
    return true;
  };
  if (!(ends_with(out.config_schema_ref, ".json") && use_schema(out.config_schema_ref)) &&
      !use_schema("config.schema.json")) {
    if (inline_schema) {
      out.config_schema = *inline_schema;
      out.config_schema_path = "(inline)";
    } else {
      use_schema("dist-dynamic/dist/configSchema.json");
    }
  }

  if (auto it = c.json_files.find("dist-dynamic/package.json"); it != c.json_files.end()) {
    if (auto dynamic = parse_manifest(it->second)) out.dynamic_manifest = std::move(*dynamic);
  }

  // Entry points: `exports` when present (node ignores everything else
  // then), else `main` and legacy `<subpath>/package.json` redirects.
  std::map<std::string, std::string> entries;
  const json::value* exports = pkg != nullptr ? pkg->if_contains("exports") : nullptr;
  if (exports != nullptr && !exports->is_null()) {
    for (auto& [subpath, target] : entry_files_from_exports(*exports)) {
      entries[subpath] = normalize_relative("", target);
    }
  } else {
    entries["."] = normalize_relative("", out.manifest.main.empty() ? "index.js" : out.manifest.main);
    for (const auto& [path, text] : c.json_files) {
      const auto slash = path.find('/');
      if (slash == std::string::npos || path.substr(slash) != "/package.json" || path.starts_with("dist-dynamic/") ||
          entries.size() >= kMaxEntryPoints) {
        continue;
      }
      auto redirect = parse_manifest(text);
      if (!redirect || redirect->main.empty()) continue;
      const std::string folder = path.substr(0, slash);
      entries["./" + folder] = normalize_relative(folder, redirect->main);
    }
  }
  for (auto& [subpath, file] : entries) {
    EntryPoint ep;
    ep.subpath = subpath;
    if (is_js(file)) {
      ep.file = file;
      ep.present = paths.contains(file);
      if (auto it = c.exports.find(file); it != c.exports.end()) {
        ep.default_export = it->second.default_export;
        ep.named_exports.assign(it->second.named.begin(), it->second.named.end());
      }
    }
    out.entry_points.push_back(std::move(ep));
  }
  // "." sorts first already ('.' < '/'); keep that explicit for readers.
  std::stable_sort(out.entry_points.begin(), out.entry_points.end(),
                   [](const EntryPoint& a, const EntryPoint& b) { return (a.subpath == ".") > (b.subpath == "."); });

  out.markers = c.markers;
  for (const EntryPoint& ep : out.entry_points) {
    for (const std::string& name : ep.named_exports) {
      out.markers.create_router = out.markers.create_router || name == "createRouter";
      out.markers.dynamic_plugin_installer = out.markers.dynamic_plugin_installer || name == "dynamicPluginInstaller";
    }
  }
  out.changelog = std::move(c.changelog);
  out.changelog_truncated = c.changelog_truncated;
  out.report = std::move(*report);
  return out;
}

PluginSystem backend_system_from_code(const PackageContents& contents) noexcept {
  const EntryPoint* root = nullptr;
  bool other_default = false;
  bool root_router = false;
  for (const EntryPoint& ep : contents.entry_points) {
    if (ep.subpath == ".") {
      root = &ep;
      root_router = std::find(ep.named_exports.begin(), ep.named_exports.end(), "createRouter") !=
                    ep.named_exports.end();
    } else if (ep.default_export) {
      other_default = true;
    }
  }
  const CodeMarkers& m = contents.markers;
  const bool new_factory = m.create_backend_plugin || m.create_backend_module;
  const bool legacy = m.create_router || m.dynamic_plugin_installer || root_router;
  if (root != nullptr && root->default_export && new_factory) {
    return legacy ? PluginSystem::kTransitional : PluginSystem::kNew;
  }
  if (other_default && new_factory) return PluginSystem::kTransitional;
  if (legacy) return new_factory ? PluginSystem::kTransitional : PluginSystem::kLegacy;
  return PluginSystem::kNotApplicable;
}

}  // namespace callboard
