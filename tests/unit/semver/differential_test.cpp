// Differential test: callboard::semver against node-semver 7.8.5 (the real
// package, through tests/oracle/semver_oracle.js).
//
//   [corpus]      every range and version recorded from the registry
//                 (tests/cases/semver/registry-corpus.json)
//   [random]      CALLBOARD_DIFF_CASES (default 1,000,000; 50,000 in Debug and
//                 sanitizer builds) seeded random
//                 versions and ranges (CALLBOARD_DIFF_SEED)
//   [intersects]  node's intersects is wrong on some prerelease ranges; a
//                 difference is accepted only when a brute-force ground truth
//                 agrees with us and not with node (docs/semver-intersects.md)
//
// Exit code 77 (ctest: skipped) when node or node_modules/semver is missing;
// failure when the installed semver is not the pinned version.
// Every difference is written to semver-differential-mismatches.jsonl in the
// working directory; the first 20 are printed.

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "callboard/semver.hpp"
#include "oracle.hpp"
#include "semver_gen.hpp"
#include "semver_ops.hpp"

namespace json = boost::json;
namespace sv = callboard::semver;
using callboard::test::Oracle;
using callboard::test::OracleState;
using callboard::test::SemverOp;

namespace {

#ifndef CALLBOARD_DIFF_DEFAULT_CASES
#define CALLBOARD_DIFF_DEFAULT_CASES 1000000
#endif

constexpr std::size_t kBatch = 20000;
constexpr std::size_t kShowMismatches = 20;

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return fallback;
  return std::strtoull(s, nullptr, 10);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Mismatch {
  std::string op;
  json::object opts;
  json::array args;
  json::value ours;
  json::value node;
  std::string note;
  std::uint64_t seq = 0;  // block and position: the report is ordered by it
};

/// Collects differences across a test section and reports them.
class Ledger {
 public:
  explicit Ledger(std::string section) : section_(std::move(section)) {}

  void count(std::string_view op, std::size_t n) { counts_[std::string(op)] += n; }
  void time(std::string_view op, double ours, double node) {
    ours_seconds_[std::string(op)] += ours;
    node_seconds_[std::string(op)] += node;
  }

  void add(Mismatch m) {
    ++mismatches_[m.op];
    ++total_;
    if (++kept_per_op_[m.op] <= 400) kept_.push_back(std::move(m));
  }

  [[nodiscard]] std::size_t total() const { return total_; }

  /// Prints the summary and the first differences; appends all kept ones to the jsonl file.
  void report() {
    std::stable_sort(kept_.begin(), kept_.end(), [](const Mismatch& a, const Mismatch& b) { return a.seq < b.seq; });
    std::ostringstream out;
    out << "[" << section_ << "] compared:";
    std::size_t all = 0;
    for (const auto& [op, n] : counts_) {
      out << " " << op << "=" << n;
      all += n;
    }
    out << " (total " << all << ")\n";
    if (std::getenv("CALLBOARD_DIFF_TIMING") != nullptr) {
      out << "[" << section_ << "] seconds (ours/node):";
      for (const auto& [op, t] : ours_seconds_) out << " " << op << "=" << t << "/" << node_seconds_.at(op);
      out << "\n";
    }
    if (total_ > 0) {
      out << "[" << section_ << "] " << total_ << " DIFFERENCES:";
      for (const auto& [op, n] : mismatches_) out << " " << op << "=" << n;
      out << "\n";
      for (std::size_t i = 0; i < kept_.size() && i < kShowMismatches; ++i) {
        const auto& m = kept_[i];
        out << "  " << m.op << "(" << print_args(m.args) << ")" << print_opts(m.opts)
            << "  ours=" << callboard::test::show(m.ours)
            << "  node=" << callboard::test::show(m.node);
        if (!m.note.empty()) out << "  [" << m.note << "]";
        out << "\n";
      }
      std::ofstream file("semver-differential-mismatches.jsonl", std::ios::app);
      for (const auto& m : kept_) {
        json::object o;
        o["section"] = section_;
        o["op"] = m.op;
        o["args"] = m.args;
        o["opts"] = m.opts;
        o["ours"] = m.ours;
        o["node"] = m.node;
        if (!m.note.empty()) o["note"] = m.note;
        file << json::serialize(o) << "\n";
      }
    }
    std::cout << out.str() << std::flush;
  }

