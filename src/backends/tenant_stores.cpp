// The tenant-scoped stores' rules, applied once for every backend
// (callboard/backend/tenant.hpp). Backends only keep rows.

#include <algorithm>
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "backends/guarded.hpp"
#include "callboard/backend/tenant.hpp"

namespace callboard::backend {

DecisionBackend::~DecisionBackend() = default;
AuditBackend::~AuditBackend() = default;
ConfigBackend::~ConfigBackend() = default;
RolloutBackend::~RolloutBackend() = default;
AdminBackend::~AdminBackend() = default;

namespace {

using detail::guarded;

constexpr std::size_t kMaxTenantIdBytes = 64;
constexpr auto kMaxLeaseTtl = std::chrono::hours(24);

Error invalid(const TenantId& tenant, std::string_view field, std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message))
      .with("tenant", tenant.str())
      .with("field", std::string(field));
}

Result<void> check_key(const TenantId& tenant, std::string_view field, std::string_view key) {
  if (key.empty()) return invalid(tenant, field, std::string(field) + " is empty");
  if (key.size() > kMaxTenantKeyBytes) {
    return invalid(tenant, field,
                   std::string(field) + " is " + std::to_string(key.size()) + " bytes; at most " +
                       std::to_string(kMaxTenantKeyBytes) + " are allowed");
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c < 0x21 || c > 0x7e) {
      return invalid(tenant, field,
                     std::string(field) + " has a byte that is not printable ASCII (0x21..0x7e) at offset " +
                         std::to_string(i));
    }
  }
  return ok_result();
}

// Length of the valid UTF-8 sequence at s[i], 0 when invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2, min = 0x80, cp = b0 & 0x1fU;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3, min = 0x800, cp = b0 & 0x0fU;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4, min = 0x10000, cp = b0 & 0x07U;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0U) != 0x80U) return 0;
    cp = (cp << 6U) | (b & 0x3fU);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

Result<void> check_text(const TenantId& tenant, std::string_view field, std::string_view text) {
  if (text.size() > kMaxTenantDocumentBytes) {
    return invalid(tenant, field,
                   std::string(field) + " is " + std::to_string(text.size()) + " bytes; at most " +
                       std::to_string(kMaxTenantDocumentBytes) + " are allowed");
  }
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      return invalid(tenant, field, std::string(field) + " has a NUL byte at offset " + std::to_string(i));
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) return invalid(tenant, field, std::string(field) + " is not UTF-8 at offset " + std::to_string(i));
    i += n;
  }
  return ok_result();
}

Result<void> check_limit(const TenantId& tenant, std::size_t limit) {
  if (limit == 0 || limit > kMaxTenantPage) {
    return invalid(tenant, "limit",
                   "limit is " + std::to_string(limit) + "; it must be 1.." + std::to_string(kMaxTenantPage));
  }
  return ok_result();
}

Result<void> check_cursor(const TenantId& tenant, const std::optional<PageCursor>& after) {
  if (!after) return ok_result();
  return check_key(tenant, "cursor id", after->id);
}

Error unimplemented(std::string_view domain) {
  return make_error(ErrorCode::kUnimplemented, "this storage backend does not implement " + std::string(domain))
      .with("domain", std::string(domain));
}

Error read_only(std::string_view operation) {
  return make_error(ErrorCode::kFailedPrecondition,
                    std::string(operation) + " writes, and this is a read transaction; begin a write transaction")
      .with("operation", std::string(operation));
}

Error not_found(const TenantId& tenant, std::string_view what, std::string_view id) {
  return make_error(ErrorCode::kNotFound, std::string(what) + " " + std::string(id) + " is not stored for tenant " +
                                              tenant.str())
      .with("tenant", tenant.str())
      .with("id", std::string(id));
}

Error conflict(const TenantId& tenant, std::string message) {
  return make_error(ErrorCode::kAborted, std::move(message)).with("tenant", tenant.str());
}

