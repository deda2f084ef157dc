#include "network/rules.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "network/model.hpp"

using namespace passerelle;
using namespace passerelle::network;

namespace {

// A valid organisation as a delegation would type it; tests break one field.
OrganisationInput valid_organisation() {
  OrganisationInput o;
  o.name = "Chantier d'insertion Les Jardins de Montreuil";
  o.kind = "aci";
  o.siret = "732 829 320 00074";
  o.address = "12 rue de Paris";
  o.postcode = "93100";
  o.commune = "Montreuil";
  o.commune_insee = "93048";
  o.department = "93";
  o.region = "11";
  o.parent_id = "5";
  o.email = "contact@jardins-montreuil.fr";
  o.phone = "01 48 70 00 00";
  o.website = "https://www.jardins-montreuil.fr";
  return o;
}

ContactInput valid_contact() {
  ContactInput c;
  c.first_name = "Amina";
  c.last_name = "Diallo";
  c.function_title = "Chargée d'insertion professionnelle";
  c.email = "amina.diallo@jardins-montreuil.fr";
  c.phone = "06 12 34 56 78";
  c.mailing_consent = "1";
  c.organisation_ids = {"23"};
  return c;
}

std::string message_of(const web::Errors& errors, const std::string& field) {
  const auto* e = web::find_error(errors, field);
  return e ? e->message : std::string("<no error on ") + field + ">";
}

const std::string kBadKey =
    "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.";
const std::string kNot14 = "Le SIRET doit compter exactement 14 chiffres.";
const std::string kInvalidBytes = "Ce champ contient des caractères invalides.";

}  // namespace

// --- reference tables --------------------------------------------------------

TEST(NetworkModel, ThereAre18RegionsAnd101Departments) {
  EXPECT_EQ(kRegions.size(), 18u);
  EXPECT_EQ(kDepartments.size(), 101u);
}

TEST(NetworkModel, EveryDepartmentHasAKnownRegionAndEveryRegionADepartment) {
  std::set<std::string_view> codes;
  for (const auto& d : kDepartments) {
    EXPECT_NE(find_region(d.region_code), nullptr) << d.code << " " << d.name;
    EXPECT_FALSE(d.name.empty());
    codes.insert(d.code);
  }
  EXPECT_EQ(codes.size(), 101u) << "department codes must be unique";
  for (const auto& r : kRegions) EXPECT_FALSE(departments_of_region(r.code).empty()) << r.name;
}

TEST(NetworkModel, DepartmentCodesFollowInsee) {
  EXPECT_EQ(find_department("20"), nullptr);
  EXPECT_EQ(find_department("975"), nullptr);  // Saint-Pierre-et-Miquelon is not a department
  ASSERT_NE(find_department("2A"), nullptr);
  EXPECT_EQ(find_department("2A")->name, "Corse-du-Sud");
  EXPECT_EQ(find_department("2B")->name, "Haute-Corse");
  EXPECT_EQ(find_department("93")->name, "Seine-Saint-Denis");
  EXPECT_EQ(find_department("976")->name, "Mayotte");
  EXPECT_EQ(find_department("90")->name, "Territoire de Belfort");
  EXPECT_EQ(find_department("1"), nullptr);  // codes are zero-padded
  EXPECT_EQ(find_department("01")->name, "Ain");
}

