// Failure explanations: the derivation graph of the root cause rendered as
// prose, after dart-lang/pub doc/solver.md ("Error Reporting"): lines are
// numbered only when an incompatibility is referred to twice; chains of one
// derived and one external cause collapse into "And because ..."; the
// special forms "depends on both", "which depends on" and "which is
// forbidden" read a pair of causes as one sentence.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "solver/engine.hpp"
#include "solver/plan_detail.hpp"

namespace callboard::solver::detail {

std::string Engine::set_text(const Term& term, bool positive_reading) const {
  const Node& n = nodes_[term.pkg];
  if (term.label == "*") return {};
  if (!term.label.empty()) return term.label;
  // A positive term names its set; a negative one names what it requires.
  (void)positive_reading;
  const IndexSet set = term.positive() ? term.set : term.set.complement(n.size());
  if (set.is_full(n.size())) return n.kind == NodeKind::kCopy ? n.range : std::string();
  // Intervals are read over releases only, so prereleases the set leaves
  // out do not split it (">=1.9.2" rather than ">=1.9.2 <1.10.0-next.0 ||
  // 1.10.0 || ..."); prereleases it holds are listed one by one.
  std::vector<std::uint32_t> releases;
  std::vector<std::uint32_t> prereleases;
  for (std::uint32_t i = 0; i < n.size(); ++i) {
    if (!n.versions[i].is_prerelease()) {
      releases.push_back(i);
    } else if (set.contains(i)) {
      prereleases.push_back(i);
    }
  }
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " || ") + part; };
  const std::size_t k = releases.size();
  for (std::size_t a = 0; a < k;) {
    if (!set.contains(releases[a])) {
      ++a;
      continue;
    }
    std::size_t b = a;
    while (b + 1 < k && set.contains(releases[b + 1])) ++b;
    if (a == 0 && b + 1 == k) {
      add(prereleases.empty() ? std::string("*") : ">=" + version_text(term.pkg, releases[0]));
    } else if (a == b) {
      add(version_text(term.pkg, releases[a]));
    } else if (a == 0) {
      add("<" + version_text(term.pkg, releases[b + 1]));
    } else if (b + 1 == k) {
      add(">=" + version_text(term.pkg, releases[a]));
    } else {
      add(">=" + version_text(term.pkg, releases[a]) + " <" + version_text(term.pkg, releases[b + 1]));
    }
    a = b + 1;
  }
  for (std::uint32_t i : prereleases) add(version_text(term.pkg, i));
  if (out == "*") return n.kind == NodeKind::kCopy ? n.range : std::string();
  if (out.empty()) out = "(no versions)";
  return out;
}

namespace {

class Writer {
 public:
  Writer(const Engine& engine, std::uint32_t root_cause) : e_(engine), root_cause_(root_cause) {
    count(root_cause);
  }

  std::string run(std::set<std::string>& names) {
    names_ = &names;
    const Incompat& root = inc(root_cause_);
    if (root.cause == CauseKind::kDerived) {
      visit(root_cause_, false);
    } else {
      lines_.emplace_back("Because " + text(root_cause_) + ", version solving failed.", std::nullopt);
    }
    std::string out;
    for (const auto& [message, number] : lines_) {
      out += message;
      if (number) out += " (" + std::to_string(*number) + ")";
      out += '\n';
    }
    return out;
  }

 private:
  const Incompat& inc(std::uint32_t id) const { return e_.incompats()[id]; }
  bool derived(std::uint32_t id) const { return inc(id).cause == CauseKind::kDerived; }

  void count(std::uint32_t id) {
    if (++derivations_[id] > 1) return;
    if (!derived(id)) return;
    count(inc(id).cause1);
    count(inc(id).cause2);
  }

  std::optional<int> line(std::uint32_t id) const {
    if (auto it = numbers_.find(id); it != numbers_.end()) return it->second;
    return std::nullopt;
  }

  bool is_root_term(const Term& t) const { return t.pkg == 0 && t.positive(); }

  std::string name_of(const Term& t) {
    const Node& n = e_.nodes()[t.pkg];
    if (n.kind != NodeKind::kRoot) names_->insert(n.name);
    return n.name;
  }

