// to_json(SolveOutcome): the CLI's `solve --json` document.
#include <boost/json.hpp>

#include "callboard/solver.hpp"

namespace callboard::solver {

namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

json::value optional(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object stats(const SolveStats& s) {
  return {{"decisions", s.decisions},
          {"conflicts", s.conflicts},
          {"propagations", s.propagations},
          {"incompatibilities", s.incompatibilities},
          {"packagesLoaded", s.packages_loaded},
          {"releasesTried", s.releases_tried}};
}

}  // namespace

std::string to_json(const SolveOutcome& outcome) {
  json::object doc;
  doc["ok"] = outcome.ok();
  if (outcome.plan) {
    const InstallPlan& p = *outcome.plan;
    json::array packages;
    for (const PlannedPackage& pp : p.packages) {
      packages.push_back(json::object{{"name", pp.name},
                                      {"version", optional(pp.version.empty() ? std::nullopt
                                                                              : std::optional<std::string>(pp.version))},
                                      {"previous", optional(pp.previous)},
                                      {"hostLevel", pp.host_level},
                                      {"action", to_string(pp.action)},
                                      {"reason", pp.reason},
                                      {"reasonKind", to_string(pp.reason_kind)},
                                      {"requiredBy", strings(pp.required_by)}});
    }
    json::array edits;
    for (const ManifestEdit& e : p.edits) {
      edits.push_back(json::object{{"file", e.file},
                                   {"path", strings(e.path)},
                                   {"name", e.name},
                                   {"from", optional(e.from)},
                                   {"to", optional(e.to)},
                                   {"reason", e.reason}});
    }
    json::array substitutes;
    for (const PinSubstitute& sub : p.pin_substitutes) {
      substitutes.push_back(json::object{
          {"name", sub.name},
          {"pinned", sub.pinned},
          {"chosen", optional(sub.chosen.empty() ? std::nullopt : std::optional<std::string>(sub.chosen))}});
    }
    json::array findings;
    for (const PlanFinding& f : p.findings) {
      findings.push_back(json::object{{"id", f.id},
                                      {"severity", f.severity},
                                      {"package", optional(f.package.empty() ? std::nullopt
                                                                             : std::optional<std::string>(f.package))},
                                      {"message", f.message}});
    }
    json::array duplicates;
    for (const DuplicateCopies& d : p.duplicates) {
      duplicates.push_back(json::object{{"name", d.name}, {"versions", strings(d.versions)}});
    }
    json::array moves;
    for (const ReleaseMove& m : p.release_moves) {
      json::value to = m.to.empty() ? json::value(nullptr) : json::value(m.to);
      moves.push_back(json::object{{"name", m.name}, {"from", m.from}, {"to", std::move(to)}});
    }
    doc["plan"] = json::object{{"release", p.release},
                               {"previousRelease", p.previous_release},
                               {"packages", std::move(packages)},
                               {"edits", std::move(edits)},
                               {"duplicates", std::move(duplicates)},
                               {"releaseMoves", std::move(moves)},
                               {"external", strings(p.external)},
                               {"skipped", strings(p.skipped)},
                               {"pinSubstitutes", std::move(substitutes)},
                               {"packageManager", to_string(p.package_manager)},
                               {"findings", std::move(findings)},
                               {"stats", stats(p.stats)}};
  }
  if (outcome.conflict) {
    const Conflict& c = *outcome.conflict;
    json::array ranges;
    for (const ConflictRange& r : c.ranges) {
      ranges.push_back(json::object{{"package", r.package},
                                    {"range", r.range},
                                    {"requiredBy", r.required_by},
                                    {"kind", r.kind},
                                    {"admitted", strings(r.admitted)},
                                    {"admittedCount", r.admitted_count}});
    }
    doc["conflict"] = json::object{{"explanation", c.explanation},
                                   {"ranges", std::move(ranges)},
                                   {"packages", strings(c.packages)},
                                   {"releasesTried", strings(c.releases_tried)},
                                   {"stats", stats(c.stats)}};
  }
  return json::serialize(doc);
}

}  // namespace callboard::solver

namespace callboard::solver {
namespace {

namespace json = boost::json;

/// Strict reads of to_json's own shape; the first error wins.
class OutcomeReader {
 public:
  std::optional<Error> error;