template <typename Page, typename Row, typename Key>
Page page_of(std::vector<Row> rows, std::size_t limit, Key key) {
  Page page;
  if (rows.size() == limit) page.next = key(rows.back());
  if constexpr (std::is_same_v<Row, DecisionRecord>) {
    page.decisions = std::move(rows);
  } else {
    page.approvals = std::move(rows);
  }
  return page;
}

Result<void> check_decision(const TenantId& t, const DecisionRecord& d) {
  if (auto r = check_key(t, "decision id", d.id); !r) return r;
  if (auto r = check_key(t, "actor", d.actor); !r) return r;
  if (auto r = check_key(t, "action", d.action); !r) return r;
  if (auto r = check_key(t, "resource", d.resource); !r) return r;
  return check_text(t, "document", d.document);
}

Result<void> check_approval(const TenantId& t, const ApprovalRequest& a) {
  if (auto r = check_key(t, "approval id", a.id); !r) return r;
  if (auto r = check_key(t, "decision id", a.decision_id); !r) return r;
  if (!a.idempotency_key.empty()) {
    if (auto r = check_key(t, "idempotency key", a.idempotency_key); !r) return r;
  }
  if (auto r = check_key(t, "requested by", a.requested_by); !r) return r;
  return check_text(t, "document", a.document);
}

Result<void> check_ttl(const TenantId& t, std::chrono::milliseconds ttl) {
  if (ttl < std::chrono::milliseconds(1) || ttl > kMaxLeaseTtl) {
    return invalid(t, "ttl", "a lease's ttl must be 1 ms..1 day; it is " + std::to_string(ttl.count()) + " ms");
  }
  return ok_result();
}

}  // namespace

Result<TenantId> TenantId::parse(std::string_view text) {
  auto bad = [&](std::string message) {
    return make_error(ErrorCode::kInvalidArgument, "tenant id \"" + std::string(text.substr(0, 80)) + "\" " + message)
        .with("field", "tenant");
  };
  if (text.empty()) return bad("is empty");
  if (text.size() > kMaxTenantIdBytes) {
    return bad("is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(kMaxTenantIdBytes) +
               " are allowed");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) continue;
    if (i > 0 && (c == '-' || c == '_' || c == '.')) continue;
    return bad(std::string("has '") + (static_cast<unsigned char>(c) < 0x20 ? '?' : c) + "' at offset " +
               std::to_string(i) +
               "; use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit");
  }
  return TenantId(std::string(text));
}

std::string_view to_string(DecisionOutcome outcome) noexcept {
  switch (outcome) {
    case DecisionOutcome::kAllow:
      return "allow";
    case DecisionOutcome::kDeny:
      return "deny";
    case DecisionOutcome::kNeedsApproval:
      return "needs_approval";
  }
  return "deny";
}

std::optional<DecisionOutcome> parse_decision_outcome(std::string_view text) noexcept {
  for (auto o : {DecisionOutcome::kAllow, DecisionOutcome::kDeny, DecisionOutcome::kNeedsApproval}) {
    if (to_string(o) == text) return o;
  }
  return std::nullopt;
}

std::string_view to_string(ApprovalState state) noexcept {
  switch (state) {
    case ApprovalState::kPending:
      return "pending";
    case ApprovalState::kApproved:
      return "approved";
    case ApprovalState::kRejected:
      return "rejected";
    case ApprovalState::kExpired:
      return "expired";
    case ApprovalState::kWithdrawn:
      return "withdrawn";
  }
  return "pending";
}

