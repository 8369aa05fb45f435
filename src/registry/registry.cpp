// The indexer: seeds, the fetch loop over the Transport, incremental sync,
// local sources, and the plugin rebuild. See include/callboard/registry.hpp.
//
// Crash safety: every package is written (packument + its links + its sync
// record) in the same transaction, and transactions are committed every few
// dozen packages. A process killed at any point leaves a database whose
// packages are each complete; the next run re-asks everything and finishes
// the plugin rebuild, which only happens after the fetch loop.

#include "callboard/registry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "callboard/digest.hpp"
#include "registry/local_source.hpp"
#include "registry/names.hpp"
#include "registry/write_batch.hpp"

namespace callboard {
namespace {

using Clock = std::chrono::steady_clock;
using backend::HttpRequest;
using backend::HttpResponse;
using backend::SyncRecord;
using backend::SyncSource;
using registry_detail::WriteBatch;

constexpr std::size_t kMaxSeedFileBytes = 16u << 20;
// Plugins are rebuilt when anything changed, and at least daily because the
// recency factors of the score move with time.
constexpr auto kPluginRebuildAge = std::chrono::hours(24);

Timestamp now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return make_error(ErrorCode::kNotFound, "cannot read " + path.string() + ": " + ec.message())
        .with("file", path.string());
  }
  if (size > max_bytes) {
    return make_error(ErrorCode::kResourceExhausted,
                      path.string() + " is " + std::to_string(size) + " bytes, more than the limit of " +
                          std::to_string(max_bytes))
        .with("file", path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open " + path.string()).with("file", path.string());
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return make_error(ErrorCode::kDataLoss, "short read from " + path.string()).with("file", path.string());
  return text;
}

/// A cheap fingerprint of a folder's files (names, sizes, mtimes), to skip
/// re-importing seed data that did not change.
std::string folder_fingerprint(const std::filesystem::path& dir) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto size = it->file_size(ec);
    const auto mtime = it->last_write_time(ec).time_since_epoch().count();
    lines.push_back(it->path().lexically_relative(dir).string() + '\t' + std::to_string(size) + '\t' +
                    std::to_string(mtime));
  }
  std::sort(lines.begin(), lines.end());
  std::string joined;
  for (const auto& l : lines) joined += l + '\n';
  return sha256_hex(joined);
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    if (!line.empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

struct EcosystemList {
  std::vector<std::string> names;
  std::map<std::string, std::uint64_t, std::less<>> downloads;
};

/// data/ecosystem/packages.tsv: name, latest_version, downloads_a_month.
Result<EcosystemList> read_ecosystem(const std::filesystem::path& file) {
  auto text = read_file(file, kMaxSeedFileBytes);
  if (!text) return std::move(text).error();
  EcosystemList list;
  std::size_t line_no = 0;
  for (const auto& line : split_lines(*text)) {
    ++line_no;
    if (line_no == 1 && line.rfind("name\t", 0) == 0) continue;
    std::vector<std::string_view> cols;
    std::string_view rest = line;
    while (true) {
      const auto tab = rest.find('\t');
      cols.push_back(rest.substr(0, tab));
      if (tab == std::string_view::npos) break;
      rest.remove_prefix(tab + 1);
    }
    const std::string name(cols[0]);
    if (!registry_detail::is_valid_package_name(name)) {
      return make_error(ErrorCode::kInvalidArgument, "not an npm package name: '" + name + "'")
          .with("file", file.string())
          .with("line", std::to_string(line_no));
    }
    list.names.push_back(name);
    if (cols.size() >= 3) {
      std::uint64_t n = 0;
      bool ok = !cols[2].empty();
      for (const char c : cols[2]) {
        if (c < '0' || c > '9' || n > (UINT64_MAX - 9) / 10) {
          ok = false;
          break;
        }
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (ok) list.downloads[name] = n;
    }
  }
  return list;
}

}  // namespace

std::string_view to_string(IndexPhase phase) noexcept {
  switch (phase) {
    case IndexPhase::kSeed: return "seed";
    case IndexPhase::kFetch: return "fetch";
    case IndexPhase::kPlugins: return "plugins";
    case IndexPhase::kDone: return "done";
  }
  return "seed";
}

std::filesystem::path default_data_dir() {
  if (const char* env = std::getenv("CALLBOARD_DATA_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
#ifdef CALLBOARD_INSTALL_DATADIR
  if (std::filesystem::is_directory(CALLBOARD_INSTALL_DATADIR, ec)) return CALLBOARD_INSTALL_DATADIR;
#endif
#ifdef CALLBOARD_SOURCE_DATADIR
  if (std::filesystem::is_directory(CALLBOARD_SOURCE_DATADIR, ec)) return CALLBOARD_SOURCE_DATADIR;
#endif
  return {};
}

namespace {

constexpr std::size_t kMaxReleaseUrlBytes = 8u << 20;

Result<void> store_releases(backend::Storage& storage, const std::vector<Release>& releases) {
  auto txn = storage.begin();
  if (!txn) return std::move(txn).error();
  for (const auto& r : releases) {
    if (auto put = (*txn)->put_release(r); !put) return std::move(put).error();
  }
  return (*txn)->commit();
}

}  // namespace

Registry::Registry(std::shared_ptr<backend::Storage> storage, std::shared_ptr<backend::Transport> transport,
                   NpmConfig npm)
    : storage_(std::move(storage)), transport_(std::move(transport)), npm_(std::move(npm)) {}

Result<std::size_t> Registry::import_releases(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return make_error(ErrorCode::kNotFound, "not a folder: " + folder.string()).with("file", folder.string());
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 2 || !it->is_regular_file(ec)) continue;
    const auto& p = it->path();
    if (p.extension() == ".json") files.push_back(p);
  }
  if (ec) return make_error(ErrorCode::kUnavailable, "cannot list " + folder.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Release> releases;
  for (const auto& file : files) {
    auto text = read_file(file, kMaxSeedFileBytes);
    if (!text) return std::move(text).error();
    auto release = parse_release(*text);
    if (!release) return std::move(release).error().with("file", file.string());
    releases.push_back(std::move(*release));
  }
  if (auto stored = store_releases(*storage_, releases); !stored) return std::move(stored).error();
  return releases.size();
}

Result<std::string> Registry::import_release_url(std::string_view url, std::stop_token stop) {
  if (!transport_) {
    return make_error(ErrorCode::kFailedPrecondition, "importing a release from a URL needs a transport");
  }
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return make_error(ErrorCode::kInvalidArgument, "not an http(s) URL").with("url", backend::redact_url(url));
  }
  backend::HttpRequest request;
  request.url = std::string(url);
  request.headers.emplace_back("Accept", "application/json");
  request.max_response_bytes = kMaxReleaseUrlBytes;
  auto response = transport_->fetch(std::move(request), stop);
  if (!response) return std::move(response).error();
  const std::string shown = backend::redact_url(url);
  if (response->status == 404) {
    return make_error(ErrorCode::kNotFound, "no release manifest at this URL (404)").with("url", shown);
  }
  if (response->status != 200) {
    return make_error(ErrorCode::kUnavailable, "the server answered " + std::to_string(response->status))
        .with("url", shown);
  }
  auto release = parse_release(response->body);
  if (!release) return std::move(release).error().with("url", shown);
  std::string version = release->version;
  if (auto stored = store_releases(*storage_, {std::move(*release)}); !stored) return std::move(stored).error();
  return version;
}

Result<std::size_t> Registry::import_directory(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return make_error(ErrorCode::kNotFound, "not a folder: " + folder.string()).with("file", folder.string());
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<DirectoryEntry> entries;
  for (const auto& file : files) {
    auto text = read_file(file, kMaxSeedFileBytes);
    if (!text) return std::move(text).error();
    auto entry = parse_directory_entry(*text, file.stem().string());
    if (!entry) return std::move(entry).error().with("file", file.string());
    entries.push_back(std::move(*entry));
  }
  auto txn = storage_->begin();
  if (!txn) return std::move(txn).error();
  for (const auto& e : entries) {
    if (auto put = (*txn)->put_directory_entry(e); !put) return std::move(put).error();
  }
  if (auto c = (*txn)->commit(); !c) return std::move(c).error();
  return entries.size();
}

Result<backend::SearchPage> Registry::search(const backend::SearchQuery& query) {
  return storage_->search(query);
}

Result<std::optional<PackageInfo>> Registry::info(std::string_view package_or_plugin) {
  auto packument = storage_->packument(package_or_plugin);
  if (!packument) return std::move(packument).error();
  std::optional<Plugin> plugin;
  if (!*packument) {
    auto p = storage_->plugin(package_or_plugin);
    if (!p) return std::move(p).error();
    if (!*p) return std::optional<PackageInfo>{};
    plugin = std::move(**p);
    const auto& pkgs = plugin->packages.empty() ? plugin->modules : plugin->packages;
    for (const auto& pkg : pkgs) {
      auto candidate = storage_->packument(pkg.name);
      if (!candidate) return std::move(candidate).error();
      if (*candidate) {
        packument = std::move(candidate);
        break;
      }
    }
    if (!*packument) return std::optional<PackageInfo>{};
  } else {
    auto p = storage_->plugin_for_package(package_or_plugin);
    if (!p) return std::move(p).error();
    plugin = std::move(*p);
  }
  PackageInfo info{std::move(**packument), std::move(plugin), std::nullopt};
  auto sync = storage_->sync_record(info.packument.name);
  if (!sync) return std::move(sync).error();
  info.sync = std::move(*sync);
  return std::optional<PackageInfo>(std::move(info));
}

Result<IndexReport> Registry::index(const IndexOptions& options,
                                    const std::function<void(const IndexProgress&)>& progress,
                                    std::stop_token stop) {
  const auto started = Clock::now();
  const Timestamp now = options.now == Timestamp{} ? now_ms() : options.now;
  IndexReport report;
  IndexProgress& prog = report.totals;
  auto tell = [&] {
    if (progress) progress(prog);
  };
  prog.phase = IndexPhase::kSeed;
  tell();

  // ---- Seeds -------------------------------------------------------------
  std::vector<std::string> seeds;
  std::map<std::string, std::uint64_t, std::less<>> downloads;
  bool seeds_changed = false;
  if (options.seed_ecosystem) {
    const auto data = options.data_dir.empty() ? default_data_dir() : options.data_dir;
    if (data.empty()) {
      return make_error(ErrorCode::kNotFound,
                        "no seed data found: set CALLBOARD_DATA_DIR or IndexOptions::data_dir to callboard's "
                        "data folder (share/callboard/data)");
    }
    auto eco = read_ecosystem(data / "ecosystem" / "packages.tsv");
    if (!eco) return std::move(eco).error();
    seeds = std::move(eco->names);
    downloads = std::move(eco->downloads);

    const std::string fingerprint =
        folder_fingerprint(data / "releases") + folder_fingerprint(data / "plugin-directory");
    auto stored = storage_->seed();
    if (!stored) return std::move(stored).error();
    if (!*stored || (*stored)->fingerprint != fingerprint) {
      auto n = import_releases(data / "releases");
      if (!n) return std::move(n).error();
      auto d = import_directory(data / "plugin-directory");
      if (!d) return std::move(d).error();
      // Every package a release manifest or the directory names is a seed.
      std::set<std::string, std::less<>> names;
      auto versions = storage_->release_versions();
      if (!versions) return std::move(versions).error();
      for (const auto& v : *versions) {
        auto r = storage_->release(v);
        if (!r) return std::move(r).error();
        if (*r) {
          for (const auto& [name, version] : (*r)->packages) names.insert(name);
        }
      }
      auto entries = storage_->directory_entries();
      if (!entries) return std::move(entries).error();
      for (const auto& e : *entries) {
        if (registry_detail::is_valid_package_name(e.npm_package_name)) names.insert(e.npm_package_name);
      }
      auto txn = storage_->begin();
      if (!txn) return std::move(txn).error();
      if (auto m = (*txn)->put_seed(backend::SeedState{fingerprint, {names.begin(), names.end()}}); !m) {
        return std::move(m).error();
      }
      if (auto c = (*txn)->commit(); !c) return std::move(c).error();
      seeds_changed = true;
    }
    auto seed = storage_->seed();
    if (!seed) return std::move(seed).error();
    if (*seed) {
      for (auto& n : (*seed)->names) seeds.push_back(std::move(n));
    }
  }
  for (const auto& name : options.packages) {
    if (!registry_detail::is_valid_package_name(name)) {
      return make_error(ErrorCode::kInvalidArgument, "not an npm package name: '" + name + "'")
          .with("package", name);
    }
    seeds.push_back(name);
  }
  auto records = storage_->sync_records();
  if (!records) return std::move(records).error();
  std::unordered_map<std::string, SyncRecord> known;
  for (auto& r : *records) {
    if (r.source == SyncSource::kNpm) seeds.push_back(r.name);
    std::string key = r.name;
    known.emplace(std::move(key), std::move(r));
  }

  // ---- Fetch loop --------------------------------------------------------
  prog.phase = IndexPhase::kFetch;
  std::deque<std::string> queue;
  std::unordered_set<std::string> seen;
  auto enqueue = [&](const std::string& name) {
    if (seen.size() >= options.max_packages) return;
    if (!registry_detail::is_valid_package_name(name)) return;
    if (seen.insert(name).second) queue.push_back(name);
  };
  for (const auto& s : seeds) enqueue(s);
  prog.queued = queue.size();

  if (!npm_.registry.empty() || !npm_.scope_registries.empty()) {
    if (!transport_) return make_error(ErrorCode::kFailedPrecondition, "no transport to reach the npm registry");
  } else if (!queue.empty()) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "no npm registry configured: set NPM_CONFIG_REGISTRY or `registry=` in an .npmrc");
  }

