// The PubGrub algorithm: propagation, decisions, conflict resolution.
// Model-specific parts (which incompatibilities a version brings, version
// preferences) are in model.cpp.
#include <algorithm>
#include <utility>

#include "solver/engine.hpp"

namespace callboard::solver::detail {

Engine::Engine(PackageSource& source, const SolveOptions& options, RootSpec root, std::string root_name,
               SharedCache& cache, std::function<void(const SolveProgress&)> progress, std::stop_token stop)
    : source_(source),
      options_(options),
      root_(std::move(root)),
      root_name_(std::move(root_name)),
      cache_(cache),
      progress_(std::move(progress)),
      stop_(std::move(stop)) {
  for (const std::string& s : options_.singletons) {
    if (s.ends_with('*')) {
      singleton_prefixes_.push_back(s.substr(0, s.size() - 1));
    } else {
      singletons_.insert(s);
    }
  }
  Node node;
  node.kind = NodeKind::kRoot;
  node.name = root_name_;
  node.versions.emplace_back(0, 0, 0);
  node.manifest_index.push_back(0);
  node.order.push_back(0);
  node.loaded.push_back(false);
  new_node(std::move(node));
}

bool Engine::is_singleton(std::string_view name) const {
  if (options_.all_singletons || singletons_.contains(name)) return true;
  for (const std::string& prefix : singleton_prefixes_) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::uint32_t Engine::new_node(Node node) {
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  node.discovered = id;
  node.acc = Term{id, IndexSet::range(0, node.size()), true, {}};
  nodes_.push_back(std::move(node));
  return id;
}

Term Engine::acc_of(std::uint32_t node) const {
  const Node& n = nodes_[node];
  if (n.assigned) return n.acc;
  return Term{node, IndexSet::range(0, n.size()), true, {}};
}

std::uint32_t Engine::add_incompat(Incompat incompat) {
  const auto id = static_cast<std::uint32_t>(incompats_.size());
  for (const Term& t : incompat.terms) nodes_[t.pkg].incompats.push_back(id);
  incompats_.push_back(std::move(incompat));
  ++stats_.incompatibilities;
  return id;
}

void Engine::assign(std::uint32_t node, Term term, std::int64_t cause) {
  Node& n = nodes_[node];
  n.acc = n.assigned ? n.acc.intersect(term) : acc_of(node).intersect(term);
  n.assigned = true;
  const auto position = static_cast<std::uint32_t>(trail_.size());
  n.trail_positions.push_back(position);
  if (cause < 0) {
    n.decided = static_cast<std::int64_t>(term.set.intervals().front().first);
    n.decision_position = position;
  }
  trail_.push_back(Assignment{node, std::move(term), level_, cause, n.acc});
}

void Engine::backtrack(std::uint32_t level) {
  std::vector<std::uint32_t> dirty;
  while (!trail_.empty() && trail_.back().level > level) {
    const std::uint32_t node = trail_.back().node;
    nodes_[node].trail_positions.pop_back();
    dirty.push_back(node);
    trail_.pop_back();
  }
  std::sort(dirty.begin(), dirty.end());
  dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
  for (std::uint32_t node : dirty) {
    // The accumulated term as it was after the last remaining assignment.
    Node& n = nodes_[node];
    if (n.decision_position >= static_cast<std::int64_t>(trail_.size())) {
      n.decided = -1;
      n.decision_position = -1;
    }
    n.assigned = !n.trail_positions.empty();
    n.acc = n.assigned ? trail_[n.trail_positions.back()].acc_after : acc_of(node);
  }
  level_ = level;
}

namespace {

bool is_terminal(const Incompat& inc) {
  if (inc.terms.empty()) return true;
  return inc.terms.size() == 1 && inc.terms[0].pkg == 0 && inc.terms[0].positive();
}

}  // namespace

std::optional<std::uint32_t> Engine::resolve_conflict(std::uint32_t incompat, bool& failed) {
  ++stats_.conflicts;
  std::uint32_t cur = incompat;
  for (;;) {
    if (is_terminal(incompats_[cur])) {
      failed = true;
      return cur;
    }
    // The satisfier of each term: the earliest assignment after which the
    // accumulated term of its package is inside the term.
    const std::vector<Term>& terms = incompats_[cur].terms;
    std::size_t sat_term = 0;
    std::int64_t sat_pos = -1;
    std::vector<std::uint32_t> term_pos(terms.size(), 0);
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const Term& t = terms[i];
      const Node& n = nodes_[t.pkg];
      std::int64_t found = -1;
      for (std::uint32_t pos : n.trail_positions) {
        if (trail_[pos].acc_after.is_subset_of(t)) {
          found = pos;
          break;
        }
      }
      // A term the empty partial solution satisfies (never the case for a
      // satisfied incompatibility's relevant terms) counts as position 0.
      if (found < 0) found = 0;
      term_pos[i] = static_cast<std::uint32_t>(found);
      if (found > sat_pos) {
        sat_pos = found;
        sat_term = i;
      }
    }
    const Assignment& satisfier = trail_[static_cast<std::size_t>(sat_pos)];
    std::uint32_t previous_level = 1;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (i == sat_term) continue;
      previous_level = std::max(previous_level, trail_[term_pos[i]].level);
    }
    {
      // The earliest assignment of the satisfier's package that, together
      // with the satisfier, satisfies its term.
      const Term& t = terms[sat_term];
      Term acc = satisfier.term;
      if (!acc.is_subset_of(t)) {
        for (std::uint32_t pos : nodes_[satisfier.node].trail_positions) {
          if (pos >= sat_pos) break;
          acc = acc.intersect(trail_[pos].term);
          if (acc.is_subset_of(t)) {
            previous_level = std::max(previous_level, trail_[pos].level);
            break;
          }
        }
      }
    }
    if (satisfier.cause < 0 || previous_level < satisfier.level) {
      if (cur != incompat) {
        for (const Term& t : incompats_[cur].terms) nodes_[t.pkg].incompats.push_back(cur);
      }
      backtrack(previous_level);
      return cur;
    }
    // Prior cause: resolve the incompatibility with the satisfier's cause on
    // the satisfier's package: {t1, q} and {t2, r} give {t1 u t2, q, r}.
    const auto cause_id = static_cast<std::uint32_t>(satisfier.cause);
    const std::uint32_t pkg = satisfier.node;
    std::vector<Term> merged;
    std::optional<Term> t1, t2;
    auto merge = [&](const Term& t) {
      for (Term& m : merged) {
        if (m.pkg == t.pkg) {
          m = m.intersect(t);
          return;
        }
      }
      merged.push_back(t);
    };
    for (const Term& t : incompats_[cur].terms) {
      if (t.pkg == pkg) t1 = t; else merge(t);
    }
    for (const Term& t : incompats_[cause_id].terms) {
      if (t.pkg == pkg) t2 = t; else merge(t);
    }
    if (t1 && t2) {
      Term u = t1->unite(*t2);
      if (!u.is_any(nodes_[pkg].size())) merged.push_back(std::move(u));
    } else if (t1 || t2) {
      merged.push_back(t1 ? *t1 : *t2);
    }
    nodes_[pkg].conflicts++;
    Incompat derived;
    derived.terms = std::move(merged);
    derived.cause = CauseKind::kDerived;
    derived.cause1 = cur;
    derived.cause2 = cause_id;
    // Stored for the derivation graph; indexed by package only if learned.
    const auto id = static_cast<std::uint32_t>(incompats_.size());
    incompats_.push_back(std::move(derived));
    ++stats_.incompatibilities;
    cur = id;
  }
}