std::optional<ApprovalState> parse_approval_state(std::string_view text) noexcept {
  for (auto s : {ApprovalState::kPending, ApprovalState::kApproved, ApprovalState::kRejected, ApprovalState::kExpired,
                 ApprovalState::kWithdrawn}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Decisions and approvals

Result<void> DecisionStore::put_decision(const DecisionRecord& decision) noexcept {
  return guarded("put_decision", [&]() -> Result<void> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (read_only_) return read_only("put_decision");
    if (auto r = check_decision(tenant_, decision); !r) return r;
    auto stored = backend_->get_decision(tenant_, decision.id);
    if (!stored) return std::move(stored).error();
    if (*stored) {
      if (**stored == decision) return ok_result();
      return make_error(ErrorCode::kAlreadyExists,
                        "decision " + decision.id + " is already stored with other content; decisions never change")
          .with("tenant", tenant_.str())
          .with("id", decision.id);
    }
    return backend_->insert_decision(tenant_, decision);
  });
}

Result<std::optional<DecisionRecord>> DecisionStore::decision(std::string_view id) noexcept {
  return guarded("decision", [&]() -> Result<std::optional<DecisionRecord>> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (auto r = check_key(tenant_, "decision id", id); !r) return std::move(r).error();
    return backend_->get_decision(tenant_, id);
  });
}

Result<DecisionPage> DecisionStore::decisions(const std::optional<PageCursor>& after, std::size_t limit) noexcept {
  return guarded("decisions", [&]() -> Result<DecisionPage> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (auto r = check_limit(tenant_, limit); !r) return std::move(r).error();
    if (auto r = check_cursor(tenant_, after); !r) return std::move(r).error();
    auto rows = backend_->list_decisions(tenant_, after, limit);
    if (!rows) return std::move(rows).error();
    return page_of<DecisionPage>(std::move(*rows), limit,
                                 [](const DecisionRecord& d) { return PageCursor{d.at, d.id}; });
  });
}

Result<ApprovalCreated> DecisionStore::create_approval(const ApprovalRequest& request) noexcept {
  return guarded("create_approval", [&]() -> Result<ApprovalCreated> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (read_only_) return read_only("create_approval");
    if (auto r = check_approval(tenant_, request); !r) return std::move(r).error();
    if (request.revision != 0) {
      return invalid(tenant_, "revision", "a new approval's revision must be 0 (the store assigns revisions)");
    }
    if (request.state != ApprovalState::kPending) {
      return invalid(tenant_, "state", "a new approval must be pending");
    }
    if (!request.idempotency_key.empty()) {
      auto prior = backend_->find_approval_by_key(tenant_, request.idempotency_key);
      if (!prior) return std::move(prior).error();
      if (*prior) return ApprovalCreated{std::move(**prior), false};
    }
    auto existing = backend_->get_approval(tenant_, request.id);
    if (!existing) return std::move(existing).error();
    if (*existing) {
      return make_error(ErrorCode::kAlreadyExists, "approval " + request.id + " is already stored")
          .with("tenant", tenant_.str())
          .with("id", request.id);
    }
    auto decision = backend_->get_decision(tenant_, request.decision_id);
    if (!decision) return std::move(decision).error();
    if (!*decision) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "approval " + request.id + " names decision " + request.decision_id +
                            ", which is not stored for tenant " + tenant_.str())
          .with("tenant", tenant_.str())
          .with("id", request.id)
          .with("decision", request.decision_id);
    }
    ApprovalRequest stored = request;
    stored.revision = 1;
    if (auto r = backend_->put_approval(tenant_, stored); !r) return std::move(r).error();
    return ApprovalCreated{std::move(stored), true};
  });
}

Result<ApprovalRequest> DecisionStore::update_approval(const ApprovalRequest& next,
                                                       std::uint64_t expected_revision) noexcept {
  return guarded("update_approval", [&]() -> Result<ApprovalRequest> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (read_only_) return read_only("update_approval");
    if (auto r = check_approval(tenant_, next); !r) return std::move(r).error();
    auto current = backend_->get_approval(tenant_, next.id);
    if (!current) return std::move(current).error();
    if (!*current) return not_found(tenant_, "approval", next.id);
    const ApprovalRequest& now = **current;
    if (now.decision_id != next.decision_id || now.idempotency_key != next.idempotency_key ||
        now.requested_by != next.requested_by || now.created != next.created) {
      return invalid(tenant_, "approval",
                     "approval " + next.id +
                         ": only state, expiry and document may change (decision id, idempotency key, "
                         "requester and creation time are fixed)");
    }
    if (now.revision != expected_revision) {
      return conflict(tenant_, "approval " + next.id + " is at revision " + std::to_string(now.revision) +
                                   ", not " + std::to_string(expected_revision) +
                                   ": another writer changed it; read it again")
          .with("id", next.id)
          .with("revision", std::to_string(now.revision));
    }
    if (now.state != ApprovalState::kPending) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "approval " + next.id + " is " + std::string(to_string(now.state)) + "; only a pending "
                                                                                              "approval changes")
          .with("tenant", tenant_.str())
          .with("id", next.id)
          .with("state", std::string(to_string(now.state)));
    }
    ApprovalRequest stored = next;
    stored.revision = now.revision + 1;
    if (auto r = backend_->put_approval(tenant_, stored); !r) return std::move(r).error();
    return stored;
  });
}