TEST(NetworkModel, RegionsHaveTheirDepartments) {
  EXPECT_EQ(find_region("11")->name, "Île-de-France");
  EXPECT_EQ(find_region("93")->name, "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(departments_of_region("11").size(), 8u);  // 75, 77, 78, 91, 92, 93, 94, 95
  EXPECT_EQ(departments_of_region("53").size(), 4u);  // Bretagne: 22, 29, 35, 56
  EXPECT_EQ(departments_of_region("84").size(), 12u);
  EXPECT_EQ(departments_of_region("75").size(), 12u);
  EXPECT_EQ(departments_of_region("76").size(), 13u);
  const auto corse = departments_of_region("94");
  ASSERT_EQ(corse.size(), 2u);
  EXPECT_EQ(corse[0]->code, "2A");
  EXPECT_EQ(corse[1]->code, "2B");
  EXPECT_EQ(departments_of_region("06").size(), 1u);
  EXPECT_TRUE(departments_of_region("99").empty());
}

TEST(NetworkModel, KindsAndRolesCarryFrenchLabels) {
  EXPECT_EQ(kOrganisationKinds.size(), 24u);
  std::set<std::string_view> codes;
  for (const auto& k : kOrganisationKinds) {
    EXPECT_FALSE(k.code.empty());
    EXPECT_FALSE(k.label.empty()) << k.code;
    codes.insert(k.code);
  }
  EXPECT_EQ(codes.size(), kOrganisationKinds.size());
  EXPECT_EQ(find_kind("etti")->label, "Entreprise de travail temporaire d'insertion (ETTI)");
  EXPECT_EQ(find_kind("e2c")->label, "École de la deuxième chance (E2C)");
  EXPECT_EQ(find_kind("ETTI"), nullptr);  // codes are case-sensitive
  EXPECT_EQ(find_role("network")->label, "Chargé·e de mission réseau");
  EXPECT_EQ(kRoles.size(), 7u);
  EXPECT_EQ(find_role("root"), nullptr);
  static_assert(find_kind("geiq")->label == "GEIQ", "tables are usable at compile time");
}

TEST(NetworkModel, SiaeAndPrescriberKinds) {
  for (auto k : {"ai", "aci", "ei", "etti", "eiti"}) EXPECT_TRUE(is_siae_kind(k)) << k;
  for (auto k : {"geiq", "ea", "plie", "france_travail", "federation"}) EXPECT_FALSE(is_siae_kind(k)) << k;
  for (auto k : {"france_travail", "mission_locale", "cap_emploi", "e2c", "departement", "ccas", "spip",
                 "association"})
    EXPECT_TRUE(is_prescriber_kind(k)) << k;
  for (auto k : {"aci", "plie", "employer", "buyer"}) EXPECT_FALSE(is_prescriber_kind(k)) << k;
  for (auto k : kSiaeKinds) EXPECT_NE(find_kind(k), nullptr);
  for (auto k : kPrescriberKinds) EXPECT_NE(find_kind(k), nullptr);
}

// --- SIRET -----------------------------------------------------------------------

TEST(NetworkSiret, LuhnOnRealNumbers) {
  EXPECT_TRUE(siret_luhn_ok("73282932000074"));
  EXPECT_TRUE(siret_luhn_ok("44306184100047"));
  EXPECT_TRUE(siret_luhn_ok("11000201100044"));
  EXPECT_TRUE(siret_luhn_ok("12345678900015"));  // key computed for the test
  EXPECT_TRUE(siret_luhn_ok("732829320"));       // works on a SIREN too
  EXPECT_FALSE(siret_luhn_ok("73282932000075"));
  EXPECT_FALSE(siret_luhn_ok("73282932000047"));  // last two digits swapped
  EXPECT_FALSE(siret_luhn_ok(""));
  EXPECT_FALSE(siret_luhn_ok("7328293200007A"));
}

TEST(NetworkSiret, ValidNumbersPass) {
  EXPECT_EQ(check_siret("73282932000074"), std::nullopt);
  EXPECT_EQ(check_siret("44306184100047"), std::nullopt);
  EXPECT_EQ(check_siret("11000201100044"), std::nullopt);
}

TEST(NetworkSiret, SpacesAreAcceptedAndRemoved) {
  EXPECT_EQ(check_siret("732 829 320 00074"), std::nullopt);
  EXPECT_EQ(check_siret(" 73282932000074 "), std::nullopt);
  EXPECT_EQ(check_siret("732\xC2\xA0" "829\xC2\xA0" "320\xC2\xA0" "00074"), std::nullopt);  // no-break spaces
  EXPECT_EQ(normalize_siret("732 829 320 00074"), "73282932000074");
  EXPECT_EQ(normalize_siret("732\xE2\x80\xAF" "829"), "732829");  // narrow no-break space
}

TEST(NetworkSiret, WrongKeyIsReported) {
  EXPECT_EQ(check_siret("73282932000075"), kBadKey);
  EXPECT_EQ(check_siret("12345678900012"), kBadKey);
}

TEST(NetworkSiret, WrongLengthOrLettersAreReported) {
  EXPECT_EQ(check_siret("7328293200007"), kNot14);    // 13 digits
  EXPECT_EQ(check_siret("732829320000740"), kNot14);  // 15 digits
  EXPECT_EQ(check_siret("732829320"), kNot14);        // a SIREN is not a SIRET
  EXPECT_EQ(check_siret("7328293200007A"), kNot14);
  EXPECT_EQ(check_siret("732-829-320-00074"), kNot14);
  EXPECT_EQ(check_siret(""), kNot14);
  EXPECT_EQ(check_siret("７３２８２９３２０００７４"), kNot14);  // full-width digits are not digits
}

TEST(NetworkSiret, LaPosteUsesTheSumOfDigitsRule) {
  // Head office: a regular Luhn key.
  EXPECT_EQ(check_siret("35600000000048"), std::nullopt);
  // An establishment: Luhn fails, but its digits sum to 40, a multiple of 5.
  ASSERT_FALSE(siret_luhn_ok("35600000049837"));
  EXPECT_EQ(check_siret("356 000 000 49837"), std::nullopt);
  EXPECT_EQ(check_siret("35600000012300"), std::nullopt);
  // Neither Luhn nor a multiple of 5 (sum 46).
  ASSERT_FALSE(siret_luhn_ok("35600000049838"));
  EXPECT_EQ(check_siret("35600000049838"), kBadKey);
  // The exception belongs to La Poste's SIREN alone: another SIREN whose
  // digits sum to 15 still needs its Luhn key.
  ASSERT_FALSE(siret_luhn_ok("35600001000000"));
  EXPECT_EQ(check_siret("35600001000000"), kBadKey);
}

// --- postcodes and INSEE codes --------------------------------------------------

TEST(NetworkPostcode, FiveDigits) {
  EXPECT_TRUE(is_postcode("75011"));
  EXPECT_TRUE(is_postcode("01000"));
  EXPECT_FALSE(is_postcode("7501"));
  EXPECT_FALSE(is_postcode("750011"));
  EXPECT_FALSE(is_postcode("75 011"));
  EXPECT_FALSE(is_postcode("2A004"));
  EXPECT_FALSE(is_postcode(""));
}

TEST(NetworkPostcode, DepartmentOfMetropolitanPostcodes) {
  EXPECT_EQ(department_of_postcode("75011"), "75");
  EXPECT_EQ(department_of_postcode("93100"), "93");
  EXPECT_EQ(department_of_postcode("01000"), "01");
  EXPECT_EQ(department_of_postcode("95000"), "95");
  EXPECT_EQ(department_of_postcode("00100"), std::nullopt);
  EXPECT_EQ(department_of_postcode("7501"), std::nullopt);
  EXPECT_EQ(department_of_postcode("abcde"), std::nullopt);
}

TEST(NetworkPostcode, CorsicaSplitsOnTheThirdDigit) {
  EXPECT_EQ(department_of_postcode("20000"), "2A");  // Ajaccio
  EXPECT_EQ(department_of_postcode("20090"), "2A");  // Ajaccio
  EXPECT_EQ(department_of_postcode("20137"), "2A");  // Porto-Vecchio
  EXPECT_EQ(department_of_postcode("20169"), "2A");  // Bonifacio
  EXPECT_EQ(department_of_postcode("20200"), "2B");  // Bastia
  EXPECT_EQ(department_of_postcode("20250"), "2B");  // Corte
  EXPECT_EQ(department_of_postcode("20600"), "2B");  // Bastia, Furiani
  EXPECT_EQ(department_of_postcode("20700"), std::nullopt);
}

TEST(NetworkPostcode, OverseasUseThreeDigits) {
  EXPECT_EQ(department_of_postcode("97110"), "971");  // Pointe-à-Pitre
  EXPECT_EQ(department_of_postcode("97200"), "972");  // Fort-de-France
  EXPECT_EQ(department_of_postcode("97300"), "973");  // Cayenne
  EXPECT_EQ(department_of_postcode("97400"), "974");  // Saint-Denis
  EXPECT_EQ(department_of_postcode("97600"), "976");  // Mamoudzou
  EXPECT_EQ(department_of_postcode("97500"), std::nullopt);  // Saint-Pierre-et-Miquelon
  EXPECT_EQ(department_of_postcode("98000"), std::nullopt);  // Monaco
  EXPECT_EQ(department_of_postcode("98800"), std::nullopt);  // Nouméa
}

TEST(NetworkPostcode, MismatchWithDepartmentNamesBoth) {
  EXPECT_EQ(check_postcode_department("75011", "93"),
            "Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis).");
  EXPECT_EQ(check_postcode_department("75011", "75"), std::nullopt);
  EXPECT_EQ(check_postcode_department("20000", "2A"), std::nullopt);
  EXPECT_EQ(check_postcode_department("20200", "2A"),
            "Le code postal 20200 ne correspond pas au département 2A (Corse-du-Sud).");
  EXPECT_EQ(check_postcode_department("97400", "974"), std::nullopt);
  EXPECT_EQ(check_postcode_department("97400", "971"),
            "Le code postal 97400 ne correspond pas au département 971 (Guadeloupe).");
  EXPECT_EQ(check_postcode_department("98000", "06"),
            "Le code postal 98000 ne correspond pas au département 06 (Alpes-Maritimes).");
  EXPECT_EQ(check_postcode_department("7501", "75"), "Le code postal doit compter 5 chiffres.");
  EXPECT_EQ(check_postcode_department("75011", "20"), "Choisissez un département dans la liste.");
}

TEST(NetworkInsee, CommuneCodes) {
  EXPECT_TRUE(is_commune_insee("93048"));  // Montreuil
  EXPECT_TRUE(is_commune_insee("2A004"));  // Ajaccio
  EXPECT_TRUE(is_commune_insee("2B033"));  // Bastia
  EXPECT_TRUE(is_commune_insee("97411"));  // Saint-Denis (La Réunion)
  EXPECT_FALSE(is_commune_insee("2C004"));
  EXPECT_FALSE(is_commune_insee("2a004"));
  EXPECT_FALSE(is_commune_insee("9304"));
  EXPECT_FALSE(is_commune_insee("930480"));
  EXPECT_FALSE(is_commune_insee("2A04X"));
  EXPECT_FALSE(is_commune_insee(""));
  EXPECT_EQ(department_of_commune_insee("93048"), "93");
  EXPECT_EQ(department_of_commune_insee("2A004"), "2A");
  EXPECT_EQ(department_of_commune_insee("97411"), "974");
  EXPECT_EQ(department_of_commune_insee("97502"), std::nullopt);
  EXPECT_EQ(department_of_commune_insee("20004"), std::nullopt);
}

TEST(NetworkInsee, RegionOfDepartment) {
  EXPECT_EQ(region_of_department("93"), "11");
  EXPECT_EQ(region_of_department("2B"), "94");
  EXPECT_EQ(region_of_department("974"), "04");
  EXPECT_EQ(region_of_department("35"), "53");
  EXPECT_EQ(region_of_department("20"), std::nullopt);
  EXPECT_EQ(region_of_department(""), std::nullopt);
}

// --- e-mail, phone, website ----------------------------------------------------------

TEST(NetworkContactDetails, PlausibleEmails) {
  EXPECT_TRUE(email_plausible("contact@jardins-montreuil.fr"));
  EXPECT_TRUE(email_plausible("prenom.nom+hotline@federation.asso.fr"));
  EXPECT_TRUE(email_plausible("élodie@exemple.fr"));
  EXPECT_FALSE(email_plausible(""));
  EXPECT_FALSE(email_plausible("contact"));
  EXPECT_FALSE(email_plausible("contact@localhost"));
  EXPECT_FALSE(email_plausible("@exemple.fr"));
  EXPECT_FALSE(email_plausible("a@@exemple.fr"));
  EXPECT_FALSE(email_plausible("a@b@exemple.fr"));
  EXPECT_FALSE(email_plausible("a@exemple..fr"));
  EXPECT_FALSE(email_plausible("a@.exemple.fr"));
  EXPECT_FALSE(email_plausible("a@exemple.fr."));
  EXPECT_FALSE(email_plausible("jean dupont@exemple.fr"));
  EXPECT_FALSE(email_plausible("a@exemple.fr; b@exemple.fr"));
  EXPECT_FALSE(email_plausible("Jean <jean@exemple.fr>"));
  EXPECT_FALSE(email_plausible(std::string(250, 'a') + "@b.fr"));  // 255 bytes
  EXPECT_TRUE(email_plausible(std::string(64, 'a') + "@" + std::string(180, 'b') + ".fr"));
  EXPECT_FALSE(email_plausible(std::string(65, 'a') + "@exemple.fr"));  // local part > 64
}

TEST(NetworkContactDetails, FrenchPhoneNumbers) {
  EXPECT_TRUE(phone_plausible("0148700000"));
  EXPECT_TRUE(phone_plausible("01 48 70 00 00"));
  EXPECT_TRUE(phone_plausible("01.48.70.00.00"));
  EXPECT_TRUE(phone_plausible("06-12-34-56-78"));
  EXPECT_TRUE(phone_plausible("+33 6 12 34 56 78"));
  EXPECT_TRUE(phone_plausible("+33612345678"));
  EXPECT_TRUE(phone_plausible("+33 (0)6 12 34 56 78"));
  EXPECT_TRUE(phone_plausible("0033 1 48 70 00 00"));
  EXPECT_TRUE(phone_plausible("0262 21 00 00"));        // La Réunion, national form
  EXPECT_TRUE(phone_plausible("+262 692 12 34 56"));    // La Réunion mobile
  EXPECT_TRUE(phone_plausible("+590 590 12 34 56"));    // Guadeloupe
  EXPECT_FALSE(phone_plausible("01 48 70 00"));         // 8 digits
  EXPECT_FALSE(phone_plausible("01 48 70 00 00 0"));    // 11 digits
  EXPECT_FALSE(phone_plausible("1148700000"));          // no leading 0
  EXPECT_FALSE(phone_plausible("0048700000"));
  EXPECT_FALSE(phone_plausible("+33 06 12 34 56 78"));  // 0 kept after +33
  EXPECT_FALSE(phone_plausible("+44 20 7946 0000"));    // not French
  EXPECT_FALSE(phone_plausible("01 48 7O 00 00"));      // letter O
  EXPECT_FALSE(phone_plausible(""));
}

TEST(NetworkContactDetails, Websites) {
  EXPECT_TRUE(website_plausible("https://www.jardins-montreuil.fr"));
  EXPECT_TRUE(website_plausible("http://exemple.fr/adherents?page=2#liste"));
  EXPECT_TRUE(website_plausible("www.exemple.fr"));
  EXPECT_TRUE(website_plausible("HTTPS://Exemple.FR"));
  EXPECT_TRUE(website_plausible("https://exemple.fr:8443/"));
  EXPECT_TRUE(website_plausible("https://économie-sociale.fr"));
  EXPECT_FALSE(website_plausible("javascript:alert(1)"));
  EXPECT_FALSE(website_plausible("https://javascript:alert(1)"));
  EXPECT_FALSE(website_plausible("ftp://exemple.fr"));
  EXPECT_FALSE(website_plausible("exemple"));
  EXPECT_FALSE(website_plausible("https://"));
  EXPECT_FALSE(website_plausible("https://exemple .fr"));
  EXPECT_FALSE(website_plausible("https://exemple.fr/\"onmouseover=x"));
  EXPECT_FALSE(website_plausible(""));
}

// --- organisation form -------------------------------------------------------------

TEST(NetworkOrganisation, ValidFormHasNoError) {
  EXPECT_TRUE(validate_organisation(valid_organisation()).empty());
}

TEST(NetworkOrganisation, OnlyNameAndKindAreRequired) {
  OrganisationInput o;
  o.name = "PLIE de Lens-Liévin";
  o.kind = "plie";
  EXPECT_TRUE(validate_organisation(o).empty());
}

TEST(NetworkOrganisation, EmptyFormListsNameAndKind) {
  const auto errors = validate_organisation({});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(message_of(errors, "name"), "Le nom est obligatoire.");
  EXPECT_EQ(message_of(errors, "kind"), "Choisissez un type d'organisation dans la liste.");
}

TEST(NetworkOrganisation, NameLength) {
  auto o = valid_organisation();
  o.name = "   ";
  EXPECT_EQ(message_of(validate_organisation(o), "name"), "Le nom est obligatoire.");
  o.name = "A";
  EXPECT_EQ(message_of(validate_organisation(o), "name"), "Le nom doit compter entre 2 et 200 caractères.");
  o.name = "AI";
  EXPECT_TRUE(validate_organisation(o).empty());
  o.name.clear();
  for (int i = 0; i < 200; ++i) o.name += "é";  // 200 characters, 400 bytes
  EXPECT_TRUE(validate_organisation(o).empty());
  o.name += "é";
  EXPECT_EQ(message_of(validate_organisation(o), "name"), "Le nom doit compter entre 2 et 200 caractères.");
}

TEST(NetworkOrganisation, UnknownKind) {
  auto o = valid_organisation();
  o.kind = "siae";
  EXPECT_EQ(message_of(validate_organisation(o), "kind"), "Choisissez un type d'organisation dans la liste.");
}

TEST(NetworkOrganisation, SiretIsOptionalButChecked) {
  auto o = valid_organisation();
  o.siret = "";
  EXPECT_TRUE(validate_organisation(o).empty());
  o.siret = "7328293200007";
  EXPECT_EQ(message_of(validate_organisation(o), "siret"), kNot14);
  o.siret = "73282932000075";
  EXPECT_EQ(message_of(validate_organisation(o), "siret"), kBadKey);
}

TEST(NetworkOrganisation, ParisPostcodeInSeineSaintDenis) {
  auto o = valid_organisation();
  o.postcode = "75011";
  o.commune_insee = "";
  const auto errors = validate_organisation(o);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "postcode");
  EXPECT_EQ(errors[0].message, "Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis).");
}

