#include "core/web/xlsx.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace passerelle;

namespace {

using Rows = std::vector<std::vector<std::string>>;

bool have_unzip() { return std::system("command -v unzip >/dev/null 2>&1") == 0; }

// The members of the zip, concatenated, as `unzip -p` prints them; nullopt without unzip.
std::optional<std::string> unzip(const std::string& bytes, const std::string& members) {
  if (!have_unzip()) return std::nullopt;
  const char* env = std::getenv("TMPDIR");
  std::string dir = (env && *env) ? env : "/tmp";
  std::string zip = dir + "/xlsx-test-XXXXXX.xlsx";
  const int fd = ::mkstemps(zip.data(), 5);
  if (fd < 0) throw std::runtime_error("mkstemps");
  ::close(fd);
  std::ofstream(zip, std::ios::binary) << bytes;
  const std::string out = zip + ".out";
  const int rc = std::system(("unzip -p '" + zip + "' " + members + " > '" + out + "' 2>/dev/null").c_str());
  std::ifstream in(out, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::filesystem::remove(zip);
  std::filesystem::remove(out);
  if (rc != 0) ADD_FAILURE() << "unzip failed for " << members;
  return text;
}

// The <c> element of one cell in a sheet's XML, "" when absent.
std::string cell_xml(const std::string& sheet, const std::string& ref) {
  const std::size_t start = sheet.find("<c r=\"" + ref + "\"");
  if (start == std::string::npos) return "";
  const std::size_t end = sheet.find("</c>", start);
  return end == std::string::npos ? "" : sheet.substr(start, end + 4 - start);
}

// True when the cell holds the number `value` (no t="s": not a shared string).
bool is_number_cell(const std::string& sheet, const std::string& ref, const std::string& value) {
  const std::string c = cell_xml(sheet, ref);
  return c.find("<v>" + value + "</v>") != std::string::npos && c.find(" t=") == std::string::npos;
}

bool is_text_cell(const std::string& sheet, const std::string& ref) {
  return cell_xml(sheet, ref).find(" t=\"s\"") != std::string::npos;
}

const Rows kContacts = {
    {"Structure", "SIRET", "Code postal", "Région", "Salariés", "Note"},
    {"Atelier Émeraude", "00012345600012", "01000", "Île-de-France", "42", "Deux\nlignes"},
    {"Régie de quartier", "12345678900011", "75011", "Île-de-France", "-7", "=SUM(A1)"},
    {"Chantier d'insertion", "98765432100019", "69001", "Auvergne-Rhône-Alpes", "0", ""},
};

}  // namespace

TEST(Xlsx, IsAZipWithTheSheet) {
  const std::string bytes = xlsx::workbook("Structures", kContacts);
  ASSERT_GT(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  // The central directory names its members in clear text.
  EXPECT_NE(bytes.find("xl/worksheets/sheet1.xml"), std::string::npos);
}

TEST(Xlsx, FrenchTextIsStoredAsIs) {
  const std::string bytes = xlsx::workbook("Structures", kContacts);
  const auto strings = unzip(bytes, "xl/sharedStrings.xml xl/worksheets/sheet1.xml");
  if (!strings) GTEST_SKIP() << "unzip not installed";
  EXPECT_NE(strings->find("Île-de-France"), std::string::npos);
  EXPECT_NE(strings->find("Auvergne-Rhône-Alpes"), std::string::npos);
  EXPECT_NE(strings->find("=SUM(A1)"), std::string::npos);  // as text, never as a formula
}

TEST(Xlsx, OnlyPlainIntegersBecomeNumbers) {
  const std::string bytes = xlsx::workbook("Structures", kContacts);
  const auto strings = unzip(bytes, "xl/sharedStrings.xml");
  const auto sheet = unzip(bytes, "xl/worksheets/sheet1.xml");
  if (!strings || !sheet) GTEST_SKIP() << "unzip not installed";
  // SIRET and postcodes with a leading zero stay text (shared strings), and so does the rest of
  // their column: one type per column.
  EXPECT_NE(strings->find("<t>00012345600012</t>"), std::string::npos);
  EXPECT_NE(strings->find("<t>01000</t>"), std::string::npos);
  EXPECT_NE(strings->find("<t>12345678900011</t>"), std::string::npos);
  EXPECT_NE(strings->find("<t>75011</t>"), std::string::npos);
  EXPECT_EQ(sheet->find("<f>"), std::string::npos);  // no formula anywhere
  EXPECT_TRUE(is_text_cell(*sheet, "B2"));
  EXPECT_TRUE(is_text_cell(*sheet, "B3"));
  EXPECT_TRUE(is_text_cell(*sheet, "C3"));
  // 42, -7 and 0 are numbers.
  EXPECT_TRUE(is_number_cell(*sheet, "E2", "42")) << *sheet;
  EXPECT_TRUE(is_number_cell(*sheet, "E3", "-7"));
  EXPECT_TRUE(is_number_cell(*sheet, "E4", "0"));
  EXPECT_TRUE(is_text_cell(*sheet, "E1"));  // the header stays text
  // The header is bold, frozen and filtered.
  EXPECT_NE(sheet->find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(sheet->find("<autoFilter ref=\"A1:F4\""), std::string::npos);
  EXPECT_NE(sheet->find("<cols>"), std::string::npos);
}

TEST(Xlsx, IntegerColumnsAndTheirLimits) {
  const Rows rows = {
      {"SIRET", "Code postal", "Texte", "15 chiffres", "16 chiffres"},
      {"12345678900011", "75011", "007", "999999999999999", "1234567890123456"},
      {"98765432100019", "69001", "+3", "-123456789012345", "1"},
      {"", "", "1.5", "", ""},
  };
  const std::string bytes = xlsx::workbook("Nombres", rows);
  const auto sheet = unzip(bytes, "xl/worksheets/sheet1.xml");
  const auto styles = unzip(bytes, "xl/styles.xml");
  if (!sheet || !styles) GTEST_SKIP() << "unzip not installed";
  EXPECT_TRUE(is_number_cell(*sheet, "A2", "12345678900011")) << *sheet;
  EXPECT_TRUE(is_number_cell(*sheet, "B3", "69001"));
  EXPECT_TRUE(is_text_cell(*sheet, "C2"));  // "007"
  EXPECT_TRUE(is_text_cell(*sheet, "C3"));  // "+3"
  EXPECT_TRUE(is_number_cell(*sheet, "D2", "999999999999999"));
  EXPECT_TRUE(is_number_cell(*sheet, "D3", "-123456789012345"));
  EXPECT_TRUE(is_text_cell(*sheet, "E2"));  // 16 digits: text,
  EXPECT_TRUE(is_text_cell(*sheet, "E3"));  // and so is the rest of its column
  EXPECT_EQ(cell_xml(*sheet, "A4"), "");    // empty cells are not written
  EXPECT_NE(styles->find("formatCode=\"0\""), std::string::npos) << *styles;
}

TEST(Xlsx, SheetNameIsSanitized) {
  const Rows rows = {{"a"}, {"b"}};
  auto workbook_xml = [&](std::string_view name) {
    return unzip(xlsx::workbook(name, rows), "xl/workbook.xml");
  };
  const auto slash = workbook_xml("Contacts 2024/2025 [export]");
  if (!slash) GTEST_SKIP() << "unzip not installed";
  EXPECT_NE(slash->find("name=\"Contacts 2024-2025 -export-\""), std::string::npos) << *slash;
  const auto long_name = workbook_xml("Structures d'insertion par l'activité économique");
  EXPECT_NE(long_name->find("name=\"Structures d'insertion par l'ac\""), std::string::npos) << *long_name;
  const auto empty = workbook_xml(" '*?' ");
  EXPECT_NE(empty->find("name=\"--\""), std::string::npos) << *empty;
  const auto nothing = workbook_xml("");
  EXPECT_NE(nothing->find("name=\"Feuille1\""), std::string::npos) << *nothing;
}

TEST(Xlsx, RepairsInvalidUtf8AndCutsOverlongCells) {
  const Rows rows = {{"Nom", "Note"}, {"H\xE9l\xE8ne", std::string(40000, 'x')}};
  std::string bytes;
  ASSERT_NO_THROW(bytes = xlsx::workbook("Feuille", rows));
  const auto strings = unzip(bytes, "xl/sharedStrings.xml");
  if (!strings) GTEST_SKIP() << "unzip not installed";
  EXPECT_NE(strings->find("H\xEF\xBF\xBDl\xEF\xBF\xBDne"), std::string::npos);
  EXPECT_NE(strings->find(std::string(32767, 'x')), std::string::npos);
  EXPECT_EQ(strings->find(std::string(32768, 'x')), std::string::npos);
}

TEST(Xlsx, ControlCharactersAndLiteralEscapesSurvive) {
  const Rows rows = {{"Nom", "Code"}, {"a\x01z", "_x0041_"}};
  const auto strings = unzip(xlsx::workbook("Feuille", rows), "xl/sharedStrings.xml");
  if (!strings) GTEST_SKIP() << "unzip not installed";
  EXPECT_NE(strings->find("<t>a_x0001_z</t>"), std::string::npos) << *strings;  // XML cannot hold U+0001
  EXPECT_NE(strings->find("<t>_x005F_x0041_</t>"), std::string::npos);         // read back as "_x0041_", not "A"
}

TEST(Xlsx, EmptyAndHeaderOnly) {
  EXPECT_EQ(xlsx::workbook("Vide", {}).substr(0, 2), "PK");
  EXPECT_EQ(xlsx::workbook("Vide", {{"Nom", "Ville"}}).substr(0, 2), "PK");
}

TEST(Xlsx, TooManyColumnsThrows) {
  const Rows rows = {std::vector<std::string>(16385, "x")};
  EXPECT_THROW(xlsx::workbook("Large", rows), std::runtime_error);
}

TEST(Xlsx, LeavesNoTemporaryFileBehind) {
  namespace fs = std::filesystem;
  const char* old = std::getenv("TMPDIR");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  std::string dir = (fs::temp_directory_path() / "xlsx-tmpdir-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  ::setenv("TMPDIR", dir.c_str(), 1);
  const std::string bytes = xlsx::workbook("Structures", kContacts);
  EXPECT_THROW(xlsx::workbook("Large", {std::vector<std::string>(16385, "x")}), std::runtime_error);
  if (saved) {
    ::setenv("TMPDIR", saved->c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

namespace passerelle::xlsx {
namespace {

// A report of several sheets (the funder report of a project): each sheet
// keeps its name, order and types, the header of each bold and frozen.
TEST(Xlsx, AWorkbookOfSeveralSheetsKeepsTheirNamesOrderAndTypes) {
  const std::string bytes = workbook({Sheet{"Synthèse", {{"Rubrique", "Valeur"}, {"Participants", "42"}, {"Période", "juin"}}},
                                      Sheet{"Financeurs", {{"Financeur", "Centimes"}, {"Fondation", "2000000"}}}});
  ASSERT_EQ(bytes.substr(0, 2), "PK");
  auto book = unzip(bytes, "xl/workbook.xml");
  if (!book) GTEST_SKIP() << "unzip is not installed";
  const auto first = book->find("name=\"Synthèse\""), second = book->find("name=\"Financeurs\"");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  const auto funders = *unzip(bytes, "xl/worksheets/sheet2.xml");
  EXPECT_TRUE(is_number_cell(funders, "B2", "2000000"));
  const auto summary = *unzip(bytes, "xl/worksheets/sheet1.xml");
  EXPECT_TRUE(is_text_cell(summary, "B2")) << "a column with text stays text, 42 included";
  EXPECT_NE(summary.find("<pane"), std::string::npos);
  EXPECT_NE(funders.find("<pane"), std::string::npos);
}

}  // namespace
}  // namespace passerelle::xlsx