  /// "foo ^1.0.0", "every version of foo" (allow_every), "foo".
  std::string terse(const Term& t, bool allow_every = false) {
    const std::string name = name_of(t);
    if (t.pkg == 0) return name;
    const std::string set = e_.set_text(t, true);
    if (set.empty()) return allow_every ? "every version of " + name : name;
    return name + " " + set;
  }
  /// The positive reading of a negative term ("not foo ^1" -> "foo ^1").
  std::string terse_required(const Term& t) {
    const std::string name = name_of(t);
    const std::string set = e_.set_text(t, false);
    return set.empty() ? name : name + " " + set;
  }

  std::string depender(const Incompat& i) {
    const Term& d = i.terms[0];
    if (d.pkg == 0) {
      if (i.edge.kind == EdgeKind::kAppPin && !i.edge.origin.empty()) {
        const std::string file = i.edge.origin == "." ? "package.json" : i.edge.origin + "/package.json";
        return name_of(d) + " (" + file + ")";
      }
      return name_of(d);
    }
    return terse(d, true);
  }

  static std::string verb(EdgeKind kind) {
    switch (kind) {
      case EdgeKind::kPeer: return "has peer dependency";
      case EdgeKind::kOptionalPeer: return "has optional peer dependency";
      default: return "depends on";
    }
  }

  std::string text(std::uint32_t id) {
    const Incompat& i = inc(id);
    switch (i.cause) {
      case CauseKind::kRoot:
        return name_of(i.terms[0]) + " is required";
      case CauseKind::kDependency: {
        if (i.edge.kind == EdgeKind::kOptionalPeer) {
          return depender(i) + " " + verb(i.edge.kind) + " " + name_of(i.terms[1]) + " " + i.edge.range;
        }
        return depender(i) + " " + verb(i.edge.kind) + " " + terse_required(i.terms[1]);
      }
      case CauseKind::kNoVersions: {
        if (i.edge.range.empty()) return "no versions of " + terse(i.terms[0]) + " are left";
        return depender(i) + " " + no_versions_tail(i);
      }
      case CauseKind::kReleasePin: {
        std::string s = "Backstage " + e_.root_spec().release + " pins " + name_of(i.terms[1]) + " to " + i.pinned;
        if (!i.pin_unserved) {
          if (!i.pin_widened) return s;
          return s + " (or a newer version in ^" + i.pinned + ")";
        }
        const std::string allowed = e_.set_text(Term{i.terms[1].pkg, i.terms[1].set, true, {}}, false);
        if (allowed.empty() || allowed == "(no versions)") {
          return s + ", which your registry does not serve (nor any version in ^" + i.pinned + ")";
        }
        return s + ", which your registry does not serve (of ^" + i.pinned + " it serves " + allowed + ")";
      }
      case CauseKind::kDerived:
        break;
    }
    return derived_text(i.terms);
  }

  /// "depends on ghost ^1.0.0, but ghost is not in the index".
  std::string no_versions_tail(const Incompat& i) {
    const std::string& name = i.edge.name;
    names_->insert(name);
    const bool any = i.edge.range == "*";
    std::string s = verb(i.edge.kind) + " " + name + (any ? "" : " " + i.edge.range);
    if (i.target_unknown) return s + ", but " + name + " is not in the index";
    if (any) return s + ", but " + name + " has no versions";
    return s + ", but no versions of " + name + " match " + i.edge.range;
  }

