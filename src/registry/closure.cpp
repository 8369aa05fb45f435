// The dependency closure a solve needs: breadth-first over (name, range)
// edges from the roots, packuments from storage or fetched through the
// Transport. See Registry::fetch_closure in include/callboard/registry.hpp.
//
// Shape: `edges_` is the FIFO of edges still to look at. An edge to a name
// whose packument is known (loaded) expands at once: every admitted version's
// edges go to the back of the FIFO. An edge to a name not yet known waits on
// that name; the name is read from storage or queued for a request. When a
// response completes, the name becomes known and its waiting edges go back
// into the FIFO. Known names keep only what expansion needs (versions and
// their classified edges), not the whole packument.
//
// Writes follow index(): packument + links + sync record in one batched
// transaction per few dozen packages, so a killed process leaves each
// stored package complete.

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "callboard/registry.hpp"
#include "callboard/semver.hpp"
#include "callboard/digest.hpp"
#include "registry/names.hpp"
#include "registry/write_batch.hpp"

namespace callboard {
namespace {

using Clock = std::chrono::steady_clock;
using backend::HttpRequest;
using backend::HttpResponse;
using backend::SyncRecord;
using registry_detail::WriteBatch;

/// One dependency of one version, as the solver reads it.
struct Dep {
  std::string target;  // the package the edge goes to (an alias's target)
  std::string range;   // the range (or dist-tag) on target
  std::string label;   // "dependency ^3", "peer npm:x@^1"
};

struct KnownVersion {
  semver::Version version;
  std::string text;
  std::vector<Dep> deps;
};

/// What expansion needs of a packument.
struct Known {
  std::vector<KnownVersion> versions;
  std::map<std::string, std::string, std::less<>> dist_tags;
};

/// The range an edge puts on its target, or nullopt for specifiers the
/// solver skips. `target` is set to the package the edge goes to.
std::optional<std::string> edge_range(std::string_view name, std::string_view raw, std::string& target) {
  auto spec = semver::parse_specifier(raw);
  if (!spec) return std::nullopt;
  switch (spec->kind) {
    case semver::SpecifierKind::kRange:
    case semver::SpecifierKind::kTag:
      target = std::string(name);
      return std::string(raw);
    case semver::SpecifierKind::kAlias: {
      // As the solver reads it (src/solver/model.cpp): what follows the
      // last '@' after "npm:<target>", else "*".
      target = spec->target;
      const std::size_t at = spec->raw.rfind('@');
      return at != std::string::npos && at > 4 ? spec->raw.substr(at + 1) : std::string("*");
    }
    default: return std::nullopt;
  }
}

Known known_from(const Packument& p) {
  Known k;
  k.dist_tags = p.dist_tags;
  k.versions.reserve(p.versions.size());
  for (const Manifest& m : p.versions) {
    auto v = semver::Version::parse(m.version);
    if (!v) continue;  // the parser keeps only valid versions; be safe anyway
    // By name, dependencies first, then peers replace them (an optional
    // peer drops the name), as the solver builds its edges.
    std::map<std::string, std::pair<std::string, bool>, std::less<>> by_name;  // name -> (raw, peer)
    for (const auto& [name, raw] : m.dependencies) by_name[name] = {raw, false};
    for (const auto& [name, raw] : m.optional_dependencies) by_name[name] = {raw, false};
    for (const auto& [name, raw] : m.peer_dependencies) {
      const auto meta = m.peer_dependencies_meta.find(name);
      if (meta != m.peer_dependencies_meta.end() && meta->second.optional) {
        by_name.erase(name);
      } else {
        by_name[name] = {raw, true};
      }
    }
    KnownVersion kv{std::move(*v), m.version, {}};
    for (const auto& [name, entry] : by_name) {
      std::string target;
      auto range = edge_range(name, entry.first, target);
      if (!range || target == p.name || !registry_detail::is_valid_package_name(target)) continue;
      kv.deps.push_back(Dep{std::move(target), std::move(*range),
                            std::string(entry.second ? "peer " : "dependency ") + entry.first});
    }
    k.versions.push_back(std::move(kv));
  }
  return k;
}

/// Indices of the versions `range` admits (a range, or a dist-tag).
std::vector<std::size_t> admitted(const Known& k, const std::string& range) {
  std::vector<std::size_t> out;
  auto spec = semver::parse_specifier(range);
  if (!spec) return out;
  if (spec->kind == semver::SpecifierKind::kRange && spec->range) {
    for (std::size_t i = 0; i < k.versions.size(); ++i) {
      if (spec->range->satisfied_by(k.versions[i].version)) out.push_back(i);
    }
  } else if (spec->kind == semver::SpecifierKind::kTag) {
    if (auto tag = k.dist_tags.find(spec->target); tag != k.dist_tags.end()) {
      for (std::size_t i = 0; i < k.versions.size(); ++i) {
        if (k.versions[i].text == tag->second) out.push_back(i);
      }
    }
  }
  return out;
}

Timestamp now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

enum class State : std::uint8_t { kWaiting, kKnown, kMissing, kFailed };

struct Edge {
  std::string name;
  std::string range;
  std::string requirer;
};

struct InFlight {
  std::string name;
  std::optional<SyncRecord> record;
  bool stored = false;  // a packument is stored (refresh)
};

/// One fetch_closure run.
class ClosureRun {
 public:
  ClosureRun(backend::Storage& storage, backend::Transport* transport, const NpmConfig& npm,
             const ClosureOptions& options, const std::function<void(const ClosureProgress&)>& progress,
             std::stop_token stop)
      : storage_(storage),
        transport_(transport),
        npm_(npm),
        options_(options),
        progress_(progress),
        stop_(std::move(stop)),
        batch_(storage),
        now_(options.now == Timestamp{} ? now_ms() : options.now) {}

