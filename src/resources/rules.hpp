#pragma once
// Pure rules of the resource library: who may read a resource, validation of a
// resource and of a file, themes, the weighted words of the search index, list
// cursors, and safe Markdown rendering (markdown.cpp, the only file that sees
// cmark-gfm). No I/O; unit-tested alone (tests/unit/resources_rules_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/web/validation.hpp"
#include "resources/model.hpp"

namespace passerelle::resources {

// ---- Who reads ------------------------------------------------------------------

// The caller as the library sees them. Staff (admin, network) manage the
// resources written by the organisations of their subtrees (`manage`, paths
// "/1/5/"); `regions` are the regions (INSEE codes) of the organisations where
// the caller holds any role.
struct Reader {
  bool signed_in = false;
  std::vector<std::string> manage;
  std::vector<std::string> regions;
  // The change stamps of the library and the directory when read with the
  // regions (store.cpp reader_for), for the kept result pages.
  bool stamps_known = false;
  std::int64_t library_stamp = 0, directory_stamp = 0;
  bool staff() const { return !manage.empty(); }
  // Writes and sees drafts of resources by this author organisation.
  bool manages(std::string_view author_path) const;
  // Same branch of the network: the author is inside the caller's subtree or above it.
  bool same_branch(std::string_view author_path) const;
};

// A published resource: public for everyone, members for any signed-in user,
// region for users of an organisation of that region and staff, staff for the
// staff of the author's branch (a federation note reaches its delegations'
// teams). Drafts and archived resources: the author's staff only.
bool can_read(const Reader& r, std::string_view status, std::string_view audience, std::string_view region,
              std::string_view author_path);

// The search index's copy of who reads a resource: "public", "members",
// "region:<code>", "staff", or "hidden" when not published.
std::string audience_key(std::string_view status, std::string_view audience, std::string_view region);
// The keys a reader who manages nothing may read (anonymous: "public" only).
std::vector<std::string> audience_keys(const Reader& r);

// ---- Validation -----------------------------------------------------------------

struct ResourceInput {
  std::string kind, title, summary, body, video_url, audience, region, pedagogical, topic, published_on, themes,
      author_organisation_id;
};
struct ResourceValues {
  std::string kind, title, summary, body, video_url, audience = "members", region, topic, published_on;
  bool pedagogical = false;
  std::vector<std::string> themes;
  std::int64_t author_organisation_id = 0;
};
// Every error at once, in French, by field. Whether the author organisation is
// in the caller's scope is checked by the caller. `known_regions` are the INSEE
// codes accepted for a region audience.
web::Errors validate_resource(const ResourceInput& in, ResourceValues& out,
                              const std::vector<std::string>& known_regions);

// "plaidoyer, Mesures sanitaires ; plaidoyer" → {"plaidoyer", "Mesures sanitaires"}:
// split on commas, semicolons and line ends, trimmed, repeats (accents and case
// aside) dropped. Errors for more than 10 themes or one over 60 characters.
std::vector<std::string> parse_themes(std::string_view raw, std::string* error = nullptr);

// A real calendar date "YYYY-MM-DD".
bool is_iso_date(std::string_view s);
// "2020-03-31" → "31/03/2020"; anything else as it is.
std::string french_date(std::string_view iso);

// Files: at most 8 MB (the request itself is capped at 10 MB), PDF, images,
// office documents and plain text, recognised by extension and first bytes.
inline constexpr std::size_t kMaxFileBytes = 8 * 1024 * 1024;
struct FileCheck {
  std::string content_type, error;  // error: French, empty when accepted
};
FileCheck check_file(std::string_view filename, std::string_view bytes);

// ---- Search -----------------------------------------------------------------------

// Folded words and their weight: title 8, theme 4, summary 2, body and file
// names 1, the weights of a word summed, at most `at_most` words.
std::vector<std::pair<std::string, int>> word_weights(std::string_view title, const std::vector<std::string>& themes,
                                                      std::string_view summary, std::string_view body,
                                                      std::string_view more = "", std::size_t at_most = 1000);

// Keyset cursor of a list: its sort key (a date, or a score written as digits)
// and the id, as "key_id". Nullopt when malformed.
struct Cursor {
  std::string key;
  std::int64_t id = 0;
};
std::string format_cursor(const Cursor& c);
std::optional<Cursor> parse_cursor(std::string_view raw);

// ---- Markdown -----------------------------------------------------------------------

// HTML of a Markdown body (CommonMark through cmark-gfm, safe mode): raw HTML
// is dropped and links or images to javascript:, vbscript:, file: and data:
// (other than images) lose their address. Smart punctuation off.
std::string render_markdown(std::string_view markdown);

}  // namespace passerelle::resources
