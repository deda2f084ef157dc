#include "resources/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "core/auth/auth.hpp"
#include "core/db/stamped_cache.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "network/store.hpp"

namespace passerelle::resources {

Reader reader_for(db::Connection& db, const auth::User* user) {
  Reader r;
  if (!user) return r;
  r.signed_in = true;
  r.manage = user->scope_roots({"admin", "network"});
  // The regions of the caller's organisations and, in the same statement (one
  // round trip), the stamps of the kept result pages — read before any row.
  db::Params params;
  std::string in;
  for (auto& g : user->grants) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(g.organisation_id);
  }
  std::string sql = "SELECT 0, name, stamp FROM change_stamps WHERE name IN ('resources', 'directory')";
  if (!in.empty()) sql += " UNION ALL SELECT 1, region, 0 FROM organisations WHERE region <> '' AND id IN (" + in + ")";
  for (auto& row : db.query(sql, params).rows) {
    if (row.integer(0) == 0) {
      (row.text(1) == "resources" ? r.library_stamp : r.directory_stamp) = row.integer(2);
    } else if (std::find(r.regions.begin(), r.regions.end(), row.text(1)) == r.regions.end()) {
      r.regions.push_back(row.text(1));
    }
  }
  r.stamps_known = true;
  return r;
}

namespace {

constexpr const char* kColumns =
    "r.id, r.kind, r.title, r.summary, r.body_markdown, r.video_url, r.audience, r.region, r.pedagogical, "
    "r.pedagogical_topic, r.status, COALESCE(r.published_on, ''), COALESCE(r.author_organisation_id, 0), "
    "COALESCE(o.name, ''), COALESCE(o.path, ''), r.created_at, r.updated_at";
// Lists show no body: the same columns without it (a page of 20 need not read 20 texts).
constexpr const char* kListColumns =
    "r.id, r.kind, r.title, r.summary, '', r.video_url, r.audience, r.region, r.pedagogical, "
    "r.pedagogical_topic, r.status, COALESCE(r.published_on, ''), COALESCE(r.author_organisation_id, 0), "
    "COALESCE(o.name, ''), COALESCE(o.path, ''), r.created_at, r.updated_at";

Resource resource_of(const db::Row& row, const Reader& reader) {
  Resource r;
  r.id = row.integer(0);
  r.kind = row.text(1);
  r.title = row.text(2);
  r.summary = row.text(3);
  r.body = row.text(4);
  r.video_url = row.text(5);
  r.audience = row.text(6);
  r.region = row.text(7);
  r.pedagogical = row.integer(8) != 0;
  r.topic = row.text(9);
  r.status = row.text(10);
  r.published_on = row.text(11);
  r.author_organisation_id = row.integer(12);
  r.author_name = row.text(13);
  r.author_path = row.text(14);
  r.created_at = row.text(15);
  r.updated_at = row.text(16);
  r.manageable = reader.manages(r.author_path);
  return r;
}

// Every write to the library moves the "resources" stamp (migration 0022), in the
// writer's transaction, to a random value rather than +1: a process that reads
// several databases (the tests) never takes one's kept page for another's. A
// database never written keeps 0, and has no resource to show.
void touch(db::Connection& db) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  db.query("UPDATE change_stamps SET stamp = ? WHERE name = 'resources'",
           {static_cast<std::int64_t>(rng() >> 2) + 1});
}

// Pages of results of readers who manage nothing, kept until the library or the
// directory (author names) changes: who may read what depends then only on
// their audience keys, part of the key.
db::StampedCache<std::vector<Resource>>& kept_pages() {
  static db::StampedCache<std::vector<Resource>> cache(512);
  return cache;
}