  static std::string print_args(const json::array& args) {
    std::string s;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i != 0) s += ", ";
      s += callboard::test::show(args[i]);
    }
    return s;
  }
  static std::string print_opts(const json::object& opts) {
    return opts.empty() ? std::string() : " " + json::serialize(opts);
  }

 private:
  std::string section_;
  std::map<std::string, std::size_t> counts_;
  std::map<std::string, std::size_t> mismatches_;
  std::map<std::string, std::size_t> kept_per_op_;
  std::map<std::string, double> ours_seconds_;
  std::map<std::string, double> node_seconds_;
  std::vector<Mismatch> kept_;
  std::size_t total_ = 0;
};

/// One batch of calls of the same op with the same options.
struct Batch {
  SemverOp op;
  json::object opts;
  json::array cases;
  /// Evaluate through the string API, without the Runner's range cache.
  bool no_cache = false;
};

/// Groups calls into batches by (op, options).
class BatchSet {
 public:
  void add(SemverOp op, const json::object& opts, json::array call_args) {
    const std::string key = std::to_string(static_cast<int>(op)) + json::serialize(opts);
    auto it = current_.find(key);
    if (it == current_.end() || batches_[it->second].cases.size() >= kBatch) {
      batches_.push_back({op, opts, {}});
      it = current_.insert_or_assign(key, batches_.size() - 1).first;
    }
    batches_[it->second].cases.push_back(std::move(call_args));
    ++size_;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  std::vector<Batch> take() {
    current_.clear();
    size_ = 0;
    return std::exchange(batches_, {});
  }

 private:
  std::vector<Batch> batches_;
  std::map<std::string, std::size_t> current_;
  std::size_t size_ = 0;
};

/// Evaluates blocks of batches with the engine and with node, and compares.
/// One worker thread per oracle process: a worker sends its block to its own
/// process (so node's range cache sees every question about a range) while
/// it computes our answers with its own range cache, then compares. Blocks
/// are numbered as submitted and reports are ordered by that number, so the
/// output does not depend on thread timing.
class Runner {
 public:
  explicit Runner(Oracle& oracle) : oracle_(oracle) {
    for (std::size_t w = 0; w < oracle_.processes(); ++w) {
      caches_.push_back(std::make_unique<callboard::test::RangeCache>());
      workers_.emplace_back([this, w] { work(w); });
    }
  }
  ~Runner() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  struct IntersectsCase {
    json::array args;
    json::object opts;
    json::value ours;
    json::value node;
    std::uint64_t seq = 0;
  };

  /// Queues a block (waits while every worker has one queued already).
  void submit(std::vector<Batch> batches, Ledger& ledger) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < workers_.size() || failure_; });
    rethrow_locked(lock);
    queue_.push_back({next_seq_++, std::move(batches), &ledger});
    cv_.notify_all();
  }

  /// Waits until every submitted block is compared.
  void drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return (queue_.empty() && busy_ == 0) || failure_; });
    rethrow_locked(lock);
  }

  /// submit() each batch as its own block, then drain().
  void run(std::vector<Batch>& batches, Ledger& ledger) {
    for (auto& b : batches) {
      std::vector<Batch> one;
      one.push_back(std::move(b));
      submit(std::move(one), ledger);
    }
    batches.clear();
    drain();
  }

  /// The intersects cases seen so far, in submission order.
  std::vector<IntersectsCase>& intersects_cases() {
    drain();
    std::stable_sort(intersects_.begin(), intersects_.end(),
                     [](const IntersectsCase& a, const IntersectsCase& b) { return a.seq < b.seq; });
    return intersects_;
  }

 private:
  struct Block {
    std::uint64_t seq;
    std::vector<Batch> batches;
    Ledger* ledger;
  };

  void rethrow_locked(std::unique_lock<std::mutex>& lock) {
    if (failure_) {
      auto e = failure_;
      lock.unlock();
      std::rethrow_exception(e);
    }
  }

  void work(std::size_t w) {
    for (;;) {
      Block block;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        block = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      try {
        process(w, block);
      } catch (...) {
        std::lock_guard lock(mu_);
        if (!failure_) failure_ = std::current_exception();
      }
      {
        std::lock_guard lock(mu_);
        --busy_;
      }
      cv_.notify_all();
    }
  }

  void process(std::size_t w, Block& block) {
    const auto& batches = block.batches;
    std::vector<double> node_seconds(batches.size(), 0.0);
    auto node = std::async(std::launch::async, [&] {
      std::vector<json::array> replies;
      replies.reserve(batches.size());
      for (std::size_t i = 0; i < batches.size(); ++i) {
        const auto& b = batches[i];
        if (b.cases.empty()) {
          replies.emplace_back();
          continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        replies.push_back(oracle_.call_on(w, callboard::test::semver_op_name(b.op), b.cases, b.opts));
        node_seconds[i] = seconds_since(t0);
      }
      return replies;
    });
    std::vector<std::vector<json::value>> ours(batches.size());
    std::vector<double> ours_seconds(batches.size(), 0.0);
    try {
      for (std::size_t i = 0; i < batches.size(); ++i) {
        const auto& b = batches[i];
        const auto t0 = std::chrono::steady_clock::now();
        ours[i].reserve(b.cases.size());
        for (const auto& c : b.cases) {
          ours[i].push_back(callboard::test::evaluate(b.op, c.as_array(), b.opts, b.no_cache ? nullptr : caches_[w].get()));
        }
        ours_seconds[i] = seconds_since(t0);
      }
    } catch (...) {
      node.wait();
      throw;
    }
    auto replies = node.get();

    std::lock_guard lock(mu_);
    Ledger& ledger = *block.ledger;
    for (std::size_t i = 0; i < batches.size(); ++i) {
      const auto& b = batches[i];
      const auto name = callboard::test::semver_op_name(b.op);
      ledger.count(name, b.cases.size());
      ledger.time(name, ours_seconds[i], node_seconds[i]);
      for (std::size_t k = 0; k < b.cases.size(); ++k) {
        const std::uint64_t seq = (block.seq << 32) | (static_cast<std::uint64_t>(i) << 24) | k;
        if (b.op == SemverOp::kIntersects) {
          intersects_.push_back({b.cases[k].as_array(), b.opts, ours[i][k], replies[i][k], seq});
        } else if (ours[i][k] != replies[i][k]) {
          ledger.add({std::string(name), b.opts, b.cases[k].as_array(), ours[i][k], replies[i][k], {}, seq});
        }
      }
    }
  }

  Oracle& oracle_;
  std::vector<std::unique_ptr<callboard::test::RangeCache>> caches_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block> queue_;
  std::size_t busy_ = 0;
  std::uint64_t next_seq_ = 0;
  bool stop_ = false;
  std::exception_ptr failure_;
  std::vector<IntersectsCase> intersects_;
};