  Result<ClosureReport> run(std::span<const Requirement> roots) {
    const auto started = Clock::now();
    for (const Requirement& r : roots) {
      if (!registry_detail::is_valid_package_name(r.name)) {
        return make_error(ErrorCode::kInvalidArgument, "not an npm package name: '" + r.name + "'")
            .with("package", r.name);
      }
    }
    for (const Requirement& r : roots) {
      const std::string raw = r.range.empty() ? std::string("*") : r.range;
      std::string target;
      auto range = edge_range(r.name, raw, target);
      if (!range || !registry_detail::is_valid_package_name(target)) continue;
      edges_.push_back(Edge{std::move(target), std::move(*range),
                            (r.required_by.empty() ? std::string("(root)") : r.required_by) + " " + raw});
    }
    drain();
    if (!fatal_ && !fetch_.empty() && !stop_.stop_requested()) {
      if (transport_ == nullptr) {
        fatal_ = make_error(ErrorCode::kFailedPrecondition, "no transport to reach the npm registry");
      } else if (npm_.registry.empty() && npm_.scope_registries.empty()) {
        fatal_ = make_error(ErrorCode::kFailedPrecondition,
                            "no npm registry configured: set NPM_CONFIG_REGISTRY or `registry=` in an .npmrc");
      }
    }
    Result<void> ran;
    if (!fatal_ && !fetch_.empty()) {
      ran = transport_->run([this] { return next(); },
                            [this](HttpRequest& req, Result<HttpResponse> r) { done(req, std::move(r)); }, stop_);
    }
    if (auto f = batch_.flush(); !f && !fatal_) fatal_ = std::move(f).error();
    if (fatal_) return std::move(*fatal_);
    if (stop_.stop_requested() || (!ran && ran.error().code == ErrorCode::kCancelled)) {
      return make_error(ErrorCode::kCancelled, "fetching the dependency closure cancelled after " +
                                                   std::to_string(prog_.done) +
                                                   " packages; what was fetched is stored, run again to finish");
    }
    if (!ran) return std::move(ran).error();
    if (exhausted_) {
      return make_error(ErrorCode::kResourceExhausted,
                        "the dependency closure reaches more than " + std::to_string(options_.max_packages) +
                            " packages (ClosureOptions::max_packages); what was fetched is stored")
          .with("max_packages", std::to_string(options_.max_packages));
    }

    ClosureReport report;
    report.packages = known_count_;
    report.fetched = prog_.fetched;
    report.stored_already = prog_.stored_already;
    report.requests = prog_.requests;
    report.bytes = prog_.bytes;
    for (auto& [name, who] : requirers_) {
      auto s = states_.find(name);
      if (s == states_.end() || s->second != State::kMissing) continue;
      MissingPackage m;
      m.name = name;
      m.requirers = who.size();
      for (const auto& w : who) {
        if (m.required_by.size() == MissingPackage::kMaxShown) break;
        m.required_by.push_back(w);
      }
      report.missing.push_back(std::move(m));
    }
    std::sort(report.missing.begin(), report.missing.end(),
              [](const MissingPackage& a, const MissingPackage& b) { return a.name < b.name; });
    report.failures = std::move(failures_);
    std::sort(report.failures.begin(), report.failures.end(),
              [](const IndexFailure& a, const IndexFailure& b) { return a.package < b.package; });
    report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    prog_.queued = 0;
    return report;
  }

