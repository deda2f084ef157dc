// The mail outbox's pure parts: MIME messages (RFC 2047 subjects,
// quoted-printable, base64 attachments, CRLF, line lengths), iCalendar files
// (folding at 75 octets, escaping), the back-off and the French dates of e-mails.
#include <gtest/gtest.h>

#include <sstream>

#include "core/web/app.hpp"
#include "core/web/ics.hpp"
#include "core/web/mime.hpp"
#include "core/web/outbox.hpp"
#include "events/rules.hpp"

namespace passerelle {
namespace {

std::vector<std::string> crlf_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto e = s.find("\r\n", i);
    if (e == std::string::npos) e = s.size();
    out.push_back(s.substr(i, e - i));
    i = e + 2;
  }
  return out;
}

bool has_bare_lf(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
  return false;
}

std::string unbase64(std::string_view s) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : s) {
    auto p = chars.find(c);
    if (p == std::string::npos) continue;
    value = value << 6 | static_cast<int>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

// Decodes "=?UTF-8?B?…?=" words separated by folding.
std::string decode_words(const std::string& header_value) {
  std::string out;
  std::size_t i = 0;
  while ((i = header_value.find("=?UTF-8?B?", i)) != std::string::npos) {
    auto end = header_value.find("?=", i + 10);
    out += unbase64(header_value.substr(i + 10, end - i - 10));
    i = end + 2;
  }
  return out;
}

std::string unqp(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') i += 2;
    else if (s[i] == '=' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '\r') continue;
    else out += s[i];
  }
  return out;
}

