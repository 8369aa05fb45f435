// parse_directory_entry: one file of the Backstage plugin directory
// (microsite/data/plugins/*.yaml), read through the bounded YAML reader.
//
// The directory is hand-edited YAML plus, since 2026, a machine-maintained
// `snapshot:` block, so the reader is tolerant where the data is sloppy
// (surrounding whitespace, quoting styles, `---` or not, unknown keys,
// null for absent values) and strict where a wrong type would silently lose
// data (a list where a string belongs is an error with its line).

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/model.hpp"
#include "model/yaml_detail.hpp"

namespace callboard {
namespace {

using model_detail::YamlNode;

// Real entries are 1-3 KB; a megabyte leaves room for any honest file and
// keeps a hostile one from costing more than a few milliseconds.
constexpr std::size_t kMaxEntryBytes = 1u << 20;
// Real entries have about a hundred nodes; api-docs.yaml, the largest, ~150.
constexpr std::size_t kMaxEntryNodes = 50000;

std::string describe(std::string_view id) { return "plugin directory entry '" + std::string(id) + "'"; }

std::string_view trim(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

class Reader {
 public:
  explicit Reader(std::string_view id) : id_(id), what_(describe(id)) {}

  Error fail(const YamlNode& node, std::string_view field, std::string message) const {
    return model_detail::yaml_node_error(node, what_, id_, field, std::move(message));
  }

  // A string field: a scalar (trimmed), or null / absent for "".
  Result<void> string_field(const YamlNode& map, std::string_view key, std::string_view path,
                            std::string& out) const {
    const YamlNode* node = map.find(key);
    if (node == nullptr || node->is_null()) return ok_result();
    if (!node->is_scalar()) return fail(*node, path, "expected a string");
    out = trim(node->text);
    return ok_result();
  }

  Result<void> string_list(const YamlNode& map, std::string_view key, std::string_view path,
                           std::vector<std::string>& out) const {
    const YamlNode* node = map.find(key);
    if (node == nullptr || node->is_null()) return ok_result();
    if (!node->is_sequence()) return fail(*node, path, "expected a list of strings");
    out.reserve(node->children.size());
    for (std::size_t i = 0; i < node->children.size(); ++i) {
      const YamlNode& item = node->children[i];
      if (!item.is_scalar()) {
        return fail(item, std::string(path) + "[" + std::to_string(i) + "]", "expected a string");
      }
      if (item.is_null()) continue;
      const std::string_view text = trim(item.text);
      if (!text.empty()) out.emplace_back(text);
    }
    return ok_result();
  }

  // A mapping field: nullptr when absent or null, an error for another kind.
  Result<const YamlNode*> mapping_field(const YamlNode& map, std::string_view key,
                                        std::string_view path) const {
    const YamlNode* node = map.find(key);
    if (node == nullptr || node->is_null()) return static_cast<const YamlNode*>(nullptr);
    if (!node->is_mapping()) return fail(*node, path, "expected a mapping");
    return node;
  }

  Result<void> order_field(const YamlNode& map, std::optional<std::int64_t>& out) const {
    const YamlNode* node = map.find("order");
    if (node == nullptr || node->is_null()) return ok_result();
    if (!node->is_scalar()) return fail(*node, "order", "expected an integer");
    std::string_view text = trim(node->text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return fail(*node, "order", "expected an integer, found '" + std::string(text) + "'");
    }
    out = value;
    return ok_result();
  }

  Result<void> snapshot_package(const YamlNode& node, std::string_view path,
                                DirectorySnapshotPackage& out) const {
    if (!node.is_mapping()) return fail(node, path, "expected a mapping");
    if (auto r = string_field(node, "npmPackageName", std::string(path) + ".npmPackageName",
                              out.npm_package_name);
        !r) {
      return r;
    }
    const std::string npm_path = std::string(path) + ".npm";
    auto npm = mapping_field(node, "npm", npm_path);
    if (!npm) return std::move(npm).error();
    if (*npm == nullptr) return ok_result();
    const YamlNode& n = **npm;
    if (auto r = string_field(n, "latestVersion", npm_path + ".latestVersion", out.latest_version); !r) return r;
    if (auto r = string_field(n, "backstageRole", npm_path + ".backstageRole", out.backstage_role); !r) return r;
    std::string published;
    const std::string published_path = npm_path + ".lastPublishedAt";
    if (auto r = string_field(n, "lastPublishedAt", published_path, published); !r) return r;
    if (!published.empty()) {
      const auto when = parse_timestamp(published);
      if (!when) return fail(*n.find("lastPublishedAt"), published_path, "not an ISO-8601 time: '" + published + "'");
      out.last_published = *when;
    }
    return string_list(n, "dependencyNames", npm_path + ".dependencyNames", out.dependency_names);
  }

  Result<void> snapshot(const YamlNode& root, DirectoryEntry& entry) const {
    auto snap = mapping_field(root, "snapshot", "snapshot");
    if (!snap) return std::move(snap).error();
    if (*snap == nullptr) return ok_result();
    const YamlNode& s = **snap;

    auto backstage = mapping_field(s, "backstage", "snapshot.backstage");
    if (!backstage) return std::move(backstage).error();
    if (*backstage != nullptr) {
      if (auto r = string_field(**backstage, "version", "snapshot.backstage.version",
                                entry.snapshot_backstage_version);
          !r) {
        return r;
      }
    }

    const YamlNode* packages = s.find("packages");
    if (packages == nullptr || packages->is_null()) return ok_result();
    if (!packages->is_sequence()) return fail(*packages, "snapshot.packages", "expected a list");
    entry.snapshot_packages.reserve(packages->children.size());
    for (std::size_t i = 0; i < packages->children.size(); ++i) {
      DirectorySnapshotPackage package;
      const std::string path = "snapshot.packages[" + std::to_string(i) + "]";
      if (auto r = snapshot_package(packages->children[i], path, package); !r) return r;
      entry.snapshot_packages.push_back(std::move(package));
    }
    return ok_result();
  }

  Result<DirectoryEntry> entry(const YamlNode& root) const {
    if (!root.is_mapping()) {
      const char* found = root.is_sequence() ? "a list" : root.is_null() ? "an empty document" : "a scalar";
      return fail(root, "", std::string("the top level must be a mapping of fields, found ") + found);
    }
    DirectoryEntry out;
    out.id = id_;
    struct StringField {
      std::string_view key;
      std::string DirectoryEntry::*member;
    };
    static constexpr StringField kStrings[] = {
        {"title", &DirectoryEntry::title},
        {"author", &DirectoryEntry::author},
        {"authorUrl", &DirectoryEntry::author_url},
        {"category", &DirectoryEntry::category},
        {"description", &DirectoryEntry::description},
        {"documentation", &DirectoryEntry::documentation},
        {"iconUrl", &DirectoryEntry::icon_url},
        {"npmPackageName", &DirectoryEntry::npm_package_name},
        {"addedDate", &DirectoryEntry::added_date},
        {"status", &DirectoryEntry::status},
        {"staleSince", &DirectoryEntry::stale_since},
    };
    for (const auto& f : kStrings) {
      if (auto r = string_field(root, f.key, f.key, out.*f.member); !r) return std::move(r).error();
    }
    if (auto r = string_list(root, "tags", "tags", out.tags); !r) return std::move(r).error();
    if (auto r = order_field(root, out.order); !r) return std::move(r).error();
    if (auto r = snapshot(root, out); !r) return std::move(r).error();
    return out;
  }

 private:
  std::string_view id_;
  std::string what_;
};

}  // namespace

Result<DirectoryEntry> parse_directory_entry(std::string_view yaml, std::string_view id,
                                             const ParseLimits& limits) {
  try {
    model_detail::YamlLimits yaml_limits;
    yaml_limits.max_bytes = std::min(limits.max_document_bytes, kMaxEntryBytes);
    yaml_limits.max_depth = limits.max_depth;
    yaml_limits.max_nodes = kMaxEntryNodes;
    auto root = model_detail::parse_yaml(yaml, describe(id), id, yaml_limits);
    if (!root) return std::move(root).error();
    return Reader(id).entry(*root);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, describe(id) + ": out of memory")
        .with("file", std::string(id));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, describe(id) + ": " + e.what()).with("file", std::string(id));
  }
}

}  // namespace callboard
