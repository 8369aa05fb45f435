// Codecs of solve and check: SolveCommand and CheckRequest (requests),
// SolveReport and solver::InstallCheck (results).

#include <array>
#include <string>
#include <utility>

#include "callboard/codec.hpp"
#include "callboard/json.hpp"
#include "callboard/solver.hpp"
#include "codec/reader.hpp"

namespace callboard::codec {
namespace {

using detail::Reader;

constexpr std::array<std::pair<solver::UnknownPackages, std::string_view>, 2> kUnknown = {
    {{solver::UnknownPackages::kFail, "fail"}, {solver::UnknownPackages::kAssumeExternal, "assume-external"}}};
constexpr std::array<std::pair<solver::ReleasePins, std::string_view>, 2> kPins = {
    {{solver::ReleasePins::kExact, "exact"}, {solver::ReleasePins::kCompatible, "compatible"}}};
constexpr std::array<std::pair<solver::PeerRule, std::string_view>, 3> kPeers = {
    {{solver::PeerRule::kFromApp, "from-app"}, {solver::PeerRule::kStrict, "strict"},
     {solver::PeerRule::kLenient, "lenient"}}};
constexpr std::array<std::pair<solver::ChangeKind, std::string_view>, 3> kKinds = {
    {{solver::ChangeKind::kAdd, "add"}, {solver::ChangeKind::kUpgrade, "upgrade"},
     {solver::ChangeKind::kRemove, "remove"}}};

template <typename T, std::size_t N>
std::string_view text_of(const std::array<std::pair<T, std::string_view>, N>& table, T value) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return table.front().second;
}

template <typename T, std::size_t N>
auto parser_of(const std::array<std::pair<T, std::string_view>, N>& table) {
  return [&table](std::string_view text) -> std::optional<T> {
    for (const auto& [v, t] : table) {
      if (t == text) return v;
    }
    return std::nullopt;
  };
}

void string_array(JsonWriter& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
}

void encode_closure(JsonWriter& w, const ClosureReport& c) {
  w.begin_object();
  w.key("packages");
  w.uint(c.packages);
  w.key("fetched");
  w.uint(c.fetched);
  w.key("storedAlready");
  w.uint(c.stored_already);
  w.key("requests");
  w.uint(c.requests);
  w.key("bytes");
  w.uint(c.bytes);
  w.key("missing");
  w.begin_array();
  for (const MissingPackage& m : c.missing) {
    w.begin_object();
    w.field("name", m.name);
    w.key("requiredBy");
    string_array(w, m.required_by);
    w.key("requirers");
    w.uint(m.requirers);
    w.end_object();
  }
  w.end_array();
  w.key("failures");
  w.begin_array();
  for (const IndexFailure& f : c.failures) {
    w.begin_object();
    w.field("package", f.package);
    w.field("code", to_string(f.error.code));
    w.field("message", f.error.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string encode(const SolveReport& report) {
  // The outcome document (what `solve --apply` saves and `check` reads),
  // with what was fetched and what was applied appended.
  std::string outcome = solver::to_json(report.outcome);
  JsonWriter w;
  w.buffer() = outcome.substr(0, outcome.size() - 1);  // without the closing brace
  w.buffer() += ',';
  w.key("closure");
  if (report.closure) {
    encode_closure(w, *report.closure);
  } else {
    w.null();
  }
  w.key("applied");
  if (report.applied) {
    w.begin_object();
    w.key("files");
    w.begin_array();
    for (const FileChangeReport& f : report.applied->files) {
      w.begin_object();
      w.field("file", f.file);
      w.key("changed");
      w.boolean(f.changed);
      w.key("created");
      w.boolean(f.created);
      w.field("backup", f.backup.string());
      w.field("diff", f.diff);
      w.end_object();
    }
    w.end_array();
    w.field("backupDir", report.applied->backup_dir.string());
    w.field("planFile", report.plan_file.string());
    w.end_object();
  } else {
    w.null();
  }
  w.buffer() += '}';
  return w.take();
}

std::string encode(const solver::InstallCheck& check) { return solver::to_json(check); }

std::string encode(const SolveCommand& c) {
  JsonWriter w;
  w.begin_object();
  w.field("app", c.app.string());
  w.key("changes");
  w.begin_array();
  for (const solver::PackageChange& change : c.changes) {
    w.begin_object();
    w.field("kind", text_of(kKinds, change.kind));
    w.field("name", change.name);
    w.field("range", change.range);
    w.field("workspace", change.workspace);
    w.end_object();
  }
  w.end_array();
  w.field("release", c.release);
  w.key("allowReleaseUpgrade");
  w.boolean(c.allow_release_upgrade);
  const solver::SolveOptions& o = c.options;
  w.key("options");
  w.begin_object();
  w.key("singletons");
  string_array(w, o.singletons);
  w.key("allSingletons");
  w.boolean(o.all_singletons);
  w.field("unknownPackages", text_of(kUnknown, o.unknown_packages));
  w.field("releasePins", text_of(kPins, o.release_pins));
  w.key("devDependencies");
  w.boolean(o.dev_dependencies);
  w.field("peers", text_of(kPeers, o.peers));
  w.key("maxSteps");
  w.uint(o.max_steps);
  w.end_object();
  w.key("offline");
  w.boolean(c.offline);
  w.field("apply", to_string(c.apply));
  w.end_object();
  return w.take();
}

std::string encode(const CheckRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("app", r.app.string());
  w.field("plan", r.plan.string());
  w.end_object();
  return w.take();
}

Result<SolveCommand> decode_solve_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<SolveCommand>(
      text, max_bytes, "solve request", [](const Reader& r, SolveCommand& c) -> Result<void> {
        CALLBOARD_TRY(r.only({"app", "changes", "release", "allowReleaseUpgrade", "options", "offline", "apply"}));
        CALLBOARD_TRY(r.path("app", c.app));
        CALLBOARD_TRY(r.objects("changes", [&](const Reader& item) -> Result<void> {
          solver::PackageChange change;
          CALLBOARD_TRY(item.only({"kind", "name", "range", "workspace"}));
          CALLBOARD_TRY(item.enumerated("kind", change.kind, parser_of(kKinds)));
          CALLBOARD_TRY(item.string("name", change.name));
          CALLBOARD_TRY(item.string("range", change.range));
          CALLBOARD_TRY(item.string("workspace", change.workspace));
          if (change.name.empty()) return item.error("name", "a change names a package");
          c.changes.push_back(std::move(change));
          return {};
        }));
        CALLBOARD_TRY(r.string("release", c.release));
        CALLBOARD_TRY(r.boolean("allowReleaseUpgrade", c.allow_release_upgrade));
        CALLBOARD_TRY(r.object("options", [&](const Reader& o) -> Result<void> {
          solver::SolveOptions& opts = c.options;
          CALLBOARD_TRY(o.only({"singletons", "allSingletons", "unknownPackages", "releasePins", "devDependencies",
                                "peers", "maxSteps"}));
          CALLBOARD_TRY(o.strings("singletons", opts.singletons));
          CALLBOARD_TRY(o.boolean("allSingletons", opts.all_singletons));
          CALLBOARD_TRY(o.enumerated("unknownPackages", opts.unknown_packages, parser_of(kUnknown)));
          CALLBOARD_TRY(o.enumerated("releasePins", opts.release_pins, parser_of(kPins)));
          CALLBOARD_TRY(o.boolean("devDependencies", opts.dev_dependencies));
          CALLBOARD_TRY(o.enumerated("peers", opts.peers, parser_of(kPeers)));
          return o.count("maxSteps", opts.max_steps);
        }));
        CALLBOARD_TRY(r.boolean("offline", c.offline));
        return r.enumerated("apply", c.apply, parse_apply_mode);
      });
}

Result<CheckRequest> decode_check_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<CheckRequest>(text, max_bytes, "check request",
                                      [](const Reader& r, CheckRequest& c) -> Result<void> {
                                        CALLBOARD_TRY(r.only({"app", "plan"}));
                                        CALLBOARD_TRY(r.path("app", c.app));
                                        return r.path("plan", c.plan);
                                      });
}

}  // namespace callboard::codec
