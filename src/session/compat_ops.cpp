// Session: the compatibility scanner (scan, newest, upgrade, matrix), and the
// release catalog they share.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>

#include "callboard/backstage.hpp"
#include "callboard/compat.hpp"
#include "callboard/registry.hpp"
#include "callboard/semver.hpp"
#include "callboard/session.hpp"

#include "session/state.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;
using compat::Tier;

constexpr std::size_t kMaxPackageJsonBytes = 4u << 20;
constexpr std::size_t kMaxReleaseFileBytes = 16u << 20;

Result<std::string> read_file(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return make_error(ErrorCode::kNotFound, "cannot read " + path.string() + ": " + ec.message());
  if (size > limit) {
    return make_error(ErrorCode::kResourceExhausted, path.string() + " is larger than the limit")
        .with("bytes", std::to_string(size))
        .with("limit", std::to_string(limit));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return make_error(ErrorCode::kUnavailable, "cannot read " + path.string());
  return text.str();
}

/// Release manifests from a folder (`<v>.json` or `<v>/manifest.json`).
Result<std::vector<Release>> releases_from_folder(const fs::path& folder) {
  std::vector<Release> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    fs::path file = entry.path();
    if (entry.is_directory()) {
      file /= "manifest.json";
      if (!fs::exists(file)) continue;
    } else if (file.extension() != ".json") {
      continue;
    }
    auto text = read_file(file, kMaxReleaseFileBytes);
    if (!text) return std::move(text).error();
    auto release = parse_release(*text);
    if (!release) return std::move(release).error().with("file", file.string());
    out.push_back(std::move(*release));
  }
  if (ec) return make_error(ErrorCode::kNotFound, "cannot list " + folder.string() + ": " + ec.message());
  return out;
}

/// The catalog of `releases` with where removed packages moved:
/// `backstage.moved` where their packuments are indexed, else an indexed
/// @backstage-community twin (what the registry's plugin grouping uses too).
Result<compat::ReleaseCatalog> catalog_of(const std::vector<Release>& releases, backend::Storage& storage) {
  compat::ReleaseCatalog plain(releases);
  std::vector<Packument> removed;
  for (const auto& [name, gone] : plain.removed_packages()) {
    auto p = storage.packument(name);
    if (!p) return std::move(p).error();
    if (*p) removed.push_back(std::move(**p));
  }
  auto moved = compat::moved_packages(removed);
  auto names = storage.package_names();
  if (!names) return std::move(names).error();
  moved.merge(compat::community_moves(plain, *names));  // keeps backstage.moved on a clash
  return compat::ReleaseCatalog(releases, std::move(moved));
}

/// "<name>[@range]": the last '@' not at the start separates the range.
std::pair<std::string, std::string> split_package(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return {std::string(text), ""};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

/// As npm spells paths: ./x, ../x, /x, or a file ending in .json.
bool is_path(std::string_view text) {
  return text.starts_with('.') || text.starts_with('/') || text.ends_with(".json");
}

Result<Manifest> manifest_from_path(fs::path path) {
  if (fs::is_directory(path)) path /= "package.json";
  auto text = read_file(path, kMaxPackageJsonBytes);
  if (!text) return std::move(text).error();
  auto m = parse_manifest(*text);
  if (!m) return std::move(m).error().with("file", path.string());
  return m;
}

/// The version an install of `range` picks: a version or dist-tag as
/// named, else the highest version the range admits (prereleases only when
/// the range names one); the latest for an empty range.
const Manifest* pick_version(const Packument& p, std::string_view range) {
  if (range.empty()) return p.latest();
  if (const Manifest* exact = p.find(range)) return exact;
  if (auto tag = p.dist_tags.find(range); tag != p.dist_tags.end()) return p.find(tag->second);
  auto parsed = semver::Range::parse(range);
  if (!parsed) return nullptr;
  for (auto it = p.versions.rbegin(); it != p.versions.rend(); ++it) {
    if (parsed->satisfied_by(std::string_view(it->version))) return &*it;
  }
  return nullptr;
}

std::string newest_stable(const compat::ReleaseCatalog& catalog) {
  const auto& releases = catalog.releases();
  for (auto it = releases.rbegin(); it != releases.rend(); ++it) {
    if (!semver::is_prerelease_text(*it)) return *it;
  }
  return releases.empty() ? std::string() : releases.back();
}

/// The host: an app's profile and/or a Node.js version.
struct Host {
  std::optional<AppProfile> app;
  compat::HostProfile profile;
  bool given = false;
};

Result<Host> host_for(const fs::path& app, const std::string& node) {
  Host host;
  if (!app.empty()) {
    auto loaded = load_app_profile(app);
    if (!loaded) return std::move(loaded).error();
    host.app = std::move(*loaded);
    host.profile = compat::host_from_app(*host.app);
    host.given = true;
  }
  if (!node.empty()) {
    host.profile.node = node;
    host.given = true;
  }
  return host;
}

/// The release text a request names, on `catalog`.
Result<std::string> release_for(const compat::ReleaseCatalog& catalog, const std::string& wanted, const Host& host) {
  std::string release = wanted;
  if (release.empty()) {
    release = host.app && !host.app->backstage_version.empty() ? host.app->backstage_version : newest_stable(catalog);
  }
  const auto index = catalog.find(release);
  if (!index) {
    return make_error(ErrorCode::kNotFound,
                      "no Backstage release manifest for '" + release + "'; see 'callboard releases list'")
        .with("release", release);
  }
  return catalog.releases()[*index];
}

Error not_indexed(const std::string& name) {
  return make_error(ErrorCode::kNotFound, "'" + name + "' is not indexed; run 'callboard index --package " + name + "'")
      .with("package", name);
}

}  // namespace

