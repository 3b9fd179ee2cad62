#pragma once
// A command's `output` as the original system had it: a readable one-line summary
// (string | null), derived when the command is rendered from the structured result the
// worker stored (rendered as `result`). No stored column changes: rows written before the
// summary existed, and the demo's, read the same way. English, like the API's other texts.
#include <optional>
#include <string>
#include <string_view>

namespace painel::domain {

// The summary of a finished command: `stored` is what the worker wrote (a JSON object;
// anything else is plain text from another version and is its own summary). Null unless
// the command succeeded (an ERROR has its error_message, the original's other column).
std::optional<std::string> command_output(std::string_view type, std::string_view status,
                                          const std::optional<std::string>& stored);

// The structured result: the stored JSON object, or nothing (unfinished, failed, or text).
std::optional<std::string> command_result(const std::optional<std::string>& stored);

}  // namespace painel::domain
