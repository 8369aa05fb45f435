// Session: a package's tarball from the configured registry (verify,
// changelog), and the registry manifest they start from.

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>

#include "callboard/artifact.hpp"
#include "callboard/compat.hpp"
#include "callboard/semver.hpp"
#include "callboard/session.hpp"

#include "session/state.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;
using compat::Finding;
using compat::Severity;

/// Packuments of the largest packages reach tens of MiB; the abbreviated
/// form asked for here is far smaller.
constexpr std::size_t kMaxPackumentBytes = 64u << 20;

Finding finding(std::string id, Severity severity, std::string message, const Manifest& m,
                std::string field = "") {
  Finding f;
  f.id = std::move(id);
  f.severity = severity;
  f.message = std::move(message);
  f.evidence.package = m.name;
  f.evidence.field = std::move(field);
  return f;
}

/// What is wrong with a tarball, or worth knowing: compared with what the
/// registry says about it, and what it holds. `record` is artifact_record()
/// of the contents.
std::vector<Finding> tarball_findings(const Manifest& registry, const PackageContents& c, const FetchedTarball& t,
                                      const ArtifactRecord* record) {
  std::vector<Finding> out;
  const Manifest& packed = c.manifest;
  if (packed.name != registry.name) {
    out.push_back(finding("tarball-name-mismatch", Severity::kError,
                          "the tarball's package.json is named '" + packed.name + "', the registry says '" +
                              registry.name + "'",
                          registry, "name"));
  }
  if (packed.version != registry.version) {
    out.push_back(finding("tarball-version-mismatch", Severity::kError,
                          "the tarball's package.json has version '" + packed.version + "', the registry says '" +
                              registry.version + "'",
                          registry, "version"));
  }
  // "Manifest confusion": npm installs what the tarball says, while tools
  // reading the registry see the packument's copy.
  auto compare = [&](const DependencyMap& a, const DependencyMap& b, const char* field) {
    if (a != b) {
      out.push_back(finding("manifest-confusion", Severity::kWarning,
                            std::string(field) +
                                " differ between the registry's manifest and the tarball's package.json (npm installs "
                                "what the tarball says)",
                            registry, field));
    }
  };
  compare(registry.dependencies, packed.dependencies, "dependencies");
  compare(registry.peer_dependencies, packed.peer_dependencies, "peerDependencies");
  if (t.verified.algorithm == HashAlgorithm::kSha1) {
    out.push_back(finding("integrity-sha1-only", Severity::kWarning,
                          "the registry gives only a sha1 checksum for this version; sha1 is no longer "
                          "collision-resistant",
                          registry, "dist.shasum"));
  }
  if (record != nullptr) {
    if (auto mismatch = compat::code_system_finding(packed, *record)) out.push_back(std::move(*mismatch));
  }
  if (!c.config_schema && c.has_config_d_ts) {
    out.push_back(finding("config-schema-typescript", Severity::kInfo,
                          "the configuration schema is TypeScript only (config.d.ts): forms cannot be generated "
                          "from it",
                          registry, "configSchema"));
  } else if (!c.config_schema) {
    out.push_back(
        finding("config-schema-absent", Severity::kInfo, "the package declares no configuration schema", registry,
                "configSchema"));
  }
  if (c.has_dist_dynamic) {
    out.push_back(finding("dist-dynamic", Severity::kInfo,
                          "ships a dist-dynamic/ export for dynamic plugin loading (RHDH)", registry));
  }
  for (const std::string& skipped : c.report.skipped) {
    out.push_back(finding("entry-skipped", Severity::kInfo, "skipped as npm would: " + skipped, registry));
  }
  if (c.changelog_truncated) {
    out.push_back(finding("changelog-truncated", Severity::kInfo, "CHANGELOG.md was cut at 8 MiB", registry));
  }
  // The scanner's order: severity (errors first), then id; stable within.
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.id < b.id;
  });
  return out;
}

/// The manifest's tarball through the Session's transport, npm
/// credentials and cache, verified against the registry's integrity.
Result<FetchedTarball> verified_tarball(Session::State& state, const Manifest& manifest, std::stop_token stop) {
  auto npm = state.npm_config();
  if (!npm) return std::move(npm).error();
  auto transport = state.transport_for_registry();
  if (!transport) return std::move(transport).error();
  auto cache = state.artifact_cache();
  if (!cache) return std::move(cache).error();
  FetchOptions options;
  options.cache = *cache;
  return fetch_package_tarball(**transport, **npm, manifest, options, std::move(stop));
}

/// Removes a temporary folder when it goes out of scope.
struct TemporaryFolder {
  fs::path path;
  ~TemporaryFolder() {
    if (path.empty()) return;
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

bool VerifyReport::has_errors() const noexcept {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kError; });
}

Result<Manifest> Session::registry_manifest(std::string_view name_view, std::string_view wanted_view,
                                            std::stop_token stop) {
  const std::string name(name_view);
  const std::string wanted = wanted_view.empty() ? std::string("latest") : std::string(wanted_view);
  auto npm = state_->npm_config();
  if (!npm) return std::move(npm).error();
  const std::string url = (*npm)->packument_url(name);
  if (url.empty()) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "no npm registry is configured (set NPM_CONFIG_REGISTRY or a registry= line in .npmrc)");
  }
  auto transport = state_->transport_for_registry();
  if (!transport) return std::move(transport).error();
  backend::HttpRequest request = backend::npm_registry_request(
      **npm, url, "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8");
  request.max_response_bytes = kMaxPackumentBytes;
  auto response = (*transport)->fetch(std::move(request), std::move(stop));
  if (!response) return std::move(response).error();
  if (response->status != 200) {
    Error error = backend::npm_status_error(response->status, url, "'" + name + "'").with("package", name);
    if (error.code == ErrorCode::kNotFound) error.message = "the registry has no package '" + name + "'";
    return error;
  }
  auto packument = parse_packument(response->body);
  if (!packument) return std::move(packument).error().with("package", name);
  std::string version = wanted;
  if (auto tag = packument->dist_tags.find(wanted); tag != packument->dist_tags.end()) version = tag->second;
  const Manifest* m = packument->find(version);
  if (m == nullptr) {
    return make_error(ErrorCode::kNotFound, "'" + name + "' has no version or dist-tag '" + wanted + "'")
        .with("package", name)
        .with("version", wanted);
  }
  return *m;
}

