// Conformance cases for the tenant-scoped stores (callboard/backend/tenant.hpp),
// one process.

#include <string>
#include <vector>

#include "suite.hpp"

namespace callboard::backend::conformance::detail {

TenantId tenant(const char* id) {
  auto t = TenantId::parse(id);
  if (!t) throw std::logic_error("bad tenant id in the suite");
  return *t;
}

Timestamp at(std::int64_t ms) { return Timestamp{std::chrono::milliseconds{1'760'000'000'000 + ms}}; }

namespace {

using std::chrono::milliseconds;

DecisionRecord decision(const std::string& id, std::int64_t when, DecisionOutcome outcome = DecisionOutcome::kAllow) {
  return DecisionRecord{id,           at(when), "user:default/jane", "install", "@backstage/plugin-x@1.2.3",
                        outcome,      R"({"reasons":["policy0"],"note":"caf\u00e9 ✓"})"};
}

ApprovalRequest approval(const std::string& id, const std::string& decision_id, std::int64_t when,
                         const std::string& key = {}) {
  ApprovalRequest a;
  a.id = id;
  a.decision_id = decision_id;
  a.idempotency_key = key;
  a.requested_by = "user:default/jane";
  a.created = at(when);
  a.document = R"({"obligations":[{"group":"platform-team","count":2}]})";
  return a;
}

AuditEntry entry(const std::string& doc, std::int64_t when) {
  return AuditEntry{0, at(when), "decision", "user:default/jane", doc};
}

ConfigChange change(const std::string& key, const std::string& doc, std::int64_t when, bool remove = false) {
  return ConfigChange{key, remove, doc, at(when), "user:default/jane", remove ? "" : "set by the form"};
}

RolloutRecord rollout(const std::string& id, const std::string& doc, bool finished = false) {
  return RolloutRecord{id, 0, finished, at(0), doc};
}

// Runs `body` in a transaction and commits it.
template <typename F>
void committed(Context& c, Storage& storage, F&& body) {
  auto txn = CB_NEED(storage.begin());
  body(*txn);
  CB_NEED(txn->commit());
}

// ---------------------------------------------------------------------------

void decisions_roundtrip(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  committed(c, *storage, [&](Transaction& txn) {
    auto store = txn.tenant(a).decisions();
    CB_NEED(store.put_decision(decision("d-2", 20)));
    CB_NEED(store.put_decision(decision("d-1", 10, DecisionOutcome::kNeedsApproval)));
    CB_NEED(store.put_decision(decision("d-3", 20, DecisionOutcome::kDeny)));
    CB_NEED(store.put_decision(decision("d-0", 30)));
    CB_NEED(store.put_decision(decision("d-9", 5)));
    // Storing the same record again is a no-op; other content is refused.
    CB_NEED(store.put_decision(decision("d-2", 20)));
    CB_ERROR(store.put_decision(decision("d-2", 21)), ErrorCode::kAlreadyExists);
  });
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).decisions();
  auto got = CB_NEED(store.decision("d-1"));
  CB_CHECK(got.has_value());
  if (got) CB_CHECK(*got == decision("d-1", 10, DecisionOutcome::kNeedsApproval));
  CB_CHECK(!CB_NEED(store.decision("d-404")).has_value());
  // Pages in (at, id) order: d-9 (5), d-1 (10), d-2 and d-3 (20), d-0 (30).
  std::vector<std::string> order;
  std::optional<PageCursor> cursor;
  int pages = 0;
  for (;;) {
    auto page = CB_NEED(store.decisions(cursor, 2));
    ++pages;
    for (const auto& d : page.decisions) order.push_back(d.id);
    if (!page.next) break;
    cursor = page.next;
    if (pages > 10) break;
  }
  CB_CHECK((order == std::vector<std::string>{"d-9", "d-1", "d-2", "d-3", "d-0"}));
  CB_CHECK_EQ(pages, 3);
  CB_ERROR(store.decisions(std::nullopt, 0), ErrorCode::kInvalidArgument);
  CB_ERROR(store.decisions(std::nullopt, kMaxTenantPage + 1), ErrorCode::kInvalidArgument);
}

void approvals_workflow(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).decisions();
  CB_NEED(store.put_decision(decision("d-1", 0, DecisionOutcome::kNeedsApproval)));

