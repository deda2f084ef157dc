#include "core/web/csv.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace passerelle;

namespace {

using Fields = std::vector<std::string>;

csv::Table parsed(std::string_view data) {
  auto result = csv::parse(data);
  if (auto* error = std::get_if<csv::ParseError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    return {};
  }
  return std::get<csv::Table>(std::move(result));
}

csv::ParseError failed(std::string_view data) {
  auto result = csv::parse(data);
  if (!std::holds_alternative<csv::ParseError>(result)) {
    ADD_FAILURE() << "expected a parse error";
    return {};
  }
  return std::get<csv::ParseError>(std::move(result));
}

}  // namespace

// --- parse: encoding and delimiter -------------------------------------------

TEST(CsvParse, StripsBom) {
  const auto t = parsed("\xEF\xBB\xBFNom;Ville\nDupont;Lyon\n");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[0].fields, (Fields{"Nom", "Ville"}));
  EXPECT_EQ(t.records[0].line, 1u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont", "Lyon"}));
}

TEST(CsvParse, DetectsSemicolon) {
  const auto t = parsed("Nom;Montant\nDupont;12,50\n");
  EXPECT_EQ(t.delimiter, ';');
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont", "12,50"}));
}

TEST(CsvParse, DetectsComma) {
  const auto t = parsed("Nom,Ville,Code postal\nDupont,Lyon,69001\n");
  EXPECT_EQ(t.delimiter, ',');
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont", "Lyon", "69001"}));
}

TEST(CsvParse, TieAndSingleColumnGoToSemicolon) {
  EXPECT_EQ(parsed("a;b,c\n").delimiter, ';');
  const auto single = parsed("Email\nx@example.org\n");
  EXPECT_EQ(single.delimiter, ';');
  EXPECT_EQ(single.records[1].fields, (Fields{"x@example.org"}));
}

TEST(CsvParse, DelimitersInsideQuotesDoNotCountForDetection) {
  const auto t = parsed("\"Nom, prénom, titre\";Ville\n\"Dupont, Jean\";Lyon\n");
  EXPECT_EQ(t.delimiter, ';');
  EXPECT_EQ(t.records[0].fields, (Fields{"Nom, prénom, titre", "Ville"}));
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont, Jean", "Lyon"}));
}

TEST(CsvParse, OnlyTheHeaderLineDecidesTheDelimiter) {
  const auto t = parsed("a;b\n1,2,3,4;5\n");
  EXPECT_EQ(t.delimiter, ';');
  EXPECT_EQ(t.records[1].fields, (Fields{"1,2,3,4", "5"}));
}

// --- parse: quoting -----------------------------------------------------------

TEST(CsvParse, QuotedFieldsWithDelimiterNewlineAndEscapedQuotes) {
  const auto t = parsed(
      "Nom;Note\n"
      "\"Durand; fils\";\"Il a dit \"\"bonjour\"\"\nà tous\"\n"
      "\"\";\"\"\"\"\n");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Durand; fils", "Il a dit \"bonjour\"\nà tous"}));
  EXPECT_EQ(t.records[2].fields, (Fields{"", "\""}));
}

TEST(CsvParse, LineNumbersAfterMultilineQuotedField) {
  const auto t = parsed(
      "Nom;Adresse\n"            // 1
      "Dupont;\"12 rue A\n"      // 2
      "Bât. B\n"                 // 3
      "69001 Lyon\"\n"           // 4
      "Martin;Paris\n"           // 5
      "\n"                       // 6 (blank)
      "Petit;\"x\r\ny\"\r\n"     // 7-8
      "Grand;Nantes\n");         // 9
  ASSERT_EQ(t.records.size(), 5u);
  EXPECT_EQ(t.records[0].line, 1u);
  EXPECT_EQ(t.records[1].line, 2u);
  EXPECT_EQ(t.records[1].fields[1], "12 rue A\nBât. B\n69001 Lyon");
  EXPECT_EQ(t.records[2].line, 5u);
  EXPECT_EQ(t.records[3].line, 7u);
  EXPECT_EQ(t.records[3].fields[1], "x\r\ny");  // line breaks inside quotes are kept as they are
  EXPECT_EQ(t.records[4].line, 9u);
}