 private:
  void tell() {
    prog_.queued = fetch_.size() + in_flight_count_;
    if (progress_) progress_(prog_);
  }

  /// Looks at queued edges until none is left (or the run must end).
  void drain() {
    while (!edges_.empty() && !fatal_ && !exhausted_ && !stop_.stop_requested()) {
      Edge e = std::move(edges_.front());
      edges_.pop_front();
      auto s = states_.find(e.name);
      if (s == states_.end()) {
        if (!reach(e.name)) continue;
        s = states_.find(e.name);
      }
      switch (s->second) {
        case State::kKnown: expand(e); break;
        case State::kWaiting:
          remember_requirer(e);
          waiting_[e.name].push_back(std::move(e));
          break;
        case State::kMissing: remember_requirer(e); break;
        case State::kFailed: break;
      }
    }
  }

  void remember_requirer(const Edge& e) { requirers_[e.name].insert(e.requirer); }

  /// A name seen for the first time: read it from storage or queue a
  /// request. False when the name cannot be reached (limit, storage error).
  bool reach(const std::string& name) {
    if (states_.size() >= options_.max_packages) {
      exhausted_ = true;
      return false;
    }
    std::optional<SyncRecord> record;
    if (options_.refresh) {
      auto r = storage_.sync_record(name);
      if (!r) return fail_storage(std::move(r).error());
      record = std::move(*r);
    }
    // A local package (a vendor's folder or .tgz) is never replaced by the
    // registry's, refresh or not.
    const bool local = record && record->source == backend::SyncSource::kLocal;
    auto stored = storage_.packument(name);
    if (!stored) return fail_storage(std::move(stored).error());
    if (*stored && (!options_.refresh || local)) {
      states_[name] = State::kKnown;
      known_.emplace(name, known_from(**stored));
      ++known_count_;
      ++prog_.stored_already;
      ++prog_.done;
      prog_.current = name;
      tell();
      return true;
    }
    states_[name] = State::kWaiting;
    fetch_.push_back(InFlight{name, std::move(record), stored->has_value()});
    return true;
  }

  bool fail_storage(Error error) {
    fatal_ = std::move(error);
    return false;
  }

  static std::string edge_key(const std::string& name, const std::string& range) {
    return name + '\x1f' + range;
  }

  void expand(const Edge& e) {
    if (!followed_.insert(edge_key(e.name, e.range)).second) return;
    const Known& k = known_.at(e.name);
    for (const std::size_t i : admitted(k, e.range)) {
      const KnownVersion& v = k.versions[i];
      for (const Dep& d : v.deps) {
        // Most edges of a large closure lead to names already known and
        // ranges already followed: skip them here rather than queue them
        // (with their requirer text) only to skip them later.
        if (auto s = states_.find(d.target); s != states_.end()) {
          if (s->second == State::kFailed) continue;
          if (s->second == State::kKnown && followed_.contains(edge_key(d.target, d.range))) continue;
        }
        edges_.push_back(Edge{d.target, d.range, e.name + "@" + v.text + " " + d.label});
      }
    }
  }

