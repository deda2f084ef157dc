#include "network/rules.hpp"

#include <algorithm>
#include <charconv>

#include "core/web/text.hpp"
#include "network/model.hpp"

namespace passerelle::network {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// A positive 64-bit id, as sent by a <select> or the API.
bool is_id(std::string_view s) {
  std::int64_t v = 0;
  if (!all_digits(s)) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size() && v > 0;
}

std::string department_display(const Department& d) {
  return std::string(d.code) + " (" + std::string(d.name) + ")";
}

// Gathers the errors of a form, field after field. Each field gets at most one
// message: the first rule it breaks, in the order a user would fix them.
class Checker {
 public:
  static constexpr std::size_t kMaxLength = 300;  // characters, every text field

  // The trimmed value when it is valid UTF-8 and not too long; otherwise the
  // error is recorded and nullopt returned, so later rules are skipped.
  std::optional<std::string> text(std::string_view field, std::string_view value) {
    if (!text::is_valid_utf8(value)) {
      add(field, "Ce champ contient des caractères invalides.");
      return std::nullopt;
    }
    std::string v = text::trim(value);
    if (text::length_utf8(v) > kMaxLength) {
      add(field, "Ce champ ne doit pas dépasser 300 caractères.");
      return std::nullopt;
    }
    return v;
  }

  // Like text(), but nullopt too when the field is empty: for optional fields.
  std::optional<std::string> optional_text(std::string_view field, std::string_view value) {
    auto v = text(field, value);
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  void add(std::string_view field, std::string message) {
    errors.push_back({std::string(field), std::move(message)});
  }

  web::Errors errors;
};

void check_email_field(Checker& c, std::string_view field, std::string_view value) {
  auto email = c.optional_text(field, value);
  if (!email) return;
  if (email->size() > 254)
    c.add(field, "L'adresse e-mail ne doit pas dépasser 254 caractères.");
  else if (!email_plausible(*email))
    c.add(field, "L'adresse e-mail n'est pas valide (exemple : nom@structure.fr).");
}

void check_phone_field(Checker& c, std::string_view field, std::string_view value) {
  auto phone = c.optional_text(field, value);
  if (phone && !phone_plausible(*phone))
    c.add(field,
          "Le numéro de téléphone n'est pas valide (exemple : 01 23 45 67 89 ou +33 1 23 45 67 89).");
}

void check_required_name(Checker& c, std::string_view field, std::string_view value,
                          std::string message) {
  auto v = c.text(field, value);
  if (v && v->empty()) c.add(field, std::move(message));
}

}  // namespace

// --- SIRET -----------------------------------------------------------------

bool siret_luhn_ok(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;  // every second digit from the right is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string normalize_siret(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == ' ' || input[i] == '\t') continue;
    if (input.substr(i, 2) == "\xC2\xA0") {  // U+00A0 no-break space
      ++i;
      continue;
    }
    if (input.substr(i, 3) == "\xE2\x80\xAF") {  // U+202F narrow no-break space
      i += 2;
      continue;
    }
    out += input[i];
  }
  return out;
}

std::optional<std::string> check_siret(std::string_view input) {
  const std::string siret = normalize_siret(input);
  if (siret.size() != 14 || !all_digits(siret))
    return "Le SIRET doit compter exactement 14 chiffres.";
  if (siret_luhn_ok(siret)) return std::nullopt;
  // La Poste (SIREN 356 000 000) numbers its many establishments beyond what
  // a Luhn key allows; INSEE's rule for them is instead that the sum of the 14
  // digits be a multiple of 5 (INSEE, see fr.wikipedia.org "Système
  // d'identification du répertoire des établissements", calcul et validité).
  if (siret.starts_with("356000000")) {
    int sum = 0;
    for (char ch : siret) sum += ch - '0';
    if (sum % 5 == 0) return std::nullopt;
  }
  return "Le SIRET n'est pas valide : la clé de contrôle (algorithme de Luhn) ne correspond pas.";
}

// --- Territory -------------------------------------------------------------

bool is_postcode(std::string_view postcode) { return postcode.size() == 5 && all_digits(postcode); }

std::optional<std::string> department_of_postcode(std::string_view postcode) {
  if (!is_postcode(postcode)) return std::nullopt;
  std::string code;
  if (postcode.starts_with("20")) {
    // Corsica kept the 20 prefix of its former single department: 200xx-201xx
    // serve Corse-du-Sud, 202xx-206xx Haute-Corse (La Poste).
    const char third = postcode[2];
    if (third <= '1')
      code = "2A";
    else if (third <= '6')
      code = "2B";
    else
      return std::nullopt;
  } else if (postcode.starts_with("97")) {
    code = std::string(postcode.substr(0, 3));  // overseas: 971xx..976xx
  } else {
    code = std::string(postcode.substr(0, 2));  // "98" (Monaco, Pacific) and "00" are not found
  }
  if (!find_department(code)) return std::nullopt;
  return code;
}