json::array args(std::initializer_list<json::value> values) {
  json::array a;
  a.reserve(values.size());
  for (const auto& v : values) a.push_back(v);
  return a;
}

const std::vector<json::object>& option_combos() {
  static const std::vector<json::object> combos = {
      callboard::test::to_node_options(false, false),
      callboard::test::to_node_options(false, true),
      callboard::test::to_node_options(true, false),
      callboard::test::to_node_options(true, true),
  };
  return combos;
}

// ---------------------------------------------------------------------------
// intersects: ground truth by brute force.

/// Versions that witness any non-empty intersection of the two ranges: every
/// comparator bound, its successor, their releases, the `-0` of each release
/// tuple and the next patch/minor/major. The intersection of interval unions is
/// non-empty iff it contains its lowest point, which is a bound or a bound's
/// successor; the prerelease rule can push it to the next release or to a
/// prerelease of a bound's tuple, which the rest of the pool covers.
std::vector<sv::Version> witness_pool(const sv::Range& a, const sv::Range& b) {
  std::vector<sv::Version> pool = {sv::Version(0, 0, 0), sv::Version(0, 0, 0, {sv::Identifier(0)})};
  auto add = [&pool](const sv::Version& v) {
    pool.push_back(v);
    pool.push_back(v.successor());
    pool.push_back(v.release());
    pool.push_back(v.successor().release());
    const auto rel = v.release();
    pool.emplace_back(rel.major(), rel.minor(), rel.patch(), std::vector{sv::Identifier(0)});
    if (rel.patch() < sv::kMaxSafeInteger) pool.emplace_back(rel.major(), rel.minor(), rel.patch() + 1);
    if (rel.minor() < sv::kMaxSafeInteger) pool.emplace_back(rel.major(), rel.minor() + 1, 0);
    if (rel.major() < sv::kMaxSafeInteger) pool.emplace_back(rel.major() + 1, 0, 0);
  };
  for (const auto* r : {&a, &b}) {
    for (const auto& set : r->sets()) {
      for (const auto& c : set) {
        if (c.op != sv::Comparator::Op::kAny) add(c.version);
      }
    }
  }
  std::sort(pool.begin(), pool.end(), [](const auto& x, const auto& y) { return sv::compare_build(x, y) < 0; });
  pool.erase(std::unique(pool.begin(), pool.end(), [](const auto& x, const auto& y) { return sv::compare_build(x, y) == 0; }),
             pool.end());
  return pool;
}

struct IntersectsVerdict {
  std::string category;  // empty: not an accepted difference
  std::string reason;
  std::string problem;   // non-empty: unexplained (test failure)
};