  WriteBatch batch(*storage_);
  std::vector<std::string> in_flight_names;  // tag -> name
  std::optional<Error> fatal;
  std::vector<std::string> changed_names;

  // The links kept with the package's sync record (finish() just stored it).
  auto links_of_stored = [&](const std::string& name) -> Result<void> {
    if (auto it = known.find(name); it != known.end()) {
      for (const auto& l : it->second.links) enqueue(l);
    }
    return {};
  };

  auto source = [&]() -> std::optional<HttpRequest> {
    if (fatal || queue.empty() || stop.stop_requested()) return std::nullopt;
    std::string name = std::move(queue.front());
    queue.pop_front();
    HttpRequest req = backend::npm_registry_request(npm_, npm_.packument_url(name), "application/json");
    if (auto it = known.find(name); it != known.end() && it->second.status == 200) {
      if (!it->second.etag.empty()) req.headers.emplace_back("If-None-Match", it->second.etag);
      if (!it->second.last_modified.empty()) {
        req.headers.emplace_back("If-Modified-Since", it->second.last_modified);
      }
    }
    req.tag = in_flight_names.size();
    in_flight_names.push_back(std::move(name));
    return req;
  };

  auto finish = [&](const std::string& name, SyncRecord record) -> Result<void> {
    auto txn = batch.txn();
    if (!txn) return std::move(txn).error();
    if (auto put = (*txn)->put_sync_record(record); !put) return std::move(put).error();
    known[name] = std::move(record);
    return batch.done_one();
  };

