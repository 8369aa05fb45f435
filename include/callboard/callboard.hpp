#pragma once
/// \file
/// Umbrella header: everything a host needs to embed callboard.
/// Prefer the individual headers in library code; this one is for
/// applications and quick experiments.

#include "callboard/artifact.hpp"    // IWYU pragma: export
#include "callboard/codec.hpp"       // IWYU pragma: export
#include "callboard/compat.hpp"      // IWYU pragma: export
#include "callboard/error.hpp"       // IWYU pragma: export
#include "callboard/json_edit.hpp"   // IWYU pragma: export
#include "callboard/model.hpp"       // IWYU pragma: export
#include "callboard/npm_config.hpp"  // IWYU pragma: export
#include "callboard/registry.hpp"    // IWYU pragma: export
#include "callboard/solver.hpp"      // IWYU pragma: export
#include "callboard/semver.hpp"      // IWYU pragma: export
#include "callboard/session.hpp"     // IWYU pragma: export
#include "callboard/version.hpp"     // IWYU pragma: export
