// ArtifactRecord <-> JSON: the storage form of what a verified tarball holds.
// Written like plugin JSON: every member always present, camelCase names,
// systems as their names, times as ISO-8601 (null when unknown).
//
//   {"name","version","integrity","verifiedAt":ISO|null,"backendSystem",
//    "codeMarkers":[...],"entryPoints":[{"subpath","file","present",
//    "defaultExport"}],"hasDistDynamic","configSchemaRef",
//    "configSchema":string|null,"configSchemaPath","hasConfigDTs"}
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "callboard/model.hpp"

#include "model/json_detail.hpp"

namespace callboard {
namespace {

using namespace model_detail;
constexpr std::string_view kWhat = "artifact record JSON";

}  // namespace

std::string to_json(const ArtifactRecord& record) {
  Writer w;
  w.begin_object();
  w.field("name", record.name);
  w.field("version", record.version);
  w.field("integrity", record.integrity);
  w.key("verifiedAt");
  w.timestamp_or_null(record.verified_at);
  w.field("backendSystem", to_string(record.backend_system));
  w.key("codeMarkers");
  w.begin_array();
  for (const auto& m : record.code_markers) w.string(m);
  w.end_array();
  w.key("entryPoints");
  w.begin_array();
  for (const auto& e : record.entry_points) {
    w.begin_object();
    w.field("subpath", e.subpath);
    w.field("file", e.file);
    w.key("present");
    w.boolean(e.present);
    w.key("defaultExport");
    w.boolean(e.default_export);
    w.end_object();
  }
  w.end_array();
  w.key("hasDistDynamic");
  w.boolean(record.has_dist_dynamic);
  w.field("configSchemaRef", record.config_schema_ref);
  w.key("configSchema");
  if (record.config_schema) {
    w.string(*record.config_schema);
  } else {
    w.null();
  }
  w.field("configSchemaPath", record.config_schema_path);
  w.key("hasConfigDTs");
  w.boolean(record.has_config_d_ts);
  w.end_object();
  return w.take();
}

namespace {

/// parse_artifact_record_json's reading of the top-level object.
Result<ArtifactRecord> read_artifact_record(const json::object& top) {
  std::optional<Error> error;
  ArtifactRecord record;
  StrictObject r(top, "", kWhat, error);
  r.get("name", record.name);
  r.get("version", record.version);
  r.get("integrity", record.integrity);
  r.get("verifiedAt", record.verified_at);
  r.get("backendSystem", record.backend_system);
  r.get("codeMarkers", record.code_markers);
  if (const auto* entries = r.array("entryPoints"); entries != nullptr && entries->size() > kMaxArtifactEntryPoints) {
    r.fail(r.pointer("entryPoints"),
           "more than " + std::to_string(kMaxArtifactEntryPoints) + " entry points");
  }
  if (!error) {
    r.each_object("entryPoints", [&](StrictObject& er) {
      ArtifactEntryPoint e;
      er.get("subpath", e.subpath);
      er.get("file", e.file);
      er.get("present", e.present);
      er.get("defaultExport", e.default_export);
      record.entry_points.push_back(std::move(e));
      return true;
    });
  }
  r.get("hasDistDynamic", record.has_dist_dynamic);
  r.get("configSchemaRef", record.config_schema_ref);
  if (const auto* schema = top.if_contains("configSchema"); schema != nullptr && !schema->is_null()) {
    const auto text = string_of(*schema);
    if (!text) {
      r.fail(r.pointer("configSchema"), "expected a string or null");
    } else if (text->size() > kMaxArtifactConfigSchemaBytes) {
      r.fail(r.pointer("configSchema"), "longer than " + std::to_string(kMaxArtifactConfigSchemaBytes) + " bytes");
    } else {
      record.config_schema = std::string(*text);
    }
  }
  r.get("configSchemaPath", record.config_schema_path);
  r.get("hasConfigDTs", record.has_config_d_ts);
  if (error) {
    Error e = std::move(*error);
    if (!record.name.empty()) e.with("package", record.name);
    return e;
  }
  return record;
}

}  // namespace

Result<ArtifactRecord> parse_artifact_record_json(std::string_view json_text, const ParseLimits& limits) {
  return parse_object_document(json_text, limits, kWhat, SkipProfile::kNone, read_artifact_record);
}

}  // namespace callboard
