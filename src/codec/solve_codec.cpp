// Codecs of solve and check: SolveCommand and CheckRequest (requests),
// SolveReport and solver::InstallCheck (results).

#include <string>
#include <utility>

#include "callboard/codec.hpp"
#include "callboard/json.hpp"
#include "codec/writers.hpp"
#include "callboard/solver.hpp"

namespace callboard::codec {
namespace {

using detail::failure_array;
using detail::string_array;

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
  failure_array(w, c.failures);
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

}  // namespace callboard::codec
