#pragma once
// Asking the npm command line for its effective registry, the last resort of
// load_npm_config when nothing is configured anywhere (npm's built-in
// default lives in npm, not in callboard).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace callboard::npm_detail {

/// Runs `npm config get registry` (found on PATH, with this process's
/// environment, stdin and stderr on /dev/null) and returns its first output
/// line, trimmed. nullopt when npm is not installed, exits non-zero, prints
/// more than `max_output` bytes or does not finish within `timeout` (it is
/// then killed). Blocks the calling thread; starts no other thread.
std::optional<std::string> ask_npm_registry(
    std::chrono::milliseconds timeout = std::chrono::seconds(10), std::size_t max_output = 4096);

}  // namespace callboard::npm_detail