// can_read (rules.cpp) as SQL over r (resources) and o (the author organisation).
std::string visibility(const Reader& reader, db::Params& params) {
  std::string open = "r.audience = 'public'";
  if (reader.signed_in) {
    open += " OR r.audience = 'members'";
    if (reader.staff()) {
      open += " OR r.audience = 'region'";
    } else if (!reader.regions.empty()) {
      open += " OR (r.audience = 'region' AND r.region IN (";
      for (std::size_t i = 0; i < reader.regions.size(); ++i) {
        open += i ? ", ?" : "?";
        params.emplace_back(reader.regions[i]);
      }
      open += "))";
    }
  }
  if (reader.staff()) {
    // Same branch: the author below one of the caller's roots, or above it.
    open += " OR (r.audience = 'staff' AND (" + network::scope_condition(reader.manage, params, "o.path");
    for (auto& root : reader.manage) {
      open += " OR o.path = SUBSTR(CAST(? AS TEXT), 1, LENGTH(o.path))";
      params.emplace_back(root);
    }
    open += "))";
  }
  std::string sql = "((r.status = 'published' AND (" + open + "))";
  if (reader.staff()) sql += " OR " + network::scope_condition(reader.manage, params, "o.path");
  return sql + ")";
}

void fill_themes(db::Connection& db, std::vector<Resource>& items) {
  if (items.empty()) return;
  db::Params params;
  std::string in;
  std::map<std::int64_t, Resource*> by_id;
  for (auto& r : items) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(r.id);
    by_id[r.id] = &r;
  }
  // Themes and file counts in one statement (rows of files have an empty theme).
  auto twice = params;
  twice.insert(twice.end(), params.begin(), params.end());
  for (auto& row : db.query("SELECT resource_id, theme, 0 FROM resource_themes WHERE resource_id IN (" + in +
                                ") UNION ALL SELECT resource_id, '', COUNT(*) FROM resource_files WHERE resource_id IN (" +
                                in + ") GROUP BY resource_id ORDER BY 1, 2",
                            twice)
                       .rows) {
    auto* r = by_id.at(row.integer(0));
    if (row.integer(2)) r->files = row.integer(2);
    else r->themes.push_back(row.text(1));
  }
}

void add_filters(const ResourceFilter& f, std::string& sql, db::Params& params) {
  auto eq = [&](const char* column, const std::string& v) {
    if (v.empty()) return;
    sql += fmt::format(" AND {} = ?", column);
    params.emplace_back(v);
  };
  eq("r.kind", f.kind);
  eq("r.audience", f.audience);
  eq("r.pedagogical_topic", f.topic);
  eq("r.status", f.status);
  if (f.pedagogical) sql += " AND r.pedagogical = 1";
  if (!f.from.empty()) {
    sql += " AND r.published_on >= ?";
    params.emplace_back(f.from);
  }
  if (!f.to.empty()) {
    sql += " AND r.published_on <= ?";
    params.emplace_back(f.to);
  }
  if (!f.theme.empty()) {
    sql += " AND r.id IN (SELECT resource_id FROM resource_themes WHERE theme = ?)";
    params.emplace_back(f.theme);
  }
}

void write_words(db::Connection& db, std::int64_t id, const ResourceValues& v, const std::string& more,
                 const std::string& key) {
  db.query("DELETE FROM resource_words WHERE resource_id = ?", {id});
  auto words = word_weights(v.title, v.themes, v.summary, v.body, more);
  for (std::size_t start = 0; start < words.size(); start += 250) {
    std::string sql = "INSERT INTO resource_words (word, resource_id, weight, audience_key) VALUES ";
    db::Params params;
    for (std::size_t i = start; i < std::min(words.size(), start + 250); ++i) {
      sql += i > start ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
      params.emplace_back(words[i].first);
      params.emplace_back(id);
      params.emplace_back(words[i].second);
      params.emplace_back(key);
    }
    db.query(sql, params);
  }
}

std::string file_names(db::Connection& db, std::int64_t id) {
  std::string out;
  for (auto& row : db.query("SELECT filename FROM resource_files WHERE resource_id = ? ORDER BY id", {id}).rows)
    out += row.text(0) + " ";
  return out;
}

void write_themes(db::Connection& db, std::int64_t id, const std::vector<std::string>& themes) {
  db.query("DELETE FROM resource_themes WHERE resource_id = ?", {id});
  for (auto& t : themes) db.query("INSERT INTO resource_themes (resource_id, theme) VALUES (?, ?)", {id, t});
}

