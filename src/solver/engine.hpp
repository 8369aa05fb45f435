#pragma once
// The PubGrub engine and the npm model it solves. Private to src/solver/.
//
// Packages of the engine ("nodes") are of three kinds:
//  - the root (the app plus the request), one version;
//  - a host-level copy of an npm name (what node_modules/<name> holds): the
//    app's own dependencies, every peer and every dependency on a singleton
//    constrain it;
//  - a copy for one requirement "name@range" on a package that is not a
//    singleton: its versions are the name's versions in the range. Every
//    depender asking for the same name and range shares it, which loses no
//    solution (what the copy depends on does not depend on who asked).
// The plan folds copies that equal the host-level version into it; the
// others are nested duplicates.
//
// The algorithm follows dart-lang/pub doc/solver.md and pubgrub-rs:
// incompatibilities indexed by package, unit propagation from the changed
// package, conflict resolution deriving prior causes until the learned
// incompatibility is almost satisfied at an earlier level, then backjump.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "callboard/semver.hpp"
#include "callboard/solver.hpp"
#include "solver/index_set.hpp"

namespace callboard::solver::detail {

enum class NodeKind : std::uint8_t { kRoot, kHost, kCopy };

/// What an edge of the dependency graph is.
enum class EdgeKind : std::uint8_t {
  kDependency,    ///< `dependencies`
  kPeer,          ///< `peerDependencies`
  kOptionalPeer,  ///< `peerDependencies` marked optional
  kAppPin,        ///< a range in one of the app's package.json files
  kRequest,       ///< a change the user asked for
};

/// One outgoing requirement of a version.
struct Edge {
  EdgeKind kind = EdgeKind::kDependency;
  std::string name;   ///< npm name of the target
  std::string range;  ///< range text as written (after alias/tag resolution)
  std::string origin; ///< kAppPin: the workspace path
  /// kDependency from `optionalDependencies`: skipped when nothing serves a
  /// version in range (npm and pnpm install it when they can, and record
  /// it in the lockfile).
  bool optional = false;
  friend bool operator==(const Edge&, const Edge&) = default;
};

struct Node {
  NodeKind kind = NodeKind::kHost;
  std::string name;   ///< npm name (root: the root's display name)
  std::string range;  ///< kCopy: the requirement range
  std::shared_ptr<const Packument> packument;
  /// Universe index -> index into packument->versions.
  std::vector<std::uint32_t> manifest_index;
  std::vector<semver::Version> versions;
  /// Universe indices in static preference order (best first).
  std::vector<std::uint32_t> order;
  /// The locked or release-pinned version, when the package has one (a universe index).
  std::optional<std::uint32_t> preferred;
  /// Incompatibilities mentioning this node, in creation order.
  std::vector<std::uint32_t> incompats;
  /// Universe indices whose dependencies were added.
  std::vector<bool> loaded;
  std::uint32_t conflicts = 0;
  std::uint32_t discovered = 0;

  // Partial-solution state.
  Term acc;               ///< intersection of this node's assignments
  bool assigned = false;  ///< acc holds something
  std::int64_t decided = -1;
  std::int64_t decision_position = -1;  ///< trail position of the decision, if decided
  std::vector<std::uint32_t> trail_positions;

  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(versions.size()); }
};

enum class CauseKind : std::uint8_t {
  kRoot,        ///< {not root}
  kDependency,  ///< {depender, not target}; edge says which kind
  kNoVersions,  ///< {depender}: a requirement no version meets (edge says which)
  kReleasePin,  ///< {root, host in U minus pinned}
  kDerived,
};

struct Incompat {
  std::vector<Term> terms;
  CauseKind cause = CauseKind::kDerived;
  std::uint32_t cause1 = 0, cause2 = 0;
  Edge edge;            ///< kDependency / kNoVersions
  std::string pinned;   ///< kReleasePin: the pinned version
  /// kReleasePin: the source does not serve `pinned`; the term allows the
  /// served versions in `^pinned` (none when it covers every version).
  bool pin_unserved = false;
  /// kReleasePin: the term allows the served versions in `^pinned`
  /// (unserved, or compatible pins).
  bool pin_widened = false;
  bool target_unknown = false;  ///< kNoVersions: the package is not in the source
};

struct Assignment {
  std::uint32_t node = 0;
  Term term;
  std::uint32_t level = 0;
  std::int64_t cause = -1;  ///< -1: a decision
  /// The node's accumulated term after this assignment (restored on backtrack).
  Term acc_after;
};

