// Transaction's own members: the writes, every input checked once, here,
// for every backend, then handed to the backend's do_ hook; and the tenant
// stores it hands out (callboard/backend/storage.hpp).

#include <exception>
#include <new>
#include <string>

#include "backends/guarded.hpp"
#include "backends/search_common.hpp"
#include "callboard/backend/storage.hpp"

namespace callboard::backend {

namespace {

using detail::guarded;

// A name stored one per line (links, seed names): a key without a line break.
Result<void> check_line(std::string_view what, std::string_view name) {
  if (auto r = detail::check_key(what, name); !r) return r;
  if (name.find_first_of("\r\n") != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " has a line break")
        .with("name", std::string(name.substr(0, 200)));
  }
  return ok_result();
}

template <typename Check, typename Write>
Result<void> checked_write(Transaction& txn, std::string_view operation, Check&& check, Write&& write) noexcept {
  return guarded(operation, [&]() -> Result<void> {
    if (txn.mode() == TransactionMode::kRead) {
      return make_error(ErrorCode::kFailedPrecondition, "a read transaction does not write")
          .with("operation", std::string(operation));
    }
    if (auto r = check(); !r) return std::move(r).error().with("operation", std::string(operation));
    return write();
  });
}

}  // namespace

Result<void> Transaction::put_packument(const Packument& packument) noexcept {
  return checked_write(
      *this, "put_packument", [&] { return detail::check_key("package name", packument.name); },
      [&] { return do_put_packument(packument); });
}

Result<void> Transaction::delete_packument(std::string_view name) noexcept {
  return checked_write(
      *this, "delete_packument", [&] { return detail::check_key("package name", name); },
      [&] { return do_delete_packument(name); });
}

Result<void> Transaction::put_sync_record(const SyncRecord& record) noexcept {
  return checked_write(
      *this, "put_sync_record",
      [&]() -> Result<void> {
        if (auto r = detail::check_key("sync record name", record.name); !r) return r;
        for (const auto& link : record.links) {
          if (auto r = check_line("link", link); !r) return std::move(r).error().with("package", record.name);
        }
        return ok_result();
      },
      [&] { return do_put_sync_record(record); });
}

Result<void> Transaction::replace_plugins(const std::vector<Plugin>& plugins) noexcept {
  return checked_write(
      *this, "replace_plugins", [&] { return detail::validate_plugins(plugins); },
      [&] { return do_replace_plugins(plugins); });
}

Result<void> Transaction::put_release(const Release& release) noexcept {
  return checked_write(
      *this, "put_release", [&] { return detail::check_key("release version", release.version); },
      [&] { return do_put_release(release); });
}

Result<void> Transaction::put_directory_entry(const DirectoryEntry& entry) noexcept {
  return checked_write(
      *this, "put_directory_entry", [&] { return detail::check_key("directory entry id", entry.id); },
      [&] { return do_put_directory_entry(entry); });
}

Result<void> Transaction::put_artifact(const ArtifactRecord& record) noexcept {
  return checked_write(
      *this, "put_artifact", [&] { return detail::validate_artifact(record); },
      [&] { return do_put_artifact(record); });
}

Result<void> Transaction::put_seed(const SeedState& seed) noexcept {
  return checked_write(
      *this, "put_seed",
      [&]() -> Result<void> {
        if (auto r = detail::check_key("seed fingerprint", seed.fingerprint); !r) return r;
        for (const auto& name : seed.names) {
          if (auto r = check_line("seed name", name); !r) return r;
        }
        return ok_result();
      },
      [&] { return do_put_seed(seed); });
}

Result<void> Transaction::put_plugin_build(const PluginBuild& build) noexcept {
  return checked_write(
      *this, "put_plugin_build", [] { return ok_result(); }, [&] { return do_put_plugin_build(build); });
}

Result<void> Transaction::set_plugins_stale(bool stale) noexcept {
  return checked_write(
      *this, "set_plugins_stale", [] { return ok_result(); }, [&] { return do_set_plugins_stale(stale); });
}

// ---------------------------------------------------------------------------
// The tenant stores inside a transaction (callboard/backend/tenant.hpp)

TenantStores Transaction::tenant(const TenantId& id) {
  return TenantStores(decision_rows(), audit_rows(), config_rows(), rollout_rows(), id,
                      mode_ == TransactionMode::kRead);
}

AdminStore Transaction::admin() { return AdminStore(admin_rows(), mode_ == TransactionMode::kRead); }

}  // namespace callboard::backend