// Per query word, the matching words' weights summed by resource; kept when
// every query word matched (HAVING), ranked by the sum. `keys`: only rows of
// these audience keys (nullptr: any).
std::string ranked_matches(const std::vector<std::string>& words, const std::vector<std::string>* keys,
                           db::Params& params) {
  std::string matches;
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto& w = words[i];
    matches += i ? " UNION ALL " : "";
    matches += "SELECT resource_id, SUM(weight) AS weight FROM resource_words WHERE " +
               web::word_prefix_condition(w, params);
    if (keys) {
      matches += " AND audience_key IN (";
      for (std::size_t k = 0; k < keys->size(); ++k) {
        matches += k ? ", ?" : "?";
        params.emplace_back((*keys)[k]);
      }
      matches += ")";
    }
    matches += " GROUP BY resource_id";
  }
  return fmt::format("SELECT resource_id, SUM(weight) AS score FROM ({}) m GROUP BY resource_id HAVING COUNT(*) = {}",
                     matches, words.size());
}

// A search without filters: each query word is one range of the covering index
// resource_words_rank, summed and ranked here (no temporary B-trees), and only
// the page's rows are read from resources (issue 6 benchmark: 20,000
// resources). A reader who manages nothing reads the rows of their audience keys
// only (who may read what is in the index). Staff may read drafts and
// staff-only resources of their branch, which the index cannot tell: every row
// of the range is ranked, and the resources are read in rank order, in chunks,
// each checked by the table's own rule, until the page is full (ranked in SQL
// with temporary B-trees, a staff search took ~3 ms: 356 searches/s on SQLite).
std::vector<Resource> search_by_index(db::Connection& db, const Reader& reader, const std::vector<std::string>& words,
                                      const ResourceFilter& f) {
  const bool every_key = reader.staff();
  auto keys = audience_keys(reader);
  struct Hit {
    std::int64_t score = 0;
    std::uint32_t words = 0;
  };
  std::unordered_map<std::int64_t, Hit> hits;
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto& w = words[i];
    db::Params params;
    std::string sql = "SELECT resource_id, weight FROM resource_words WHERE ";
    sql += web::word_prefix_condition(w, params);
    if (!every_key) {
      sql += " AND audience_key IN (";
      for (std::size_t k = 0; k < keys.size(); ++k) {
        sql += k ? ", ?" : "?";
        params.emplace_back(keys[k]);
      }
      sql += ")";
    }
    for (auto& row : db.query(sql, params).rows) {
      if (i > 0 && !hits.count(row.integer(0))) continue;  // already missing an earlier word
      auto& h = hits[row.integer(0)];
      h.score += row.integer(1);
      h.words |= 1u << i;
    }
  }
  const std::uint32_t all = (1u << words.size()) - 1;
  std::vector<std::pair<std::int64_t, std::int64_t>> ranked;  // score, id
  std::int64_t after_score = 0;
  if (f.after) {
    try {
      after_score = std::stoll(f.after->key);
    } catch (...) {
    }
  }
  for (auto& [id, h] : hits) {
    if (h.words != all) continue;
    if (f.after && !(h.score < after_score || (h.score == after_score && id < f.after->id))) continue;
    ranked.emplace_back(h.score, id);
  }
  auto limit = static_cast<std::size_t>(std::clamp(f.limit, 1, 500));
  auto by_rank = [](auto& a, auto& b) { return a > b; };
  if (every_key) {
    std::ranges::sort(ranked, by_rank);
  } else {
    auto top = std::min(limit, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(top), ranked.end(), by_rank);
    ranked.resize(top);
  }
  std::vector<Resource> out;
  for (std::size_t pos = 0; pos < ranked.size() && out.size() < limit;) {
    const auto n = every_key ? std::min(ranked.size() - pos, std::max<std::size_t>(2 * (limit - out.size()), 50))
                             : ranked.size() - pos;
    db::Params params;
    std::string in;
    for (std::size_t k = pos; k < pos + n; ++k) {
      in += in.empty() ? "?" : ", ?";
      params.emplace_back(ranked[k].second);
    }
    auto sql = fmt::format("SELECT {}, 0 FROM resources r LEFT JOIN organisations o ON o.id = r.author_organisation_id "
                           "WHERE r.id IN ({}) AND ",
                           kListColumns, in) +
               visibility(reader, params);  // the table's own rule, on the chunk's rows
    std::unordered_map<std::int64_t, Resource> found;
    for (auto& row : db.query(sql, params).rows) {
      auto r = resource_of(row, reader);
      found.emplace(r.id, std::move(r));
    }
    for (std::size_t k = pos; k < pos + n && out.size() < limit; ++k)
      if (auto it = found.find(ranked[k].second); it != found.end()) {
        out.push_back(std::move(it->second));
        out.back().score = ranked[k].first;
      }
    pos += n;
  }
  fill_themes(db, out);
  return out;
}

}  // namespace