  std::optional<HttpRequest> next() {
    if (fatal_ || exhausted_ || fetch_.empty() || stop_.stop_requested()) return std::nullopt;
    InFlight f = std::move(fetch_.front());
    fetch_.pop_front();
    HttpRequest req = backend::npm_registry_request(npm_, npm_.packument_url(f.name), "application/json");
    if (f.stored && f.record && f.record->status == 200) {
      if (!f.record->etag.empty()) req.headers.emplace_back("If-None-Match", f.record->etag);
      if (!f.record->last_modified.empty()) req.headers.emplace_back("If-Modified-Since", f.record->last_modified);
    }
    req.tag = in_flight_.size();
    in_flight_.push_back(std::move(f));
    ++in_flight_count_;
    return req;
  }

  /// The sync record to write for `f`, starting from what was stored.
  Result<SyncRecord> record_for(const InFlight& f) {
    SyncRecord record;
    if (f.record) {
      record = *f.record;
    } else {
      // Not read up front (no refresh): a name that was 404 or failing
      // before keeps its history.
      auto r = storage_.sync_record(f.name);
      if (!r) return std::move(r).error();
      if (*r) record = std::move(**r);
    }
    record.name = f.name;
    record.source = backend::SyncSource::kNpm;
    record.checked = now_;
    record.error.clear();
    return record;
  }

  Result<void> put_record(const SyncRecord& record) {
    auto txn = batch_.txn();
    if (!txn) return std::move(txn).error();
    if (auto put = (*txn)->put_sync_record(record); !put) return std::move(put).error();
    return batch_.done_one();
  }

  Result<void> mark_plugins_stale() {
    if (plugins_marked_) return {};
    auto txn = batch_.txn();
    if (!txn) return std::move(txn).error();
    if (auto m = (*txn)->set_plugins_stale(true); !m) return std::move(m).error();
    plugins_marked_ = true;
    return {};
  }

  /// The name is known now: its waiting edges go back into the FIFO.
  void become_known(const std::string& name, Known k) {
    states_[name] = State::kKnown;
    known_.insert_or_assign(name, std::move(k));
    ++known_count_;
    requirers_.erase(name);
    release_waiting(name);
  }

  void release_waiting(const std::string& name) {
    auto w = waiting_.find(name);
    if (w == waiting_.end()) return;
    for (auto& e : w->second) edges_.push_back(std::move(e));
    waiting_.erase(w);
  }

  /// A failed name: keeps the stored packument when there is one.
  Result<void> failed(const InFlight& f, Error error, SyncRecord record) {
    ++prog_.failed;
    record.error = error.to_string();
    failures_.push_back(IndexFailure{f.name, std::move(error)});
    if (auto w = put_record(record); !w) return w;
    if (f.stored) {
      auto stored = storage_.packument(f.name);
      if (!stored) return std::move(stored).error();
      if (*stored) {
        become_known(f.name, known_from(**stored));
        return {};
      }
    }
    states_[f.name] = State::kFailed;
    waiting_.erase(f.name);
    return {};
  }

  void done(HttpRequest& req, Result<HttpResponse> response) {
    if (fatal_) return;
    --in_flight_count_;
    const InFlight f = std::move(in_flight_[req.tag]);
    if (!response && response.error().code == ErrorCode::kCancelled) return;  // asked again next run
    ++prog_.done;
    prog_.current = f.name;
    Result<void> written = handle(f, req, std::move(response));
    if (!written) {
      fatal_ = std::move(written).error();
      return;
    }
    drain();
    tell();
  }

