#pragma once
// Text helpers used across modules.
#include <string>
#include <string_view>

namespace passerelle::text {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);

// Lower-cases and strips French/Latin accents, for accent-insensitive search
// and stable sort keys: "Île-de-France Œuvre" → "ile-de-france oeuvre".
std::string fold(std::string_view s);

// Trims ASCII whitespace at both ends.
std::string trim(std::string_view s);

// Number of Unicode code points (for "at most N characters" rules).
std::size_t length_utf8(std::string_view s);

}  // namespace passerelle::text
