#pragma once
/// \file
/// The tenant-scoped stores: policy decisions and approvals, an append-only
/// audit log, configuration values with history, and rollout state written
/// with compare-and-swap under leases with fencing tokens.
///
/// A store is reached through a Transaction for one tenant (a read
/// transaction for reads that must not wait for writers):
///
///   auto tenant = TenantId::parse("acme");                  // validated once
///   auto txn = storage->begin();
///   auto rollouts = (*txn)->tenant(*tenant).rollouts();
///   auto lease = rollouts.acquire_lease("rollout/r1", "host-a", now, 30s);
///   ...
///   (*txn)->commit();
///
/// Every handle is bound to its tenant: no call names another one, so no
/// call reads or writes another tenant's rows. Work across tenants (listing
/// them, removing one) goes through the explicit AdminStore handle.
///
/// The stores are classes with non-virtual members: they check every input
/// and apply every rule of their contract (revisions, idempotency keys,
/// append positions, lease tokens) once, here, for every backend. A backend
/// implements the small row interfaces at the end of this file (one per
/// domain, each with its own interface version), which receive only
/// checked input. A backend's Transaction must be serializable for the rows
/// it reads and writes (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE
/// or row locks), because the rules here read and then write.
///
/// Reads inside a transaction see its own writes. Handles are valid while
/// their transaction is; after commit() every call fails with
/// kFailedPrecondition. A backend that does not implement a domain gives
/// kUnimplemented for every call of that store.
///
/// Errors common to all stores: kInvalidArgument for an input that breaks a
/// bound below (nothing is written); kAborted for a lost compare-and-swap
/// (another writer changed the row first: read again and decide again;
/// retryable); kNotFound for an id that is not stored for this tenant.
///
/// Bounds: ids, keys, names and actors are 1..kMaxTenantKeyBytes bytes of
/// printable ASCII (0x21..0x7e); documents are UTF-8 without NUL bytes, at
/// most kMaxTenantDocumentBytes, and stored and returned byte for byte (the
/// components above choose their format: JSON from src/codec).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard::backend {

inline constexpr std::size_t kMaxTenantKeyBytes = 256;
inline constexpr std::size_t kMaxTenantDocumentBytes = std::size_t{1} << 20;
/// At most this many entries in one AuditLog::append.
inline constexpr std::size_t kMaxAuditBatch = 10000;
/// At most this many rows in one page of a listing.
inline constexpr std::size_t kMaxTenantPage = 1000;

/// A tenant's id: 1..64 bytes of lower-case ASCII letters, digits, '-', '_'
/// and '.', starting with a letter or digit. Lower case only, so that two
/// ids never collide under a case-insensitive collation.
class CALLBOARD_EXPORT TenantId {
 public:
  /// kInvalidArgument naming the first offending byte otherwise.
  [[nodiscard]] static Result<TenantId> parse(std::string_view text);
  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  friend bool operator==(const TenantId&, const TenantId&) = default;
  friend auto operator<=>(const TenantId&, const TenantId&) = default;