TEST(NetworkOrganisation, PostcodeFormatAndWithoutDepartment) {
  auto o = valid_organisation();
  o.postcode = "9310";
  EXPECT_EQ(message_of(validate_organisation(o), "postcode"), "Le code postal doit compter 5 chiffres.");
  o.postcode = "75011";
  o.department = "";
  o.region = "";
  o.commune_insee = "";
  EXPECT_TRUE(validate_organisation(o).empty()) << "no department: nothing to compare with";
}

TEST(NetworkOrganisation, CorsicaAndOverseasAddresses) {
  auto o = valid_organisation();
  o.postcode = "20000";
  o.commune_insee = "2A004";
  o.department = "2A";
  o.region = "94";
  EXPECT_TRUE(validate_organisation(o).empty());
  o.postcode = "97400";
  o.commune_insee = "97411";
  o.department = "974";
  o.region = "04";
  o.phone = "02 62 21 00 00";
  EXPECT_TRUE(validate_organisation(o).empty());
}

TEST(NetworkOrganisation, DepartmentAndRegionMustExistAndAgree) {
  auto o = valid_organisation();
  o.department = "20";
  o.region = "";
  o.postcode = "";
  o.commune_insee = "";
  EXPECT_EQ(message_of(validate_organisation(o), "department"), "Choisissez un département dans la liste.");

  o = valid_organisation();
  o.region = "12";
  EXPECT_EQ(message_of(validate_organisation(o), "region"), "Choisissez une région dans la liste.");

  o = valid_organisation();
  o.region = "93";
  EXPECT_EQ(message_of(validate_organisation(o), "region"),
            "La région Provence-Alpes-Côte d'Azur ne correspond pas au département 93 "
            "(Seine-Saint-Denis), qui est en Île-de-France.");

  o = valid_organisation();
  o.region = "";  // the caller fills it from the department
  EXPECT_TRUE(validate_organisation(o).empty());
  EXPECT_EQ(region_of_department(o.department), "11");
}