Result<VerifyReport> Session::verify(const VerifyRequest& request, std::stop_token stop) {
  if (request.package.empty()) return make_error(ErrorCode::kInvalidArgument, "name a package to verify");
  // The storage first: a bad storage URL fails before anything is downloaded.
  bool store = false;
  std::string not_stored_reason;
  if (request.store == VerifyStore::kNever) {
    not_stored_reason = "not asked to";
  } else {
    std::lock_guard lock(state_->storage_mutex);
    if (request.store == VerifyStore::kAlways) {
      auto opened = state_->storage_for(StorageAccess::kWrite);
      if (!opened) return std::move(opened).error();
      store = true;
    } else {
      auto exists = state_->storage_exists();
      if (!exists) return std::move(exists).error();
      store = *exists;
      if (!store) not_stored_reason = "no storage exists";
    }
  }
  auto manifest = registry_manifest(request.package, request.version, stop);
  if (!manifest) return std::move(manifest).error();
  auto tarball = verified_tarball(*state_, *manifest, stop);
  if (!tarball) return std::move(tarball).error();

  // Extract for real (the proof that it is safe to), then read it.
  TemporaryFolder temporary;
  fs::path dest = request.keep;
  if (dest.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "callboard-verify-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return make_error(ErrorCode::kUnavailable, "cannot create a temporary folder", true)
          .with("folder", fs::temp_directory_path().string());
    }
    dest = tmpl;
    temporary.path = dest;
  }
  auto extracted = extract_tarball(tarball->bytes, dest);
  if (!extracted) return std::move(extracted).error();
  auto contents = read_package_contents(tarball->bytes);
  if (!contents) return std::move(contents).error();
  const Timestamp now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto record = artifact_record(*contents, tarball->verified, now);
  if (!record) return std::move(record).error();

  VerifyReport report;
  report.package = manifest->name;
  report.version = manifest->version;
  report.tarball = tarball->url;
  report.verified = tarball->verified;
  report.from_cache = tarball->from_cache;
  report.bytes = tarball->bytes.size();
  report.unpacked_bytes = extracted->unpacked_bytes;
  report.entries = extracted->entries.size();
  if (temporary.path.empty()) report.extracted_to = dest;
  if (contents->config_schema) report.config_schema = contents->config_schema_path;
  report.config_schema_ref = contents->config_schema_ref;
  report.has_config_d_ts = contents->has_config_d_ts;
  report.dist_dynamic = contents->has_dist_dynamic;
  report.changelog = contents->changelog.has_value();
  const PluginSystems meta = classify_plugin_systems(contents->manifest);
  report.backend_system_metadata = meta.backend;
  report.backend_system_code = backend_system_from_code(*contents);
  report.frontend_system = meta.frontend;
  report.entry_points = contents->entry_points;
  report.markers = contents->markers;
  report.findings = tarball_findings(*manifest, *contents, *tarball, &*record);

  // Store what the verified tarball holds, unless it is not what the
  // registry says it is (then it would be filed under the wrong name).
  if (store && report.has_errors()) {
    store = false;
    not_stored_reason = "a finding is an error";
  }
  if (store) {
    std::lock_guard lock(state_->storage_mutex);
    auto storage = state_->storage_for(StorageAccess::kWrite);
    if (!storage) return std::move(storage).error();
    auto txn = (*storage)->begin();
    if (!txn) return std::move(txn).error();
    if (auto r = (*txn)->put_artifact(*record); !r) return std::move(r).error();
    if (auto r = (*txn)->commit(); !r) return std::move(r).error();
    report.stored = true;
  }
  report.not_stored_reason = std::move(not_stored_reason);
  return report;
}

Result<ChangelogReport> Session::changelog(const ChangelogRequest& request, std::stop_token stop) {
  if (!semver::Version::parse(request.from) || !semver::Version::parse(request.to)) {
    return make_error(ErrorCode::kInvalidArgument, "'from' and 'to' must be versions")
        .with("from", request.from)
        .with("to", request.to);
  }
  auto manifest = registry_manifest(request.package, request.to, stop);
  if (!manifest) return std::move(manifest).error();
  auto tarball = verified_tarball(*state_, *manifest, stop);
  if (!tarball) return std::move(tarball).error();
  auto contents = read_package_contents(tarball->bytes);
  if (!contents) return std::move(contents).error();
  if (!contents->changelog) {
    return make_error(ErrorCode::kNotFound, request.package + "@" + request.to + " ships no CHANGELOG.md")
        .with("package", request.package)
        .with("version", request.to);
  }
  auto log = parse_changelog(*contents->changelog);
  if (!log) return std::move(log).error();
  auto entries = changelog_between(*log, request.from, request.to, request.prereleases);
  if (!entries) return std::move(entries).error();
  return ChangelogReport{request.package, request.from, request.to, std::move(*entries)};
}

}  // namespace callboard