Result<std::optional<std::uint32_t>> Engine::propagate(std::uint32_t start) {
  std::vector<std::uint32_t> changed{start};
  while (!changed.empty()) {
    const std::uint32_t p = changed.back();
    changed.pop_back();
    bool restarted = false;
    for (std::size_t k = nodes_[p].incompats.size(); k-- > 0 && !restarted;) {
      const std::uint32_t id = nodes_[p].incompats[k];
      ++stats_.propagations;
      const Incompat& inc = incompats_[id];
      std::int64_t unsatisfied = -1;
      bool skip = false;
      for (std::size_t i = 0; i < inc.terms.size(); ++i) {
        const Term& t = inc.terms[i];
        const Node& n = nodes_[t.pkg];
        if (!n.assigned) {
          // Nothing known: "any" is inside t only if t is "any".
          if (t.is_any(n.size())) continue;
          if (unsatisfied >= 0) { skip = true; break; }
          unsatisfied = static_cast<std::int64_t>(i);
          continue;
        }
        if (n.acc.is_subset_of(t)) continue;
        if (n.acc.is_disjoint(t)) { skip = true; break; }
        if (unsatisfied >= 0) { skip = true; break; }
        unsatisfied = static_cast<std::int64_t>(i);
      }
      if (skip) continue;
      if (unsatisfied < 0) {
        bool failed = false;
        const std::optional<std::uint32_t> learned = resolve_conflict(id, failed);
        if (failed) return learned;
        // The learned incompatibility is almost satisfied now: derive the
        // negation of its one unsatisfied term.
        const Incompat& l = incompats_[*learned];
        for (const Term& t : l.terms) {
          const Term acc = acc_of(t.pkg);
          if (!acc.is_subset_of(t)) {
            assign(t.pkg, t.negate(nodes_[t.pkg].size()), *learned);
            changed.clear();
            changed.push_back(t.pkg);
            break;
          }
        }
        restarted = true;
        break;
      }
      const Term& t = inc.terms[static_cast<std::size_t>(unsatisfied)];
      const std::uint32_t pkg = t.pkg;
      assign(pkg, t.negate(nodes_[pkg].size()), id);
      if (std::find(changed.begin(), changed.end(), pkg) == changed.end()) changed.push_back(pkg);
    }
  }
  return std::optional<std::uint32_t>{};
}

