// The npm model: which nodes exist, which incompatibilities a version
// brings, and in which order versions are tried.
#include <algorithm>
#include <span>
#include <utility>

#include "solver/engine.hpp"

namespace callboard::solver::detail {

Result<std::shared_ptr<const Packument>> Engine::fetch(const std::string& name) {
  if (auto it = cache_.packuments.find(name); it != cache_.packuments.end()) return it->second;
  auto got = source_.packument(name);
  if (!got) return std::move(got).error();
  ++stats_.packages_loaded;
  cache_.packuments.emplace(name, *got);
  return *got;
}

void Engine::build_order(Node& node) {
  const bool requested = root_.requested.contains(node.name);
  std::optional<std::string> preferred;
  if (!requested) {
    if (auto it = root_.locked.find(node.name); it != root_.locked.end()) preferred = it->second;
  }
  if (auto it = root_.release_pins.find(node.name); it != root_.release_pins.end() && !preferred) {
    preferred = it->second;
    if (auto sub = pin_substitutes_.find(node.name); sub != pin_substitutes_.end() && !sub->second.chosen.empty()) {
      preferred = sub->second.chosen;
    }
  }
  std::vector<std::uint32_t> order(node.size());
  for (std::uint32_t i = 0; i < node.size(); ++i) order[i] = i;
  auto rank = [&](std::uint32_t i) {
    const Manifest& m = node.packument->versions[node.manifest_index[i]];
    const bool is_preferred = preferred && m.version == *preferred;
    return std::tuple{is_preferred ? 0 : 1, m.deprecated ? 1 : 0, node.versions[i].is_prerelease() ? 1 : 0};
  };
  // A pinned host copy moves as little as it must from the release: the
  // nearest version first; everything else newest first.
  const bool pinned = node.kind == NodeKind::kHost && root_.release_pins.contains(node.name);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    // Version order, not the packument's (publication order, or a
    // registry's key order: "1.10.0" before "1.2.0").
    const auto c = node.versions[a] <=> node.versions[b];
    if (c != 0) return pinned ? c < 0 : c > 0;
    return a < b;
  });
  node.preferred.reset();
  if (preferred) {
    for (std::uint32_t i = 0; i < node.size(); ++i) {
      if (node.packument->versions[node.manifest_index[i]].version == *preferred) node.preferred = i;
    }
  }
  node.order = std::move(order);
}