  auto made = CB_NEED(store.create_approval(approval("ap-1", "d-1", 10, "req-77")));
  CB_CHECK(made.created);
  CB_CHECK_EQ(made.approval.revision, 1U);
  CB_CHECK(made.approval.state == ApprovalState::kPending);
  // The same idempotency key returns the first request, whatever the new id.
  auto again = CB_NEED(store.create_approval(approval("ap-2", "d-1", 11, "req-77")));
  CB_CHECK(!again.created);
  CB_CHECK_EQ(again.approval.id, std::string("ap-1"));
  CB_CHECK(!CB_NEED(store.approval("ap-2")).has_value());
  CB_ERROR(store.create_approval(approval("ap-1", "d-1", 12)), ErrorCode::kAlreadyExists);
  CB_ERROR(store.create_approval(approval("ap-3", "d-404", 12)), ErrorCode::kFailedPrecondition);
  auto stored_revision = approval("ap-4", "d-1", 12);
  stored_revision.revision = 3;
  CB_ERROR(store.create_approval(stored_revision), ErrorCode::kInvalidArgument);
  auto approved_already = approval("ap-4", "d-1", 12);
  approved_already.state = ApprovalState::kApproved;
  CB_ERROR(store.create_approval(approved_already), ErrorCode::kInvalidArgument);

  // Compare-and-swap on the revision.
  ApprovalRequest vote = made.approval;
  vote.document = R"({"votes":["user:default/ann"]})";
  auto voted = CB_NEED(store.update_approval(vote, 1));
  CB_CHECK_EQ(voted.revision, 2U);
  CB_ERROR(store.update_approval(vote, 1), ErrorCode::kAborted);
  ApprovalRequest moved = voted;
  moved.requested_by = "user:default/mallory";
  CB_ERROR(store.update_approval(moved, 2), ErrorCode::kInvalidArgument);
  ApprovalRequest done = voted;
  done.state = ApprovalState::kApproved;
  auto approved = CB_NEED(store.update_approval(done, 2));
  CB_CHECK_EQ(approved.revision, 3U);
  // Final states do not change.
  ApprovalRequest reopen = approved;
  reopen.state = ApprovalState::kPending;
  CB_ERROR(store.update_approval(reopen, 3), ErrorCode::kFailedPrecondition);
  ApprovalRequest ghost = approval("ap-404", "d-1", 0);
  CB_ERROR(store.update_approval(ghost, 1), ErrorCode::kNotFound);

  // Listing: by (created, id), of one state or all.
  CB_NEED(store.create_approval(approval("ap-5", "d-1", 5)));
  CB_NEED(store.create_approval(approval("ap-6", "d-1", 5)));
  auto all = CB_NEED(store.approvals(std::nullopt, std::nullopt, 10));
  std::vector<std::string> ids;
  for (const auto& x : all.approvals) ids.push_back(x.id);
  CB_CHECK((ids == std::vector<std::string>{"ap-5", "ap-6", "ap-1"}));
  CB_CHECK(!all.next.has_value());
  auto pending = CB_NEED(store.approvals(ApprovalState::kPending, std::nullopt, 1));
  CB_CHECK(pending.approvals.size() == 1 && pending.approvals[0].id == "ap-5");
  CB_CHECK(pending.next.has_value());
  auto rest = CB_NEED(store.approvals(ApprovalState::kPending, pending.next, 10));
  CB_CHECK(rest.approvals.size() == 1 && rest.approvals[0].id == "ap-6");
  auto approved_list = CB_NEED(store.approvals(ApprovalState::kApproved, std::nullopt, 10));
  CB_CHECK(approved_list.approvals.size() == 1 && approved_list.approvals[0] == approved);
  CB_NEED(txn->commit());
}