Result<std::optional<ApprovalRequest>> DecisionStore::approval(std::string_view id) noexcept {
  return guarded("approval", [&]() -> Result<std::optional<ApprovalRequest>> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (auto r = check_key(tenant_, "approval id", id); !r) return std::move(r).error();
    return backend_->get_approval(tenant_, id);
  });
}

Result<ApprovalPage> DecisionStore::approvals(std::optional<ApprovalState> state,
                                              const std::optional<PageCursor>& after, std::size_t limit) noexcept {
  return guarded("approvals", [&]() -> Result<ApprovalPage> {
    if (backend_ == nullptr) return unimplemented("decisions");
    if (auto r = check_limit(tenant_, limit); !r) return std::move(r).error();
    if (auto r = check_cursor(tenant_, after); !r) return std::move(r).error();
    auto rows = backend_->list_approvals(tenant_, state, after, limit);
    if (!rows) return std::move(rows).error();
    return page_of<ApprovalPage>(std::move(*rows), limit,
                                 [](const ApprovalRequest& a) { return PageCursor{a.created, a.id}; });
  });
}

// ---------------------------------------------------------------------------
// Audit

Result<std::uint64_t> AuditLog::size() noexcept {
  return guarded("audit_size", [&]() -> Result<std::uint64_t> {
    if (backend_ == nullptr) return unimplemented("audit");
    return backend_->audit_size(tenant_);
  });
}

Result<std::uint64_t> AuditLog::append(std::span<const AuditEntry> entries, std::uint64_t expected_size) noexcept {
  return guarded("append_audit", [&]() -> Result<std::uint64_t> {
    if (backend_ == nullptr) return unimplemented("audit");
    if (read_only_) return read_only("append_audit");
    if (entries.empty() || entries.size() > kMaxAuditBatch) {
      return invalid(tenant_, "entries",
                     "an append takes 1.." + std::to_string(kMaxAuditBatch) + " entries, not " +
                         std::to_string(entries.size()));
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      Result<void> r = check_key(tenant_, "kind", e.kind);
      if (r) r = check_key(tenant_, "actor", e.actor);
      if (r) r = check_text(tenant_, "document", e.document);
      if (!r) return std::move(r).error().with("entry", std::to_string(i));
    }
    auto size = backend_->audit_size(tenant_);
    if (!size) return std::move(size).error();
    if (*size != expected_size) {
      return conflict(tenant_, "the audit log has " + std::to_string(*size) + " entries, not the expected " +
                                   std::to_string(expected_size) + ": another writer appended first")
          .with("size", std::to_string(*size));
    }
    std::vector<AuditEntry> placed(entries.begin(), entries.end());
    for (std::size_t i = 0; i < placed.size(); ++i) placed[i].index = expected_size + i;
    if (auto r = backend_->append_audit(tenant_, placed); !r) return std::move(r).error();
    return expected_size + placed.size();
  });
}