Result<std::optional<std::uint32_t>> Engine::host(const std::string& name) {
  if (auto it = host_of_.find(name); it != host_of_.end()) return std::optional<std::uint32_t>(it->second);
  auto fetched = fetch(name);
  if (!fetched) return std::move(fetched).error();
  if (!*fetched && options_.unknown_packages == UnknownPackages::kAssumeExternal) {
    external_.insert(name);
    return std::optional<std::uint32_t>{};
  }
  Node node;
  node.kind = NodeKind::kHost;
  node.name = name;
  node.packument = *fetched ? *fetched : std::make_shared<const Packument>();
  const bool shared = *fetched && node.packument.get() == fetched->get();
  auto parsed = shared ? cache_.versions.find(node.packument.get()) : cache_.versions.end();
  if (parsed == cache_.versions.end()) {
    std::vector<std::optional<semver::Version>> versions;
    versions.reserve(node.packument->versions.size());
    for (const Manifest& m : node.packument->versions) {
      auto v = semver::Version::parse(m.version);
      versions.push_back(v ? std::optional<semver::Version>(std::move(*v)) : std::nullopt);
    }
    if (shared) {
      parsed = cache_.versions.emplace(node.packument.get(), std::move(versions)).first;
    } else {
      parsed = local_versions_.emplace(node.packument.get(), std::move(versions)).first;
    }
  }
  for (std::uint32_t i = 0; i < node.packument->versions.size(); ++i) {
    if (!parsed->second[i]) continue;
    node.manifest_index.push_back(i);
    node.versions.push_back(*parsed->second[i]);
  }
  node.loaded.assign(node.versions.size(), false);
  const auto pin = root_.release_pins.find(name);
  const bool pin_unserved = pin != root_.release_pins.end() && *fetched && !(*fetched)->find(pin->second);
  const bool pin_widened = pin != root_.release_pins.end() && *fetched &&
                           (pin_unserved || options_.release_pins == ReleasePins::kCompatible);
  if (pin_widened) {
    // Nothing unserved is ever planned. A registry that serves only some
    // versions may lack the one the release pins: the host copy then takes
    // a served version inside `^pin` (what Backstage's version bump writes
    // for the release, so what npm installs for such an app), the nearest
    // preferred; with none, the package cannot be installed on this
    // release. Only the nearest was too strict on real data: a registry
    // that skips a release's patch versions also skips those its other
    // substitutes need (the sample app on 1.31.0 failed on
    // plugin-catalog-react). With compatible pins a served pin widens the
    // same way, the pin itself preferred.
    PinSubstitute sub{name, pin->second, {}};
    std::set<std::string> allowed;
    std::optional<std::uint32_t> nearest;
    auto caret = semver::Range::parse("^" + pin->second);
    if (caret) {
      for (std::uint32_t i = 0; i < node.size(); ++i) {
        if (!caret->versions().contains(node.versions[i])) continue;
        const std::string& text = node.packument->versions[node.manifest_index[i]].version;
        allowed.insert(text);
        if (!nearest || node.versions[i] < node.versions[*nearest]) nearest = i;
      }
      if (nearest) sub.chosen = node.packument->versions[node.manifest_index[*nearest]].version;
    }
    pin_allowed_[name] = std::move(allowed);
    if (pin_unserved) pin_substitutes_[name] = sub;
  }
  build_order(node);
  const std::uint32_t id = new_node(std::move(node));
  host_of_.emplace(name, id);
  if (pin != root_.release_pins.end()) {
    // The release pins the host-level copy whenever it is present.
    const Node& n = nodes_[id];
    std::vector<std::uint32_t> others;
    for (std::uint32_t i = 0; i < n.size(); ++i) {
      if (!pin_allows(name, n.packument->versions[n.manifest_index[i]].version)) others.push_back(i);
    }
    Incompat inc;
    inc.cause = CauseKind::kReleasePin;
    inc.pinned = pin->second;
    inc.pin_unserved = pin_unserved;
    inc.pin_widened = pin_widened;
    inc.terms.push_back(Term{0, IndexSet::single(0), false, {}});
    inc.terms.push_back(Term{id, IndexSet::from_sorted(others), false, {}});
    if (!others.empty()) add_incompat(std::move(inc));
  }
  return std::optional<std::uint32_t>(id);
}

bool Engine::pin_allows(const std::string& name, const std::string& version) const {
  auto pin = root_.release_pins.find(name);
  if (pin == root_.release_pins.end()) return true;
  if (auto allowed = pin_allowed_.find(name); allowed != pin_allowed_.end()) return allowed->second.contains(version);
  return pin->second == version;
}

std::optional<IndexSet> Engine::matching(std::uint32_t target, const std::string& range) {
  const auto key = std::pair{target, range};
  if (auto it = matching_cache_.find(key); it != matching_cache_.end()) return it->second;
  const Node& n = nodes_[target];
  std::optional<IndexSet> result;
  auto parsed = cache_.ranges.find(range);
  if (parsed == cache_.ranges.end()) {
    std::optional<semver::Range> r;
    if (auto spec = semver::parse_specifier(range); spec && spec->kind == semver::SpecifierKind::kRange && spec->range) {
      r = spec->range;
    }
    parsed = cache_.ranges.emplace(range, std::move(r)).first;
  }
  if (parsed->second) {
    const semver::VersionSet& set = parsed->second->versions();
    std::vector<std::uint32_t> hits;
    if (std::is_sorted(n.versions.begin(), n.versions.end())) {
      // Each interval of the set is a slice of the sorted versions: binary
      // search its ends, keep the releases (or prereleases) inside.
      auto slice = [&](std::span<const semver::Interval> intervals, bool prerelease) {
        for (const semver::Interval& iv : intervals) {
          auto first = std::lower_bound(n.versions.begin(), n.versions.end(), iv.lower);
          auto last = iv.upper ? std::lower_bound(first, n.versions.end(), *iv.upper) : n.versions.end();
          for (auto it = first; it != last; ++it) {
            if (it->is_prerelease() == prerelease) hits.push_back(static_cast<std::uint32_t>(it - n.versions.begin()));
          }
        }
      };
      slice(set.releases(), false);
      slice(set.prereleases(), true);
      std::sort(hits.begin(), hits.end());
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    } else {
      for (std::uint32_t i = 0; i < n.size(); ++i) {
        if (set.contains(n.versions[i])) hits.push_back(i);
      }
    }
    result = IndexSet::from_sorted(hits);
  } else if (auto spec = semver::parse_specifier(range); spec && spec->kind == semver::SpecifierKind::kTag) {
    // A dist-tag: the one version it names, if the packument has the tag.
    IndexSet s;
    if (auto tag = n.packument->dist_tags.find(spec->target); tag != n.packument->dist_tags.end()) {
      for (std::uint32_t i = 0; i < n.size(); ++i) {
        if (n.packument->versions[n.manifest_index[i]].version == tag->second) s = IndexSet::single(i);
      }
    }
    result = s;
  }
  if (result) matching_cache_.emplace(key, *result);
  return result;
}