  std::string derived_text(const std::vector<Term>& all) {
    std::vector<const Term*> pos, neg;
    bool has_root = false;
    for (const Term& t : all) {
      if (is_root_term(t)) {
        has_root = true;
        continue;
      }
      (t.positive() ? pos : neg).push_back(&t);
    }
    if (pos.empty() && neg.empty()) return "version solving failed";
    if (has_root && !neg.empty() && pos.empty()) {
      std::string s = name_of(all[0].pkg == 0 ? all[0] : all[1]) + " requires ";
      for (std::size_t k = 0; k < neg.size(); ++k) s += (k ? " or " : "") + terse_required(*neg[k]);
      return s;
    }
    if (pos.size() + neg.size() == 1) {
      if (!pos.empty()) return terse(*pos[0], true) + " is forbidden";
      return terse_required(*neg[0]) + " is required";
    }
    if (neg.empty()) {
      if (pos.size() == 2) return terse(*pos[0], true) + " is incompatible with " + terse(*pos[1]);
      std::string s = "one of ";
      for (std::size_t k = 0; k < pos.size(); ++k) s += (k ? " or " : "") + terse(*pos[k]);
      return s + " must be false";
    }
    if (pos.empty()) {
      std::string s = neg.size() == 2 ? "either " : "one of ";
      for (std::size_t k = 0; k < neg.size(); ++k) s += (k ? " or " : "") + terse_required(*neg[k]);
      return neg.size() == 2 ? s : s + " must be true";
    }
    std::string s;
    if (pos.size() == 1) {
      s = terse(*pos[0], true) + " requires ";
    } else {
      s = "if ";
      for (std::size_t k = 0; k < pos.size(); ++k) s += (k ? " and " : "") + terse(*pos[k]);
      s += " then ";
    }
    for (std::size_t k = 0; k < neg.size(); ++k) s += (k ? " or " : "") + terse_required(*neg[k]);
    return s;
  }

  static std::string with_line(std::string s, std::optional<int> l) {
    if (l) s += " (" + std::to_string(*l) + ")";
    return s;
  }

  // Single positive / negative non-root term, if exactly one.
  const Term* single(const Incompat& i, bool positive) const {
    const Term* found = nullptr;
    for (const Term& t : i.terms) {
      if (is_root_term(t) && positive) continue;
      if (t.positive() != positive) continue;
      if (found) return nullptr;
      found = &t;
    }
    return found;
  }

  bool is_dependency(const Incompat& i) const {
    return i.cause == CauseKind::kDependency && i.edge.kind != EdgeKind::kOptionalPeer;
  }

  std::optional<std::string> requires_both(std::uint32_t a, std::uint32_t b, std::optional<int> la,
                                           std::optional<int> lb) {
    const Incompat& x = inc(a);
    const Incompat& y = inc(b);
    if (!is_dependency(x) || !is_dependency(y)) return std::nullopt;
    if (x.terms[0].pkg != y.terms[0].pkg || !(x.terms[0].set == y.terms[0].set)) return std::nullopt;
    if (x.edge.kind != y.edge.kind) return std::nullopt;
    if (x.terms[0].pkg == 0 && x.edge.origin != y.edge.origin) return std::nullopt;
    return depender(x) + " " + verb(x.edge.kind) + " both " + with_line(terse_required(x.terms[1]), la) +
           " and " + with_line(terse_required(y.terms[1]), lb);
  }

  bool feeds(const Term& negative, const Term& positive) const {
    if (negative.pkg != positive.pkg) return false;
    const Node& n = e_.nodes()[negative.pkg];
    return negative.negate(n.size()).is_subset_of(positive);
  }

  std::string prior_head(const Incompat& prior) {
    std::vector<const Term*> positives;
    for (const Term& t : prior.terms) {
      if (t.positive() && !(is_root_term(t) && prior.cause != CauseKind::kDependency)) positives.push_back(&t);
    }
    const std::string v = is_dependency(prior) ? verb(prior.edge.kind) : "requires";
    if (positives.size() == 1) {
      if (is_dependency(prior)) return depender(prior) + " " + v;
      return terse(*positives[0], true) + " " + v;
    }
    std::string s = "if ";
    for (std::size_t k = 0; k < positives.size(); ++k) s += (k ? " and " : "") + terse(*positives[k]);
    return s + " then";
  }

