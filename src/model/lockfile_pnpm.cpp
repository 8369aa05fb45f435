// pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x, through the bounded
// YAML reader. The three formats differ in how a package is keyed:
//   5.x  packages: {"/@scope/a/1.2.3_react@18.2.0": ...}
//   6.x  packages: {"/@scope/a@1.2.3(react@18.2.0)": ...}
//   9.x  packages: {"@scope/a@1.2.3": ...}, peer variants under `snapshots`
// and in how an importer names what it resolved to (5.x: `specifiers` next
// to `dependencies: {a: 1.2.3}`; 6.x and 9.x: `{specifier, version}`).

#include <algorithm>
#include <cstddef>
#include <exception>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/semver.hpp"
#include "model/lockfile.hpp"
#include "model/yaml_detail.hpp"

namespace callboard::model_detail {
namespace {

// A pnpm lockfile holds about 10 YAML nodes per package and importer
// dependency; this admits well over 100,000 packages while capping the DOM
// for hostile input, as the berry reader does.
constexpr std::size_t kMaxPnpmNodes = 2'000'000;

// "1.2.3(react@18.2.0)(b@1.0.0)" and 5.x's "1.2.3_react@18.2.0" -> "1.2.3".
// Neither '(' nor '_' can occur in a semver version.
std::string_view strip_peer_suffix(std::string_view version) {
  const std::size_t at = version.find_first_of("(_");
  return at == std::string_view::npos ? version : version.substr(0, at);
}

struct NameVersion {
  std::string_view name;
  std::string_view version;
};

// A registry package: its name and canonical version.
struct Package {
  std::string_view name;
  std::string version;
};

// A package path of 5.x: "/a/1.2.3..." or "/@scope/a/1.2.3...", without the
// leading '/'.
std::optional<NameVersion> split_v5_path(std::string_view path) {
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  if (path.starts_with('@')) {
    slash = path.find('/', slash + 1);
    if (slash == std::string_view::npos) return std::nullopt;
  }
  NameVersion nv{path.substr(0, slash), strip_peer_suffix(path.substr(slash + 1))};
  if (nv.name.empty() || nv.name == "@") return std::nullopt;
  return nv;
}

// A package key or an importer's resolved version in `major`'s form, as a
// registry (name, version); nullopt for anything else (links, files, git,
// tarball URLs). `importer_name` is the dependency's name when reading an
// importer, whose version usually omits it.
std::optional<Package> registry_package(std::string_view text, int major, std::string_view importer_name) {
  if (!importer_name.empty()) {
    if (auto version = registry_version(strip_peer_suffix(text))) return Package{importer_name, std::move(*version)};
    // An alias resolves to another name: 5.x/6.x "/a/1.0.0" or "/a@1.0.0",
    // 9.x "a@1.0.0".
  }
  std::optional<NameVersion> nv;
  if (major < 9) {
    if (!text.starts_with('/')) return std::nullopt;  // "file:", "link:", "github.com/...", tarball hosts
    text.remove_prefix(1);
    if (major == 5) {
      nv = split_v5_path(text);
    }
  }
  if (!nv) {
    const auto d = split_descriptor(text);
    if (!d || d->range.empty()) return std::nullopt;
    nv = NameVersion{d->name, strip_peer_suffix(d->range)};
  }
  auto version = registry_version(nv->version);
  if (!version) return std::nullopt;
  return Package{nv->name, std::move(*version)};
}

class PnpmReader {
 public:
  explicit PnpmReader(std::string_view file) : file_(file) {}

  Result<std::vector<LockedPackage>> run(const YamlNode& root) {
    if (root.is_null()) return fail(root, "", "empty document; not a pnpm-lock.yaml");
    if (!root.is_mapping()) return fail(root, "", "expected a mapping at the top level");
    const YamlNode* version = root.find("lockfileVersion");
    if (version == nullptr) return fail(root, "lockfileVersion", "missing; not a pnpm-lock.yaml");
    if (!version->is_scalar() || version->is_null()) {
      return fail(*version, "lockfileVersion", "expected a version such as '9.0'");
    }
    const std::string_view text = version->text;
    const std::string_view major_text = text.substr(0, text.find('.'));
    if (major_text == "5") {
      major_ = 5;
    } else if (major_text == "6") {
      major_ = 6;
    } else if (major_text == "9") {
      major_ = 9;
    } else {
      return fail(*version, "lockfileVersion",
                  "unsupported lockfileVersion '" + std::string(text) + "' (this reader knows 5.x, 6.x and 9.x)");
    }

    if (const YamlNode* packages = root.find("packages"); packages != nullptr && !packages->is_null()) {
      if (!packages->is_mapping()) return fail(*packages, "packages", "expected a mapping of packages");
      if (auto r = read_packages(*packages); !r) return std::move(r).error();
    }
    // Before 9.x a project without workspaces keeps its one importer's
    // members at the top level.
    if (const YamlNode* importers = root.find("importers"); importers != nullptr && !importers->is_null()) {
      if (!importers->is_mapping()) return fail(*importers, "importers", "expected a mapping of importers");
      for (std::size_t i = 0; i < importers->keys.size(); ++i) {
        const YamlNode& importer = importers->children[i];
        if (importer.is_null()) continue;
        if (!importer.is_mapping()) {
          return yaml_mark_error(importers->key_marks[i], file_, file_, importers->keys[i], "expected a mapping");
        }
        if (auto r = read_importer(importer); !r) return std::move(r).error();
      }
    } else if (auto r = read_importer(root); !r) {
      return std::move(r).error();
    }

    std::vector<LockedPackage> out;
    out.reserve(packages_.size());
    for (auto& [key, p] : packages_) out.push_back(std::move(p));
    merge_by_version(out);
    return out;
  }