Result<std::vector<AuditEntry>> AuditLog::entries(std::uint64_t from, std::size_t count) noexcept {
  return guarded("read_audit", [&]() -> Result<std::vector<AuditEntry>> {
    if (backend_ == nullptr) return unimplemented("audit");
    if (auto r = check_limit(tenant_, count); !r) return std::move(r).error();
    auto size = backend_->audit_size(tenant_);
    if (!size) return std::move(size).error();
    if (from > *size) {
      return invalid(tenant_, "from",
                     "entry " + std::to_string(from) + " is past the end of the log (" + std::to_string(*size) +
                         " entries)");
    }
    return backend_->read_audit(tenant_, from, count);
  });
}

Result<void> AuditLog::put_checkpoint(const AuditCheckpoint& checkpoint) noexcept {
  return guarded("put_checkpoint", [&]() -> Result<void> {
    if (backend_ == nullptr) return unimplemented("audit");
    if (read_only_) return read_only("put_checkpoint");
    if (auto r = check_text(tenant_, "note", checkpoint.note); !r) return r;
    if (checkpoint.note.empty()) return invalid(tenant_, "note", "a checkpoint's note is empty");
    auto size = backend_->audit_size(tenant_);
    if (!size) return std::move(size).error();
    if (checkpoint.size > *size) {
      return make_error(ErrorCode::kFailedPrecondition, "a checkpoint of " + std::to_string(checkpoint.size) +
                                                            " entries for a log of " + std::to_string(*size))
          .with("tenant", tenant_.str());
    }
    auto latest = backend_->latest_checkpoint(tenant_);
    if (!latest) return std::move(latest).error();
    if (*latest && (*latest)->size >= checkpoint.size) {
      if (**latest == checkpoint) return ok_result();
      return make_error(ErrorCode::kFailedPrecondition,
                        "the latest checkpoint is at " + std::to_string((*latest)->size) +
                            " entries; a new one must be at more")
          .with("tenant", tenant_.str());
    }
    return backend_->insert_checkpoint(tenant_, checkpoint);
  });
}

Result<std::optional<AuditCheckpoint>> AuditLog::latest_checkpoint() noexcept {
  return guarded("latest_checkpoint", [&]() -> Result<std::optional<AuditCheckpoint>> {
    if (backend_ == nullptr) return unimplemented("audit");
    return backend_->latest_checkpoint(tenant_);
  });
}

Result<std::optional<AuditCheckpoint>> AuditLog::checkpoint(std::uint64_t size) noexcept {
  return guarded("checkpoint", [&]() -> Result<std::optional<AuditCheckpoint>> {
    if (backend_ == nullptr) return unimplemented("audit");
    return backend_->get_checkpoint(tenant_, size);
  });
}

// ---------------------------------------------------------------------------
// Configuration

Result<ConfigRevision> ConfigStore::write(const ConfigChange& change, std::uint64_t expected_revision) noexcept {
  return guarded("write_config", [&]() -> Result<ConfigRevision> {
    if (backend_ == nullptr) return unimplemented("config");
    if (read_only_) return read_only("write_config");
    if (auto r = check_key(tenant_, "config key", change.key); !r) return std::move(r).error();
    if (auto r = check_key(tenant_, "actor", change.actor); !r) return std::move(r).error();
    if (auto r = check_text(tenant_, "comment", change.comment); !r) return std::move(r).error();
    if (!change.remove) {
      if (auto r = check_text(tenant_, "document", change.document); !r) return std::move(r).error();
    }
    auto latest = backend_->latest_config(tenant_, change.key);
    if (!latest) return std::move(latest).error();
    const std::uint64_t current = *latest ? (*latest)->revision : 0;
    if (current != expected_revision) {
      return conflict(tenant_, "config key " + change.key + " is at revision " + std::to_string(current) +
                                   ", not " + std::to_string(expected_revision) +
                                   ": another writer changed it; read it again")
          .with("key", change.key)
          .with("revision", std::to_string(current));
    }
    if (change.remove && (!*latest || (*latest)->removed)) return not_found(tenant_, "config key", change.key);
    ConfigRevision next;
    next.key = change.key;
    next.revision = current + 1;
    next.removed = change.remove;
    if (!change.remove) next.document = change.document;
    next.at = change.at;
    next.actor = change.actor;
    next.comment = change.comment;
    if (auto r = backend_->insert_config(tenant_, next); !r) return std::move(r).error();
    return next;
  });
}