/// The root's requirements and the host pins, prepared by solve.cpp.
struct RootSpec {
  std::vector<Edge> edges;
  /// Release pins: name -> version.
  std::map<std::string, std::string, std::less<>> release_pins;
  std::string release;
  /// Preferred versions (lockfile): name -> version.
  std::map<std::string, std::string, std::less<>> locked;
  /// Names the user asked for (newest preferred, no lock preference).
  std::set<std::string, std::less<>> requested;
  /// (depender name, peer name): peer ranges not enforced (the peer must
  /// still be present, one copy); the lenient solve's relaxed edges.
  std::set<std::pair<std::string, std::string>> relaxed_peers;
  /// The package manager installs a nested package's peers beside it (npm;
  /// pnpm resolves them from the dependent's ancestors, yarn not at all).
  bool nested_peers = true;
};

/// A peer range the solution does not meet (only relaxed ones).
struct UnmetPeer {
  std::string depender;  ///< "name version"
  std::string peer;
  std::string range;
  std::string version;  ///< the host-level version the plan has
};

/// What solves over one source share: packuments, parsed versions and
/// dependency lists (keyed by the addresses of packuments and manifests the
/// cache keeps alive).
struct SharedCache {
  std::map<std::string, std::shared_ptr<const Packument>, std::less<>> packuments;
  std::unordered_map<const Packument*, std::vector<std::optional<semver::Version>>> versions;
  struct Edges {
    std::vector<Edge> edges;
    std::vector<std::string> skipped;  ///< "name spec" not followed
  };
  std::unordered_map<const Manifest*, Edges> edges;
  std::unordered_map<std::string, std::optional<semver::Range>> ranges;
};

/// The answer of one run.
struct EngineResult {
  bool solved = false;
  std::uint32_t root_cause = 0;  ///< the final incompatibility when not solved
};

class Engine {
 public:
  Engine(PackageSource& source, const SolveOptions& options, RootSpec root, std::string root_name,
         SharedCache& cache, std::function<void(const SolveProgress&)> progress, std::stop_token stop);

  /// Runs to a solution or a root cause. Errors: source errors, cancellation, step bound.
  Result<EngineResult> run();

  // --- Results --------------------------------------------------------------
  [[nodiscard]] const std::vector<Node>& nodes() const noexcept { return nodes_; }
  [[nodiscard]] const std::vector<Incompat>& incompats() const noexcept { return incompats_; }
  [[nodiscard]] const RootSpec& root_spec() const noexcept { return root_; }
  [[nodiscard]] const SolveStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const std::set<std::string>& external() const noexcept { return external_; }
  [[nodiscard]] const std::set<std::string>& skipped() const noexcept { return skipped_; }
  /// Release pins the source does not serve, with the nearest served version
  /// in `^pin` (empty when none), by name.
  [[nodiscard]] const std::map<std::string, PinSubstitute>& pin_substitutes() const noexcept {
    return pin_substitutes_;
  }
  /// Whether the release lets the host-level copy of `name` be `version`:
  /// true without a pin; with exact pins the pinned version when the source
  /// serves it, else (and with compatible pins) a served version in `^pin`.
  [[nodiscard]] bool pin_allows(const std::string& name, const std::string& version) const;
  [[nodiscard]] bool is_singleton(std::string_view name) const;
  /// Whether `edge` of a version of `node` is met by a requirement copy
  /// (a dependency on a non-singleton; a nested copy's peer on one) rather
  /// than by the host-level copy.
  [[nodiscard]] bool met_by_copy(std::uint32_t node, const Edge& edge) const;
  /// The edges of a node's version (root: the root spec's edges).
  [[nodiscard]] const std::vector<Edge>& edges_of(std::uint32_t node, std::uint32_t version);
  /// Requirements of a node's version that are not followed (git, file, url specifiers).
  [[nodiscard]] const std::vector<std::string>& skipped_of(std::uint32_t node, std::uint32_t version);
  /// The requirement copy that meets the dependency `name`@`range` of this
  /// version of `node` (a merged group of versions shares one copy).
  [[nodiscard]] std::optional<std::uint32_t> copy_used(std::uint32_t node, std::uint32_t version,
                                                       const std::string& name, const std::string& range) const;
  /// The host facts a failed run's proof rests on: ("name", "pin:<version>")
  /// for each release pin and ("name", "app:<range>") for each app range it
  /// used. Another release that agrees on all of them fails the same way.
  [[nodiscard]] std::set<std::pair<std::string, std::string>> facts_used(std::uint32_t root_cause) const;
  /// The requirements a failed run's proof rests on, with the served
  /// versions each admits (explain.cpp).
  [[nodiscard]] std::vector<ConflictRange> conflict_ranges(std::uint32_t root_cause) const;
  /// (depender name, peer name) of every peer edge a failed run's proof
  /// rests on (explain.cpp).
  [[nodiscard]] std::set<std::pair<std::string, std::string>> peer_edges_used(std::uint32_t root_cause) const;
  /// Prose for a failed run (explain.cpp).
  [[nodiscard]] std::string explain(std::uint32_t root_cause, std::vector<std::string>& packages) const;