  auto done = [&](HttpRequest& req, Result<HttpResponse> response) {
    if (fatal) return;
    const std::string name = in_flight_names[req.tag];
    ++prog.done;
    prog.current = name;
    SyncRecord record;
    if (auto it = known.find(name); it != known.end()) record = it->second;
    record.name = name;
    record.source = SyncSource::kNpm;
    record.checked = now;
    record.error.clear();
    Result<void> written;
    if (!response) {
      const Error& error = response.error();
      if (error.code == ErrorCode::kCancelled) {
        --prog.done;
        return;  // asked again next run
      }
      ++prog.requests;
      ++prog.failed;
      report.failures.push_back({name, error});
      record.error = error.to_string();
      written = finish(name, std::move(record));
      // A failed package keeps what was stored before; still follow its links.
      if (written) written = links_of_stored(name);
    } else {
      const HttpResponse& r = *response;
      prog.requests += static_cast<std::size_t>(std::max(1, r.attempts));
      prog.bytes += r.bytes;
      if (r.status == 304) {
        ++prog.unchanged;
        record.status = 200;
        written = finish(name, std::move(record));
        if (written) written = links_of_stored(name);
      } else if (r.status == 200) {
        const std::string hash = sha256_hex(r.body);
        const bool same = record.status == 200 && record.content_hash == hash;
        record.status = 200;
        record.etag = std::string(r.header("ETag"));
        record.last_modified = std::string(r.header("Last-Modified"));
        if (same) {
          ++prog.unchanged;
          written = finish(name, std::move(record));
          if (written) written = links_of_stored(name);
        } else {
          auto packument = parse_packument(r.body);
          if (!packument) {
            Error error = std::move(packument).error();
            error.with("package", name).with("url", backend::redact_url(req.url));
            ++prog.failed;
            record.error = error.to_string();
            record.content_hash.clear();
            report.failures.push_back({name, std::move(error)});
            written = finish(name, std::move(record));
          } else {
            auto links = registry_detail::collect_links(*packument);
            auto txn = batch.txn();
            if (!txn) {
              written = std::move(txn).error();
            } else if (auto put = (*txn)->put_packument(*packument); !put) {
              written = std::move(put).error();
            } else {
              ++prog.changed;
              changed_names.push_back(name);
              record.content_hash = hash;
              record.changed = now;
              record.links = links;
              written = finish(name, std::move(record));
              for (const auto& l : links) enqueue(l);
            }
          }
        }
      } else if (r.status == 404) {
        ++prog.not_found;
        report.missing.push_back(name);
        const bool had = record.status == 200;
        record.status = 404;
        record.etag.clear();
        record.last_modified.clear();
        record.content_hash.clear();
        record.links.clear();
        auto txn = batch.txn();
        if (!txn) {
          written = std::move(txn).error();
        } else {
          if (had) {
            written = (*txn)->delete_packument(name);
            if (written) changed_names.push_back(name);
          }
          if (written) written = finish(name, std::move(record));
        }
      } else {
        ++prog.failed;
        Error error = backend::npm_status_error(r.status, req.url, name).with("package", name);
        record.status = r.status;
        record.error = error.to_string();
        report.failures.push_back({name, std::move(error)});
        written = finish(name, std::move(record));
        if (written) written = links_of_stored(name);
      }
    }
    if (!written) fatal = std::move(written).error();
    prog.queued = queue.size() + (in_flight_names.size() - prog.done);
    tell();
  };

