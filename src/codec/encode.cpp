// Encoders of the product API's results and requests (docs/api/README.md).
// Member order is part of the format: never reorder.

#include <string>

#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/json.hpp"
#include "codec/writers.hpp"

namespace callboard::codec {
namespace {

using detail::failure_array;
using detail::string_array;

void timestamp_text(JsonWriter& w, Timestamp t) { w.string(t == Timestamp{} ? "" : format_timestamp(t)); }

}  // namespace

int exit_code_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kResourceExhausted: return 3;
    case ErrorCode::kNotFound: return 4;
    case ErrorCode::kUnavailable:
    case ErrorCode::kAborted:
    case ErrorCode::kCancelled: return 5;
    case ErrorCode::kUnsatisfiable: return 6;
    case ErrorCode::kPolicyDenied: return 7;
    case ErrorCode::kDataLoss: return 8;
    case ErrorCode::kPermissionDenied: return 9;
    case ErrorCode::kInternal:
    case ErrorCode::kUnimplemented: return 70;
  }
  return 70;
}

std::string encode(const Error& error) {
  JsonWriter w;
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.field("code", to_string(error.code));
  w.key("exit_code");
  w.uint(static_cast<std::uint64_t>(exit_code_for(error.code)));
  w.field("message", error.message);
  w.key("context");
  w.begin_object();
  for (const ErrorDetail& d : error.context) w.field(d.key, d.value);
  w.end_object();
  w.key("retryable");
  w.boolean(error.retryable);
  w.end_object();
  w.end_object();
  return w.take();
}

std::string encode(const IndexReport& r) {
  JsonWriter w;
  w.begin_object();
  auto num = [&](std::string_view key, std::uint64_t v) {
    w.key(key);
    w.uint(v);
  };
  num("packages", r.packages);
  num("versions", r.versions);
  num("plugins", r.plugins);
  num("releases", r.releases);
  num("directoryEntries", r.directory_entries);
  num("fetched", r.totals.done);
  num("changed", r.totals.changed);
  num("unchanged", r.totals.unchanged);
  num("notFound", r.totals.not_found);
  num("failed", r.totals.failed);
  num("requests", r.totals.requests);
  num("bytes", r.totals.bytes);
  num("elapsedMs", static_cast<std::uint64_t>(r.elapsed.count()));
  w.key("missing");
  string_array(w, r.missing);
  w.key("failures");
  failure_array(w, r.failures);
  w.end_object();
  return w.take();
}