std::vector<Resource> list_uncached(db::Connection& db, const Reader& reader, const ResourceFilter& f) {
  db::Params params;
  std::string sql;
  auto words = web::split_words(f.q, 8);
  bool ranked = !text::trim(f.q).empty();
  if (ranked && words.empty()) return {};  // punctuation only
  bool filtered = !f.kind.empty() || !f.theme.empty() || !f.audience.empty() || !f.topic.empty() || !f.from.empty() ||
                  !f.to.empty() || !f.status.empty() || f.pedagogical;
  if (ranked && !filtered) return search_by_index(db, reader, words, f);
  if (ranked) {
    sql = fmt::format("SELECT {}, s.score FROM ({}) s JOIN resources r ON r.id = s.resource_id "
                      "LEFT JOIN organisations o ON o.id = r.author_organisation_id WHERE ",
                      kListColumns, ranked_matches(words, nullptr, params));
  } else {
    sql = fmt::format("SELECT {}, 0 FROM resources r LEFT JOIN organisations o ON o.id = r.author_organisation_id WHERE ",
                      kListColumns);
  }
  sql += visibility(reader, params);
  add_filters(f, sql, params);
  if (f.after) {
    if (ranked) {
      sql += " AND (s.score < ? OR (s.score = ? AND r.id < ?))";
      std::int64_t score = 0;
      try {
        score = std::stoll(f.after->key);
      } catch (...) {
      }
      params.emplace_back(score);
      params.emplace_back(score);
    } else {
      sql += " AND (r.published_on < ? OR (r.published_on = ? AND r.id < ?))";
      params.emplace_back(f.after->key);
      params.emplace_back(f.after->key);
    }
    params.emplace_back(f.after->id);
  }
  sql += ranked ? " ORDER BY s.score DESC, r.id DESC" : " ORDER BY r.published_on DESC, r.id DESC";
  sql += fmt::format(" LIMIT {}", std::clamp(f.limit, 1, 500));
  std::vector<Resource> out;
  for (auto& row : db.query(sql, params).rows) {
    out.push_back(resource_of(row, reader));
    out.back().score = row.integer(17);
  }
  fill_themes(db, out);
  return out;
}

std::vector<Resource> list_resources(db::Connection& db, const Reader& reader, const ResourceFilter& f) {
  if (reader.staff()) return list_uncached(db, reader, f);
  std::int64_t library = reader.library_stamp, directory = reader.directory_stamp;
  if (!reader.stamps_known)
    for (auto& row : db.query("SELECT name, stamp FROM change_stamps WHERE name IN ('resources', 'directory')").rows)
      (row.text(0) == "resources" ? library : directory) = row.integer(1);
  std::string key = fmt::format("{}|{}", directory, f.limit);
  for (auto& k : audience_keys(reader)) key += "|" + k;
  for (auto* v : {&f.q, &f.kind, &f.theme, &f.audience, &f.topic, &f.from, &f.to, &f.status})
    key += "\x1f" + text::trim(*v);
  key += f.pedagogical ? "|p" : "|-";
  if (f.after) key += "|" + format_cursor(*f.after);
  return *kept_pages().get(key, library, [&] { return list_uncached(db, reader, f); });
}