struct IntersectsTally {
  std::size_t count = 0;
  std::vector<std::string> examples;
  std::string reason;
};

/// Classifies every intersects case; differences are accepted only when the
/// brute-force truth (node's satisfies over the witness pool, cross-checked
/// with ours) agrees with us and not with node.
void judge_intersects(Oracle& oracle, std::vector<Runner::IntersectsCase>& cases, Ledger& ledger,
                      std::map<std::string, IntersectsTally>& tally) {
  // Pass 1: our own brute force on every valid case (cheap, C++ only).
  struct Pending {
    std::size_t index;
    std::vector<std::string> pool;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto& c = cases[i];
    const auto opts = callboard::test::options_from_json(c.opts);
    auto a = sv::Range::parse(c.args[0].as_string(), opts);
    auto b = sv::Range::parse(c.args[1].as_string(), opts);
    if (!a || !b) {
      if (c.ours != c.node) ledger.add({"intersects", c.opts, c.args, c.ours, c.node, "parse differs", c.seq});
      continue;
    }
    if (!c.ours.is_bool()) {
      ledger.add({"intersects", c.opts, c.args, c.ours, c.node, "ours is not a boolean although both ranges parse", c.seq});
      continue;
    }
    auto pool = witness_pool(*a, *b);
    bool truth = false;
    for (const auto& v : pool) {
      if (a->satisfied_by(v) && b->satisfied_by(v)) {
        truth = true;
        break;
      }
    }
    if (c.ours.as_bool() != truth) {
      ledger.add({"intersects", c.opts, c.args, c.ours, c.node,
                  std::string("ours disagrees with our brute force, which says ") + (truth ? "true" : "false"), c.seq});
      continue;
    }
    if (c.ours == c.node) continue;
    Pending p{i, {}};
    for (const auto& v : pool) p.pool.push_back(v.to_string());
    pending.push_back(std::move(p));
  }
  if (pending.empty()) return;

  // Pass 2: for the differences, ask node's satisfies about every witness
  // (under the case's options and, to tell the categories apart, with
  // includePrerelease), so the truth does not rest on our engine alone.
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> by_opts;  // opts -> (pending, witness)
  std::map<std::string, json::array> requests;
  std::map<std::string, json::object> request_opts;
  for (std::size_t p = 0; p < pending.size(); ++p) {
    const auto& c = cases[pending[p].index];
    for (bool relaxed : {false, true}) {
      json::object o = c.opts;
      if (relaxed) o["includePrerelease"] = true;
      const std::string key = json::serialize(o);
      request_opts[key] = o;
      for (std::size_t w = 0; w < pending[p].pool.size(); ++w) {
        for (int side = 0; side < 2; ++side) {
          requests[key].push_back(args({json::value(pending[p].pool[w]), c.args[static_cast<std::size_t>(side)]}));
        }
      }
    }
  }
  std::map<std::string, json::array> answers;
  for (auto& [key, reqs] : requests) answers[key] = oracle.call("satisfies", reqs, request_opts[key]);
  std::map<std::string, std::size_t> cursor;
  for (auto& p : pending) {
    auto& c = cases[p.index];
    bool truth = false;
    bool relaxed_truth = false;
    bool witness_is_prerelease = false;
    bool a_admits = false;  // some witness satisfies the first range alone
    bool b_admits = false;
    for (bool relaxed : {false, true}) {
      json::object o = c.opts;
      if (relaxed) o["includePrerelease"] = true;
      const std::string key = json::serialize(o);
      auto& at = cursor[key];
      const auto& ans = answers[key];
      for (std::size_t w = 0; w < p.pool.size(); ++w, at += 2) {
        const bool both = ans[at].as_bool() && ans[at + 1].as_bool();
        if (!relaxed) {
          a_admits = a_admits || ans[at].as_bool();
          b_admits = b_admits || ans[at + 1].as_bool();
        }
        if (!relaxed && both && !truth) {
          truth = true;
          witness_is_prerelease = p.pool[w].find('-') != std::string::npos;
        }
        if (relaxed && both) relaxed_truth = true;
      }
    }
    const bool ours = c.ours.as_bool();
    const bool node = c.node.is_bool() && c.node.as_bool();
    if (ours != truth || !c.node.is_bool() || node == truth) {
      ledger.add({"intersects", c.opts, c.args, c.ours, c.node,
                  std::string("unexplained: node's satisfies over the witness pool says ") + (truth ? "true" : "false"), c.seq});
      continue;
    }
    const bool inc_pre = callboard::test::options_from_json(c.opts).include_prerelease;
    std::string category;
    std::string reason;
    if (node && !truth) {
      if (!a_admits || !b_admits) {
        category = std::string("node true, exact false: a range that admits nothing") +
                   (inc_pre ? " (includePrerelease)" : "");
        reason = "one range matches no version at all (`<0.0.0-0`, `<x`, `<0.0.0` without includePrerelease, "
                 "`>1.0.0 <1.0.1-0`); node's isSatisfiable only looks at comparator pairs, and a comparator "
                 "against `*` (ANY) always intersects";
      } else if (!inc_pre && relaxed_truth) {
        category = "node true, exact false: prerelease-only overlap";
        reason = "node checks comparators pairwise and never applies the set-level prerelease rule; the only "
                 "versions in both ranges are prereleases that one range's comparator set does not admit";
      } else {
        category = std::string("node true, exact false: empty gap") + (inc_pre ? " (includePrerelease)" : "");
        reason = "every pair of comparators overlaps on paper, but no version lies between the bounds "
                 "(e.g. `>1.0.0` and `<1.0.1-0`: nothing sorts strictly between them)";
      }
    } else {
      category = std::string("node false, exact true") + (witness_is_prerelease ? ": prerelease witness" : "") +
                 (inc_pre ? " (includePrerelease)" : "");
      reason = "Comparator.intersects tests an exact (`=`/bare) comparator against each other comparator alone "
               "(`new Range(comp.value).test(...)`), so the prerelease rule rejects a prerelease the whole set admits";
    }
    auto& t = tally[category];
    ++t.count;
    t.reason = reason;
    // Keep the shortest examples (ties: first seen).
    std::string example = "`" + json::serialize(c.args[0]) + " ∩ " + json::serialize(c.args[1]) +
                          (c.opts.empty() ? "" : " " + json::serialize(c.opts)) + "`";
    t.examples.push_back(std::move(example));
    std::stable_sort(t.examples.begin(), t.examples.end(),
                     [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    if (t.examples.size() > 6) t.examples.pop_back();
  }
}

void write_intersects_table(const std::map<std::string, IntersectsTally>& tally, std::size_t compared) {
  const char* path_env = std::getenv("CALLBOARD_INTERSECTS_TABLE");
  const std::string path = path_env != nullptr && *path_env != '\0' ? path_env : "semver-intersects-table.md";
  std::ofstream out(path);
  out << "| category | count | reason | examples |\n|---|---|---|---|\n";
  std::size_t total = 0;
  for (const auto& [cat, t] : tally) {
    total += t.count;
    std::string ex;
    for (const auto& e : t.examples) ex += (ex.empty() ? "" : "<br>") + e;
    std::string reason = t.reason;
    out << "| " << cat << " | " << t.count << " | " << reason << " | " << ex << " |\n";
  }
  out << "\n" << total << " accepted differences out of " << compared << " intersects cases.\n";
  std::cout << "[intersects] " << total << " accepted differences out of " << compared << " cases:\n";
  for (const auto& [cat, t] : tally) {
    std::cout << "  " << t.count << "  " << cat << "   e.g. " << (t.examples.empty() ? "" : t.examples[0]) << "\n";
  }
  std::cout << "[intersects] table written to " << path << "\n" << std::flush;
}

bool oracle_usable(Oracle& oracle) {
  if (oracle.ready()) return true;
  WARN("node-semver oracle unavailable: " << oracle.message());
  return false;
}

std::string cases_dir() {
  if (const char* d = std::getenv("CALLBOARD_CASES_DIR"); d != nullptr && *d != '\0') return d;
  return CALLBOARD_CASES_DIR;
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_CASE("semver equals node-semver on the registry corpus", "[differential][corpus]") {
  Oracle& oracle = Oracle::shared();
  if (!oracle_usable(oracle)) return;
  const auto t0 = std::chrono::steady_clock::now();

  std::ifstream in(cases_dir() + "/semver/registry-corpus.json");
  REQUIRE(in.good());
  std::stringstream buf;
  buf << in.rdbuf();
  const json::value corpus = json::parse(buf.str());
  const auto& ranges = corpus.at("ranges").as_array();
  const auto& versions = corpus.at("versions").as_object();
  const auto& pairs = corpus.at("pairs").as_array();

  // Targets with no recorded version list (outside the ecosystem list and not
  // fetched, or not published) are crossed with a fixed pool: every 211th
  // recorded version plus hand-picked prerelease and edge versions.
  std::set<std::string> pool_set = {"0.0.0", "0.0.0-0", "0.1.0", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0",
                                    "1.2.3", "2.0.0-0", "3.0.0-beta.2", "16.0.0", "18.20.4", "20.0.0-pre",
                                    "22.1.0", "9007199254740991.0.0"};
  {
    std::vector<std::string> all;
    for (const auto& [name, list] : versions) {
      for (const auto& v : list.as_array()) all.emplace_back(v.as_string());
    }
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); i += 211) pool_set.insert(all[i]);
  }
  json::array pool;
  for (const auto& v : pool_set) pool.emplace_back(v);

  auto versions_of = [&](std::string_view target) -> const json::array& {
    if (const auto* v = versions.if_contains(target); v != nullptr && !v->as_array().empty()) return v->as_array();
    return pool;
  };

  Ledger ledger("corpus");
  Runner runner(oracle);
  const std::vector<json::object> combos = {option_combos()[0], option_combos()[1], option_combos()[2]};

  // Ranges of each target, in index order, for subset/intersects neighbours.
  std::map<std::string, std::vector<std::size_t>> ranges_of;
  for (const auto& p : pairs) {
    ranges_of[std::string(p.as_array()[1].as_string())].push_back(
        static_cast<std::size_t>(p.as_array()[0].to_number<std::int64_t>()));
  }

  BatchSet set;
  auto flush_if_large = [&] {
    if (set.size() >= 4 * kBatch) {
      auto batches = set.take();
      runner.run(batches, ledger);
    }
  };
  for (const auto& opts : combos) {
    for (const auto& r : ranges) {
      set.add(SemverOp::kValidRange, opts, args({r}));
      set.add(SemverOp::kMinVersion, opts, args({r}));
    }
    for (auto& b : set.take()) {  // validRange through the string API too
      std::vector<Batch> one;
      if (b.op == SemverOp::kValidRange) one.push_back({b.op, b.opts, b.cases, true});
      one.push_back(std::move(b));
      runner.run(one, ledger);
    }
    for (const auto& p : pairs) {
      const auto& r = ranges[static_cast<std::size_t>(p.as_array()[0].to_number<std::int64_t>())];
      const auto& list = versions_of(p.as_array()[1].as_string());
      set.add(SemverOp::kMaxSatisfying, opts, args({list, r}));
      set.add(SemverOp::kMinSatisfying, opts, args({list, r}));
      if (!list.empty()) {
        set.add(SemverOp::kGtr, opts, args({list.back(), r}));
        set.add(SemverOp::kLtr, opts, args({list.front(), r}));
      }
    }
    for (const auto& [target, idx] : ranges_of) {
      for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
        const auto& a = ranges[idx[k]];
        const auto& b = ranges[idx[k + 1]];
        set.add(SemverOp::kSubset, opts, args({a, b}));
        set.add(SemverOp::kSubset, opts, args({b, a}));
        set.add(SemverOp::kIntersects, opts, args({a, b}));
      }
    }
    flush_if_large();
    // satisfies: every (range, version of its target).
    for (const auto& p : pairs) {
      const auto& r = ranges[static_cast<std::size_t>(p.as_array()[0].to_number<std::int64_t>())];
      for (const auto& v : versions_of(p.as_array()[1].as_string())) set.add(SemverOp::kSatisfies, opts, args({v, r}));
      flush_if_large();
    }
  }

  // compare / compareBuild of each target's versions, sorted by our order and as published.
  for (const auto& opts : {option_combos()[0], option_combos()[2]}) {
    for (const auto& [name, list_value] : versions) {
      const auto& list = list_value.as_array();
      std::vector<std::pair<sv::Version, std::string>> parsed;
      for (const auto& v : list) {
        auto pv = sv::Version::parse(v.as_string(), callboard::test::options_from_json(opts));
        if (pv) parsed.emplace_back(*pv, std::string(v.as_string()));
      }
      std::stable_sort(parsed.begin(), parsed.end(),
                       [](const auto& a, const auto& b) { return sv::compare_build(a.first, b.first) < 0; });
      for (std::size_t i = 0; i + 1 < parsed.size(); ++i) {
        set.add(SemverOp::kCompare, opts, args({json::value(parsed[i].second), json::value(parsed[i + 1].second)}));
        set.add(SemverOp::kCompareBuild, opts,
                args({json::value(parsed[i + 1].second), json::value(parsed[i].second)}));
      }
      for (std::size_t i = 0; i + 1 < list.size(); ++i) set.add(SemverOp::kCompare, opts, args({list[i], list[i + 1]}));
      flush_if_large();
    }
  }
  {
    auto batches = set.take();
    runner.run(batches, ledger);
  }

  std::map<std::string, IntersectsTally> tally;
  judge_intersects(oracle, runner.intersects_cases(), ledger, tally);
  std::size_t accepted = 0;
  for (const auto& [cat, t] : tally) accepted += t.count;
  std::cout << "[corpus] intersects: " << runner.intersects_cases().size() << " cases, " << accepted
            << " accepted differences\n";
  for (const auto& [cat, t] : tally) std::cout << "  " << t.count << "  " << cat << "   e.g. " << t.examples[0] << "\n";

  ledger.report();
  std::cout << "[corpus] " << ranges.size() << " ranges, " << pairs.size() << " pairs, " << versions.size()
            << " version lists; " << seconds_since(t0) << " s\n"
            << std::flush;
  CHECK(ledger.total() == 0);
}