  std::optional<std::string> requires_through(std::uint32_t a, std::uint32_t b, std::optional<int> la,
                                              std::optional<int> lb) {
    const Incompat& x = inc(a);
    const Incompat& y = inc(b);
    const Term* xn = single(x, false);
    const Term* yn = single(y, false);
    const Term* xp = single(x, true);
    const Term* yp = single(y, true);
    if (!xp && x.terms.size() > 0 && is_root_term(x.terms[0])) xp = &x.terms[0];
    if (!yp && y.terms.size() > 0 && is_root_term(y.terms[0])) yp = &y.terms[0];
    if (!xp || !yp) return std::nullopt;
    const Incompat* prior;
    const Incompat* latter;
    const Term* prior_negative;
    std::optional<int> prior_line, latter_line;
    if (xn && feeds(*xn, *yp)) {
      prior = &x, latter = &y, prior_negative = xn, prior_line = la, latter_line = lb;
    } else if (yn && feeds(*yn, *xp)) {
      prior = &y, latter = &x, prior_negative = yn, prior_line = lb, latter_line = la;
    } else {
      return std::nullopt;
    }
    std::string s = prior_head(*prior) + " " + terse_required(*prior_negative);
    if (prior_line) s += " (" + std::to_string(*prior_line) + ")";
    s += " which ";
    s += is_dependency(*latter) ? verb(latter->edge.kind) + " " : std::string("requires ");
    bool first = true;
    for (const Term& t : latter->terms) {
      if (t.positive()) continue;
      s += (first ? "" : " or ") + terse_required(t);
      first = false;
    }
    if (first) return std::nullopt;
    if (latter_line) s += " (" + std::to_string(*latter_line) + ")";
    return s;
  }

  std::optional<std::string> requires_forbidden(std::uint32_t a, std::uint32_t b, std::optional<int> la,
                                                std::optional<int> lb) {
    if (auto s = forbidden_through(inc(a), inc(b), la, lb)) return s;
    return forbidden_through(inc(b), inc(a), lb, la);
  }

  /// "P depends on Q which is forbidden" / "... which depends on R, but no
  /// versions of R match ...": `latter` forbids what `prior` requires.
  std::optional<std::string> forbidden_through(const Incompat& prior, const Incompat& latter,
                                               std::optional<int> prior_line, std::optional<int> latter_line) {
    if (latter.cause == CauseKind::kReleasePin || latter.cause == CauseKind::kRoot) return std::nullopt;
    const Term* latter_term = nullptr;
    for (const Term& t : latter.terms) {
      if (is_root_term(t)) continue;
      if (latter_term) return std::nullopt;
      latter_term = &t;
    }
    const Term* negative = single(prior, false);
    if (!negative || !latter_term || !latter_term->positive() || !feeds(*negative, *latter_term)) {
      return std::nullopt;
    }
    std::string s = prior_head(prior) + " " + terse_required(*negative);
    if (prior_line) s += " (" + std::to_string(*prior_line) + ")";
    if (latter.cause == CauseKind::kNoVersions && !latter.edge.range.empty()) {
      s += " which " + no_versions_tail(latter);
    } else {
      s += " which is forbidden";
    }
    if (latter_line) s += " (" + std::to_string(*latter_line) + ")";
    return s;
  }

  std::string and_text(std::uint32_t a, std::uint32_t b, std::optional<int> la = std::nullopt,
                       std::optional<int> lb = std::nullopt) {
    if (auto s = requires_both(a, b, la, lb)) return *s;
    if (auto s = requires_through(a, b, la, lb)) return *s;
    if (auto s = requires_forbidden(a, b, la, lb)) return *s;
    return with_line(text(a), la) + " and " + with_line(text(b), lb);
  }

  void write(std::uint32_t id, std::string message, bool numbered) {
    if (numbered) {
      const int number = ++next_number_;
      numbers_[id] = number;
      lines_.emplace_back(std::move(message), number);
    } else {
      lines_.emplace_back(std::move(message), std::nullopt);
    }
  }

  bool single_line(std::uint32_t id) const {
    return !derived(inc(id).cause1) && !derived(inc(id).cause2);
  }

  bool collapsible(std::uint32_t id) const {
    if (derivations_.at(id) > 1) return false;
    const Incompat& i = inc(id);
    if (derived(i.cause1) == derived(i.cause2)) return false;
    const std::uint32_t complex = derived(i.cause1) ? i.cause1 : i.cause2;
    return !numbers_.contains(complex);
  }