std::optional<std::string> check_postcode_department(std::string_view postcode,
                                                     std::string_view department_code) {
  if (!is_postcode(postcode)) return "Le code postal doit compter 5 chiffres.";
  const Department* d = find_department(department_code);
  if (!d) return "Choisissez un département dans la liste.";
  // A few border communes are served by a neighbouring department's post
  // office (e.g. Claret and Curbans, Alpes-de-Haute-Provence, share 05110 with
  // Hautes-Alpes); the form then shows this message and the user picks the
  // department of the commune code, which is authoritative.
  if (department_of_postcode(postcode) == department_code) return std::nullopt;
  return "Le code postal " + std::string(postcode) + " ne correspond pas au département " +
         department_display(*d) + ".";
}

bool is_commune_insee(std::string_view code) {
  if (code.size() != 5) return false;
  if (code.starts_with("2A") || code.starts_with("2B")) return all_digits(code.substr(2));
  return all_digits(code);
}

std::optional<std::string> department_of_commune_insee(std::string_view code) {
  if (!is_commune_insee(code)) return std::nullopt;
  std::string dep(code.substr(0, code.starts_with("97") ? 3 : 2));
  if (!find_department(dep)) return std::nullopt;
  return dep;
}

std::optional<std::string_view> region_of_department(std::string_view department_code) {
  if (const Department* d = find_department(department_code)) return d->region_code;
  return std::nullopt;
}

// --- Contact details -------------------------------------------------------

bool email_plausible(std::string_view email) {
  if (email.empty() || email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  // Spaces, controls and the separators of a pasted list ("a@b.fr; c@d.fr").
  constexpr std::string_view kForbidden = "(),:;<>[]\\\"";
  for (char ch : email) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F) return false;
    if (kForbidden.find(ch) != std::string_view::npos) return false;
  }
  const auto dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos && domain.front() != '-';
}

bool phone_plausible(std::string_view phone) {
  std::string s;
  for (char ch : phone)
    if (ch != ' ' && ch != '.' && ch != '-') s += ch;
  if (s.size() == 10 && s[0] == '0' && s[1] != '0') return all_digits(s);

  // International form: +33 or 0033, then the national number without its 0.
  std::string_view rest = s;
  if (rest.starts_with("+"))
    rest.remove_prefix(1);
  else if (rest.starts_with("00"))
    rest.remove_prefix(2);
  else
    return false;
  // France, then La Réunion/Mayotte, Mayotte (former), Guadeloupe, Guyane, Martinique.
  constexpr std::string_view kCountryCodes[] = {"33", "262", "269", "590", "594", "596"};
  for (std::string_view cc : kCountryCodes) {
    if (!rest.starts_with(cc)) continue;
    std::string_view national = rest.substr(cc.size());
    if (national.starts_with("(0)")) national.remove_prefix(3);  // "+33 (0)1 23…"
    return national.size() == 9 && national[0] != '0' && all_digits(national);
  }
  return false;
}

bool website_plausible(std::string_view url) {
  std::string_view rest = url;
  if (starts_with_icase(rest, "https://"))
    rest.remove_prefix(8);
  else if (starts_with_icase(rest, "http://"))
    rest.remove_prefix(7);
  if (rest.empty()) return false;
  for (char ch : rest)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F || ch == '"' || ch == '<' || ch == '>')
      return false;
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    if (!all_digits(host.substr(colon + 1)) || host.size() - colon > 6) return false;
    host = host.substr(0, colon);
  }
  for (char ch : host) {
    const auto u = static_cast<unsigned char>(ch);
    const bool ok = u >= 0x80 || ch == '-' || ch == '.' || (ch >= '0' && ch <= '9') ||
                    (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (!ok) return false;
  }
  const auto dot = host.find('.');
  return dot != std::string_view::npos && dot > 0 && host.back() != '.' &&
         host.find("..") == std::string_view::npos;
}

// --- Forms -----------------------------------------------------------------

