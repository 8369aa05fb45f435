#pragma once
/// \file
/// Minimal-diff edits of JSON documents (an app's package.json files) and a
/// safe way to write them: what `callboard solve --apply` uses to put an
/// install plan into an app.
///
/// The editor works on the text, not on a parsed value: only the bytes an
/// edit must change are changed, so a reviewer's `git diff` shows exactly the
/// versions and overrides that moved. Everything outside the edited members
/// (key order, whitespace, escapes, numbers, CRLF line ends, the final
/// newline) stays byte-identical.
///
/// Thread-safety: every function here is reentrant and keeps no state;
/// edit_json_text may be called from any number of threads at once.
/// apply_json_edits takes no lock on the files: two calls (or another
/// program) editing the same files at once race, and the last rename wins.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"

namespace callboard {

/// One edit of a JSON document: set the string at `path` or remove the
/// member there.
///
/// `path` names object members from the top level down, each key compared
/// exactly (after decoding JSON escapes, byte for byte), e.g.
/// {"dependencies", "@backstage/plugin-x"}, {"overrides", "@scope/parent",
/// "child"}, {"pnpm", "overrides", "a>b"}. It must not be empty; keys and
/// the value must be valid UTF-8 (any other byte is allowed, and is escaped
/// where JSON needs it).
///
/// Setting (`value` holds a string):
///  - missing objects along the path are created;
///  - an existing member is replaced in place, whatever its type (a number,
///    null or an array becomes the string), with one exception for npm
///    overrides: when the path starts with "overrides" and the member holds
///    an object (npm's `"a": {".": "1.0.0", "b": "2"}` form, a's own version
///    plus overrides of a's dependencies), the string is written to its "."
///    member (replaced, or added), so the nested overrides stay;
///  - a member on the way that exists but is not an object is
///    kFailedPrecondition (context "path", "pointer"): to turn npm's
///    `"a": "1.0.0"` into `"a": {".": "1.0.0", "b": "2"}`, remove
///    {"overrides", "a"} first, then set {"overrides", "a", "."} and
///    {"overrides", "a", "b"}.
///
/// Removing (`value` is nullopt): every occurrence of the member is removed
/// (a repeated key would otherwise bring back an older value). A member that
/// is absent, or a path through a member that is not an object, is not an
/// error (nothing changes). Objects on the path that the removal leaves
/// empty are removed too, up to but not including the top level: removing
/// the last npm override removes `"overrides"`, the last pnpm override
/// removes `"overrides"` and then an empty `"pnpm"`, the last dependency
/// removes `"dependencies"`. So setting an absent member and removing it
/// again gives back the original text whenever the deepest object that
/// existed had other members.
struct JsonEdit {
  std::vector<std::string> path;
  std::optional<std::string> value;
  friend bool operator==(const JsonEdit&, const JsonEdit&) = default;
};

/// Applies `edits`, in order, to the JSON document `text` and returns the
/// new text. The result parses to exactly the parsed input with the edits
/// applied; bytes outside the edited members are unchanged.
///
/// Layout of what is written:
///  - a replaced value changes only the value's bytes;
///  - a new member goes to its sorted place when the object's existing keys
///    are in ascending byte order (npm writes dependencies sorted; a single
///    member counts as sorted), else after the last member;
///  - it copies the object's layout: a multi-line object (a newline between
///    `{` and its first key) gets the new member on its own line with the
///    neighbouring member's indentation; a one-line object (`{"a": "1"}`)
///    stays on one line, with its own ", " / ": " spacing;
///  - an empty object (`{}`) is written out on several lines when the
///    object around it is multi-line (for an empty top level: when the text
///    holds a line break anywhere), else as `{"k": "v"}`; new objects are
///    multi-line exactly when the object they go into is, indented by the
///    file's indent unit (the top level's member indentation: two spaces,
///    four, a tab; else the first indented line's; else two spaces);
///  - new line breaks are CRLF when the text's first line break is.
///  A key or value is written as JSON.stringify would (`"` `\` and control
///  characters escaped, other text kept as UTF-8).
///
/// Duplicate keys in the input: the last occurrence is the member (as
/// JSON.parse reads it), so it is the one replaced or descended into.
///
/// Errors (never throws):
///  - the common parser errors of model.hpp: text over
///    `limits.max_document_bytes` or nesting deeper than `limits.max_depth`
///    (kResourceExhausted), malformed JSON or invalid UTF-8 (kInvalidArgument
///    with "line", "column", "offset");
///  - a top level that is not an object (kInvalidArgument, "pointer" "");
///  - an edit with an empty path, or a key or value that is not valid UTF-8
///    (kInvalidArgument, context "edit" with the edit's index and "path");
///    every edit is checked for these before any is applied;
///  - a path through a non-object (kFailedPrecondition, see JsonEdit);
///  - growing past `limits.max_depth` or `limits.max_document_bytes`
///    (kResourceExhausted).
/// Complexity: O(edits × text size).
[[nodiscard]] CALLBOARD_EXPORT Result<std::string> edit_json_text(std::string_view text,
                                                                  std::span<const JsonEdit> edits,
                                                                  const ParseLimits& limits = {});

/// The edits of one file, named relative to the root given to
/// apply_json_edits ("package.json", "packages/backend/package.json").
struct FileEdits {
  std::string file;
  std::vector<JsonEdit> edits;
  friend bool operator==(const FileEdits&, const FileEdits&) = default;
};

/// How apply_json_edits writes.
struct ApplyOptions {
  /// Where the originals are copied (their relative paths mirrored below
  /// it). Empty: `<root>/.callboard/backup/<UTC time as 20261204T183343Z>/`,
  /// with "-1", "-2", ... appended when that folder exists already.
  std::filesystem::path backup_dir;
  /// Compute and report the changes without writing anything.
  bool dry_run = false;
  friend bool operator==(const ApplyOptions&, const ApplyOptions&) = default;
};

/// What happened to one file.
struct FileChangeReport {
  /// The relative path, as given in FileEdits::file.
  std::string file;
  /// The text differs from before (a created file counts as changed).
  bool changed = false;
  /// The file did not exist and was created (or would be, in a dry run).
  bool created = false;
  /// Where the original was copied; empty when nothing was backed up (an
  /// unchanged or created file, a dry run).
  std::filesystem::path backup;
  /// A unified diff of the change (`--- a/<file>`, `+++ b/<file>`, `@@`
  /// hunks with three lines of context; `--- /dev/null` for a created file);
  /// empty when unchanged.
  std::string diff;
  friend bool operator==(const FileChangeReport&, const FileChangeReport&) = default;
};

/// The result of apply_json_edits, one entry per FileEdits in input order.
struct ApplyReport {
  std::vector<FileChangeReport> files;
  /// The backup folder used; empty when nothing was backed up.
  std::filesystem::path backup_dir;
  friend bool operator==(const ApplyReport&, const ApplyReport&) = default;
};

/// Edits JSON files below `root` safely.
///
/// Every `file` must be a relative path without ".." components whose
/// location, after resolving symlinks, is inside `root`; a file may be named
/// only once. Every file is read and edited in memory first (edit_json_text
/// with `limits`); if any path is refused or any edit fails, nothing is
/// written. Then, unless `options.dry_run`, each changed file's original is
/// copied into the backup folder, and each changed file is replaced
/// atomically: written to a temporary file in its own folder, fsynced,
/// given the original's permission bits (and owner, where allowed), renamed
/// over the original (a symlink's target is replaced, the link stays), and
/// the folder fsynced. A file that does not exist is created (mode 0644
/// less the umask, from the text "{}\n") only when every edit of it sets a
/// value; its folder must exist. Files whose text does not change are not
/// touched.
///
/// Errors (never throws):
///  - a refused path: kInvalidArgument naming "file" (absolute, empty, with
///    "..", a NUL byte, resolving outside root, named twice);
///  - `root` missing or not a folder: kNotFound / kInvalidArgument;
///  - a missing file with a removal among its edits, or a missing folder:
///    kNotFound ("file");
///  - a path that is not a regular file: kFailedPrecondition ("file");
///  - any error of edit_json_text, with "file" added;
///  - I/O: kPermissionDenied, kResourceExhausted (no space) or kInternal,
///    with "file" and "path". If replacing a file fails after others were
///    replaced, those are restored from memory and the error says so
///    (context "restored"); the backup folder stays.
[[nodiscard]] CALLBOARD_EXPORT Result<ApplyReport> apply_json_edits(
    const std::filesystem::path& root, std::span<const FileEdits> files,
    const ApplyOptions& options = {}, const ParseLimits& limits = {});

/// A unified diff of two texts (what FileChangeReport::diff holds): headers
/// `--- <old_name>` and `+++ <new_name>`, hunks with `context` lines around
/// each change, "\ No newline at end of file" where a last line has none.
/// Empty when the texts are equal. Lines are split at "\n" (a CR stays part
/// of its line). Exact (a longest common subsequence) unless the changed
/// middle of the texts spans more than 4 million line pairs, where that
/// middle is shown as one removed and one added block.
[[nodiscard]] CALLBOARD_EXPORT std::string unified_diff(std::string_view old_text,
                                                        std::string_view new_text,
                                                        std::string_view old_name,
                                                        std::string_view new_name,
                                                        std::size_t context = 3);

}  // namespace callboard