std::optional<std::uint32_t> Engine::next_node() const {
  std::optional<std::uint32_t> best;
  auto better = [this](std::uint32_t a, std::uint32_t b) {
    const Node& x = nodes_[a];
    const Node& y = nodes_[b];
    if ((x.kind == NodeKind::kRoot) != (y.kind == NodeKind::kRoot)) return x.kind == NodeKind::kRoot;
    if (x.conflicts != y.conflicts) return x.conflicts > y.conflicts;
    // Host-level copies before requirement copies: a copy's preferred
    // version is the host-level one, so decide that first.
    if ((x.kind == NodeKind::kHost) != (y.kind == NodeKind::kHost)) return x.kind == NodeKind::kHost;
    const std::uint32_t cx = x.acc.set.size(), cy = y.acc.set.size();
    if (cx != cy) return cx < cy;
    return x.discovered < y.discovered;
  };
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (!n.assigned || !n.acc.positive() || n.decided >= 0) continue;
    if (!best || better(i, *best)) best = i;
  }
  return best;
}

Result<EngineResult> Engine::run() {
  Incompat not_root;
  not_root.cause = CauseKind::kRoot;
  not_root.terms.push_back(Term{0, IndexSet{}, true, {}});
  add_incompat(std::move(not_root));
  std::uint32_t next = 0;
  for (;;) {
    if (stop_.stop_requested()) return make_error(ErrorCode::kCancelled, "solve cancelled");
    if (++steps_ > options_.max_steps) {
      return Error{ErrorCode::kResourceExhausted, "the solver gave up after too many steps", {}, false}
          .with("limit", std::to_string(options_.max_steps));
    }
    if (progress_ && (steps_ & 1023u) == 0) {
      progress_(SolveProgress{root_.release, stats_.decisions, stats_.conflicts});
    }
    auto propagated = propagate(next);
    if (!propagated) return std::move(propagated).error();
    if (*propagated) return EngineResult{false, **propagated};
    const std::optional<std::uint32_t> node = next_node();
    if (!node) return EngineResult{true, 0};
    const std::int64_t version = choose_version(*node);
    if (version < 0) {
      // No version of the package is left in its positive term: record that
      // as a fact and let propagation find the conflict.
      Incompat none;
      none.cause = CauseKind::kNoVersions;
      none.terms.push_back(nodes_[*node].acc);
      none.terms.back().absent = false;
      none.edge.name = nodes_[*node].name;
      none.target_unknown = nodes_[*node].size() == 0;
      add_incompat(std::move(none));
      next = *node;
      continue;
    }
    const auto v = static_cast<std::uint32_t>(version);
    if (auto added = add_dependencies(*node, v); !added) return std::move(added).error();
    ++level_;
    ++stats_.decisions;
    assign(*node, Term{*node, IndexSet::single(v), false, {}}, -1);
    next = *node;
  }
}

}  // namespace callboard::solver::detail
