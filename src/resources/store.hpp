#pragma once
// SQL of the resource library. Every read is filtered by the reader (rules.hpp
// can_read, the same rule written as SQL for lists); writes assume the caller
// checked that it manages the author organisation. The word index
// (resource_words) is rewritten with each resource.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/auth.hpp"
#include "core/db/database.hpp"
#include "resources/rules.hpp"

namespace passerelle::resources {

// The reader of a request: anonymous when `user` is null.
Reader reader_for(db::Connection& db, const auth::User* user);

struct Resource {
  std::int64_t id = 0, author_organisation_id = 0, files = 0;
  std::string kind, title, summary, body, video_url, audience, region, topic, status, published_on, author_name,
      author_path, created_at, updated_at;
  bool pedagogical = false;
  std::vector<std::string> themes;
  std::int64_t score = 0;  // search rank (sum of the weights of the words matched)
  bool manageable = false; // the reader may edit it
};

struct ResourceFilter {
  std::string q, kind, theme, audience, topic, from, to, status;  // dates "YYYY-MM-DD", both included
  bool pedagogical = false;  // pedagogical resources only
  std::optional<Cursor> after;
  int limit = 20;
};
// Newest publication first, or by rank when `q` is set (every query word must
// begin a word of the resource, accents and case aside).
std::vector<Resource> list_resources(db::Connection& db, const Reader& reader, const ResourceFilter& f);
// The cursor of the row after which the next page starts.
Cursor cursor_of(const Resource& r, bool ranked);
std::optional<Resource> get_resource(db::Connection& db, const Reader& reader, std::int64_t id);

std::int64_t create_resource(db::Connection& db, const ResourceValues& v, std::optional<std::int64_t> user_id,
                             const std::string& now, bool publish);
void update_resource(db::Connection& db, std::int64_t id, const ResourceValues& v, std::optional<std::int64_t> user_id,
                     const std::string& now);
void set_status(db::Connection& db, std::int64_t id, const std::string& status, std::optional<std::int64_t> user_id,
                const std::string& now);
// Themes in use, for the filter (sorted, accents aside).
std::vector<std::string> themes_in_use(db::Connection& db);

struct File {
  std::int64_t id = 0, resource_id = 0, size = 0;
  std::string filename, content_type, sha256, created_at, data;  // data: get_file only
};
std::int64_t add_file(db::Connection& db, std::int64_t resource_id, const std::string& filename,
                      const std::string& content_type, const std::string& bytes, std::optional<std::int64_t> user_id,
                      const std::string& now);
std::vector<File> files_of(db::Connection& db, std::int64_t resource_id);
std::optional<File> get_file(db::Connection& db, std::int64_t resource_id, std::int64_t file_id);
bool delete_file(db::Connection& db, std::int64_t resource_id, std::int64_t file_id);
// Rewrites the words of one resource (after a file is added or removed).
void reindex(db::Connection& db, std::int64_t resource_id);

// ---- Links from the hotline's FAQ (table faq_resources) --------------------------------

// The resources linked to a FAQ entry that the reader may see.
std::vector<Resource> faq_resources(db::Connection& db, const Reader& reader, std::int64_t faq_id);
// Ids of every resource linked to the entry (the edit page's ticks).
std::vector<std::int64_t> faq_resource_ids(db::Connection& db, std::int64_t faq_id);
// Replaces the links; ids the reader may not see are ignored.
void link_faq_resources(db::Connection& db, const Reader& reader, std::int64_t faq_id,
                        const std::vector<std::int64_t>& ids);
// What staff may pick on the FAQ edit page: the published resources they see, newest first.
std::vector<Resource> pickable_resources(db::Connection& db, const Reader& reader, int limit = 200);

}  // namespace passerelle::resources
