#include "core/web/text.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace passerelle;

// --- is_valid_utf8 -----------------------------------------------------------

TEST(TextUtf8, AcceptsAsciiFrenchAndAllPlanes) {
  EXPECT_TRUE(text::is_valid_utf8(""));
  EXPECT_TRUE(text::is_valid_utf8("Association intermédiaire"));
  EXPECT_TRUE(text::is_valid_utf8("Île-de-France — Œuvre, 12 €"));
  EXPECT_TRUE(text::is_valid_utf8("Référent·e"));
  EXPECT_TRUE(text::is_valid_utf8("\xF0\x9F\x98\x80"));      // 😀 U+1F600
  EXPECT_TRUE(text::is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
  EXPECT_TRUE(text::is_valid_utf8("\xEF\xBF\xBD"));          // U+FFFD
  EXPECT_TRUE(text::is_valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just before surrogates
  EXPECT_TRUE(text::is_valid_utf8("\xEE\x80\x80"));          // U+E000, just after them
  EXPECT_TRUE(text::is_valid_utf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(TextUtf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(text::is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(text::is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(text::is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(text::is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(text::is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(text::is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(TextUtf8, RejectsSurrogatesAndBeyondUnicode) {
  EXPECT_FALSE(text::is_valid_utf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(text::is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(text::is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(text::is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(text::is_valid_utf8("\xFF"));
  EXPECT_FALSE(text::is_valid_utf8("\xFE"));
}

TEST(TextUtf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(text::is_valid_utf8("caf\xC3"));             // "café" cut in the middle of é
  EXPECT_FALSE(text::is_valid_utf8("\xE2\x82"));            // € without its last byte
  EXPECT_FALSE(text::is_valid_utf8("\xF0\x9F\x98"));        // emoji without its last byte
  EXPECT_FALSE(text::is_valid_utf8("\xE2\x82" "a"));        // continuation replaced by ASCII
  EXPECT_FALSE(text::is_valid_utf8("\x80"));                // lone continuation byte
  EXPECT_FALSE(text::is_valid_utf8("abc\xBF"));
  EXPECT_FALSE(text::is_valid_utf8("caf\xE9"));             // Latin-1 "café" (Windows export)
}

// --- fold ------------------------------------------------------------------

TEST(TextFold, RegionNamesFoldToAsciiLowercase) {
  EXPECT_EQ(text::fold("Île-de-France"), "ile-de-france");
  EXPECT_EQ(text::fold("Provence-Alpes-Côte d'Azur"), "provence-alpes-cote d'azur");
  EXPECT_EQ(text::fold("Auvergne-Rhône-Alpes"), "auvergne-rhone-alpes");
  EXPECT_EQ(text::fold("La Réunion"), "la reunion");
  EXPECT_EQ(text::fold("Île-de-France Œuvre"), "ile-de-france oeuvre");  // the header's example
}

TEST(TextFold, LigaturesExpand) {
  EXPECT_EQ(text::fold("ŒUVRE"), "oeuvre");
  EXPECT_EQ(text::fold("cœur"), "coeur");
  EXPECT_EQ(text::fold("Lætitia"), "laetitia");
  EXPECT_EQ(text::fold("ÆSOPE"), "aesope");
  EXPECT_EQ(text::fold("Straße"), "strasse");
}

TEST(TextFold, EveryFrenchAccentBothCases) {
  EXPECT_EQ(text::fold("àâäáãå ÀÂÄÁÃÅ"), "aaaaaa aaaaaa");
  EXPECT_EQ(text::fold("ç Ç"), "c c");
  EXPECT_EQ(text::fold("éèêë ÉÈÊË"), "eeee eeee");
  EXPECT_EQ(text::fold("îïíì ÎÏÍÌ"), "iiii iiii");
  EXPECT_EQ(text::fold("ôöóòõ ÔÖÓÒÕ"), "ooooo ooooo");
  EXPECT_EQ(text::fold("ùûüú ÙÛÜÚ"), "uuuu uuuu");
  EXPECT_EQ(text::fold("ÿý ŸÝ"), "yy yy");
  EXPECT_EQ(text::fold("ñ Ñ"), "n n");
}

TEST(TextFold, NeighbouringLanguagesOfLatinExtendedA) {
  EXPECT_EQ(text::fold("Łódź"), "lodz");
  EXPECT_EQ(text::fold("Dvořák"), "dvorak");
  EXPECT_EQ(text::fold("Şişli"), "sisli");
  EXPECT_EQ(text::fold("Øresund"), "oresund");
  EXPECT_EQ(text::fold("Žižek"), "zizek");
}

TEST(TextFold, TypographicApostropheBecomesAscii) {
  EXPECT_EQ(text::fold("Côte d’Azur"), "cote d'azur");
  EXPECT_EQ(text::fold("Maison de l’emploi"), text::fold("Maison de l'emploi"));
}

TEST(TextFold, DecomposedAccentsFoldLikeComposedOnes) {
  // "é" typed on macOS may arrive as "e" + U+0301 COMBINING ACUTE ACCENT.
  EXPECT_EQ(text::fold("Re\xCC\x81union"), "reunion");
  EXPECT_EQ(text::fold("Re\xCC\x81union"), text::fold("Réunion"));
}

TEST(TextFold, OtherCharactersAreKept) {
  EXPECT_EQ(text::fold("12 € — ×÷ «oui»"), "12 € — ×÷ «oui»");
  EXPECT_EQ(text::fold("Référent·e"), "referent·e");
  EXPECT_EQ(text::fold("Ω Москва 😀"), "Ω Москва 😀");  // only ASCII and Latin letters are lowered
  EXPECT_EQ(text::fold("ABC-xyz_09"), "abc-xyz_09");
  EXPECT_EQ(text::fold(""), "");
}

TEST(TextFold, MalformedBytesPassThroughWithoutCrashing) {
  EXPECT_EQ(text::fold("A\xC3"), "a\xC3");
  EXPECT_EQ(text::fold("\xFF" "B"), "\xFF" "b");
}

TEST(TextFold, IsIdempotent) {
  const std::string once = text::fold("Établissement ŒUVRE D’ÎLE");
  EXPECT_EQ(once, "etablissement oeuvre d'ile");
  EXPECT_EQ(text::fold(once), once);
}

// --- trim --------------------------------------------------------------------

TEST(TextTrim, RemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(text::trim("  Passerelle \t\r\n"), "Passerelle");
  EXPECT_EQ(text::trim("\v\fa b\f"), "a b");
  EXPECT_EQ(text::trim("a  b"), "a  b");
  EXPECT_EQ(text::trim("   "), "");
  EXPECT_EQ(text::trim(""), "");
  EXPECT_EQ(text::trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // no-break space is not ASCII
}

// --- length_utf8 ---------------------------------------------------------------

TEST(TextLength, CountsCodePointsNotBytes) {
  EXPECT_EQ(text::length_utf8(""), 0u);
  EXPECT_EQ(text::length_utf8("abc"), 3u);
  EXPECT_EQ(text::length_utf8("é"), 1u);
  EXPECT_EQ(text::length_utf8("Île-de-France"), 13u);
  EXPECT_EQ(text::length_utf8("€"), 1u);
  EXPECT_EQ(text::length_utf8("😀x"), 2u);
  EXPECT_EQ(text::length_utf8(std::string(300, 'a')), 300u);
  std::string e_acute_300;
  for (int i = 0; i < 300; ++i) e_acute_300 += "é";
  EXPECT_EQ(text::length_utf8(e_acute_300), 300u);  // 600 bytes, still 300 characters
}