  void visit(std::uint32_t id, bool conclusion) {
    const bool numbered = conclusion || derivations_[id] > 1;
    const std::string conjunction = (conclusion || id == root_cause_) ? "So," : "And";
    const std::string s = text(id);
    const std::uint32_t c1 = inc(id).cause1, c2 = inc(id).cause2;
    if (derived(c1) && derived(c2)) {
      const auto l1 = line(c1), l2 = line(c2);
      if (l1 && l2) {
        write(id, "Because " + and_text(c1, c2, l1, l2) + ", " + s + ".", numbered);
      } else if (l1 || l2) {
        const std::uint32_t with = l1 ? c1 : c2, without = l1 ? c2 : c1;
        visit(without, false);
        write(id, conjunction + " because " + text(with) + " (" + std::to_string(*line(with)) + "), " + s + ".",
              numbered);
      } else if (single_line(c1) || single_line(c2)) {
        const std::uint32_t first = single_line(c2) ? c1 : c2, second = single_line(c2) ? c2 : c1;
        visit(first, false);
        visit(second, false);
        write(id, "Thus, " + s + ".", numbered);
      } else {
        visit(c1, true);
        lines_.emplace_back("", std::nullopt);
        visit(c2, false);
        write(id, conjunction + " because " + text(c1) + " (" + std::to_string(*line(c1)) + "), " + s + ".",
              numbered);
      }
    } else if (derived(c1) || derived(c2)) {
      const std::uint32_t d = derived(c1) ? c1 : c2, ext = derived(c1) ? c2 : c1;
      if (const auto l = line(d)) {
        write(id, "Because " + and_text(ext, d, std::nullopt, l) + ", " + s + ".", numbered);
      } else if (collapsible(d)) {
        const Incompat& di = inc(d);
        const std::uint32_t collapsed_derived = derived(di.cause1) ? di.cause1 : di.cause2;
        const std::uint32_t collapsed_ext = derived(di.cause1) ? di.cause2 : di.cause1;
        visit(collapsed_derived, false);
        write(id, conjunction + " because " + and_text(collapsed_ext, ext) + ", " + s + ".", numbered);
      } else {
        visit(d, false);
        write(id, conjunction + " because " + text(ext) + ", " + s + ".", numbered);
      }
    } else {
      write(id, "Because " + and_text(c1, c2) + ", " + s + ".", numbered);
    }
  }

  const Engine& e_;
  std::uint32_t root_cause_;
  std::map<std::uint32_t, int> derivations_;
  std::map<std::uint32_t, int> numbers_;
  std::vector<std::pair<std::string, std::optional<int>>> lines_;
  int next_number_ = 0;
  std::set<std::string>* names_ = nullptr;
};

}  // namespace

namespace {

/// Calls `visit` once for every incompatibility of the proof below
/// `root_cause` (derived ones included, causes after their result).
void visit_proof(const std::vector<Incompat>& incompats, std::uint32_t root_cause,
                 const std::function<void(const Incompat&)>& visit) {
  std::vector<std::uint32_t> stack{root_cause};
  std::set<std::uint32_t> seen;
  while (!stack.empty()) {
    const std::uint32_t id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const Incompat& i = incompats[id];
    visit(i);
    if (i.cause == CauseKind::kDerived) {
      stack.push_back(i.cause1);
      stack.push_back(i.cause2);
    }
  }
}

}  // namespace

std::set<std::pair<std::string, std::string>> Engine::facts_used(std::uint32_t root_cause) const {
  std::set<std::pair<std::string, std::string>> facts;
  visit_proof(incompats_, root_cause, [&](const Incompat& i) {
    // The versions a package has depend on its pin (a pinned version the
    // index lacks is added to it), so every package the proof names keeps
    // its pin status.
    for (const Term& t : i.terms) {
      const Node& n = nodes_[t.pkg];
      if (n.kind == NodeKind::kRoot) continue;
      auto pin = root_.release_pins.find(n.name);
      facts.emplace(n.name, pin == root_.release_pins.end() ? std::string("nopin") : "pin:" + pin->second);
    }
    if (i.cause == CauseKind::kReleasePin) facts.emplace(nodes_[i.terms[1].pkg].name, "pin:" + i.pinned);
    if ((i.cause == CauseKind::kDependency || i.cause == CauseKind::kNoVersions) && i.edge.kind == EdgeKind::kAppPin) {
      facts.emplace(i.edge.name, "app:" + i.edge.origin + ":" + i.edge.range);
    }
  });
  return facts;
}

std::set<std::pair<std::string, std::string>> Engine::peer_edges_used(std::uint32_t root_cause) const {
  std::set<std::pair<std::string, std::string>> out;
  visit_proof(incompats_, root_cause, [&](const Incompat& i) {
    const bool peer = i.edge.kind == EdgeKind::kPeer || i.edge.kind == EdgeKind::kOptionalPeer;
    if (i.cause == CauseKind::kDependency && peer && !i.terms.empty()) {
      out.emplace(nodes_[i.terms[0].pkg].name, i.edge.name);
    }
  });
  return out;
}