TEST(MailMime, SubjectAndNamesAreEncodedWordsThatDecodeBack) {
  EXPECT_EQ(mime::encode_word("Plain subject"), "Plain subject");
  std::string subject = "Une place vous est proposée : Journée des adhérents PACA — tables rondes « PASS IAE »";
  auto encoded = mime::encode_word(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  std::istringstream words(encoded);
  for (std::string w; words >> w;) EXPECT_LE(w.size(), 75u) << w;
  EXPECT_EQ(decode_words(encoded), subject);
  EXPECT_EQ(mime::address("a@b.fr", ""), "a@b.fr");
  EXPECT_EQ(mime::address("a@b.fr", "Anne Martin"), "Anne Martin <a@b.fr>");
  EXPECT_EQ(mime::address("a@b.fr", "Martin, Anne"), "\"Martin, Anne\" <a@b.fr>");
  EXPECT_EQ(decode_words(mime::address("a@b.fr", "Aurélie")), "Aurélie");
  EXPECT_EQ(mime::address("a@b.fr\r\nBcc: x@y.fr", "Anne"), "Anne <a@b.frBcc:x@y.fr>") << "no header slips in";
  EXPECT_EQ(mime::encode_word("Objet\r\nBcc: x@y.fr").find('\n'), std::string::npos);
}

TEST(MailMime, QuotedPrintableKeepsLinesShortAndCharactersWhole) {
  EXPECT_EQ(mime::quoted_printable("été = chaud"), "=C3=A9t=C3=A9 =3D chaud\r\n");
  EXPECT_EQ(mime::quoted_printable("fin \nsuite"), "fin=20\r\nsuite\r\n");
  std::string long_line;
  for (int i = 0; i < 40; ++i) long_line += "déjà ";
  auto qp = mime::quoted_printable(long_line + "\n.\n");
  for (auto& l : crlf_lines(qp)) {
    EXPECT_LE(l.size(), 76u) << l;
    // A soft break never falls inside "=C3=A9".
    if (l.size() >= 3 && l.back() == '=') EXPECT_NE(l.substr(l.size() - 4, 3), "=C3") << l;
  }
  EXPECT_FALSE(has_bare_lf(qp));
  EXPECT_EQ(unqp(qp), long_line + "\n.\n");
  EXPECT_NE(qp.find("\r\n=2E\r\n"), std::string::npos) << "a lone dot is encoded";
}

TEST(MailMime, AMessageWithAnAttachmentIsMultipartMixedWithCrlfEverywhere) {
  mime::Message m;
  m.from_address = "ne-pas-repondre@passerelle.fr";
  m.from_name = "Passerelle";
  m.to_address = "aurelie.fournier@solipass.fr";
  m.to_name = "Aurélie Fournier";
  m.subject = "Inscription confirmée : Journée des adhérents PACA";
  m.text = "Bonjour,\nVotre inscription est confirmée.\n";
  m.attachments.push_back({"evenement.ics", "text/calendar; charset=UTF-8; method=PUBLISH", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"});
  m.message_id = "abc@passerelle";
  m.date = 1675098000;  // 2023-01-30T17:00:00Z
  m.boundary_seed = "seed";
  auto raw = mime::build(m);
  EXPECT_FALSE(has_bare_lf(raw));
  for (auto& l : crlf_lines(raw)) EXPECT_LE(l.size(), 78u) << l;
  EXPECT_NE(raw.find("Date: Mon, 30 Jan 2023 17:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Message-ID: <abc@passerelle>\r\n"), std::string::npos);
  EXPECT_NE(raw.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: multipart/mixed; boundary=\"=_seed_1\"\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Content-Disposition: attachment; filename=\"evenement.ics\""), std::string::npos);
  EXPECT_NE(raw.find(mime::base64_lines("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")), std::string::npos);
  EXPECT_NE(raw.find("\r\n--=_seed_1--\r\n"), std::string::npos);
  auto subject_at = raw.find("Subject: ");
  auto subject_end = raw.find("\r\nDate:");
  EXPECT_EQ(decode_words(raw.substr(subject_at, subject_end - subject_at)), m.subject);
  EXPECT_NE(raw.find("Votre inscription est confirm=C3=A9e."), std::string::npos);
}

TEST(MailIcs, LinesAreFoldedAt75OctetsWithoutCuttingACharacter) {
  std::string value(70, 'a');
  value += "éééé";  // 2 octets each
  auto folded = ics::fold("SUMMARY:" + value);
  auto lines = crlf_lines(folded);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_LE(lines[0].size(), 75u);
  EXPECT_EQ(lines[1][0], ' ');
  EXPECT_EQ(lines[0] + lines[1].substr(1), "SUMMARY:" + value);
  EXPECT_NE(static_cast<unsigned char>(lines[1][1]) & 0xC0, 0x80u) << "continuation starts on a character";
  EXPECT_EQ(ics::escape_text("Lille; salle A, 2e étage\\\nentrée B"), "Lille\\; salle A\\, 2e étage\\\\\\nentrée B");
}

TEST(MailIcs, AnEventIsOneVeventInUtcWithAStableUid) {
  events::CalendarEvent e{12, "Journée des adhérents PACA, tables rondes", "Matinée en plénière.\nAprès-midi en world café.",
                          "2023-01-31T08:00:00Z", "2023-01-31T16:00:00Z", "Mas Le Cagnard, Aix-en-Provence", "",
                          "Délégation PACA", "published", "2022-12-01T10:00:00Z", "2022-12-01T10:00:00Z"};
  auto cal = events::event_calendar(e, "2023-01-10T09:00:00Z", "https://passerelle.exemple.fr");
  EXPECT_FALSE(has_bare_lf(cal));
  for (auto& l : crlf_lines(cal)) EXPECT_LE(l.size(), 75u) << l;
  // Unfolded, the content lines read back.
  std::string unfolded;
  for (auto& l : crlf_lines(cal)) unfolded += (l[0] == ' ' ? l.substr(1) : "\n" + l);
  EXPECT_NE(unfolded.find("\nUID:evenement-12@passerelle.exemple.fr"), std::string::npos);
  EXPECT_NE(unfolded.find("\nDTSTART:20230131T080000Z"), std::string::npos);
  EXPECT_NE(unfolded.find("\nDTEND:20230131T160000Z"), std::string::npos);
  EXPECT_NE(unfolded.find("\nSUMMARY:Journée des adhérents PACA\\, tables rondes"), std::string::npos);
  EXPECT_NE(unfolded.find("\nLOCATION:Mas Le Cagnard\\, Aix-en-Provence"), std::string::npos);
  EXPECT_NE(unfolded.find("\nDESCRIPTION:Matinée en plénière.\\nAprès-midi en world café."), std::string::npos);
  EXPECT_NE(unfolded.find("\nMETHOD:PUBLISH"), std::string::npos);
  EXPECT_EQ(cal.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  // The same UID the next time; a visio event is located by its link; a cancelled one cancels.
  e.venue = "";
  e.visio_url = "https://visio.exemple.fr/pdl";
  e.status = "cancelled";
  auto again = events::event_calendar(e, "2023-01-20T09:00:00Z", "https://passerelle.exemple.fr");
  EXPECT_NE(again.find("UID:evenement-12@passerelle.exemple.fr\r\n"), std::string::npos);
  EXPECT_NE(again.find("LOCATION:https://visio.exemple.fr/pdl\r\n"), std::string::npos);
  EXPECT_NE(again.find("METHOD:CANCEL\r\n"), std::string::npos);
  EXPECT_NE(again.find("STATUS:CANCELLED\r\n"), std::string::npos);
}

TEST(MailRules, BackOffThenFailure) {
  auto delays = outbox::default_retry_delays();
  EXPECT_EQ(outbox::retry_delay(1, delays), 60);
  EXPECT_EQ(outbox::retry_delay(2, delays), 300);
  EXPECT_EQ(outbox::retry_delay(3, delays), 1800);
  EXPECT_EQ(outbox::retry_delay(4, delays), 7200);
  EXPECT_EQ(outbox::retry_delay(6, delays), 86400);
  EXPECT_FALSE(outbox::retry_delay(7, delays).has_value()) << "the 7th failed attempt is the last";
}

TEST(MailRules, ReminderIsDueTheDayBeforeUnlessOneJustRegistered) {
  // Event at 2023-01-31 08:00 UTC, registered on the 10th.
  EXPECT_FALSE(events::reminder_due("2023-01-30T07:00:00Z", "2023-01-31T08:00:00Z", "2023-01-10T10:00:00Z"));
  EXPECT_TRUE(events::reminder_due("2023-01-30T08:00:00Z", "2023-01-31T08:00:00Z", "2023-01-10T10:00:00Z"));
  EXPECT_TRUE(events::reminder_due("2023-01-31T07:59:00Z", "2023-01-31T08:00:00Z", "2023-01-10T10:00:00Z"));
  EXPECT_FALSE(events::reminder_due("2023-01-31T08:00:00Z", "2023-01-31T08:00:00Z", "2023-01-10T10:00:00Z"));
  EXPECT_FALSE(events::reminder_due("2023-01-30T20:00:00Z", "2023-01-31T08:00:00Z", "2023-01-30T19:00:00Z"));
}

TEST(MailRules, FrenchDatesOfLetters) {
  EXPECT_EQ(web::french_long_datetime("2023-01-30T17:00:00Z"), "lundi 30 janvier 2023 à 18 h 00");
  EXPECT_EQ(web::french_long_datetime("2023-07-01T07:05:00Z"), "samedi 1er juillet 2023 à 9 h 05");
  EXPECT_EQ(web::french_time("2021-11-25T08:00:00Z"), "9 h 00");
}

}  // namespace
}  // namespace passerelle