  Result<void> handle(const InFlight& f, const HttpRequest& req, Result<HttpResponse> response) {
    auto rec = record_for(f);
    if (!rec) return std::move(rec).error();
    SyncRecord record = std::move(*rec);
    if (!response) {
      ++prog_.requests;
      return failed(f, std::move(response).error().with("package", f.name), std::move(record));
    }
    const HttpResponse& r = *response;
    prog_.requests += static_cast<std::size_t>(std::max(1, r.attempts));
    prog_.bytes += r.bytes;
    if (r.status == 304 && f.stored) {
      auto stored = storage_.packument(f.name);
      if (!stored) return std::move(stored).error();
      if (*stored) {
        ++prog_.fetched;
        record.status = 200;
        if (auto w = put_record(record); !w) return w;
        become_known(f.name, known_from(**stored));
        return {};
      }
    }
    if (r.status == 200) {
      auto packument = parse_packument(r.body);
      if (!packument) {
        Error error = std::move(packument).error();
        error.with("package", f.name).with("url", backend::redact_url(req.url));
        record.content_hash.clear();
        return failed(f, std::move(error), std::move(record));
      }
      ++prog_.fetched;
      const std::string hash = sha256_hex(r.body);
      const bool same = f.stored && record.status == 200 && record.content_hash == hash;
      record.status = 200;
      record.etag = std::string(r.header("ETag"));
      record.last_modified = std::string(r.header("Last-Modified"));
      if (!same) {
        auto txn = batch_.txn();
        if (!txn) return std::move(txn).error();
        if (auto put = (*txn)->put_packument(*packument); !put) return std::move(put).error();
        record.links = registry_detail::collect_links(*packument);
        if (auto m = mark_plugins_stale(); !m) return m;
        record.content_hash = hash;
        record.changed = now_;
      }
      if (auto w = put_record(record); !w) return w;
      become_known(f.name, known_from(*packument));
      return {};
    }
    if (r.status == 404) {
      ++prog_.not_found;
      const bool had = f.stored;
      record.status = 404;
      record.etag.clear();
      record.last_modified.clear();
      record.links.clear();
      record.content_hash.clear();
      if (had) {
        auto txn = batch_.txn();
        if (!txn) return std::move(txn).error();
        if (auto d = (*txn)->delete_packument(f.name); !d) return d;
        if (auto m = mark_plugins_stale(); !m) return m;
      }
      if (auto w = put_record(record); !w) return w;
      states_[f.name] = State::kMissing;
      waiting_.erase(f.name);
      return {};
    }
    Error error = backend::npm_status_error(r.status, req.url, f.name).with("package", f.name);
    record.status = r.status;
    return failed(f, std::move(error), std::move(record));
  }

  backend::Storage& storage_;
  backend::Transport* transport_;
  const NpmConfig& npm_;
  const ClosureOptions& options_;
  const std::function<void(const ClosureProgress&)>& progress_;
  std::stop_token stop_;
  WriteBatch batch_;
  Timestamp now_;

  ClosureProgress prog_;
  std::deque<Edge> edges_;
  std::unordered_map<std::string, State> states_;
  std::unordered_map<std::string, Known> known_;
  std::unordered_map<std::string, std::vector<Edge>> waiting_;
  std::unordered_set<std::string> followed_;
  std::map<std::string, std::set<std::string>> requirers_;
  std::deque<InFlight> fetch_;
  std::vector<InFlight> in_flight_;  // by request tag
  std::size_t in_flight_count_ = 0;
  std::size_t known_count_ = 0;
  std::vector<IndexFailure> failures_;
  std::optional<Error> fatal_;
  bool exhausted_ = false;
  bool plugins_marked_ = false;
};

}  // namespace

Result<ClosureReport> Registry::fetch_closure(std::span<const Requirement> roots, const ClosureOptions& options,
                                              const std::function<void(const ClosureProgress&)>& progress,
                                              std::stop_token stop) {
  ClosureRun run(*storage_, transport_.get(), npm_, options, progress, std::move(stop));
  return run.run(roots);
}

}  // namespace callboard