std::string encode(const backend::SearchPage& page, std::size_t offset) {
  JsonWriter w;
  w.begin_object();
  w.key("total");
  w.uint(page.total);
  w.key("offset");
  w.uint(offset);
  w.key("hits");
  w.begin_array();
  for (const backend::SearchHit& hit : page.hits) {
    w.begin_object();
    w.key("relevance");
    w.number(hit.relevance);
    w.key("plugin");
    w.raw(to_json(hit.plugin));
    w.end_object();
  }
  w.end_array();
  w.key("facets");
  w.begin_object();
  for (const backend::Facet& facet : page.facets) {
    w.key(facet.name);
    w.begin_object();
    for (const backend::FacetCount& c : facet.counts) {
      w.key(c.value);
      w.uint(c.count);
    }
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return w.take();
}

std::string encode(const PackageInfo& info) {
  const Packument& pk = info.packument;
  const Manifest* latest = pk.latest();
  JsonWriter w;
  w.begin_object();
  w.key("package");
  w.begin_object();
  w.field("name", pk.name);
  w.field("description", pk.description);
  w.key("distTags");
  w.begin_object();
  for (const auto& [tag, v] : pk.dist_tags) w.field(tag, v);
  w.end_object();
  w.key("latest");
  if (latest != nullptr) {
    w.raw(to_json(*latest));
  } else {
    w.null();
  }
  w.key("versions");
  w.begin_array();
  for (const Manifest& m : pk.versions) {
    w.begin_object();
    w.field("version", m.version);
    w.key("published");
    timestamp_text(w, m.published);
    w.key("deprecated");
    w.boolean(m.deprecated.has_value());
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.key("plugin");
  if (info.plugin) {
    w.raw(to_json(*info.plugin));
  } else {
    w.null();
  }
  w.key("sync");
  if (info.sync) {
    w.begin_object();
    w.field("source", backend::to_string(info.sync->source));
    w.key("status");
    w.int64(info.sync->status);
    w.key("checked");
    timestamp_text(w, info.sync->checked);
    w.key("changed");
    timestamp_text(w, info.sync->changed);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

std::string encode(const ReleaseList& list) {
  JsonWriter w;
  string_array(w, list.versions);
  return w.take();
}

std::string encode(const ReleaseImportReport& report) {
  JsonWriter w;
  w.begin_object();
  w.key("imported");
  w.uint(report.imported);
  w.key("versions");
  string_array(w, report.versions);
  w.end_object();
  return w.take();
}

std::string encode(const VerifyReport& r) {
  JsonWriter w;
  w.begin_object();
  w.field("package", r.package);
  w.field("version", r.version);
  w.field("tarball", r.tarball);
  w.field("integrity", std::string(to_string(r.verified.algorithm)) + "-" + r.verified.digest);
  w.key("verified");
  w.boolean(true);
  w.key("stored");
  w.boolean(r.stored);
  w.field("notStoredReason", r.not_stored_reason);
  w.key("fromCache");
  w.boolean(r.from_cache);
  w.key("bytes");
  w.uint(r.bytes);
  w.key("unpackedBytes");
  w.uint(r.unpacked_bytes);
  w.key("entries");
  w.uint(r.entries);
  w.key("extractedTo");
  if (r.extracted_to.empty()) {
    w.null();
  } else {
    w.string(r.extracted_to.string());
  }
  w.key("configSchema");
  if (r.config_schema.empty()) {
    w.null();
  } else {
    w.string(r.config_schema);
  }
  w.field("configSchemaRef", r.config_schema_ref);
  w.key("hasConfigDts");
  w.boolean(r.has_config_d_ts);
  w.key("distDynamic");
  w.boolean(r.dist_dynamic);
  w.key("changelog");
  w.boolean(r.changelog);
  w.key("backendSystem");
  w.begin_object();
  w.field("metadata", to_string(r.backend_system_metadata));
  w.field("code", to_string(r.backend_system_code));
  w.end_object();
  w.field("frontendSystem", to_string(r.frontend_system));
  w.key("entryPoints");
  w.begin_array();
  for (const EntryPoint& ep : r.entry_points) {
    w.begin_object();
    w.field("subpath", ep.subpath);
    w.field("file", ep.file);
    w.key("present");
    w.boolean(ep.present);
    w.key("defaultExport");
    w.boolean(ep.default_export);
    w.key("namedExports");
    string_array(w, ep.named_exports);
    w.end_object();
  }
  w.end_array();
  const CodeMarkers& m = r.markers;
  w.key("markers");
  w.begin_object();
  for (auto [name, value] : {std::pair{"createBackendPlugin", m.create_backend_plugin},
                             std::pair{"createBackendModule", m.create_backend_module},
                             std::pair{"createRouter", m.create_router},
                             std::pair{"dynamicPluginInstaller", m.dynamic_plugin_installer},
                             std::pair{"createFrontendPlugin", m.create_frontend_plugin},
                             std::pair{"createPlugin", m.create_plugin}}) {
    w.key(name);
    w.boolean(value);
  }
  w.end_object();
  w.key("findings");
  w.begin_array();
  for (const compat::Finding& f : r.findings) w.raw(compat::to_json(f));
  w.end_array();
  w.end_object();
  return w.take();
}

std::string encode(const ChangelogReport& r) {
  JsonWriter w;
  w.begin_object();
  w.field("package", r.package);
  w.field("from", r.from);
  w.field("to", r.to);
  w.key("entries");
  w.begin_array();
  for (const ChangelogEntry& e : r.entries) {
    w.begin_object();
    w.field("version", e.version);
    w.key("breaking");
    w.boolean(e.breaking);
    w.key("semverMajor");
    w.boolean(e.semver_major);
    w.key("items");
    w.begin_array();
    for (const ChangelogItem& item : e.items) {
      w.begin_object();
      w.field("section", item.section);
      w.key("breaking");
      w.boolean(item.breaking);
      w.field("text", item.text);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace callboard::codec
