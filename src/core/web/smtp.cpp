#include "core/web/smtp.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <mutex>

namespace passerelle::smtp {
namespace {

struct Upload {
  const std::string* data;
  std::size_t at = 0;
};

std::size_t read_body(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t len = std::min(size * n, u->data->size() - u->at);
  std::memcpy(buf, u->data->data() + u->at, len);
  u->at += len;
  return len;
}

// The last command sent, and the first refusal (4xx/5xx) with the command it
// answered: after it libcurl still says QUIT, whose "221 Bye" is not the news.
struct Dialogue {
  std::string command, reply, refused_command;
};

std::string first_line(const char* data, std::size_t size) {
  std::string s(data, size);
  auto end = s.find_first_of("\r\n");
  return end == std::string::npos ? s : s.substr(0, end);
}

int trace(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* d = static_cast<Dialogue*>(user);
  if (type == CURLINFO_HEADER_OUT) d->command = first_line(data, size);
  else if (type == CURLINFO_HEADER_IN && d->reply.empty()) {
    auto line = first_line(data, size);
    if (line.size() >= 3 && (line[0] == '4' || line[0] == '5')) {
      d->reply = line;
      d->refused_command = d->command;
    }
  }
  return 0;
}

std::string without_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

// One libcurl handle per thread, kept between messages: libcurl keeps the
// SMTP connection of a handle open, so a pass over the queue says EHLO (and
// STARTTLS, AUTH) once and then only MAIL FROM / RCPT TO / DATA per message,
// instead of a new TCP connection and greeting each time (measured: bench/mailings.sh).
// curl_easy_cleanup at thread exit says QUIT.
struct Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
  CURL* get() {
    if (!curl) curl = curl_easy_init();
    else curl_easy_reset(curl);  // options back to defaults; the open connection is kept
    return curl;
  }
  // After a failure the connection may be in any state: the next message starts afresh.
  void drop() {
    if (curl) curl_easy_cleanup(curl);
    curl = nullptr;
  }
};
thread_local Handle handle;

}  // namespace

Result send(const std::string& url, const std::string& from, const std::string& to, const std::string& data) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Result out;
  for (unsigned char ch : to)
    if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>') {
      out.permanent = true;
      out.error = "Adresse du destinataire invalide (espace ou caractère de contrôle) : corrigez la fiche du contact.";
      return out;
    }
  CURL* c = handle.get();
  if (!c) {
    out.error = "Impossible de préparer l'envoi (libcurl).";
    return out;
  }
  Upload body{&data};
  Dialogue dialogue;
  char curl_error[CURL_ERROR_SIZE] = {0};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  auto mail_from = "<" + from + ">";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(c, CURLOPT_READDATA, &body);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  // Well below the outbox lease (10 min): a send never outlives its claim.
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, trace);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &dialogue);
  // A connection idle for longer is not reused (relays close idle sessions).
  curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.code);
  curl_slist_free_all(rcpt);
  if (rc != CURLE_OK) handle.drop();

  if (rc == CURLE_OK) {
    out.sent = true;
    return out;
  }
  auto server = without_password(url);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      out.error = fmt::format("Serveur de messagerie injoignable ({}) : nouvel essai plus tard.", server);
      return out;
    case CURLE_OPERATION_TIMEDOUT:
      out.error = fmt::format("Le serveur de messagerie ({}) ne répond pas : nouvel essai plus tard.", server);
      return out;
    case CURLE_LOGIN_DENIED:
      // A configuration problem of ours, not of this message: retried.
      out.error = fmt::format("Identifiants refusés par le serveur de messagerie ({}) : {}", server, dialogue.reply);
      return out;
    default:
      break;
  }
  auto reply = dialogue.reply.empty() ? std::to_string(out.code) : dialogue.reply;
  bool rcpt_phase = dialogue.refused_command.rfind("RCPT", 0) == 0;
  if (out.code >= 500 && out.code < 600) {
    out.permanent = true;
    out.error = rcpt_phase ? fmt::format("Adresse refusée par le serveur de messagerie : {}", reply)
                           : fmt::format("Message refusé par le serveur de messagerie : {}", reply);
  } else if (out.code >= 400) {
    out.error = fmt::format("Refus temporaire du serveur de messagerie : {} ; nouvel essai plus tard.", reply);
  } else {
    out.error = fmt::format("Échec de l'envoi ({}) : {} ; nouvel essai plus tard.", server,
                            *curl_error ? curl_error : curl_easy_strerror(rc));
  }
  return out;
}

}  // namespace passerelle::smtp
