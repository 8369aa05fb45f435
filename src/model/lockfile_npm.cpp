// package-lock.json / npm-shrinkwrap.json (lockfileVersion 1, 2 and 3), and
// the helpers both lockfile readers share.

#include <algorithm>
#include <compare>
#include <cstddef>
#include <exception>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include "callboard/semver.hpp"
#include "model/json_detail.hpp"
#include "model/lockfile.hpp"

namespace callboard::model_detail {

std::optional<Descriptor> split_descriptor(std::string_view text) noexcept {
  // A scoped name starts with '@', so the separator is the first '@' after
  // the first character.
  const std::size_t at = text.size() > 1 ? text.find('@', 1) : std::string_view::npos;
  Descriptor d;
  if (at == std::string_view::npos) {
    d.name = text;
  } else {
    d.name = text.substr(0, at);
    d.range = text.substr(at + 1);
  }
  if (d.name.empty()) return std::nullopt;
  return d;
}

namespace {

// A version's place in the order: parsed once, so sorting costs no parses.
struct SortKey {
  std::optional<semver::Version> version;
};

std::strong_ordering compare_versions(const LockedPackage& a, const SortKey& ka, const LockedPackage& b,
                                      const SortKey& kb) noexcept {
  if (ka.version && kb.version) return semver::sort_order(*ka.version, *kb.version);
  if (ka.version.has_value() != kb.version.has_value()) {
    return ka.version ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return a.version.compare(b.version) <=> 0;
}

bool prefer_integrity(const LockedPackage& a, const LockedPackage& b) noexcept {
  if (a.integrity.empty() != b.integrity.empty()) return !a.integrity.empty();
  return a.integrity < b.integrity;
}

}  // namespace

std::optional<std::string> registry_version(std::string_view text) {
  if (text.empty() || text.size() > semver::kMaxVersionLength) return std::nullopt;
  auto v = semver::Version::parse(text);
  if (!v) return std::nullopt;
  return v->to_string_with_build();
}

void sort_locked(std::vector<LockedPackage>& packages) {
  std::vector<SortKey> keys(packages.size());
  for (std::size_t i = 0; i < packages.size(); ++i) {
    auto v = semver::Version::parse(packages[i].version);
    if (v) keys[i].version = std::move(*v);
  }
  std::vector<std::size_t> order(packages.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const LockedPackage& a = packages[i];
    const LockedPackage& b = packages[j];
    if (a.name != b.name) return a.name < b.name;
    if (a.host_level != b.host_level) return a.host_level;
    if (const auto c = compare_versions(a, keys[i], b, keys[j]); c != std::strong_ordering::equal) {
      return c == std::strong_ordering::less;
    }
    if (a.path != b.path) return a.path < b.path;
    if (a.integrity != b.integrity) return prefer_integrity(a, b);
    return a.descriptors < b.descriptors;
  });
  std::vector<LockedPackage> sorted;
  sorted.reserve(packages.size());
  for (const std::size_t i : order) sorted.push_back(std::move(packages[i]));
  packages = std::move(sorted);
}

void deduplicate_by_path(std::vector<LockedPackage>& packages) {
  std::sort(packages.begin(), packages.end(), [](const LockedPackage& a, const LockedPackage& b) {
    if (a.path != b.path) return a.path < b.path;
    return prefer_integrity(a, b);
  });
  packages.erase(std::unique(packages.begin(), packages.end(),
                             [](const LockedPackage& a, const LockedPackage& b) { return a.path == b.path; }),
                 packages.end());
  sort_locked(packages);
}

void merge_by_version(std::vector<LockedPackage>& packages) {
  std::sort(packages.begin(), packages.end(), [](const LockedPackage& a, const LockedPackage& b) {
    if (a.name != b.name) return a.name < b.name;
    if (a.version != b.version) return a.version < b.version;
    return prefer_integrity(a, b);
  });
  std::vector<LockedPackage> merged;
  merged.reserve(packages.size());
  for (auto& p : packages) {
    if (!merged.empty() && merged.back().name == p.name && merged.back().version == p.version) {
      auto& into = merged.back().descriptors;
      into.insert(into.end(), std::make_move_iterator(p.descriptors.begin()),
                  std::make_move_iterator(p.descriptors.end()));
      continue;
    }
    merged.push_back(std::move(p));
  }
  for (auto& p : merged) {
    std::sort(p.descriptors.begin(), p.descriptors.end());
    p.descriptors.erase(std::unique(p.descriptors.begin(), p.descriptors.end()), p.descriptors.end());
  }
  packages = std::move(merged);
  sort_locked(packages);
}

void decide_host_level(std::vector<LockedPackage>& packages, const RangesByName& root_ranges,
                       const RangesByName& workspace_ranges, bool direct_only) {
  // Ranks one version of a name; the highest rank is host-level.
  struct Rank {
    bool root = false;
    bool workspace = false;
    std::size_t count = 0;
    auto operator<=>(const Rank&) const = default;
  };
  auto writes = [](const RangesByName& ranges, const LockedPackage& p) {
    const auto it = ranges.find(p.name);
    if (it == ranges.end()) return false;
    return std::any_of(p.descriptors.begin(), p.descriptors.end(),
                       [&](const std::string& d) { return !d.starts_with("npm:") && it->second.contains(d); });
  };
  for (auto& p : packages) p.host_level = false;
  std::size_t begin = 0;
  while (begin < packages.size()) {
    std::size_t end = begin + 1;
    while (end < packages.size() && packages[end].name == packages[begin].name) ++end;
    std::optional<std::size_t> best;
    Rank best_rank;
    std::optional<semver::Version> best_version;
    for (std::size_t i = begin; i < end; ++i) {
      const LockedPackage& p = packages[i];
      const std::size_t direct = static_cast<std::size_t>(std::count_if(
          p.descriptors.begin(), p.descriptors.end(), [](const std::string& d) { return !d.starts_with("npm:"); }));
      // Reached only through aliases: installed under other names, so
      // node_modules/<name> does not hold it.
      if (!p.descriptors.empty() && direct == 0) continue;
      if (direct_only && direct == 0) continue;
      const Rank rank{writes(root_ranges, p), writes(workspace_ranges, p), direct};
      auto version = semver::Version::parse(p.version);
      const bool higher = version && (!best_version || semver::sort_order(*version, *best_version) > 0);
      if (!best || rank > best_rank || (rank == best_rank && higher)) {
        best = i;
        best_rank = rank;
        best_version = version ? std::optional<semver::Version>(std::move(*version)) : std::nullopt;
      }
    }
    if (best) packages[*best].host_level = true;
    begin = end;
  }
  sort_locked(packages);
}

namespace {

namespace json = boost::json;

constexpr std::string_view kNodeModules = "node_modules/";

// Where `resolved` says the package came from something other than a
// registry tarball (git, a local folder, a link). Absent means registry:
// npm can be told to omit registry URLs from lockfiles.
bool is_non_registry_source(std::string_view resolved) {
  if (resolved.empty()) return false;
  return !(resolved.starts_with("https://") || resolved.starts_with("http://"));
}

class NpmReader {
 public:
  NpmReader(std::string_view file, std::vector<LockedPackage>& out) : file_(file), out_(out) {}

