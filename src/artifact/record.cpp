// PackageContents -> ArtifactRecord: what the Storage keeps of a verified
// tarball for the scanner and the configuration manager.

#include <string>
#include <utility>

#include "callboard/artifact.hpp"

namespace callboard {

Result<ArtifactRecord> artifact_record(const PackageContents& contents, const IntegrityHash& verified,
                                       Timestamp verified_at) {
  const Manifest& m = contents.manifest;
  auto fail = [&](std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message))
        .with("package", m.name)
        .with("version", m.version);
  };
  if (m.name.empty() || m.version.empty()) {
    return fail("the tarball's package.json has no name or no version: there is nothing to file the record under");
  }
  if (contents.config_schema && contents.config_schema->size() > kMaxArtifactConfigSchemaBytes) {
    return fail("the configuration schema is longer than " + std::to_string(kMaxArtifactConfigSchemaBytes) +
                " bytes");
  }
  if (contents.entry_points.size() > kMaxArtifactEntryPoints) {
    return fail("more than " + std::to_string(kMaxArtifactEntryPoints) + " entry points");
  }
  ArtifactRecord r;
  r.name = m.name;
  r.version = m.version;
  r.integrity = Integrity{{verified}}.to_string();
  r.verified_at = verified_at;
  r.backend_system = backend_system_from_code(contents);
  const CodeMarkers& k = contents.markers;
  const std::pair<bool, const char*> markers[] = {
      {k.create_backend_plugin, "createBackendPlugin"}, {k.create_backend_module, "createBackendModule"},
      {k.create_router, "createRouter"},                {k.dynamic_plugin_installer, "dynamicPluginInstaller"},
      {k.create_frontend_plugin, "createFrontendPlugin"}, {k.create_plugin, "createPlugin"},
  };
  for (const auto& [present, name] : markers) {
    if (present) r.code_markers.emplace_back(name);
  }
  r.entry_points.reserve(contents.entry_points.size());
  for (const EntryPoint& e : contents.entry_points) {
    r.entry_points.push_back({e.subpath, e.file, e.present, e.default_export});
  }
  r.has_dist_dynamic = contents.has_dist_dynamic;
  r.config_schema_ref = contents.config_schema_ref;
  r.config_schema = contents.config_schema;
  r.config_schema_path = contents.config_schema_path;
  r.has_config_d_ts = contents.has_config_d_ts;
  return r;
}

}  // namespace callboard