Cursor cursor_of(const Resource& r, bool ranked) {
  return {ranked ? std::to_string(r.score) : r.published_on, r.id};
}

std::optional<Resource> get_resource(db::Connection& db, const Reader& reader, std::int64_t id) {
  auto rows = db.query(fmt::format("SELECT {} FROM resources r LEFT JOIN organisations o "
                                   "ON o.id = r.author_organisation_id WHERE r.id = ?",
                                   kColumns),
                       {id});
  if (rows.empty()) return std::nullopt;
  auto r = resource_of(rows.rows[0], reader);
  if (!can_read(reader, r.status, r.audience, r.region, r.author_path)) return std::nullopt;
  std::vector<Resource> one{std::move(r)};
  fill_themes(db, one);
  return std::move(one[0]);
}

std::int64_t create_resource(db::Connection& db, const ResourceValues& v, std::optional<std::int64_t> user_id,
                             const std::string& now, bool publish) {
  auto id = db.query("INSERT INTO resources (kind, title, summary, body_markdown, video_url, audience, region, "
                     "pedagogical, pedagogical_topic, status, published_on, author_organisation_id, created_by, "
                     "updated_by, created_at, updated_at, search_text) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {v.kind, v.title, v.summary, v.body, v.video_url, v.audience, v.region, v.pedagogical, v.topic,
                      publish ? "published" : "draft", v.published_on, v.author_organisation_id, user_id, user_id, now,
                      now, text::fold(v.title)})
                .rows.at(0)
                .integer(0);
  write_themes(db, id, v.themes);
  reindex(db, id);
  return id;
}

void update_resource(db::Connection& db, std::int64_t id, const ResourceValues& v, std::optional<std::int64_t> user_id,
                     const std::string& now) {
  db.query("UPDATE resources SET kind = ?, title = ?, summary = ?, body_markdown = ?, video_url = ?, audience = ?, "
           "region = ?, pedagogical = ?, pedagogical_topic = ?, published_on = ?, author_organisation_id = ?, "
           "updated_by = ?, updated_at = ?, search_text = ? WHERE id = ?",
           {v.kind, v.title, v.summary, v.body, v.video_url, v.audience, v.region, v.pedagogical, v.topic,
            v.published_on, v.author_organisation_id, user_id, now, text::fold(v.title), id});
  write_themes(db, id, v.themes);
  reindex(db, id);
}

void set_status(db::Connection& db, std::int64_t id, const std::string& status, std::optional<std::int64_t> user_id,
                const std::string& now) {
  db.query("UPDATE resources SET status = ?, updated_by = ?, updated_at = ? WHERE id = ?", {status, user_id, now, id});
  auto r = db.query("SELECT audience, region FROM resources WHERE id = ?", {id});
  if (!r.empty())
    db.query("UPDATE resource_words SET audience_key = ? WHERE resource_id = ?",
             {audience_key(status, r.rows[0].text(0), r.rows[0].text(1)), id});
  touch(db);
}

void reindex(db::Connection& db, std::int64_t id) {
  auto r = db.query("SELECT title, summary, body_markdown, status, audience, region FROM resources WHERE id = ?", {id});
  if (r.empty()) return;
  auto& row = r.rows[0];
  ResourceValues v;
  v.title = row.text(0);
  v.summary = row.text(1);
  v.body = row.text(2);
  for (auto& t : db.query("SELECT theme FROM resource_themes WHERE resource_id = ? ORDER BY theme", {id}).rows)
    v.themes.push_back(t.text(0));
  write_words(db, id, v, file_names(db, id), audience_key(row.text(3), row.text(4), row.text(5)));
  touch(db);
}