TEST(NetworkOrganisation, CommuneCodeMustBeInTheDepartment) {
  auto o = valid_organisation();
  o.commune_insee = "75111";
  EXPECT_EQ(message_of(validate_organisation(o), "commune_insee"),
            "La commune de code INSEE 75111 n'est pas dans le département 93 (Seine-Saint-Denis).");
  o.commune_insee = "9304";
  EXPECT_EQ(message_of(validate_organisation(o), "commune_insee"),
            "Le code commune INSEE compte 5 caractères : des chiffres, ou 2A ou 2B suivis de 3 chiffres.");
}

TEST(NetworkOrganisation, ParentMustBeAnId) {
  auto o = valid_organisation();
  for (const char* bad : {"abc", "0", "-3", "1.5", "99999999999999999999"}) {
    o.parent_id = bad;
    EXPECT_EQ(message_of(validate_organisation(o), "parent_id"),
              "Choisissez une organisation parente dans la liste.")
        << bad;
  }
  o.parent_id = "";
  EXPECT_TRUE(validate_organisation(o).empty());
}

TEST(NetworkOrganisation, EmailPhoneWebsite) {
  auto o = valid_organisation();
  o.email = "contact@jardins";
  o.phone = "01 48 70";
  o.website = "javascript:alert(1)";
  const auto errors = validate_organisation(o);
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(message_of(errors, "email"), "L'adresse e-mail n'est pas valide (exemple : nom@structure.fr).");
  EXPECT_EQ(message_of(errors, "phone"),
            "Le numéro de téléphone n'est pas valide (exemple : 01 23 45 67 89 ou +33 1 23 45 67 89).");
  EXPECT_EQ(message_of(errors, "website"),
            "L'adresse du site web n'est pas valide (exemple : https://www.structure.fr).");

  o = valid_organisation();
  o.email = std::string(250, 'a') + "@b.fr";
  EXPECT_EQ(message_of(validate_organisation(o), "email"), "L'adresse e-mail ne doit pas dépasser 254 caractères.");
}

