#pragma once
// Internet messages as mail relays and clients expect them (RFC 5322 headers,
// MIME parts of RFC 2045–2049): UTF-8 display names and subjects as RFC 2047
// encoded-words, the text in quoted-printable, attachments in base64, CRLF
// line ends, no line over 76 characters. Pure functions, unit-tested alone.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::mime {

struct Attachment {
  std::string filename, content_type, data;  // content_type e.g. "text/calendar; method=PUBLISH"
};

struct Message {
  std::string from_address, from_name, to_address, to_name;
  std::string subject;
  std::string text;  // UTF-8, LF or CRLF line ends
  std::string html;  // optional: then text and HTML are alternatives
  std::vector<Attachment> attachments;
  std::string message_id;  // without angle brackets: "outbox-12.ab3f@passerelle.fr"
  std::int64_t date = 0;   // Unix time of the Date header
  std::vector<std::pair<std::string, std::string>> extra_headers;  // ASCII values ("Auto-Submitted")
  std::string boundary_seed;  // makes the MIME boundaries unique (random hex); tests fix it
};

// The whole message, ready for SMTP DATA.
std::string build(const Message& m);

// "=?UTF-8?B?…?=" words (folded, each at most 75 characters) when `s` is not
// plain printable ASCII; `s` itself otherwise.
std::string encode_word(std::string_view s);
// "Name <address>", the name quoted or encoded as needed; the bare address when no name.
std::string address(std::string_view address, std::string_view name);
// Quoted-printable (RFC 2045 §6.7) of UTF-8 text; line ends become CRLF.
std::string quoted_printable(std::string_view text);
// Base64 in lines of 76 characters, CRLF-ended.
std::string base64_lines(std::string_view data);
// RFC 5322 date: "Mon, 30 Jan 2023 17:00:00 +0000".
std::string rfc5322_date(std::int64_t unix_time);

}  // namespace passerelle::mime
