#pragma once
/// \file
/// Pieces the result encoders share. Private to src/codec/.

#include <string>
#include <vector>

#include "callboard/json.hpp"
#include "callboard/registry.hpp"

namespace callboard::codec::detail {

inline void string_array(JsonWriter& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
}

/// [{"package","code","message"}] of an index run or a closure.
inline void failure_array(JsonWriter& w, const std::vector<IndexFailure>& failures) {
  w.begin_array();
  for (const IndexFailure& f : failures) {
    w.begin_object();
    w.field("package", f.package);
    w.field("code", to_string(f.error.code));
    w.field("message", f.error.message);
    w.end_object();
  }
  w.end_array();
}

}  // namespace callboard::codec::detail
