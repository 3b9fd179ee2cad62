#pragma once
// Strict UTF-8 validation for every text a client sends that may reach the store, a log
// or a JSON answer (bodies, query parameters, header values). Invalid text is refused at
// the edge with 400: stored, it would make every later JSON answer that quotes it invalid
// and PostgreSQL would refuse it with an error.
#include <string_view>

namespace painel {

// True for well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..DFFF),
// nothing above U+10FFFF, no truncated sequence.
bool valid_utf8(std::string_view s);
// valid_utf8 and no control character (U+0000..U+001F, U+007F): for values that are
// names, e-mails, ids and search terms, never multi-line text.
bool valid_utf8_text(std::string_view s);

}  // namespace painel