web::Errors validate_organisation(const OrganisationInput& in) {
  Checker c;

  if (auto name = c.text("name", in.name)) {
    const auto n = text::length_utf8(*name);
    if (n == 0)
      c.add("name", "Le nom est obligatoire.");
    else if (n < 2 || n > 200)
      c.add("name", "Le nom doit compter entre 2 et 200 caractères.");
  }

  if (auto kind = c.text("kind", in.kind); kind && !find_kind(*kind))
    c.add("kind", "Choisissez un type d'organisation dans la liste.");

  if (auto siret = c.optional_text("siret", in.siret))
    if (auto message = check_siret(*siret)) c.add("siret", std::move(*message));

  c.text("address", in.address);
  c.text("commune", in.commune);

  const Department* department = nullptr;
  if (auto code = c.optional_text("department", in.department)) {
    department = find_department(*code);
    if (!department) c.add("department", "Choisissez un département dans la liste.");
  }

  if (auto code = c.optional_text("region", in.region)) {
    const Region* region = find_region(*code);
    if (!region) {
      c.add("region", "Choisissez une région dans la liste.");
    } else if (department && department->region_code != region->code) {
      const Region* expected = find_region(department->region_code);
      c.add("region", "La région " + std::string(region->name) + " ne correspond pas au département " +
                          department_display(*department) + ", qui est en " +
                          std::string(expected ? expected->name : department->region_code) + ".");
    }
  }

  if (auto postcode = c.optional_text("postcode", in.postcode)) {
    if (!is_postcode(*postcode))
      c.add("postcode", "Le code postal doit compter 5 chiffres.");
    else if (department)
      if (auto message = check_postcode_department(*postcode, department->code))
        c.add("postcode", std::move(*message));
  }

  if (auto insee = c.optional_text("commune_insee", in.commune_insee)) {
    if (!is_commune_insee(*insee))
      c.add("commune_insee",
            "Le code commune INSEE compte 5 caractères : des chiffres, ou 2A ou 2B suivis de 3 chiffres.");
    else if (department && department_of_commune_insee(*insee) != department->code)
      c.add("commune_insee", "La commune de code INSEE " + *insee + " n'est pas dans le département " +
                                 department_display(*department) + ".");
  }

  if (auto parent = c.optional_text("parent_id", in.parent_id); parent && !is_id(*parent))
    c.add("parent_id", "Choisissez une organisation parente dans la liste.");

  check_email_field(c, "email", in.email);
  check_phone_field(c, "phone", in.phone);

  if (auto website = c.optional_text("website", in.website); website && !website_plausible(*website))
    c.add("website", "L'adresse du site web n'est pas valide (exemple : https://www.structure.fr).");

  return std::move(c.errors);
}

web::Errors validate_contact(const ContactInput& in) {
  Checker c;
  check_required_name(c, "first_name", in.first_name, "Le prénom est obligatoire.");
  check_required_name(c, "last_name", in.last_name, "Le nom est obligatoire.");
  c.text("function_title", in.function_title);
  check_email_field(c, "email", in.email);
  check_phone_field(c, "phone", in.phone);

  if (in.mailing_consent != "" && in.mailing_consent != "1" && in.mailing_consent != "0")
    c.add("mailing_consent", "Indiquez si ce contact accepte de recevoir nos envois.");

  bool any = false, all_known = true;
  for (const auto& raw : in.organisation_ids) {
    const std::string id = text::trim(raw);
    if (id.empty()) continue;  // the empty option of a <select>
    any = true;
    if (!is_id(id)) all_known = false;
  }
  if (!any)
    c.add("organisation_ids", "Rattachez ce contact à au moins une organisation.");
  else if (!all_known)
    c.add("organisation_ids", "Choisissez les organisations dans la liste.");

  return std::move(c.errors);
}

// --- Organisation tree -----------------------------------------------------

PathRange subtree_range(std::string_view path) {
  if (path.empty()) return {"/", "0"};
  std::string low(path);
  if (low.back() != '/') low += '/';
  std::string high = low;
  high.back() = '0';  // '0' is the byte right after '/'
  return {std::move(low), std::move(high)};
}

bool in_subtree(std::string_view path, std::string_view root_path) {
  const PathRange r = subtree_range(root_path);
  return path >= r.low && path < r.high;
}

std::string child_path(std::string_view parent_path, std::int64_t id) {
  std::string out(parent_path);
  if (out.empty() || out.back() != '/') out += '/';
  out += std::to_string(id);
  out += '/';
  return out;
}

std::vector<std::int64_t> path_ids(std::string_view path) {
  std::vector<std::int64_t> ids;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), v);
    if (!segment.empty() && ec == std::errc{} && p == segment.data() + segment.size()) ids.push_back(v);
    start = end + 1;
  }
  return ids;
}

}  // namespace passerelle::network