Result<std::optional<ConfigRevision>> ConfigStore::value(std::string_view key) noexcept {
  return guarded("config_value", [&]() -> Result<std::optional<ConfigRevision>> {
    if (backend_ == nullptr) return unimplemented("config");
    if (auto r = check_key(tenant_, "config key", key); !r) return std::move(r).error();
    auto latest = backend_->latest_config(tenant_, key);
    if (!latest) return std::move(latest).error();
    if (*latest && (*latest)->removed) return std::optional<ConfigRevision>();
    return latest;
  });
}

Result<std::optional<ConfigRevision>> ConfigStore::revision(std::string_view key, std::uint64_t revision) noexcept {
  return guarded("config_revision", [&]() -> Result<std::optional<ConfigRevision>> {
    if (backend_ == nullptr) return unimplemented("config");
    if (auto r = check_key(tenant_, "config key", key); !r) return std::move(r).error();
    return backend_->get_config(tenant_, key, revision);
  });
}

Result<std::vector<std::string>> ConfigStore::keys() noexcept {
  return guarded("config_keys", [&]() -> Result<std::vector<std::string>> {
    if (backend_ == nullptr) return unimplemented("config");
    return backend_->live_config_keys(tenant_);
  });
}

Result<std::vector<ConfigRevision>> ConfigStore::history(std::string_view key, std::uint64_t before,
                                                         std::size_t limit) noexcept {
  return guarded("config_history", [&]() -> Result<std::vector<ConfigRevision>> {
    if (backend_ == nullptr) return unimplemented("config");
    if (auto r = check_key(tenant_, "config key", key); !r) return std::move(r).error();
    if (auto r = check_limit(tenant_, limit); !r) return std::move(r).error();
    return backend_->config_history(tenant_, key, before, limit);
  });
}

// ---------------------------------------------------------------------------
// Rollouts and leases

Result<void> RolloutStore::check_fence(const std::optional<Fence>& fence) noexcept {
  if (!fence) return ok_result();
  if (auto r = check_key(tenant_, "fence lease", fence->lease); !r) return r;
  auto lease = backend_->get_lease(tenant_, fence->lease);
  if (!lease) return std::move(lease).error();
  if (!*lease || (*lease)->token != fence->token) {
    const std::string current = *lease ? std::to_string((*lease)->token) : std::string("none");
    return conflict(tenant_, "lease lost: " + fence->lease + " was granted again (token " + current +
                                 ") after token " + std::to_string(fence->token) + "; stop acting on it")
        .with("lease", fence->lease)
        .with("token", current);
  }
  return ok_result();
}

Result<RolloutRecord> RolloutStore::create(const RolloutRecord& rollout) noexcept {
  return guarded("create_rollout", [&]() -> Result<RolloutRecord> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("create_rollout");
    if (auto r = check_key(tenant_, "rollout id", rollout.id); !r) return std::move(r).error();
    if (auto r = check_text(tenant_, "document", rollout.document); !r) return std::move(r).error();
    if (rollout.revision != 0) {
      return invalid(tenant_, "revision", "a new rollout's revision must be 0 (the store assigns revisions)");
    }
    auto existing = backend_->get_rollout(tenant_, rollout.id);
    if (!existing) return std::move(existing).error();
    if (*existing) {
      return make_error(ErrorCode::kAlreadyExists, "rollout " + rollout.id + " is already stored")
          .with("tenant", tenant_.str())
          .with("id", rollout.id);
    }
    RolloutRecord stored = rollout;
    stored.revision = 1;
    if (auto r = backend_->put_rollout(tenant_, stored); !r) return std::move(r).error();
    return stored;
  });
}

