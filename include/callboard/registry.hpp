#pragma once
/// \file
/// The registry: indexes Backstage plugins from their sources into a
/// Storage, groups packages into plugins, scores them, and searches.
///
/// Sources: an npm registry (packuments by name; discovery starts from
/// known names and follows every Backstage link until closure), the
/// Backstage plugin directory (YAML files), Backstage release manifests,
/// and local folders or .tgz files (a vendor's private plugins).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"
#include "callboard/npm_config.hpp"

namespace callboard {

// ---------------------------------------------------------------------------
// Grouping and scoring (pure functions over model values).

struct PluginInputs {
  /// Latest-known packuments of every indexed package.
  const std::vector<Packument>* packuments = nullptr;
  const std::vector<DirectoryEntry>* directory = nullptr;
  /// Release manifests, any order.
  const std::vector<Release>* releases = nullptr;
  /// "Now" for recency factors; pass a fixed value for reproducible output.
  Timestamp now{};
  /// name -> monthly downloads (optional popularity input).
  const std::map<std::string, std::uint64_t, std::less<>>* downloads = nullptr;
};

/// Groups packages into plugins by `backstage.pluginId` / `pluginPackages` /
/// `pluginPackage`, falling back to role detection and name patterns for
/// packages without metadata; attaches directory entries (by npm package
/// name), systems, supported releases and the score. Sorted by id;
/// deterministic for the same inputs.
CALLBOARD_EXPORT std::vector<Plugin> build_plugins(const PluginInputs& inputs);

/// The plugin id a package name suggests when it has no metadata:
/// "@backstage-community/plugin-jenkins-backend" -> "jenkins",
/// "@roadiehq/backstage-plugin-argo-cd" -> "argo-cd"; empty when the name
/// does not look like a plugin package.
CALLBOARD_EXPORT std::string derive_plugin_id(std::string_view package_name);

/// The score of one plugin from its packages' packuments (factors:
/// recency, cadence, metadata, new backend system, latest release support,
/// license, deprecation, directory status, popularity when known).
CALLBOARD_EXPORT Score score_plugin(const Plugin& plugin, const std::vector<const Packument*>& packuments,
                                    const std::vector<Release>& releases, Timestamp now,
                                    std::optional<std::uint64_t> monthly_downloads = std::nullopt);

// ---------------------------------------------------------------------------
// Indexing.

struct IndexOptions {
  /// Seed with the ecosystem list, release manifests and plugin directory
  /// shipped with callboard (or found in `data_dir`).
  bool seed_ecosystem = true;
  /// Extra package names to index.
  std::vector<std::string> packages;
  /// Follow Backstage links (dependencies on @backstage*, plugin packages,
  /// peerModules, pluginPackage, moved) until closure.
  bool follow_links = true;
  /// Local folders (with package.json) and .tgz files to index as packages.
  std::vector<std::filesystem::path> local_sources;
  /// Where the seed data lives; empty for the installed default.
  std::filesystem::path data_dir;
  /// Stop following links past this many packages.
  std::size_t max_packages = 50000;
  /// Fixed "now" for scores (tests, reproducible output); epoch = real time.
  Timestamp now{};
};

struct IndexProgress {
  std::size_t done = 0;        ///< packages finished (any outcome)
  std::size_t queued = 0;      ///< waiting or in flight
  std::size_t changed = 0;     ///< written because new or different
  std::size_t unchanged = 0;   ///< 304, or same content
  std::size_t not_found = 0;   ///< 404 (recorded, not fatal)
  std::size_t failed = 0;      ///< errors after retries
  std::size_t requests = 0;    ///< HTTP exchanges, retries included
  std::uint64_t bytes = 0;     ///< response bytes received
  std::string current;         ///< last package finished
  std::string phase;           ///< "seed", "fetch", "plugins", "done"
};

struct IndexFailure {
  std::string package;
  Error error;
};

struct IndexReport {
  IndexProgress totals;
  std::size_t packages = 0;   ///< packuments stored after the run
  std::size_t versions = 0;   ///< their versions
  std::size_t plugins = 0;
  std::size_t releases = 0;
  std::size_t directory_entries = 0;
  std::vector<std::string> missing;  ///< names answered 404
  std::vector<IndexFailure> failures;
  std::chrono::milliseconds elapsed{0};
};

struct PackageInfo {
  Packument packument;
  std::optional<Plugin> plugin;
  std::optional<backend::SyncRecord> sync;
};

class CALLBOARD_EXPORT Registry {
 public:
  Registry(std::shared_ptr<backend::Storage> storage, std::shared_ptr<backend::Transport> transport,
           NpmConfig npm);

  /// Fetches, stores, groups and scores. Incremental: packages already stored
  /// are asked for with conditional requests (ETag / Last-Modified) and are
  /// rewritten only when their content changed. Progress is reported after
  /// every package; `stop` cancels (what was committed stays; a later run
  /// resumes).
  Result<IndexReport> index(const IndexOptions& options,
                            const std::function<void(const IndexProgress&)>& progress = {},
                            std::stop_token stop = {});

  /// Imports every release manifest (`<version>.json` or
  /// `<version>/manifest.json`) from a folder. Returns how many.
  Result<std::size_t> import_releases(const std::filesystem::path& folder);
  /// Imports every directory YAML file from a folder.
  Result<std::size_t> import_directory(const std::filesystem::path& folder);

  Result<backend::SearchPage> search(const backend::SearchQuery& query);
  /// A package by name, or the first package of a plugin by id.
  Result<std::optional<PackageInfo>> info(std::string_view package_or_plugin);

  [[nodiscard]] backend::Storage& storage() noexcept { return *storage_; }

 private:
  std::shared_ptr<backend::Storage> storage_;
  std::shared_ptr<backend::Transport> transport_;
  NpmConfig npm_;
};

/// The seed data folder of an installed callboard (share/callboard/data), or
/// of the source tree when run from a build directory.
CALLBOARD_EXPORT std::filesystem::path default_data_dir();

}  // namespace callboard