void audit_append_only(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  committed(c, *storage, [&](Transaction& txn) {
    auto log = txn.tenant(a).audit();
    CB_CHECK_EQ(CB_NEED(log.size()), 0U);
    std::vector<AuditEntry> batch{entry("{\"n\":0}", 1), entry("{\"n\":1}", 2), entry("{\"n\":2}", 3)};
    batch[1].index = 99;  // ignored: append assigns positions
    CB_CHECK_EQ(CB_NEED(log.append(batch, 0)), 3U);
    // A writer that read the log at size 0 cannot fork it.
    auto forked = log.append(batch, 0);
    CB_ERROR(forked, ErrorCode::kAborted);
    if (!forked) CB_CHECK(forked.error().retryable);
    CB_CHECK_EQ(CB_NEED(log.size()), 3U);
    CB_ERROR(log.append(std::vector<AuditEntry>{}, 3), ErrorCode::kInvalidArgument);
  });
  auto txn = CB_NEED(storage->begin());
  auto log = txn->tenant(a).audit();
  auto entries = CB_NEED(log.entries(0, 10));
  CB_CHECK_EQ(entries.size(), 3U);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CB_CHECK_EQ(entries[i].index, i);
    CB_CHECK_EQ(entries[i].document, "{\"n\":" + std::to_string(i) + "}");
    CB_CHECK(entries[i].at == at(static_cast<std::int64_t>(i) + 1));
  }
  auto tail = CB_NEED(log.entries(1, 1));
  CB_CHECK(tail.size() == 1 && tail[0].index == 1);
  CB_CHECK(CB_NEED(log.entries(3, 10)).empty());
  CB_ERROR(log.entries(4, 10), ErrorCode::kInvalidArgument);
  CB_CHECK_EQ(CB_NEED(log.append(std::vector<AuditEntry>{entry("{}", 4)}, 3)), 4U);

  // Checkpoints: at most the log's size, growing.
  CB_CHECK(!CB_NEED(log.latest_checkpoint()).has_value());
  const AuditCheckpoint two{2, "callboard/tenant-a\n2\nroot=\n\n— sig\n"};
  CB_NEED(log.put_checkpoint(two));
  CB_NEED(log.put_checkpoint(two));  // again: a no-op
  CB_ERROR(log.put_checkpoint(AuditCheckpoint{1, "older"}), ErrorCode::kFailedPrecondition);
  CB_ERROR(log.put_checkpoint(AuditCheckpoint{2, "another note"}), ErrorCode::kFailedPrecondition);
  CB_ERROR(log.put_checkpoint(AuditCheckpoint{5, "past the end"}), ErrorCode::kFailedPrecondition);
  CB_ERROR(log.put_checkpoint(AuditCheckpoint{3, ""}), ErrorCode::kInvalidArgument);
  const AuditCheckpoint four{4, "callboard/tenant-a\n4\n"};
  CB_NEED(log.put_checkpoint(four));
  CB_CHECK(CB_NEED(log.latest_checkpoint()) == std::optional<AuditCheckpoint>(four));
  CB_CHECK(CB_NEED(log.checkpoint(2)) == std::optional<AuditCheckpoint>(two));
  CB_CHECK(!CB_NEED(log.checkpoint(3)).has_value());
  CB_NEED(txn->commit());
}

void config_history(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  auto txn = CB_NEED(storage->begin());
  auto config = txn->tenant(a).config();
  auto r1 = CB_NEED(config.write(change("plugin:catalog", R"({"refresh":"PT5M"})", 1), 0));
  CB_CHECK_EQ(r1.revision, 1U);
  CB_ERROR(config.write(change("plugin:catalog", "{}", 2), 0), ErrorCode::kAborted);
  auto r2 = CB_NEED(config.write(change("plugin:catalog", R"({"refresh":"PT1M"})", 3), 1));
  CB_CHECK_EQ(r2.revision, 2U);
  CB_NEED(config.write(change("plugin:argocd", R"({"instances":[]})", 4), 0));
  CB_CHECK(CB_NEED(config.value("plugin:catalog")) == std::optional<ConfigRevision>(r2));
  CB_CHECK(CB_NEED(config.revision("plugin:catalog", 1)) == std::optional<ConfigRevision>(r1));
  CB_CHECK(!CB_NEED(config.revision("plugin:catalog", 3)).has_value());
  CB_CHECK((CB_NEED(config.keys()) == std::vector<std::string>{"plugin:argocd", "plugin:catalog"}));

  // A removal is a revision; the key has no value then.
  auto r3 = CB_NEED(config.write(change("plugin:catalog", "ignored", 5, true), 2));
  CB_CHECK(r3.removed && r3.revision == 3 && r3.document.empty());
  CB_CHECK(!CB_NEED(config.value("plugin:catalog")).has_value());
  CB_CHECK((CB_NEED(config.keys()) == std::vector<std::string>{"plugin:argocd"}));
  CB_ERROR(config.write(change("plugin:catalog", "", 6, true), 3), ErrorCode::kNotFound);
  CB_ERROR(config.write(change("plugin:never", "", 6, true), 0), ErrorCode::kNotFound);

  auto history = CB_NEED(config.history("plugin:catalog", 0, 10));
  CB_CHECK(history.size() == 3 && history[0] == r3 && history[1] == r2 && history[2] == r1);
  auto older = CB_NEED(config.history("plugin:catalog", 3, 1));
  CB_CHECK(older.size() == 1 && older[0] == r2);
  CB_CHECK(CB_NEED(config.history("plugin:none", 0, 10)).empty());

  auto r4 = CB_NEED(config.write(change("plugin:catalog", R"({"refresh":"PT2M"})", 7), 3));
  CB_CHECK_EQ(r4.revision, 4U);
  CB_CHECK(CB_NEED(config.value("plugin:catalog")) == std::optional<ConfigRevision>(r4));
  CB_NEED(txn->commit());
}

