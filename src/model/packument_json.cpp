// Registry packuments (full and abbreviated) <-> Packument.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"

#include "model/json_detail.hpp"

namespace callboard {

const Manifest* Packument::find(std::string_view version) const noexcept {
  for (const auto& m : versions) {
    if (m.version == version) return &m;
  }
  return nullptr;
}

namespace {

// A canonical semver string is a prerelease iff a '-' comes before any '+'.
bool looks_prerelease(std::string_view version) noexcept {
  const auto dash = version.find('-');
  return dash != std::string_view::npos && dash < version.find('+');
}

}  // namespace

const Manifest* Packument::latest() const noexcept {
  if (const auto tag = dist_tags.find(std::string_view("latest")); tag != dist_tags.end()) {
    if (const Manifest* m = find(tag->second)) return m;
  }
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!looks_prerelease(it->version)) return &*it;
  }
  return versions.empty() ? nullptr : &versions.back();
}

namespace {

using namespace model_detail;
constexpr std::string_view kWhat = "packument";

std::optional<Timestamp> timestamp_of(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (const auto s = string_of(*v)) return parse_timestamp(*s);
  return std::nullopt;
}

/// parse_packument's reading of the top-level object.
Result<Packument> read_packument(const json::object& top, const ParseLimits& limits) {
  Packument p;
  const json::value* name = top.if_contains("name");
  if (name == nullptr || !name->is_string()) {
    return pointer_error(kWhat, "/name", name == nullptr ? "missing" : "not a string");
  }
  p.name = *string_of(*name);
  if (const auto* d = top.if_contains("description")) {
    if (const auto s = string_of(*d)) p.description = *s;
  }
  if (const auto* tags = top.if_contains("dist-tags")) {
    if (const auto* obj = tags->if_object()) {
      for (const auto& kv : *obj) {
        if (const auto s = string_of(kv.value()))
          p.dist_tags.insert_or_assign(std::string(key_of(kv)), std::string(*s));
      }
    }
  }

  const json::object* time = nullptr;
  if (const auto* t = top.if_contains("time")) time = t->if_object();
  if (time != nullptr) {
    if (const auto t = timestamp_of(time->if_contains("created"))) p.created = *t;
    if (const auto t = timestamp_of(time->if_contains("modified"))) p.modified = *t;
  }
  // The abbreviated (install) form has a top-level `modified` and no `time`.
  if (p.modified == Timestamp{}) {
    if (const auto t = timestamp_of(top.if_contains("modified"))) p.modified = *t;
  }

  if (const auto* versions = top.if_contains("versions")) {
    if (const auto* obj = versions->if_object()) {
      if (obj->size() > limits.max_versions) {
        return make_error(ErrorCode::kResourceExhausted,
                          std::string(kWhat) + ": /versions: " + std::to_string(obj->size()) +
                              " versions, more than the limit of " +
                              std::to_string(limits.max_versions))
            .with("pointer", "/versions")
            .with("package", p.name)
            .with("limit", std::to_string(limits.max_versions));
      }
      // Sorted through an index so each Manifest is moved once.
      std::vector<semver::Version> keys;
      std::vector<Manifest> manifests;
      keys.reserve(obj->size());
      manifests.reserve(obj->size());
      for (const auto& kv : *obj) {
        const auto key = key_of(kv);
        const auto* entry = kv.value().if_object();
        if (entry == nullptr) continue;
        // npm publishes only cleaned, strictly valid versions; anything else
        // in `versions` (including a non-canonical spelling such as "v1.0.0")
        // cannot be installed by npm either, so it is dropped.
        auto version = semver::Version::parse(key);
        if (!version.ok() || version->to_string_with_build() != key) continue;
        Manifest& m = manifests.emplace_back();
        read_manifest(*entry, false, m);
        m.version = std::string(key);
        if (m.name.empty()) m.name = p.name;
        if (time != nullptr) {
          if (const auto t = timestamp_of(time->if_contains(key))) m.published = *t;
        }
        keys.push_back(std::move(*version));
      }
      std::vector<std::size_t> order(keys.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      // sort_order, not compare_build: that one is neither total on
      // distinct keys ("1.0.0+b.2" and "1.0.0+b.02" compare equal) nor, on
      // hostile prerelease numbers past 2^53, transitive (std::sort would
      // be undefined). The order never depends on the document's order.
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return semver::sort_order(keys[a], keys[b]) < 0; });
      p.versions.reserve(order.size());
      for (const std::size_t i : order) p.versions.push_back(std::move(manifests[i]));
    }
  }
  return p;
}

}  // namespace

Result<Packument> parse_packument(std::string_view json_text, const ParseLimits& limits) {
  return parse_object_document(
      json_text, limits, kWhat, SkipProfile::kPackument,
      [&limits](const json::object& top) { return read_packument(top, limits); });
}

std::string to_json(const Packument& p) {
  Writer w;
  w.buffer().reserve(512 * (p.versions.size() + 1));
  w.begin_object();
  w.field("name", p.name);
  w.field_nonempty("description", p.description);
  w.key("dist-tags");
  w.begin_object();
  for (const auto& [tag, version] : p.dist_tags) {
    w.key(tag);
    w.string(version);
  }
  w.end_object();
  w.key("versions");
  w.begin_object();
  for (const auto& m : p.versions) {
    w.key(m.version);
    write_manifest(w, m, false);
  }
  w.end_object();
  w.key("time");
  w.begin_object();
  if (p.created != Timestamp{}) w.field("created", format_timestamp(p.created));
  if (p.modified != Timestamp{}) w.field("modified", format_timestamp(p.modified));
  for (const auto& m : p.versions) {
    if (m.published != Timestamp{}) w.field(m.version, format_timestamp(m.published));
  }
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace callboard
