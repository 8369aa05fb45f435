#pragma once
// The oracle for edit_json_text (include/callboard/json_edit.hpp): JsonEdit's
// documented semantics applied to a parsed value. Shared by the unit tests
// (tests/unit/model/json_edit_test.cpp) and the fuzz target
// (fuzz/fuzz_json_edit.cpp), which check that the editor's output parses to
// exactly this.
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "callboard/json_edit.hpp"

namespace callboard::test {

/// Applies `e` to `top`; false where edit_json_text must fail with
/// kFailedPrecondition (setting a path through a member that is not an object).
inline bool apply_to_value(boost::json::object& top, const callboard::JsonEdit& e) {
  std::vector<std::string> path = e.path;
  const bool npm = path.size() >= 2 && path[0] == "overrides";
  std::vector<boost::json::object*> chain{&top};
  boost::json::object* o = &top;
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto it = o->find(path[i]);
    const bool last = i + 1 == path.size();
    if (!e.value) {
      if (it == o->end()) return true;
      if (last) {
        o->erase(it);
        while (o->empty() && chain.size() > 1) {
          chain.pop_back();
          chain.back()->erase(path[chain.size() - 1]);
          o = chain.back();
        }
        return true;
      }
      if (!it->value().is_object()) return true;
      o = &it->value().as_object();
      chain.push_back(o);
      continue;
    }
    if (it == o->end()) {
      boost::json::value v = boost::json::string(*e.value);
      for (std::size_t k = path.size(); k-- > i + 1;) {
        boost::json::object w;
        w[path[k]] = std::move(v);
        v = std::move(w);
      }
      (*o)[path[i]] = std::move(v);
      return true;
    }
    if (last && it->value().is_object() && npm && path[i] != ".") {
      path.emplace_back(".");
    } else if (last) {
      it->value() = boost::json::string(*e.value);
      return true;
    } else if (!it->value().is_object()) {
      return false;
    }
    o = &it->value().as_object();
  }
  return true;
}

}  // namespace callboard::test