void rollouts_and_steps(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).rollouts();
  auto r1 = CB_NEED(store.create(rollout("r-1", R"({"phase":"planned"})")));
  CB_CHECK_EQ(r1.revision, 1U);
  CB_ERROR(store.create(rollout("r-1", "{}")), ErrorCode::kAlreadyExists);
  auto bad = rollout("r-2", "{}");
  bad.revision = 4;
  CB_ERROR(store.create(bad), ErrorCode::kInvalidArgument);

  RolloutRecord next = r1;
  next.document = R"({"phase":"running"})";
  auto r1b = CB_NEED(store.update(next, 1));
  CB_CHECK_EQ(r1b.revision, 2U);
  CB_ERROR(store.update(next, 1), ErrorCode::kAborted);
  CB_ERROR(store.update(rollout("r-404", "{}"), 1), ErrorCode::kNotFound);
  CB_CHECK(CB_NEED(store.rollout("r-1")) == std::optional<RolloutRecord>(r1b));

  CB_NEED(store.create(rollout("r-0", "{}", true)));
  auto active = CB_NEED(store.rollouts(false));
  CB_CHECK(active.size() == 1 && active[0].id == "r-1");
  auto every = CB_NEED(store.rollouts(true));
  CB_CHECK(every.size() == 2 && every[0].id == "r-0" && every[1].id == "r-1");

  // Steps: recorded once, listed in the order recorded.
  for (const char* step : {"wave-1/b", "wave-1/a", "wave-2/c"}) {
    CB_NEED(store.record_step(StepRecord{"r-1", step, 77, at(1), "{}"}));
  }
  auto twice = store.record_step(StepRecord{"r-1", "wave-1/a", 0, at(2), "{}"});
  CB_ERROR(twice, ErrorCode::kAlreadyExists);
  if (!twice) CB_CHECK_EQ(twice.error().detail("token"), std::string_view("0"));
  CB_ERROR(store.record_step(StepRecord{"r-404", "x", 0, at(2), "{}"}), ErrorCode::kNotFound);
  auto steps = CB_NEED(store.steps("r-1"));
  std::vector<std::string> names;
  for (const auto& s : steps) names.push_back(s.step);
  CB_CHECK((names == std::vector<std::string>{"wave-1/b", "wave-1/a", "wave-2/c"}));
  // Without a fence the token is 0, whatever the input said.
  CB_CHECK(!steps.empty() && steps[0].token == 0);
  CB_CHECK(CB_NEED(store.steps("r-0")).empty());
  CB_NEED(txn->commit());
}

void leases_and_fencing(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).rollouts();
  const milliseconds ttl(1000);
  CB_CHECK(!CB_NEED(store.lease("rollout/r-1")).has_value());
  auto first = CB_NEED(store.acquire_lease("rollout/r-1", "host-a", at(0), ttl));
  CB_CHECK(first.token == 1 && first.holder == "host-a" && first.expires == at(1000));
  auto busy = store.acquire_lease("rollout/r-1", "host-b", at(500), ttl);
  CB_ERROR(busy, ErrorCode::kUnavailable);
  if (!busy) {
    CB_CHECK(busy.error().retryable);
    CB_CHECK_EQ(busy.error().detail("holder"), std::string_view("host-a"));
  }
  // The holder acquiring again renews: same token.
  auto again = CB_NEED(store.acquire_lease("rollout/r-1", "host-a", at(600), ttl));
  CB_CHECK(again.token == 1 && again.expires == at(1600));
  auto renewed = CB_NEED(store.renew_lease("rollout/r-1", 1, at(900), ttl));
  CB_CHECK(renewed.token == 1 && renewed.expires == at(1900));

  // Lapsed: another holder gets a larger token; the old one is fenced off.
  CB_NEED(store.create(rollout("r-1", "{}")));
  auto taken = CB_NEED(store.acquire_lease("rollout/r-1", "host-b", at(1900), ttl));
  CB_CHECK_EQ(taken.token, 2U);
  CB_ERROR(store.renew_lease("rollout/r-1", 1, at(1950), ttl), ErrorCode::kAborted);
  auto stale = store.update(rollout("r-1", R"({"by":"a"})"), 1, Fence{"rollout/r-1", 1});
  CB_ERROR(stale, ErrorCode::kAborted);
  if (!stale) CB_CHECK(stale.error().message.find("lease lost") != std::string::npos);
  CB_ERROR(store.record_step(StepRecord{"r-1", "s1", 0, at(1950), "{}"}, Fence{"rollout/r-1", 1}),
           ErrorCode::kAborted);
  CB_CHECK(CB_NEED(store.steps("r-1")).empty());
  auto fenced = CB_NEED(store.update(rollout("r-1", R"({"by":"b"})"), 1, Fence{"rollout/r-1", 2}));
  CB_CHECK_EQ(fenced.revision, 2U);
  auto step = CB_NEED(store.record_step(StepRecord{"r-1", "s1", 0, at(1960), "{}"}, Fence{"rollout/r-1", 2}));
  CB_CHECK_EQ(step.token, 2U);
  CB_ERROR(store.update(fenced, 2, Fence{"rollout/never", 1}), ErrorCode::kAborted);
  // A renewal at or after expiry is too late.
  CB_ERROR(store.renew_lease("rollout/r-1", 2, at(2900), ttl), ErrorCode::kAborted);

  // Release: only with the current token; the next grant counts on.
  CB_ERROR(store.release_lease("rollout/r-1", 1), ErrorCode::kAborted);
  CB_NEED(store.release_lease("rollout/r-1", 2));
  CB_ERROR(store.release_lease("rollout/r-1", 2), ErrorCode::kAborted);
  auto released = CB_NEED(store.lease("rollout/r-1"));
  CB_CHECK(released && released->holder.empty() && released->token == 2);
  auto back = CB_NEED(store.acquire_lease("rollout/r-1", "host-b", at(2000), ttl));
  CB_CHECK_EQ(back.token, 3U);
  CB_ERROR(store.acquire_lease("rollout/r-1", "host-a", at(2000), milliseconds(0)), ErrorCode::kInvalidArgument);
  CB_ERROR(store.acquire_lease("rollout/r-1", "host-a", at(2000), std::chrono::hours(25)),
           ErrorCode::kInvalidArgument);
  CB_NEED(txn->commit());

  // Leases and their tokens are stored, not kept in the handle.
  auto later = CB_NEED(storage->begin());
  auto kept = CB_NEED(later->tenant(a).rollouts().lease("rollout/r-1"));
  CB_CHECK(kept && kept->token == 3 && kept->holder == "host-b");
}