  if (!queue.empty()) {
    auto ran = transport_->run(source, done, stop);
    if (auto f = batch.flush(); !f && !fatal) fatal = std::move(f).error();
    if (fatal) return std::move(*fatal);
    if (!ran) {
      if (ran.error().code == ErrorCode::kCancelled) {
        return make_error(ErrorCode::kCancelled,
                          "indexing cancelled after " + std::to_string(prog.done) +
                              " packages; what was fetched is stored, run again to finish");
      }
      return std::move(ran).error();
    }
  }
  if (stop.stop_requested()) {
    return make_error(ErrorCode::kCancelled, "indexing cancelled; run again to finish");
  }

  // ---- Local sources -----------------------------------------------------
  for (const auto& path : options.local_sources) {
    auto manifest = registry_detail::read_local_manifest(path);
    if (!manifest) return std::move(manifest).error();
    auto existing = storage_->packument(manifest->name);
    if (!existing) return std::move(existing).error();
    Packument packument = *existing ? std::move(**existing) : Packument{};
    registry_detail::merge_local_version(packument, std::move(*manifest), now);
    auto txn = batch.txn();
    if (!txn) return std::move(txn).error();
    if (auto put = (*txn)->put_packument(packument); !put) return std::move(put).error();
    SyncRecord record;
    record.name = packument.name;
    record.source = SyncSource::kLocal;
    record.checked = now;
    record.changed = now;
    record.content_hash = sha256_hex(to_json(packument));
    if (auto put = (*txn)->put_sync_record(record); !put) return std::move(put).error();
    if (auto f = batch.flush(); !f) return std::move(f).error();
    changed_names.push_back(packument.name);
    ++prog.changed;
  }