TEST_CASE("semver equals node-semver on random inputs", "[differential][random]") {
  Oracle& oracle = Oracle::shared();
  if (!oracle_usable(oracle)) return;
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = env_u64("CALLBOARD_DIFF_CASES", CALLBOARD_DIFF_DEFAULT_CASES);
  const std::uint64_t seed = env_u64("CALLBOARD_DIFF_SEED", 20260619);
  callboard::test::SemverGen gen(seed);

  Ledger ledger("random");
  Runner runner(oracle);
  static const std::vector<json::object> coerce_combos = [] {
    std::vector<json::object> v(4);
    v[1]["rtl"] = true;
    v[2]["includePrerelease"] = true;
    v[3]["rtl"] = true;
    v[3]["includePrerelease"] = true;
    return v;
  }();

  std::size_t generated_versions = 0;
  std::size_t generated_ranges = 0;
  for (std::size_t start = 0, block = 0; start < n; start += kBatch, ++block) {
    const std::size_t m = std::min(kBatch, n - start);
    const json::object& opts = option_combos()[block % 4];
    std::vector<json::value> vs;
    std::vector<json::value> rs;
    vs.reserve(m + 8);
    rs.reserve(m + 1);
    for (std::size_t i = 0; i < m; ++i) {
      vs.emplace_back(gen.version());
      rs.emplace_back(gen.range());
    }
    for (std::size_t i = 0; i < 8; ++i) vs.emplace_back(gen.plain_version());  // tail for windows
    rs.emplace_back(gen.range());
    generated_versions += m;
    generated_ranges += m;

    std::vector<Batch> b;
    b.reserve(32);  // add() hands out references into b
    auto add = [&](SemverOp op, const json::object& o, bool no_cache = false) -> json::array& {
      b.push_back({op, o, {}, no_cache});
      return b.back().cases;
    };
    auto& satisfies = add(SemverOp::kSatisfies, opts);
    auto& satisfies_plain = add(SemverOp::kSatisfies, opts);
    auto& valid_range = add(SemverOp::kValidRange, opts);
    auto& valid = add(SemverOp::kValid, opts);
    auto& compare = add(SemverOp::kCompare, opts);
    auto& compare_build = add(SemverOp::kCompareBuild, opts);
    auto& min_version = add(SemverOp::kMinVersion, opts);
    auto& max_sat = add(SemverOp::kMaxSatisfying, opts);
    auto& min_sat = add(SemverOp::kMinSatisfying, opts);
    auto& subset = add(SemverOp::kSubset, opts);
    auto& intersects = add(SemverOp::kIntersects, opts);
    auto& gtr = add(SemverOp::kGtr, opts);
    auto& ltr = add(SemverOp::kLtr, opts);
    auto& clean = add(SemverOp::kClean, opts);
    auto& inc = add(SemverOp::kInc, opts);
    auto& diff = add(SemverOp::kDiff, {});
    auto& coerce = add(SemverOp::kCoerce, coerce_combos[block % 4]);
    // The string API (parse inside the call) on a sample.
    auto& satisfies_string = add(SemverOp::kSatisfies, opts, true);
    auto& valid_range_string = add(SemverOp::kValidRange, opts, true);

    for (std::size_t i = 0; i < m; ++i) {
      const auto& v = vs[i];
      const auto& r = rs[i];
      satisfies.push_back(args({v, r}));
      // A plain small version against the same range: matches far more often.
      satisfies_plain.push_back(args({json::value(gen.plain_version()), r}));
      valid_range.push_back(args({r}));
      valid.push_back(args({v}));
      compare.push_back(args({v, vs[i + 1]}));
      const auto lane = i % 8;
      if (lane == 0) compare_build.push_back(args({v, vs[i + 3]}));
      if (i % 3 == 0) min_version.push_back(args({r}));
      if (i % 16 == 1 || i % 16 == 9) {  // the string API: a parse per call, so a sample
        json::array list;
        for (std::size_t k = 0; k < 6; ++k) list.push_back(vs[i + k]);
        list.emplace_back(gen.plain_version());
        (i % 16 == 1 ? max_sat : min_sat).push_back(args({std::move(list), r}));
      }
      if (lane == 2 || lane == 5) subset.push_back(args({r, rs[i + 1]}));
      if (lane == 3 || lane == 6) intersects.push_back(args({r, rs[i + 1]}));
      if (lane == 4) {
        gtr.push_back(args({v, r}));
        ltr.push_back(args({vs[i + 1], r}));
      }
      if (lane == 5) clean.push_back(args({v}));
      if (lane == 6 || lane == 7) {
        json::array a = args({json::value(gen.chance(50) ? v : json::value(gen.plain_version())),
                              json::value(gen.release_type())});
        std::string id = gen.inc_identifier();
        const auto base = gen.below(5);
        if (!id.empty() || base != 0) a.emplace_back(id);
        if (base == 1) a.emplace_back("0");
        if (base == 2) a.emplace_back("1");
        if (base == 3) a.emplace_back(false);
        inc.push_back(std::move(a));
      }
      if (lane == 7) diff.push_back(args({v, json::value(gen.chance(50) ? gen.plain_version() : gen.version())}));
      if (lane == 0 || lane == 4) coerce.push_back(args({json::value(gen.coerce_text())}));
      if (i % 16 == 3) {
        satisfies_string.push_back(args({v, r}));
        valid_range_string.push_back(args({r}));
      }
    }
    runner.submit(std::move(b), ledger);
  }
  runner.drain();

  std::map<std::string, IntersectsTally> tally;
  judge_intersects(oracle, runner.intersects_cases(), ledger, tally);
  write_intersects_table(tally, runner.intersects_cases().size());

  ledger.report();
  std::cout << "[random] seed " << seed << ": " << generated_versions << " versions, " << generated_ranges
            << " ranges; " << seconds_since(t0) << " s\n"
            << std::flush;
  CHECK(ledger.total() == 0);
}