void bounds_refused(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  auto txn = CB_NEED(storage->begin());
  auto stores = txn->tenant(a);
  auto decisions = stores.decisions();
  CB_ERROR(decisions.put_decision(decision("", 0)), ErrorCode::kInvalidArgument);
  CB_ERROR(decisions.put_decision(decision("has space", 0)), ErrorCode::kInvalidArgument);
  CB_ERROR(decisions.put_decision(decision(std::string(kMaxTenantKeyBytes + 1, 'x'), 0)),
           ErrorCode::kInvalidArgument);
  auto bad_utf8 = decision("d-1", 0);
  bad_utf8.document = "{\"x\":\"\xff\"}";
  CB_ERROR(decisions.put_decision(bad_utf8), ErrorCode::kInvalidArgument);
  auto nul = decision("d-1", 0);
  nul.document = std::string("a\0b", 3);
  CB_ERROR(decisions.put_decision(nul), ErrorCode::kInvalidArgument);
  auto surrogate = decision("d-1", 0);
  surrogate.document = "\xed\xa0\x80";
  CB_ERROR(decisions.put_decision(surrogate), ErrorCode::kInvalidArgument);
  auto big = decision("d-1", 0);
  big.document.assign(kMaxTenantDocumentBytes + 1, 'x');
  CB_ERROR(decisions.put_decision(big), ErrorCode::kInvalidArgument);
  auto error = decisions.put_decision(bad_utf8);
  if (!error) {
    CB_CHECK_EQ(error.error().detail("field"), std::string_view("document"));
    CB_CHECK_EQ(error.error().detail("tenant"), std::string_view("tenant-a"));
  }
  // Nothing of the refused writes was stored.
  CB_CHECK(!CB_NEED(decisions.decision("d-1")).has_value());
  CB_CHECK(CB_NEED(decisions.decisions(std::nullopt, 10)).decisions.empty());

  std::vector<AuditEntry> too_many(kMaxAuditBatch + 1, entry("{}", 0));
  CB_ERROR(stores.audit().append(too_many, 0), ErrorCode::kInvalidArgument);
  std::vector<AuditEntry> one_bad{entry("{}", 0), entry("{}", 0)};
  one_bad[1].kind = "";
  auto bad_entry = stores.audit().append(one_bad, 0);
  CB_ERROR(bad_entry, ErrorCode::kInvalidArgument);
  if (!bad_entry) CB_CHECK_EQ(bad_entry.error().detail("entry"), std::string_view("1"));
  CB_CHECK_EQ(CB_NEED(stores.audit().size()), 0U);
  CB_ERROR(stores.config().write(change("", "{}", 0), 0), ErrorCode::kInvalidArgument);
  CB_ERROR(stores.config().history("k", 0, 0), ErrorCode::kInvalidArgument);
  CB_ERROR(stores.rollouts().create(rollout("r\n1", "{}")), ErrorCode::kInvalidArgument);
  CB_ERROR(stores.rollouts().acquire_lease("l", "", at(0), milliseconds(10)), ErrorCode::kInvalidArgument);
  CB_CHECK(CB_NEED(txn->admin().tenants()).empty());

  // Tenant ids.
  for (const char* good : {"a", "acme", "acme-prod.eu_1", "0tenant"}) CB_CHECK(TenantId::parse(good).ok());
  for (const char* bad : {"", "Acme", "-acme", "ac me", "acme/prod", "a\xc3\xa9"}) {
    CB_CHECK(!TenantId::parse(bad).ok());
  }
  CB_CHECK(!TenantId::parse(std::string(65, 'a')).ok());
}