TEST(CsvParse, CrlfLineEnds) {
  const auto t = parsed("Nom;Ville\r\nDupont;Lyon\r\nMartin;\r\n");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont", "Lyon"}));
  EXPECT_EQ(t.records[2].fields, (Fields{"Martin", ""}));
  EXPECT_EQ(t.records[2].line, 3u);
}

TEST(CsvParse, LoneCrLineEnds) {
  const auto t = parsed("Nom;Ville\rDupont;Lyon\rMartin;Nice");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[2].fields, (Fields{"Martin", "Nice"}));
  EXPECT_EQ(t.records[2].line, 3u);
}

TEST(CsvParse, BlankLinesSkippedAndCounted) {
  const auto t = parsed("\n\nNom;Ville\n\n  \n\t\nDupont;Lyon\r\n\r\n\n");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[0].line, 3u);
  EXPECT_EQ(t.records[1].line, 7u);
}

TEST(CsvParse, MissingTrailingNewline) {
  const auto t = parsed("Nom;Ville\nDupont;Lyon");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[1].fields, (Fields{"Dupont", "Lyon"}));
  const auto quoted = parsed("Nom;Ville\nDupont;\"Lyon\"");
  EXPECT_EQ(quoted.records[1].fields, (Fields{"Dupont", "Lyon"}));
  const auto trailing = parsed("Nom;Ville\nDupont;");
  EXPECT_EQ(trailing.records[1].fields, (Fields{"Dupont", ""}));
}

TEST(CsvParse, FieldsAreNotTrimmed) {
  const auto t = parsed("Nom;Ville\n Dupont ;\tLyon \n");
  EXPECT_EQ(t.records[1].fields, (Fields{" Dupont ", "\tLyon "}));
}

TEST(CsvParse, SpacesAfterClosingQuoteAreDropped) {
  const auto t = parsed("\"Nom\" ;\"Ville\"  \n");
  EXPECT_EQ(t.records[0].fields, (Fields{"Nom", "Ville"}));
}

TEST(CsvParse, RecordsMayHaveDifferentLengths) {
  const auto t = parsed("a;b;c\n1\n1;2;3;4\n");
  EXPECT_EQ(t.records[1].fields.size(), 1u);
  EXPECT_EQ(t.records[2].fields.size(), 4u);
}

// --- parse: errors ------------------------------------------------------------

TEST(CsvParse, OpenQuoteReportsTheLineItOpenedOn) {
  const auto e = failed(
      "Nom;Note\n"
      "a;b\n"
      "\n"
      "c;d\n"
      "e;f\n"
      "g;h\n"
      "i;\"jamais fermé\n"
      "k;l\n");
  EXPECT_EQ(e.line, 7u);
  EXPECT_EQ(e.message, "Ligne 7 : guillemet ouvert jamais refermé.");
}

