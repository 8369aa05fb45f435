// The Session facade: options, lazily opened storage / npm configuration /
// transport / cache, and the registry operations (index, search, info,
// releases).

#include "callboard/session.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <utility>

#include "callboard/version.hpp"

#include "session/state.hpp"

namespace callboard {

namespace fs = std::filesystem;

std::string default_storage_url() {
  if (const char* env = std::getenv("CALLBOARD_DB"); env != nullptr && *env != '\0') return env;
  return "sqlite:callboard.db";
}

fs::path default_artifact_cache_dir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if (auto dir = env("CALLBOARD_CACHE_DIR"); !dir.empty()) return dir;
  if (auto xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return fs::path(xdg) / "callboard" / "artifacts";
  if (auto home = env("HOME"); !home.empty()) return fs::path(home) / ".cache" / "callboard" / "artifacts";
  return fs::temp_directory_path() / "callboard-artifacts";
}

// ---- State -------------------------------------------------------------------

Result<std::shared_ptr<backend::Storage>> Session::State::storage_for(StorageAccess access) {
  if (storage) return storage;
  backend::StorageOpenOptions open_options;
  open_options.create_if_missing = access == StorageAccess::kWrite;
  auto opened = backend::open_storage(url, open_options);
  if (!opened) {
    Error error = std::move(opened).error();
    // Only a backend's missing-database error names a "database"; the path
    // it names is the one the user gave (never credentials).
    if (error.code == ErrorCode::kNotFound && !error.detail("database").empty()) {
      const std::string where(error.detail("database"));
      error.message = "there is no index at " + where +
                      "; run 'callboard index' to make one, or name an existing one with --db or CALLBOARD_DB";
    }
    return error;
  }
  storage = std::shared_ptr<backend::Storage>(std::move(*opened));
  return storage;
}

Result<bool> Session::State::storage_exists() {
  auto opened = storage_for(StorageAccess::kRead);
  if (opened) return true;
  if (opened.error().code == ErrorCode::kNotFound && !opened.error().detail("database").empty()) return false;
  return std::move(opened).error();
}

Result<const NpmConfig*> Session::State::npm_config() {
  std::lock_guard lock(setup_mutex);
  if (!npm) {
    if (options.npm) {
      npm = *options.npm;
    } else {
      auto loaded = load_npm_config(options.npm_options);
      if (!loaded) return std::move(loaded).error();
      npm = std::move(*loaded);
    }
  }
  return &*npm;
}

Result<std::shared_ptr<backend::Transport>> Session::State::transport_for_registry() {
  auto config = npm_config();
  if (!config) return std::move(config).error();
  std::lock_guard lock(setup_mutex);
  if (transport) return transport;
  if (options.transport) {
    transport = options.transport;
    return transport;
  }
  const NpmConfig& n = **config;
  backend::TransportOptions t;
  t.max_concurrency = options.max_concurrency;
  t.user_agent = !options.user_agent.empty() ? options.user_agent
                 : !n.user_agent.empty()     ? n.user_agent
                                             : "callboard/" + std::string(callboard::version());
  t.verify_tls = n.strict_ssl;
  t.ca_file = n.cafile;
  t.proxy = !n.https_proxy.empty() ? n.https_proxy : n.http_proxy;
  t.no_proxy = n.no_proxy;
  auto made = backend::make_curl_transport(t);
  if (!made) return std::move(made).error();
  transport = std::shared_ptr<backend::Transport>(std::move(*made));
  return transport;
}

Result<const ArtifactCache*> Session::State::artifact_cache() {
  std::lock_guard lock(setup_mutex);
  if (!cache_opened) {
    const fs::path root = options.artifact_cache ? *options.artifact_cache : default_artifact_cache_dir();
    if (!root.empty()) {
      auto opened = ArtifactCache::open(root);
      if (!opened) return std::move(opened).error();
      cache = std::move(*opened);
    }
    cache_opened = true;
  }
  return cache ? &*cache : nullptr;
}

Result<Registry> Session::State::registry(StorageAccess access) {
  auto s = storage_for(access);
  if (!s) return std::move(s).error();
  auto t = transport_for_registry();
  if (!t) return std::move(t).error();
  auto n = npm_config();
  if (!n) return std::move(n).error();
  return Registry(*s, *t, **n);
}

Result<Registry> Session::State::offline_registry(StorageAccess access) {
  auto s = storage_for(access);
  if (!s) return std::move(s).error();
  return Registry(*s, nullptr, NpmConfig{});
}

// ---- Session -------------------------------------------------------------------

Session::Session(std::unique_ptr<State> state) : state_(std::move(state)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::open(SessionOptions options) {
  auto state = std::make_unique<State>();
  state->url = options.storage.empty() ? default_storage_url() : options.storage;
  if (options.max_concurrency == 0 || options.max_concurrency > 256) {
    return make_error(ErrorCode::kInvalidArgument, "max_concurrency must be from 1 to 256")
        .with("max_concurrency", std::to_string(options.max_concurrency));
  }
  state->options = std::move(options);
  return Session(std::move(state));
}

const std::string& Session::storage_url() const noexcept { return state_->url; }

Result<IndexReport> Session::index(const IndexOptions& request,
                                   const std::function<void(const IndexProgress&)>& progress, std::stop_token stop) {
  IndexOptions options = request;
  if (options.data_dir.empty()) options.data_dir = state_->options.data_dir;
  std::lock_guard lock(state_->storage_mutex);
  auto registry = state_->registry(StorageAccess::kWrite);
  if (!registry) return std::move(registry).error();
  state_->catalog.reset();
  return registry->index(options, progress, std::move(stop));
}

Result<backend::SearchPage> Session::search(const backend::SearchQuery& query) {
  std::lock_guard lock(state_->storage_mutex);
  auto storage = state_->storage_for(StorageAccess::kRead);
  if (!storage) return std::move(storage).error();
  return (*storage)->search(query);
}

Result<PackageInfo> Session::info(const InfoRequest& request) {
  std::lock_guard lock(state_->storage_mutex);
  auto registry = state_->offline_registry(StorageAccess::kRead);
  if (!registry) return std::move(registry).error();
  auto info = registry->info(request.name);
  if (!info) return std::move(info).error();
  if (!*info) {
    return make_error(ErrorCode::kNotFound, "no indexed package or plugin named '" + request.name +
                                                "'; run 'callboard index' or 'callboard search'")
        .with("name", request.name);
  }
  return std::move(**info);
}

Result<ReleaseList> Session::releases() {
  std::lock_guard lock(state_->storage_mutex);
  auto storage = state_->storage_for(StorageAccess::kRead);
  if (!storage) return std::move(storage).error();
  auto versions = (*storage)->release_versions();
  if (!versions) return std::move(versions).error();
  return ReleaseList{std::move(*versions)};
}

Result<ReleaseImportReport> Session::import_releases(const ReleaseImportRequest& request, std::stop_token stop) {
  const std::string& from = request.source;
  if (from.empty()) return make_error(ErrorCode::kInvalidArgument, "name a folder or an http(s) URL to import from");
  std::lock_guard lock(state_->storage_mutex);
  state_->catalog.reset();
  if (from.starts_with("http://") || from.starts_with("https://")) {
    auto registry = state_->registry(StorageAccess::kWrite);
    if (!registry) return std::move(registry).error();
    auto version = registry->import_release_url(from, std::move(stop));
    if (!version) return std::move(version).error();
    return ReleaseImportReport{1, {std::move(*version)}};
  }
  auto registry = state_->offline_registry(StorageAccess::kWrite);
  if (!registry) return std::move(registry).error();
  auto n = registry->import_releases(from);
  if (!n) return std::move(n).error();
  return ReleaseImportReport{*n, {}};
}

}  // namespace callboard