TEST(NetworkOrganisation, EveryFieldIsLimitedTo300Characters) {
  auto o = valid_organisation();
  o.address = std::string(301, 'x');
  o.commune = std::string(301, 'x');
  const auto errors = validate_organisation(o);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(message_of(errors, "address"), "Ce champ ne doit pas dépasser 300 caractères.");
  EXPECT_EQ(message_of(errors, "commune"), "Ce champ ne doit pas dépasser 300 caractères.");
  o.address = std::string(300, 'x');
  o.commune = "Montreuil";
  EXPECT_TRUE(validate_organisation(o).empty());
}

TEST(NetworkOrganisation, EveryFieldMustBeValidUtf8) {
  OrganisationInput o;
  const std::string bad = "caf\xE9";  // Latin-1 "café"
  for (std::string* f : {&o.name, &o.kind, &o.siret, &o.address, &o.postcode, &o.commune, &o.commune_insee,
                         &o.department, &o.region, &o.parent_id, &o.email, &o.phone, &o.website})
    *f = bad;
  const auto errors = validate_organisation(o);
  ASSERT_EQ(errors.size(), 13u);
  for (const auto& e : errors) EXPECT_EQ(e.message, kInvalidBytes) << e.field;
}

TEST(NetworkOrganisation, AllErrorsAreCollectedAtOnce) {
  OrganisationInput o;
  o.name = "";
  o.kind = "inconnu";
  o.siret = "123";
  o.address = "\xC0\xAF";  // overlong '/'
  o.postcode = "75011";
  o.department = "93";
  o.region = "53";
  o.parent_id = "x";
  o.email = "pas-un-email";
  o.phone = "12";
  o.website = "exemple";
  const auto errors = validate_organisation(o);
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "kind", "siret", "address", "postcode", "region", "parent_id",
                                           "email", "phone", "website"}));
  EXPECT_EQ(errors.size(), fields.size()) << "one message per field";
  EXPECT_EQ(message_of(errors, "address"), kInvalidBytes);
  EXPECT_EQ(message_of(errors, "postcode"),
            "Le code postal 75011 ne correspond pas au département 93 (Seine-Saint-Denis).");
}