std::vector<ConflictRange> Engine::conflict_ranges(std::uint32_t root_cause) const {
  std::vector<ConflictRange> out;
  // The served versions of `name` a range admits (a host node's universe:
  // what the registry serves, plus nothing unserved).
  auto admit = [&](ConflictRange& r, const std::string& name, const std::function<bool(std::uint32_t)>& in) {
    auto h = host_of_.find(name);
    if (h == host_of_.end()) return;
    const Node& n = nodes_[h->second];
    std::vector<std::uint32_t> hits;
    for (std::uint32_t i = 0; i < n.size(); ++i) {
      if (in(i)) hits.push_back(i);
    }
    std::sort(hits.begin(), hits.end(), [&](std::uint32_t a, std::uint32_t b) {
      return semver::sort_order(n.versions[a], n.versions[b]) < 0;
    });
    r.admitted_count = hits.size();
    const std::size_t first = hits.size() > ConflictRange::kMaxAdmitted ? hits.size() - ConflictRange::kMaxAdmitted : 0;
    for (std::size_t k = first; k < hits.size(); ++k) r.admitted.push_back(version_text(h->second, hits[k]));
  };
  visit_proof(incompats_, root_cause, [&](const Incompat& i) {
    ConflictRange r;
    if (i.cause == CauseKind::kReleasePin) {
      const Node& n = nodes_[i.terms[1].pkg];
      r.package = n.name;
      r.range = i.pin_widened ? "^" + i.pinned : i.pinned;
      r.required_by = "Backstage " + root_.release;
      r.kind = "release pin";
      admit(r, n.name, [&](std::uint32_t v) { return !i.terms[1].set.contains(v); });
    } else if (i.cause == CauseKind::kDependency || i.cause == CauseKind::kNoVersions) {
      if (i.edge.name.empty()) return;
      const Node& from = nodes_[i.terms[0].pkg];
      r.package = i.edge.name;
      r.range = i.edge.range;
      switch (i.edge.kind) {
        case EdgeKind::kDependency: r.kind = i.edge.optional ? "optional dependency" : "dependency"; break;
        case EdgeKind::kPeer: r.kind = "peer"; break;
        case EdgeKind::kOptionalPeer: r.kind = "optional peer"; break;
        case EdgeKind::kAppPin: r.kind = "app"; break;
        case EdgeKind::kRequest: r.kind = "request"; break;
      }
      if (from.kind == NodeKind::kRoot) {
        r.required_by = i.edge.kind == EdgeKind::kRequest ? "requested" : root_name_ + " (" + manifest_file(i.edge.origin) + ")";
      } else {
        std::string versions = set_text(Term{i.terms[0].pkg, i.terms[0].set, false, {}}, true);
        if (versions.empty()) {
          // The whole universe: name its one version, or say so.
          versions = from.size() == 1 ? version_text(i.terms[0].pkg, 0) : std::string("(every version)");
        }
        r.required_by = from.name + " " + versions;
      }
      std::optional<semver::Range> range;
      if (auto spec = semver::parse_specifier(i.edge.range); spec && spec->kind == semver::SpecifierKind::kRange) {
        range = spec->range;
      }
      if (range) {
        auto h = host_of_.find(i.edge.name);
        if (h != host_of_.end()) {
          const Node& target = nodes_[h->second];
          admit(r, i.edge.name, [&](std::uint32_t v) { return range->versions().contains(target.versions[v]); });
        }
      }
    } else {
      return;
    }
    out.push_back(std::move(r));
  });
  std::sort(out.begin(), out.end(), [](const ConflictRange& a, const ConflictRange& b) {
    return std::tie(a.package, a.range, a.required_by, a.kind) < std::tie(b.package, b.range, b.required_by, b.kind);
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Engine::explain(std::uint32_t root_cause, std::vector<std::string>& packages) const {
  std::set<std::string> names;
  Writer writer(*this, root_cause);
  std::string text = writer.run(names);
  packages.assign(names.begin(), names.end());
  return text;
}

}  // namespace callboard::solver::detail
