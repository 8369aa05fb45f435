// package.json <-> Manifest.
//
// Reading is tolerant the way npm is with real registry data: a field of an
// unexpected type is skipped rather than failing the whole document (old
// packages carry `engines` arrays, `keywords` strings, `license` objects,
// non-string dependency values). Only invalid JSON and a top level that is
// not an object are errors.
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "callboard/model.hpp"

#include "model/json_detail.hpp"

namespace callboard {
namespace model_detail {
namespace {

constexpr std::string_view kManifestWhat = "package.json";

template <typename Map>
void read_string_map(const json::value& v, Map& out) {
  const auto* obj = v.if_object();
  if (obj == nullptr) return;
  for (const auto& kv : *obj) {
    const auto s = string_of(kv.value());
    if (!s) continue;
    const auto key = key_of(kv);
    // Dependency maps are almost always written sorted, so appending at the
    // end is the common case: one comparison instead of a tree search.
    // (Keys are unique here: the DOM already kept the last of repeated keys.)
    if (out.empty() || std::prev(out.end())->first < key) {
      out.emplace_hint(out.end(), std::piecewise_construct, std::forward_as_tuple(key),
                       std::forward_as_tuple(*s));
    } else {
      out.insert_or_assign(std::string(key), std::string(*s));
    }
  }
}

void read_string_array(const json::value& v, std::vector<std::string>& out) {
  const auto* arr = v.if_array();
  if (arr == nullptr) return;
  out.reserve(arr->size());
  for (const auto& item : *arr) {
    if (const auto s = string_of(item)) out.emplace_back(*s);
  }
}

bool is_keyword_separator(char c) noexcept {
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// npm's normalize-package-data splits a string `keywords` on commas and whitespace.
void split_keywords(std::string_view text, std::vector<std::string>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_keyword_separator(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !is_keyword_separator(text[j])) ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
}

std::optional<std::uint64_t> read_count(const json::value& v) noexcept {
  if (const auto* u = v.if_uint64()) return *u;
  if (const auto* i = v.if_int64()) {
    if (*i >= 0) return static_cast<std::uint64_t>(*i);
    return std::nullopt;
  }
  if (const auto* d = v.if_double()) {
    // 2^64 as a double; anything at or above it does not fit.
    if (*d >= 0 && *d < 18446744073709551616.0 && std::floor(*d) == *d) {
      return static_cast<std::uint64_t>(*d);
    }
  }
  return std::nullopt;
}

// The `type` of a legacy license object ({type, url}), or the string itself.
std::optional<std::string_view> license_text(const json::value& v) {
  if (const auto s = string_of(v)) return s;
  if (const auto* obj = v.if_object()) {
    if (const auto* type = obj->if_contains("type")) return string_of(*type);
  }
  return std::nullopt;
}

std::string read_license(const json::value* license, const json::value* licenses) {
  if (license != nullptr) {
    if (const auto s = license_text(*license); s && !s->empty()) return std::string(*s);
  }
  if (licenses != nullptr) {
    std::string joined;
    auto add = [&joined](std::string_view s) {
      if (s.empty()) return;
      if (!joined.empty()) joined += " OR ";
      joined += s;
    };
    if (const auto* arr = licenses->if_array()) {
      for (const auto& item : *arr) {
        if (const auto s = license_text(item)) add(*s);
      }
    } else if (const auto s = license_text(*licenses)) {
      add(*s);
    }
    return joined;
  }
  return {};
}

Repository read_repository(const json::value& v) {
  Repository repo;
  if (const auto s = string_of(v)) {
    repo.url = *s;
  } else if (const auto* obj = v.if_object()) {
    for (const auto& kv : *obj) {
      const auto k = key_of(kv);
      const auto s = string_of(kv.value());
      if (!s) continue;
      if (k == "type") {
        repo.type = *s;
      } else if (k == "url") {
        repo.url = *s;
      } else if (k == "directory") {
        repo.directory = *s;
      }
    }
  }
  return repo;
}

// Subpaths whose exports entry has a `backstage` condition. `exports` may be
// a string (no conditions), an object of subpaths (keys starting with "."),
// or an object of conditions for "." itself (Node's rules).
void read_export_features(const json::value& v,
                          std::map<std::string, std::string, std::less<>>& out) {
  const auto* obj = v.if_object();
  if (obj == nullptr) return;
  bool subpaths = false;
  for (const auto& kv : *obj) {
    const auto k = key_of(kv);
    if (!k.empty() && k.front() == '.') {
      subpaths = true;
      break;
    }
  }
  auto condition_of = [](const json::value& conditions) -> std::optional<std::string_view> {
    const auto* c = conditions.if_object();
    if (c == nullptr) return std::nullopt;
    if (const auto* b = c->if_contains("backstage")) return string_of(*b);
    return std::nullopt;
  };
  if (!subpaths) {
    if (const auto f = condition_of(v)) out.insert_or_assign(".", std::string(*f));
    return;
  }
  for (const auto& kv : *obj) {
    const auto k = key_of(kv);
    if (k.empty() || k.front() != '.') continue;
    if (const auto f = condition_of(kv.value()))
      out.insert_or_assign(std::string(k), std::string(*f));
  }
}

// Returns the `supported-versions` found inside the field (some RHDH and
// community packages put it there rather than at the top level).
std::optional<std::string> read_backstage(const json::object& obj, BackstageMetadata& meta) {
  std::optional<std::string> supported;
  for (const auto& kv : obj) {
    const auto k = key_of(kv);
    const auto& v = kv.value();
    if (k == "role") {
      if (const auto s = string_of(v)) {
        if (const auto role = parse_package_role(*s)) {
          meta.role = role;
        } else {
          meta.unknown_role = *s;
        }
      }
    } else if (k == "pluginId") {
      if (const auto s = string_of(v)) {
        meta.plugin_id = std::string(*s);
      } else if (v.is_null()) {
        meta.plugin_id_null = true;
      }
    } else if (k == "pluginPackages") {
      read_string_array(v, meta.plugin_packages);
    } else if (k == "pluginPackage") {
      if (const auto s = string_of(v)) meta.plugin_package = std::string(*s);
    } else if (k == "peerModules") {
      read_string_array(v, meta.peer_modules);
    } else if (k == "features") {
      read_string_map(v, meta.features);
    } else if (k == "moved") {
      if (const auto s = string_of(v)) meta.moved = std::string(*s);
    } else if (k == "inline") {
      if (const auto* b = v.if_bool()) meta.inline_package = *b;
    } else if (k == "supported-versions") {
      if (const auto s = string_of(v)) supported = std::string(*s);
    }
  }
  return supported;
}

void read_dist(const json::object& obj, Dist& dist) {
  for (const auto& kv : obj) {
    const auto k = key_of(kv);
    const auto& v = kv.value();
    if (k == "tarball") {
      if (const auto s = string_of(v)) dist.tarball = *s;
    } else if (k == "integrity") {
      if (const auto s = string_of(v)) dist.integrity = *s;
    } else if (k == "shasum") {
      if (const auto s = string_of(v)) dist.shasum = *s;
    } else if (k == "unpackedSize") {
      dist.unpacked_size = read_count(v);
    } else if (k == "fileCount") {
      dist.file_count = read_count(v);
    }
  }
}

}  // namespace

void read_manifest(const json::object& object, bool read_published, Manifest& m) {
  const json::value* license = nullptr;
  const json::value* licenses = nullptr;
  std::optional<std::string> nested_supported;
  bool top_supported = false;

  for (const auto& kv : object) {
    const std::string_view k = key_of(kv);
    const json::value& v = kv.value();
    if (k.empty()) continue;
    // Dispatch on the first character first: a version entry has ~30
    // members and this runs for every one of them in every packument.
    switch (k.front()) {
      case '_':
        if (k == "_published" && read_published) {
          if (const auto s = string_of(v)) {
            if (const auto t = parse_timestamp(*s)) m.published = *t;
          }
        }
        break;
      case 'b':
        if (k == "backstage") {
          if (const auto* obj = v.if_object()) {
            m.backstage.emplace();
            nested_supported = read_backstage(*obj, *m.backstage);
          }
        }
        break;
      case 'd':
        if (k == "dependencies") {
          read_string_map(v, m.dependencies);
        } else if (k == "devDependencies") {
          read_string_map(v, m.dev_dependencies);
        } else if (k == "description") {
          if (const auto s = string_of(v)) m.description = *s;
        } else if (k == "deprecated") {
          // npm un-deprecates with ""; `true` appears in a few old documents.
          if (const auto s = string_of(v)) {
            if (!s->empty()) m.deprecated = std::string(*s);
          } else if (const auto* b = v.if_bool(); b != nullptr && *b) {
            m.deprecated = "deprecated";
          }
        } else if (k == "dist") {
          if (const auto* obj = v.if_object()) read_dist(*obj, m.dist);
        }
        break;
      case 'e':
        if (k == "engines") {
          read_string_map(v, m.engines);
        } else if (k == "exports") {
          read_export_features(v, m.export_features);
        }
        break;
      case 'h':
        if (k == "homepage") {
          if (const auto s = string_of(v)) m.homepage = *s;
        }
        break;
      case 'k':
        if (k == "keywords") {
          if (const auto s = string_of(v)) {
            split_keywords(*s, m.keywords);
          } else {
            read_string_array(v, m.keywords);
          }
        }
        break;
      case 'l':
        if (k == "license") {
          license = &v;
        } else if (k == "licenses") {
          licenses = &v;
        }
        break;
      case 'm':
        if (k == "main") {
          if (const auto s = string_of(v)) m.main = *s;
        } else if (k == "module") {
          if (const auto s = string_of(v)) m.module = *s;
        }
        break;
      case 'n':
        if (k == "name") {
          if (const auto s = string_of(v)) m.name = *s;
        }
        break;
      case 'o':
        if (k == "optionalDependencies") read_string_map(v, m.optional_dependencies);
        break;
      case 'p':
        if (k == "peerDependencies") {
          read_string_map(v, m.peer_dependencies);
        } else if (k == "peerDependenciesMeta") {
          if (const auto* obj = v.if_object()) {
            for (const auto& entry : *obj) {
              const auto* meta = entry.value().if_object();
              if (meta == nullptr) continue;
              PeerDependencyMeta pm;
              if (const auto* opt = meta->if_contains("optional")) {
                if (const auto* b = opt->if_bool()) pm.optional = *b;
              }
              m.peer_dependencies_meta.insert_or_assign(std::string(key_of(entry)), pm);
            }
          }
        } else if (k == "packageManager") {
          if (const auto s = string_of(v)) m.package_manager = *s;
        } else if (k == "private") {
          if (const auto* b = v.if_bool()) {
            m.private_package = *b;
          } else if (const auto s = string_of(v)) {
            m.private_package = *s == "true";
          }
        } else if (k == "publishConfig") {
          if (const auto* obj = v.if_object()) {
            for (const auto& entry : *obj) {
              const auto pk = key_of(entry);
              const auto s = string_of(entry.value());
              if (!s) continue;
              if (pk == "main") {
                m.publish_main = *s;
              } else if (pk == "module") {
                m.publish_module = *s;
              } else if (pk == "types") {
                m.publish_types = *s;
              }
            }
          }
        }
        break;
      case 'r':
        if (k == "repository") m.repository = read_repository(v);
        break;
      case 's':
        if (k == "scripts") {
          read_string_map(v, m.scripts);
        } else if (k == "supported-versions") {
          if (const auto s = string_of(v)) {
            m.supported_versions = std::string(*s);
            top_supported = true;
          }
        }
        break;
      case 't':
        if (k == "types") {
          if (const auto s = string_of(v)) m.types = *s;
        }
        break;
      case 'v':
        if (k == "version") {
          if (const auto s = string_of(v)) m.version = *s;
        }
        break;
      case 'w':
        if (k == "workspaces") {
          if (const auto* obj = v.if_object()) {
            if (const auto* packages = obj->if_contains("packages"))
              read_string_array(*packages, m.workspaces);
          } else {
            read_string_array(v, m.workspaces);
          }
        }
        break;
      default: break;
    }
  }
  m.license = read_license(license, licenses);
  if (!top_supported && nested_supported) m.supported_versions = std::move(nested_supported);
}

namespace {

template <typename Map>
void write_string_map(Writer& w, std::string_view key, const Map& map) {
  if (map.empty()) return;
  w.key(key);
  w.begin_object();
  for (const auto& [k, v] : map) {
    w.key(k);
    w.string(v);
  }
  w.end_object();
}

void write_string_array(Writer& w, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.key(key);
  w.begin_array();
  for (const auto& item : items) w.string(item);
  w.end_array();
}

void write_backstage(Writer& w, const BackstageMetadata& meta) {
  w.begin_object();
  if (meta.role) {
    w.field("role", to_string(*meta.role));
  } else {
    w.field_nonempty("role", meta.unknown_role);
  }
  if (meta.plugin_id) {
    w.field("pluginId", *meta.plugin_id);
  } else if (meta.plugin_id_null) {
    w.key("pluginId");
    w.null();
  }
  write_string_array(w, "pluginPackages", meta.plugin_packages);
  if (meta.plugin_package) w.field("pluginPackage", *meta.plugin_package);
  write_string_array(w, "peerModules", meta.peer_modules);
  write_string_map(w, "features", meta.features);
  if (meta.moved) w.field("moved", *meta.moved);
  if (meta.inline_package) {
    w.key("inline");
    w.boolean(true);
  }
  w.end_object();
}

}  // namespace

void write_manifest(Writer& w, const Manifest& m, bool with_published) {
  w.begin_object();
  w.field("name", m.name);
  w.field("version", m.version);
  w.field_nonempty("description", m.description);
  write_string_array(w, "keywords", m.keywords);
  w.field_nonempty("license", m.license);
  w.field_nonempty("homepage", m.homepage);
  if (m.repository != Repository{}) {
    w.key("repository");
    w.begin_object();
    w.field_nonempty("type", m.repository.type);
    w.field_nonempty("url", m.repository.url);
    w.field_nonempty("directory", m.repository.directory);
    w.end_object();
  }
  if (m.deprecated) w.field("deprecated", *m.deprecated);
  if (m.private_package) {
    w.key("private");
    w.boolean(true);
  }
  w.field_nonempty("main", m.main);
  w.field_nonempty("module", m.module);
  w.field_nonempty("types", m.types);
  if (!m.publish_main.empty() || !m.publish_module.empty() || !m.publish_types.empty()) {
    w.key("publishConfig");
    w.begin_object();
    w.field_nonempty("main", m.publish_main);
    w.field_nonempty("module", m.publish_module);
    w.field_nonempty("types", m.publish_types);
    w.end_object();
  }
  if (!m.export_features.empty()) {
    w.key("exports");
    w.begin_object();
    for (const auto& [subpath, feature] : m.export_features) {
      w.key(subpath);
      w.begin_object();
      w.field("backstage", feature);
      w.end_object();
    }
    w.end_object();
  }
  write_string_map(w, "scripts", m.scripts);
  write_string_array(w, "workspaces", m.workspaces);
  w.field_nonempty("packageManager", m.package_manager);
  write_string_map(w, "dependencies", m.dependencies);
  write_string_map(w, "devDependencies", m.dev_dependencies);
  write_string_map(w, "peerDependencies", m.peer_dependencies);
  if (!m.peer_dependencies_meta.empty()) {
    w.key("peerDependenciesMeta");
    w.begin_object();
    for (const auto& [name, meta] : m.peer_dependencies_meta) {
      w.key(name);
      w.begin_object();
      w.key("optional");
      w.boolean(meta.optional);
      w.end_object();
    }
    w.end_object();
  }
  write_string_map(w, "optionalDependencies", m.optional_dependencies);
  write_string_map(w, "engines", m.engines);
  if (m.backstage) {
    w.key("backstage");
    write_backstage(w, *m.backstage);
  }
  if (m.supported_versions) w.field("supported-versions", *m.supported_versions);
  if (m.dist != Dist{}) {
    w.key("dist");
    w.begin_object();
    w.field_nonempty("tarball", m.dist.tarball);
    w.field_nonempty("integrity", m.dist.integrity);
    w.field_nonempty("shasum", m.dist.shasum);
    if (m.dist.unpacked_size) {
      w.key("unpackedSize");
      w.uint(*m.dist.unpacked_size);
    }
    if (m.dist.file_count) {
      w.key("fileCount");
      w.uint(*m.dist.file_count);
    }
    w.end_object();
  }
  if (with_published && m.published != Timestamp{})
    w.field("_published", format_timestamp(m.published));
  w.end_object();
}

}  // namespace model_detail

Result<Manifest> parse_manifest(std::string_view json_text, const ParseLimits& limits) {
  using namespace model_detail;
  return parse_object_document(json_text, limits, kManifestWhat, SkipProfile::kManifest,
                               [](const json::object& top) -> Result<Manifest> {
                                 Manifest m;
                                 read_manifest(top, true, m);
                                 return m;
                               });
}

std::string to_json(const Manifest& manifest) {
  model_detail::Writer w;
  model_detail::write_manifest(w, manifest, true);
  return w.take();
}

}  // namespace callboard