// --- contact form ------------------------------------------------------------------

TEST(NetworkContact, ValidContactHasNoError) {
  EXPECT_TRUE(validate_contact(valid_contact()).empty());
  auto c = valid_contact();
  c.email = "";
  c.phone = "";
  c.function_title = "";
  c.mailing_consent = "";
  EXPECT_TRUE(validate_contact(c).empty());
}

TEST(NetworkContact, EmptyFormListsEveryRequiredField) {
  const auto errors = validate_contact({});
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(message_of(errors, "first_name"), "Le prénom est obligatoire.");
  EXPECT_EQ(message_of(errors, "last_name"), "Le nom est obligatoire.");
  EXPECT_EQ(message_of(errors, "organisation_ids"), "Rattachez ce contact à au moins une organisation.");
}

TEST(NetworkContact, EmptySelectOptionsDoNotCountAsOrganisations) {
  auto c = valid_contact();
  c.organisation_ids = {"", " "};
  EXPECT_EQ(message_of(validate_contact(c), "organisation_ids"),
            "Rattachez ce contact à au moins une organisation.");
  c.organisation_ids = {"23", "abc"};
  EXPECT_EQ(message_of(validate_contact(c), "organisation_ids"), "Choisissez les organisations dans la liste.");
  c.organisation_ids = {"23", "", "41"};
  EXPECT_TRUE(validate_contact(c).empty());
}