/// The catalog for a request: from `releases_dir`, or the storage's
/// releases (else the seed data), cached until this Session writes.
/// Requires storage_mutex held.
static Result<std::shared_ptr<const compat::ReleaseCatalog>> catalog_for(Session::State& state,
                                                                         backend::Storage& storage,
                                                                         const fs::path& releases_dir) {
  std::vector<Release> releases;
  if (!releases_dir.empty()) {
    auto loaded = releases_from_folder(releases_dir);
    if (!loaded) return std::move(loaded).error();
    releases = std::move(*loaded);
  } else {
    if (state.catalog) return state.catalog;
    auto versions = storage.release_versions();
    if (!versions) return std::move(versions).error();
    for (const auto& v : *versions) {
      auto r = storage.release(v);
      if (!r) return std::move(r).error();
      if (*r) releases.push_back(std::move(**r));
    }
    if (releases.empty()) {
      const fs::path data = state.options.data_dir.empty() ? default_data_dir() : state.options.data_dir;
      auto loaded = releases_from_folder(data / "releases");
      if (!loaded) return std::move(loaded).error();
      releases = std::move(*loaded);
    }
  }
  if (releases.empty()) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "no Backstage release manifests: run 'callboard index' or pass --releases <folder>");
  }
  auto catalog = catalog_of(releases, storage);
  if (!catalog) return std::move(catalog).error();
  auto shared = std::make_shared<const compat::ReleaseCatalog>(std::move(*catalog));
  if (releases_dir.empty()) state.catalog = shared;
  return shared;
}

/// What scan and newest share: the storage, the catalog, the host, the
/// release the request names and the scan options for them. `options.host`
/// points into `host`: keep the struct where it was made.
struct ScanContext {
  std::shared_ptr<backend::Storage> storage;
  std::shared_ptr<const compat::ReleaseCatalog> catalog;
  std::unique_ptr<Host> host;
  std::string release;
  compat::ScanOptions options;
};

template <typename Request>
Result<ScanContext> scan_context(Session::State& state, const Request& request) {
  ScanContext c;
  auto storage = state.storage_for(StorageAccess::kRead);
  if (!storage) return std::move(storage).error();
  c.storage = std::move(*storage);
  auto catalog = catalog_for(state, *c.storage, request.releases_dir);
  if (!catalog) return std::move(catalog).error();
  c.catalog = std::move(*catalog);
  auto host = host_for(request.app, request.node);
  if (!host) return std::move(host).error();
  c.host = std::make_unique<Host>(std::move(*host));
  auto release = release_for(*c.catalog, request.release, *c.host);
  if (!release) return std::move(release).error();
  c.release = std::move(*release);
  if (c.host->given) c.options.host = &c.host->profile;
  c.options.declared_target = request.target;
  return c;
}

Result<ScanReport> Session::scan(const ScanRequest& request) {
  if (request.package.empty()) return make_error(ErrorCode::kInvalidArgument, "name a package to scan");
  std::lock_guard lock(state_->storage_mutex);
  auto context = scan_context(*state_, request);
  if (!context) return std::move(context).error();
  auto& [storage, catalog, host, release, options] = *context;

  Manifest manifest;
  std::vector<ArtifactRecord> code_records;  // outlives `options`' view of it
  if (is_path(request.package)) {
    auto m = manifest_from_path(request.package);
    if (!m) return std::move(m).error();
    manifest = std::move(*m);
  } else {
    auto [name, range] = split_package(request.package);
    auto p = storage->packument(name);
    if (!p) return std::move(p).error();
    if (!*p) return not_indexed(name);
    // What `verify` stored about this package's tarballs: the backend
    // system their code shows wins over package.json's.
    auto stored = storage->artifacts(name);
    if (!stored) return std::move(stored).error();
    code_records = std::move(*stored);
    options.artifacts = code_records;
    const Manifest* picked = pick_version(**p, range);
    if (picked == nullptr) {
      return make_error(ErrorCode::kNotFound, "no version of " + name + " matches '" + range + "'")
          .with("package", name)
          .with("range", range);
    }
    manifest = *picked;
  }
  auto result = compat::scan(manifest, *catalog, release, options);
  if (!result) return std::move(result).error();
  ScanReport report;
  report.scan = std::move(*result);
  compat::MatrixBuilder builder(*catalog, options);
  report.tiers = builder.tiers(manifest);
  report.releases = catalog->releases();
  return report;
}