Result<std::optional<std::uint32_t>> Engine::copy(const std::string& name, const std::string& range) {
  const std::string key = name + '\x1f' + range;
  if (auto it = copy_of_.find(key); it != copy_of_.end()) return std::optional<std::uint32_t>(it->second);
  auto h = host(name);
  if (!h) return std::move(h).error();
  if (!*h) return std::optional<std::uint32_t>{};
  const std::optional<IndexSet> set = matching(**h, range);
  if (!set) return std::optional<std::uint32_t>{};
  const Node& hn = nodes_[**h];
  Node node;
  node.kind = NodeKind::kCopy;
  node.name = name;
  node.range = range;
  node.packument = hn.packument;
  for (const auto& [lo, hi] : set->intervals()) {
    for (std::uint32_t i = lo; i < hi; ++i) {
      node.manifest_index.push_back(hn.manifest_index[i]);
      node.versions.push_back(hn.versions[i]);
    }
  }
  node.loaded.assign(node.versions.size(), false);
  build_order(node);
  const std::uint32_t id = new_node(std::move(node));
  copy_of_.emplace(key, id);
  copies_by_name_[name].push_back(id);
  return std::optional<std::uint32_t>(id);
}

std::optional<std::uint32_t> Engine::copy_used(std::uint32_t node, std::uint32_t version, const std::string& name,
                                               const std::string& range) const {
  auto it = copy_used_.find({node, version, name, range});
  if (it == copy_used_.end()) return std::nullopt;
  return it->second;
}

const std::vector<Edge>& Engine::edges_of(std::uint32_t node, std::uint32_t version) {
  if (nodes_[node].kind == NodeKind::kRoot) return root_.edges;
  return edge_entry(node, version).edges;
}

const std::vector<std::string>& Engine::skipped_of(std::uint32_t node, std::uint32_t version) {
  static const std::vector<std::string> kNone;
  if (nodes_[node].kind == NodeKind::kRoot) return kNone;
  return edge_entry(node, version).skipped;
}

const SharedCache::Edges& Engine::edge_entry(std::uint32_t node, std::uint32_t version) {
  const Node& n = nodes_[node];
  const Manifest& m = n.packument->versions[n.manifest_index[version]];
  // Manifests of packuments the shared cache holds are keyed there; others
  // (a pinned version added for this run) only here.
  auto owner = cache_.packuments.find(n.name);
  const bool shared = owner != cache_.packuments.end() && owner->second.get() == n.packument.get();
  auto& table = shared ? cache_.edges : local_edges_;
  if (auto it = table.find(&m); it != table.end()) return it->second;
  SharedCache::Edges entry;
  std::map<std::string, Edge, std::less<>> by_name;
  auto classify = [&](const std::string& name, const std::string& raw, EdgeKind kind) {
    auto spec = semver::parse_specifier(raw);
    if (!spec) {
      entry.skipped.push_back(name + " " + raw);
      by_name.erase(name);
      return;
    }
    switch (spec->kind) {
      case semver::SpecifierKind::kRange:
      case semver::SpecifierKind::kTag:
        by_name[name] = Edge{kind, name, raw, {}};
        return;
      case semver::SpecifierKind::kAlias: {
        std::string inner = "*";
        if (auto at = spec->raw.rfind('@'); at != std::string::npos && at > 4) inner = spec->raw.substr(at + 1);
        by_name[name] = Edge{kind, spec->target, inner, {}};
        return;
      }
      default:
        entry.skipped.push_back(name + " " + raw);
        by_name.erase(name);
        return;
    }
  };
  for (const auto& [name, raw] : m.dependencies) classify(name, raw, EdgeKind::kDependency);
  // optionalDependencies replace dependencies of the same name, as in npm.
  for (const auto& [name, raw] : m.optional_dependencies) {
    classify(name, raw, EdgeKind::kDependency);
    if (auto it = by_name.find(name); it != by_name.end()) it->second.optional = true;
  }
  for (const auto& [name, raw] : m.peer_dependencies) {
    const auto meta = m.peer_dependencies_meta.find(name);
    const bool optional = meta != m.peer_dependencies_meta.end() && meta->second.optional;
    classify(name, raw, optional ? EdgeKind::kOptionalPeer : EdgeKind::kPeer);
  }
  entry.edges.reserve(by_name.size());
  for (auto& [name, edge] : by_name) {
    if (edge.name == n.name) continue;  // a package depending on itself is met by itself
    entry.edges.push_back(std::move(edge));
  }
  return table.emplace(&m, std::move(entry)).first->second;
}

