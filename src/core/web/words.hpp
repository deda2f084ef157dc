#pragma once
// Word-index search, shared by the modules: each searchable row has the folded
// words of its search text (lower case, no accents) in a <table>(word, <owner>)
// table, so that a search is one index range per query word, not a scan.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace passerelle::web {

// Folded words of `text`, split on anything that is not a letter or a digit,
// without repeats, `at_most` of them.
std::vector<std::string> split_words(std::string_view text, std::size_t at_most = 200);

// "<column> >= ? AND <column> < ?" with its two parameters appended: the rows whose
// word begins with `word` ("ile" → ["ile", "ilf")), one range of an index on the
// column; "<column> LIKE ?" when the word ends in a byte that cannot be raised.
std::string word_prefix_condition(const std::string& word, db::Params& params, const char* column = "word");

// Adds " AND <id_column> IN (…)" per query word (at most 8): every word of the query
// must begin a word of the row (e.g. "ile" → ["ile", "ilf")). A query of punctuation
// only matches nothing; an empty one adds nothing.
void add_word_search(std::string& sql, db::Params& params, std::string_view q, const char* id_column,
                     const char* table, const char* owner);

// Replaces the indexed words of one row.
void store_words(db::Connection& db, const char* table, const char* owner, std::int64_t id, std::string_view text);

// Rebuilds <table> from <rows>.search_text: always, or only when <rows> has rows and
// <table> none (after an upgrade). Returns the number of rows indexed.
std::size_t rebuild_words(db::Connection& db, const char* rows, const char* table, const char* owner,
                          bool only_if_missing);

}  // namespace passerelle::web
