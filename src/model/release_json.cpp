// Backstage release manifests (versions.backstage.io/v1/releases/<v>/manifest.json).
//
// The upstream format is small and machine-written, so unlike package.json
// it is read strictly: a missing or mistyped field is an error naming its
// JSON pointer.
#include <string>
#include <string_view>
#include <utility>

#include "callboard/model.hpp"

#include "model/json_detail.hpp"

namespace callboard {
namespace {

using namespace model_detail;
constexpr std::string_view kWhat = "release manifest";

/// parse_release's reading of the top-level object.
Result<Release> read_release(const json::object& top) {
  Release release;
  const auto* version = top.if_contains("releaseVersion");
  if (version == nullptr || !version->is_string()) {
    return pointer_error(kWhat, "/releaseVersion", version == nullptr ? "missing" : "not a string");
  }
  release.version = *string_of(*version);

  const auto* packages = top.if_contains("packages");
  if (packages == nullptr)
    return pointer_error(kWhat, "/packages", "missing").with("release", release.version);
  const auto* arr = packages->if_array();
  if (arr == nullptr)
    return pointer_error(kWhat, "/packages", "not an array").with("release", release.version);
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string at = "/packages/" + std::to_string(i);
    const auto* entry = (*arr)[i].if_object();
    if (entry == nullptr)
      return pointer_error(kWhat, at, "not an object").with("release", release.version);
    const auto* name = entry->if_contains("name");
    if (name == nullptr || !name->is_string()) {
      return pointer_error(kWhat, at + "/name", name == nullptr ? "missing" : "not a string")
          .with("release", release.version);
    }
    const auto* v = entry->if_contains("version");
    if (v == nullptr || !v->is_string()) {
      return pointer_error(kWhat, at + "/version", v == nullptr ? "missing" : "not a string")
          .with("release", release.version)
          .with("package", std::string(*string_of(*name)));
    }
    release.packages.insert_or_assign(std::string(*string_of(*name)), std::string(*string_of(*v)));
  }
  return release;
}

}  // namespace

Result<Release> parse_release(std::string_view json_text, const ParseLimits& limits) {
  return parse_object_document(json_text, limits, kWhat, SkipProfile::kNone, read_release);
}

std::string to_json(const Release& release) {
  Writer w;
  w.begin_object();
  w.field("releaseVersion", release.version);
  w.key("packages");
  w.begin_array();
  for (const auto& [name, version] : release.packages) {
    w.begin_object();
    w.field("name", name);
    w.field("version", version);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace callboard