  // ---- Plugins -----------------------------------------------------------
  prog.phase = IndexPhase::kPlugins;
  tell();
  auto table = storage_->plugin_table();
  if (!table) return std::move(table).error();
  const bool marked_stale = table->stale;
  bool rebuild = !changed_names.empty() || seeds_changed || marked_stale;
  if (!rebuild) {
    const auto& last = table->last_build;
    rebuild = !last || now - last->built_at >= kPluginRebuildAge || now < last->built_at;
  }
  if (rebuild) {
    auto names = storage_->package_names();
    if (!names) return std::move(names).error();
    std::vector<Packument> packuments;
    packuments.reserve(names->size());
    std::size_t versions = 0;
    std::size_t stored = 0;
    // Local packages (a vendor's own) are grouped whatever they depend on.
    auto sync = storage_->sync_records();
    if (!sync) return std::move(sync).error();
    std::unordered_set<std::string> local;
    for (const auto& r : *sync) {
      if (r.source == SyncSource::kLocal) local.insert(r.name);
    }
    for (const auto& name : *names) {
      auto p = storage_->packument(name);
      if (!p) return std::move(p).error();
      if (*p) {
        versions += (*p)->versions.size();
        // Packages outside the ecosystem (npm dependencies a closure fetch
        // stored) are counted but never grouped into plugins.
        if (local.contains(name) || registry_detail::is_backstage_package(**p)) {
          packuments.push_back(std::move(**p));
        }
        ++stored;
      }
      if (stop.stop_requested()) return make_error(ErrorCode::kCancelled, "indexing cancelled; run again to finish");
    }
    std::vector<Release> releases;
    auto release_versions = storage_->release_versions();
    if (!release_versions) return std::move(release_versions).error();
    for (const auto& v : *release_versions) {
      auto r = storage_->release(v);
      if (!r) return std::move(r).error();
      if (*r) releases.push_back(std::move(**r));
    }
    auto directory = storage_->directory_entries();
    if (!directory) return std::move(directory).error();
    PluginInputs inputs;
    inputs.packuments = &packuments;
    inputs.directory = &*directory;
    inputs.releases = &releases;
    inputs.now = now;
    inputs.downloads = &downloads;
    auto built = build_plugins(inputs);
    if (!built) {
      // Nothing is replaced and plugins.built_at is not stamped, so the stored
      // table stays as it was. Packuments this run changed are committed
      // already: mark the table stale so the next run rebuilds it rather
      // than waiting for kPluginRebuildAge (best effort; the build's error is
      // the one reported).
      if (!marked_stale && (!changed_names.empty() || seeds_changed)) {
        if (auto txn = storage_->begin(); txn) {
          if ((*txn)->set_plugins_stale(true)) (void)(*txn)->commit();
        }
      }
      return std::move(built).error();
    }
    const std::vector<Plugin>& plugins = *built;
    auto txn = storage_->begin();
    if (!txn) return std::move(txn).error();
    if (auto put = (*txn)->replace_plugins(plugins); !put) return std::move(put).error();
    backend::PluginBuild build;
    build.built_at = now;
    build.packages = stored;
    build.versions = versions;
    build.plugins = plugins.size();
    build.releases = releases.size();
    build.directory_entries = directory->size();
    if (auto m = (*txn)->put_plugin_build(build); !m) return std::move(m).error();
    // Cleared only when this run saw it set: a mark another writer makes
    // meanwhile stands, for the next run.
    if (marked_stale) {
      if (auto m = (*txn)->set_plugins_stale(false); !m) return std::move(m).error();
    }
    if (auto c = (*txn)->commit(); !c) return std::move(c).error();
    table->last_build = build;
  }
  if (const auto& last = table->last_build) {
    report.packages = static_cast<std::size_t>(last->packages);
    report.versions = static_cast<std::size_t>(last->versions);
    report.plugins = static_cast<std::size_t>(last->plugins);
    report.releases = static_cast<std::size_t>(last->releases);
    report.directory_entries = static_cast<std::size_t>(last->directory_entries);
  }
  std::sort(report.missing.begin(), report.missing.end());
  std::sort(report.failures.begin(), report.failures.end(),
            [](const IndexFailure& a, const IndexFailure& b) { return a.package < b.package; });
  prog.phase = IndexPhase::kDone;
  prog.queued = 0;
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  tell();
  return report;
}

}  // namespace callboard
