#pragma once
/// \file
/// What a Session holds, shared by its source files. Private to src/session/.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "callboard/artifact.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/backend/transport.hpp"
#include "callboard/compat.hpp"
#include "callboard/npm_config.hpp"
#include "callboard/registry.hpp"
#include "callboard/session.hpp"

namespace callboard {

/// How an operation uses the storage.
enum class StorageAccess : std::uint8_t {
  kRead,   ///< a missing storage is kNotFound ("there is no index at ...")
  kWrite,  ///< a missing storage is created
};

struct Session::State {
  SessionOptions options;
  std::string url;

  /// Held for every use of `storage` (one connection, one thread at a time).
  std::mutex storage_mutex;
  std::shared_ptr<backend::Storage> storage;
  /// Built from the storage on first use; reset when this Session writes
  /// releases or packuments. Guarded by storage_mutex.
  std::shared_ptr<const compat::ReleaseCatalog> catalog;

  /// Guards the lazily made npm configuration, transport and cache.
  std::mutex setup_mutex;
  std::optional<NpmConfig> npm;
  std::shared_ptr<backend::Transport> transport;
  bool cache_opened = false;
  std::optional<ArtifactCache> cache;

  /// The storage, opened on first use as `access` allows; a storage opened
  /// for reading is kept for later writes (it exists). Requires
  /// storage_mutex held.
  Result<std::shared_ptr<backend::Storage>> storage_for(StorageAccess access);
  /// Whether the storage exists (opening it when it does). Requires
  /// storage_mutex held.
  Result<bool> storage_exists();

  Result<const NpmConfig*> npm_config();
  Result<std::shared_ptr<backend::Transport>> transport_for_registry();
  /// nullptr when the options turn the cache off.
  Result<const ArtifactCache*> artifact_cache();
  /// A Registry over the storage (opened for `access`) and the transport.
  /// Requires storage_mutex held.
  Result<Registry> registry(StorageAccess access);
  /// A Registry over the storage only (no network).
  Result<Registry> offline_registry(StorageAccess access);
};

}  // namespace callboard