  Error fail(std::string_view pointer, std::string message) const {
    return pointer_error(file_, pointer, std::move(message)).with("file", std::string(file_));
  }

  Result<void> add(std::string name, std::string version, std::string integrity, std::string path) {
    if (out_.size() >= kMaxLockedPackages) {
      return make_error(ErrorCode::kResourceExhausted,
                        std::string(file_) + ": more than " + std::to_string(kMaxLockedPackages) +
                            " locked packages")
          .with("file", std::string(file_));
    }
    LockedPackage p;
    p.host_level = path.size() == kNodeModules.size() + name.size() && path.starts_with(kNodeModules) &&
                   path.ends_with(name);
    p.name = std::move(name);
    p.version = std::move(version);
    p.integrity = std::move(integrity);
    p.path = std::move(path);
    out_.push_back(std::move(p));
    return ok_result();
  }

  // An optional string member: "" when absent, an error for another type.
  Result<std::string_view> string_member(const json::object& object, std::string_view key,
                                         std::string_view pointer) const {
    const json::value* v = object.if_contains(key);
    if (v == nullptr || v->is_null()) return std::string_view{};
    if (auto s = string_of(*v)) return *s;
    return fail(pointer_append(pointer, key), "expected a string");
  }

  // lockfileVersion 2 and 3: {"packages": {"node_modules/a": {...}, ...}}.
  Result<void> packages(const json::object& map) {
    for (const auto& kv : map) {
      const std::string_view key = key_of(kv);
      const std::string pointer = pointer_append("/packages", key);
      if (key.empty()) continue;  // the app root
      // Keys without node_modules are workspace folders ("packages/app"):
      // the app's own code, listed again as links under node_modules.
      const std::size_t at = key.rfind(kNodeModules);
      if (at == std::string_view::npos || (at != 0 && key[at - 1] != '/')) continue;
      const json::object* entry = kv.value().if_object();
      if (entry == nullptr) return fail(pointer, "expected an object");
      if (const json::value* link = entry->if_contains("link"); link != nullptr && link->is_bool() &&
                                                                link->get_bool()) {
        continue;
      }
      auto name = string_member(*entry, "name", pointer);
      if (!name) return std::move(name).error();
      auto version = string_member(*entry, "version", pointer);
      if (!version) return std::move(version).error();
      auto integrity = string_member(*entry, "integrity", pointer);
      if (!integrity) return std::move(integrity).error();
      auto resolved = string_member(*entry, "resolved", pointer);
      if (!resolved) return std::move(resolved).error();
      // An alias installs `a` under node_modules/b and records name: "a".
      std::string_view real_name = !name->empty() ? *name : key.substr(at + kNodeModules.size());
      if (real_name.empty()) return fail(pointer, "no package name after node_modules/");
      const auto canonical = registry_version(*version);
      if (!canonical || is_non_registry_source(*resolved)) continue;
      if (auto r = add(std::string(real_name), *canonical, std::string(*integrity), std::string(key)); !r) return r;
    }
    return ok_result();
  }