Result<void> Engine::add_dependencies(std::uint32_t node, std::uint32_t version) {
  if (nodes_[node].loaded[version]) return {};
  nodes_[node].loaded[version] = true;
  const std::vector<Edge> edges = edges_of(node, version);  // a copy: add_edge may grow the cache
  const std::uint32_t size = nodes_[node].size();
  for (const Edge& edge : edges) {
    // Widen the depender range over adjacent versions with the same edge,
    // so one incompatibility covers them all. "The same" is the same range
    // text, or ranges that admit the same (non-empty) set of the target's
    // versions ("^1.10.8" and "^1.10.9" when the index has neither 1.10.8
    // nor anything between): they constrain the solution identically.
    std::uint32_t lo = version, hi = version + 1;
    bool same_text = true;
    std::optional<IndexSet> own;
    if (nodes_[node].kind != NodeKind::kRoot) {
      std::optional<std::uint32_t> target;
      if (edge.kind != EdgeKind::kOptionalPeer) {
        auto h = host(edge.name);
        if (!h) return std::move(h).error();
        target = *h;
        if (target) own = matching(*target, edge.range);
        if (own && own->empty()) own.reset();
      }
      auto has = [&](std::uint32_t i) {
        for (const Edge& other : edges_of(node, i)) {
          if (other.kind != edge.kind || other.name != edge.name) continue;
          if (other.range == edge.range) return true;
          if (own && matching(*target, other.range) == own) {
            same_text = false;
            return true;
          }
          return false;
        }
        return false;
      };
      while (lo > 0 && has(lo - 1)) --lo;
      while (hi < size && has(hi)) ++hi;
    }
    // One incompatibility per group: a version reached again (or another
    // version of the same group) finds its key. The key names the versions
    // the group requires, so two edges on one name (an alias and a direct
    // dependency) stay two requirements.
    std::string key = std::to_string(static_cast<int>(edge.kind)) + '\x1f' + edge.name + '\x1f' + edge.origin + '\x1f';
    if (same_text || !own) {
      key += "t:" + edge.range;
    } else {
      key += "s:";
      for (const auto& [a, b] : own->intervals()) key += std::to_string(a) + "-" + std::to_string(b) + ",";
    }
    if (!added_edges_.emplace(node, key, lo).second) continue;
    if (auto added = add_edge(node, version, edge, lo, hi, same_text); !added) return added;
  }
  return {};
}