Result<RolloutRecord> RolloutStore::update(const RolloutRecord& next, std::uint64_t expected_revision,
                                           const std::optional<Fence>& fence) noexcept {
  return guarded("update_rollout", [&]() -> Result<RolloutRecord> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("update_rollout");
    if (auto r = check_key(tenant_, "rollout id", next.id); !r) return std::move(r).error();
    if (auto r = check_text(tenant_, "document", next.document); !r) return std::move(r).error();
    if (auto r = check_fence(fence); !r) return std::move(r).error();
    auto current = backend_->get_rollout(tenant_, next.id);
    if (!current) return std::move(current).error();
    if (!*current) return not_found(tenant_, "rollout", next.id);
    if ((*current)->revision != expected_revision) {
      return conflict(tenant_, "rollout " + next.id + " is at revision " + std::to_string((*current)->revision) +
                                   ", not " + std::to_string(expected_revision) +
                                   ": another writer changed it; read it again")
          .with("id", next.id)
          .with("revision", std::to_string((*current)->revision));
    }
    RolloutRecord stored = next;
    stored.revision = expected_revision + 1;
    if (auto r = backend_->put_rollout(tenant_, stored); !r) return std::move(r).error();
    return stored;
  });
}

Result<std::optional<RolloutRecord>> RolloutStore::rollout(std::string_view id) noexcept {
  return guarded("rollout", [&]() -> Result<std::optional<RolloutRecord>> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (auto r = check_key(tenant_, "rollout id", id); !r) return std::move(r).error();
    return backend_->get_rollout(tenant_, id);
  });
}

Result<std::vector<RolloutRecord>> RolloutStore::rollouts(bool include_finished) noexcept {
  return guarded("rollouts", [&]() -> Result<std::vector<RolloutRecord>> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    return backend_->list_rollouts(tenant_, include_finished);
  });
}

Result<StepRecord> RolloutStore::record_step(const StepRecord& step, const std::optional<Fence>& fence) noexcept {
  return guarded("record_step", [&]() -> Result<StepRecord> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("record_step");
    if (auto r = check_key(tenant_, "rollout id", step.rollout_id); !r) return std::move(r).error();
    if (auto r = check_key(tenant_, "step", step.step); !r) return std::move(r).error();
    if (auto r = check_text(tenant_, "document", step.document); !r) return std::move(r).error();
    if (auto r = check_fence(fence); !r) return std::move(r).error();
    auto rollout = backend_->get_rollout(tenant_, step.rollout_id);
    if (!rollout) return std::move(rollout).error();
    if (!*rollout) return not_found(tenant_, "rollout", step.rollout_id);
    auto prior = backend_->get_step(tenant_, step.rollout_id, step.step);
    if (!prior) return std::move(prior).error();
    if (*prior) {
      return make_error(ErrorCode::kAlreadyExists, "step " + step.step + " of rollout " + step.rollout_id +
                                                       " was already recorded under token " +
                                                       std::to_string((*prior)->token) + "; do not apply it again")
          .with("tenant", tenant_.str())
          .with("id", step.rollout_id)
          .with("step", step.step)
          .with("token", std::to_string((*prior)->token));
    }
    StepRecord stored = step;
    stored.token = fence ? fence->token : 0;
    if (auto r = backend_->insert_step(tenant_, stored); !r) return std::move(r).error();
    return stored;
  });
}

Result<std::vector<StepRecord>> RolloutStore::steps(std::string_view rollout_id) noexcept {
  return guarded("steps", [&]() -> Result<std::vector<StepRecord>> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (auto r = check_key(tenant_, "rollout id", rollout_id); !r) return std::move(r).error();
    return backend_->list_steps(tenant_, rollout_id);
  });
}