 private:
  Error fail(const YamlNode& node, std::string_view field, std::string message) const {
    return yaml_node_error(node, file_, file_, field, std::move(message));
  }

  Result<void> read_packages(const YamlNode& packages) {
    for (std::size_t i = 0; i < packages.keys.size(); ++i) {
      const std::string& key = packages.keys[i];
      const YamlNode& entry = packages.children[i];
      const YamlNode::Mark mark = packages.key_marks[i];
      if (!entry.is_mapping()) return yaml_mark_error(mark, file_, file_, key, "expected a mapping");
      const auto nv = registry_package(key, major_, {});
      if (!nv) continue;
      const YamlNode* resolution = entry.find("resolution");
      if (resolution == nullptr) return yaml_mark_error(mark, file_, file_, key, "has no 'resolution'");
      if (!resolution->is_mapping()) return fail(*resolution, key, "expected a 'resolution' mapping");
      // git and local-folder resolutions: not registry packages whatever
      // the key says. A `tarball` alone is kept: pnpm writes one for a
      // registry whose tarball paths are not the standard ones.
      if (resolution->find("type") != nullptr || resolution->find("repo") != nullptr ||
          resolution->find("directory") != nullptr) {
        continue;
      }
      std::string integrity;
      if (const YamlNode* v = resolution->find("integrity"); v != nullptr && !v->is_null()) {
        if (!v->is_scalar()) return fail(*v, key, "expected an 'integrity' string");
        integrity = v->text;
      }
      if (packages_.size() >= kMaxLockedPackages) {
        return make_error(ErrorCode::kResourceExhausted, std::string(file_) + ": more than " +
                                                             std::to_string(kMaxLockedPackages) + " locked packages")
            .with("file", std::string(file_));
      }
      std::string id = std::string(nv->name) + "@" + nv->version;
      auto [it, inserted] = packages_.try_emplace(std::move(id));
      if (inserted) {
        it->second.name = std::string(nv->name);
        it->second.version = nv->version;
      }
      // Peer variants of one version (6.x) share its integrity.
      if (it->second.integrity.empty()) it->second.integrity = std::move(integrity);
    }
    return ok_result();
  }

  Result<void> read_importer(const YamlNode& importer) {
    const YamlNode* specifiers = nullptr;  // 5.x only
    if (major_ == 5) {
      specifiers = importer.find("specifiers");
      if (specifiers != nullptr && !specifiers->is_null() && !specifiers->is_mapping()) {
        return fail(*specifiers, "specifiers", "expected a mapping");
      }
    }
    for (const std::string_view group : {"dependencies", "devDependencies", "optionalDependencies"}) {
      const YamlNode* deps = importer.find(group);
      if (deps == nullptr || deps->is_null()) continue;
      if (!deps->is_mapping()) return fail(*deps, group, "expected a mapping of dependencies");
      for (std::size_t i = 0; i < deps->keys.size(); ++i) {
        const std::string& name = deps->keys[i];
        const YamlNode& dep = deps->children[i];
        const YamlNode* specifier = nullptr;
        const YamlNode* version = nullptr;
        if (dep.is_mapping()) {
          specifier = dep.find("specifier");
          version = dep.find("version");
        } else if (dep.is_scalar() && major_ == 5) {
          version = &dep;
          if (specifiers != nullptr) specifier = specifiers->find(name);
        } else {
          return yaml_mark_error(deps->key_marks[i], file_, file_, name,
                                 major_ == 5 ? "expected a version" : "expected a mapping {specifier, version}");
        }
        if (version == nullptr || version->is_null()) {
          return yaml_mark_error(deps->key_marks[i], file_, file_, name, "has no 'version'");
        }
        if (!version->is_scalar()) return fail(*version, name, "expected a 'version' string");
        if (specifier == nullptr || specifier->is_null()) continue;  // nothing to record
        if (!specifier->is_scalar()) return fail(*specifier, name, "expected a 'specifier' string");
        const auto nv = registry_package(version->text, major_, name);
        if (!nv) continue;
        const auto it = packages_.find(std::string(nv->name) + "@" + nv->version);
        if (it == packages_.end()) continue;  // not a registry package (or not listed)
        std::string descriptor = specifier->text;
        // An alias written without the protocol would read as a range of
        // the real name; mark it the way yarn writes aliases.
        if (nv->name != name && !descriptor.starts_with("npm:")) {
          descriptor = "npm:" + std::string(nv->name) + "@" + descriptor;
        }
        it->second.descriptors.push_back(std::move(descriptor));
      }
    }
    return ok_result();
  }

  std::string_view file_;
  int major_ = 9;
  // "name@version" -> its entry; descriptors gathered from the importers.
  std::map<std::string, LockedPackage, std::less<>> packages_;
};

}  // namespace

Result<std::vector<LockedPackage>> parse_pnpm_lock(std::string_view text, std::string_view file,
                                                   const ParseLimits& limits) {
  try {
    YamlLimits yaml_limits;
    yaml_limits.max_bytes = limits.max_document_bytes;
    yaml_limits.max_depth = limits.max_depth;
    yaml_limits.max_nodes = kMaxPnpmNodes;
    auto root = parse_yaml(text, file, file, yaml_limits);
    if (!root) return std::move(root).error();
    return PnpmReader(file).run(*root);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(file) + ": out of memory")
        .with("file", std::string(file));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(file) + ": " + e.what()).with("file", std::string(file));
  }
}

}  // namespace callboard::model_detail