Result<void> Engine::add_edge(std::uint32_t node, std::uint32_t version, const Edge& edge, std::uint32_t lo,
                              std::uint32_t hi, bool same_text) {
  // With ranges that differ in text across the merged versions, the terms
  // are printed from their sets rather than from one version's text.
  // Versions merged into one group may write the range differently ("^1.0.0",
  // "^1.x") when the texts admit the same served versions: say them all, as
  // written, rather than a set over the registry's versions ("<2.1.0").
  std::string label = edge.range;
  if (!same_text) {
    std::vector<std::string> texts;
    for (std::uint32_t i = lo; i < hi; ++i) {
      for (const Edge& other : edges_of(node, i)) {
        if (other.kind != edge.kind || other.name != edge.name) continue;
        if (std::find(texts.begin(), texts.end(), other.range) == texts.end()) texts.push_back(other.range);
        break;
      }
    }
    label.clear();
    for (const std::string& t : texts) label += (label.empty() ? "" : " or ") + t;
  }
  const Term depender{node, IndexSet::range(lo, hi), false, {}};
  auto no_versions = [&](bool unknown) {
    Incompat inc;
    inc.cause = CauseKind::kNoVersions;
    inc.edge = edge;
    inc.target_unknown = unknown;
    inc.terms.push_back(depender);
    add_incompat(std::move(inc));
  };
  const bool via_copy = met_by_copy(node, edge);
  auto h = host(edge.name);
  if (!h) return std::move(h).error();
  if (!*h) {
    // External: unconstrained, unless it is what the user asked for.
    if (edge.kind == EdgeKind::kRequest) {
      external_.erase(edge.name);
      no_versions(true);
    }
    return {};
  }
  const std::uint32_t target_host = **h;
  if (edge.kind == EdgeKind::kOptionalPeer && nodes_[target_host].size() == 0) return {};  // never present
  if (nodes_[target_host].size() == 0) {
    if (edge.optional) return {};  // an optional dependency nobody serves is left out
    no_versions(true);
    return {};
  }
  std::optional<IndexSet> set = matching(target_host, edge.range);
  if (edge.kind == EdgeKind::kPeer && root_.relaxed_peers.contains({nodes_[node].name, edge.name})) {
    // yarn and pnpm warn about a peer range and install on: only presence
    // (one host-level copy) is required; unmet_peers() reports the range.
    set = IndexSet::range(0, nodes_[target_host].size());
  }
  if (!set) {
    skipped_.insert(edge.name + " " + edge.range);
    return {};
  }
  if (edge.kind == EdgeKind::kOptionalPeer) {
    // A relaxed optional peer constrains nothing (the manager only warns).
    if (root_.relaxed_peers.contains({nodes_[node].name, edge.name})) return {};
    const IndexSet outside = set->complement(nodes_[target_host].size());
    if (outside.empty()) return {};
    Incompat inc;
    inc.cause = CauseKind::kDependency;
    inc.edge = edge;
    inc.terms.push_back(depender);
    inc.terms.push_back(Term{target_host, outside, false, {}});
    add_incompat(std::move(inc));
    return {};
  }
  if (set->empty()) {
    if (edge.optional) return {};
    no_versions(false);
    return {};
  }
  Incompat inc;
  inc.cause = CauseKind::kDependency;
  inc.edge = edge;
  inc.terms.push_back(depender);
  if (via_copy) {
    auto c = copy(edge.name, edge.range);
    if (!c) return std::move(c).error();
    for (std::uint32_t i = lo; i < hi; ++i) {
      // The other versions of the group met this edge with their first edge
      // on the name (add_dependencies' grouping); their range text may differ.
      std::string range = edge.range;
      if (i != version) {
        for (const Edge& other : edges_of(node, i)) {
          if (other.kind == edge.kind && other.name == edge.name) {
            range = other.range;
            break;
          }
        }
      }
      copy_used_[{node, i, edge.name, std::move(range)}] = **c;
    }
    inc.terms.push_back(Term{**c, IndexSet{}, true, label});
  } else {
    inc.terms.push_back(Term{target_host, set->complement(nodes_[target_host].size()), true, label});
  }
  add_incompat(std::move(inc));
  return {};
}