void transactions(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  {
    // Not committed: rolled back.
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->tenant(a).config().write(change("k", "{}", 0), 0));
    CB_NEED(txn->tenant(a).audit().append(std::vector<AuditEntry>{entry("{}", 0)}, 0));
    // Its own reads see its writes.
    CB_CHECK(CB_NEED(txn->tenant(a).config().value("k")).has_value());
    CB_CHECK_EQ(CB_NEED(txn->tenant(a).audit().size()), 1U);
  }
  auto txn = CB_NEED(storage->begin());
  CB_CHECK(!CB_NEED(txn->tenant(a).config().value("k")).has_value());
  CB_CHECK_EQ(CB_NEED(txn->tenant(a).audit().size()), 0U);
  CB_CHECK(CB_NEED(txn->admin().tenants()).empty());
  auto config = txn->tenant(a).config();
  CB_NEED(config.write(change("k", "{\"v\":1}", 0), 0));
  CB_NEED(txn->commit());
  // A handle outlives its transaction only to fail.
  CB_ERROR(config.value("k"), ErrorCode::kFailedPrecondition);
  CB_ERROR(config.write(change("k", "{}", 1), 1), ErrorCode::kFailedPrecondition);
  auto next = CB_NEED(storage->begin());
  auto value = CB_NEED(next->tenant(a).config().value("k"));
  CB_CHECK(value && value->document == "{\"v\":1}");
}

// A read transaction: its snapshot, unchanged by later commits; no write
// through it to any store.
void read_transactions(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  committed(c, *storage, [&](Transaction& txn) {
    CB_NEED(txn.tenant(a).config().write(change("k", "{\"v\":1}", 0), 0));
    CB_NEED(txn.tenant(a).audit().append(std::vector<AuditEntry>{entry("{}", 0)}, 0));
  });
  auto reader = CB_NEED(storage->begin(TransactionMode::kRead));
  CB_CHECK(reader->mode() == TransactionMode::kRead);
  auto rs = reader->tenant(a);
  auto before = CB_NEED(rs.config().value("k"));
  CB_CHECK(before && before->revision == 1);
  CB_ERROR(rs.config().write(change("k", "{}", 1), 1), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.audit().append(std::vector<AuditEntry>{entry("{}", 1)}, 1), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.audit().put_checkpoint(AuditCheckpoint{1, "note"}), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.decisions().put_decision(decision("d-1", 0)), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.decisions().create_approval(approval("ap-1", "d-1", 0)), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.rollouts().create(rollout("r-1", "{}")), ErrorCode::kFailedPrecondition);
  CB_ERROR(rs.rollouts().acquire_lease("l", "host-a", at(0), milliseconds(10)), ErrorCode::kFailedPrecondition);
  CB_ERROR(reader->admin().purge(a), ErrorCode::kFailedPrecondition);
  {
    // A write transaction runs meanwhile.
    auto writer = CB_NEED(storage->begin());
    CB_NEED(writer->tenant(a).config().write(change("k", "{\"v\":2}", 1), 1));
    CB_NEED(writer->tenant(a).audit().append(std::vector<AuditEntry>{entry("{}", 1)}, 1));
    CB_NEED(writer->commit());
  }
  auto still = CB_NEED(rs.config().value("k"));
  CB_CHECK(still && still->revision == 1 && still->document == "{\"v\":1}");
  CB_CHECK_EQ(CB_NEED(rs.audit().size()), 1U);
  CB_CHECK_EQ(CB_NEED(reader->admin().tenants()).size(), 1U);
  CB_NEED(reader->commit());
  CB_ERROR(rs.config().value("k"), ErrorCode::kFailedPrecondition);
  auto next = CB_NEED(storage->begin(TransactionMode::kRead));
  auto after = CB_NEED(next->tenant(a).config().value("k"));
  CB_CHECK(after && after->revision == 2);
  CB_CHECK_EQ(CB_NEED(next->tenant(a).audit().size()), 2U);
}