TEST(NetworkContact, AllErrorsAreCollectedAtOnce) {
  ContactInput c;
  c.first_name = " ";
  c.last_name = "Dupont\xED\xA0\x80";  // surrogate
  c.function_title = std::string(301, 'x');
  c.email = "jean.dupont@";
  c.phone = "+33 0612";
  c.mailing_consent = "oui";
  const auto errors = validate_contact(c);
  EXPECT_EQ(errors.size(), 7u);
  EXPECT_EQ(message_of(errors, "first_name"), "Le prénom est obligatoire.");
  EXPECT_EQ(message_of(errors, "last_name"), kInvalidBytes);
  EXPECT_EQ(message_of(errors, "function_title"), "Ce champ ne doit pas dépasser 300 caractères.");
  EXPECT_EQ(message_of(errors, "email"), "L'adresse e-mail n'est pas valide (exemple : nom@structure.fr).");
  EXPECT_NE(web::find_error(errors, "phone"), nullptr);
  EXPECT_NE(web::find_error(errors, "mailing_consent"), nullptr);
  EXPECT_NE(web::find_error(errors, "organisation_ids"), nullptr);
}

// --- organisation tree -------------------------------------------------------------

TEST(NetworkTree, SubtreeRangeBounds) {
  const auto r = subtree_range("/1/5/");
  EXPECT_EQ(r.low, "/1/5/");
  EXPECT_EQ(r.high, "/1/50");
  const auto whole = subtree_range("");
  EXPECT_EQ(whole.low, "/");
  EXPECT_EQ(whole.high, "0");
  EXPECT_EQ(subtree_range("/1/5").low, "/1/5/") << "a missing final slash is added";
}