std::int64_t Engine::choose_version(std::uint32_t id) const {
  const Node& n = nodes_[id];
  const IndexSet& set = n.acc.set;
  if (n.kind == NodeKind::kHost && !(n.preferred && set.contains(*n.preferred))) {
    // A version a requirement copy already has, newest first, so the host
    // level does not add a second copy needlessly.
    std::optional<std::uint32_t> best;
    if (auto c = copies_by_name_.find(n.name); c != copies_by_name_.end()) {
      for (std::uint32_t copy_id : c->second) {
        const Node& other = nodes_[copy_id];
        if (other.decided < 0) continue;
        const std::uint32_t manifest = other.manifest_index[static_cast<std::size_t>(other.decided)];
        for (std::uint32_t i = 0; i < n.size(); ++i) {
          if (n.manifest_index[i] == manifest && set.contains(i) && (!best || *best < i)) best = i;
        }
      }
    }
    if (best) return *best;
  }
  if (n.kind == NodeKind::kCopy) {
    // Share a version some other copy of the same name already has: the
    // host-level one first, then any requirement copy.
    std::vector<std::uint32_t> candidates;
    if (auto h = host_of_.find(n.name); h != host_of_.end() && nodes_[h->second].decided >= 0) {
      candidates.push_back(nodes_[h->second].manifest_index[static_cast<std::size_t>(nodes_[h->second].decided)]);
    }
    if (auto c = copies_by_name_.find(n.name); c != copies_by_name_.end()) {
      for (std::uint32_t other_id : c->second) {
        const Node& other = nodes_[other_id];
        if (other.decided >= 0) candidates.push_back(other.manifest_index[static_cast<std::size_t>(other.decided)]);
      }
    }
    for (std::uint32_t manifest : candidates) {
      for (std::uint32_t i = 0; i < n.size(); ++i) {
        if (n.manifest_index[i] == manifest && set.contains(i)) return i;
      }
    }
  }
  for (std::uint32_t i : n.order) {
    if (set.contains(i)) return i;
  }
  return -1;
}

bool Engine::met_by_copy(std::uint32_t node, const Edge& edge) const {
  if (is_singleton(edge.name)) return false;
  if (edge.kind == EdgeKind::kDependency) return true;
  // npm installs a peer next to its dependent: a nested copy's peer may be
  // a nested copy beside it (ajv-keywords under schema-utils gets its own
  // ajv 6 while the host level has ajv 8). A host-level package's peer is
  // the host-level copy.
  // Only npm: yarn installs no peers and pnpm resolves them from the
  // dependent's ancestors, so for them the host-level copy meets a nested
  // package's peer (with a warning when the range disagrees).
  return edge.kind == EdgeKind::kPeer && nodes_[node].kind == NodeKind::kCopy && root_.nested_peers;
}

std::vector<UnmetPeer> Engine::unmet_peers() {
  std::vector<UnmetPeer> unmet;
  if (root_.relaxed_peers.empty()) return unmet;
  for (std::uint32_t id = 1; id < nodes_.size(); ++id) {
    if (nodes_[id].kind == NodeKind::kRoot || nodes_[id].decided < 0) continue;
    const auto version = static_cast<std::uint32_t>(nodes_[id].decided);
    const std::vector<Edge> edges = edges_of(id, version);
    for (const Edge& edge : edges) {
      if ((edge.kind != EdgeKind::kPeer && edge.kind != EdgeKind::kOptionalPeer) || met_by_copy(id, edge)) continue;
      if (!root_.relaxed_peers.contains({nodes_[id].name, edge.name})) continue;
      auto target = host_of_.find(edge.name);
      if (target == host_of_.end() || nodes_[target->second].decided < 0) continue;
      const auto chosen = static_cast<std::uint32_t>(nodes_[target->second].decided);
      const std::optional<IndexSet> set = matching(target->second, edge.range);
      if (!set || set->contains(chosen)) continue;
      unmet.push_back(UnmetPeer{nodes_[id].name + " " + version_text(id, version), edge.name, edge.range,
                                version_text(target->second, chosen)});
    }
  }
  std::sort(unmet.begin(), unmet.end(), [](const UnmetPeer& a, const UnmetPeer& b) {
    return std::tie(a.depender, a.peer, a.range) < std::tie(b.depender, b.peer, b.range);
  });
  unmet.erase(std::unique(unmet.begin(), unmet.end(),
                          [](const UnmetPeer& a, const UnmetPeer& b) {
                            return std::tie(a.depender, a.peer, a.range) == std::tie(b.depender, b.peer, b.range);
                          }),
              unmet.end());
  return unmet;
}

std::string Engine::version_text(std::uint32_t node, std::uint32_t index) const {
  const Node& n = nodes_[node];
  if (n.kind == NodeKind::kRoot) return {};
  return n.packument->versions[n.manifest_index[index]].version;
}

}  // namespace callboard::solver::detail
