#pragma once
// Sending one message to an SMTP relay (libcurl; its headers stay in smtp.cpp).
#include <string>

namespace passerelle::smtp {

struct Result {
  bool sent = false;
  bool permanent = false;  // a 5xx refusal: sending again would be refused again
  long code = 0;           // last SMTP reply code, 0 when none (no connection)
  std::string error;       // French, for staff ("Adresse refusée par le serveur de messagerie : 550 …")
};

// `url`: smtp://host:port (smtps:// for TLS at once; user:password@ in the URL
// for a relay that wants a login). STARTTLS is used when the relay offers it.
Result send(const std::string& url, const std::string& from, const std::string& to, const std::string& data);

}  // namespace passerelle::smtp