TEST(NetworkTree, SubtreeContainsDescendantsOnly) {
  const auto r = subtree_range("/1/5/");
  auto inside = [&](std::string_view q) { return r.low <= q && q < r.high; };
  EXPECT_TRUE(inside("/1/5/"));
  EXPECT_TRUE(inside("/1/5/23/"));
  EXPECT_TRUE(inside("/1/5/23/7/"));
  EXPECT_TRUE(inside("/1/5/9999999/"));
  EXPECT_FALSE(inside("/1/50/"));
  EXPECT_FALSE(inside("/1/51/"));
  EXPECT_FALSE(inside("/1/4/"));
  EXPECT_FALSE(inside("/1/6/"));
  EXPECT_FALSE(inside("/1/"));
  EXPECT_FALSE(inside("/2/5/"));
  EXPECT_FALSE(inside("/15/"));
}

TEST(NetworkTree, InSubtreeAgreesWithTheRange) {
  EXPECT_TRUE(in_subtree("/1/5/23/", "/1/5/"));
  EXPECT_TRUE(in_subtree("/1/5/", "/1/5/"));
  EXPECT_FALSE(in_subtree("/1/50/", "/1/5/"));
  EXPECT_FALSE(in_subtree("/1/", "/1/5/"));
  EXPECT_TRUE(in_subtree("/1/5/23/", "/1/"));
  EXPECT_TRUE(in_subtree("/7/", ""));
  EXPECT_FALSE(in_subtree("/10/", "/1/"));
}

TEST(NetworkTree, ChildPathsAndIds) {
  EXPECT_EQ(child_path("", 1), "/1/");
  EXPECT_EQ(child_path("/1/", 5), "/1/5/");
  EXPECT_EQ(child_path("/1/5/", 23), "/1/5/23/");
  EXPECT_EQ(child_path("/1/5", 23), "/1/5/23/");
  EXPECT_TRUE(in_subtree(child_path("/1/5/", 23), "/1/5/"));
  EXPECT_EQ(path_ids("/1/5/23/"), (std::vector<std::int64_t>{1, 5, 23}));
  EXPECT_EQ(path_ids("/9007199254740993/"), (std::vector<std::int64_t>{9007199254740993}));
  EXPECT_TRUE(path_ids("").empty());
  EXPECT_TRUE(path_ids("/").empty());
}