TEST(CsvParse, StrayQuoteInUnquotedField) {
  const auto e = failed("Nom;Surnom\nDupont;Le \"Grand\"\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_TRUE(e.message.starts_with("Ligne 2 : guillemet inattendu")) << e.message;
}

TEST(CsvParse, TextAfterClosingQuote) {
  const auto e = failed("Nom;Surnom\n\"Dupont\"x;y\n");
  EXPECT_EQ(e.line, 2u);
  EXPECT_TRUE(e.message.starts_with("Ligne 2 : caractère inattendu")) << e.message;
}

TEST(CsvParse, InvalidUtf8ReportsItsLine) {
  const auto latin1 = failed("Nom;Ville\nDupont;Lyon\nH\xE9l\xE8ne;N\xEEmes\n");  // Latin-1 export
  EXPECT_EQ(latin1.line, 3u);
  EXPECT_EQ(latin1.message, "Ligne 3 : le fichier n'est pas encodé en UTF-8.");
  const auto truncated = failed("Nom\r\n\r\nÉlise\r\nx\xC3");  // cut in the middle of a character
  EXPECT_EQ(truncated.message, "Ligne 4 : le fichier n'est pas encodé en UTF-8.");
}

TEST(CsvParse, EmptyFile) {
  for (const std::string_view data : {std::string_view(""), std::string_view("\xEF\xBB\xBF"),
                                      std::string_view("\r\n\n  \n"), std::string_view("\xEF\xBB\xBF\r\n")}) {
    const auto e = failed(data);
    EXPECT_EQ(e.message, "Le fichier est vide.");
    EXPECT_EQ(e.line, 0u);
  }
}

// --- write --------------------------------------------------------------------

TEST(CsvWrite, RoundTripsTrickyValues) {
  const std::vector<std::vector<std::string>> rows = {
      {"Nom", "Région", "Note"},
      {"Hélène \"Léna\" Œuvre", "Île-de-France", "ligne 1\nligne 2"},
      {"a;b", "c,d", "  espaces devant"},
      {"", "x\r\ny", "fin "},
      {""},
      {"€ 😀", "«guillemets»", "'apostrophe"},
  };
  for (const char delimiter : {';', ','}) {
    const auto t = parsed(csv::write(rows, delimiter, delimiter == ';'));
    EXPECT_EQ(t.delimiter, delimiter);
    ASSERT_EQ(t.records.size(), rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(t.records[r].fields, rows[r]) << "row " << r;
  }
}

TEST(CsvWrite, OneColumnRoundTripsWithEitherDelimiter) {
  const std::vector<std::vector<std::string>> rows = {{"Email"}, {"a;b@example.org"}, {"c,d"}};
  for (const char delimiter : {';', ','}) {
    const auto t = parsed(csv::write(rows, delimiter, false));
    ASSERT_EQ(t.records.size(), 3u);
    EXPECT_EQ(t.records[1].fields, (Fields{"a;b@example.org"}));
    EXPECT_EQ(t.records[2].fields, (Fields{"c,d"}));
  }
}

TEST(CsvWrite, QuotingCrlfAndBom) {
  EXPECT_EQ(csv::write({{"Nom", "Ville"}, {"Dupont", "Saint-Étienne"}}, ';', true),
            "\xEF\xBB\xBFNom;Ville\r\nDupont;Saint-Étienne\r\n");
  EXPECT_EQ(csv::write({{"a\"b", " c", "d;e", "f\ng"}}, ';', false), "\"a\"\"b\";\" c\";\"d;e\";\"f\ng\"\r\n");
  EXPECT_EQ(csv::write({{"a", "b"}}, ',', false), "a,b\r\n");
  EXPECT_EQ(csv::write({}, ';', true), "\xEF\xBB\xBF");
  EXPECT_THROW(csv::write({{"a"}}, '"', false), std::invalid_argument);
}

TEST(CsvWrite, FormulaInjectionPrefix) {
  EXPECT_EQ(csv::write({{"=SUM(A1)"}}, ';', false), "'=SUM(A1)\r\n");
  EXPECT_EQ(csv::write({{"@SUM(A1)"}}, ';', false), "'@SUM(A1)\r\n");
  EXPECT_EQ(csv::write({{"+cmd|' /C calc'!A0"}}, ';', false), "'+cmd|' /C calc'!A0\r\n");
  EXPECT_EQ(csv::write({{"-1+2"}}, ';', false), "'-1+2\r\n");
  EXPECT_EQ(csv::write({{"=HYPERLINK(\"http://x\";\"y\")"}}, ';', false),
            "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"\r\n");
  EXPECT_EQ(csv::write({{"\t=1"}}, ';', false), "'\t=1\r\n");
  // Plain numbers are left alone.
  EXPECT_EQ(csv::write({{"-12"}}, ';', false), "-12\r\n");
  EXPECT_EQ(csv::write({{"+33 1 23 45 67 89"}}, ';', false), "+33 1 23 45 67 89\r\n");
  EXPECT_EQ(csv::write({{"-1 234.5"}}, ';', false), "-1 234.5\r\n");
  EXPECT_EQ(csv::write({{"-12,5"}}, ';', false), "\"-12,5\"\r\n");
  EXPECT_EQ(csv::write({{"a=b", "12"}}, ';', false), "a=b;12\r\n");
  // The prefix survives a round trip, so the cell stays inert when read back.
  const auto t = parsed(csv::write({{"Formule"}, {"=SUM(A1)"}, {"-12"}}, ';', true));
  EXPECT_EQ(t.records[1].fields, (Fields{"'=SUM(A1)"}));
  EXPECT_EQ(t.records[2].fields, (Fields{"-12"}));
}