Result<NewestReport> Session::newest(const NewestRequest& request) {
  if (request.minimum == Tier::kIncompatible) {
    return make_error(ErrorCode::kInvalidArgument, "the minimum tier is aligned or compatible");
  }
  if (request.package.empty() || is_path(request.package)) {
    return make_error(ErrorCode::kInvalidArgument, "the newest version needs an indexed package, not a file");
  }
  std::lock_guard lock(state_->storage_mutex);
  auto context = scan_context(*state_, request);
  if (!context) return std::move(context).error();
  auto& [storage, catalog, host, release, options] = *context;
  auto [name, range] = split_package(request.package);
  auto p = storage->packument(name);
  if (!p) return std::move(p).error();
  if (!*p) return not_indexed(name);
  auto stored = storage->artifacts(name);
  if (!stored) return std::move(stored).error();
  options.artifacts = *stored;
  compat::MatrixBuilder builder(*catalog, options);
  const compat::SupportMatrix matrix = builder.build(**p);
  auto found = matrix.newest_in_range(range, release, request.minimum);
  if (!found) return std::move(found).error().with("package", name);
  NewestReport report;
  report.package = (*p)->name;
  report.release = release;
  report.minimum = request.minimum;
  report.version = *found;
  if (report.version) {
    // The verdict of the version found, which may be better than the
    // minimum asked for (an aligned version answers "compatible").
    const auto row = std::find(matrix.versions.begin(), matrix.versions.end(), *report.version);
    const auto column = catalog->find(release);
    if (row != matrix.versions.end() && column) {
      report.tier = matrix.at(static_cast<std::size_t>(row - matrix.versions.begin()), *column);
    }
  }
  return report;
}

Result<compat::UpgradeReport> Session::upgrade(const UpgradeRequest& request) {
  if (request.release.empty()) return make_error(ErrorCode::kInvalidArgument, "an upgrade needs a target release");
  std::lock_guard lock(state_->storage_mutex);
  auto storage = state_->storage_for(StorageAccess::kRead);
  if (!storage) return std::move(storage).error();
  auto catalog = catalog_for(*state_, **storage, request.releases_dir);
  if (!catalog) return std::move(catalog).error();
  auto app = load_app_profile(request.app);
  if (!app) return std::move(app).error();
  std::vector<std::string> names;
  for (const auto& wp : app->packages) {
    for (const auto* deps : {&wp.manifest.dependencies, &wp.manifest.dev_dependencies}) {
      for (const auto& [name, spec] : *deps) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<Packument> packuments;
  for (const auto& name : names) {
    auto p = (*storage)->packument(name);
    if (!p) return std::move(p).error();
    if (*p) packuments.push_back(std::move(**p));
  }
  return compat::check_upgrade(*app, **catalog, request.release, packuments);
}

Result<MatrixReport> Session::matrix(const MatrixRequest& request) {
  if (request.name.empty()) return make_error(ErrorCode::kInvalidArgument, "name a plugin or a package");
  std::lock_guard lock(state_->storage_mutex);
  auto storage = state_->storage_for(StorageAccess::kRead);
  if (!storage) return std::move(storage).error();
  auto catalog = catalog_for(*state_, **storage, request.releases_dir);
  if (!catalog) return std::move(catalog).error();
  MatrixReport report;
  std::vector<std::string> names;
  auto plugin = (*storage)->plugin(request.name);
  if (!plugin) return std::move(plugin).error();
  if (*plugin) {
    report.plugin = (*plugin)->id;
    for (const auto& p : (*plugin)->packages) names.push_back(p.name);
    for (const auto& p : (*plugin)->modules) names.push_back(p.name);
  } else {
    names.push_back(request.name);
  }
  for (const auto& name : names) {
    auto p = (*storage)->packument(name);
    if (!p) return std::move(p).error();
    if (!*p) continue;
    // Versions whose tarball `verify` stored are judged by their code.
    auto stored = (*storage)->artifacts(name);
    if (!stored) return std::move(stored).error();
    compat::ScanOptions options;
    options.artifacts = *stored;
    compat::MatrixBuilder builder(**catalog, options);
    report.matrices.push_back(builder.build(**p));
  }
  if (report.matrices.empty()) {
    return make_error(ErrorCode::kNotFound,
                      "'" + request.name + "' is neither an indexed plugin nor an indexed package")
        .with("name", request.name);
  }
  return report;
}

}  // namespace callboard
