#include "core/web/words.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/web/text.hpp"

namespace passerelle::web {

std::vector<std::string> split_words(std::string_view text, std::size_t at_most) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && std::find(out.begin(), out.end(), current) == out.end()) out.push_back(current);
    current.clear();
  };
  for (unsigned char c : text::fold(text)) {
    if (std::isalnum(c) || c >= 0x80)
      current += static_cast<char>(c);
    else
      flush();
    if (out.size() >= at_most) return out;
  }
  flush();
  if (out.size() > at_most) out.resize(at_most);
  return out;
}

std::string word_prefix_condition(const std::string& word, db::Params& params, const char* column) {
  if (!word.empty() && static_cast<unsigned char>(word.back()) < 0x7f) {
    std::string high = word;
    high.back() = static_cast<char>(high.back() + 1);
    params.emplace_back(word);
    params.emplace_back(std::move(high));
    return fmt::format("{0} >= ? AND {0} < ?", column);
  }
  params.emplace_back(word + "%");
  return fmt::format("{} LIKE ?", column);
}

void add_word_search(std::string& sql, db::Params& params, std::string_view q, const char* id_column,
                     const char* table, const char* owner) {
  if (text::trim(q).empty()) return;
  auto query_words = split_words(q, 8);
  if (query_words.empty()) {
    sql += " AND 1 = 0";  // only punctuation: nothing can match
    return;
  }
  for (auto& w : query_words)
    sql += fmt::format(" AND {} IN (SELECT {} FROM {} WHERE {})", id_column, owner, table,
                       word_prefix_condition(w, params));
}

void store_words(db::Connection& db, const char* table, const char* owner, std::int64_t id, std::string_view text) {
  db.query(fmt::format("DELETE FROM {} WHERE {} = ?", table, owner), {id});
  auto words = split_words(text, 200);
  if (words.empty()) return;
  std::string sql = fmt::format("INSERT INTO {} (word, {}) VALUES ", table, owner);
  db::Params params;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sql += i ? ", (?, ?)" : "(?, ?)";
    params.emplace_back(words[i]);
    params.emplace_back(id);
  }
  db.query(sql, params);
}

std::size_t rebuild_words(db::Connection& db, const char* rows, const char* table, const char* owner,
                          bool only_if_missing) {
  if (only_if_missing) {
    auto has_rows = !db.query(fmt::format("SELECT 1 FROM {} LIMIT 1", rows)).empty();
    auto has_words = !db.query(fmt::format("SELECT 1 FROM {} LIMIT 1", table)).empty();
    if (!has_rows || has_words) return 0;
  }
  std::size_t rebuilt = 0;
  db::Transaction tx(db);
  db.query(fmt::format("DELETE FROM {}", table));
  // Many rows per INSERT: a national table (a million participants) in minutes, not hours.
  const std::string head = fmt::format("INSERT INTO {} (word, {}) VALUES ", table, owner);
  std::string sql = head;
  db::Params params;
  auto flush = [&] {
    if (params.empty()) return;
    db.query(sql, params);
    sql = head;
    params.clear();
  };
  std::int64_t after = 0;
  while (true) {  // by pages of ids: the whole table is never held in memory
    auto page = db.query(fmt::format("SELECT id, search_text FROM {} WHERE id > ? ORDER BY id LIMIT 5000", rows), {after});
    if (page.empty()) break;
    for (auto& row : page.rows) {
      after = row.integer(0);
      for (auto& w : split_words(row.text(1))) {
        sql += params.empty() ? "(?, ?)" : ", (?, ?)";
        params.emplace_back(w);
        params.emplace_back(after);
        if (params.size() >= 1000) flush();
      }
      ++rebuilt;
    }
  }
  flush();
  tx.commit();
  return rebuilt;
}

}  // namespace passerelle::web