  bool fail(const std::string& pointer, std::string message) {
    if (!error) {
      error = Error{ErrorCode::kInvalidArgument, "solve outcome: " + pointer + ": " + std::move(message), {}, false}
                  .with("pointer", pointer);
    }
    return false;
  }
  const json::value* member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  std::string text(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = member(o, key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      fail(at + "/" + std::string(key), "expected a string");
      return {};
    }
    return std::string(v->get_string());
  }
  std::optional<std::string> maybe(const json::object& o, std::string_view key, const std::string& at) {
    if (member(o, key) == nullptr) return std::nullopt;
    return text(o, key, at);
  }
  bool flag(const json::object& o, std::string_view key, const std::string& at, bool fallback) {
    const json::value* v = member(o, key);
    if (v == nullptr) return fallback;
    if (!v->is_bool()) return fail(at + "/" + std::string(key), "expected true or false");
    return v->get_bool();
  }
  std::size_t count(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = member(o, key);
    if (v == nullptr) return 0;
    if (v->is_uint64()) return static_cast<std::size_t>(v->get_uint64());
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::size_t>(v->get_int64());
    fail(at + "/" + std::string(key), "expected a count");
    return 0;
  }
  std::vector<std::string> texts(const json::object& o, std::string_view key, const std::string& at) {
    std::vector<std::string> out;
    const json::value* v = member(o, key);
    if (v == nullptr) return out;
    if (!v->is_array()) {
      fail(at + "/" + std::string(key), "expected an array");
      return out;
    }
    for (std::size_t i = 0; i < v->get_array().size(); ++i) {
      const json::value& e = v->get_array()[i];
      if (!e.is_string()) {
        fail(at + "/" + std::string(key) + "/" + std::to_string(i), "expected a string");
        return out;
      }
      out.emplace_back(e.get_string());
    }
    return out;
  }
  template <class Read>
  void objects(const json::object& o, std::string_view key, const std::string& at, Read&& read) {
    const json::value* v = member(o, key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      fail(at + "/" + std::string(key), "expected an array");
      return;
    }
    for (std::size_t i = 0; i < v->get_array().size() && !error; ++i) {
      const std::string item = at + "/" + std::string(key) + "/" + std::to_string(i);
      const json::object* e = v->get_array()[i].if_object();
      if (e == nullptr) {
        fail(item, "expected an object");
        return;
      }
      read(*e, item);
    }
  }
  SolveStats stats(const json::object& o, const std::string& at) {
    SolveStats s;
    const json::value* v = member(o, "stats");
    if (v == nullptr) return s;
    const json::object* so = v->if_object();
    if (so == nullptr) {
      fail(at + "/stats", "expected an object");
      return s;
    }
    const std::string p = at + "/stats";
    s.decisions = count(*so, "decisions", p);
    s.conflicts = count(*so, "conflicts", p);
    s.propagations = count(*so, "propagations", p);
    s.incompatibilities = count(*so, "incompatibilities", p);
    s.packages_loaded = count(*so, "packagesLoaded", p);
    s.releases_tried = count(*so, "releasesTried", p);
    return s;
  }
};

template <class Enum, std::size_t N>
std::optional<Enum> enum_named(std::string_view name, const Enum (&values)[N]) {
  for (Enum e : values) {
    if (to_string(e) == name) return e;
  }
  return std::nullopt;
}

}  // namespace

Result<SolveOutcome> parse_outcome_json(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Error{ErrorCode::kResourceExhausted,
                 "solve outcome: " + std::to_string(text.size()) + " bytes, more than the limit of " +
                     std::to_string(max_bytes),
                 {}, false};
  }
  try {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 32;
    json::value doc = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
    if (ec) {
      return Error{ErrorCode::kInvalidArgument, "solve outcome: not valid JSON (" + ec.message() + ")", {}, false};
    }
    const json::object* top = doc.if_object();
    OutcomeReader r;
    if (top == nullptr) return Error{ErrorCode::kInvalidArgument, "solve outcome: expected an object", {}, false};
    SolveOutcome out;
    if (const json::value* plan = r.member(*top, "plan")) {
      const json::object* po = plan->if_object();
      if (po == nullptr) return Error{ErrorCode::kInvalidArgument, "solve outcome: /plan: expected an object", {}, false};
      InstallPlan p;
      const std::string at = "/plan";
      p.release = r.text(*po, "release", at);
      p.previous_release = r.text(*po, "previousRelease", at);
      static constexpr PlanAction kActions[] = {PlanAction::kAdd, PlanAction::kUpgrade, PlanAction::kDowngrade,
                                                PlanAction::kKeep, PlanAction::kRemove};
      static constexpr ReasonKind kReasonKinds[] = {
          ReasonKind::kUnspecified,      ReasonKind::kReleasePin,    ReasonKind::kReleasePinRange,
          ReasonKind::kAlreadyInstalled, ReasonKind::kNewestAllowed, ReasonKind::kHeldByConflict,
          ReasonKind::kRemovalRequested, ReasonKind::kNoLongerRequired};
      r.objects(*po, "packages", at, [&](const json::object& o, const std::string& item) {
        PlannedPackage pp;
        pp.name = r.text(o, "name", item);
        pp.version = r.text(o, "version", item);
        pp.previous = r.maybe(o, "previous", item);
        pp.host_level = r.flag(o, "hostLevel", item, true);
        const std::string action = r.text(o, "action", item);
        if (auto a = enum_named(action, kActions)) {
          pp.action = *a;
        } else {
          r.fail(item + "/action", "unknown action '" + action + "'");
        }
        pp.reason = r.text(o, "reason", item);
        // Absent in documents written before it existed: kUnspecified.
        if (r.member(o, "reasonKind") != nullptr) {
          const std::string kind = r.text(o, "reasonKind", item);
          if (auto k = enum_named(kind, kReasonKinds)) {
            pp.reason_kind = *k;
          } else {
            r.fail(item + "/reasonKind", "unknown reasonKind '" + kind + "'");
          }
        }
        pp.required_by = r.texts(o, "requiredBy", item);
        p.packages.push_back(std::move(pp));
      });
      r.objects(*po, "edits", at, [&](const json::object& o, const std::string& item) {
        ManifestEdit e;
        e.file = r.text(o, "file", item);
        e.path = r.texts(o, "path", item);
        e.name = r.text(o, "name", item);
        e.from = r.maybe(o, "from", item);
        e.to = r.maybe(o, "to", item);
        e.reason = r.text(o, "reason", item);
        p.edits.push_back(std::move(e));
      });
      r.objects(*po, "duplicates", at, [&](const json::object& o, const std::string& item) {
        p.duplicates.push_back(DuplicateCopies{r.text(o, "name", item), r.texts(o, "versions", item)});
      });
      r.objects(*po, "releaseMoves", at, [&](const json::object& o, const std::string& item) {
        p.release_moves.push_back(ReleaseMove{r.text(o, "name", item), r.text(o, "from", item), r.text(o, "to", item)});
      });
      p.external = r.texts(*po, "external", at);
      p.skipped = r.texts(*po, "skipped", at);
      r.objects(*po, "pinSubstitutes", at, [&](const json::object& o, const std::string& item) {
        p.pin_substitutes.push_back(
            PinSubstitute{r.text(o, "name", item), r.text(o, "pinned", item), r.text(o, "chosen", item)});
      });
      static constexpr PackageManager kManagers[] = {PackageManager::kNpm, PackageManager::kYarnClassic,
                                                     PackageManager::kYarnBerry, PackageManager::kPnpm};
      const std::string manager = r.text(*po, "packageManager", at);
      if (auto m = enum_named(manager, kManagers)) {
        p.package_manager = *m;
      } else if (!manager.empty()) {
        r.fail(at + "/packageManager", "unknown package manager '" + manager + "'");
      }
      r.objects(*po, "findings", at, [&](const json::object& o, const std::string& item) {
        p.findings.push_back(PlanFinding{r.text(o, "id", item), r.text(o, "severity", item),
                                         r.text(o, "package", item), r.text(o, "message", item)});
      });
      p.stats = r.stats(*po, at);
      out.plan = std::move(p);
    }
    if (const json::value* conflict = r.member(*top, "conflict")) {
      const json::object* co = conflict->if_object();
      if (co == nullptr) {
        return Error{ErrorCode::kInvalidArgument, "solve outcome: /conflict: expected an object", {}, false};
      }
      Conflict c;
      c.explanation = r.text(*co, "explanation", "/conflict");
      r.objects(*co, "ranges", "/conflict", [&](const json::object& o, const std::string& at) {
        ConflictRange range;
        range.package = r.text(o, "package", at);
        range.range = r.text(o, "range", at);
        range.required_by = r.text(o, "requiredBy", at);
        range.kind = r.text(o, "kind", at);
        range.admitted = r.texts(o, "admitted", at);
        range.admitted_count = r.count(o, "admittedCount", at);
        c.ranges.push_back(std::move(range));
      });
      c.packages = r.texts(*co, "packages", "/conflict");
      c.releases_tried = r.texts(*co, "releasesTried", "/conflict");
      c.stats = r.stats(*co, "/conflict");
      out.conflict = std::move(c);
    }
    if (r.error) return std::move(*r.error);
    if (out.plan.has_value() == out.conflict.has_value()) {
      return Error{ErrorCode::kInvalidArgument, "solve outcome: expected exactly one of /plan and /conflict", {},
                   false};
    }
    return out;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::kResourceExhausted, "solve outcome: out of memory", {}, false};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("solve outcome: ") + e.what(), {}, false};
  }
}

}  // namespace callboard::solver