// Every store of tenant B against rows of tenant A: nothing seen, nothing
// changed, nothing blocked.
void tenant_isolation(Context& c) {
  auto storage = c.fresh();
  const auto a = tenant("tenant-a");
  const auto b = tenant("tenant-b");
  committed(c, *storage, [&](Transaction& txn) {
    auto sa = txn.tenant(a);
    CB_NEED(sa.decisions().put_decision(decision("d-1", 0)));
    CB_NEED(sa.decisions().create_approval(approval("ap-1", "d-1", 0, "key-1")));
    CB_NEED(sa.audit().append(std::vector<AuditEntry>{entry("{\"a\":0}", 0), entry("{\"a\":1}", 1)}, 0));
    CB_NEED(sa.audit().put_checkpoint(AuditCheckpoint{2, "a's checkpoint"}));
    CB_NEED(sa.config().write(change("plugin:catalog", "{\"a\":true}", 0), 0));
    CB_NEED(sa.rollouts().create(rollout("r-1", "{\"a\":true}")));
    CB_NEED(sa.rollouts().record_step(StepRecord{"r-1", "s-1", 0, at(0), "{}"}));
    CB_NEED(sa.rollouts().acquire_lease("rollout/r-1", "host-a", at(0), milliseconds(60000)));
  });
  committed(c, *storage, [&](Transaction& txn) {
    auto sb = txn.tenant(b);
    // Reads: nothing of A's.
    CB_CHECK(!CB_NEED(sb.decisions().decision("d-1")).has_value());
    CB_CHECK(CB_NEED(sb.decisions().decisions(std::nullopt, 10)).decisions.empty());
    CB_CHECK(!CB_NEED(sb.decisions().approval("ap-1")).has_value());
    CB_CHECK(CB_NEED(sb.decisions().approvals(std::nullopt, std::nullopt, 10)).approvals.empty());
    CB_CHECK_EQ(CB_NEED(sb.audit().size()), 0U);
    CB_CHECK(CB_NEED(sb.audit().entries(0, 10)).empty());
    CB_CHECK(!CB_NEED(sb.audit().latest_checkpoint()).has_value());
    CB_CHECK(!CB_NEED(sb.audit().checkpoint(2)).has_value());
    CB_CHECK(!CB_NEED(sb.config().value("plugin:catalog")).has_value());
    CB_CHECK(CB_NEED(sb.config().keys()).empty());
    CB_CHECK(CB_NEED(sb.config().history("plugin:catalog", 0, 10)).empty());
    CB_CHECK(!CB_NEED(sb.rollouts().rollout("r-1")).has_value());
    CB_CHECK(CB_NEED(sb.rollouts().rollouts(true)).empty());
    CB_CHECK(CB_NEED(sb.rollouts().steps("r-1")).empty());
    CB_CHECK(!CB_NEED(sb.rollouts().lease("rollout/r-1")).has_value());
    // Writes: A's rows neither block nor are touched.
    CB_ERROR(sb.decisions().create_approval(approval("ap-9", "d-1", 0)), ErrorCode::kFailedPrecondition);
    CB_NEED(sb.decisions().put_decision(decision("d-1", 5, DecisionOutcome::kDeny)));
    auto made = CB_NEED(sb.decisions().create_approval(approval("ap-2", "d-1", 0, "key-1")));
    CB_CHECK(made.created);
    CB_NEED(sb.decisions().create_approval(approval("ap-1", "d-1", 1)));
    CB_ERROR(sb.decisions().update_approval(approval("ap-404", "d-1", 0), 1), ErrorCode::kNotFound);
    CB_CHECK_EQ(CB_NEED(sb.audit().append(std::vector<AuditEntry>{entry("{\"b\":0}", 9)}, 0)), 1U);
    CB_ERROR(sb.audit().put_checkpoint(AuditCheckpoint{2, "b"}), ErrorCode::kFailedPrecondition);
    auto rev = CB_NEED(sb.config().write(change("plugin:catalog", "{\"b\":true}", 9), 0));
    CB_CHECK_EQ(rev.revision, 1U);
    CB_ERROR(sb.rollouts().update(rollout("r-1", "{}"), 1), ErrorCode::kNotFound);
    CB_ERROR(sb.rollouts().record_step(StepRecord{"r-1", "s-2", 0, at(0), "{}"}), ErrorCode::kNotFound);
    CB_NEED(sb.rollouts().create(rollout("r-1", "{\"b\":true}")));
    CB_NEED(sb.rollouts().record_step(StepRecord{"r-1", "s-1", 0, at(0), "{}"}));
    auto lease = CB_NEED(sb.rollouts().acquire_lease("rollout/r-1", "host-b", at(1), milliseconds(60000)));
    CB_CHECK_EQ(lease.token, 1U);
    CB_ERROR(sb.rollouts().release_lease("rollout/r-404", 1), ErrorCode::kAborted);
  });
  auto txn = CB_NEED(storage->begin());
  auto sa = txn->tenant(a);
  auto d = CB_NEED(sa.decisions().decision("d-1"));
  CB_CHECK(d && d->outcome == DecisionOutcome::kAllow);
  auto ap = CB_NEED(sa.decisions().approvals(std::nullopt, std::nullopt, 10));
  CB_CHECK(ap.approvals.size() == 1 && ap.approvals[0].id == "ap-1" && ap.approvals[0].idempotency_key == "key-1");
  CB_CHECK_EQ(CB_NEED(sa.audit().size()), 2U);
  auto entries = CB_NEED(sa.audit().entries(0, 10));
  CB_CHECK(entries.size() == 2 && entries[0].document == "{\"a\":0}");
  auto cfg = CB_NEED(sa.config().value("plugin:catalog"));
  CB_CHECK(cfg && cfg->document == "{\"a\":true}" && cfg->revision == 1);
  auto r = CB_NEED(sa.rollouts().rollout("r-1"));
  CB_CHECK(r && r->document == "{\"a\":true}");
  CB_CHECK_EQ(CB_NEED(sa.rollouts().steps("r-1")).size(), 1U);
  auto la = CB_NEED(sa.rollouts().lease("rollout/r-1"));
  CB_CHECK(la && la->holder == "host-a" && la->token == 1);

  // The administrative handle sees both, and removes one.
  auto tenants = CB_NEED(txn->admin().tenants());
  CB_CHECK(tenants.size() == 2 && tenants[0] == a && tenants[1] == b);
  CB_NEED(txn->admin().purge(a));
  CB_CHECK_EQ(CB_NEED(sa.audit().size()), 0U);
  CB_CHECK(CB_NEED(sa.config().keys()).empty());
  CB_CHECK(!CB_NEED(sa.rollouts().lease("rollout/r-1")).has_value());
  CB_CHECK(!CB_NEED(sa.decisions().decision("d-1")).has_value());
  auto left = CB_NEED(txn->admin().tenants());
  CB_CHECK(left.size() == 1 && left[0] == b);
  CB_CHECK_EQ(CB_NEED(txn->tenant(b).audit().size()), 1U);
  CB_NEED(txn->admin().purge(tenant("tenant-none")));
  CB_NEED(txn->commit());
}