std::vector<std::string> themes_in_use(db::Connection& db) {
  static db::StampedCache<std::vector<std::string>> kept(4);
  return *kept.get("themes", db::change_stamp(db, "resources"), [&] {
    std::vector<std::string> out;
    for (auto& row : db.query("SELECT DISTINCT theme FROM resource_themes").rows) out.push_back(row.text(0));
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return text::fold(a) < text::fold(b); });
    if (out.size() > 200) out.resize(200);
    return out;
  });
}

// ---- Files ----------------------------------------------------------------------------------

std::int64_t add_file(db::Connection& db, std::int64_t resource_id, const std::string& filename,
                      const std::string& content_type, const std::string& bytes, std::optional<std::int64_t> user_id,
                      const std::string& now) {
  auto id = db.query("INSERT INTO resource_files (resource_id, filename, content_type, content, size, sha256, "
                     "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {resource_id, filename, content_type, db::Blob{bytes}, static_cast<std::int64_t>(bytes.size()),
                      auth::sha256_hex(bytes), user_id, now})
                .rows.at(0)
                .integer(0);
  reindex(db, resource_id);
  return id;
}

std::vector<File> files_of(db::Connection& db, std::int64_t resource_id) {
  std::vector<File> out;
  for (auto& row : db.query("SELECT id, filename, content_type, size, sha256, created_at FROM resource_files "
                            "WHERE resource_id = ? ORDER BY id",
                            {resource_id})
                       .rows)
    out.push_back({row.integer(0), resource_id, row.integer(3), row.text(1), row.text(2), row.text(4), row.text(5), ""});
  return out;
}

std::optional<File> get_file(db::Connection& db, std::int64_t resource_id, std::int64_t file_id) {
  auto r = db.query("SELECT id, filename, content_type, size, sha256, created_at, content FROM resource_files "
                    "WHERE id = ? AND resource_id = ?",
                    {file_id, resource_id});
  if (r.empty()) return std::nullopt;
  auto& row = r.rows[0];
  return File{row.integer(0), resource_id, row.integer(3), row.text(1), row.text(2), row.text(4), row.text(5),
              row.blob(6)};
}

bool delete_file(db::Connection& db, std::int64_t resource_id, std::int64_t file_id) {
  auto r = db.query("DELETE FROM resource_files WHERE id = ? AND resource_id = ?", {file_id, resource_id});
  if (r.affected == 1) reindex(db, resource_id);
  return r.affected == 1;
}

// ---- FAQ links ----------------------------------------------------------------------------------

std::vector<Resource> faq_resources(db::Connection& db, const Reader& reader, std::int64_t faq_id) {
  db::Params params{faq_id};
  auto sql = fmt::format("SELECT {}, 0 FROM faq_resources fr JOIN resources r ON r.id = fr.resource_id "
                         "LEFT JOIN organisations o ON o.id = r.author_organisation_id WHERE fr.faq_id = ? AND ",
                         kListColumns) +
             visibility(reader, params) + " ORDER BY r.published_on DESC, r.id DESC";
  std::vector<Resource> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(resource_of(row, reader));
  return out;
}

std::vector<std::int64_t> faq_resource_ids(db::Connection& db, std::int64_t faq_id) {
  std::vector<std::int64_t> out;
  for (auto& row : db.query("SELECT resource_id FROM faq_resources WHERE faq_id = ? ORDER BY resource_id", {faq_id}).rows)
    out.push_back(row.integer(0));
  return out;
}

void link_faq_resources(db::Connection& db, const Reader& reader, std::int64_t faq_id,
                        const std::vector<std::int64_t>& ids) {
  db.query("DELETE FROM faq_resources WHERE faq_id = ?", {faq_id});
  std::set<std::int64_t> done;
  for (auto id : ids) {
    if (!done.insert(id).second || !get_resource(db, reader, id)) continue;
    db.query("INSERT INTO faq_resources (faq_id, resource_id) VALUES (?, ?)", {faq_id, id});
  }
}

std::vector<Resource> pickable_resources(db::Connection& db, const Reader& reader, int limit) {
  ResourceFilter f;
  f.status = "published";
  f.limit = limit;
  return list_resources(db, reader, f);
}

}  // namespace passerelle::resources
