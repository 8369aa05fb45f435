#include <exception>
#include <new>
#include <string>
#include <utility>

#include "backends/search_common.hpp"
#include "backends/storage_memory/memory_storage.hpp"
#include "backends/storage_sqlite/sqlite_storage.hpp"
#include "callboard/backend/storage.hpp"

namespace callboard::backend {

std::string_view to_string(SyncSource source) noexcept {
  switch (source) {
    case SyncSource::kNpm: return "npm";
    case SyncSource::kLocal: return "local";
    case SyncSource::kDirectory: return "directory";
  }
  return "npm";
}

std::optional<SyncSource> parse_sync_source(std::string_view text) noexcept {
  for (SyncSource s : {SyncSource::kNpm, SyncSource::kLocal, SyncSource::kDirectory}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

Transaction::~Transaction() = default;
Storage::~Storage() = default;

void BackendRegistry::register_storage(std::string scheme, StorageFactory factory) {
  storage_[detail::ascii_lower(scheme)] = std::move(factory);
}

Result<std::unique_ptr<Storage>> BackendRegistry::open_storage(std::string_view url,
                                                               const StorageOpenOptions& options) const {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "storage URL has no scheme; expected sqlite:///abs/path.db, sqlite:relative/path.db or memory:");
  }
  // Only the scheme goes into errors: the rest of a URL may carry credentials.
  const std::string scheme = detail::ascii_lower(url.substr(0, colon));
  auto it = storage_.find(scheme);
  if (it == storage_.end() || !it->second) {
    std::string known;
    for (const auto& [name, factory] : storage_) {
      if (!factory) continue;
      if (!known.empty()) known += ", ";
      known += name;
    }
    return make_error(ErrorCode::kInvalidArgument, "unknown storage scheme '" + scheme + "'")
        .with("scheme", scheme)
        .with("known_schemes", known);
  }
  try {
    return it->second(url, options);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory opening storage").with("scheme", scheme);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("storage factory threw: ") + e.what()).with("scheme", scheme);
  } catch (...) {
    return make_error(ErrorCode::kInternal, "storage factory threw").with("scheme", scheme);
  }
}

std::vector<std::string> BackendRegistry::storage_schemes() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : storage_) {
    if (factory) out.push_back(name);
  }
  return out;
}

void register_builtin_backends(BackendRegistry& registry) {
  registry.register_storage("sqlite", [](std::string_view url, const StorageOpenOptions& options) {
    return detail::open_sqlite_storage(url, options);
  });
  // Nothing persists: a memory store is new on every open, whatever the options.
  registry.register_storage("memory", [](std::string_view url, const StorageOpenOptions&) {
    return detail::open_memory_storage(url);
  });
}

Result<std::unique_ptr<Storage>> open_storage(std::string_view url, const StorageOpenOptions& options) {
  try {
    BackendRegistry registry;
    register_builtin_backends(registry);
    return registry.open_storage(url, options);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, "out of memory opening storage");
  }
}

}  // namespace callboard::backend
