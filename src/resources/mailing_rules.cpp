#include "resources/mailing_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/web/text.hpp"
#include "network/model.hpp"

namespace passerelle::mailings {
namespace {

std::optional<std::int64_t> id_of(std::string_view raw) {
  auto s = text::trim(raw);
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto n = std::stoll(s);
  return n > 0 ? std::optional(n) : std::nullopt;
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

// Paragraphs (blank lines) of plain text as HTML, line breaks kept.
std::string paragraphs_html(std::string_view text) {
  std::string out, para;
  auto flush = [&] {
    if (!para.empty()) out += "<p>" + para + "</p>\n";
    para.clear();
  };
  std::size_t i = 0;
  while (i <= text.size()) {
    auto end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    auto line = text::trim(text.substr(i, end - i));
    if (line.empty()) flush();
    else para += (para.empty() ? "" : "<br>\n") + escape(line);
    i = end + 1;
  }
  flush();
  return out;
}

}  // namespace

bool plausible_email(std::string_view e) {
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) return false;
  auto domain = e.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') return false;
  return std::none_of(e.begin(), e.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == '<' || c == '>'; });
}

std::string normalized_email(std::string_view email) {
  auto s = text::trim(email);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string dedupe_key(std::int64_t mailing_id, std::string_view email) {
  return fmt::format("mailing:{}:{}", mailing_id, normalized_email(email));
}

web::Errors validate_mailing(const MailingInput& in, MailingValues& v) {
  web::Errors errors;
  if (auto id = id_of(in.organisation_id)) v.organisation_id = *id;
  else errors.push_back({"organisation_id", "Choisissez la structure qui envoie la diffusion."});

  v.subject = text::trim(in.subject);
  if (v.subject.empty()) errors.push_back({"subject", "Indiquez l'objet du courriel."});
  else if (v.subject.size() > kSubjectMax)
    errors.push_back({"subject", fmt::format("L'objet compte {} caractères au plus.", kSubjectMax)});
  else if (v.subject.find_first_of("\r\n") != std::string::npos)
    errors.push_back({"subject", "L'objet tient sur une seule ligne."});

  v.body = text::trim(in.body);
  if (v.body.size() > kBodyMax)
    errors.push_back({"body", fmt::format("Le message compte {} caractères au plus.", kBodyMax)});

  v.resource_ids.clear();
  bool bad_resource = false;
  for (auto& raw : in.resource_ids) {
    if (text::trim(raw).empty()) continue;
    auto id = id_of(raw);
    if (!id) bad_resource = true;
    else if (std::find(v.resource_ids.begin(), v.resource_ids.end(), *id) == v.resource_ids.end())
      v.resource_ids.push_back(*id);
  }
  if (bad_resource) errors.push_back({"resource_ids", "Ressource inconnue."});
  else if (static_cast<int>(v.resource_ids.size()) > kResourcesMax)
    errors.push_back({"resource_ids", fmt::format("Une diffusion porte {} ressources au plus.", kResourcesMax)});
  if (v.body.empty() && v.resource_ids.empty() && !bad_resource)
    errors.push_back({"body", "Écrivez le message ou choisissez au moins une ressource."});

  v.audience = text::trim(in.audience);
  v.region = text::trim(in.region);
  v.organisation_kind = text::trim(in.organisation_kind);
  v.programme_id.reset();
  v.referent_id.reset();
  if (!is_code(kAudiences, v.audience)) {
    errors.push_back({"audience", "Choisissez les destinataires : contacts des adhérents ou participants."});
  } else if (v.audience == "contacts") {
    if (!v.region.empty() && !network::find_region(v.region)) errors.push_back({"region", "Région inconnue."});
    if (!v.organisation_kind.empty() && !network::find_kind(v.organisation_kind))
      errors.push_back({"organisation_kind", "Type de structure inconnu."});
  } else {
    v.region.clear();
    v.organisation_kind.clear();
    bool bad = false;
    if (!text::trim(in.programme_id).empty()) {
      v.programme_id = id_of(in.programme_id);
      if (!v.programme_id) {
        errors.push_back({"programme_id", "Programme inconnu."});
        bad = true;
      }
    }
    if (!text::trim(in.referent_id).empty()) {
      v.referent_id = id_of(in.referent_id);
      if (!v.referent_id) {
        errors.push_back({"referent_id", "Référent inconnu."});
        bad = true;
      }
    }
    if (!bad && !v.programme_id && !v.referent_id)
      errors.push_back({"programme_id", "Choisissez un programme ou un référent : leurs participants recevront la diffusion."});
  }
  return errors;
}

Composed compose(const std::string& body, const std::vector<ResourceLink>& resources, const std::string& base_url,
                 const std::string& unsubscribe_url, const std::string& sender, const std::string& recipient_name) {
  Composed c;
  auto greeting = recipient_name.empty() ? std::string("Bonjour,") : fmt::format("Bonjour {},", recipient_name);
  c.text = greeting + "\n\n";
  c.html = "<p>" + escape(greeting) + "</p>\n";
  if (!body.empty()) {
    c.text += body + "\n\n";
    c.html += paragraphs_html(body);
  }
  if (!resources.empty()) {
    c.text += "Ressources :\n\n";
    c.html += "<h2>Ressources</h2>\n<ul>\n";
    for (auto& r : resources) {
      auto link = fmt::format("{}/ressources/{}", base_url, r.id);
      c.text += "- " + r.title + "\n";
      if (!r.summary.empty()) c.text += "  " + r.summary + "\n";
      c.text += "  " + link + "\n\n";
      c.html += fmt::format("<li><a href=\"{}\">{}</a>{}</li>\n", escape(link), escape(r.title),
                            r.summary.empty() ? std::string() : "<br>\n" + escape(r.summary));
    }
    c.html += "</ul>\n";
  }
  c.text += fmt::format("-- \n{}\nVous recevez ce message parce que vous avez accepté de recevoir nos diffusions.\n"
                        "Pour ne plus les recevoir : {}\n",
                        sender, unsubscribe_url);
  c.html += fmt::format("<hr>\n<p>{}<br>\nVous recevez ce message parce que vous avez accepté de recevoir nos diffusions.<br>\n"
                        "<a href=\"{}\">Se désabonner</a></p>\n",
                        escape(sender), escape(unsubscribe_url));
  return c;
}

}  // namespace passerelle::mailings