Result<Lease> RolloutStore::acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                                          std::chrono::milliseconds ttl) noexcept {
  return guarded("acquire_lease", [&]() -> Result<Lease> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("acquire_lease");
    if (auto r = check_key(tenant_, "lease name", name); !r) return std::move(r).error();
    if (auto r = check_key(tenant_, "holder", holder); !r) return std::move(r).error();
    if (auto r = check_ttl(tenant_, ttl); !r) return std::move(r).error();
    auto current = backend_->get_lease(tenant_, name);
    if (!current) return std::move(current).error();
    Lease next{std::string(name), std::string(holder), 1, now + ttl};
    if (*current) {
      const Lease& l = **current;
      const bool live = !l.holder.empty() && now < l.expires;
      if (live && l.holder != holder) {
        return make_error(ErrorCode::kUnavailable, "lease " + std::string(name) + " is held by " + l.holder +
                                                       " until " + format_timestamp(l.expires))
            .with("tenant", tenant_.str())
            .with("lease", std::string(name))
            .with("holder", l.holder)
            .with("expires", format_timestamp(l.expires));
      }
      next.token = live ? l.token : l.token + 1;
    }
    if (auto r = backend_->put_lease(tenant_, next); !r) return std::move(r).error();
    return next;
  });
}

Result<Lease> RolloutStore::renew_lease(std::string_view name, std::uint64_t token, Timestamp now,
                                        std::chrono::milliseconds ttl) noexcept {
  return guarded("renew_lease", [&]() -> Result<Lease> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("renew_lease");
    if (auto r = check_key(tenant_, "lease name", name); !r) return std::move(r).error();
    if (auto r = check_ttl(tenant_, ttl); !r) return std::move(r).error();
    auto current = backend_->get_lease(tenant_, name);
    if (!current) return std::move(current).error();
    if (!*current || (*current)->token != token || (*current)->holder.empty() || !(now < (*current)->expires)) {
      return conflict(tenant_, "lease lost: " + std::string(name) + " is no longer held with token " +
                                   std::to_string(token))
          .with("lease", std::string(name));
    }
    Lease next = **current;
    next.expires = now + ttl;
    if (auto r = backend_->put_lease(tenant_, next); !r) return std::move(r).error();
    return next;
  });
}

Result<void> RolloutStore::release_lease(std::string_view name, std::uint64_t token) noexcept {
  return guarded("release_lease", [&]() -> Result<void> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (read_only_) return read_only("release_lease");
    if (auto r = check_key(tenant_, "lease name", name); !r) return r;
    auto current = backend_->get_lease(tenant_, name);
    if (!current) return std::move(current).error();
    if (!*current || (*current)->token != token || (*current)->holder.empty()) {
      return conflict(tenant_, "lease " + std::string(name) + " is not held with token " + std::to_string(token))
          .with("lease", std::string(name));
    }
    Lease next = **current;
    next.holder.clear();
    return backend_->put_lease(tenant_, next);
  });
}

Result<std::optional<Lease>> RolloutStore::lease(std::string_view name) noexcept {
  return guarded("lease", [&]() -> Result<std::optional<Lease>> {
    if (backend_ == nullptr) return unimplemented("rollouts");
    if (auto r = check_key(tenant_, "lease name", name); !r) return std::move(r).error();
    return backend_->get_lease(tenant_, name);
  });
}

// ---------------------------------------------------------------------------
// Administration

Result<std::vector<TenantId>> AdminStore::tenants() noexcept {
  return guarded("tenants", [&]() -> Result<std::vector<TenantId>> {
    if (backend_ == nullptr) return unimplemented("tenant administration");
    auto names = backend_->list_tenants();
    if (!names) return std::move(names).error();
    std::vector<TenantId> out;
    out.reserve(names->size());
    for (const auto& name : *names) {
      auto id = TenantId::parse(name);
      if (!id) {
        return make_error(ErrorCode::kDataLoss, "a stored tenant id is not valid: " + id.error().message)
            .with("tenant", name);
      }
      out.push_back(std::move(*id));
    }
    return out;
  });
}

Result<void> AdminStore::purge(const TenantId& tenant) noexcept {
  return guarded("purge_tenant", [&]() -> Result<void> {
    if (backend_ == nullptr) return unimplemented("tenant administration");
    if (read_only_) return read_only("purge_tenant");
    return backend_->purge_tenant(tenant);
  });
}

}  // namespace callboard::backend