  // lockfileVersion 1: {"dependencies": {"a": {"version", "integrity",
  // "dependencies": {...nested...}}}}. Recursion depth is bounded by the
  // JSON depth limit the document was parsed with. `parent` is the install
  // path of the package whose `dependencies` these are ("" at the top).
  Result<void> dependencies(const json::object& map, const std::string& base, const std::string& parent) {
    for (const auto& kv : map) {
      const std::string_view key = key_of(kv);
      const std::string pointer = pointer_append(base, key);
      const json::object* entry = kv.value().if_object();
      if (entry == nullptr) return fail(pointer, "expected an object");
      auto version = string_member(*entry, "version", pointer);
      if (!version) return std::move(version).error();
      auto integrity = string_member(*entry, "integrity", pointer);
      if (!integrity) return std::move(integrity).error();
      auto resolved = string_member(*entry, "resolved", pointer);
      if (!resolved) return std::move(resolved).error();
      std::string_view real_name = key;
      std::string_view real_version = *version;
      if (real_version.starts_with("npm:")) {
        // v1 writes an alias as "version": "npm:a@1.2.3".
        const auto d = split_descriptor(real_version.substr(4));
        if (!d) return fail(pointer_append(pointer, "version"), "malformed alias '" + std::string(real_version) + "'");
        real_name = d->name;
        real_version = d->range;
      }
      if (real_name.empty()) return fail(pointer, "empty package name");
      if (key.empty()) return fail(pointer, "empty package name");
      std::string path = parent.empty() ? std::string(kNodeModules) : parent + "/" + std::string(kNodeModules);
      path += key;
      if (const auto canonical = registry_version(real_version); canonical && !is_non_registry_source(*resolved)) {
        if (auto r = add(std::string(real_name), *canonical, std::string(*integrity), path); !r) return r;
      }
      if (const json::value* nested = entry->if_contains("dependencies"); nested != nullptr && !nested->is_null()) {
        const json::object* nested_map = nested->if_object();
        const std::string nested_pointer = pointer_append(pointer, "dependencies");
        if (nested_map == nullptr) return fail(nested_pointer, "expected an object");
        if (auto r = dependencies(*nested_map, nested_pointer, path); !r) return r;
      }
    }
    return ok_result();
  }

  Result<void> document(const json::value& root) {
    const json::object* top = root.if_object();
    if (top == nullptr) return fail("", "expected an object at the top level");
    const json::value* version = top->if_contains("lockfileVersion");
    if (version != nullptr) {
      const auto n = version->is_int64() ? version->get_int64() : version->is_uint64() ? 1000 : -1;
      if (n != 1 && n != 2 && n != 3) {
        return fail("/lockfileVersion", "unsupported lockfileVersion (this reader knows 1, 2 and 3)");
      }
    }
    if (const json::value* packages_value = top->if_contains("packages"); packages_value != nullptr) {
      const json::object* map = packages_value->if_object();
      if (map == nullptr) return fail("/packages", "expected an object");
      return packages(*map);
    }
    if (const json::value* deps = top->if_contains("dependencies"); deps != nullptr) {
      const json::object* map = deps->if_object();
      if (map == nullptr) return fail("/dependencies", "expected an object");
      return dependencies(*map, "/dependencies", "");
    }
    // A v1 lockfile of an app without dependencies has neither map.
    if (version == nullptr) {
      return fail("", "not a package-lock.json: no lockfileVersion, packages or dependencies");
    }
    return ok_result();
  }

 private:
  std::string_view file_;
  std::vector<LockedPackage>& out_;
};

}  // namespace

Result<std::vector<LockedPackage>> parse_package_lock(std::string_view json_text, std::string_view file,
                                                      const ParseLimits& limits) {
  try {
    json::monotonic_resource resource;
    auto root = parse_document(json_text, limits, file, SkipProfile::kNone, json::storage_ptr(&resource));
    if (!root) return std::move(root).error().with("file", std::string(file));
    std::vector<LockedPackage> out;
    NpmReader reader(file, out);
    if (auto r = reader.document(*root); !r) return std::move(r).error();
    deduplicate_by_path(out);
    return out;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(file) + ": out of memory")
        .with("file", std::string(file));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(file) + ": " + e.what()).with("file", std::string(file));
  }
}

}  // namespace callboard::model_detail