TEST_CASE("intersects: the known node-semver mistakes are classified", "[differential][intersects]") {
  Oracle& oracle = Oracle::shared();
  if (!oracle_usable(oracle)) return;
  Ledger ledger("intersects-known");
  Runner runner(oracle);
  std::vector<Batch> b = {
      {SemverOp::kIntersects, {},
       {args({">1.0.0 <2.0.0", "^2.0.0-0"}), args({"^1.2.3-alpha", "=1.2.3-alpha"}),
        args({">=16.0.0 <17.0.0", "^17.0.0-0"}), args({">1.0.0", "<1.0.1-0"}),
        args({"^1.2.3", "1.2.3 - 2"})}},
      {SemverOp::kIntersects, option_combos()[1], {args({">=16.0.0 <17.0.0", "^17.0.0-0"})}},
  };
  runner.run(b, ledger);
  std::map<std::string, IntersectsTally> tally;
  judge_intersects(oracle, runner.intersects_cases(), ledger, tally);
  // The exact answers. The last one is not a difference: 17.0.0-0 satisfies
  // both ranges once prereleases are included, so node's `true` is right.
  const bool exact[] = {false, true, false, false, true, true};
  const auto& cases = runner.intersects_cases();
  REQUIRE(cases.size() == std::size(exact));
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO(json::serialize(c.args) << " " << json::serialize(c.opts) << " ours=" << c.ours << " node=" << c.node);
    CHECK(c.ours == json::value(exact[i]));
  }
  ledger.report();
  CHECK(ledger.total() == 0);
  std::size_t accepted = 0;
  for (const auto& [cat, t] : tally) accepted += t.count;
  CHECK(accepted == 4);
}

int main(int argc, char* argv[]) {
  Oracle& oracle = Oracle::shared();
  switch (oracle.state()) {
    case OracleState::kReady:
      std::cout << "oracle: node-semver " << oracle.semver_version() << ", " << oracle.processes()
                << " processes\n";
      break;
    case OracleState::kNodeMissing:
    case OracleState::kSemverMissing:
      std::cout << "SKIPPED: " << oracle.message() << "\n";
      return 77;
    case OracleState::kWrongVersion:
    case OracleState::kBroken:
      std::cerr << "FAILED: node-semver oracle: " << oracle.message() << "\n";
      return 1;
  }
  std::remove("semver-differential-mismatches.jsonl");
  return Catch::Session().run(argc, argv);
}