 private:
  explicit TenantId(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

// ---------------------------------------------------------------------------
// Records

/// The outcome of a policy decision. Stored as its text (to_string).
enum class DecisionOutcome : std::uint8_t { kAllow, kDeny, kNeedsApproval };
/// "allow", "deny", "needs_approval".
CALLBOARD_EXPORT std::string_view to_string(DecisionOutcome outcome) noexcept;
CALLBOARD_EXPORT std::optional<DecisionOutcome> parse_decision_outcome(std::string_view text) noexcept;

/// A policy decision: immutable once stored.
struct DecisionRecord {
  std::string id;
  Timestamp at{};
  std::string actor;     ///< who asked
  std::string action;    ///< what was asked ("install", "upgrade", ...)
  std::string resource;  ///< what it was asked about ("@backstage/plugin-x@1.2.3")
  DecisionOutcome outcome = DecisionOutcome::kDeny;
  std::string document;  ///< the full record (reasons, policies, obligations)
  friend bool operator==(const DecisionRecord&, const DecisionRecord&) = default;
};

/// Where a page of decisions or approvals ends: pass it back to get the
/// next page. Pages are ordered by (time, id).
struct PageCursor {
  Timestamp at{};
  std::string id;
  friend bool operator==(const PageCursor&, const PageCursor&) = default;
};

struct DecisionPage {
  std::vector<DecisionRecord> decisions;
  /// Set when more may follow.
  std::optional<PageCursor> next;
};

/// An approval's state. Every state but kPending is final.
enum class ApprovalState : std::uint8_t { kPending, kApproved, kRejected, kExpired, kWithdrawn };
/// "pending", "approved", "rejected", "expired", "withdrawn".
CALLBOARD_EXPORT std::string_view to_string(ApprovalState state) noexcept;
CALLBOARD_EXPORT std::optional<ApprovalState> parse_approval_state(std::string_view text) noexcept;

/// A request for approval of a decision that needs one.
struct ApprovalRequest {
  std::string id;
  std::string decision_id;  ///< a decision stored for the same tenant
  /// Empty, or a key the requester chose: a second request with the same
  /// key returns the first instead of creating another.
  std::string idempotency_key;
  std::string requested_by;
  Timestamp created{};
  /// When it lapses; the epoch for never. Expiring it is the caller's move.
  Timestamp expires{};
  ApprovalState state = ApprovalState::kPending;
  /// Assigned by the store: 1 when created, +1 on every update.
  std::uint64_t revision = 0;
  std::string document;  ///< votes, obligations, comments
  friend bool operator==(const ApprovalRequest&, const ApprovalRequest&) = default;
};

struct ApprovalPage {
  std::vector<ApprovalRequest> approvals;
  std::optional<PageCursor> next;
};

/// What create_approval did.
struct ApprovalCreated {
  ApprovalRequest approval;  ///< as stored
  /// False when an approval with the same idempotency key was returned.
  bool created = false;
};

/// One entry of a tenant's audit log.
struct AuditEntry {
  /// Its position, from 0: assigned by append (the input's is ignored).
  std::uint64_t index = 0;
  Timestamp at{};
  std::string kind;   ///< "decision", "approval", "plan", "config", "rollout-step", ...
  std::string actor;
  std::string document;  ///< the bytes a Merkle leaf hashes
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

/// A signed statement of the log's size and root (the audit component's
/// format), kept with the log.
struct AuditCheckpoint {
  std::uint64_t size = 0;
  std::string note;
  friend bool operator==(const AuditCheckpoint&, const AuditCheckpoint&) = default;
};

/// One revision of one configuration key. Revisions of a key count from 1;
/// a removal is a revision too (a tombstone), so history shows it.
struct ConfigRevision {
  std::string key;  ///< what is configured ("plugin:catalog", ...)
  std::uint64_t revision = 0;
  bool removed = false;
  std::string document;  ///< the value; empty for a removal
  Timestamp at{};
  std::string actor;
  std::string comment;  ///< may be empty
  friend bool operator==(const ConfigRevision&, const ConfigRevision&) = default;
};

/// A change to one configuration key. `document` is ignored for a removal.
struct ConfigChange {
  std::string key;
  bool remove = false;
  std::string document;
  Timestamp at{};
  std::string actor;
  std::string comment;
};

/// A rollout's state, written with the revision it was read at.
struct RolloutRecord {
  std::string id;
  /// Assigned by the store: 1 when created, +1 on every update.
  std::uint64_t revision = 0;
  /// Finished rollouts are listed only on request.
  bool finished = false;
  Timestamp updated{};
  std::string document;  ///< the executor's state
  friend bool operator==(const RolloutRecord&, const RolloutRecord&) = default;
};

/// A time-bounded claim on a name ("rollout/<id>"). Every grant to a new
/// holder, or to the same holder after its lease lapsed or was released,
/// gets a larger token than any before it for that name; renewing keeps the
/// token. A write fenced with a token fails once a larger one was granted,
/// so a holder that lost its lease (paused, partitioned) cannot act on it.
struct Lease {
  std::string name;
  std::string holder;  ///< empty once released
  std::uint64_t token = 0;
  Timestamp expires{};
  friend bool operator==(const Lease&, const Lease&) = default;
};

/// A write's proof that its writer holds a lease.
struct Fence {
  std::string lease;
  std::uint64_t token = 0;
  friend bool operator==(const Fence&, const Fence&) = default;
};

/// A step of a rollout recorded before it is acted on: a step is recorded
/// once, so no executor applies it twice.
struct StepRecord {
  std::string rollout_id;
  std::string step;  ///< the step's key in the plan ("wave-1/tenant-a/canary-25")
  std::uint64_t token = 0;  ///< the fence it was recorded under; 0 for none
  Timestamp at{};
  std::string document;
  friend bool operator==(const StepRecord&, const StepRecord&) = default;
};

class DecisionBackend;
class AuditBackend;
class ConfigBackend;
class RolloutBackend;
class AdminBackend;

// ---------------------------------------------------------------------------
// The stores

/// Decisions (immutable) and approvals (a small state machine).
class CALLBOARD_EXPORT DecisionStore {
 public:
  DecisionStore(DecisionBackend* backend, TenantId tenant, bool read_only = false) noexcept
      : backend_(backend), tenant_(std::move(tenant)), read_only_(read_only) {}

  /// Stores a decision. Storing the same record again is a no-op; another
  /// record with a stored id is kAlreadyExists.
  Result<void> put_decision(const DecisionRecord& decision) noexcept;
  Result<std::optional<DecisionRecord>> decision(std::string_view id) noexcept;
  /// Decisions in (at, id) order after `after` (from the start without),
  /// at most `limit` (1..kMaxTenantPage).
  Result<DecisionPage> decisions(const std::optional<PageCursor>& after, std::size_t limit) noexcept;

  /// Stores a new pending approval (`revision` and `state` of the input
  /// must be 0 and kPending). With an idempotency key already used, returns
  /// that approval instead (created = false), whatever its state. Errors:
  /// kAlreadyExists for a stored id; kFailedPrecondition when the decision
  /// is not stored for this tenant.
  Result<ApprovalCreated> create_approval(const ApprovalRequest& request) noexcept;
  /// Replaces an approval's state, expiry and document, if it is still at
  /// `expected_revision` (kAborted otherwise) and still pending
  /// (kFailedPrecondition otherwise). The other fields must be unchanged
  /// (kInvalidArgument). Returns the stored record (revision + 1).
  Result<ApprovalRequest> update_approval(const ApprovalRequest& next, std::uint64_t expected_revision) noexcept;
  Result<std::optional<ApprovalRequest>> approval(std::string_view id) noexcept;
  /// Approvals in (created, id) order, of one state or all.
  Result<ApprovalPage> approvals(std::optional<ApprovalState> state, const std::optional<PageCursor>& after,
                                 std::size_t limit) noexcept;

 private:
  DecisionBackend* backend_;
  TenantId tenant_;
  bool read_only_;
};

/// An append-only log: entries are added at the end and never changed.
class CALLBOARD_EXPORT AuditLog {
 public:
  AuditLog(AuditBackend* backend, TenantId tenant, bool read_only = false) noexcept
      : backend_(backend), tenant_(std::move(tenant)), read_only_(read_only) {}

  /// The number of entries.
  Result<std::uint64_t> size() noexcept;
  /// Appends 1..kMaxAuditBatch entries if the log still has
  /// `expected_size` entries (kAborted naming both sizes otherwise: two
  /// writers cannot fork the log). Returns the new size.
  Result<std::uint64_t> append(std::span<const AuditEntry> entries, std::uint64_t expected_size) noexcept;
  /// Up to `count` (1..kMaxTenantPage) entries from index `from`; empty at
  /// the end; kInvalidArgument past it.
  Result<std::vector<AuditEntry>> entries(std::uint64_t from, std::size_t count) noexcept;

  /// Keeps a checkpoint. Its size must be at most the log's size and
  /// larger than the latest checkpoint's (kFailedPrecondition otherwise);
  /// keeping the latest again is a no-op.
  Result<void> put_checkpoint(const AuditCheckpoint& checkpoint) noexcept;
  Result<std::optional<AuditCheckpoint>> latest_checkpoint() noexcept;
  /// The checkpoint kept at exactly this size.
  Result<std::optional<AuditCheckpoint>> checkpoint(std::uint64_t size) noexcept;

 private:
  AuditBackend* backend_;
  TenantId tenant_;
  bool read_only_;
};

/// Configuration values with their whole history.
class CALLBOARD_EXPORT ConfigStore {
 public:
  ConfigStore(ConfigBackend* backend, TenantId tenant, bool read_only = false) noexcept
      : backend_(backend), tenant_(std::move(tenant)), read_only_(read_only) {}

  /// Writes a revision if the key's latest revision is `expected_revision`
  /// (0 for a key never written; a tombstone's revision counts), kAborted
  /// otherwise. Removing a key without a value is kNotFound. Returns the
  /// stored revision.
  Result<ConfigRevision> write(const ConfigChange& change, std::uint64_t expected_revision) noexcept;
  /// The key's value: its latest revision unless that is a removal.
  Result<std::optional<ConfigRevision>> value(std::string_view key) noexcept;
  /// One revision of a key, removals included.
  Result<std::optional<ConfigRevision>> revision(std::string_view key, std::uint64_t revision) noexcept;
  /// Keys that have a value, sorted by byte order.
  Result<std::vector<std::string>> keys() noexcept;
  /// Revisions of a key, newest first, below `before` (0: from the latest),
  /// at most `limit` (1..kMaxTenantPage).
  Result<std::vector<ConfigRevision>> history(std::string_view key, std::uint64_t before, std::size_t limit) noexcept;

 private:
  ConfigBackend* backend_;
  TenantId tenant_;
  bool read_only_;
};

/// Rollout state, the steps recorded for it, and leases.
class CALLBOARD_EXPORT RolloutStore {
 public:
  RolloutStore(RolloutBackend* backend, TenantId tenant, bool read_only = false) noexcept
      : backend_(backend), tenant_(std::move(tenant)), read_only_(read_only) {}

  /// Stores a new rollout at revision 1 (the input's revision must be 0).
  /// kAlreadyExists for a stored id.
  Result<RolloutRecord> create(const RolloutRecord& rollout) noexcept;
  /// Replaces a rollout if it is still at `expected_revision` (kAborted
  /// otherwise) and, with a fence, if the fence's token is still the
  /// lease's (kAborted, "lease lost", otherwise). Returns it at revision + 1.
  Result<RolloutRecord> update(const RolloutRecord& next, std::uint64_t expected_revision,
                               const std::optional<Fence>& fence = std::nullopt) noexcept;
  Result<std::optional<RolloutRecord>> rollout(std::string_view id) noexcept;
  /// Rollouts sorted by id; finished ones only when asked.
  Result<std::vector<RolloutRecord>> rollouts(bool include_finished) noexcept;

  /// Records a step of a stored rollout (kNotFound otherwise) before it is
  /// acted on. A step already recorded is kAlreadyExists naming the token it
  /// was recorded under. With a fence, as update. The record's token is set
  /// from the fence (0 without one).
  Result<StepRecord> record_step(const StepRecord& step, const std::optional<Fence>& fence = std::nullopt) noexcept;
  /// A rollout's steps in the order they were recorded.
  Result<std::vector<StepRecord>> steps(std::string_view rollout_id) noexcept;

  /// Grants the lease to `holder` until now + ttl (ttl 1 ms..1 day) if it is
  /// free, released, lapsed, or already this holder's (then renewed, same
  /// token). Held by another: kUnavailable (retryable) with "holder" and
  /// "expires" context entries.
  Result<Lease> acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                              std::chrono::milliseconds ttl) noexcept;
  /// Extends a lease still held with `token` and not lapsed at `now`;
  /// kAborted ("lease lost") otherwise.
  Result<Lease> renew_lease(std::string_view name, std::uint64_t token, Timestamp now,
                            std::chrono::milliseconds ttl) noexcept;
  /// Gives a lease up. kAborted when `token` is no longer the lease's.
  Result<void> release_lease(std::string_view name, std::uint64_t token) noexcept;
  /// The lease as stored (lapsed ones included); nullopt if never granted.
  Result<std::optional<Lease>> lease(std::string_view name) noexcept;

 private:
  Result<void> check_fence(const std::optional<Fence>& fence) noexcept;
  RolloutBackend* backend_;
  TenantId tenant_;
  bool read_only_;
};

/// One tenant's stores inside a transaction.
class CALLBOARD_EXPORT TenantStores {
 public:
  /// With `read_only`, every write of every store fails with
  /// kFailedPrecondition (a read transaction).
  TenantStores(DecisionBackend* decisions, AuditBackend* audit, ConfigBackend* config, RolloutBackend* rollouts,
               TenantId tenant, bool read_only = false) noexcept
      : decisions_(decisions),
        audit_(audit),
        config_(config),
        rollouts_(rollouts),
        tenant_(std::move(tenant)),
        read_only_(read_only) {}
  [[nodiscard]] const TenantId& id() const noexcept { return tenant_; }
  [[nodiscard]] DecisionStore decisions() const { return {decisions_, tenant_, read_only_}; }
  [[nodiscard]] AuditLog audit() const { return {audit_, tenant_, read_only_}; }
  [[nodiscard]] ConfigStore config() const { return {config_, tenant_, read_only_}; }
  [[nodiscard]] RolloutStore rollouts() const { return {rollouts_, tenant_, read_only_}; }

 private:
  DecisionBackend* decisions_;
  AuditBackend* audit_;
  ConfigBackend* config_;
  RolloutBackend* rollouts_;
  TenantId tenant_;
  bool read_only_;
};

/// Work across tenants, for operators: not for code acting for a tenant.
class CALLBOARD_EXPORT AdminStore {
 public:
  explicit AdminStore(AdminBackend* backend, bool read_only = false) noexcept
      : backend_(backend), read_only_(read_only) {}
  /// Tenants with at least one stored row in any domain, sorted.
  Result<std::vector<TenantId>> tenants() noexcept;
  /// Removes every row of one tenant in every domain (the audit log too:
  /// offboarding). Removing a tenant without rows is a no-op.
  Result<void> purge(const TenantId& tenant) noexcept;

 private:
  AdminBackend* backend_;
  bool read_only_;
};

// ---------------------------------------------------------------------------
// What a backend implements. Every call names its tenant; the stores above
// have checked every input. Calls run inside the backend's open transaction
// and see its earlier writes. Methods never throw.

class CALLBOARD_EXPORT DecisionBackend {
 public:
  /// Bumped whenever a virtual function is added, removed or changed.
  static constexpr std::uint32_t kInterfaceVersion = 1;
  virtual ~DecisionBackend();
  virtual Result<std::optional<DecisionRecord>> get_decision(const TenantId& t, std::string_view id) noexcept = 0;
  virtual Result<void> insert_decision(const TenantId& t, const DecisionRecord& d) noexcept = 0;
  /// Up to `limit` decisions with (at, id) > after, in that order.
  virtual Result<std::vector<DecisionRecord>> list_decisions(const TenantId& t, const std::optional<PageCursor>& after,
                                                             std::size_t limit) noexcept = 0;
  virtual Result<std::optional<ApprovalRequest>> get_approval(const TenantId& t, std::string_view id) noexcept = 0;
  virtual Result<std::optional<ApprovalRequest>> find_approval_by_key(const TenantId& t,
                                                                      std::string_view idempotency_key) noexcept = 0;
  /// Inserts or replaces by id.
  virtual Result<void> put_approval(const TenantId& t, const ApprovalRequest& a) noexcept = 0;
  /// Up to `limit` approvals with (created, id) > after, in that order.
  virtual Result<std::vector<ApprovalRequest>> list_approvals(const TenantId& t, std::optional<ApprovalState> state,
                                                              const std::optional<PageCursor>& after,
                                                              std::size_t limit) noexcept = 0;
};

class CALLBOARD_EXPORT AuditBackend {
 public:
  static constexpr std::uint32_t kInterfaceVersion = 1;
  virtual ~AuditBackend();
  virtual Result<std::uint64_t> audit_size(const TenantId& t) noexcept = 0;
  /// Stores entries whose index fields are already their positions.
  virtual Result<void> append_audit(const TenantId& t, std::span<const AuditEntry> entries) noexcept = 0;
  virtual Result<std::vector<AuditEntry>> read_audit(const TenantId& t, std::uint64_t from, std::size_t count) noexcept = 0;
  virtual Result<void> insert_checkpoint(const TenantId& t, const AuditCheckpoint& c) noexcept = 0;
  /// The checkpoint with the largest size.
  virtual Result<std::optional<AuditCheckpoint>> latest_checkpoint(const TenantId& t) noexcept = 0;
  virtual Result<std::optional<AuditCheckpoint>> get_checkpoint(const TenantId& t, std::uint64_t size) noexcept = 0;
};

class CALLBOARD_EXPORT ConfigBackend {
 public:
  static constexpr std::uint32_t kInterfaceVersion = 1;
  virtual ~ConfigBackend();
  /// The revision with the largest number, removals included.
  virtual Result<std::optional<ConfigRevision>> latest_config(const TenantId& t, std::string_view key) noexcept = 0;
  virtual Result<std::optional<ConfigRevision>> get_config(const TenantId& t, std::string_view key,
                                                           std::uint64_t revision) noexcept = 0;
  virtual Result<void> insert_config(const TenantId& t, const ConfigRevision& r) noexcept = 0;
  /// Keys whose latest revision is not a removal, sorted.
  virtual Result<std::vector<std::string>> live_config_keys(const TenantId& t) noexcept = 0;
  /// Revisions below `before` (all when 0), newest first, at most `limit`.
  virtual Result<std::vector<ConfigRevision>> config_history(const TenantId& t, std::string_view key,
                                                             std::uint64_t before, std::size_t limit) noexcept = 0;
};

class CALLBOARD_EXPORT RolloutBackend {
 public:
  static constexpr std::uint32_t kInterfaceVersion = 1;
  virtual ~RolloutBackend();
  virtual Result<std::optional<RolloutRecord>> get_rollout(const TenantId& t, std::string_view id) noexcept = 0;
  /// Inserts or replaces by id.
  virtual Result<void> put_rollout(const TenantId& t, const RolloutRecord& r) noexcept = 0;
  /// Sorted by id.
  virtual Result<std::vector<RolloutRecord>> list_rollouts(const TenantId& t, bool include_finished) noexcept = 0;
  virtual Result<std::optional<StepRecord>> get_step(const TenantId& t, std::string_view rollout_id,
                                                     std::string_view step) noexcept = 0;
  virtual Result<void> insert_step(const TenantId& t, const StepRecord& s) noexcept = 0;
  /// In insertion order.
  virtual Result<std::vector<StepRecord>> list_steps(const TenantId& t, std::string_view rollout_id) noexcept = 0;
  virtual Result<std::optional<Lease>> get_lease(const TenantId& t, std::string_view name) noexcept = 0;
  /// Inserts or replaces by name.
  virtual Result<void> put_lease(const TenantId& t, const Lease& l) noexcept = 0;
};

class CALLBOARD_EXPORT AdminBackend {
 public:
  static constexpr std::uint32_t kInterfaceVersion = 1;
  virtual ~AdminBackend();
  /// Tenant ids with a row in any domain, sorted (as stored text).
  virtual Result<std::vector<std::string>> list_tenants() noexcept = 0;
  virtual Result<void> purge_tenant(const TenantId& t) noexcept = 0;
};

}  // namespace callboard::backend