  /// Peer ranges of decided versions that the host-level versions do not
  /// meet, sorted (only relaxed edges can be unmet).
  [[nodiscard]] std::vector<UnmetPeer> unmet_peers();

  /// A version text for display.
  [[nodiscard]] std::string version_text(std::uint32_t node, std::uint32_t index) const;
  /// A term's set as text ("^1.2.0", ">=1.1.0 <2.0.0", "1.0.0").
  [[nodiscard]] std::string set_text(const Term& term, bool positive_reading) const;

 private:
  // Model (model.cpp).
  Result<std::shared_ptr<const Packument>> fetch(const std::string& name);
  const SharedCache::Edges& edge_entry(std::uint32_t node, std::uint32_t version);
  Result<std::optional<std::uint32_t>> host(const std::string& name);
  Result<std::optional<std::uint32_t>> copy(const std::string& name, const std::string& range);
  Result<void> add_dependencies(std::uint32_t node, std::uint32_t version);
  Result<void> add_edge(std::uint32_t node, std::uint32_t version, const Edge& edge, std::uint32_t lo,
                        std::uint32_t hi, bool same_text);
  /// Versions of `target` (host universe) matching a range text; nullopt when unparsable.
  std::optional<IndexSet> matching(std::uint32_t target, const std::string& range);
  std::uint32_t new_node(Node node);
  void build_order(Node& node);
  std::int64_t choose_version(std::uint32_t node) const;

  // Algorithm (engine.cpp).
  std::uint32_t add_incompat(Incompat incompat);
  void assign(std::uint32_t node, Term term, std::int64_t cause);
  void backtrack(std::uint32_t level);
  Result<std::optional<std::uint32_t>> propagate(std::uint32_t node);
  std::optional<std::uint32_t> resolve_conflict(std::uint32_t incompat, bool& failed);
  std::optional<std::uint32_t> next_node() const;
  [[nodiscard]] Term acc_of(std::uint32_t node) const;

  PackageSource& source_;
  const SolveOptions& options_;
  RootSpec root_;
  std::string root_name_;
  SharedCache& cache_;
  std::function<void(const SolveProgress&)> progress_;
  std::stop_token stop_;

  std::vector<Node> nodes_;
  std::vector<Incompat> incompats_;
  std::vector<Assignment> trail_;
  std::uint32_t level_ = 0;
  std::unordered_map<std::string, std::uint32_t> host_of_;
  std::unordered_map<std::string, std::uint32_t> copy_of_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> copies_by_name_;
  /// (node, version, name, range) -> copy: a manifest may require one name
  /// twice (directly and through an alias), each with its own copy.
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::string, std::string>, std::uint32_t> copy_used_;
  std::map<std::pair<std::uint32_t, std::string>, IndexSet> matching_cache_;
  /// (node, edge key, lo): dependency incompatibilities already added.
  std::set<std::tuple<std::uint32_t, std::string, std::uint32_t>> added_edges_;
  /// Edges of manifests the shared cache does not own (pinned versions the index lacks).
  std::unordered_map<const Manifest*, SharedCache::Edges> local_edges_;
  std::unordered_map<const Packument*, std::vector<std::optional<semver::Version>>> local_versions_;
  std::set<std::string, std::less<>> singletons_;
  std::vector<std::string> singleton_prefixes_;
  std::set<std::string> external_;
  std::set<std::string> skipped_;
  std::map<std::string, PinSubstitute> pin_substitutes_;
  /// For widened pins: the served versions in `^pin` the host copy may take.
  std::map<std::string, std::set<std::string>, std::less<>> pin_allowed_;
  SolveStats stats_;
  std::size_t steps_ = 0;
};

}  // namespace callboard::solver::detail