void persisted_across_opens(Context& c) {
  std::string location;
  auto storage = c.fresh(&location);
  const auto a = tenant("tenant-a");
  committed(c, *storage, [&](Transaction& txn) {
    auto s = txn.tenant(a);
    CB_NEED(s.decisions().put_decision(decision("d-1", 0)));
    CB_NEED(s.audit().append(std::vector<AuditEntry>{entry("{}", 0)}, 0));
    CB_NEED(s.config().write(change("k", "{\"v\":\"ünïcode ✓\"}", 0), 0));
    CB_NEED(s.rollouts().create(rollout("r-1", "{}")));
    CB_NEED(s.rollouts().acquire_lease("l", "host-a", at(0), milliseconds(5000)));
  });
  storage.reset();
  auto again = CB_NEED(c.backend().open(location));
  auto txn = CB_NEED(again->begin());
  auto s = txn->tenant(a);
  CB_CHECK(CB_NEED(s.decisions().decision("d-1")) == std::optional<DecisionRecord>(decision("d-1", 0)));
  CB_CHECK_EQ(CB_NEED(s.audit().size()), 1U);
  auto v = CB_NEED(s.config().value("k"));
  CB_CHECK(v && v->document == "{\"v\":\"ünïcode ✓\"}");
  CB_CHECK(CB_NEED(s.rollouts().rollout("r-1")).has_value());
  auto l = CB_NEED(s.rollouts().lease("l"));
  CB_CHECK(l && l->token == 1 && l->expires == at(5000));
}

}  // namespace

std::vector<Case> tenant_cases() {
  return {
      {"tenant.decisions", decisions_roundtrip},
      {"tenant.approvals", approvals_workflow},
      {"tenant.audit", audit_append_only},
      {"tenant.config", config_history},
      {"tenant.rollouts", rollouts_and_steps},
      {"tenant.leases", leases_and_fencing},
      {"tenant.bounds", bounds_refused},
      {"tenant.transactions", transactions},
      {"tenant.read_transactions", read_transactions},
      {"tenant.isolation", tenant_isolation},
      {"tenant.persisted", persisted_across_opens, true},
  };
}

}  // namespace callboard::backend::conformance::detail
